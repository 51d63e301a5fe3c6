"""A blind set's kit, all that the helper session writing it may read, and its screening
(``gold/BLIND_BRIEF.md``).

    python -m evals.blind kit DIR --name refusals17 --letter t --kind refusals
    python -m evals.blind kit DIR --name absent18 --letter u --kind absent
    python -m evals.blind screen evals/gold/refusals17.jsonl

``kit`` writes into ``DIR``: ``BRIEF.md`` (``gold/brief_<kind>.md`` with the set's name and id
letter), ``set.json`` and ``check.py`` (``evals/blind_check.py``, which reads it),
``passages.jsonl`` (the passages of the store of ``QUARTIERS_DATA_DIR``, as the assistant stores
them), ``used_evidence.txt`` (every evidence string of ``gold/*.jsonl``) and
``used_out_of_scope.txt`` or ``used_absent.txt`` (every question of that type), which the checker
keeps the new set apart from.

``screen``, once the set is in ``gold/``, removes the scope examples
(``assistant/data/scope_questions.json``) and the attached questions
(``assistant/data/anchored_questions.json``) that share half their words with one of its questions,
and prints how many: data written for the assistant must not hand it a gold question's answer
(``tests/conftest.py``).  Nothing is printed of the questions.
"""

from __future__ import annotations

import argparse
import json
import shutil
from collections.abc import Iterable
from pathlib import Path
from string import Template

from assistant.questions import QUESTIONS_FILE
from assistant.scope import SCOPE_QUESTIONS_FILE
from evals.blind_check import UNANSWERED, USED
from evals.gold import load_gold, much_alike, words_of
from ingest.records import Passage

GOLD_DIR = Path(__file__).parent / "gold"
CHECKER = Path(__file__).parent / "blind_check.py"


def used(gold_dir: Path = GOLD_DIR) -> dict[str, list[str]]:
    """The file names of the kit's ``used_*.txt`` and their lines, from every gold set."""
    lines: dict[str, list[str]] = {"used_evidence.txt": [], **{file: [] for file in USED.values()}}
    for path in sorted(gold_dir.glob("*.jsonl")):
        for question in load_gold(path):
            lines["used_evidence.txt"] += [" ".join(e.split()) for e in question.evidence]
            for kind, unanswered in UNANSWERED.items():
                if question.type == unanswered:
                    lines[USED[kind]].append(question.question)
    return {file: list(dict.fromkeys(rows)) for file, rows in lines.items()}


def letters_taken(gold_dir: Path = GOLD_DIR) -> set[str]:
    """The first letters of the ids of every gold set."""
    return {q.id[0] for path in gold_dir.glob("*.jsonl") for q in load_gold(path)}


def write_kit(
    folder: Path,
    name: str,
    letter: str,
    kind: str,
    passages: Iterable[Passage],
    gold_dir: Path = GOLD_DIR,
) -> None:
    """Write the kit of the set ``name`` (ids ``<letter>o..``, ``<letter>i..``) into ``folder``."""
    if kind not in UNANSWERED:
        raise ValueError(f"le genre doit être l'un de {', '.join(UNANSWERED)}, pas {kind!r}")
    if (gold_dir / f"{name}.jsonl").exists():
        raise ValueError(f"{name}.jsonl existe déjà dans {gold_dir}")
    if len(letter) != 1 or not letter.isalpha() or letter in letters_taken(gold_dir):
        raise ValueError(f"la lettre {letter!r} doit être une lettre qu'aucun jeu n'emploie")
    folder.mkdir(parents=True, exist_ok=True)
    brief = Template((gold_dir / f"brief_{kind}.md").read_text(encoding="utf-8"))
    (folder / "BRIEF.md").write_text(brief.substitute(name=name, letter=letter), encoding="utf-8")
    setting = {"name": name, "letter": letter, "kind": kind}
    (folder / "set.json").write_text(json.dumps(setting) + "\n", encoding="utf-8")
    shutil.copyfile(CHECKER, folder / "check.py")
    with open(folder / "passages.jsonl", "w", encoding="utf-8") as out:
        for p in passages:
            row = {"id": p.id, "source": p.source, "location": p.location, "text": p.text}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    for file, rows in used(gold_dir).items():
        if file in ("used_evidence.txt", USED[kind]):
            (folder / file).write_text("".join(f"{row}\n" for row in rows), encoding="utf-8")


def screen(
    gold_file: Path, scope_file: Path = SCOPE_QUESTIONS_FILE, questions_file: Path = QUESTIONS_FILE
) -> dict[str, int]:
    """Remove the scope examples and attached questions sharing half their words with a question
    of ``gold_file``; how many of each were removed.  Both files keep their layout."""
    asked = [words_of(q.question) for q in load_gold(gold_file)]
    close = lambda text: any(much_alike(words_of(text), other) for other in asked)
    removed = {}
    examples = json.loads(scope_file.read_text(encoding="utf-8"))
    for key in ("in_scope", "out_of_scope"):
        kept = [q for q in examples[key] if not close(q)]
        removed[key] = len(examples[key]) - len(kept)
        examples[key] = kept
    scope_file.write_text(
        json.dumps(examples, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    attached = json.loads(questions_file.read_text(encoding="utf-8"))
    kept = [q for q in attached["questions"] if not close(q["question"])]
    removed["attached"] = len(attached["questions"]) - len(kept)
    rows = ",\n".join("  " + json.dumps(q, ensure_ascii=False) for q in kept)
    comment = json.dumps(attached["_comment"], ensure_ascii=False)
    layout = f'{{\n "_comment": {comment},\n "questions": [\n{rows}\n ]\n}}\n'
    questions_file.write_text(layout, encoding="utf-8")
    return removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evals.blind", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    kit = commands.add_parser("kit", help="write the kit of a new set")
    kit.add_argument("folder", type=Path)
    kit.add_argument("--name", required=True, help="the set's file name, without .jsonl")
    kit.add_argument("--letter", required=True, help="the first letter of its ids, unused so far")
    kit.add_argument("--kind", required=True, choices=sorted(UNANSWERED))
    screening = commands.add_parser("screen", help="keep the shipped data apart from a new set")
    screening.add_argument("gold_file", type=Path)
    args = parser.parse_args(argv)
    if args.command == "screen":
        if not args.gold_file.is_file():
            parser.error(f"{args.gold_file} introuvable")
        removed = screen(args.gold_file)
        print(
            f"{args.gold_file.name} : retirés {removed['in_scope']} exemples du domaine, "
            f"{removed['out_of_scope']} hors domaine et {removed['attached']} questions rattachées"
        )
        return 0
    from assistant.index import SearchIndex
    from ingest.config import Settings
    from ingest.factory import make_store

    settings = Settings.load()
    passages = SearchIndex.open(settings, make_store(settings)).passages.values()
    if not passages:
        parser.error(
            f"aucun passage sous {settings.data_dir} : lancez d'abord « quartiers ingest »"
        )
    try:
        write_kit(args.folder, args.name, args.letter, args.kind, passages)
    except ValueError as error:
        parser.error(str(error))
    print(
        f"kit de {args.name} écrit dans {args.folder} : "
        "BRIEF.md pour une session qui ne lit que ce dossier"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
