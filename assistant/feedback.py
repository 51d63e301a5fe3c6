"""Feedback on answers (👍/👎 and an optional comment), kept in SQLite beside the indexes.

One row per vote on one answer: the question, the answer text, its citations (JSON, the shape of
``quartiers ask --json``), the vote (+1 or -1), an optional comment and the UTC time.  The web
app records a row on the first vote, then updates it (vote changed, comment added) or deletes it
(vote withdrawn).  ``export_negatives`` turns the 👎 rows into candidate gold cases (JSONL) for a
person to review before they join ``evals/gold``.

Every call opens its own short connection: the web app calls from several worker threads.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

FILE_NAME = "feedback.sqlite3"
UP, DOWN = 1, -1
MAX_COMMENT_CHARS = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    time      TEXT    NOT NULL,              -- ISO 8601, UTC
    question  TEXT    NOT NULL,
    answer    TEXT    NOT NULL,
    citations TEXT    NOT NULL DEFAULT '[]', -- JSON list
    vote      INTEGER NOT NULL CHECK (vote IN (1, -1)),
    comment   TEXT    NOT NULL DEFAULT ''
)
"""
_COLUMNS = "id, time, question, answer, citations, vote, comment"


def _vote(vote: int | bool | str) -> int:
    """+1 or -1 from the forms a caller may hold: 1/-1, True/False, "up"/"down"."""
    if isinstance(vote, bool):
        return UP if vote else DOWN
    if isinstance(vote, str):
        lowered = vote.strip().lower()
        if lowered in {"up", "like", "+1", "1"}:
            return UP
        if lowered in {"down", "dislike", "-1"}:
            return DOWN
    elif vote in (UP, DOWN):
        return int(vote)
    raise ValueError(f"vote inconnu : {vote!r} (attendu : 1 ou -1)")


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class FeedbackStore:
    """The feedback table of one SQLite file (created on first use)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)

    @classmethod
    def in_data_dir(cls, data_dir: Path | str) -> FeedbackStore:
        """The store at ``<data_dir>/feedback.sqlite3``."""
        return cls(Path(data_dir) / FILE_NAME)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        db.row_factory = sqlite3.Row
        try:
            with db:  # commit, or roll back on error
                yield db
        finally:
            db.close()

    def record(
        self,
        question: str,
        answer: str,
        citations: Sequence[dict] = (),
        vote: int | bool | str = DOWN,
        comment: str = "",
        time: str | None = None,
    ) -> int:
        """Store one vote on one answer; returns the row id (for ``update``/``delete``)."""
        with self._connect() as db:
            cursor = db.execute(
                f"INSERT INTO feedback ({_COLUMNS.removeprefix('id, ')}) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    time or utc_now(),
                    question,
                    answer,
                    json.dumps(list(citations), ensure_ascii=False),
                    _vote(vote),
                    comment.strip()[:MAX_COMMENT_CHARS],
                ),
            )
            return int(cursor.lastrowid)

    def update(
        self, feedback_id: int, *, vote: int | bool | str | None = None, comment: str | None = None
    ) -> bool:
        """Change the vote and/or the comment of a row; False when the row does not exist."""
        changes, values = [], []
        if vote is not None:
            changes.append("vote = ?")
            values.append(_vote(vote))
        if comment is not None:
            changes.append("comment = ?")
            values.append(comment.strip()[:MAX_COMMENT_CHARS])
        if not changes:
            return self.get(feedback_id) is not None
        with self._connect() as db:
            cursor = db.execute(
                f"UPDATE feedback SET {', '.join(changes)} WHERE id = ?", (*values, feedback_id)
            )
            return cursor.rowcount > 0

    def delete(self, feedback_id: int) -> None:
        """Forget a vote (the user withdrew it)."""
        with self._connect() as db:
            db.execute("DELETE FROM feedback WHERE id = ?", (feedback_id,))

    def get(self, feedback_id: int) -> dict | None:
        with self._connect() as db:
            row = db.execute(
                f"SELECT {_COLUMNS} FROM feedback WHERE id = ?", (feedback_id,)
            ).fetchone()
        return _as_dict(row) if row else None

    def all(self) -> list[dict]:
        """Every row, oldest first."""
        with self._connect() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM feedback ORDER BY id").fetchall()
        return [_as_dict(row) for row in rows]

    def negatives(self) -> list[dict]:
        """The 👎 rows, oldest first, each a dict of the table's columns (citations decoded)."""
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM feedback WHERE vote = ? ORDER BY id", (DOWN,)
            ).fetchall()
        return [_as_dict(row) for row in rows]

    def export_negatives(self, path: Path | str) -> int:
        """Write the 👎 rows as JSONL candidate gold cases; returns how many were written.

        One object per line: ``{"question", "answer", "citations", "comment", "time"}``.
        """
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        negatives = self.negatives()
        with target.open("w", encoding="utf-8") as handle:
            for row in negatives:
                case = {
                    key: row[key] for key in ("question", "answer", "citations", "comment", "time")
                }
                handle.write(json.dumps(case, ensure_ascii=False) + "\n")
        return len(negatives)


def _as_dict(row: sqlite3.Row) -> dict:
    data = dict(row)
    try:
        data["citations"] = json.loads(data["citations"])
    except (TypeError, ValueError):
        data["citations"] = []
    return data
