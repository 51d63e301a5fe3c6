"""The passage store: one Chroma collection of passages, one of file records.

Chroma is the single source of truth.  The passages collection holds every passage with its
embedding and metadata; the files collection holds, for each source file, the hash of the bytes
that were indexed and whether indexing finished.  A file is marked *incomplete* before its
passages change and *complete* after, so a run killed at any moment is finished by the next one.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import httpx

from ingest.errors import StoreUnavailable
from ingest.records import Passage

FILES_SUFFIX = "-files"
_BATCH = 1000  # well under Chroma's max batch size


@dataclass(frozen=True)
class FileRecord:
    source: str
    sha256: str
    complete: bool
    passages: int


def collection_name(model_label: str, fingerprint: dict[str, object]) -> str:
    """Name derived from the embedding model and every setting that shapes the passages."""
    digest = hashlib.sha256(json.dumps(fingerprint, sort_keys=True).encode()).hexdigest()[:10]
    slug = "".join(c if c.isalnum() else "-" for c in model_label.lower()).strip("-")[:40]
    return f"passages-{slug}-{digest}"


def passage_metadata(passage: Passage) -> dict[str, str | int]:
    return {
        "source": passage.source,
        "title": passage.title,
        "kind": passage.kind,
        "authority": passage.authority,
        "date": passage.date,
        "section": json.dumps(list(passage.section), ensure_ascii=False),
        "page": -1 if passage.page is None else passage.page,
        "start": passage.start,
        "end": passage.end,
    }


def passage_from_record(passage_id: str, text: str, meta: dict) -> Passage:
    return Passage(
        id=passage_id,
        source=str(meta["source"]),
        title=str(meta["title"]),
        kind=str(meta["kind"]),
        authority=str(meta["authority"]),
        date=str(meta["date"]),
        section=tuple(json.loads(str(meta["section"]))),
        page=None if int(meta["page"]) < 0 else int(meta["page"]),
        start=int(meta["start"]),
        end=int(meta["end"]),
        text=text,
    )


def unreachable(url: str, error: Exception) -> StoreUnavailable:
    """The French error for a Chroma server at ``url`` that did not answer ``error``."""
    if isinstance(error, httpx.TimeoutException):
        return StoreUnavailable(url, "pas de réponse dans le délai")
    if isinstance(error, httpx.ConnectError):
        return StoreUnavailable(url, "connexion refusée")
    return StoreUnavailable(url)


def _remote(method):
    """Turn a lost connection to the Chroma server into ``StoreUnavailable`` naming its URL."""

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except httpx.TransportError as error:
            if not self.server_url:
                raise
            raise unreachable(self.server_url, error) from error

    return call


class PassageStore:
    """Passages and file records in Chroma (embedded or server, the client decides).

    ``server_url`` is the address of the Chroma server, if any: a lost connection then raises
    ``StoreUnavailable`` naming it, instead of an HTTP library error.
    """

    def __init__(self, client, name: str, server_url: str = "") -> None:
        self.client = client
        self.name = name
        self.server_url = server_url
        self._open_collections()

    @_remote
    def _open_collections(self) -> None:
        cosine = {"hnsw": {"space": "cosine"}}
        self._passages = self.client.get_or_create_collection(
            self.name, embedding_function=None, configuration=cosine
        )
        # Chroma collections need vectors: file records carry a constant 1-d one.
        self._files = self.client.get_or_create_collection(
            self.name + FILES_SUFFIX, embedding_function=None
        )

    # -- file records -----------------------------------------------------------------------
    @_remote
    def file_records(self) -> dict[str, FileRecord]:
        got = self._files.get(include=["metadatas"])
        return {
            pid: FileRecord(pid, str(m["sha256"]), bool(m["complete"]), int(m["passages"]))
            for pid, m in zip(got["ids"], got["metadatas"])
        }

    @_remote
    def mark_file(self, source: str, sha256: str, *, complete: bool, passages: int = 0) -> None:
        meta = {"sha256": sha256, "complete": complete, "passages": passages}
        self._files.upsert(ids=[source], embeddings=[[0.0]], metadatas=[meta])

    @_remote
    def forget_file(self, source: str) -> None:
        self._files.delete(ids=[source])

    # -- passages ---------------------------------------------------------------------------
    @_remote
    def count(self) -> int:
        return self._passages.count()

    @_remote
    def ids_of(self, source: str) -> set[str]:
        return set(self._passages.get(where={"source": source}, include=[])["ids"])

    @_remote
    def upsert(self, passages: list[Passage], embeddings: Sequence[Sequence[float]]) -> None:
        """Add or replace ``passages``; ``embeddings`` is a list of vectors or a 2-D array."""
        for i in range(0, len(passages), _BATCH):
            batch = passages[i : i + _BATCH]
            self._passages.upsert(
                ids=[p.id for p in batch],
                embeddings=embeddings[i : i + _BATCH],
                documents=[p.text for p in batch],
                metadatas=[passage_metadata(p) for p in batch],
            )

    @_remote
    def delete(self, ids: Iterable[str]) -> int:
        ids = list(ids)
        for i in range(0, len(ids), _BATCH):
            self._passages.delete(ids=ids[i : i + _BATCH])
        return len(ids)

    def iter_passages(self, page_size: int = 5000) -> Iterator[Passage]:
        """Every stored passage (for the lexical index and the evaluations)."""
        offset = 0
        while True:
            got = self._page(page_size, offset)
            for pid, text, meta in zip(got["ids"], got["documents"], got["metadatas"]):
                yield passage_from_record(pid, text, meta)
            if len(got["ids"]) < page_size:
                return
            offset += page_size

    @_remote
    def _page(self, limit: int, offset: int) -> dict:
        return self._passages.get(include=["documents", "metadatas"], limit=limit, offset=offset)

    @_remote
    def query(
        self, embedding: list[float], k: int, where: dict | None = None
    ) -> list[tuple[Passage, float]]:
        """The ``k`` nearest passages with their cosine similarity (1 - distance)."""
        if k <= 0 or self.count() == 0:
            return []
        got = self._passages.query(
            query_embeddings=[embedding],
            n_results=k,
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        return [
            (passage_from_record(pid, text, meta), 1.0 - float(dist))
            for pid, text, meta, dist in zip(
                got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0]
            )
        ]
