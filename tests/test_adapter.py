"""The query map: a query's vector moved toward the sentences that answer it."""

from __future__ import annotations

import numpy as np
import pytest

from assistant import adapter as adapter_module
from assistant.adapter import QueryAdapter, answering_units
from assistant.index import SearchIndex
from assistant.lexical import LexicalIndex
from assistant.questions import AnchoredQuestion, QuestionIndex
from assistant.retrieve import RetrievalMode, Retriever
from assistant.sentences import SentenceIndex
from tests.conftest import FakeEmbedder
from tests.conftest import contract_passage as passage


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def _asked(units: np.ndarray, per_unit: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Questions worded "in another language": each answer's vector with its first half of
    coordinates swapped for the second and noise added, so that the raw vector is far from it."""
    answers = np.repeat(np.arange(len(units)), per_unit)
    half = units.shape[1] // 2
    swapped = np.concatenate([units[:, half:], units[:, :half]], axis=1)[answers]
    return _unit_rows(swapped + 0.1 * rng.standard_normal(swapped.shape)), answers


def _accuracy(questions: np.ndarray, units: np.ndarray, answers: np.ndarray) -> float:
    return float(np.mean(np.argmax(questions @ units.T, axis=1) == answers))


def test_the_map_learned_from_some_questions_finds_the_answers_of_others():
    rng = np.random.default_rng(0)
    units = _unit_rows(rng.standard_normal((12, 16)))
    learned_from, answers = _asked(units, 6, rng)
    new, new_answers = _asked(units, 3, rng)  # never seen by the fit
    assert _accuracy(new, units, new_answers) < 0.5  # raw, the vectors mostly miss
    adapter = QueryAdapter.learn(learned_from, units, answers)
    mapped = np.stack([adapter.adapt(q) for q in new])
    assert np.allclose(np.linalg.norm(mapped, axis=1), 1.0)
    assert _accuracy(mapped, units, new_answers) >= 0.9


def test_the_map_stays_near_the_identity_where_the_questions_say_nothing(monkeypatch):
    rng = np.random.default_rng(1)
    units = _unit_rows(rng.standard_normal((6, 8)))
    already_close = _unit_rows(units + 0.05 * rng.standard_normal(units.shape))
    adapter = QueryAdapter.learn(already_close, units, np.arange(6))
    assert np.abs(adapter.matrix - np.eye(8)).max() < 0.5
    monkeypatch.setattr(adapter_module, "HOLD", 0.0)
    assert np.abs(QueryAdapter.learn(already_close, units, np.arange(6)).matrix - np.eye(8)).max() > np.abs(
        adapter.matrix - np.eye(8)
    ).max()


def test_no_map_without_two_answers_to_tell_apart():
    units = np.eye(3, dtype=np.float32)
    assert QueryAdapter.learn(units, units, [0, 0, -1]) is None
    assert QueryAdapter.learn(units, units, [-1, -1, -1]) is None
    assert QueryAdapter.learn(units, units, [0, 1, -1]) is not None


def test_each_question_answers_to_the_unit_of_its_passage_holding_its_anchor():
    unit_passages = ["a", "a", "b", "b"]
    unit_texts = ["Les écoles du quartier.", "Des pistes cyclables.", "Des pistes cyclables.", "Un jardin."]
    answers = answering_units(
        ["a", "b", "b", "a", "c"],
        ["pistes cyclables", "pistes cyclables", "Un jardin. Des bancs.", "un parc", "pistes cyclables"],
        unit_passages,
        unit_texts,
    )
    # In its own passage only; a unit within a longer anchor; none: -1.
    assert answers == [1, 2, 3, -1, -1]


def test_the_map_is_saved_under_its_key(tmp_path):
    adapter = QueryAdapter(np.arange(9, dtype=np.float32).reshape(3, 3))
    path = tmp_path / "adapter.npz"
    adapter.save(path, "k1")
    assert (QueryAdapter.load(path, "k1").matrix == adapter.matrix).all()
    assert QueryAdapter.load(path, "k2") is None
    assert QueryAdapter.load(tmp_path / "missing.npz", "k1") is None


PASSAGES = [
    passage("school", "Lutter contre le décrochage scolaire. Renforcer les liens avec les collèges du quartier."),
    passage("food", "Favoriser une alimentation plus saine. Créer des jardins partagés."),
]
QUESTIONS = [
    AnchoredQuestion("les gamins sèchent les cours", "décrochage scolaire", "contrat.txt"),
    AnchoredQuestion("mon fils ne va plus en classe", "décrochage scolaire", "contrat.txt"),
    AnchoredQuestion("manger mieux en famille", "alimentation plus saine", "contrat.txt"),
    AnchoredQuestion("un potager pour les habitants", "jardins partagés", "contrat.txt"),
]


def test_the_index_s_map_is_learned_once_then_read_back(tmp_path, monkeypatch):
    cache = tmp_path / "questions.npz"
    embedder = FakeEmbedder()
    sentences = SentenceIndex.of(PASSAGES)
    learned = QuestionIndex.attach(PASSAGES, QUESTIONS, cache).adapter(embedder, sentences)
    assert learned is not None and (tmp_path / "questions.adapter.npz").exists()

    def never(*args):
        raise AssertionError("learned again")

    monkeypatch.setattr(QueryAdapter, "learn", never)
    again = QuestionIndex.attach(PASSAGES, QUESTIONS, cache).adapter(embedder, sentences)
    assert (again.matrix == learned.matrix).all()
    other = SentenceIndex.of([PASSAGES[0], passage("food", "Créer des jardins partagés.")])
    with pytest.raises(AssertionError, match="learned again"):  # other units: another key
        QuestionIndex.attach(PASSAGES, QUESTIONS, cache).adapter(embedder, other)


class _RecordingStore:
    """A Chroma stand-in that finds nothing and keeps the vectors it was asked with."""

    name = "none"

    def __init__(self) -> None:
        self.asked: list[list[float]] = []

    def query(self, vector, k, where=None):
        self.asked.append(vector)
        return []


def test_the_passages_and_sentences_are_searched_with_the_mapped_query():
    embedder = FakeEmbedder()
    sentences = SentenceIndex.of(PASSAGES)
    store = _RecordingStore()
    index = SearchIndex(
        store, LexicalIndex.build(PASSAGES), {p.id: p for p in PASSAGES}, None, "",
        QuestionIndex.attach(PASSAGES, QUESTIONS), sentences,
    )
    query = "une question sans aucun mot des passages"
    target = sentences.texts.index("Créer des jardins partagés.")
    q = np.asarray(embedder.embed_query(query), dtype=np.float32)
    onto = QueryAdapter(np.outer(q, sentences.vectors(embedder)[target]) / float(q @ q))  # query -> that unit
    mode = RetrievalMode(lexical=False, expand=False, rerank=False)
    hits = Retriever(index, embedder, mode).search(query, 2, adapter=onto)
    said = {h.passage.id: h.signals for h in hits}
    assert said["food"].sentence_cosine == pytest.approx(1.0, abs=1e-5)
    assert said["food"].sentences > said["school"].sentences
    assert np.allclose(store.asked[-1], onto.adapt(q), atol=1e-6)  # Chroma too
    identity = QueryAdapter(np.eye(embedder.dimension, dtype=np.float32))
    unmapped = {h.passage.id: h.signals for h in Retriever(index, embedder, mode).search(query, 2, adapter=identity)}
    assert unmapped["food"].sentence_cosine < 0.5
    assert np.allclose(store.asked[-1], q, atol=1e-6)
    retriever = Retriever(index, embedder, mode)
    retriever.search(query, 2)  # the index's own map, learned from every question
    assert np.allclose(store.asked[-1], index.questions.adapter(embedder, sentences).adapt(q), atol=1e-6)
    assert not np.allclose(store.asked[-1], q, atol=1e-3)
    retriever.search(query, 2, exclude_questions=frozenset({0}))  # it learned them: not given
    assert np.allclose(store.asked[-1], q, atol=1e-6)
