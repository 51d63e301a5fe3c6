"""The passages' sentences by meaning: a voice of the retrieval.

A passage of some 600 characters holds several sentences or list items, and its vector mixes
them: a question about one of them may lie closer to another passage's mix.  Each unit the
answers quote (``assistant.units.units_of``: a sentence or a list item) is embedded once and
saved beside the lexical index (after an ingestion, only the new ones are embedded), and a
passage ranks by its closest unit.  By this cosine alone, the evidence of the dev split's
questions had a reciprocal rank of 0.42, against 0.31 by the passage's own vector (a one-off
comparison); as a voice of the fusion and two features of the learned ranking, see
``assistant.retrieve``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.records import Hit
from assistant.units import units_of
from assistant.vectors import unit_vectors
from ingest.records import Passage


class SentenceIndex:
    """The units of each passage, in passage order, and their vectors once computed."""

    def __init__(self, passage_ids: Sequence[str], texts: Sequence[str], cache: Path | None = None) -> None:
        self.passage_ids = list(passage_ids)  # passage_ids[i]: the passage of unit i
        self.texts = list(texts)
        self._cache = cache
        self._vectors: np.ndarray | None = None
        self._lock = threading.Lock()
        # Each passage's units are contiguous: its first unit's number, for np.maximum.reduceat.
        self._starts = [i for i, pid in enumerate(self.passage_ids) if i == 0 or pid != self.passage_ids[i - 1]]
        self._owners = [self.passage_ids[i] for i in self._starts]

    @classmethod
    def of(cls, passages: Iterable[Passage], cache: Path | None = None) -> SentenceIndex:
        ids, texts = [], []
        for passage in passages:
            for unit in units_of(Hit(1, passage, 0.0)):
                ids.append(passage.id)
                texts.append(unit.text)
        return cls(ids, texts, cache)

    @classmethod
    def empty(cls) -> SentenceIndex:
        return cls([], [])

    def vectors(self, embedder: Embeddings) -> np.ndarray:
        """The units' unit vectors: computed once, saved in the cache file and read back."""
        with self._lock:
            if self._vectors is None:
                self._vectors = unit_vectors(self.texts, embedder, self._cache)
            return self._vectors

    def closest(
        self, vector: Sequence[float], embedder: Embeddings, allowed: set[str] | None = None
    ) -> dict[str, float]:
        """For each passage (among ``allowed``, if given), the cosine of its unit closest to
        ``vector``, a query's vector."""
        if not self.texts:
            return {}
        query = np.asarray(vector, dtype=np.float32)
        similarities = self.vectors(embedder) @ (query / max(float(np.linalg.norm(query)), 1e-12))
        best = np.maximum.reduceat(similarities, self._starts)
        return {
            pid: float(cosine)
            for pid, cosine in zip(self._owners, best)
            if allowed is None or pid in allowed
        }
