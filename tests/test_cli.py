"""The ``quartiers`` command run as a user runs it: real subprocesses, real model, real Chroma."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CLI = [sys.executable, "-m", "assistant.cli"]


def quartiers(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args], env=env, input=stdin, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def env(tmp_path: Path, corpus: Path) -> dict[str, str]:
    return {
        **os.environ,
        "QUARTIERS_DATA_DIR": str(tmp_path / "data"),
        "QUARTIERS_CORPUS": str(corpus),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }


def test_ingest_then_search_json(env, corpus):
    first = quartiers(env, "ingest", "--quiet")
    assert first.returncode == 0, first.stderr
    assert "2 indexés" in first.stdout

    again_started = time.perf_counter()
    again = quartiers(env, "ingest", "--quiet")
    assert again.returncode == 0 and "0 indexés, 2 inchangés" in again.stdout
    assert "0 ajoutés" in again.stdout
    assert time.perf_counter() - again_started < 60

    single = quartiers(env, "search", "priorités de l'atelier santé ville", "-k", "3", "--json")
    assert single.returncode == 0, single.stderr
    obj = json.loads(single.stdout)
    assert obj["query"] == "priorités de l'atelier santé ville"
    assert [r["rank"] for r in obj["results"]] == [1, 2, 3]
    for result in obj["results"]:
        assert set(result) == {"rank", "id", "source", "location", "score", "text"}
        assert isinstance(result["score"], float) and result["text"]

    batch = quartiers(env, "search", "--json", "-k", "2", stdin="comité de pilotage\n\nmobilité\n")
    lines = [json.loads(line) for line in batch.stdout.splitlines()]
    assert [o["query"] for o in lines] == ["comité de pilotage", "mobilité"]
    assert all(len(o["results"]) == 2 for o in lines)


def test_bad_file_sets_exit_status_and_names_the_file(env, corpus):
    (corpus / "scan.pdf").write_bytes(b"%PDF-1.7\nnot really a pdf")
    result = quartiers(env, "ingest", "--quiet")
    assert result.returncode == 1
    assert "scan.pdf" in result.stderr
    assert "2 indexés" in result.stdout and "1 en échec" in result.stdout


def test_search_rejects_an_empty_question(env):
    result = quartiers(env, "search", "   ")
    assert result.returncode == 2 and "vide" in result.stderr
