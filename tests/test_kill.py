"""Killed at any moment (SIGKILL), the next ingest completes with no duplicate and no gap."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.config import Settings
from ingest.factory import make_store

pytestmark = pytest.mark.slow

SEED = Path(__file__).parents[1] / "corpus" / "flers-agglo-contrat-de-ville-2024-2030.txt"


def start_ingest(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "ingest"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_once_embedding(proc: subprocess.Popen, after_s: float) -> bool:
    """Wait until the progress bar shows passages being indexed, then SIGKILL after ``after_s``."""
    buffer = ""
    while proc.poll() is None:
        buffer += proc.stderr.read(1) or ""
        if "Indexation:" in buffer and "/" in buffer.split("Indexation:")[-1]:
            time.sleep(after_s)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
    return False


def state(settings: Settings) -> tuple[list[tuple[str, int, int]], dict[str, bool]]:
    store = make_store(settings)
    spans = sorted((p.source, p.start, p.end) for p in store.iter_passages())
    records = {s: r.complete for s, r in store.file_records().items()}
    return spans, records


def test_sigkill_mid_ingest_then_resume(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(3):  # ~300 passages: long enough to be killed while embedding
        (corpus / f"contrat-{i}.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    env = {
        **os.environ,
        "QUARTIERS_CORPUS": str(corpus),
        "QUARTIERS_DATA_DIR": str(tmp_path / "killed"),
        "QUARTIERS_EMBEDDING_BATCH_SIZE": "8",
    }
    killed_runs = 0
    for after_s in (0.5, 3.0):
        if kill_once_embedding(start_ingest(env), after_s):
            killed_runs += 1
    assert killed_runs == 2, "the ingest finished before it could be killed: make the corpus larger"
    partial, _ = state(Settings(data_dir=tmp_path / "killed", corpus=corpus))

    finish = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest", "--quiet"], env=env, capture_output=True, text=True
    )
    assert finish.returncode == 0, finish.stderr

    reference_env = {**env, "QUARTIERS_DATA_DIR": str(tmp_path / "reference")}
    reference = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest", "--quiet"], env=reference_env, capture_output=True, text=True
    )
    assert reference.returncode == 0, reference.stderr

    resumed_spans, resumed_records = state(Settings(data_dir=tmp_path / "killed", corpus=corpus))
    reference_spans, _ = state(Settings(data_dir=tmp_path / "reference", corpus=corpus))
    assert len(partial) < len(reference_spans)  # the kills really interrupted the work
    assert resumed_spans == reference_spans  # no missing passage
    assert len(set(resumed_spans)) == len(resumed_spans)  # no duplicate
    assert resumed_records == {f"contrat-{i}.txt": True for i in range(3)}
