"""The synthetic scale corpus: deterministic, real PDFs and text files that ingest, names replaced."""

from __future__ import annotations

import json
from pathlib import Path

from ingest.config import Settings
from ingest.factory import make_store
from ingest.pipeline import ingest

from evals import synth
from conftest import FakeEmbedder


def test_contracts_are_deterministic_and_differ_by_index_and_seed():
    slides = synth.source_slides()
    assert len(slides) == 27  # the shipped contract's slides, as the cleaner cuts them
    first = synth.make_contract(3, slides)
    assert synth.make_contract(3, slides) == first
    assert synth.make_contract(4, slides).slides != first.slides
    assert synth.make_contract(3, slides, seed=1).slides != first.slides
    assert synth.pdf_bytes(first.slides[:2]) == synth.pdf_bytes(first.slides[:2])


def test_names_are_substituted_in_every_spelling():
    names = {"town": "Valmont", "a": "Les Tilleuls", "b": "La Source", "c": "Le Parc", "dept": "Sarthe"}
    text = "Flers Agglo, quartiers St Michel et Saint Sauveur-Pont\nFéron (Orne) ; Saint-Michel."
    assert synth.substitute(text, names) == (
        "Valmont Agglo, quartiers Les Tilleuls et La Source-Le Parc (Sarthe) ; Les Tilleuls."
    )


def test_written_corpus_ingests_with_new_names(tmp_path: Path):
    corpus = tmp_path / "corpus"
    contracts = synth.write_corpus(corpus, 2, pdf_share=0.8)
    kinds = {c.is_pdf for c in contracts}
    assert kinds == {True, False}  # seed 0, this share: one of each
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert set(manifest) == {c.filename for c in contracts}
    for contract in contracts:
        data = (corpus / contract.filename).read_bytes()
        assert data.startswith(b"%PDF-") == contract.is_pdf

    settings = Settings(data_dir=tmp_path / "data", corpus=corpus)
    store = make_store(settings)
    report = ingest(settings, store, FakeEmbedder, progress=False, log=lambda _: None)
    assert report.ok and sorted(report.indexed) == sorted(manifest)
    passages = list(store.iter_passages())
    for contract in contracts:
        own = [p for p in passages if p.source == contract.filename]
        assert 60 <= len(own) <= 120, (contract.filename, len(own))  # the shipped one gives 89
        assert own[0].title == contract.title
        text = " ".join(p.text for p in own)
        assert contract.town in text and all(q in text for q in contract.quartiers)
        assert not any(name in text for name in synth.ORIGINAL_NAMES)
        if contract.is_pdf:
            assert all(p.page is not None for p in own)
