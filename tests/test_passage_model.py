"""The passage and wording models: which passage a question is about, learned from the attached
questions' meaning and letters."""

from __future__ import annotations

import numpy as np
import pytest

from assistant import passage_model, ranking, retrieve
from assistant.index import SearchIndex
from assistant.lexical import LexicalIndex, folded_lower
from assistant.passage_model import PassageModel, WordingModel, model_key, signal, wording_key
from assistant.questions import AnchoredQuestion, QuestionIndex
from assistant.retrieve import RetrievalMode, Retriever
from assistant.sentences import SentenceIndex
from assistant.service import Assistant
from evals import fusion
from tests.conftest import FakeEmbedder
from tests.conftest import contract_passage as passage

PASSAGES = [
    passage("school", "Lutter contre le décrochage scolaire avec les collèges du quartier."),
    passage("food", "Favoriser une alimentation plus saine : ateliers cuisine et jardins partagés."),
    passage("jobs", "Accompagner les demandeurs d'emploi vers la formation."),
]
QUESTIONS = [
    AnchoredQuestion(text, anchor, "contrat.txt")
    for anchor, texts in {
        "décrochage scolaire": [
            "les gamins sèchent les cours",
            "mon fils ne va plus au collège",
            "élèves absents des cours au collège",
        ],
        "alimentation plus saine": [
            "manger mieux en famille",
            "des ateliers pour cuisiner sain",
            "les enfants mangent trop sucré",
        ],
        "demandeurs d'emploi": [
            "trouver du boulot",
            "une formation pour un travail",
            "je cherche un boulot près de chez moi",
        ],
    }.items()
    for text in texts
]


@pytest.fixture
def questions() -> QuestionIndex:
    return QuestionIndex.attach(PASSAGES, QUESTIONS)


def test_a_question_like_several_of_a_passage_s_questions_points_to_that_passage(questions):
    embedder = FakeEmbedder()
    model = questions.model(embedder)
    assert sorted(model.passage_ids) == ["food", "jobs", "school"]
    # No single attached question holds all these words; together, those of "school" do.
    probability = model.probabilities(embedder.embed_query("les élèves sèchent le collège"))
    assert max(probability, key=probability.get) == "school"
    assert sum(probability.values()) == pytest.approx(1.0)
    probability = model.probabilities(embedder.embed_query("cuisiner pour les enfants"))
    assert max(probability, key=probability.get) == "food"


def test_nothing_is_learned_from_the_questions_of_a_single_passage():
    embedder = FakeEmbedder()
    vectors = np.asarray(embedder.embed_documents(["a ?", "b ?"]))
    assert PassageModel.learn(vectors, ["school", "school"]) is None
    assert QuestionIndex.empty().model(embedder) is None


def test_the_model_is_saved_beside_the_vectors_and_read_back_until_the_questions_change(tmp_path, monkeypatch):
    cache = tmp_path / "questions.npz"
    embedder = FakeEmbedder()
    first = QuestionIndex.attach(PASSAGES, QUESTIONS, cache).model(embedder)
    saved = tmp_path / "questions.model.npz"
    assert saved.exists()

    def refit(*args):
        raise AssertionError("learned again")

    monkeypatch.setattr(PassageModel, "learn", refit)
    again = QuestionIndex.attach(PASSAGES, QUESTIONS, cache).model(embedder)
    assert again.passage_ids == first.passage_ids and np.array_equal(again.weights, first.weights)
    with pytest.raises(AssertionError, match="learned again"):  # other questions: learned again
        QuestionIndex.attach(PASSAGES, QUESTIONS[1:], cache).model(embedder)


def test_a_saved_model_is_read_only_under_its_key_and_an_unreadable_file_is_ignored(tmp_path, questions):
    model = questions.model(FakeEmbedder())
    path = tmp_path / "model.npz"
    key = model_key("vectors", questions.passage_ids)
    model.save(path, key)
    assert PassageModel.load(path, key).passage_ids == model.passage_ids
    assert PassageModel.load(path, model_key("other vectors", questions.passage_ids)) is None
    assert PassageModel.load(path, model_key("vectors", questions.passage_ids[1:])) is None
    path.write_bytes(b"not a numpy file")
    assert PassageModel.load(path, key) is None
    assert PassageModel.load(tmp_path / "missing.npz", key) is None


