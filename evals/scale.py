"""Cost against corpus size, on synthetic corpora of N contracts (``evals.synth``).

Steps, each writing its figures under the work directory, so that a long ingest can run alone
(in the background) and the report be made later:

    python -m evals.scale ingest --n 1000 --work /tmp/scale   # corpus c1000, index d1000
    python -m evals.scale query  --n 1000 --work /tmp/scale   # open, lexical load, search, ask
    python -m evals.scale report --work /tmp/scale --docs docs  # docs/scale.json, docs/scale.png

Every step runs the measured work in a child process (peak memory is that process's own).
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from pathlib import Path

from evals.measure import load_average, run_worker

SCALE_JSON = "scale.json"
SCALE_PNG = "scale.png"


def _env(work: Path, n: int, hashed: bool = False) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QUARTIERS_CORPUS=str(work / f"c{n}"),
        QUARTIERS_DATA_DIR=str(work / f"{'h' if hashed else 'd'}{n}"),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    )
    return env


def _corpus(work: Path, n: int, seed: int) -> Path:
    from evals.synth import write_corpus

    corpus = work / f"c{n}"
    if not (corpus / "manifest.json").is_file():
        write_corpus(corpus, n, seed)
    return corpus


def _save(work: Path, name: str, figures: dict) -> None:
    path = work / name
    path.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(json.dumps(figures, indent=2))
    print(f"écrit : {path}")


def _kind(hashed: bool) -> str:
    return "hash-" if hashed else ""


def step_ingest(work: Path, n: int, seed: int, hashed: bool = False) -> dict:
    _corpus(work, n, seed)
    args = ["evals.workers", "ingest", "--progress"] + (["--hash-vectors"] if hashed else [])
    run = run_worker(args, _env(work, n, hashed), show_stderr=True)
    figures = run.result() | {
        "n": n,
        "wall_s": run.seconds,
        "peak_rss_mb": run.peak_rss_mb,
        "load_before": run.load_before,
        "load_after": run.load_after,
    }
    name = "ingest-rerun" if figures["files_indexed"] == 0 else "ingest"
    _save(work, f"{name}-{_kind(hashed)}{n}.json", figures)
    return figures


def step_query(work: Path, n: int, limit: int, hashed: bool = False) -> dict:
    args = ["evals.workers", "query"] + (["--limit", str(limit)] if limit else [])
    run = run_worker(args, _env(work, n, hashed))
    figures = run.result() | {
        "n": n,
        "peak_rss_mb": run.peak_rss_mb,
        "load_before": run.load_before,
        "load_after": run.load_after,
    }
    _save(work, f"query-{_kind(hashed)}{n}.json", figures)
    return figures


def collect(work: Path, hashed: bool = False) -> list[dict]:
    """One row per N that has both an ingest and a query figure file."""
    rows = []
    for ingest_file in sorted(work.glob(f"ingest-{_kind(hashed)}*.json")):
        n_text = ingest_file.stem.removeprefix(f"ingest-{_kind(hashed)}")
        if not n_text.isdigit():
            continue
        n = int(n_text)
        query_file = work / f"query-{_kind(hashed)}{n}.json"
        if not query_file.is_file():
            continue
        rows.append({"n": n, "ingest": json.loads(ingest_file.read_text()), "query": json.loads(query_file.read_text())})
    return sorted(rows, key=lambda r: r["n"])


def scale_table(rows: list[dict]) -> str:
    lines = [
        "| contracts | passages | ingest (s) | passages/s | embedding share | ingest peak RSS (MB) | "
        "lexical load (ms) | SearchIndex.open (s) | search p50 / p95 (ms) | ask p50 / p95 (ms) | "
        "query RSS after open (MB) | query peak RSS (MB) | load avg (ingest; query) |",
        "|" + "---|" * 13,
    ]
    for row in rows:
        i, q = row["ingest"], row["query"]
        rate = i["passages_added"] / i["ingest_s"] if i["ingest_s"] else float("nan")
        share = i["embedding_s"] / i["ingest_s"] if i["ingest_s"] else float("nan")
        lines.append(
            f"| {row['n']} | {q['passages']} | {i['total_s']:.1f} | {rate:.1f} | {share:.0%} | "
            f"{i['peak_rss_mb']:.0f} | {q['lexical_load_s'] * 1000:.0f} | {_open(q)} | "
            f"{q['search']['p50_ms']:.0f} / {q['search']['p95_ms']:.0f} | "
            f"{q['ask']['p50_ms']:.0f} / {q['ask']['p95_ms']:.0f} | {q['rss_after_open_mb']:.0f} | "
            f"{q['peak_rss_mb']:.0f} | {i['load_before']:.1f}–{i['load_after']:.1f}; "
            f"{q['load_before']:.1f}–{q['load_after']:.1f} |"
        )
    return "\n".join(lines)


def _open(query: dict) -> str:
    """Open time; the first open after an ingest (which saves derived data) in parentheses."""
    first = query.get("first_open_s")
    return f"{query['open_s']:.2f}" + (f" (first {first:.2f})" if first is not None else "")


def chart(rows: list[dict], hashed: list[dict], path: Path) -> Path:
    """Cost against passages: real model (solid) and hashed vectors (dashed)."""
    from evals.charts import plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    for series, style, label in ((rows, "o-", "modèle"), (hashed, "s--", "vecteurs hachés")):
        if not series:
            continue
        passages = [r["query"]["passages"] for r in series]
        axes[0].plot(passages, [r["ingest"]["total_s"] for r in series], style, label=f"ingestion ({label})")
        axes[0].plot(passages, [r["ingest"]["embedding_s"] for r in series], style, alpha=0.5,
                     label=f"dont embeddings ({label})")
        for key, name in (("search", "search p95"), ("ask", "ask p95")):
            axes[1].plot(passages, [r["query"][key]["p95_ms"] for r in series], style, label=f"{name} ({label})")
        axes[1].plot(passages, [r["query"]["open_s"] * 1000 for r in series], style, label=f"SearchIndex.open ({label})")
        axes[1].plot(passages, [r["query"]["lexical_load_s"] * 1000 for r in series], style,
                     label=f"chargement lexical ({label})")
        axes[2].plot(passages, [r["query"]["rss_after_open_mb"] for r in series], style,
                     label=f"requêtes, après ouverture ({label})")
        axes[2].plot(passages, [r["ingest"]["peak_rss_mb"] for r in series], style, label=f"ingestion, pic ({label})")
    for ax, title in zip(axes, ("Ingestion (s)", "Latence p95 et ouverture (ms)", "Mémoire (Mo)")):
        ax.set_title(title)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("passages")
        ax.legend(fontsize=7)
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def step_report(work: Path, docs: Path) -> dict:
    rows, hashed = collect(work), collect(work, hashed=True)
    docs.mkdir(parents=True, exist_ok=True)
    reruns = {p.stem.removeprefix("ingest-rerun-"): json.loads(p.read_text()) for p in work.glob("ingest-rerun-*.json")}
    data = {"rows": rows, "hash_rows": hashed, "reruns": reruns}
    notes = work / "notes.md"
    if notes.is_file():
        data["notes"] = notes.read_text(encoding="utf-8")
    (docs / SCALE_JSON).write_text(json.dumps(data, indent=2), encoding="utf-8")
    chart(rows, hashed, docs / SCALE_PNG)
    print(scale_table(rows))
    print(scale_table(hashed))
    return data


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.scale", description="Coût selon la taille du corpus.")
    parser.add_argument("step", choices=["ingest", "query", "report"])
    parser.add_argument("--n", type=int, default=10, help="nombre de contrats synthétiques")
    parser.add_argument("--work", type=Path, required=True, help="dossier des corpus, index et mesures")
    parser.add_argument("--docs", type=Path, default=Path("docs"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=0, help="questions mesurées (0 : toutes)")
    parser.add_argument("--hash-vectors", action="store_true",
                        help="vecteurs de mots hachés au lieu du modèle (tout sauf le calcul des embeddings)")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"charge moyenne : {load_average()}", flush=True)
    if args.step == "ingest":
        step_ingest(args.work, args.n, args.seed, args.hash_vectors)
    elif args.step == "query":
        step_query(args.work, args.n, args.limit, args.hash_vectors)
    else:
        step_report(args.work, args.docs)
    print(f"charge moyenne : {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
