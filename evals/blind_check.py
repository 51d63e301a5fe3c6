"""The checker given with a blind set's brief (``evals/gold/BLIND_BRIEF.md``).

It runs where the helper writing the set works, beside the files of its kit (``evals.blind``):
``set.json`` (the set's name, id letter and kind), ``passages.jsonl``, ``used_evidence.txt`` and
``used_out_of_scope.txt`` or ``used_absent.txt``.  The standard library only: the helper has no
access to the repository.

    python3 check.py        # prints the problems of <name>.jsonl, one a line, or OK

The rules: 100 lines of exactly the gold keys; ids ``<letter>o01..60`` of the set's unanswered type
(``out_of_scope`` or ``absent``, no evidence) then ``<letter>i01..40`` answerable (``paraphrase``,
one evidence string copied from a passage, 3 to 15 words, 20 characters at least, one line); no two
questions sharing half their words (``evals.gold.much_alike``); new facts (no evidence holding or
held by an earlier one, nor sharing 4 words in a row with one); new unanswered questions (none
sharing half its words with an earlier one).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

KEYS = {"id", "question", "evidence", "type", "split", "history"}
UNANSWERED = {"refusals": "out_of_scope", "absent": "absent"}
USED = {"refusals": "used_out_of_scope.txt", "absent": "used_absent.txt"}
RUN = 4  # words in a row that a new evidence may not share with an earlier one


def _folded_words(text: str) -> list[str]:
    """The words of ``text`` in order, accents folded and lower-cased."""
    folded = "".join(
        c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"
    )
    return re.findall(r"\w+", folded.lower())


def words(text: str) -> frozenset[str]:
    """The words of ``text``, accents folded and lower-cased (as ``evals.gold.words_of``)."""
    return frozenset(_folded_words(text))


def alike(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two texts' words share half their union or more (as ``evals.gold.much_alike``)."""
    return len(a & b) * 2 >= len(a | b)


def runs(text: str, n: int = RUN) -> set[tuple[str, ...]]:
    """The runs of ``n`` words in a row of ``text``, folded."""
    sequence = _folded_words(text)
    return {tuple(sequence[i : i + n]) for i in range(len(sequence) - n + 1)}


def problems(
    lines: Sequence[str],
    letter: str,
    kind: str,
    passages: Sequence[str],
    used_evidence: Sequence[str],
    used_questions: Sequence[str],
) -> list[str]:
    """What is wrong with a set's ``lines``; empty when it follows every rule."""
    found: list[str] = []
    rows = []
    for n, line in enumerate(lines, 1):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            found.append(f"line {n}: not JSON ({error})")
            continue
        if not isinstance(row, dict) or set(row) != KEYS:
            found.append(f"line {n}: the keys must be exactly {', '.join(sorted(KEYS))}")
            continue
        rows.append(row)
    expected = [f"{letter}o{k:02d}" for k in range(1, 61)] + [
        f"{letter}i{k:02d}" for k in range(1, 41)
    ]
    if [row["id"] for row in rows] != expected:
        found.append(
            f"100 lines, ids {expected[0]}..{expected[59]} "
            f"then {expected[60]}..{expected[-1]}, in order"
        )
    unanswered = UNANSWERED[kind]
    earlier = [words(q) for q in used_questions]
    earlier_runs = set().union(*(runs(e) for e in used_evidence))
    asked = []
    for row in rows:
        name, question, evidence = row["id"], row["question"], row["evidence"]
        if row["split"] != "test" or row["history"] != []:
            found.append(f'{name}: "split" must be "test" and "history" []')
        if not isinstance(question, str) or not question.strip():
            found.append(f"{name}: empty question")
            continue
        asked.append((name, words(question)))
        if str(name)[1:2] == "o":
            if row["type"] != unanswered or evidence != []:
                found.append(f'{name}: "type" must be "{unanswered}" and "evidence" []')
            if any(alike(words(question), other) for other in earlier):
                found.append(f"{name}: shares half its words with a line of {USED[kind]}")
            continue
        if row["type"] != "paraphrase":
            found.append(f'{name}: "type" must be "paraphrase"')
        if not (isinstance(evidence, list) and len(evidence) == 1 and isinstance(evidence[0], str)):
            found.append(f'{name}: "evidence" must be a list of exactly one string')
            continue
        text = evidence[0]
        if "\n" in text or len(text) < 20 or not 3 <= len(text.split()) <= 15:
            found.append(
                f"{name}: the evidence must be 3 to 15 words, 20 characters at least, one line"
            )
        if not any(text in passage for passage in passages):
            found.append(f"{name}: the evidence is not copied exactly from one passage's text")
        if any(text in e or e in text for e in used_evidence):
            found.append(f"{name}: the evidence holds, or is held by, a line of used_evidence.txt")
        if runs(text) & earlier_runs:
            found.append(
                f"{name}: the evidence shares {RUN} words in a row with a line of used_evidence.txt"
            )
    for i, (first, a) in enumerate(asked):
        for second, b in asked[i + 1 :]:
            if alike(a, b):
                found.append(f"{first} and {second} share half their words")
    evidence = [r["evidence"][0] for r in rows if str(r["id"])[1:2] == "i" and r["evidence"]]
    if len(set(evidence)) != len(evidence):
        found.append("two familiar questions have the same evidence")
    return found


def main(folder: Path) -> int:
    setting = json.loads((folder / "set.json").read_text(encoding="utf-8"))
    name, letter, kind = setting["name"], setting["letter"], setting["kind"]
    path = folder / f"{name}.jsonl"
    if not path.exists():
        print(f"{path.name} is missing")
        return 1
    read = lambda file: [
        line.strip()
        for line in (folder / file).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    passages = [json.loads(line)["text"] for line in read("passages.jsonl")]
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = problems(lines, letter, kind, passages, read("used_evidence.txt"), read(USED[kind]))
    print("\n".join(found) if found else "OK")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(Path(__file__).resolve().parent))