def test_a_model_learned_without_a_passage_s_questions_does_not_know_that_passage(questions):
    school = frozenset(i for i, pid in enumerate(questions.passage_ids) if pid == "school")
    model = questions.model_without(FakeEmbedder(), school)
    assert sorted(model.passage_ids) == ["food", "jobs"]


def test_the_signal_is_zero_for_a_passage_the_model_gives_nothing_and_grows_with_the_probability():
    assert signal(0.0) == 0.0
    assert 0 < signal(passage_model.FLOOR) < signal(0.1) < signal(0.9)


def test_the_retriever_hears_the_model_of_every_candidate(questions, monkeypatch):
    index = SearchIndex(_NoStore(), LexicalIndex.build(PASSAGES), {p.id: p for p in PASSAGES}, None, "", questions)
    mode = RetrievalMode(dense=True, expand=False, rerank=False)
    monkeypatch.setattr(retrieve, "CANDIDATES", 1)  # each voice names one passage
    hits = Retriever(index, FakeEmbedder(), mode).search("les élèves sèchent le collège, ou manger mieux ?", 3)
    said = {h.passage.id: h.signals for h in hits}
    assert said["school"].passage_model == pytest.approx(1 / 11)  # first by the model
    # "food", found by its question's words, is beyond the model's list: still weighed by it.
    assert said["food"].passage_model == 0.0 and said["food"].passage_model_log > 0
    assert said["school"].passage_model_log > said["food"].passage_model_log
    off = RetrievalMode(dense=True, expand=False, rerank=False, questions=False)
    assert all(h.signals.passage_model == h.signals.passage_model_log == 0.0
               for h in Retriever(index, FakeEmbedder(), off).search("les élèves sèchent le collège", 3))


def test_the_ranking_is_learned_on_questions_the_models_were_learned_without(questions, monkeypatch):
    learned_without: dict[int, frozenset[int]] = {}  # id of a model -> the questions it left out

    def recording(method):
        def learned(self, *args):
            model = method(self, *args)
            learned_without[id(model)] = args[-1]
            return model

        return learned

    searched = []
    search = Retriever.search

    def recorded(self, query, k=5, filters=None, exclude_questions=frozenset(), model=None, wording=None, adapter=None):
        searched.append((query, model, wording, adapter))
        return search(
            self, query, k, exclude_questions=exclude_questions, model=model, wording=wording, adapter=adapter
        )

    monkeypatch.setattr(QuestionIndex, "model_without", recording(QuestionIndex.model_without))
    monkeypatch.setattr(QuestionIndex, "wording_model_without", recording(QuestionIndex.wording_model_without))
    monkeypatch.setattr(QuestionIndex, "adapter_without", recording(QuestionIndex.adapter_without))
    monkeypatch.setattr(Retriever, "search", recorded)
    index = SearchIndex(
        _NoStore(), LexicalIndex.build(PASSAGES), {p.id: p for p in PASSAGES}, None, "", questions,
        SentenceIndex.of(PASSAGES),
    )
    found = fusion.cases(Assistant(index, FakeEmbedder(), RetrievalMode(expand=False)))
    assert len(found) == len(QUESTIONS) == len(searched)
    for query, *models in searched:
        own = {i for i, q in enumerate(questions.questions) if q == query}
        assert own and all(own <= learned_without[id(model)] for model in models)
    assert found[0].features.shape[1] == len(ranking.FEATURES)


class _NoStore:
    """A Chroma stand-in that finds nothing by meaning: the tests hear the question voices."""

    name = "none"

    def query(self, vector, k, where=None):
        return []


def test_a_search_that_leaves_questions_out_is_not_given_the_model_that_learned_them(questions):
    index = SearchIndex(_NoStore(), LexicalIndex.build(PASSAGES), {p.id: p for p in PASSAGES}, None, "", questions)
    retriever = Retriever(index, FakeEmbedder(), RetrievalMode(expand=False, rerank=False))
    query = "les élèves sèchent le collège"
    assert retriever.search(query, 3)[0].signals.passage_model > 0  # the index's model
    own = frozenset({0})
    assert all(h.signals.passage_model == 0.0 for h in retriever.search(query, 3, exclude_questions=own))
    without = questions.model_without(FakeEmbedder(), own)
    assert any(h.signals.passage_model > 0 for h in retriever.search(query, 3, exclude_questions=own, model=without))


# The wording model: the same question, learned from the questions' letters.


