"""The learned ranking: its features, its order, its weights file, and how they are learned."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from assistant import ranking
from assistant.index import SearchIndex
from assistant.learned import fingerprint, read_weights
from assistant.lexical import LexicalIndex
from assistant.questions import QUESTIONS_FILE, AnchoredQuestion, QuestionIndex
from assistant.records import Hit, Signals
from assistant.retrieve import RetrievalMode
from assistant.service import Assistant
from evals import fusion
from tests.conftest import FakeEmbedder
from tests.conftest import contract_passage as passage


def hit(pid: str, rank: int = 1, **said: float) -> Hit:
    return Hit(rank, passage(pid, f"Le passage {pid}."), 0.0, (), Signals(**said))


def test_the_features_are_the_voices_signals_the_coverage_and_the_length():
    one = hit("a", dense=0.1, lexical=0.2, questions=0.3, question_vectors=0.4, cosine=0.5, bm25=0.6,
              question_bm25=0.7, question_cosine=0.8, question_bm25_top3=0.9, question_cosine_top3=1.0,
              passage_model=1.1, passage_model_log=1.2, wording_model=1.3, wording_model_log=1.4,
              sentences=1.5, sentence_cosine=1.6)
    assert ranking.features(one, 0.25) == pytest.approx(
        (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 0.25,
         math.log(len("Le passage a.")))
    )
    assert len(ranking.features(one, 0.0)) == len(ranking.FEATURES)


def test_the_order_follows_the_weighted_features_and_renumbers_the_ranks():
    weights = [0.0] * len(ranking.FEATURES)
    weights[ranking.FEATURES.index("questions")] = 2.0
    weights[ranking.FEATURES.index("coverage")] = 1.0
    hits = [hit("lexical", 1, lexical=0.1), hit("question", 2, questions=0.1), hit("covered", 3)]
    ordered = ranking.order(hits, {"covered": 0.15}, weights)
    assert [h.passage.id for h in ordered] == ["question", "covered", "lexical"]
    assert [h.rank for h in ordered] == [1, 2, 3]
    assert [h.score for h in ordered] == pytest.approx([0.2, 0.15, 0.0])
    tied = ranking.order(hits, {}, [0.0] * len(ranking.FEATURES))
    assert [h.passage.id for h in tied] == ["lexical", "question", "covered"]  # the fusion's order


def test_the_shipped_weights_name_every_feature_and_were_learned_without_gold():
    learned = json.loads(ranking.RANKING_FILE.read_text(encoding="utf-8"))
    assert list(learned["weights"]) == list(ranking.FEATURES)
    assert ranking.default_weights() == tuple(learned["weights"].values())
    assert learned["command"] == "python -m evals.fusion --write"
    # Learned on the shipped questions: after changing them, run the command again.
    assert learned["learned_from"] == fingerprint(QUESTIONS_FILE)


def test_a_weights_file_that_does_not_name_the_features_in_order_is_refused_by_name(tmp_path):
    path = tmp_path / "ranking.json"
    path.write_text(json.dumps({"weights": {"b": 2.0, "a": 1.0}}), encoding="utf-8")
    assert read_weights(path, ["b", "a"]) == (2.0, 1.0)
    for names in (["a", "b"], ["b"], ["b", "a", "c"]):
        with pytest.raises(ValueError, match="ranking.json"):
            read_weights(path, names)


# -------------------------------------------------------------------------- learning the weights


def case(right: list[bool], informative: list[float], noise: list[float]) -> fusion.Case:
    """A question whose right candidates stand out on one feature and not on another."""
    features = np.zeros((len(right), len(ranking.FEATURES)))
    features[:, 0] = informative
    features[:, 1] = noise
    return fusion.Case("q", features, np.array(right), np.array(noise))


def test_fitting_learns_the_feature_that_tells_the_right_passage():
    rng = np.random.default_rng(0)
    cases = []
    for _ in range(40):
        right = [True, False, False, False]
        informative = [1.0, *rng.uniform(0.0, 0.9, 3)]
        cases.append(case(right, informative, list(rng.uniform(0.0, 1.0, 4))))
    weights = fusion.fit(cases)
    assert weights[0] > 0 and abs(weights[1]) < weights[0] / 2
    figures = fusion.cross_validate(cases)
    assert figures["learned"]["mrr"] == 1.0 and figures["learned"]["hit@1"] == 1.0
    assert figures["hand"]["mrr"] < 0.9  # the "hand" scores here are the noise


def test_rank_figures_count_the_first_right_candidate():
    scored = [(np.array([0.9, 0.5]), np.array([False, True])), (np.array([0.1, 0.2]), np.array([False, False]))]
    assert fusion.rank_figures(scored) == {"mrr": 0.25, "hit@1": 0.0}


def test_each_question_is_searched_without_itself_and_its_near_duplicates():
    passages = [
        passage("school", "Lutter contre le décrochage scolaire avec les collèges du quartier."),
        passage("food", "Favoriser une alimentation plus saine : ateliers cuisine et jardins partagés."),
    ]
    questions = [
        AnchoredQuestion("le décrochage des gamins qui sèchent les cours, on fait quoi ?", "décrochage scolaire", "contrat.txt"),
        AnchoredQuestion("le décrochage des gamins qui sèchent les cours, que fait-on ?", "décrochage scolaire", "contrat.txt"),
        AnchoredQuestion("des ateliers pour une alimentation saine ?", "alimentation plus saine", "contrat.txt"),
    ]
    index = SearchIndex(None, LexicalIndex.build(passages), {p.id: p for p in passages}, None, "",
                        QuestionIndex.attach(passages, questions))
    assistant = Assistant(index, FakeEmbedder(), RetrievalMode(dense=False, expand=False))
    found = {c.question: c for c in fusion.cases(assistant)}
    assert len(found) == 3
    sechent = found[questions[0].question]
    column = ranking.FEATURES.index("questions")
    # Its twin shares half its words or more: both are left out, so only the passage's own words
    # find "school"; searched as is, the question voice finds it too.
    assert sechent.right.tolist() == [True] and sechent.features[0, column] == 0.0
    assert assistant.retriever.search(questions[0].question)[0].signals.questions > 0
    manger = found[questions[2].question]
    assert manger.right.tolist() == [True] and manger.features[0, ranking.FEATURES.index("lexical")] > 0


def test_the_assistant_orders_its_candidates_by_the_learned_ranking():
    passages = [
        passage("school", "Lutter contre le décrochage scolaire avec les collèges du quartier."),
        passage("food", "Favoriser une alimentation plus saine : ateliers cuisine et jardins partagés."),
    ]
    index = SearchIndex(None, LexicalIndex.build(passages), {p.id: p for p in passages}, None, "",
                        QuestionIndex.empty())
    assistant = Assistant(index, FakeEmbedder(), RetrievalMode(dense=False, expand=False))
    hits = assistant.search("décrochage scolaire", 5)
    coverage = assistant.answerer.answering_coverage("décrochage scolaire", hits)
    weights = ranking.default_weights()
    expected = sum(w * x for w, x in zip(weights, ranking.features(hits[0], coverage.get("school", 0.0))))
    assert hits[0].passage.id == "school" and hits[0].score == pytest.approx(expected)
