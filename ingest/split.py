"""Structure-aware splitting of a cleaned document into passages.

The cleaned text (see ``ingest.clean``) is made of blocks separated by blank lines: paragraphs,
list blocks whose lines start with ``- ``, short heading lines, and ``\\f`` page/slide breaks.

1. Blocks are classified: break, Markdown heading, slide title (the first heading-like block
   after a break), sub-heading (a short title-like line followed by content), list, paragraph.
2. Headings build the *section path* of the text that follows.  A slide title or sub-heading is
   also the first line of the passage under it (a reader quoting "Les 4 axes transversaux"
   finds it in a passage); a Markdown heading, which is markup, is not.
3. The text under a heading is cut into *units* that are never split: a sentence, a list item,
   or a lead-in line ending with ``:`` together with the first item of its list.
4. Units are packed greedily into passages of about ``target_chars`` and never more than
   ``max_chars`` (a single unit may exceed it); a list that fits is never split; a passage
   shorter than ``min_chars`` is merged into its neighbour when they share the page.

A passage is always one contiguous span of the cleaned text, so its offsets are exact.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ingest.config import SplitSettings
from ingest.records import CleanDocument, Passage

SPLITTER_VERSION = "2"  # 2: a slide title or sub-heading opens the passage under it
EMBED_FORMAT = "section-path+text/1"  # what ``embedding_text`` feeds the model

_BLOCK_SEP = re.compile(r"\n[ \t]*\n+")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[»\")]?\s+(?=[«\"(]?[A-ZÀ-ÖØ-Þ0-9])")
# Words that cannot end a title: a line ending with one of them continues on the next block.
_CONNECTORS = frozenset(
    "de des du d la le les l à a au aux et ou en pour par sur dans avec un une ses leurs".split()
)
_MAX_TITLE = 160
_MAX_SUBHEADING = 80


@dataclass(frozen=True)
class _Block:
    start: int
    end: int
    text: str

    @property
    def is_break(self) -> bool:
        return self.text == "\f"

    @property
    def is_list(self) -> bool:
        return self.text.startswith("- ")


def split_document(clean: CleanDocument, settings: SplitSettings = SplitSettings()) -> list[Passage]:
    """Cut ``clean`` into passages carrying their section path, page and offsets."""
    info = clean.document.info
    spans = list(_sections_and_units(clean.text))
    passages: list[Passage] = []
    seen: dict[str, int] = {}
    for section, start, end in _pack(spans, clean.text, settings):
        text = clean.text[start:end]
        occurrence = seen.get(text, 0)
        seen[text] = occurrence + 1
        passages.append(
            Passage(
                id=passage_id(info.source, text, occurrence),
                source=info.source,
                title=info.title,
                kind=info.kind,
                authority=info.authority,
                date=info.date,
                section=section,
                page=clean.page_at(start) if clean.page_starts else None,
                start=start,
                end=end,
                text=text,
            )
        )
    return passages


def passage_id(source: str, text: str, occurrence: int = 0) -> str:
    """Stable id from the source and the content (and rank among identical texts)."""
    key = f"{source}\x00{text}\x00{occurrence}".encode()
    return hashlib.sha256(key).hexdigest()[:24]


def embedding_text(passage: Passage) -> str:
    """What the embedding model sees: the section path gives context to short passages."""
    if not passage.section:
        return passage.text
    return " > ".join(passage.section) + "\n" + passage.text


# -- blocks and headings ------------------------------------------------------------------------


def _blocks(text: str) -> list[_Block]:
    blocks, pos = [], 0
    for match in _BLOCK_SEP.finditer(text + "\n\n"):
        chunk = text[pos : match.start()]
        stripped = chunk.strip(" \t\n")
        if stripped:
            start = pos + chunk.index(stripped)
            blocks.append(_Block(start, start + len(stripped), stripped))
        pos = match.end()
    return blocks


def _title_like(text: str, max_len: int) -> bool:
    """A short single line that reads as a title, not as a sentence or a list item."""
    if len(text) > max_len or "\n" in text or text.startswith("- "):
        return False
    if text[-1] in ".;,!?…" or not (text[0].isupper() or text[0].isdigit()):
        return False
    return len(text.split()) <= 16


def _ends_with_connector(text: str) -> bool:
    last = re.split(r"[\s’']", text.rstrip(" :").lower())[-1]
    return last in _CONNECTORS


def _sections_and_units(text: str) -> Iterator[tuple[tuple[str, ...], int, int, str]]:
    """Yield (section path, start, end, unit kind) for every unit, in document order.

    Unit kinds: "sentence", "item", "heading" (opens a passage), "break" (a hard boundary, no text).
    """
    blocks = _blocks(text)
    path: list[tuple[int, str]] = []  # (level, heading)
    at_slide_start = True
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.is_break:
            at_slide_start = True
            yield tuple(h for _, h in path), block.start, block.start, "break"
            i += 1
            continue
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        level, heading, consumed = _heading(block, nxt, at_slide_start)
        at_slide_start = False
        if heading:
            while path and path[-1][0] >= level:
                path.pop()
            path.append((level, heading))
            if _MD_HEADING.match(block.text):
                yield tuple(h for _, h in path), block.start, block.start, "break"
            else:
                end = blocks[i + consumed - 1].end
                yield tuple(h for _, h in path), block.start, end, "heading"
            i += consumed
            continue
        for start, end, kind in _units(block):
            yield tuple(h for _, h in path), start, end, kind
        i += 1


def _heading(block: _Block, nxt: _Block | None, at_slide_start: bool) -> tuple[int, str, int]:
    """(level, heading text, blocks consumed) if ``block`` is a heading, else (0, "", 0)."""
    if match := _MD_HEADING.match(block.text):
        return len(match.group(1)), match.group(2), 1
    if nxt is None or nxt.is_break:
        return 0, "", 0
    if at_slide_start and _title_like(block.text.replace("\n", " "), _MAX_TITLE):
        title, consumed = block.text.replace("\n", " "), 1
        # A title wrapped over two blocks: "... dans le cadre de" + "l'ANRU".
        if _ends_with_connector(title) and not nxt.is_list and len(nxt.text) <= 100:
            title, consumed = f"{title} {nxt.text}", 2
        return _level(title, default=1), title.rstrip(" :"), consumed
    if _title_like(block.text, _MAX_SUBHEADING) and not block.text.endswith(":"):
        if not _ends_with_connector(block.text):
            return _level(block.text, default=3), block.text, 1
    return 0, "", 0


def _level(heading: str, default: int) -> int:
    """An "Axe ..." heading or one in capitals sits just under the slide or document title."""
    return 2 if heading.lower().startswith("axe ") or heading.isupper() else default


# -- units --------------------------------------------------------------------------------------


def _units(block: _Block) -> Iterator[tuple[int, int, str]]:
    """Sentences of a paragraph; items of a list (a lead-in line stays with the first item)."""
    lines = block.text.split("\n")
    if any(line.startswith("- ") for line in lines):
        pos = block.start
        pending_start = None  # a lead-in waiting for the item it introduces
        for line in lines:
            start, end = pos, pos + len(line)
            pos = end + 1
            if not line.startswith("- ") and line.rstrip().endswith(":"):
                pending_start = start if pending_start is None else pending_start
                continue
            kind = "item" if line.startswith("- ") else "sentence"
            yield (pending_start if pending_start is not None else start), end, kind
            pending_start = None
        if pending_start is not None:
            yield pending_start, block.end, "sentence"
        return
    pos = block.start
    for piece in _SENTENCE_END.split(block.text):
        start = block.text.index(piece, pos - block.start) + block.start
        yield start, start + len(piece), "sentence"
        pos = start + len(piece)


# -- packing ------------------------------------------------------------------------------------


def _pack(
    units: list[tuple[tuple[str, ...], int, int, str]], text: str, settings: SplitSettings
) -> list[tuple[tuple[str, ...], int, int]]:
    """Group consecutive units of one section into passages (section, start, end); a heading
    opens a new group, a break closes the current one."""
    groups: list[list[tuple[tuple[str, ...], int, int, str]]] = [[]]
    for unit in units:
        if unit[3] in ("break", "heading") and groups[-1]:
            groups.append([])
        if unit[3] != "break":
            groups[-1].append(unit)
    passages: list[tuple[tuple[str, ...], int, int]] = []
    for group in filter(None, groups):
        passages.extend(_pack_group(group, settings))
    return _merge_small(passages, text, settings)


def _pack_group(group, settings: SplitSettings) -> list[tuple[tuple[str, ...], int, int]]:
    out: list[tuple[tuple[str, ...], int, int]] = []
    section, start, end = group[0][0], group[0][1], group[0][2]
    for i, (_, u_start, u_end, kind) in enumerate(group[1:], start=1):
        size = u_end - start
        list_continues = kind == "item" and group[i - 1][3] == "item"
        limit = settings.max_chars if list_continues else settings.target_chars
        if size <= limit:
            end = u_end
            continue
        out.append((section, start, end))
        start, end = u_start, u_end
    out.append((section, start, end))
    return out


def _merge_small(passages, text: str, settings: SplitSettings):
    """Merge a passage shorter than ``min_chars`` into the next one (same slide, within max)."""
    merged: list[tuple[tuple[str, ...], int, int]] = []
    for section, start, end in passages:
        if merged:
            p_section, p_start, p_end = merged[-1]
            between = text[p_end:start]
            small = (p_end - p_start) < settings.min_chars or (end - start) < settings.min_chars
            if small and "\f" not in between and end - p_start <= settings.max_chars:
                merged[-1] = (p_section if p_end - p_start >= end - start else section, p_start, end)
                continue
        merged.append((section, start, end))
    return merged
