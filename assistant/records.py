"""Typed records of the answering side."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.records import Passage


@dataclass(frozen=True)
class Hit:
    """A passage found for a query, with its rank (1-based) and score (higher is better)."""

    rank: int
    passage: Passage
    score: float

    def to_json(self) -> dict[str, object]:
        """The shape of one ``quartiers search --json`` result (see DESIGN.md)."""
        return {
            "rank": self.rank,
            "id": self.passage.id,
            "source": self.passage.source,
            "location": self.passage.location,
            "score": round(self.score, 6),
            "text": self.passage.text,
        }
