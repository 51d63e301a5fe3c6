"""The gold question set: its rules, its evidence against the cleaned corpus, and its loader."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from evals.gold import GOLD_PATH, TYPES, GoldQuestion, load_gold
from ingest.clean import clean_document
from ingest.load import load_document
from ingest.manifest import describe

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "flers-agglo-contrat-de-ville-2024-2030.txt"
UNANSWERABLE = {"out_of_scope", "absent"}


@pytest.fixture(scope="module")
def gold() -> list[GoldQuestion]:
    return load_gold()


@pytest.fixture(scope="module")
def clean_text() -> str:
    """The cleaned corpus text, as the assistant indexes it (built once for the module)."""
    return clean_document(load_document(ROOT / "corpus" / SOURCE, describe(SOURCE, {}))).text


def test_default_path_is_the_packaged_set(gold):
    assert GOLD_PATH == ROOT / "evals" / "gold" / "questions.jsonl"
    assert len(load_gold(GOLD_PATH)) == len(gold)


def test_size_and_unique_ids(gold):
    assert len(gold) >= 80
    ids = [q.id for q in gold]
    assert len(ids) == len(set(ids))
    questions = [q.question.strip().lower() for q in gold if not q.history]
    assert len(questions) == len(set(questions)), "the same question twice"


def test_enough_unanswerable_questions(gold):
    unanswerable = [q for q in gold if not q.answerable]
    assert len(unanswerable) / len(gold) >= 0.15
    counts = Counter(q.type for q in gold)
    assert counts["out_of_scope"] >= 6
    assert counts["absent"] >= 6
    for q in gold:
        if q.type in UNANSWERABLE:
            assert not q.answerable, f"{q.id}: a {q.type} question has evidence"
        elif q.type != "followup":
            assert q.answerable, f"{q.id}: a {q.type} question without evidence"


def test_followups_have_history(gold):
    followups = [q for q in gold if q.type == "followup"]
    assert len(followups) >= 10
    assert all(1 <= len(q.history) <= 2 for q in followups)
    assert all(not q.history for q in gold if q.type != "followup"), "history outside follow-ups"


def test_both_splits_for_each_type(gold):
    assert {q.type for q in gold} <= TYPES
    by_type: dict[str, Counter] = {}
    for q in gold:
        by_type.setdefault(q.type, Counter())[q.split] += 1
    for kind, splits in by_type.items():
        if sum(splits.values()) >= 2:
            assert splits["dev"] and splits["test"], f"{kind}: {dict(splits)}"
            balanced = abs(splits["dev"] - splits["test"]) <= 1
            assert balanced, f"{kind} not stratified: {dict(splits)}"
    assert load_gold(split="dev") and load_gold(split="test")
    assert len(load_gold(split="dev")) + len(load_gold(split="test")) == len(gold)


def test_every_evidence_occurs_in_the_cleaned_corpus(gold, clean_text):
    missing = [(q.id, e) for q in gold for e in q.evidence if e not in clean_text]
    assert not missing, f"evidence not in the cleaned corpus: {missing}"


# Every refusal set shipped, read from the directory: a new set is checked without a list to extend.
# The refusal sets hold 60 questions of other domains, the absent sets 60 inside the contract's
# subjects that the documents do not answer; each 40 familiar answerable ones.
REFUSAL_SETS = sorted(path.name for path in (ROOT / "evals" / "gold").glob("refusals*.jsonl"))
ABSENT_SETS = sorted(path.name for path in (ROOT / "evals" / "gold").glob("absent*.jsonl"))


def test_the_refusal_and_absent_sets_are_all_found():
    assert len(REFUSAL_SETS) >= 8 and "refusals.jsonl" in REFUSAL_SETS
    assert {"absent14.jsonl", "absent15.jsonl", "absent16.jsonl"} <= set(ABSENT_SETS)


@pytest.mark.parametrize(
    ("name", "unanswered"),
    [(name, "out_of_scope") for name in REFUSAL_SETS] + [(name, "absent") for name in ABSENT_SETS],
)
def test_the_refusal_and_absent_sets_load_and_their_evidence_occurs_in_the_cleaned_corpus(
    name, unanswered, clean_text
):
    questions = load_gold(ROOT / "evals" / "gold" / name)
    assert Counter(q.type for q in questions)[unanswered] == 60 and len(questions) == 100
    assert all(q.answerable == (q.type != unanswered) for q in questions)
    missing = [(q.id, e) for q in questions for e in q.evidence if e not in clean_text]
    assert not missing, f"evidence not in the cleaned corpus: {missing}"


def test_evidence_strings_are_distinctive(gold):
    short = [(q.id, e) for q in gold for e in q.evidence if len(e) < 12]
    assert not short, f"evidence shorter than 12 characters: {short}"
    for q in gold:
        assert len(set(q.evidence)) == len(q.evidence), f"{q.id}: duplicate evidence"
        for e in q.evidence:
            assert e == e.strip() and "\n" not in e, f"{q.id}: {e!r}"
            assert 3 <= len(e.split()) <= 15, f"{q.id}: {e!r} is not 3 to 15 words"


def test_answerable_property():
    base = dict(id="x", question="?", type="factual", split="dev")
    assert GoldQuestion(evidence=("un passage précis",), **base).answerable
    assert not GoldQuestion(evidence=(), **base).answerable


GOOD = {
    "id": "q001",
    "question": "c'est quoi le PRE ?",
    "evidence": ["Programme de Réussite Educative"],
    "type": "definition",
    "split": "dev",
    "history": [],
}


def _write(tmp_path: Path, records: list) -> Path:
    path = tmp_path / "questions.jsonl"
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_gold_reads_a_good_file(tmp_path):
    second = dict(GOOD, id="q002", split="test", type="followup", history=["avant ?"])
    questions = load_gold(_write(tmp_path, [GOOD, "", second]))
    assert [q.id for q in questions] == ["q001", "q002"]
    assert questions[0].evidence == ("Programme de Réussite Educative",)
    assert questions[1].history == ("avant ?",)
    assert [q.id for q in load_gold(_write(tmp_path, [GOOD, second]), split="test")] == ["q002"]


@pytest.mark.parametrize(
    "bad, message",
    [
        ("{not json", "invalid JSON"),
        ('["a list"]', "JSON object"),
        ({k: v for k, v in GOOD.items() if k != "evidence"}, "evidence"),
        (dict(GOOD, split="train"), "split"),
        (dict(GOOD, type="trivia"), "type"),
        (dict(GOOD, evidence="Programme de Réussite Educative"), "evidence"),
        (dict(GOOD, history=[3]), "history"),
        (dict(GOOD, question=""), "question"),
        (dict(GOOD, extra=1), "extra"),
        (GOOD, "duplicate id"),
    ],
)
def test_load_gold_names_the_bad_line(tmp_path, bad, message):
    path = _write(tmp_path, [dict(GOOD, id="q000"), GOOD, bad])  # the bad record is on line 3
    with pytest.raises(ValueError, match=r"line 3\b") as caught:
        load_gold(path)
    assert message in str(caught.value)


def test_load_gold_rejects_an_unknown_split_argument():
    with pytest.raises(ValueError, match="split"):
        load_gold(split="train")