def test_the_wording_model_knows_a_passage_by_the_letters_of_its_questions(questions):
    model = questions.wording_model()
    assert sorted(model.passage_ids) == ["food", "jobs", "school"]
    # Inflected and misspelt: no word as written in any question, their letters in common.
    for query, passage_id in [("ils sechaient le college", "school"), ("des boulots", "jobs"), ("cuisinez", "food")]:
        probability = model.probabilities(query)
        assert max(probability, key=probability.get) == passage_id, query
        assert sum(probability.values()) == pytest.approx(1.0)


def test_the_wording_model_gives_the_probabilities_of_scikit_learn_s_pipeline(questions):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = questions.wording_model()
    pipeline = make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=passage_model.LETTERS, sublinear_tf=True,
                        min_df=passage_model.MIN_QUESTIONS, preprocessor=folded_lower),
        LogisticRegression(C=passage_model.REGULARISATION, max_iter=3000),
    ).fit(questions.questions, questions.passage_ids)
    for query in ["Les  gamins sèchent-ils le collège ?", "trouver un BOULOT, boulot, boulot", "x", ""]:
        expected = dict(zip(pipeline.classes_, pipeline.predict_proba([query])[0]))
        assert model.probabilities(query) == pytest.approx(expected, abs=1e-5), query


@pytest.mark.parametrize("text", ["les gamins sèchent", "a bc", "  un   mot\tpar\nligne ", "é", ""])
def test_the_letters_are_scikit_learn_s_char_wb_ngrams(text):
    from sklearn.feature_extraction.text import CountVectorizer

    analyse = CountVectorizer(analyzer="char_wb", ngram_range=passage_model.LETTERS, lowercase=False).build_analyzer()
    assert passage_model.letter_ngrams(text) == analyse(text)


def test_nothing_is_learned_from_the_wording_of_a_single_passage():
    assert WordingModel.learn(["a ?", "b ?"], ["school", "school"]) is None
    assert QuestionIndex.empty().wording_model() is None


def test_the_wording_model_is_saved_beside_the_vectors_and_read_back_until_the_questions_change(tmp_path, monkeypatch):
    cache = tmp_path / "questions.npz"
    first = QuestionIndex.attach(PASSAGES, QUESTIONS, cache).wording_model()
    assert (tmp_path / "questions.wording.npz").exists()

    def refit(*args):
        raise AssertionError("learned again")

    monkeypatch.setattr(WordingModel, "learn", refit)
    again = QuestionIndex.attach(PASSAGES, QUESTIONS, cache).wording_model()
    assert again.letters == first.letters and np.array_equal(again.weights, first.weights)
    assert again.probabilities("des boulots") == pytest.approx(first.probabilities("des boulots"))
    with pytest.raises(AssertionError, match="learned again"):  # other questions: learned again
        QuestionIndex.attach(PASSAGES, QUESTIONS[1:], cache).wording_model()


def test_a_saved_wording_model_is_read_only_under_its_key_and_an_unreadable_file_is_ignored(tmp_path, questions):
    model = questions.wording_model()
    path = tmp_path / "wording.npz"
    key = wording_key(questions.questions, questions.passage_ids)
    model.save(path, key)
    assert WordingModel.load(path, key).passage_ids == model.passage_ids
    assert WordingModel.load(path, wording_key(questions.questions[1:], questions.passage_ids[1:])) is None
    assert WordingModel.load(path, wording_key(questions.questions, questions.passage_ids[::-1])) is None
    path.write_bytes(b"not a numpy file")
    assert WordingModel.load(path, key) is None


def test_the_retriever_hears_the_wording_model_and_a_search_leaving_questions_out_only_its_own(questions):
    index = SearchIndex(_NoStore(), LexicalIndex.build(PASSAGES), {p.id: p for p in PASSAGES}, None, "", questions)
    retriever = Retriever(index, FakeEmbedder(), RetrievalMode(dense=False, expand=False, rerank=False))
    query = "ils sechaient le college"  # no word of a passage nor of a question, as written
    first = retriever.search(query, 3)[0]
    assert first.passage.id == "school" and first.signals.wording_model == pytest.approx(1 / 11)
    assert first.signals.wording_model_log > 0
    own = frozenset({0})
    assert all(h.signals.wording_model_log == 0.0 for h in retriever.search(query, 3, exclude_questions=own))
    without = questions.wording_model_without(own)
    hits = retriever.search(query, 3, exclude_questions=own, wording=without)
    assert hits[0].passage.id == "school" and hits[0].signals.wording_model > 0
