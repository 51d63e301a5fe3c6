"""The scale report: figure files of each step become one table per vector kind and a chart."""

from __future__ import annotations

import json
from pathlib import Path

from evals import scale


def figures(n: int, passages: int, seconds: float) -> tuple[dict, dict]:
    ingest = {"passages_added": passages, "passages_total": passages, "ingest_s": seconds, "total_s": seconds + 1,
              "embedding_s": seconds / 2, "peak_rss_mb": 900.0, "load_before": 1.0, "load_after": 2.0}
    query = {"passages": passages, "lexical_load_s": 0.25, "open_s": 1.5, "rss_after_open_mb": 700.0,
             "peak_rss_mb": 800.0, "load_before": 1.5, "load_after": 1.5,
             "search": {"p50_ms": 20.0, "p95_ms": 40.0, "n": 10}, "ask": {"p50_ms": 30.0, "p95_ms": 60.0, "n": 10}}
    return ingest, query


def test_report_collects_steps_by_kind(tmp_path: Path):
    work, docs = tmp_path / "work", tmp_path / "docs"
    work.mkdir()
    for name, n, passages, seconds in (("", 10, 800, 100.0), ("", 100, 8000, 800.0), ("hash-", 100, 8000, 50.0)):
        ingest, query = figures(n, passages, seconds)
        (work / f"ingest-{name}{n}.json").write_text(json.dumps(ingest))
        (work / f"query-{name}{n}.json").write_text(json.dumps(query))
    (work / "ingest-rerun-10.json").write_text(json.dumps({"total_s": 0.4}))
    (work / "ingest-1000.json").write_text(json.dumps(figures(1000, 1, 1.0)[0]))  # no query step yet: left out

    data = scale.step_report(work, docs)
    assert [r["n"] for r in data["rows"]] == [10, 100] and [r["n"] for r in data["hash_rows"]] == [100]
    assert data["reruns"] == {"10": {"total_s": 0.4}}
    table = scale.scale_table(data["rows"])
    assert "| 100 | 8000 | 801.0 | 10.0 | 50% | 900 | 250 | 1.50 | 20 / 40 | 30 / 60 |" in table
    assert (docs / scale.SCALE_PNG).stat().st_size > 10_000
    assert json.loads((docs / scale.SCALE_JSON).read_text())["rows"][0]["ingest"]["passages_added"] == 800
