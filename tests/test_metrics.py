from assistant.records import Answer, Citation, Sentence
from evals.metrics import answer_metrics, first_relevant_rank, retrieval_metrics
from ingest.records import Passage


def test_retrieval_metrics():
    rankings = [["a b", "c evidence d"], ["evidence here", "x"], ["x", "y"]]
    evidences = [["evidence"], ["evidence"], ["evidence"]]
    m = retrieval_metrics(rankings, evidences)
    assert m["hit@1"] == 1 / 3 and m["hit@3"] == 2 / 3
    assert abs(m["mrr"] - (0.5 + 1) / 3) < 1e-9
    assert first_relevant_rank(["a  b\nc"], ["b c"]) == 1  # whitespace is collapsed


def _answer(text: str, quote: str, refused: bool = False) -> Answer:
    p = Passage("p", "s", "t", "k", "local", "", (), None, 0, len(text), text)
    if refused:
        return Answer("q", (), (), True, "extractive", 10.0)
    return Answer("q", (Sentence(quote, (1,)),), (Citation(1, p, quote),), False, "extractive", 20.0)


def test_answer_metrics_crag_and_refusals():
    answers = [
        _answer("le PRE aide les jeunes", "le PRE aide les jeunes"),  # answerable, right: +1
        _answer("autre chose", "autre chose"),  # answerable, wrong: -1
        _answer("", "", refused=True),  # unanswerable, refused: +1
        _answer("invention", "pas dans le passage"),  # unanswerable, answered: -1, unsupported
    ]
    m = answer_metrics(answers, [["PRE aide"], ["budget"], [], []])
    assert m["crag_score"] == 0.0
    assert m["refusal_accuracy"] == 3 / 4 and m["false_refusal_rate"] == 0.0
    assert m["citation_recall"] == 2 / 3 and m["quotes_in_passage"] == 2 / 3
    assert m["evidence_cited"] == 0.5


def test_llm_sentences_are_judged_by_words_and_numbers():
    from evals.metrics import supports

    passage = "La convention pluriannuelle avec l'ANRU a été signée le 9 juillet 2020."
    assert supports("La convention avec l'ANRU a été signée en juillet 2020", passage, "llm")
    assert not supports("La convention avec l'ANRU a été signée en juillet 2021", passage, "llm")
    assert not supports("Le budget du contrat atteint douze millions d'euros", passage, "llm")
    assert not supports("La convention avec l'ANRU a été signée en juillet 2020", passage, "extractive")
