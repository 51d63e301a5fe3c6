"""Opening the search index: corpus definitions are found once per store state, then reused."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import index as index_module
from assistant.glossary import Glossary
from assistant.index import SearchIndex, definitions_path
from ingest.pipeline import ingest

from conftest import FakeEmbedder


def run(settings, store):
    return ingest(settings, store, FakeEmbedder, progress=False, log=lambda _: None)


def glossary_state(index: SearchIndex) -> list:
    return [(e.term, e.expansion, e.aliases, e.from_corpus) for e in index.glossary.entries()]


def test_definitions_are_reused_until_the_store_changes(settings, store, corpus: Path, monkeypatch):
    (corpus / "jardins.md").write_text(
        "# Jardins\n\nLe comité local des jardins partagés (CLJP) se réunit chaque mois.\n", encoding="utf-8"
    )
    run(settings, store)
    first = SearchIndex.open(settings, store)
    expected = Glossary.load()
    expected.add_corpus_definitions(p.text for p in first.passages.values())  # every passage, every time
    assert glossary_state(first) == [(e.term, e.expansion, e.aliases, e.from_corpus) for e in expected.entries()]
    assert first.glossary.lookup("CLJP").from_corpus
    assert definitions_path(settings, store).is_file()

    def no_scan(text):
        raise AssertionError("the passages should not be scanned again")

    with monkeypatch.context() as m:
        m.setattr(index_module, "find_definitions", no_scan)
        assert glossary_state(SearchIndex.open(settings, store)) == glossary_state(first)
        (corpus / "note.md").write_text(
            "# Note\n\nLa maison des projets solidaires (MPS) accueille les associations.\n",
            encoding="utf-8",
        )
        run(settings, store)
        with pytest.raises(AssertionError, match="scanned again"):
            SearchIndex.open(settings, store)  # the store changed: definitions are looked for again
    reopened = SearchIndex.open(settings, store)
    mps = reopened.glossary.lookup("MPS")
    assert mps is not None and mps.expansion.lower() == "maison des projets solidaires"
