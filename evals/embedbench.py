"""Embedding throughput, before and after length-sorted windows, on the same texts, interleaved.

``python -m evals.embedbench --corpus DIR [--limit 1024] [--rounds 2]`` prepares the passages
of DIR (load, clean, split: no store), then embeds the same texts alternately

- ``per-file``: as the pipeline did before: each file's passages in calls of 64, in order;
- ``window``: as it does now: ``embed_by_length`` over the whole set (longest first).

Rounds alternate so that a change of machine load hits both ways alike.  Prints passages/s.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from pathlib import Path

from ingest.clean import clean_document
from ingest.embed import embed_by_length
from ingest.load import load_document
from ingest.manifest import describe, load_manifest
from ingest.pipeline import discover, source_name
from ingest.split import embedding_text, split_document


def file_texts(corpus: Path, limit: int) -> list[list[str]]:
    """The embedding texts of the corpus, file by file, until ``limit`` texts."""
    manifest = load_manifest(corpus)
    files: list[list[str]] = []
    count = 0
    for path in discover(corpus):
        document = load_document(path, describe(source_name(path, corpus), manifest))
        texts = [embedding_text(p) for p in split_document(clean_document(document))]
        files.append(texts[: limit - count])
        count += len(files[-1])
        if count >= limit:
            break
    return files


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.embedbench", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=1024, help="passages embedded per round")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    from ingest.config import Settings
    from ingest.factory import make_embedder

    embedder = make_embedder(Settings.load())
    files = file_texts(args.corpus, args.limit)
    texts = [t for f in files for t in f]
    embedder.embed_documents(texts[:8])  # warm-up
    ways = {
        "per-file": lambda: [embedder.embed_documents(f[i : i + 64]) for f in files for i in range(0, len(f), 64)],
        "window": lambda: embed_by_length(embedder, texts),
    }
    rates: dict[str, list[float]] = {name: [] for name in ways}
    for round_ in range(args.rounds):
        for name, run in ways.items():
            began = time.perf_counter()
            run()
            rates[name].append(len(texts) / (time.perf_counter() - began))
            print(f"tour {round_ + 1} {name:9s} {rates[name][-1]:6.1f} passages/s "
                  f"(charge {os.getloadavg()[0]:.2f})", flush=True)
    for name, values in rates.items():
        print(f"{name:9s} meilleur {max(values):6.1f} passages/s sur {len(texts)} passages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
