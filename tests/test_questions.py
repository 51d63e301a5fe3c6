"""Questions attached to the passages that answer them: anchoring, search, saved vectors, data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.index import SearchIndex
from assistant.lexical import LexicalIndex
from assistant.questions import QUESTIONS_FILE, AnchoredQuestion, QuestionIndex, load_questions
from assistant.retrieve import RetrievalMode, Retriever
from ingest.clean import clean_document
from ingest.load import load_document
from ingest.manifest import describe
from ingest.records import Passage
from ingest.split import split_document
from tests.conftest import FakeEmbedder, close_to_gold, gold_words

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "flers-agglo-contrat-de-ville-2024-2030.txt"


def passage(pid: str, text: str, source: str = "contrat.txt") -> Passage:
    return Passage(pid, source, "Contrat", "contrat", "local", "2024", ("Défis",), None, 0, len(text), text)


PASSAGES = [
    passage("school", "Lutter contre le décrochage scolaire avec les collèges du quartier."),
    passage("food", "Favoriser une alimentation plus saine : ateliers cuisine et jardins partagés."),
    passage("other", "Lutter contre le décrochage scolaire.", source="autre-document.txt"),
]
QUESTIONS = [
    AnchoredQuestion("les gamins qui sèchent les cours, on fait quoi ?", "décrochage scolaire", "contrat.txt"),
    AnchoredQuestion("comment aider les familles à mieux manger ?", "alimentation plus saine", "contrat.txt"),
    AnchoredQuestion("une question dont l'ancre a disparu", "texte supprimé du document", "contrat.txt"),
]


@pytest.fixture
def questions() -> QuestionIndex:
    return QuestionIndex.attach(PASSAGES, QUESTIONS)


def test_a_question_goes_to_the_passages_of_its_document_that_hold_its_anchor(questions):
    assert sorted(zip(questions.passage_ids, questions.questions)) == [
        ("food", QUESTIONS[1].question),
        ("school", QUESTIONS[0].question),
    ]  # not "other", another document; not the question whose anchor no passage holds


def test_a_paraphrase_finds_its_passage_through_its_question(questions):
    [match] = questions.search("mon gamin sèche les cours", 5)
    assert (match.passage_id, match.anchor) == ("school", "décrochage scolaire")
    assert match.question == QUESTIONS[0].question and match.score > 0
    assert questions.search("mon gamin sèche les cours", 5, allowed={"food"}) == []
    assert questions.search("ramassage des encombrants", 5) == []


def test_a_passage_ranks_once_by_its_best_question():
    many = [AnchoredQuestion(f"manger mieux, variante {i} ?", "alimentation plus saine", "contrat.txt") for i in range(5)]
    index = QuestionIndex.attach(PASSAGES, [*many, QUESTIONS[0]])
    assert [m.passage_id for m in index.search("manger mieux", 5)] == ["food"]


def test_search_by_meaning_ranks_passages_by_their_closest_question(questions):
    embedder = FakeEmbedder()
    vector = embedder.embed_query("comment aider les familles à mieux manger ?")
    found = questions.search_vector(vector, embedder, 5)
    assert [m.passage_id for m in found] == ["food", "school"]
    assert found[0].score == pytest.approx(1.0, abs=1e-5)
    restricted = questions.search_vector(vector, embedder, 5, allowed={"school"})
    assert [m.passage_id for m in restricted] == ["school"]


def test_vectors_are_saved_and_read_back_until_the_questions_or_the_model_change(tmp_path):
    cache = tmp_path / "questions.npz"
    embedder = FakeEmbedder()
    first = QuestionIndex.attach(PASSAGES, QUESTIONS, cache).vectors(embedder)
    assert embedder.calls == 2 and cache.exists()

    again = QuestionIndex.attach(PASSAGES, QUESTIONS, cache).vectors(embedder)
    assert embedder.calls == 2  # read from the file, not embedded again
    assert (again == first).all()

    new = AnchoredQuestion("des cours de cuisine ?", "alimentation", "contrat.txt")
    changed = QuestionIndex.attach(PASSAGES, [*QUESTIONS[1:], new], cache).vectors(embedder)
    assert embedder.calls == 3  # another question: only it is embedded
    assert (changed[0] == first[1]).all()
    other_model = FakeEmbedder()
    other_model.name = "another-model"
    QuestionIndex.attach(PASSAGES, QUESTIONS[1:], cache).vectors(other_model)
    assert other_model.calls == 1  # another model: every question embedded again


def test_an_unreadable_vector_file_is_replaced(tmp_path):
    cache = tmp_path / "questions.npz"
    cache.write_bytes(b"not a numpy file")
    embedder = FakeEmbedder()
    vectors = QuestionIndex.attach(PASSAGES, QUESTIONS, cache).vectors(embedder)
    assert vectors.shape == (2, embedder.dimension) and embedder.calls == 2
    assert (QuestionIndex.attach(PASSAGES, QUESTIONS, cache).vectors(FakeEmbedder()) == vectors).all()


def test_the_retriever_fuses_the_questions_and_the_ablation_leaves_them_out(questions):
    index = SearchIndex(None, LexicalIndex.build(PASSAGES), {p.id: p for p in PASSAGES}, None, "", questions)
    lexical = RetrievalMode(dense=False, expand=False, rerank=False)
    query = "les gamins sèchent les cours"  # no word of the passage
    hit = Retriever(index, FakeEmbedder(), lexical).search(query)[0]
    assert hit.passage.id == "school"
    assert hit.anchors == ("décrochage scolaire",)  # handed to the answer
    without = RetrievalMode(dense=False, expand=False, rerank=False, questions=False)
    assert Retriever(index, FakeEmbedder(), without).search(query) == []


def test_excluded_questions_are_not_searched_by_words_nor_by_meaning(questions):
    own = questions.questions.index(QUESTIONS[0].question)
    assert questions.search("mon gamin sèche les cours", 5, exclude=frozenset({own})) == []
    embedder = FakeEmbedder()
    vector = embedder.embed_query(QUESTIONS[0].question)
    found = questions.search_vector(vector, embedder, 5, exclude=frozenset({own}))
    assert [m.passage_id for m in found] == ["food"]  # only the other question is left
    assert questions.search_vector(vector, embedder, 5)[0].passage_id == "school"


def test_a_match_carries_the_mean_of_its_passage_s_three_best_questions():
    many = [AnchoredQuestion(f"manger mieux, variante {i} ?", "alimentation plus saine", "contrat.txt") for i in range(2)]
    index = QuestionIndex.attach(PASSAGES, many)
    embedder = FakeEmbedder()
    [match] = index.search_vector(embedder.embed_query("manger mieux, variante 0 ?"), embedder, 5)
    own, other = sorted(index.vectors(embedder) @ embedder.embed_query("manger mieux, variante 0 ?"))[::-1]
    assert match.score == pytest.approx(own)
    assert match.top3 == pytest.approx((own + other + 0.0) / 3)  # a missing third question counts 0


def test_the_retriever_tells_what_each_voice_said_of_a_passage(questions):
    index = SearchIndex(None, LexicalIndex.build(PASSAGES), {p.id: p for p in PASSAGES}, None, "", questions)
    lexical = RetrievalMode(dense=False, expand=False, rerank=False)
    hits = Retriever(index, FakeEmbedder(), lexical).search("décrochage scolaire au collège, les gamins qui sèchent les cours")
    school = next(h for h in hits if h.passage.id == "school").signals
    assert school.lexical == pytest.approx(1 / 11) and school.questions == pytest.approx(1 / 11)  # first of each
    assert school.bm25 == 1.0 and school.question_bm25 == 1.0  # the best of its list
    assert school.question_bm25_top3 == pytest.approx(1 / 3)  # one question of three
    assert school.dense == school.cosine == school.question_vectors == 0.0  # the dense voices are off


# ---------------------------------------------------------------------------- the shipped questions


@pytest.fixture(scope="module")
def shipped_passages() -> list[Passage]:
    document = load_document(ROOT / "corpus" / SOURCE, describe(SOURCE, {}))
    return split_document(clean_document(document))


def test_every_shipped_question_is_anchored_in_a_passage_of_the_shipped_corpus(shipped_passages):
    shipped = load_questions()
    assert len(shipped) > 2000
    index = QuestionIndex.attach(shipped_passages, shipped)
    anchored = set(index.questions)
    missing = [q for q in shipped if q.question not in anchored]
    assert not missing, missing[:5]
    assert len(set(index.passage_ids)) >= 0.95 * len(shipped_passages)


def test_the_shipped_questions_do_not_repeat_the_gold_questions():
    # The gold questions measure retrieval: a question sharing half its words or more with one
    # of them would hand the retriever its answer.
    assert len(gold_words()) > 300
    for question in json.loads(QUESTIONS_FILE.read_text(encoding="utf-8"))["questions"]:
        assert not close_to_gold(question["question"]), question["question"]


def test_an_index_without_questions_searches_nothing_and_embeds_nothing(tmp_path):
    embedder = FakeEmbedder()
    empty = QuestionIndex.attach(PASSAGES, [], tmp_path / "questions.npz")
    assert empty.vectors(embedder).size == 0 and embedder.calls == 0
    assert empty.search("décrochage", 5) == []
    assert empty.search_vector(embedder.embed_query("décrochage"), embedder, 5) == []


def test_the_answer_leads_with_the_words_that_answer_a_question_like_this_one():
    from assistant.answer import AnswerPolicy, ExtractiveAnswerer
    from assistant.records import Hit

    text = (
        "Les jeunes des quartiers décrochent souvent du collège. "
        "Le contrat prévoit un accompagnement des collégiens exclus par les éducateurs."
    )
    found = passage("p", text)
    lexical = LexicalIndex.build([found])
    question = "les jeunes exclus du collège, on fait quoi ?"

    def lead(anchors: tuple[str, ...], bonus: float = AnswerPolicy().anchor_bonus) -> str:
        answerer = ExtractiveAnswerer(lexical, policy=AnswerPolicy(anchor_bonus=bonus))
        return answerer.answer(question, [Hit(1, found, 1.0, anchors)]).sentences[0].text

    anchor = ("accompagnement des collégiens exclus",)
    assert lead(()).startswith("Les jeunes des quartiers")
    assert lead(anchor).startswith("Le contrat prévoit un accompagnement")
    assert lead(anchor, bonus=0.0).startswith("Les jeunes des quartiers")
    # The hint changes what leads, never whether to answer.
    answerer = ExtractiveAnswerer(lexical)
    unrelated = "la recette de la pâte à crêpes ?"
    assert answerer.answer(unrelated, [Hit(1, found, 1.0, anchor)]).refused
