"""Feedback store: record votes, read them back, export the 👎 as candidate gold cases (offline)."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest

from assistant.feedback import FILE_NAME, FeedbackStore

CITATIONS = [
    {
        "n": 1,
        "id": "p1",
        "source": "contrat.txt",
        "location": "Gouvernance",
        "quote": "Le comité de pilotage réunit les signataires.",
        "text": "Le comité de pilotage réunit les signataires. Il se réunit une fois par an.",
    }
]


@pytest.fixture
def store(tmp_path) -> FeedbackStore:
    return FeedbackStore.in_data_dir(tmp_path / "data")


def test_creates_the_file_in_the_data_dir(tmp_path, store):
    assert store.path == tmp_path / "data" / FILE_NAME
    assert store.path.is_file()


def test_records_and_reads_back(store):
    up = store.record(
        "qui pilote le contrat ?", "Le comité de pilotage réunit les signataires. [1]", CITATIONS, 1
    )
    down = store.record(
        "c'est quoi le PRE ?", "Réponse fausse [1]", CITATIONS, -1, comment="  hors sujet  "
    )
    rows = store.all()
    assert [row["id"] for row in rows] == [up, down]
    first, second = rows
    assert first["question"] == "qui pilote le contrat ?" and first["vote"] == 1
    assert first["citations"] == CITATIONS  # JSON round trip, accents kept
    assert second["vote"] == -1 and second["comment"] == "hors sujet"
    assert second["time"].endswith("+00:00")  # UTC, ISO 8601


@pytest.mark.parametrize(
    ("given", "stored"), [(True, 1), (False, -1), ("up", 1), ("down", -1), (-1, -1)]
)
def test_accepts_the_usual_forms_of_a_vote(store, given, stored):
    row = store.get(store.record("q", "a", [], given))
    assert row["vote"] == stored


@pytest.mark.parametrize("vote", [0, 2, "peut-être", None])
def test_refuses_an_unknown_vote(store, vote):
    with pytest.raises(ValueError):
        store.record("q", "a", [], vote)


def test_update_and_delete(store):
    row_id = store.record("q", "a", CITATIONS, 1)
    assert store.update(row_id, vote=-1, comment="il manque la CAF")
    assert store.get(row_id)["vote"] == -1
    assert store.get(row_id)["comment"] == "il manque la CAF"
    store.delete(row_id)
    assert store.get(row_id) is None
    assert not store.update(row_id, comment="trop tard")


def test_negatives_only_keeps_thumbs_down(store):
    store.record("bonne", "a", [], 1)
    store.record("mauvaise", "b", CITATIONS, -1, comment="incomplet")
    assert [row["question"] for row in store.negatives()] == ["mauvaise"]


def test_export_negatives_writes_candidate_gold_cases(tmp_path, store):
    store.record("bonne", "a", [], 1)
    store.record(
        "Qui finance l'atelier santé ville ?",
        "Réponse [1]",
        CITATIONS,
        -1,
        comment="pas de montant",
    )
    store.record("et à Saint-Michel ?", "Autre [1]", CITATIONS, -1)
    target = tmp_path / "out" / "negatives.jsonl"
    assert store.export_negatives(target) == 2
    lines = target.read_text(encoding="utf-8").splitlines()
    cases = [json.loads(line) for line in lines]
    assert [set(case) for case in cases] == [
        {"question", "answer", "citations", "comment", "time"}
    ] * 2
    assert cases[0]["question"] == "Qui finance l'atelier santé ville ?"
    assert cases[0]["citations"] == CITATIONS and cases[0]["comment"] == "pas de montant"
    assert "santé" in lines[0]  # written as UTF-8, not \u escapes


def test_export_with_no_negatives_writes_an_empty_file(tmp_path, store):
    target = tmp_path / "negatives.jsonl"
    assert store.export_negatives(target) == 0
    assert target.read_text(encoding="utf-8") == ""


def test_survives_reopening_and_concurrent_writers(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    stores = [FeedbackStore(path) for _ in range(4)]

    def write(store: FeedbackStore, n: int) -> None:
        for i in range(10):
            store.record(f"question {n}-{i}", "réponse", CITATIONS, -1 if i % 2 else 1)

    threads = [threading.Thread(target=write, args=(s, n)) for n, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reopened = FeedbackStore(path)
    assert len(reopened.all()) == 40
    assert len(reopened.negatives()) == 20
    with sqlite3.connect(path) as db:  # a plain SQLite file other tools can read
        assert db.execute("SELECT count(*) FROM feedback").fetchone()[0] == 40
