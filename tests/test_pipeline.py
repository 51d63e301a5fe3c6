"""Ingestion runs: idempotence, add/change/delete, bad files, index naming."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ingest.config import SplitSettings
from ingest.factory import make_store
from ingest.pipeline import ingest

from conftest import FakeEmbedder


def run(settings, store, embedder, paths=()):
    return ingest(settings, store, lambda: embedder, paths, progress=False, log=lambda _: None)


def no_embedder():
    raise AssertionError("nothing should need embedding")


def snapshot(store) -> dict[str, str]:
    return {p.id: p.source for p in store.iter_passages()}


def test_first_run_indexes_everything_then_nothing_is_reembedded(settings, store, fake_embedder):
    report = run(settings, store, fake_embedder)
    assert sorted(report.indexed) == ["contrat-extrait.txt", "guide-gouvernance.md"]
    assert report.ok and report.passages_total == store.count() == fake_embedder.calls > 5
    before = snapshot(store)

    again = ingest(settings, store, no_embedder, progress=False, log=lambda _: None)
    assert again.indexed == [] and sorted(again.unchanged) == sorted(report.indexed)
    assert again.passages_added == again.passages_deleted == 0
    assert snapshot(store) == before


def test_manifest_and_name_defaults(settings, store, fake_embedder):
    run(settings, store, fake_embedder)
    by_source = {p.source: p for p in store.iter_passages()}
    assert by_source["contrat-extrait.txt"].title == "Contrat de ville de Flers Agglo (extrait)"
    guide = by_source["guide-gouvernance.md"]  # no manifest entry: derived from the name
    assert guide.title == "Guide gouvernance" and guide.kind == "document"
    assert guide.location.startswith("Guide de la gouvernance du contrat de ville")


def test_add_change_delete(settings, store, fake_embedder, corpus: Path):
    run(settings, store, fake_embedder)
    before = snapshot(store)
    guide_ids = {i for i, s in before.items() if s == "guide-gouvernance.md"}

    # Add a file: only it is embedded.
    (corpus / "circulaire-2023-08-31.md").write_text(
        "# Circulaire\n\n" + "Les contrats de ville sont recentrés sur les enjeux locaux. " * 12,
        encoding="utf-8",
    )
    fake_embedder.calls = 0
    added = run(settings, store, fake_embedder)
    assert added.indexed == ["circulaire-2023-08-31.md"]
    assert fake_embedder.calls == added.passages_added > 0
    assert {p.kind for p in store.iter_passages() if p.source.startswith("circulaire")} == {"circulaire"}

    # Change one paragraph of a file: only that file's changed passages are replaced.
    guide = corpus / "guide-gouvernance.md"
    guide.write_text(
        guide.read_text(encoding="utf-8").replace("au moins une fois par an", "deux fois par an"),
        encoding="utf-8",
    )
    fake_embedder.calls = 0
    changed = run(settings, store, fake_embedder)
    assert changed.indexed == ["guide-gouvernance.md"]
    assert 0 < fake_embedder.calls < len(guide_ids)
    after = snapshot(store)
    assert {i for i, s in after.items() if s == "contrat-extrait.txt"} == {
        i for i, s in before.items() if s == "contrat-extrait.txt"
    }
    texts = " ".join(p.text for p in store.iter_passages() if p.source == "guide-gouvernance.md")
    assert "deux fois par an" in texts and "au moins une fois par an" not in texts

    # Delete a file: its passages go, the others stay.
    (corpus / "contrat-extrait.txt").unlink()
    removed = run(settings, store, FakeEmbedder())
    assert removed.removed == ["contrat-extrait.txt"] and removed.passages_deleted > 0
    assert "contrat-extrait.txt" not in set(snapshot(store).values())
    assert "contrat-extrait.txt" not in store.file_records()


def test_given_paths_do_not_remove_the_rest(settings, store, fake_embedder, corpus):
    run(settings, store, fake_embedder)
    before = snapshot(store)
    report = run(settings, store, fake_embedder, [corpus / "guide-gouvernance.md"])
    assert report.unchanged == ["guide-gouvernance.md"] and report.removed == []
    assert snapshot(store) == before


def test_bad_files_are_reported_and_nothing_else_is_lost(settings, store, fake_embedder, corpus):
    run(settings, store, fake_embedder)
    before = snapshot(store)
    (corpus / "binaire.txt").write_bytes(bytes(range(256)) * 40)
    (corpus / "vide.md").write_bytes(b"")
    (corpus / "casse.pdf").write_bytes(b"%PDF-1.4\n garbage \x00\x01")
    (corpus / "note.docx").write_bytes(b"PK\x03\x04")
    # A file indexed before becomes unreadable: its old passages are kept.
    (corpus / "guide-gouvernance.md").write_bytes(b"\x00\x01\x02" * 100)
    report = run(settings, store, fake_embedder)
    assert set(report.failed) == {"binaire.txt", "vide.md", "casse.pdf", "note.docx", "guide-gouvernance.md"}
    assert all(reason for reason in report.failed.values())
    assert "docx" in report.failed["note.docx"]
    assert not report.ok
    assert snapshot(store) == before


def test_a_new_file_is_indexed_even_when_another_fails(settings, store, fake_embedder, corpus):
    (corpus / "binaire.txt").write_bytes(b"\x00" * 500)
    report = run(settings, store, fake_embedder)
    assert sorted(report.indexed) == ["contrat-extrait.txt", "guide-gouvernance.md"]
    assert list(report.failed) == ["binaire.txt"]


def test_interrupted_file_is_finished_next_time(settings, store, fake_embedder):
    """A file whose record says incomplete (a killed run) is redone without duplicates."""
    run(settings, store, fake_embedder)
    full = snapshot(store)
    record = store.file_records()["guide-gouvernance.md"]
    victim = sorted(i for i, s in full.items() if s == "guide-gouvernance.md")[0]
    store.delete([victim])
    store.mark_file("guide-gouvernance.md", record.sha256, complete=False)
    fake_embedder.calls = 0
    report = run(settings, store, fake_embedder)
    assert report.indexed == ["guide-gouvernance.md"] and fake_embedder.calls == 1
    assert snapshot(store) == full


def test_index_name_depends_on_model_and_split_settings(settings):
    base = make_store(settings).name
    other_split = dataclasses.replace(settings, split=SplitSettings(max_chars=1200))
    other_model = dataclasses.replace(settings, embedding_model="/models/paraphrase-multilingual")
    names = {base, make_store(other_split).name, make_store(other_model).name}
    assert len(names) == 3
    assert "paraphrase-multilingual" in make_store(other_model).name


@pytest.mark.slow
def test_real_model_finds_the_governance_passage(settings, store, real_embedder):
    run(settings, store, real_embedder)
    from assistant.index import SearchIndex
    from assistant.retrieve import RetrievalMode, Retriever

    dense_only = RetrievalMode(lexical=False, expand=False)
    retriever = Retriever(SearchIndex.open(settings, store), real_embedder, dense_only)
    hits = retriever.search("gouvernance comité de pilotage signataires", k=3)
    assert hits and hits[0].rank == 1
    assert any("pilotage" in h.passage.text for h in hits)


def test_an_unexpected_error_on_one_file_does_not_stop_the_others(
    settings, store, fake_embedder, monkeypatch
):
    import ingest.pipeline as pipeline

    real_split = pipeline.split_document

    def fragile_split(clean, split_settings):
        if clean.document.info.source == "guide-gouvernance.md":
            raise RuntimeError("boom")
        return real_split(clean, split_settings)

    monkeypatch.setattr(pipeline, "split_document", fragile_split)
    report = run(settings, store, fake_embedder)
    assert report.indexed == ["contrat-extrait.txt"]
    assert "boom" in report.failed["guide-gouvernance.md"]
