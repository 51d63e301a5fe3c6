"""From feedback to gold cases: thumbs-down answers become candidates for review.

``quartiers eval --import-feedback EXPORT.jsonl`` (the file written by ``quartiers feedback``)
appends one line per new case to ``evals/gold/candidates.jsonl``.  A candidate has the shape of a
gold question with ``type: "candidate"`` and empty evidence, plus a ``review`` object holding what
the assistant answered and cited and the user's comment.  A person then writes the evidence (or
leaves it empty for a question the documents do not answer), sets the type and the split, and
moves the line to ``questions.jsonl``; candidates are never scored as they are.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

CANDIDATES_PATH = Path(__file__).parent / "gold" / "candidates.jsonl"


def candidate_id(question: str) -> str:
    return "fb-" + hashlib.sha256(" ".join(question.lower().split()).encode()).hexdigest()[:10]


def import_feedback(export: Path, target: Path = CANDIDATES_PATH) -> int:
    """Append the new cases of ``export`` to ``target``; returns how many were added."""
    known = set()
    if target.is_file():
        known = {json.loads(line)["id"] for line in target.read_text(encoding="utf-8").splitlines() if line.strip()}
    added = []
    for number, line in enumerate(export.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            question = str(row["question"]).strip()
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{export}, ligne {number} : avis illisible ({error})") from error
        cid = candidate_id(question)
        if not question or cid in known:
            continue
        known.add(cid)
        added.append({
            "id": cid, "question": question, "evidence": [], "type": "candidate", "split": "dev", "history": [],
            "review": {
                "answer": row.get("answer", ""),
                "cited": [c.get("quote", "") for c in row.get("citations", [])],
                "comment": row.get("comment", ""),
                "time": row.get("time", ""),
            },
        })
    if added:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a", encoding="utf-8") as handle:
            for case in added:
                handle.write(json.dumps(case, ensure_ascii=False) + "\n")
    return len(added)
