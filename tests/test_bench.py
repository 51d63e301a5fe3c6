"""``quartiers bench`` on the tiny corpus: each worker in-process with the fake embedder."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from assistant.cli import main as cli_main
from evals import bench, workers
from evals.measure import RESULT_PREFIX, ChildRun, percentile, rss_mb

from conftest import FakeEmbedder


@pytest.fixture
def in_process(monkeypatch):
    """A bench runner that calls the workers here, with the fake embedder, and records calls."""
    monkeypatch.setattr("ingest.factory.make_embedder", lambda settings: FakeEmbedder())
    calls = []

    def runner(worker: str, env: dict[str, str], args: list[str]) -> ChildRun:
        calls.append((worker, env["QUARTIERS_DATA_DIR"]))
        with monkeypatch.context() as m:
            for key, value in env.items():
                if key.startswith("QUARTIERS_"):
                    m.setenv(key, value)
            limit = int(args[args.index("--limit") + 1]) if "--limit" in args else 0
            began = time.perf_counter()
            if worker == "ingest":
                result = workers.ingest_worker()
            elif worker == "query":
                result = workers.query_worker(workers._questions(None, limit))
            else:
                result = workers.baseline_worker(workers._questions(None, limit))
            seconds = time.perf_counter() - began
        load = os.getloadavg()[0]
        return ChildRun(0, RESULT_PREFIX + json.dumps(result), "", seconds, rss_mb(), load, load)

    runner.calls = calls
    return runner


def test_bench_prints_table_and_writes_markdown(in_process, monkeypatch, corpus: Path, tmp_path: Path, capsys):
    monkeypatch.setattr(bench, "subprocess_runner", in_process)
    out = tmp_path / "docs" / "PERFORMANCE.md"
    status = cli_main(["bench", "--corpus", str(corpus), "--out", str(out), "--repeat", "0", "--limit", "4"])
    assert status == 0
    printed = capsys.readouterr().out
    assert "| ingest throughput (passages/s) |" in printed
    assert [w for w, _ in in_process.calls] == ["ingest", "ingest", "query", "baseline"]
    ours_dirs = {d for w, d in in_process.calls if w != "baseline"}
    assert len(ours_dirs) == 1 and ours_dirs != {in_process.calls[-1][1]}  # separate indexes

    report = json.loads((out.parent / "bench.json").read_text(encoding="utf-8"))
    ours, base = report["ours"], report["baseline"]
    assert ours["ingest"]["files_indexed"] == 2 and ours["rerun"]["files_unchanged"] == 2
    assert ours["rerun"]["passages_added"] == 0 < ours["ingest"]["passages_added"]
    assert ours["query"]["search"]["n"] == ours["query"]["ask"]["n"] == 4 == report["questions"]
    assert 0 < ours["query"]["search"]["p50_ms"] <= ours["query"]["search"]["p95_ms"]
    assert base["query"]["passages_total"] > 0 and base["query"]["ask"]["p95_ms"] > 0

    text = out.read_text(encoding="utf-8")
    assert "## Machine" in text and f"{os.cpu_count()} cores" in text and "load average" in text
    row = re.search(r"\| search p95 warm \(ms\) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+)× \|", text)
    assert row, text
    ours_ms, base_ms, ratio = map(float, row.groups())
    exact = ours["query"]["search"]["p95_ms"], base["query"]["search"]["p95_ms"]
    assert (ours_ms, base_ms) == (round(exact[0], 1), round(exact[1], 1))
    assert ratio == pytest.approx(exact[0] / exact[1], abs=0.006)
    assert "no incremental re-run" in text
    assert "Cost against corpus size" not in text  # no docs/scale.json here

    (out.parent / "scale.json").write_text(json.dumps({"rows": [], "hash_rows": [], "notes": "Main cost: X."}))
    assert cli_main(["bench", "--render", "--out", str(out)]) == 0
    rendered = out.read_text(encoding="utf-8")
    assert rendered.startswith(text.split("## Machine")[0]) and table_of(rendered) == table_of(text)
    assert "## Cost against corpus size" in rendered and "Main cost: X." in rendered


def table_of(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("| ")]


def test_percentile_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50 and percentile(values, 95) == 95 and percentile([3.0], 95) == 3
