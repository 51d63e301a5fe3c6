"""The live index: a running process follows ingests made by another one, without restart.

``LiveIndex`` is first driven with fakes (a fake clock, a fingerprint the test changes, an
opener the test can block), then end to end over a real embedded Chroma with the fake embedder:
a second store object, as another process would, ingests a new document.
"""

from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.index import LiveIndex, SearchIndex, lexical_dir
from assistant.lexical import LexicalIndex
from assistant.service import Assistant
from ingest.factory import make_store
from ingest.pipeline import ingest

NEW_DOCUMENT = (
    "# France services à Saint-Michel\n\n"
    "La maison France services du quartier Saint-Michel ouvre le samedi matin. Les conseillers "
    "numériques y accompagnent les habitants dans leurs démarches administratives en ligne.\n"
)
NEW_QUESTION = "que font les conseillers numériques de la maison France services ?"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fake_index(fingerprint: str) -> SearchIndex:
    return SearchIndex(None, None, {}, None, fingerprint)  # only the fingerprint matters here


class Store:
    """What LiveIndex sees of a store: a fingerprint, and an index opened at it."""

    def __init__(self) -> None:
        self.fingerprint = "v1"
        self.opened = 0
        self.checks = 0

    def read_fingerprint(self) -> str:
        self.checks += 1
        return self.fingerprint

    def open(self) -> SearchIndex:
        self.opened += 1
        return fake_index(self.fingerprint)


def live(store: Store, every: float, clock: Clock) -> LiveIndex:
    return LiveIndex(store.open(), store.open, store.read_fingerprint, every, clock)


def test_a_changed_store_is_reopened_once_the_period_is_over():
    store, clock = Store(), Clock()
    index = live(store, 30, clock)
    first = index.current()
    store.fingerprint = "v2"
    clock.now += 29
    assert index.current() is first and store.checks == 0  # not yet looked at
    clock.now += 2
    second = index.current()
    assert second is not first and second.fingerprint == "v2"
    assert index.reopened == 1 and store.opened == 2
    clock.now += 31
    assert index.current() is second and store.checks == 2  # looked, unchanged: kept


def test_zero_checks_at_every_call_and_a_negative_period_never():
    store, clock = Store(), Clock()
    every_call = live(store, 0, clock)
    for version in ("v2", "v3"):
        store.fingerprint = version
        assert every_call.current().fingerprint == version
    assert every_call.current().fingerprint == "v3" and every_call.reopened == 2

    never = live(store, -1, clock)
    store.fingerprint = "v4"
    clock.now += 10**6
    assert never.current().fingerprint == "v3" and never.reopened == 0


def test_a_failed_reopen_keeps_the_previous_index_and_says_why():
    store, clock = Store(), Clock()
    index = live(store, 0, clock)
    first = index.current()
    store.fingerprint = "v2"

    def broken() -> SearchIndex:
        raise ConnectionError("serveur perdu")

    index._reopen = broken
    with pytest.raises(ConnectionError):
        index.current()
    assert index.index is first
    index._reopen = store.open
    assert index.current().fingerprint == "v2"


def test_requests_during_a_reopen_get_the_whole_previous_index_never_a_partial_one():
    store, clock = Store(), Clock()
    index = live(store, 0, clock)
    first = index.current()
    started, release = threading.Event(), threading.Event()

    def slow_open() -> SearchIndex:
        started.set()
        assert release.wait(10)
        return fake_index("v2")

    index._reopen = slow_open
    store.fingerprint = "v2"
    with ThreadPoolExecutor(max_workers=1) as pool:
        reopening = pool.submit(index.current)
        assert started.wait(10)
        # While one thread builds the new index, the others go on with the old one at once.
        assert {id(index.current()) for _ in range(50)} == {id(first)}
        release.set()
        assert reopening.result(10).fingerprint == "v2"
    assert index.current().fingerprint == "v2" and index.reopened == 1


# ---------------------------------------------------------------------------- over real Chroma


def cites(answer, source: str) -> bool:
    return any(c.passage.source == source for c in answer.citations)


@pytest.mark.parametrize("refresh_seconds", [0, 3600])
def test_the_assistant_answers_from_a_document_another_process_ingested(
    settings, fake_embedder, refresh_seconds
):
    settings = dataclasses.replace(settings, refresh_seconds=refresh_seconds)
    ingest(settings, make_store(settings), lambda: fake_embedder, progress=False, log=print)
    assistant = Assistant(LiveIndex.open(settings, make_store(settings)), fake_embedder)
    before = assistant.ask(NEW_QUESTION)
    assert not cites(before, "france-services.md")

    # Another process: its own store object, the same collection.
    (settings.corpus / "france-services.md").write_text(NEW_DOCUMENT, encoding="utf-8")
    report = ingest(
        settings, make_store(settings), lambda: fake_embedder, progress=False, log=print
    )
    assert report.indexed == ["france-services.md"]

    after = assistant.ask(NEW_QUESTION)
    if refresh_seconds:  # not looked at yet: the index opened at start is still in use
        assert not cites(after, "france-services.md") and assistant.live.reopened == 0
        return
    assert not after.refused and cites(after, "france-services.md"), after.text
    assert "démarches administratives" in after.text
    assert assistant.live.reopened == 1
    assert any(p.source == "france-services.md" for p in assistant.index.passages.values())
    # The lexical index beside Chroma was rebuilt and saved at the new fingerprint.
    saved = LexicalIndex.load(lexical_dir(settings, assistant.index.store))
    assert saved.fingerprint == assistant.index.fingerprint
    assert assistant.ask(NEW_QUESTION).text == after.text and assistant.live.reopened == 1


def test_an_index_opened_during_an_ingest_is_reopened_after_it(settings, fake_embedder):
    """The fingerprint is taken before the passages are read: an ingest that lands in between
    leaves the index looking stale, so the next check reads the passages again."""
    store = make_store(settings)
    ingest(settings, store, lambda: fake_embedder, progress=False, log=print)
    real_iter = store.iter_passages

    def iter_then_ingest(*args, **kwargs):
        passages = list(real_iter(*args, **kwargs))
        (settings.corpus / "france-services.md").write_text(NEW_DOCUMENT, encoding="utf-8")
        ingest(settings, make_store(settings), lambda: fake_embedder, progress=False, log=print)
        return iter(passages)

    store.iter_passages = iter_then_ingest
    index = LiveIndex.open(dataclasses.replace(settings, refresh_seconds=0), store)
    assert not any(p.source == "france-services.md" for p in index.index.passages.values())
    store.iter_passages = real_iter
    assert any(p.source == "france-services.md" for p in index.current().passages.values())
