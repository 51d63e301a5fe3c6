"""Grounding checks for LLM answers: is each sentence backed by the passages it cites?

An LLM answer is parsed into *claims* (``parse_claims``): sentences and list items, each with the
passage numbers of its ``[n]`` markers (``[1][2]``, ``[1, 2]`` and ``[1,2]`` all read as 1 and 2).
``GroundingChecker.check`` then runs, in order, and stops at the first failure:

1. ``no_marker``: the sentence cites no passage;
2. ``unknown_marker``: a marker points at no passage given to the model;
3. ``number_not_in_source``: a number (``1 362``, ``20 %``, ``2024-2030``) or a date
   (``9 juillet 2020``) of the sentence is not in the cited passages, their location or document
   title (spaces, no-break spaces, thousands separators normalised; ``20 %`` needs a ``%``);
4. ``unsupported``: the share of the sentence's content words (``assistant.lexical.tokenize``
   minus framing words such as "selon", "prévoit", "notamment") found in the cited passages is
   below ``min_support``.

``best_quote``, the citation's quote, is the unit (``assistant.units.units_of``), pair of units or
block of a cited passage sharing the most content words with the sentence.

``DEFAULT_MIN_SUPPORT`` is calibrated in ``tests/test_grounding.py`` (supported paraphrases against
invented sentences reusing passage words): support over the whole cited passages separated them
better than over the best unit, pair or block.  No lexical check sees a contradiction written with
the passage's words.  Text addressed to the model ("Ignorez les instructions...") is not evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise

from assistant.lexical import fold, tokenize
from assistant.records import Hit
from assistant.units import Unit, units_of
from ingest.records import Passage

DEFAULT_MIN_SUPPORT = 0.83  # calibrated in tests/test_grounding.py (see test_calibration)

_MARKER = re.compile(r"\[\s*(?:passages?\s*)?(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*\]", re.IGNORECASE)
_MARKERS = r"(?:\s*\[\s*(?:[Pp]assages?\s*)?\d{1,3}(?:\s*[,;]\s*\d{1,3})*\s*\])+"
# A sentence ends at punctuation (optionally followed by its markers) or at markers (optionally
# followed by punctuation), when the next sentence starts: the boundary never moves as text is
# appended, so streamed text can be cut the same way as the whole text.
_BOUNDARY = re.compile(
    rf"(?:[.!?…]+[»\")]*(?:{_MARKERS})?\.?|(?:{_MARKERS})[.!?…]*)(?=\s+[«\"(]?[A-ZÀ-ÖØ-Þ0-9])"
)
_BULLET = re.compile(r"^\s*(?:[-*•–—]|\d{1,2}[.)])\s+")
_EMPHASIS = re.compile(r"\*\*|__|`")
_SPACE_BEFORE = re.compile(r"\s+([.,;])")
_WORDISH = re.compile(r"[^\W_]")
_SPACES = re.compile(r"[\u00a0\u202f\u2009\u2007\s]+")
_THOUSANDS = re.compile(r"(?<![\d,.])(\d{1,3})((?:[ .]\d{3})+)(?![\d]|[.,]\d)")
_NUMBER = re.compile(r"(?<![\d,])(\d+(?:,\d+)?)(?:\s*(%|pour ?cent))?")
_MONTH = "janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre"
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:er)?\s+({_MONTH})\b")
_MONTH_YEAR = re.compile(rf"\b({_MONTH})\s+(\d{{4}})\b")
_NUMBER_WORDS = {w: n for n, w in enumerate(("deux", "trois", "quatre", "cinq", "six", "sept",
                                              "huit", "neuf", "dix"), 2)}  # fmt: skip

# Text addressed to a model rather than stating a fact (a prompt injection planted in a document).
_INSTRUCTION = re.compile(
    r"\b(ignore[rz]?|oublie[rz]?|ne tenez pas compte|disregard|forget)\b[^.!?\n]{0,60}"
    r"\b(instructions?|consignes?|règles|rules|prompt)\b"
    r"|\b(réponds|répondez|answer|respond)\s+(uniquement|seulement|exactement|only)\b"
    r"|\b(you are now|tu es désormais|vous êtes désormais|system prompt|prompt système)\b",
    re.IGNORECASE,
)
# Words that frame a statement ("selon le passage, le contrat prévoit...") without adding a fact.
_FRAMING = frozenset(tokenize(
    "selon passage passages document documents texte indique indiquent précise précisent "
    "mentionne mentionnent prévoit prévoient vise visent concerne concernent permet permettent "
    "comprend comprennent inclut incluent figure figurent parmi notamment également ainsi"
))  # fmt: skip


@dataclass(frozen=True)
class Claim:
    """One sentence or list item of an LLM answer, without its markers."""

    text: str
    markers: tuple[int, ...]
    bullet: bool = False

    def render(self) -> str:
        """The claim as the model wrote it (markers at the end), for ``Answer.dropped``."""
        return f"{self.text} {''.join(f'[{n}]' for n in self.markers)}".rstrip()


@dataclass(frozen=True)
class Verdict:
    """The outcome of the checks for one sentence."""

    ok: bool
    reason: str  # "ok", "no_marker", "unknown_marker", "number_not_in_source", "unsupported"
    support: float  # share of the sentence's content words found in the cited passages
    best_quote: str  # the span of a cited passage closest to the sentence (exact substring)
    source: int | None = None  # the marker of the passage holding best_quote
    detail: str = ""  # e.g. the numbers not found


def parse_claims(text: str) -> list[Claim]:
    """Cut an LLM answer into claims: one per list item, one per sentence elsewhere."""
    claims: list[Claim] = []
    for raw in text.split("\n"):
        line = _EMPHASIS.sub("", raw)
        bullet = _BULLET.match(line)
        for piece in [line[bullet.end() :]] if bullet else _pieces(line):
            _add_piece(claims, piece, bool(bullet))
    return claims


def split_sentences(text: str) -> list[tuple[str, list[int]]]:
    """The sentences of an LLM answer, each with the passage numbers it cites."""
    return [(c.text, list(c.markers)) for c in parse_claims(text)]


def complete_prefix(buffer: str) -> int:
    """Length of the prefix of a streamed ``buffer`` made of complete claims only.

    Complete lines are complete; in the last (unfinished) line, everything up to the last
    sentence boundary is, except in a list item, which ends only with its line.
    """
    line_start = buffer.rfind("\n") + 1
    last_line = _EMPHASIS.sub("", buffer[line_start:])
    if _BULLET.match(last_line) or len(last_line) != len(buffer) - line_start:
        return line_start  # a list item, or emphasis shifting offsets: wait for the line end
    ends = _ends(last_line)
    return line_start + (ends[-1] if ends else 0)


def _ends(line: str) -> list[int]:
    """Sentence ends in a line; markers opening a sentence ("[1] Le PRE...") stay with it."""
    ends, start = [], 0
    for match in _BOUNDARY.finditer(line):
        if _WORDISH.search(_MARKER.sub("", line[start : match.end()])):
            ends.append(start := match.end())
    return ends


def _pieces(line: str) -> list[str]:
    cuts = [0, *_ends(line), len(line)]
    return [line[a:b] for a, b in pairwise(cuts)]


def _add_piece(claims: list[Claim], piece: str, bullet: bool) -> None:
    markers = tuple(int(n) for group in _MARKER.findall(piece) for n in re.split(r"[,;]", group))
    text = _SPACE_BEFORE.sub(r"\1", " ".join(_MARKER.sub(" ", piece).split())).strip()
    if _WORDISH.search(text):
        claims.append(Claim(text, tuple(dict.fromkeys(markers)), bullet))
    elif markers and claims:  # markers alone ("Phrase. [1]" cut apart): they close the claim before
        last = claims[-1]
        claims[-1] = Claim(last.text, tuple(dict.fromkeys(last.markers + markers)), last.bullet)


def strip_markers(text: str) -> str:
    return " ".join(_MARKER.sub(" ", text).split())


class GroundingChecker:
    """Checks that a sentence is backed by the passages it cites."""

    def __init__(self, min_support: float = DEFAULT_MIN_SUPPORT) -> None:
        self.min_support = min_support

    def check(
        self, sentence: str, markers: Sequence[int], passages: Mapping[int, Passage]
    ) -> Verdict:
        """Run the checks in order; the first failure gives the verdict's reason."""
        text = strip_markers(sentence)
        if not markers:
            return Verdict(False, "no_marker", 0.0, "")
        unknown = [n for n in markers if n not in passages]
        if unknown:
            return Verdict(False, "unknown_marker", 0.0, "", detail=str(unknown))
        cited = {n: passages[n] for n in dict.fromkeys(markers)}
        missing = missing_figures(text, cited.values())
        if missing:
            return Verdict(False, "number_not_in_source", 0.0, "", detail=", ".join(missing))
        support, quote, source = best_support(text, cited)
        ok = support >= self.min_support
        return Verdict(ok, "ok" if ok else "unsupported", support, quote, source)

    def quote_for(self, sentence: str, passage: Passage) -> tuple[float, str]:
        """The span of ``passage`` closest to ``sentence``, and the passage's support for it."""
        support, quote, _ = best_support(strip_markers(sentence), {0: passage})
        return support, quote


