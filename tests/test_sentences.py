"""The passages' sentences by meaning: each passage ranks by its closest sentence."""

from __future__ import annotations

import numpy as np
import pytest

from assistant import retrieve
from assistant.index import SearchIndex
from assistant.lexical import LexicalIndex
from assistant.retrieve import RetrievalMode, Retriever
from assistant.sentences import SentenceIndex
from tests.conftest import FakeEmbedder
from tests.conftest import contract_passage as passage

PASSAGES = [
    passage(
        "mixed",
        "Le quartier compte trois écoles et un collège. Les habitants demandent des pistes cyclables.\n"
        "- rénovation des halls d'immeubles\n- jardins partagés",
    ),
    passage("bikes", "Les mobilités douces, le vélo, les transports en commun et le covoiturage dans l'agglomération."),
]


def test_each_sentence_and_list_item_is_a_unit_of_its_passage():
    index = SentenceIndex.of(PASSAGES)
    assert index.passage_ids == ["mixed"] * 4 + ["bikes"]
    assert index.texts[:4] == [
        "Le quartier compte trois écoles et un collège.",
        "Les habitants demandent des pistes cyclables.",
        "rénovation des halls d'immeubles",
        "jardins partagés",
    ]


def test_a_passage_is_as_close_as_its_closest_sentence():
    embedder = FakeEmbedder()
    index = SentenceIndex.of(PASSAGES)
    query = "Les habitants demandent des pistes cyclables."
    closest = index.closest(embedder.embed_query(query), embedder)
    assert closest["mixed"] == pytest.approx(1.0, abs=1e-6)  # one of its sentences, word for word
    whole = {p.id: float(np.dot(embedder.embed_query(p.text), embedder.embed_query(query))) for p in PASSAGES}
    assert whole["mixed"] < 0.8 and closest["bikes"] == pytest.approx(whole["bikes"], abs=1e-6)
    assert index.closest(embedder.embed_query(query), embedder, allowed={"bikes"}).keys() == {"bikes"}
    assert SentenceIndex.empty().closest(embedder.embed_query(query), embedder) == {}


def test_the_sentences_vectors_are_saved_and_only_new_sentences_embedded_until_the_model_changes(tmp_path):
    cache = tmp_path / "sentences.npz"
    embedder = FakeEmbedder()
    first = SentenceIndex.of(PASSAGES, cache).vectors(embedder)
    assert embedder.calls == 5 and cache.exists()
    again = SentenceIndex.of(PASSAGES, cache).vectors(embedder)
    assert embedder.calls == 5 and (again == first).all()  # read from the file
    new = passage("new", "Un nouveau passage. Les habitants demandent des pistes cyclables.")
    changed = SentenceIndex.of([*PASSAGES, new], cache).vectors(embedder)
    assert embedder.calls == 6  # a new passage: only its new sentence is embedded
    assert (changed[:5] == first).all() and (changed[6] == first[1]).all()
    assert SentenceIndex.of(PASSAGES[1:], cache).vectors(embedder).shape == (1, embedder.dimension)
    assert embedder.calls == 6
    other_model = FakeEmbedder()
    other_model.name = "another-model"
    SentenceIndex.of(PASSAGES[:1], cache).vectors(other_model)
    assert other_model.calls == 4  # another model: every sentence embedded again


class _BikesStore:
    """A Chroma stand-in whose passage vectors find "bikes" and nothing else."""

    name = "bikes"

    def query(self, vector, k, where=None):
        return [(PASSAGES[1], 0.5)]


def test_the_retriever_hears_the_closest_sentence_of_every_candidate(monkeypatch):
    index = SearchIndex(
        _BikesStore(), LexicalIndex.build(PASSAGES), {p.id: p for p in PASSAGES}, None, "",
        sentences=SentenceIndex.of(PASSAGES),
    )
    monkeypatch.setattr(retrieve, "CANDIDATES", 1)  # each voice names one passage
    mode = RetrievalMode(lexical=False, expand=False, rerank=False, questions=False)
    hits = Retriever(index, FakeEmbedder(), mode).search("des pistes cyclables pour le vélo ?", 2)
    said = {h.passage.id: h.signals for h in hits}
    assert said["mixed"].sentences == pytest.approx(1 / 11)  # first by its closest sentence
    # "bikes", found by the passage's vector, is beyond the sentences' list: still weighed by them.
    assert said["bikes"].sentences == 0.0 and 0 < said["bikes"].sentence_cosine < said["mixed"].sentence_cosine
    no_dense = RetrievalMode(dense=False, expand=False, rerank=False, questions=False)
    assert all(h.signals.sentences == h.signals.sentence_cosine == 0.0
               for h in Retriever(index, FakeEmbedder(), no_dense).search("des pistes cyclables pour le vélo ?", 2))
