"""The measured sides of the benchmarks, each run in its own process (``python -m evals.workers``).

Each worker reads the usual ``QUARTIERS_*`` settings, does one thing and prints its figures as
one JSON line (``evals.measure.emit``); the parent reads that line and the process's peak memory.

- ``ingest``: our ingestion (``ingest.pipeline.ingest``), then the lexical index build;
- ``query``: open the index, then search and ask every question warm, in-process;
- ``baseline``: the plain LangChain baseline: load, split, embed, store, then search.
"""

from __future__ import annotations

import argparse
import json
import time
import zlib
from collections.abc import Sequence
from pathlib import Path

from langchain_core.embeddings import Embeddings

from evals.measure import emit, percentile, rss_mb


def _questions(path: Path | None, limit: int) -> list[str]:
    if path is None:
        from evals.gold import load_gold

        questions = [q.question for q in load_gold()]
    else:
        questions = [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return questions[:limit] if limit else questions


def _latency(fn, questions: list[str]) -> dict[str, float]:
    times = []
    for question in questions:
        began = time.perf_counter()
        fn(question)
        times.append((time.perf_counter() - began) * 1000)
    return {"p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95), "n": len(times)}


class HashVectors(Embeddings):
    """Unit vectors of hashed words, of the real model's dimension: no model, instant.

    For measuring what does not depend on vector values (reading, cleaning, splitting, storing,
    opening the index, the lexical index, the cost of a Chroma query) at sizes the real model
    would take hours to embed on two cores.  Retrieval quality over such vectors means nothing.
    """

    def __init__(self, dimension: int = 384) -> None:
        self.dimension = dimension

    def embed_array(self, texts: Sequence[str]):
        import numpy as np

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, zlib.crc32(word.encode()) % self.dimension] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def ingest_worker(progress: bool = False, hash_vectors: bool = False) -> dict:
    from assistant.index import load_or_build_lexical
    from ingest.config import Settings
    from ingest.factory import make_embedder, make_store
    from ingest.pipeline import ingest

    settings = Settings.load()
    store = make_store(settings)
    embedder_factory = HashVectors if hash_vectors else (lambda: make_embedder(settings))
    report = ingest(settings, store, embedder_factory, progress=progress, log=lambda _: None)
    began = time.perf_counter()
    load_or_build_lexical(settings, store)
    lexical = time.perf_counter() - began
    return {
        "files_indexed": len(report.indexed),
        "files_unchanged": len(report.unchanged),
        "files_failed": len(report.failed),
        "passages_added": report.passages_added,
        "passages_total": report.passages_total,
        "ingest_s": report.seconds,
        "embedding_s": report.seconds_embedding,
        "storing_s": report.seconds_storing,
        "lexical_s": lexical,
        "total_s": report.seconds + lexical,
    }


def query_worker(questions: list[str]) -> dict:
    from assistant.index import SearchIndex, lexical_dir
    from assistant.lexical import LexicalIndex
    from assistant.service import Assistant
    from ingest.config import Settings
    from ingest.factory import make_embedder, make_store

    settings = Settings.load()
    began = time.perf_counter()
    store = make_store(settings)
    lexical_began = time.perf_counter()
    LexicalIndex.load(lexical_dir(settings, store))  # the saved index alone, as a replica loads it
    lexical_load = time.perf_counter() - lexical_began
    open_began = time.perf_counter()
    index = SearchIndex.open(settings, store)  # the first open after an ingest saves derived data
    first_open = time.perf_counter() - open_began
    rss_open = rss_mb()
    embedder = make_embedder(settings)
    ready = time.perf_counter() - began
    open_began = time.perf_counter()
    index = SearchIndex.open(settings, store)  # as every later process opens it
    open_s = time.perf_counter() - open_began
    searcher = Assistant(index, embedder)
    searcher.ask("question de mise en route sur le contrat de ville")  # warm-up
    search = _latency(lambda q: searcher.search(q, 5), questions)
    asker = Assistant(index, embedder)  # its own query cache: no question embedded in advance
    ask = _latency(asker.ask, questions)
    return {
        "passages": store.count(),
        "lexical_load_s": lexical_load,
        "first_open_s": first_open,
        "open_s": open_s,
        "ready_s": ready,
        "rss_after_open_mb": rss_open,
        "rss_end_mb": rss_mb(),
        "search": search,
        "ask": ask,
    }


def baseline_worker(questions: list[str]) -> dict:
    from evals.baseline import Baseline
    from ingest.clean import clean_document
    from ingest.config import Settings
    from ingest.factory import make_embedder
    from ingest.load import load_document
    from ingest.manifest import describe, load_manifest
    from ingest.pipeline import discover, source_name

    settings = Settings.load()
    began = time.perf_counter()  # model loading counts, as in our ingest (which loads it lazily)
    embedder = make_embedder(settings)
    model_s = time.perf_counter() - began
    documents = []
    manifest = load_manifest(settings.corpus)
    for path in discover(settings.corpus):
        source = source_name(path, settings.corpus)
        try:
            documents.append(clean_document(load_document(path, describe(source, manifest))))
        except Exception:  # the baseline sees what our loader can read
            continue
    baseline = Baseline(documents, embedder)
    ingest_s = time.perf_counter() - began
    baseline.search("question de mise en route sur le contrat de ville", 5)  # warm-up
    search = _latency(lambda q: baseline.search(q, 5), questions)
    ask = _latency(lambda q: baseline.search(q, 1)[0], questions)  # its answer: the top chunk
    return {
        "passages_total": len(baseline.chunks),
        "ingest_s": ingest_s,
        "model_load_s": model_s,
        "embedding_and_storing_s": baseline.index_seconds,
        "search": search,
        "ask": ask,
        "rss_end_mb": rss_mb(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.workers")
    parser.add_argument("worker", choices=["ingest", "query", "baseline"])
    parser.add_argument("--questions", type=Path, help="JSONL avec un champ question (défaut : le jeu de référence)")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--progress", action="store_true", help="barre de progression sur stderr (ingest)")
    parser.add_argument("--hash-vectors", action="store_true", help="ingest : vecteurs de mots hachés, sans modèle")
    args = parser.parse_args(argv)
    if args.worker == "ingest":
        emit(ingest_worker(args.progress, args.hash_vectors))
    elif args.worker == "query":
        emit(query_worker(_questions(args.questions, args.limit)))
    else:
        emit(baseline_worker(_questions(args.questions, args.limit)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