def needed_markers(
    sentence: str, markers: Sequence[int], passages: Mapping[int, Passage]
) -> list[int]:
    """The markers worth keeping: the best-supporting passage, then those that add words to it."""
    wanted = content_tokens(strip_markers(sentence))
    shared = {n: wanted & _tokens(evidence(passages[n])) for n in markers}
    kept, covered = [], set()
    for n in sorted(markers, key=lambda n: -len(shared[n])):
        if not kept or shared[n] - covered:
            kept.append(n)
            covered |= shared[n]
    return [n for n in markers if n in kept]


def content_tokens(text: str) -> set[str]:
    """The tokens a sentence must find in its source: index tokens minus framing words."""
    return set(tokenize(text)) - _FRAMING


def best_support(text: str, cited: Mapping[int, Passage]) -> tuple[float, str, int | None]:
    """(support, quote, marker): the share of the sentence's content words found in the cited
    passages, and the span of one of them sharing the most words with it (see ``_spans``)."""
    wanted = content_tokens(text)
    if not wanted:
        return 0.0, "", None
    found = wanted & set().union(*(_tokens(evidence(p)) for p in cited.values()))
    quote: tuple[int, str, int | None] = (-1, "", None)
    for n, passage in cited.items():
        for span in _spans(passage):
            shared = len(wanted & set().union(*(_tokens(u.text) for u in span)))
            text_ = passage.text[span[0].start : span[-1].end]
            # Equal overlap: the shorter quote is the better one.
            if (shared, -len(text_)) > (quote[0], -len(quote[1])):
                quote = (shared, text_, n)
    return len(found) / len(wanted), quote[1], quote[2]


