"""The search index as the assistant sees it: Chroma, plus the lexical index and passages beside it.

Chroma stays the single source of truth.  The French BM25 index is derived from the passages
stored there and saved under ``<data dir>/lexical/<collection>``, with a fingerprint of the
collection's file records; when the fingerprint no longer matches (another process or replica
ingested), it is rebuilt from Chroma on open.  Opening never re-embeds a passage; the questions
attached to passages (``assistant.questions``) and the passages' sentences (``assistant.sentences``)
are embedded once and their vectors saved there too.

A long-running process (the web app, ``ask --json`` on standard input) holds a ``LiveIndex``:
it compares the store's fingerprint with the one its index was opened at, at most every
``QUARTIERS_REFRESH_SECONDS``, and swaps in a freshly opened index when they differ.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant import glossary as glossary_module
from assistant.glossary import Glossary, find_definitions
from assistant.lexical import IndexFormatError, LexicalIndex
from assistant.questions import QuestionIndex
from assistant.sentences import SentenceIndex
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
    """Everything retrieval needs, as the store was when it was opened.  Never changed after."""

    store: PassageStore
    lexical: LexicalIndex
    passages: dict[str, Passage]
    glossary: Glossary
    fingerprint: str = ""  # the store's fingerprint when the index was opened
    questions: QuestionIndex = field(default_factory=QuestionIndex.empty)  # see assistant.questions
    sentences: SentenceIndex = field(default_factory=SentenceIndex.empty)  # see assistant.sentences

    @classmethod
    def open(cls, settings: Settings, store: PassageStore) -> SearchIndex:
        # The fingerprint is taken before the passages are read: an ingest that lands while
        # they are read changes the store's fingerprint, so a LiveIndex will read them again.
        fingerprint = store_fingerprint(store)
        passages = {p.id: p for p in store.iter_passages()}
        lexical = load_or_build_lexical(settings, store, passages.values(), fingerprint)
        glossary = Glossary.load()
        glossary.add_definitions(corpus_definitions(settings, store, passages.values(), fingerprint))
        vectors = question_vectors_path(settings, store)
        questions = QuestionIndex.attach(passages.values(), cache=vectors)
        sentences = SentenceIndex.of(passages.values(), cache=sentence_vectors_path(settings, store))
        return cls(store, lexical, passages, glossary, fingerprint, questions, sentences)


class LiveIndex:
    """The ``SearchIndex`` of a store that other processes may change while this one runs.

    ``current()`` compares the store's fingerprint (one small read: the file records) with the
    index's, at most every ``every`` seconds (0: at each call; negative: never), and when they
    differ opens a new index and swaps it in with one assignment.  A caller keeps the index it
    got for the whole of its request, so no request ever sees a half-built or mixed index.  One
    thread at a time checks and reopens; the others go on with the previous index meanwhile.
    """

    def __init__(
        self,
        index: SearchIndex,
        reopen: Callable[[], SearchIndex],
        fingerprint: Callable[[], str],
        every: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._index = index
        self._reopen = reopen
        self._fingerprint = fingerprint
        self.every = every
        self._clock = clock
        self._checked = clock()
        self._lock = threading.Lock()
        self.reopened = 0  # how many times a new index was swapped in

    @classmethod
    def open(cls, settings: Settings, store: PassageStore) -> LiveIndex:
        return cls(
            SearchIndex.open(settings, store),
            lambda: SearchIndex.open(settings, store),
            lambda: store_fingerprint(store),
            settings.refresh_seconds,
        )

    @classmethod
    def fixed(cls, index: SearchIndex) -> LiveIndex:
        """An index that is never reopened (evaluations, tests)."""
        return cls(index, lambda: index, lambda: index.fingerprint, -1)

    @property
    def index(self) -> SearchIndex:
        """The index in use, without checking the store."""
        return self._index

    def current(self) -> SearchIndex:
        """The index in use, reopened first if the store changed since it was opened."""
        if self.every < 0 or self._clock() - self._checked < self.every:
            return self._index
        if not self._lock.acquire(blocking=False):  # another thread is checking or reopening
            return self._index
        try:
            self._checked = self._clock()
            if self._fingerprint() != self._index.fingerprint:
                self._index = self._reopen()  # the swap: one reference assignment
                self.reopened += 1
        finally:
            self._lock.release()
        return self._index


def question_vectors_path(settings: Settings, store: PassageStore) -> Path:
    return settings.data_dir / "lexical" / f"{store.name}.questions.npz"


def sentence_vectors_path(settings: Settings, store: PassageStore) -> Path:
    return settings.data_dir / "lexical" / f"{store.name}.sentences.npz"


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
    """The saved lexical index if it matches the store, else a fresh one (saved for next time).

    ``passages`` (all of the store's) and ``fingerprint`` (taken before they were read) are
    read from the store when not given."""
    if fingerprint is None:
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
