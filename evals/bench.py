"""``quartiers bench``: ours and the plain LangChain baseline, side by side, on the same machine.

One run measures, each side in its own child process (so that peak memory is separable):

- ingestion: wall time and passages per second, first run and unchanged re-run (ours; the
  baseline has no incremental re-run: it rebuilds everything every time);
- search and ask latency, p50 and p95, warm and in-process, on the gold questions (the
  baseline's "ask" is its top chunk);
- the command line, from spawn to exit of ``python -m assistant.cli ask ...`` on an indexed
  data directory (ours; ``--repeat`` times);
- peak resident memory (``ru_maxrss`` of each child).

It prints a table with ratios and writes ``docs/PERFORMANCE.md``: the machine (cores, RAM, CPU,
Python, torch, load average), the table, and the scale table of ``evals.scale`` when
``docs/scale.json`` exists.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from evals.measure import ChildRun, load_average, run_measured, run_worker

CLI_QUESTION = "quelles actions pour la santé des jeunes ?"
NOT_APPLICABLE = "n/a"

# A runner executes one worker of ``evals.workers`` with this environment and these arguments.
Runner = Callable[[str, dict[str, str], list[str]], ChildRun]


def subprocess_runner(worker: str, env: dict[str, str], args: list[str]) -> ChildRun:
    return run_worker(["evals.workers", worker, *args], env)


@dataclass(frozen=True)
class Machine:
    cores: int
    ram_gib: float
    cpu: str
    python: str
    torch: str
    load_start: str
    load_end: str = ""

    @classmethod
    def describe(cls) -> Machine:
        cpu = "inconnu"
        for line in _read("/proc/cpuinfo").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        ram = 0.0
        for line in _read("/proc/meminfo").splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) / 1024**2
        try:
            torch = version("torch")
        except PackageNotFoundError:
            torch = "absent"
        return cls(os.cpu_count() or 0, ram, cpu, platform.python_version(), torch, load_average())


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


@dataclass
class Side:
    """The figures of one side, as its workers printed them, with each process's peak memory."""

    ingest: dict = field(default_factory=dict)
    rerun: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    cli_runs: list[dict] = field(default_factory=list)


@dataclass
class BenchReport:
    corpus: str
    machine: Machine
    ours: Side
    baseline: Side
    questions: int


def _figures(run: ChildRun) -> dict:
    return run.result() | {
        "wall_s": run.seconds,
        "peak_rss_mb": run.peak_rss_mb,
        "load_before": run.load_before,
        "load_after": run.load_after,
    }


def run_bench(
    corpus: Path,
    work: Path,
    *,
    repeat: int = 3,
    limit: int = 0,
    runner: Runner = subprocess_runner,
    log: Callable[[str], None] = print,
) -> BenchReport:
    """Measure both sides on ``corpus``; indexes go under ``work``."""
    machine = Machine.describe()
    base_env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", QUARTIERS_CORPUS=str(corpus))
    base_env.pop("QUARTIERS_CHROMA_URL", None)  # both sides on the embedded store
    ours_env = base_env | {"QUARTIERS_DATA_DIR": str(work / "ours")}
    query_args = ["--limit", str(limit)] if limit else []
    ours, baseline = Side(), Side()

    log(f"[1/5] quartiers : première indexation (charge {load_average()})")
    ours.ingest = _figures(runner("ingest", ours_env, []))
    log(f"[2/5] quartiers : réindexation sans changement (charge {load_average()})")
    ours.rerun = _figures(runner("ingest", ours_env, []))
    log(f"[3/5] quartiers : recherche et réponses, à chaud (charge {load_average()})")
    ours.query = _figures(runner("query", ours_env, query_args))
    log(f"[4/5] référence LangChain : indexation, recherche (charge {load_average()})")
    baseline.query = _figures(runner("baseline", base_env | {"QUARTIERS_DATA_DIR": str(work / "baseline")}, query_args))
    baseline.ingest = baseline.query
    log(f"[5/5] ligne de commande : lancement → première réponse, {repeat} fois (charge {load_average()})")
    for _ in range(repeat):
        run = run_measured([sys.executable, "-m", "assistant.cli", "ask", CLI_QUESTION], ours_env)
        if run.returncode != 0:
            raise RuntimeError(f"quartiers ask a échoué (code {run.returncode}) :\n{run.stderr[-2000:]}")
        ours.cli_runs.append({"wall_s": run.seconds, "peak_rss_mb": run.peak_rss_mb, "load_before": run.load_before})
    machine = Machine(**(asdict(machine) | {"load_end": load_average()}))
    return BenchReport(str(corpus), machine, ours, baseline, int(ours.query["search"]["n"]))


