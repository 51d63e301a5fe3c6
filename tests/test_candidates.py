import json

import pytest

from assistant.feedback import FeedbackStore
from evals.candidates import import_feedback


def test_thumbs_down_become_candidates_once(tmp_path):
    store = FeedbackStore.in_data_dir(tmp_path / "data")
    citations = [{"n": 1, "id": "x", "source": "s", "location": "l", "quote": "Le PRE", "text": "Le PRE ..."}]
    store.record("c'est quoi le PRE ?", "Le PRE [1]", citations, vote=-1, comment="incomplet")
    store.record("quels axes ?", "Les axes [1]", citations, vote=1)
    export = tmp_path / "negatifs.jsonl"
    assert store.export_negatives(export) == 1
    target = tmp_path / "candidates.jsonl"
    assert import_feedback(export, target) == 1
    assert import_feedback(export, target) == 0  # already there
    (case,) = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert case["question"] == "c'est quoi le PRE ?" and case["type"] == "candidate" and case["evidence"] == []
    assert case["review"]["comment"] == "incomplet" and case["review"]["cited"] == ["Le PRE"]


def test_a_bad_line_is_named(tmp_path):
    export = tmp_path / "negatifs.jsonl"
    export.write_text('{"question": "ok ?"}\nnot json\n', encoding="utf-8")
    with pytest.raises(ValueError, match="ligne 2"):
        import_feedback(export, tmp_path / "candidates.jsonl")
