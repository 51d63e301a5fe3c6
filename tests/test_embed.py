"""Length-sorted embedding: the vectors come back in the caller's order."""

from __future__ import annotations

import numpy as np

from ingest import pipeline
from ingest.embed import embed_by_length
from ingest.pipeline import ingest

from conftest import FakeEmbedder


class RecordingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[str]] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.batches.append(list(texts))
        return super().embed_documents(texts)


def test_vectors_in_original_order_texts_longest_first():
    texts = ["un", "trois mots ici", "deux mots", "le plus long texte de tous", "x"]
    embedder = RecordingEmbedder()
    progress = []
    vectors = embed_by_length(embedder, texts, chunk=2, on_progress=progress.append)
    expected = np.asarray(FakeEmbedder().embed_documents(texts), dtype=np.float32)
    assert vectors.shape == (5, embedder.dimension) and np.array_equal(vectors, expected)
    assert embedder.batches == [["le plus long texte de tous", "trois mots ici"], ["deux mots", "un"], ["x"]]
    assert progress == [2, 2, 1]


def test_small_windows_index_the_same_passages(settings, store, monkeypatch):
    monkeypatch.setattr(pipeline, "EMBED_WINDOW", 1)  # one file per window
    embedder = FakeEmbedder()
    report = ingest(settings, store, lambda: embedder, progress=False, log=lambda _: None)
    assert report.ok and len(report.indexed) == 2
    assert report.passages_added == report.passages_total == store.count() == embedder.calls
    assert report.seconds_embedding > 0 and report.seconds_storing > 0
