"""Length-sorted embedding: the vectors come back in the caller's order."""

from __future__ import annotations

import numpy as np
import pytest

from ingest import pipeline
from ingest.embed import QueryCache, embed_by_length
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


class CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.queries: list[str] = []

    def embed_query(self, text: str) -> list[float]:
        self.queries.append(text)
        return super().embed_query(text)


def test_query_cache_embeds_each_query_once_and_forgets_the_oldest():
    inner = CountingEmbedder()
    cache = QueryCache(inner, size=2)
    first = cache.embed_query("santé des jeunes")
    first.append(9.9)  # a caller changing its copy does not change the cache
    assert cache.embed_query("santé des jeunes") == inner.embed_query("santé des jeunes")
    cache.embed_query("emploi")
    cache.embed_query("logement")  # "santé des jeunes" is now the oldest: forgotten
    cache.embed_query("santé des jeunes")
    assert inner.queries == ["santé des jeunes", "santé des jeunes", "emploi", "logement", "santé des jeunes"]
    assert cache.embed_documents(["a b"]) == inner.embed_documents(["a b"]) and cache.dimension == 64


def test_ask_embeds_its_question_once(settings, store):
    from assistant.index import SearchIndex
    from assistant.service import Assistant

    ingest(settings, store, FakeEmbedder, progress=False, log=lambda _: None)
    inner = CountingEmbedder()
    assistant = Assistant(SearchIndex.open(settings, store), inner)
    assistant.ask("quel temps fera-t-il demain à la plage ?")  # weak evidence: the scope check runs too
    assert len(inner.queries) == len(set(inner.queries)) == 1


@pytest.mark.slow
def test_query_on_one_thread_same_vector_and_thread_count_restored(real_embedder):
    import torch

    before = torch.get_num_threads()
    question = "quelles actions pour la santé des jeunes ?"
    single = np.asarray(real_embedder.embed_query(question))
    assert torch.get_num_threads() == before
    assert np.allclose(single, real_embedder.embed_documents([question])[0], atol=1e-5)
