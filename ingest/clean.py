"""Cleaning stage: repair OCR damage and give the text a regular block structure.

``clean_text`` runs these passes, in order:

1. Characters: line ends, control characters, curly apostrophes to ``'``, form feeds on a line;
   blocks of two columns that the OCR read row by row, listed in the data file with the point
   where each row splits, put back one column after the other.
2. Slides: in a text export a new slide starts after 3 blank lines or on a line led by one space
   (unless that line sits in a list: then it is an item that lost its bullet); a ``\\f`` break is
   emitted before it.
3. Lines, one by one: logo and noise lines dropped, apostrophe repairs (``I'``, ``|'``, ``['``,
   ``F'``, a lost ``l`` before ``'``), bullet glyphs (``v'``, ``»``, ``*``, ``e``, ``—``...) made
   list items.
4. Assembly: wrapped lines joined (end-of-line hyphenation repaired), consecutive list items
   grouped in one block, a lead-in line ending with ``:`` kept in the block of its list.
5. Words, on each joined line: glyphs, a table of known OCR damage, letter confusions checked
   against a French dictionary (g/q, é/è, lost accents...), glued articles, ``à`` read ``a @ & d``.
6. Rendering: blocks separated by one blank line, a break is the block ``\\f``.

Word repairs are conservative: a token holding a digit, an acronym or a mixed-case word is never
changed, and a word is replaced only when it is not French and its repair is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.records import CleanDocument, Document

# 2: two-column blocks put back one column after the other; 3: four more slides
CLEANER_VERSION = "3"
PAGE_SEPARATOR = "\n\n\f\n\n"

_DATA_FILE = Path(__file__).parent / "data" / "ocr_fixes.json"
_LOW, _UP, _LETTER = "a-zàâäçéèêëîïôöùûüÿœæ", "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ", r"[^\W\d_]"
_VOWELS = "aeiouyéèêâîôh"
_TERMINAL = ".!?;:…"
_CONNECTORS = frozenset(
    "de des du d la le les l à a au aux et ou en pour par sur dans avec un une".split()
)
_DETERMINERS = frozenset("la le les un une des leur leurs ce cette ces".split())
_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"

# Letter confusions (damaged, repaired) tried on a word the dictionary does not know, in tiers: a
# repair of the first tier wins (repéres -> repères, not repérés), then the most frequent word.
# A capitalised word (maybe a proper name) only gets the first tier and must become a common word.
_SAFE_TIER = (("qg", "q"), ("g", "q"), ("eé", "é"), ("eé", "è"), ("ée", "è"), ("é", "è"),
              ("é", "ê"), ("e", "è"))
_CONFUSIONS = (_SAFE_TIER, (("e", "é"), ("e", "ê"), ("é", "ô"), ("a", "à"), ("a", "â"), ("i", "î"),
                            ("i", "ï"), ("o", "ô"), ("u", "û"), ("g", "ç"), ("c", "ç"), ("o", "a")))
_MIN_FREQ, _MIN_FREQ_CAPITAL, _MIN_FREQ_SPLIT = 50, 1000, 100

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\u200b-\u200d\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u202f\u2007\u2009]+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})
_JUNK_PREFIX = re.compile(r"^(?=\S*[^\W\d_])(?=\S*[%™©®<>=])(?!\S*\d)\S+\s+")  # I‘L%Agg'o - ...
_STRAY_BULLET = re.compile(rf"^[-–—•*]\s+'\s+(?=[{_LOW}])")  # "- ' espaces verts" (no bullet)
_BULLET = re.compile(
    rf"^(?:(?:[-–—*+>%](?=\s)|[•▪●◦■]|\*+(?!.*\*)|»(?=\s+[{_UP}0-9«])|v['\"]"
    rf"|[voes](?=\s+[{_UP}0-9])|\.(?=\s+[{_UP}])|«(?=\s*[{_UP}])(?!.*»))\s*)+"
)
_NUMBERED = re.compile(rf"^\d{{1,2}}[.)]\s+[{_UP}]")
_APOSTROPHE_FIXES = (
    (re.compile(rf"(?<={_LETTER})'{{2,}}(?={_LETTER})"), "'"),  # d''une
    (re.compile(rf"(?<!{_LETTER})[I|\[F]'(?={_LETTER}|« )(?!(?:m|ve|ll|d)\b)"), "l'"),  # I'usage
    (re.compile(rf"(?<!{_LETTER})\|(?=[{_LOW}])"), "l"),  # |a réussite
    (re.compile(r"(?<!\S)'(?!\S)"), ""),  # a lone apostrophe
)
_LOST_L = re.compile(rf"(?:^|(?<=[\s(«\[]))'(?={_LETTER})")  # avec 'ANRU
_CLOSING_QUOTE = re.compile(rf"{_LETTER}'(?!{_LETTER})")
_HYPHEN_END = re.compile(rf"({_LETTER}+)-$")
_FIRST_WORD = re.compile(rf"{_LETTER}+")
_DIGIT, _SHORT_WORD = re.compile(r"\d"), re.compile(r"[A-Za-z]{1,2}")
_GLYPHS = (
    (re.compile(r"n°®"), "n°"),
    (re.compile(r"(?<=é)[¢€]|€(?=é)"), ""),  # lié¢, identifi€é
    (re.compile(r"(?<=[b-df-hj-np-tv-z])¢(?!\w)"), "é"),  # activit¢
    (re.compile(rf"(?<!{_LETTER})l(?=[A-Z]{{2,}}\b)"), "I"),  # l'lAE
    (re.compile(rf"(?<!\w)ler(?= (?:{_MONTHS})\b)"), "1er"),
    (re.compile(r"(?<!\w)jusqu'a(?!\w)"), "jusqu'à"),
    (re.compile(rf"(?<=\S) v['\"]? (?=[{_UP}])"), " - "),  # a second column of bullets
    (re.compile(r" &$"), ""),
)
_PAREN_U = re.compile(rf"([{_LOW}]+)\(([{_LOW}]+)")  # ao(t
_WORD = re.compile(rf"(?<![\w@/.\\-]){_LETTER}+(?:-{_LETTER}+)*(?![\w@/\\]|\.{_LETTER}|-\d)")
_GLUED_ARTICLE = re.compile(
    rf"(?:^|(?<=- ))L(a?)([{_LOW}]{{4,}})(?![\w'])(?=\s*(?:$|[:;,.]|[{_LOW}]))"
)
_GLUED_ELISION = re.compile(rf"(?<=[{_LOW}] )[IF]([{_VOWELS}][{_LOW}]{{3,}})(?![\w'])")
_AT_SIGN = re.compile(rf"(?<=[{_LOW},] )[@&](?= +{_LETTER})")
_D_FOR_A = re.compile(r"(?<= )d(?= (?:(?:la|le|les|un|une|des) |l'))")
_A_WORD = re.compile(r"(\S+) a(?= (\S+)(?: (\S+))?)")
_A_PARALLEL = re.compile(r"\b(?:à|au|aux)\b[^.;:!?]{0,80}$")  # à la culture et a l'expression
_SPACE_BEFORE_POINT = re.compile(rf"(?<=[{_LOW})]) +(?=[.,](?:\s|$))")


@dataclass
class _Unit:
    """A logical line being assembled: "para", "item" (bullet removed), "blank" or "break"."""

    kind: str
    text: str = ""
    gap: bool = False  # blank line(s) before it
    title: bool = False  # first unit after a break
    lines: int = 1  # raw lines joined into it


def clean_text(raw: str, *, slide_breaks: bool = True) -> str:
    """Repair one page or file of text (conventions in the module docstring)."""
    lines = _unweave_columns(_normalise(raw)).split("\n")
    breaks, items = _slide_starts(lines) if slide_breaks else (set(), set())
    units = _assemble(_classify(lines, breaks, items))
    for unit in units:
        if unit.kind != "break":
            unit.text = _fix_words(unit.text)
    return _render(units)


def clean_document(doc: Document) -> CleanDocument:
    """Clean every page; PDF pages are joined by a ``\\f`` block and their starts recorded."""
    if not doc.is_pdf:
        return CleanDocument(doc, clean_text("\n\f\n".join(page.text for page in doc.pages)))
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    offset = -len(PAGE_SEPARATOR)
    for page in doc.pages:
        if text := clean_text(page.text, slide_breaks=False):
            offset += len(PAGE_SEPARATOR)
            starts.append((offset, page.number))
            parts.append(text)
            offset += len(text)
    return CleanDocument(doc, PAGE_SEPARATOR.join(parts), tuple(starts))


@lru_cache(maxsize=1)
def _data() -> dict:
    data = json.loads(_DATA_FILE.read_text(encoding="utf-8"))
    return {key: frozenset(val) if isinstance(val, list) else val for key, val in data.items()}


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, int]:
    """French word frequencies shipped with pyspellchecker (offline), loaded once."""
    from spellchecker import SpellChecker

    return dict(SpellChecker(language="fr", distance=1).word_frequency.dictionary)


def _freq(word: str) -> int:
    return _lexicon().get(word.lower(), 0)


# -- passes 1 to 3: characters, slides, lines ---------------------------------------------------


def _normalise(raw: str) -> str:
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\f\n")
    return _CONTROL.sub("", text).translate(_APOSTROPHES)


def _unweave_columns(text: str) -> str:
    """The blocks of ``two_columns`` (data file) found in ``text`` as the OCR wrote them, row by
    row, rewritten as their left column, a blank line and their right column.  A block stands
    apart from the line before it: the OCR lost the blank line between a paragraph and the first
    row of the slide's table ("... des habitants des quartiers." then "Promouvoir l'éducation a la
    santé Les leviers pour agir")."""
    padded = f"\n{text}\n"  # the blocks are whole lines, between line ends
    for woven, unwoven in _column_blocks():
        # ``woven`` opens with the line end before it: a line right above it is not blank.
        padded = re.sub(f"(?<=[^\n]){re.escape(woven)}", lambda _: f"\n{unwoven}", padded)
        padded = padded.replace(woven, unwoven)
    return padded[1:-1]


