"""The search index as the assistant sees it: Chroma, plus the lexical index and passages beside it.

Chroma stays the single source of truth.  The French BM25 index is derived from the passages
stored there and saved under ``<data dir>/lexical/<collection>``, with a fingerprint of the
collection's file records; when the fingerprint no longer matches (another process or replica
ingested), it is rebuilt from Chroma on open.  Opening never re-embeds anything.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from assistant.glossary import Glossary
from assistant.lexical import IndexFormatError, LexicalIndex
from ingest.config import Settings
from ingest.records import Passage
from ingest.store import PassageStore


def store_fingerprint(store: PassageStore) -> str:
    """Changes whenever any file's indexed content changes."""
    records = sorted((r.source, r.sha256, r.complete) for r in store.file_records().values())
    return hashlib.sha256(repr((store.name, records)).encode()).hexdigest()[:16]


def lexical_dir(settings: Settings, store: PassageStore) -> Path:
    return settings.data_dir / "lexical" / store.name


@dataclass
class SearchIndex:
    """Everything retrieval needs, loaded once per process."""

    store: PassageStore
    lexical: LexicalIndex
    passages: dict[str, Passage]
    glossary: Glossary

    @classmethod
    def open(cls, settings: Settings, store: PassageStore) -> SearchIndex:
        passages = {p.id: p for p in store.iter_passages()}
        lexical = load_or_build_lexical(settings, store, passages.values())
        glossary = Glossary.load()
        glossary.add_corpus_definitions(p.text for p in passages.values())
        return cls(store, lexical, passages, glossary)


def load_or_build_lexical(settings: Settings, store: PassageStore, passages=None) -> LexicalIndex:
    """The saved lexical index if it matches the store, else a fresh one (saved for next time)."""
    fingerprint = store_fingerprint(store)
    directory = lexical_dir(settings, store)
    try:
        index = LexicalIndex.load(directory)
        if index.fingerprint == fingerprint:
            return index
    except (IndexFormatError, FileNotFoundError):
        pass
    index = LexicalIndex.build(passages if passages is not None else store.iter_passages(), fingerprint)
    index.save(directory)
    return index