@lru_cache(maxsize=4096)
def _spans(passage: Passage) -> tuple[tuple[Unit, ...], ...]:
    """Each unit, each pair of adjacent units, each block (paragraph or list) of a passage."""
    kept = evidence(passage)
    every = [u if kept[u.start : u.end].strip() else None for u in units_of(Hit(1, passage, 0.0))]
    units = [u for u in every if u is not None]
    pairs = [(a, b) for a, b in pairwise(every) if a is not None and b is not None]
    blocks: dict[int, list[Unit]] = {}
    for unit in units:
        blocks.setdefault(unit.block, []).append(unit)
    return (*((u,) for u in units), *pairs, *(tuple(b) for b in blocks.values() if len(b) > 2))


@lru_cache(maxsize=4096)
def evidence(passage: Passage) -> str:
    """The passage text with instructions blanked (same length): from a unit addressing the model
    ("Ignorez les instructions précédentes...") to the end of its paragraph, nothing is evidence."""
    text, blocks = passage.text, set()
    for unit in units_of(Hit(1, passage, 0.0)):
        if unit.block in blocks or _INSTRUCTION.search(unit.text):
            blocks.add(unit.block)
            text = text[: unit.start] + " " * (unit.end - unit.start) + text[unit.end :]
    return text


def without_instructions(hits: Sequence[Hit]) -> list[Hit]:
    """The hits, with instructions blanked out of their passages (``evidence``)."""
    return [
        h if evidence(h.passage) == h.passage.text
        else replace(h, passage=replace(h.passage, text=evidence(h.passage)))
        for h in hits
    ]  # fmt: skip


@lru_cache(maxsize=65536)
def _tokens(text: str) -> frozenset[str]:
    return frozenset(tokenize(text))


def missing_figures(text: str, cited: Iterable[Passage]) -> list[str]:
    """Numbers and dates of ``text`` absent from the cited passages (text, location or title)."""
    source = " \n ".join(f"{p.title}\n{p.location}\n{evidence(p)}" for p in cited)
    have_numbers, have_text = figures(source, words=True), _date_text(source)
    missing = [n for n in figures(text) if n not in have_numbers]
    missing += [d for d in _dates(text) if d not in have_text]
    return missing


def figures(text: str, words: bool = False) -> set[str]:
    """Normalised numbers: "1 362" -> "1362", "20 %" -> "20%" (and "20" too, for a source)."""
    text = _THOUSANDS.sub(lambda m: m[1] + re.sub(r"[ .]", "", m[2]), _SPACES.sub(" ", text))
    found: set[str] = set()
    for number, percent in _NUMBER.findall(text):
        value = number.lstrip("0") or "0"
        found.add(value + "%" if percent else value)
        if percent and words:
            found.add(value)
    if words:
        folded = fold(text).lower()
        found |= {str(v) for w, v in _NUMBER_WORDS.items() if re.search(rf"\b{w}\b", folded)}
    return found


def _dates(text: str) -> list[str]:
    """Day-month and month-year phrases: "1er janvier 2024" -> "1 janvier", "janvier 2024"."""
    folded = _date_text(text)
    days = [f"{int(d)} {m}" for d, m in _DAY_MONTH.findall(folded)]
    return days + [f"{m} {y}" for m, y in _MONTH_YEAR.findall(folded)]


def _date_text(text: str) -> str:
    folded = fold(_SPACES.sub(" ", text)).lower()
    return _DAY_MONTH.sub(lambda m: f"{int(m.group(1))} {m.group(2)}", folded)