@lru_cache(maxsize=1)
def _column_blocks() -> tuple[tuple[str, str], ...]:
    """(block as the OCR wrote it, block column after column), each between line ends.  A row is
    listed as ``left | right``: nothing in the text tells where the left column ends ("v' La
    Lutte contre les | développement économique").  A row's left part keeps the space that may lead
    it: a line led by a space is an item that lost its bullet (``_slide_starts``)."""
    blocks = []
    for rows in _data()["two_columns"].values():
        split = [
            (left.rstrip(), right.strip()) for left, _, right in (row.partition("|") for row in rows)
        ]
        woven = "\n".join(" ".join(part for part in row if part) for row in split)
        left = "\n".join(row[0] for row in split if row[0])
        right = "\n".join(row[1] for row in split if row[1])
        blocks.append((f"\n{woven}\n", f"\n{left}\n\n{right}\n"))
    return tuple(blocks)


def _slide_starts(lines: list[str]) -> tuple[set[int], set[int]]:
    """(lines opening a new slide, space-led lines that are list items).

    A slide starts after a run of 3 blank lines, or on a line led by one space.
    """
    first = next((i for i, line in enumerate(lines) if line.strip()), -1)
    breaks = {i for i in range(max(first, 3), len(lines))
              if lines[i].strip() and not any(line.strip() for line in lines[i - 3 : i])}
    items: set[int] = set()
    led = [i for i, line in enumerate(lines) if line.startswith(" ") and line[1:2].strip()]
    if len(led) > max(3, 0.2 * sum(1 for line in lines if line.strip())):
        return breaks, items  # indentation is layout here, not a slide marker
    for i in (i for i in led if i != first):  # the first slide needs no break
        if not lines[i - 1].strip():  # after a blank line: an item that lost its bullet
            items.add(i)
            continue
        end = next((j for j in range(i + 1, len(lines)) if not lines[j].strip()), len(lines))
        in_list = any(_BULLET.match(line.strip()) for line in lines[i + 1 : end])
        (items if in_list else breaks).add(i)
    return breaks, items