# -- rendering ------------------------------------------------------------------------------------


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else NOT_APPLICABLE


def _rate(figures: dict) -> float:
    return figures["passages_added" if "passages_added" in figures else "passages_total"] / figures["ingest_s"]


def rows(report: BenchReport) -> list[tuple[str, str, str, str]]:
    """(measure, quartiers, baseline, ratio quartiers / baseline)."""
    o, b = report.ours, report.baseline
    out = [
        ("passages (ours) / chunks (baseline)", f"{o.ingest['passages_total']}", f"{b.ingest['passages_total']}",
         _ratio(o.ingest["passages_total"], b.ingest["passages_total"])),
        ("ingest, first run, in-process (s)", f"{o.ingest['total_s']:.1f}", f"{b.ingest['ingest_s']:.1f}",
         _ratio(o.ingest["total_s"], b.ingest["ingest_s"])),
        ("ingest throughput (passages/s)", f"{_rate(o.ingest):.1f}", f"{_rate(b.ingest):.1f}",
         _ratio(_rate(o.ingest), _rate(b.ingest))),
        ("ingest, first run, process spawn to exit (s)", f"{o.ingest['wall_s']:.1f}", NOT_APPLICABLE, ""),
        ("ingest, unchanged re-run, in-process (s)", f"{o.rerun['total_s']:.2f}",
         "n/a: no incremental re-run (rebuilds all, = first run)", ""),
        ("ingest, unchanged re-run, spawn to exit (s)", f"{o.rerun['wall_s']:.1f}", NOT_APPLICABLE, ""),
    ]
    for key, label in (("search", "search"), ("ask", "ask (baseline: its top chunk)")):
        for q in ("p50_ms", "p95_ms"):
            ours_ms, base_ms = o.query[key][q], b.query[key][q]
            out.append((f"{label} {q[:3]} warm (ms)", f"{ours_ms:.1f}", f"{base_ms:.1f}", _ratio(ours_ms, base_ms)))
    if o.cli_runs:
        walls = [r["wall_s"] for r in o.cli_runs]
        out.append((f"CLI `ask`, spawn to exit, median of {len(walls)} (s)",
                    f"{statistics.median(walls):.1f} (min {min(walls):.1f})", "n/a: no CLI", ""))
    out += [
        ("index open (SearchIndex.open, s)", f"{o.query['open_s']:.2f}", NOT_APPLICABLE, ""),
        ("peak RSS, ingest process (MB)", f"{o.ingest['peak_rss_mb']:.0f}", f"{b.ingest['peak_rss_mb']:.0f} (one process)",
         _ratio(o.ingest["peak_rss_mb"], b.ingest["peak_rss_mb"])),
        ("peak RSS, query process (MB)", f"{o.query['peak_rss_mb']:.0f}", f"{b.query['peak_rss_mb']:.0f} (same process)",
         _ratio(o.query["peak_rss_mb"], b.query["peak_rss_mb"])),
    ]
    if o.cli_runs:
        out.append(("peak RSS, CLI `ask` (MB)", f"{max(r['peak_rss_mb'] for r in o.cli_runs):.0f}", NOT_APPLICABLE, ""))
    out.append(("load average (1 min) before → after", f"ingest {o.ingest['load_before']:.2f} → query {o.query['load_after']:.2f}",
                f"{b.query['load_before']:.2f} → {b.query['load_after']:.2f}", ""))
    return out


def table(report: BenchReport) -> str:
    lines = ["| measure | quartiers | LangChain baseline | ratio |", "|---|---|---|---|"]
    lines += [f"| {m} | {o} | {b} | {r} |" for m, o, b, r in rows(report)]
    return "\n".join(lines)


def machine_text(m: Machine) -> str:
    return (
        f"{m.cores} cores ({m.cpu}), {m.ram_gib:.1f} GiB RAM, Python {m.python}, torch {m.torch}; "
        f"load average (1, 5, 15 min) {m.load_start} at the start, {m.load_end} at the end."
    )


def _shown(path: str) -> str:
    """A path under the working directory is shown relative to it."""
    return os.path.relpath(path) if Path(path).is_relative_to(Path.cwd()) else path


