"""``quartiers eval`` from the command line on the shipped corpus: report, metrics, baseline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).parents[1]


def test_eval_writes_metrics_and_report(tmp_path):
    env = {**os.environ, "QUARTIERS_DATA_DIR": str(tmp_path / "data"), "QUARTIERS_CORPUS": str(ROOT / "corpus")}
    out = tmp_path / "report"
    result = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "eval", "--split", "dev", "--out", str(out)],
        env=env, capture_output=True, text=True, timeout=900, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "| hit@5 |" in result.stdout
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    for key in ("hit@5", "mrr", "ndcg@10", "citation_precision", "citation_recall", "refusal_accuracy",
                "crag_score", "latency_p95_ms"):
        assert key in metrics and key in metrics["baseline"]
    assert set(metrics["ablations"]) >= {"lexical_only", "dense_only", "hybrid", "hybrid_expanded"}
    assert metrics["mrr"] > metrics["baseline"]["mrr"]  # the plain baseline is beaten
    assert metrics["citation_precision"] == 1.0  # every extractive sentence is a quote of its passage
    assert "## Échecs" in (out / "report.md").read_text(encoding="utf-8")