def _is_noise(line: str) -> bool:
    """Logo fragments and stray glyph lines; never a line holding a digit or a table row."""
    if _DIGIT.search(line) or line.count("|") > 1:
        return False
    if not _FIRST_WORD.search(line) or _SHORT_WORD.fullmatch(line):
        return True
    return line.rstrip("™,.;: ").lower() in _data()["logo_lines"]


def _fix_apostrophes(line: str) -> str:
    for pattern, replacement in _APOSTROPHE_FIXES:
        line = pattern.sub(replacement, line)
    if line.count("|") == 1:
        line = line.replace(" |", "")
    return _LOST_L.sub(lambda m: m.group() if _CLOSING_QUOTE.search(line, m.end()) else "l'", line)


def _classify(lines: list[str], breaks: set[int], items: set[int]) -> list[_Unit]:
    """One unit per raw line; noise lines become blank lines."""
    out: list[_Unit] = []
    for i, raw in enumerate(lines):
        if i in breaks or raw == "\f":
            out.append(_Unit("break", "\f"))
        if raw == "\f":
            continue
        line = _SPACES.sub(" ", raw).strip()
        line = "" if _is_noise(line) else _STRAY_BULLET.sub("", _JUNK_PREFIX.sub("", line))
        line = _SPACES.sub(" ", _fix_apostrophes(line)).strip()
        bullet = _BULLET.match(line)
        if not line or _is_noise(line):
            out.append(_Unit("blank"))
        elif bullet and line[bullet.end() :]:
            out.append(_Unit("item", line[bullet.end() :]))
        else:
            out.append(_Unit("item" if _NUMBERED.match(line) or i in items else "para", line))
    return out


