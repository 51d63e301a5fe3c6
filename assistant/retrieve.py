"""Hybrid French retrieval: dense search in Chroma and BM25, fused by reciprocal rank.

The query is first cleaned (control characters, length) and expanded with the glossary
("c'est quoi le PRE ?" also searches "programme de réussite éducative").  Each retriever returns
a ranked list; reciprocal rank fusion (RRF) adds ``weight / (RRF_K + rank)`` over the lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.embeddings import Embeddings

from assistant.index import SearchIndex
from assistant.records import Hit
from assistant.synonyms import default_synonyms

MAX_QUERY_CHARS = 2000  # longer queries are cut: embeddings see ~256 tokens anyway
RRF_K = 10  # chosen on the dev split (python -m evals.run --split dev): 10 beat 60
CANDIDATES = 40  # how deep each retriever looks before fusion


class QueryError(ValueError):
    """A query that cannot be searched; the message is French, for the user."""


def normalise_query(query: str) -> str:
    """Drop control characters and extra spaces; refuse an empty query."""
    cleaned = "".join(c if c.isprintable() else " " for c in query)
    cleaned = " ".join(cleaned.split())
    if not cleaned:
        raise QueryError("la question est vide : écrivez quelques mots.")
    return cleaned[:MAX_QUERY_CHARS]


@dataclass(frozen=True)
class SearchFilter:
    """Restrict a search to one document (source) and/or one kind of text."""

    source: str = ""
    kind: str = ""
    authority: str = ""  # "national" or "local"

    def where(self) -> dict | None:
        clauses = [{key: value} for key, value in self.__dict__.items() if value]
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass(frozen=True)
class RetrievalMode:
    """Which retrievers take part; the ablations of the evaluation switch them."""

    dense: bool = True
    lexical: bool = True
    expand: bool = True  # glossary and synonyms
    rerank: bool = True  # by the best sentence's coverage of the question (see Assistant.search)
    dense_weight: float = 0.3  # the English-trained model is the weaker voice on French (dev split)
    lexical_weight: float = 1.0


class Retriever:
    """Finds the passages that best answer a query."""

    def __init__(self, index: SearchIndex, embedder: Embeddings, mode: RetrievalMode = RetrievalMode()) -> None:
        self.index = index
        self.embedder = embedder
        self.mode = mode

    def search(self, query: str, k: int = 5, filters: SearchFilter = SearchFilter()) -> list[Hit]:
        query = normalise_query(query)
        if self.mode.expand:
            query = self.index.glossary.expand(query)
        scores: dict[str, float] = {}
        if self.mode.dense:
            found = self.index.store.query(self.embedder.embed_query(query), CANDIDATES, filters.where())
            for rank, (passage, _) in enumerate(found, start=1):
                scores[passage.id] = scores.get(passage.id, 0.0) + self.mode.dense_weight / (RRF_K + rank)
        if self.mode.lexical:
            allowed = self._allowed(filters)
            related = default_synonyms().expand(query, self.index.lexical) if self.mode.expand else frozenset()
            found = self.index.lexical.search(query, CANDIDATES, allowed, related)
            for rank, (pid, _) in enumerate(found, start=1):
                scores[pid] = scores.get(pid, 0.0) + self.mode.lexical_weight / (RRF_K + rank)
        known = [(pid, score) for pid, score in scores.items() if pid in self.index.passages]
        best = sorted(known, key=lambda item: -item[1])[:k]
        return [Hit(rank, self.index.passages[pid], score) for rank, (pid, score) in enumerate(best, 1)]

    def _allowed(self, filters: SearchFilter) -> set[str] | None:
        if filters.where() is None:
            return None
        wanted = {key: value for key, value in filters.__dict__.items() if value}
        return {
            pid
            for pid, p in self.index.passages.items()
            if all(getattr(p, key) == value for key, value in wanted.items())
        }
