"""Units: the sentences and list items of a passage, each located exactly in its text.

A unit is what the extractive answer quotes (``assistant.answer``), what is embedded to find
sentences by meaning (``assistant.sentences``) and what a generated sentence is checked against
(``assistant.grounding``).  A line opened by ``- `` is a list item, the dash not part of it; the
other lines are cut into sentences.  Blank lines separate blocks: the unit before another in the
same block is its lead-in ("Des axes transversaux :" before its items).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from assistant.lexical import tokenize
from assistant.records import Hit

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«\"(]?[A-ZÀ-ÖØ-Þ0-9])")


@dataclass(frozen=True)
class Unit:
    """A sentence or list item of a passage, located exactly in its text; ``coverage`` and
    ``score`` are set when the answerer weighs it against a question (``assistant.answer``)."""

    hit: Hit
    start: int
    end: int
    is_item: bool
    block: int  # index of the block (paragraph or list) inside the passage
    coverage: float = 0.0
    score: float = 0.0

    @property
    def text(self) -> str:
        return self.hit.passage.text[self.start : self.end]


def units_of(hit: Hit) -> list[Unit]:
    """Cut a passage into units; the ``- `` of a list item is not part of the unit."""
    text = hit.passage.text
    units: list[Unit] = []
    block, pos = 0, 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if not line.strip():
            block += 1
            continue
        if line.startswith("- "):
            units.append(Unit(hit, start + 2, start + len(line.rstrip()), True, block))
            continue
        offset = start
        for piece in _SENTENCE_END.split(line):
            at = text.index(piece, offset)
            if piece.strip():
                units.append(Unit(hit, at, at + len(piece.rstrip()), False, block))
            offset = at + len(piece)
    return units


def in_context(hits: Sequence[Hit]) -> Iterator[tuple[Unit, set[str], set[str]]]:
    """Each unit of the hits with its tokens and its context's: the passage's section path and
    the unit before it in the same block."""
    for hit in hits:
        heading = set(tokenize(" ".join(hit.passage.section)))
        for unit, previous in with_previous(hit):
            context = heading | set(tokenize(previous.text)) if previous else set(heading)
            yield unit, set(tokenize(unit.text)), context


def with_lead_ins(units: Sequence[Unit]) -> dict[tuple[str, int], str]:
    """The text of each unit of ``units``' passages after the unit before it in the same block (its
    lead-in, if any), by (passage id, unit start)."""
    led = {}
    for hit in {unit.hit.passage.id: unit.hit for unit in units}.values():
        for unit, previous in with_previous(hit):
            led[hit.passage.id, unit.start] = (previous.text if previous else "") + " " + unit.text
    return led


def with_previous(hit: Hit) -> Iterator[tuple[Unit, Unit | None]]:
    """Each unit of the hit's passage with the unit before it in the same block (None first)."""
    previous: Unit | None = None
    for unit in units_of(hit):
        yield unit, previous if previous is not None and previous.block == unit.block else None
        previous = unit


def is_heading(unit: Unit) -> bool:
    """Whether ``unit`` is a heading of its passage's section path."""
    return " ".join(unit.text.split()) in unit.hit.passage.section


def overlaps(unit: Unit, chosen: list[Unit]) -> bool:
    """Whether ``unit`` shares a stretch of its passage's text with one of ``chosen``."""
    return any(u.hit is unit.hit and u.start < unit.end and unit.start < u.end for u in chosen)