# -- pass 4: assembly ---------------------------------------------------------------------------


def _assemble(lines: list[_Unit]) -> list[_Unit]:
    """Join wrapped lines into paragraphs and items; collapse breaks."""
    units: list[_Unit] = []
    gap = False
    for line in lines:
        after_break = not units or units[-1].kind == "break"
        if line.kind == "blank" or (line.kind == "break" and after_break):
            gap = line.kind == "blank" or gap
            continue
        if line.kind == "para" and not after_break and _continues(units[-1], line.text, gap):
            units[-1].text = _join(units[-1].text, line.text, hyphenation=not gap)
            units[-1].lines += 1
        else:
            line.gap, line.title = gap, bool(units) and after_break
            units.append(line)
        gap = False
    while units and units[-1].kind == "break":
        units.pop()
    return units


def _heading_like(unit: _Unit) -> bool:
    words = unit.text.split()
    short = unit.kind == "para" and unit.lines == 1 and len(words) <= 4
    return short and unit.text[0].isupper() and words[-1].lower() not in _CONNECTORS


def _continues(prev: _Unit, text: str, gap: bool) -> bool:
    """Is ``text`` (a raw line, not a list item) the continuation of ``prev``?"""
    if prev.text[0] in "#|" or text[0] in "#|":  # Markdown heading or table row
        return False
    first, last = text[0], prev.text[-1]
    if gap:  # a sentence carried over a blank line, never into a slide title
        return first.islower() and last not in _TERMINAL and not prev.title
    if not first.isupper() or (prev.text.endswith("-") and _HYPHEN_END.search(prev.text)):
        return True
    if last == ":" or prev.title or _heading_like(prev):
        return False
    if last in _TERMINAL:
        return prev.kind == "para"
    return not (text.endswith(":") and len(text.split()) <= 8)  # "Objectifs opérationnels :"


def _join(left: str, right: str, hyphenation: bool) -> str:
    """Join two wrapped lines; repair an end-of-line hyphenation."""
    match = _HYPHEN_END.search(left) if hyphenation and left.endswith("-") else None
    if match and (word := _FIRST_WORD.match(right)):
        return left[:-1] + ("-" if _keep_hyphen(match.group(1), word.group()) else "") + right
    if hyphenation and left[-2:-1].isdigit() and left.endswith("-") and right[0].isdigit():
        return left + right  # 2024-/2030
    return f"{left} {right}"


def _keep_hyphen(before: str, after: str) -> bool:
    """auto-/censure is a compound; dévelop-/pement is a broken word."""
    if after[0].isupper() or before.lower() in _data()["compound_prefixes"]:
        return True
    return not _freq(before + after)


# -- pass 5: words ------------------------------------------------------------------------------


def _fix_words(line: str) -> str:
    """Apply the word-level repairs to one joined line."""
    for phrase, replacement in _data()["phrases"].items():
        line = line.replace(phrase, replacement)
    for pattern, replacement in _GLYPHS:
        line = pattern.sub(replacement, line)
    line = _PAREN_U.sub(_fix_paren_u, line)
    line = _WORD.sub(lambda m: _fix_word(m.group()), line)
    line = _GLUED_ARTICLE.sub(_split_glued_article, line)
    line = _GLUED_ELISION.sub(_split_glued_elision, line)
    line = _D_FOR_A.sub("à", _AT_SIGN.sub("à", line))
    while (fixed := _A_WORD.sub(_fix_a, line)) != line:  # an "à" may reveal the next one
        line = fixed
    return _SPACES.sub(" ", _SPACE_BEFORE_POINT.sub("", line)).strip()


@lru_cache(maxsize=65536)
def _fix_word(token: str, part: bool = False) -> str:
    """Repair one word (letters, inner hyphens) when it is not French and the repair is."""
    if token in (table := _data()["words"]):
        return table[token]
    if any(ch.isupper() for ch in token[1:]) or len(token) < 3 or _freq(token):
        return token  # acronym, mixed case, too short, or a known word
    best = _best_candidate(token)
    if best is None and "-" in token:
        return "-".join(_fix_word(piece, part=True) for piece in token.split("-"))
    if best is None and token.islower() and not part:
        best = _split_elision(token)
    return best or token