def markdown(report: BenchReport, scale_json: Path | None = None) -> str:
    from evals.scale import SCALE_PNG, scale_table

    parts = [
        "# Performance\n",
        "Written by `quartiers bench` (`evals/bench.py`): the machine and the first table come from one run of it; "
        "the scale tables from `python -m evals.scale report` (`docs/scale.json`).",
        "Other processes shared the CPU: the load average is given next to the figures.\n",
        "## Machine\n",
        machine_text(report.machine) + "\n",
        f"## quartiers and the plain LangChain baseline\n",
        f"Corpus `{_shown(report.corpus)}`; {report.questions} gold questions (`evals/gold/questions.jsonl`), "
        "search and ask measured warm, in-process; each side in its own process. The baseline is "
        "RecursiveCharacterTextSplitter 1000/200 + the same embedding model + Chroma top-k "
        "(`evals/baseline.py`); its ingestion rebuilds everything each time.\n",
        table(report) + "\n",
    ]
    if scale_json is not None and scale_json.is_file():
        data = json.loads(scale_json.read_text(encoding="utf-8"))
        parts += [
            "## Cost against corpus size\n",
            "Synthetic corpora of N contracts (`python -m evals.synth`), measured by `python -m evals.scale` "
            "(ingest, query and report steps, each in its own process; see that module). Search and ask: "
            "the gold questions, warm, in-process. Ingest time includes loading the model and building "
            "the lexical index.\n",
        ]
        if data.get("rows"):
            parts += ["### With the embedding model\n", scale_table(data["rows"]) + "\n"]
        if data.get("hash_rows"):
            parts += [
                "### With hashed-word vectors instead of the model (`--hash-vectors`)\n",
                "Everything but computing embeddings: reading, cleaning, splitting, storing in Chroma, the "
                "lexical index, opening the index, and queries (the question is still embedded by the real "
                "model). Retrieval quality over such vectors means nothing; costs do not depend on vector "
                "values.\n",
                scale_table(data["hash_rows"]) + "\n",
            ]
        parts.append(f"![cost against corpus size]({SCALE_PNG})\n")
        if notes := data.get("notes"):
            parts.append(notes.strip() + "\n")
    return "\n".join(parts)


def load_report(path: Path) -> BenchReport:
    """A report saved by an earlier run (``bench.json``)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return BenchReport(data["corpus"], Machine(**data["machine"]), Side(**data["ours"]), Side(**data["baseline"]),
                       data["questions"])


def main(argv: Sequence[str] | None = None, runner: Runner | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="quartiers bench", description="Mesures : quartiers et la référence LangChain, côte à côte."
    )
    parser.add_argument("--corpus", type=Path, default=None, help="corpus mesuré (défaut : QUARTIERS_CORPUS)")
    parser.add_argument("--out", type=Path, default=Path("docs/PERFORMANCE.md"), help="rapport Markdown")
    parser.add_argument("--repeat", type=int, default=3, help="lancements mesurés de la ligne de commande")
    parser.add_argument("--limit", type=int, default=0, help="seulement les N premières questions (0 : toutes)")
    parser.add_argument("--work", type=Path, default=None, help="dossier des index (défaut : temporaire)")
    parser.add_argument("--render", action="store_true",
                        help="sans mesurer : réécrire le rapport depuis bench.json et scale.json (à côté de --out)")
    args = parser.parse_args(argv)
    if args.render:
        report = load_report(args.out.parent / "bench.json")
        args.out.write_text(markdown(report, args.out.parent / "scale.json"), encoding="utf-8")
        print(f"rapport : {args.out}")
        return 0
    from ingest.config import Settings

    corpus = (args.corpus or Settings.load().corpus).resolve()
    if not corpus.is_dir():
        print(f"Erreur : corpus introuvable : {corpus}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="quartiers-bench-") as tmp:
        work = args.work or Path(tmp)
        report = run_bench(corpus, work, repeat=args.repeat, limit=args.limit, runner=runner or subprocess_runner,
                           log=lambda line: print(line, file=sys.stderr, flush=True))
    print(f"Machine : {machine_text(report.machine)}\n")
    print(table(report))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown(report, args.out.parent / "scale.json"), encoding="utf-8")
    (args.out.parent / "bench.json").write_text(json.dumps(asdict(report), indent=2), encoding="utf-8")
    print(f"\nrapport : {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
