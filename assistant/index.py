"""The search index as the assistant sees it: Chroma, plus the lexical index and passages beside it.

Chroma stays the single source of truth.  The French BM25 index is derived from the passages
stored there and saved under ``<data dir>/lexical/<collection>``, with a fingerprint of the
collection's file records; when the fingerprint no longer matches (another process or replica
ingested), it is rebuilt from Chroma on open.  Opening never re-embeds anything.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from assistant import glossary as glossary_module
from assistant.glossary import Glossary, find_definitions
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
        fingerprint = store_fingerprint(store)
        passages = {p.id: p for p in store.iter_passages()}
        lexical = load_or_build_lexical(settings, store, passages.values(), fingerprint)
        glossary = Glossary.load()
        glossary.add_definitions(corpus_definitions(settings, store, passages.values(), fingerprint))
        return cls(store, lexical, passages, glossary)


def definitions_path(settings: Settings, store: PassageStore) -> Path:
    return settings.data_dir / "lexical" / f"{store.name}.definitions.json"


def _definitions_key(fingerprint: str) -> str:
    """The store's fingerprint and the code that finds definitions: either changing invalidates."""
    code = Path(glossary_module.__file__).read_bytes()
    return hashlib.sha256(fingerprint.encode() + code).hexdigest()[:16]


def corpus_definitions(
    settings: Settings, store: PassageStore, passages: Iterable[Passage], fingerprint: str
) -> list[tuple[str, str]]:
    """The "long form (ACRONYM)" pairs the passages spell out, first occurrence first.

    Scanning every passage costs about as much as reading them (seconds at 100,000 passages),
    so the pairs are saved beside the lexical index and reused while the store is unchanged.
    Learning the distinct pairs in order is the same as learning every occurrence.
    """
    path = definitions_path(settings, store)
    cache_key = _definitions_key(fingerprint)
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        if saved["key"] == cache_key:
            return [(str(a), str(b)) for a, b in saved["pairs"]]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    pairs = list(dict.fromkeys(pair for p in passages for pair in find_definitions(p.text)))
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(path.name + f".{os.getpid()}.tmp")
    staging.write_text(json.dumps({"key": cache_key, "pairs": pairs}, ensure_ascii=False), encoding="utf-8")
    staging.replace(path)  # atomic: a reader sees the old file or the new one
    return pairs


def load_or_build_lexical(
    settings: Settings, store: PassageStore, passages=None, fingerprint: str | None = None
) -> LexicalIndex:
    """The saved lexical index if it matches the store, else a fresh one (saved for next time)."""
    fingerprint = fingerprint or store_fingerprint(store)
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
