"""The kit of a blind set (evals.blind) and its checker (evals/blind_check.py), run as the helper
runs it: a script copied into a folder, with the standard library only."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from evals.blind import GOLD_DIR, letters_taken, used, write_kit
from evals.blind_check import problems
from tests.conftest import contract_passage

PASSAGES = [
    f"Le quartier numéro {k} reçoit l'action alpha{k} beta{k} gamma{k} des partenaires."
    for k in range(1, 41)
]


def row(id_: str, question: str, evidence: list[str], type_: str) -> dict:
    return {
        "id": id_,
        "question": question,
        "evidence": evidence,
        "type": type_,
        "split": "test",
        "history": [],
    }


def valid_set(letter: str = "z", unanswered: str = "out_of_scope") -> list[dict]:
    """60 unanswered questions and 40 familiar ones, each on its own words and evidence."""
    outside = [
        row(f"{letter}o{k:02d}", f"question {k} sur zz{k} aa{k} bb{k} ?", [], unanswered)
        for k in range(1, 61)
    ]
    familiar = [
        row(
            f"{letter}i{k:02d}",
            f"qui profite de delta{k} epsilon{k} ?",
            [f"l'action alpha{k} beta{k} gamma{k}"],
            "paraphrase",
        )
        for k in range(1, 41)
    ]
    return outside + familiar


def check(
    rows: list[dict], used_evidence=(), used_questions=(), kind="refusals", letter="z"
) -> list[str]:
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    return problems(lines, letter, kind, PASSAGES, list(used_evidence), list(used_questions))


def test_a_set_that_follows_the_rules_passes():
    assert check(valid_set()) == []
    assert check(valid_set(unanswered="absent"), kind="absent") == []


def test_ids_count_and_order_are_checked():
    rows = valid_set()
    assert any("ids" in p for p in check(rows[:-1]))
    assert any("ids" in p for p in check([rows[1], rows[0], *rows[2:]]))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda r: r.update(type="absent"), '"type" must be "out_of_scope"'),
        (lambda r: r.update(evidence=["quelque chose"]), '"type" must be "out_of_scope"'),
        (lambda r: r.update(split="dev"), '"split" must be "test"'),
        (lambda r: r.update(question="  "), "empty question"),
    ],
)
def test_an_unanswered_question_breaking_a_rule_is_named(change, expected):
    rows = valid_set()
    change(rows[4])
    assert [p for p in check(rows) if p.startswith("zo05") and expected in p]


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        (["l'action alpha7 beta7 gamma7", "autre chose encore"], "exactly one string"),
        (["l'action alpha7 beta7 gamma7 des partenaires inventés"], "not copied exactly"),
        (["alpha7 beta7"], "3 to 15 words"),
    ],
)
def test_a_familiar_question_breaking_a_rule_is_named(evidence, expected):
    rows = valid_set()
    rows[66]["evidence"] = evidence  # zi07
    assert [p for p in check(rows) if p.startswith("zi07") and expected in p]


def test_new_facts_and_new_unanswered_questions_are_required():
    rows = valid_set()
    # an earlier evidence held by a new one, one sharing 4 words in a row, an earlier question alike
    assert [
        p
        for p in check(rows, used_evidence=["alpha3 beta3"])
        if p.startswith("zi03") and "holds" in p
    ]
    shared = check(rows, used_evidence=["ici reçoit l'action alpha9 beta9 ailleurs"])
    assert [p for p in shared if p.startswith("zi09") and "4 words in a row" in p]
    alike = check(rows, used_questions=["Question 12 sur ZZ12 aa12 ?"])
    assert [p for p in alike if p.startswith("zo12") and "used_out_of_scope.txt" in p]
    assert [
        p
        for p in check(rows, used_questions=["question 12 sur zz12 aa12"], kind="absent")
        if "used_absent.txt" in p
    ]


def test_near_duplicates_within_the_set_are_named():
    rows = valid_set()
    rows[1]["question"] = rows[0]["question"].replace("?", "!")
    assert "zo01 and zo02 share half their words" in check(rows)
    rows = valid_set()
    rows[61]["evidence"] = rows[60]["evidence"]
    assert "two familiar questions have the same evidence" in check(rows)


def test_lines_that_are_not_gold_rows_are_named():
    lines = ["{not json", json.dumps({"id": "zo01"})]
    found = problems(lines, "z", "refusals", PASSAGES, [], [])
    assert found[0].startswith("line 1: not JSON") and found[1].startswith("line 2: the keys")


def gold_dir(tmp_path: Path) -> Path:
    """A gold folder with the shipped briefs and one small set using the letter "a"."""
    folder = tmp_path / "gold"
    folder.mkdir()
    for brief in GOLD_DIR.glob("brief_*.md"):
        (folder / brief.name).write_text(brief.read_text(encoding="utf-8"), encoding="utf-8")
    earlier = [
        row("ao01", "Quel temps fera-t-il demain ?", [], "out_of_scope"),
        row("ao02", "Combien d'euros pour le PRE ?", [], "absent"),
        row("ai01", "c'est quoi le quartier 5 ?", ["l'action alpha5 beta5 gamma5"], "paraphrase"),
    ]
    (folder / "set1.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in earlier), encoding="utf-8"
    )
    return folder


def test_the_kit_holds_what_the_helper_reads_and_its_checker_runs_alone(tmp_path):
    gold = gold_dir(tmp_path)
    kit = tmp_path / "kit"
    passages = [contract_passage(f"p{k}", text, page=k) for k, text in enumerate(PASSAGES, 1)]
    write_kit(kit, "refusals99", "z", "refusals", passages, gold)
    assert sorted(p.name for p in kit.iterdir()) == [
        "BRIEF.md",
        "check.py",
        "passages.jsonl",
        "set.json",
        "used_evidence.txt",
        "used_out_of_scope.txt",
    ]
    brief = (kit / "BRIEF.md").read_text(encoding="utf-8")
    assert (
        "refusals99.jsonl" in brief and "`zo01`" in brief and "`zi40`" in brief and "$" not in brief
    )
    assert (kit / "used_out_of_scope.txt").read_text(
        encoding="utf-8"
    ) == "Quel temps fera-t-il demain ?\n"
    assert (kit / "used_evidence.txt").read_text(
        encoding="utf-8"
    ) == "l'action alpha5 beta5 gamma5\n"

    def run() -> subprocess.CompletedProcess:
        # -I: isolated, as in the helper's folder, the repository is out of reach
        return subprocess.run(
            [sys.executable, "-I", "check.py"], check=False, cwd=kit, capture_output=True, text=True
        )

    assert run().stdout.strip() == "refusals99.jsonl is missing"
    rows = valid_set()
    (kit / "refusals99.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8"
    )
    result = run()
    # zi05's evidence is the earlier set's: the only problem
    assert result.returncode == 1 and result.stdout.splitlines() == [
        "zi05: the evidence holds, or is held by, a line of used_evidence.txt",
        "zi05: the evidence shares 4 words in a row with a line of used_evidence.txt",
    ]
    rows[64]["evidence"] = ["Le quartier numéro 40 reçoit"]
    (kit / "refusals99.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8"
    )
    assert run().stdout.strip() == "OK" and run().returncode == 0


def test_the_absent_kit_lists_the_earlier_absent_questions(tmp_path):
    gold = gold_dir(tmp_path)
    write_kit(tmp_path / "kit", "absent99", "y", "absent", [], gold)
    assert (tmp_path / "kit" / "used_absent.txt").read_text(
        encoding="utf-8"
    ) == "Combien d'euros pour le PRE ?\n"
    assert "60 absent questions" in (tmp_path / "kit" / "BRIEF.md").read_text(encoding="utf-8")
    assert not (tmp_path / "kit" / "used_out_of_scope.txt").exists()


def test_a_kit_is_refused_for_a_taken_letter_an_existing_set_or_an_unknown_kind(tmp_path):
    gold = gold_dir(tmp_path)
    with pytest.raises(ValueError, match="lettre"):
        write_kit(tmp_path / "kit", "refusals99", "a", "refusals", [], gold)
    with pytest.raises(ValueError, match="existe déjà"):
        write_kit(tmp_path / "kit", "set1", "z", "refusals", [], gold)
    with pytest.raises(ValueError, match="genre"):
        write_kit(tmp_path / "kit", "other99", "z", "recipes", [], gold)


def test_the_shipped_sets_follow_the_id_letters_the_kit_guards():
    taken = letters_taken()
    assert {"a", "c", "s", "t", "u"} <= taken
    assert set(used()) == {"used_evidence.txt", "used_out_of_scope.txt", "used_absent.txt"}


def test_screening_removes_the_data_close_to_a_new_set_and_keeps_the_files_layout(tmp_path):
    gold = tmp_path / "new.jsonl"
    gold.write_text(
        json.dumps(
            row("zo01", "Quelle heure ferme la piscine de Flers dimanche ?", [], "out_of_scope")
        )
        + "\n"
        + json.dumps(
            row(
                "zi01",
                "Le PRE aide-t-il les familles hors QPV ?",
                ["l'action alpha1 beta1 gamma1"],
                "paraphrase",
            )
        )
        + "\n",
        encoding="utf-8",
    )
    scope = tmp_path / "scope.json"
    examples = {
        "_comment": "exemples",
        "in_scope": ["Le PRE aide-t-il les familles hors des QPV ?", "c'est quoi le PRE ?"],
        "out_of_scope": [
            "à quelle heure ferme la piscine de Flers le dimanche ?",
            "recette de crêpes",
        ],
    }
    scope.write_text(json.dumps(examples, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    attached = tmp_path / "attached.json"
    shipped = Path(__file__).parents[1] / "assistant" / "data" / "anchored_questions.json"
    layout = shipped.read_text(encoding="utf-8")
    questions = json.loads(layout)["questions"]
    close = {
        "source": "c.txt",
        "anchor": "hors QPV",
        "question": "le PRE aide t il les familles hors QPV",
    }
    attached.write_text(
        layout.replace("\n ]\n}", ",\n  " + json.dumps(close, ensure_ascii=False) + "\n ]\n}"),
        encoding="utf-8",
    )
    assert len(json.loads(attached.read_text(encoding="utf-8"))["questions"]) == len(questions) + 1

    from evals.blind import screen

    assert screen(gold, scope, attached) == {"in_scope": 1, "out_of_scope": 1, "attached": 1}
    kept = json.loads(scope.read_text(encoding="utf-8"))
    assert kept["in_scope"] == ["c'est quoi le PRE ?"] and kept["out_of_scope"] == [
        "recette de crêpes"
    ]
    assert (
        attached.read_text(encoding="utf-8") == layout
    )  # the shipped questions, as they were written
    assert screen(gold, scope, attached) == {"in_scope": 0, "out_of_scope": 0, "attached": 0}


def test_the_screening_command_names_a_missing_set_file(tmp_path, capsys):
    from evals.blind import main

    with pytest.raises(SystemExit) as exited:
        main(["screen", str(tmp_path / "absent99.jsonl")])
    assert exited.value.code == 2 and "absent99.jsonl introuvable" in capsys.readouterr().err
