"""The evaluation in LLM mode, once, against the small local server: the checks are counted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.llm, pytest.mark.slow]
ROOT = Path(__file__).parents[1]


def test_eval_scores_llm_answers(tmp_path, llm_server):
    env = {
        **os.environ,
        "QUARTIERS_DATA_DIR": str(tmp_path / "data"),
        "QUARTIERS_CORPUS": str(ROOT / "corpus"),
        "QUARTIERS_LLM": f"openai:{llm_server.model}@{llm_server.base_url}",
    }
    out = tmp_path / "report"
    result = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "eval", "--split", "dev", "--limit", "5", "--out", str(out)],
        env=env, capture_output=True, text=True, timeout=900, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    print(result.stdout)
    assert "phrases inventées retirées" in result.stdout
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["quotes_in_passage"] == 1.0
    # What reaches the user is supported, whatever the small model invented.
    assert metrics["citation_recall"] >= 0.9
    assert f"phrases inventées retirées : {metrics['llm_sentences_removed']}" in result.stdout