def _best_candidate(token: str) -> str | None:
    capital, word = token[0].isupper(), token.lower()
    floor = _MIN_FREQ_CAPITAL if capital else _MIN_FREQ
    for tier in _CONFUSIONS[:1] if capital else _CONFUSIONS:
        found = {c for src, dst in tier for c in _variants(word, src, dst)}
        scored = [(_freq(c), c) for c in found if _freq(c) >= floor]
        if scored:
            best = max(scored)[1]
            return best[0].upper() + best[1:] if capital else best
    return None


def _variants(word: str, src: str, dst: str) -> list[str]:
    """``word`` with one occurrence of ``src`` replaced by ``dst`` (each position), and all."""
    out, start = [], word.find(src)
    while start != -1:
        out.append(word[:start] + dst + word[start + len(src) :])
        start = word.find(src, start + 1)
    return out + [word.replace(src, dst)] if len(out) > 1 else out


def _split_elision(word: str) -> str | None:
    """lactivité -> l'activité, dactions -> d'actions (the apostrophe was lost)."""
    head, rest = word[0], word[1:]
    if head in "ldjns" and rest[0] in _VOWELS and len(rest) >= 5 and _freq(rest) >= _MIN_FREQ_SPLIT:
        return f"{head}'{rest}"
    return None


def _fix_paren_u(match: re.Match[str]) -> str:
    repaired = f"{match.group(1)}û{match.group(2)}"  # ao(t -> août, go(t -> goût
    return repaired if _freq(repaired) else match.group()


def _split_glued_article(match: re.Match[str]) -> str:
    """Laréussite -> La réussite, Lemploi -> L'emploi, at the start of a line or item.

    "La" + a word without accent is left alone: as often a surname (Lagarde, Laporte).
    """
    article, rest = match.group(1), match.group(2)
    if _freq(match.group()) or _freq(rest) < _MIN_FREQ_SPLIT:
        return match.group()
    if article and rest[0] not in _VOWELS and re.search("[à-ÿ]", rest):
        return f"La {rest}"
    return f"L'{rest}" if not article and rest[0] in "eé" else match.group()


def _split_glued_elision(match: re.Match[str]) -> str:
    """diffusion de Iinformation -> de l'information, diversifier Foffre -> l'offre."""
    rest = match.group(1)
    known = _freq(match.group()) or _freq(rest) < _MIN_FREQ_CAPITAL
    return match.group() if known else f"l'{rest}"


def _fix_a(match: re.Match[str]) -> str:
    """The verb "a" stays; "a" standing for the preposition "à" is repaired."""
    prev, nxt, nxt2 = match.group(1), match.group(2), match.group(3) or ""
    data, keep, fixed = _data(), match.group(), f"{match.group(1)} à"
    before = prev.lower().strip("(«,;").rsplit("'", 1)[-1]
    after = nxt.lower().rstrip(",.;:")
    ending = after.isalpha() and after.endswith(("é", "ée", "és", "ées", "i", "is", "u", "us"))
    if before == "y" or after in data["participles"] or (ending and after not in ("tous", "plus")):
        return keep  # il y a; a été, a permis
    if (prev[-1].isdigit() and nxt[0].isdigit()) or before in data["a_grave_after_word"]:
        return fixed  # 14 a 18 ans; relative a la
    parallel = before in ("et", "ou") or prev.endswith(",")
    if parallel and (after in _DETERMINERS or after[:2] == "l'"):
        if _A_PARALLEL.search(match.string, max(0, match.start() - 120), match.start()):
            return fixed  # à la culture et a l'expression
    infinitive = after.isalpha() and after.endswith(("er", "ir", "re", "oir")) and len(after) >= 4
    if infinitive and after not in data["not_infinitive"] and _freq(after):
        return fixed  # a définir
    words = data["a_grave_before_word"]
    return fixed if after in words or f"{after} {nxt2.lower()}" in words else keep


# -- pass 6: rendering --------------------------------------------------------------------------


def _render(units: list[_Unit]) -> str:
    """Blocks separated by one blank line; a list block keeps its lead-in line."""
    blocks: list[list[str]] = []
    for i, unit in enumerate(units):
        line = f"- {unit.text}" if unit.kind == "item" else unit.text
        prev = units[i - 1] if i else None
        if prev and "break" not in (prev.kind, unit.kind) and _same_block(prev, unit):
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return "\n\n".join("\n".join(block) for block in blocks)


def _same_block(prev: _Unit, unit: _Unit) -> bool:
    if unit.kind == "item":
        return prev.kind == "item" or prev.text.endswith(":")
    table = prev.text[:1] == unit.text[:1] == "|"
    return not unit.gap and prev.kind == "para" and (prev.text.endswith(":") or table)
