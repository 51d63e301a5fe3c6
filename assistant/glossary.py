"""The vocabulary of the politique de la ville: acronyms, their long forms and definitions.

A curated list ships as ``assistant/data/glossary.json``.  The corpus adds its own acronyms
when it spells them out as "long form (ACRONYM)": the long form is the run of words just
before the parenthesis whose initials are the acronym's letters, French small words (de, la,
du, et, l'...) being allowed in between.  ``expand`` adds, to a query, the long form of each
acronym it contains and the acronym of each long form it contains, so that both spellings of a
notion reach the retrievers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.lexical import fold, tokenize

DEFAULT_PATH = Path(__file__).parent / "data" / "glossary.json"

# A short form: one upper-case word (two capitals at least, e.g. "QPV", "CoDir", "REP+"),
# optionally followed by a number ("BOP 147").
_SHORT_FORM = re.compile(r"(?=(?:[^A-Z]*[A-Z]){2})[A-Z][A-Za-z]{1,7}\+?(?: \d+)?")
_DEFINED = re.compile(r"\(\s*([A-Z]{2,8}\+?)\s*\)")  # "(ABS)" in running text
_WORD = re.compile(r"[^\W_]+")
_APOSTROPHE = "'’"
_OCR_ELISION = re.compile(r"(?<![^\W_])[I|](?=['’])")  # "I'activité": OCR for "l'activité"
# Words allowed inside a long form without bearing one of the acronym's letters.
_SMALL_WORDS = frozenset("a au aux d dans de des du en et l la le les par pour sur".split())
_LOOK_BACK_CHARS = 400


@dataclass(frozen=True)
class Entry:
    """One glossary entry; ``from_corpus`` marks entries learnt from the documents."""

    term: str
    expansion: str
    definition: str
    aliases: tuple[str, ...] = ()
    from_corpus: bool = False

    @property
    def is_acronym(self) -> bool:
        return is_short_form(self.term)

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.term, self.expansion, *self.aliases)


def is_short_form(text: str) -> bool:
    """Whether ``text`` is written like an acronym ("QPV", "REP+", "CoDir", "BOP 147")."""
    return _SHORT_FORM.fullmatch(text) is not None


def key(text: str) -> str:
    """Lookup key: folded, lower-case, punctuation other than '+' turned into single spaces."""
    text = _OCR_ELISION.sub("l", text)
    return " ".join(re.sub(r"[^\w+]+|_", " ", fold(text).lower()).split())


class _Form:
    """A compiled form: an acronym regex (case-insensitive, accent-sensitive) or stem tokens."""

    def __init__(self, text: str) -> None:
        self.short = is_short_form(text)
        self.pattern: re.Pattern[str] | None = None
        self.tokens: tuple[str, ...] = ()
        if self.short:
            body = r"\s+".join(re.escape(part) for part in text.split())
            self.pattern = re.compile(rf"(?<![\w+]){body}(?![\w+])", re.IGNORECASE)
        else:
            self.tokens = tuple(tokenize(text))

    def found_in(self, query: str, query_tokens: list[str]) -> bool:
        if self.pattern is not None:
            return self.pattern.search(query) is not None
        return bool(self.tokens) and _contains(query_tokens, self.tokens)


def _contains(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    """Whether ``phrase`` occurs as a contiguous run in ``tokens``."""
    first, size = phrase[0], len(phrase)
    return any(
        token == first and tuple(tokens[i : i + size]) == phrase for i, token in enumerate(tokens)
    )


class Glossary:
    """Look-up, query expansion and learning of corpus acronyms."""

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self._entries: dict[str, Entry] = {}  # key(term) -> entry, in insertion order
        self._index: dict[str, str] = {}  # key(any form) -> key(term)
        self._forms: dict[str, list[_Form]] = {}  # key(term) -> compiled forms
        for entry in entries:
            self._put(entry)

    @classmethod
    def load(cls, path: Path | None = None) -> Glossary:
        """Read a JSON list of entries (default: the glossary shipped with the package)."""
        raw = json.loads(Path(path or DEFAULT_PATH).read_text(encoding="utf-8"))
        return cls(
            Entry(
                term=item["term"],
                expansion=item.get("expansion", ""),
                definition=item.get("definition", ""),
                aliases=tuple(item.get("aliases", ())),
                from_corpus=bool(item.get("from_corpus", False)),
            )
            for item in raw
        )

    def _put(self, entry: Entry) -> None:
        """Add or replace an entry; a form already taken by another entry keeps its owner."""
        term_key = key(entry.term)
        self._entries[term_key] = entry
        self._forms[term_key] = [_Form(form) for form in entry.forms if form.strip()]
        self._index[term_key] = term_key
        for form in entry.forms:
            if form.strip():
                self._index.setdefault(key(form), term_key)

    def lookup(self, term: str) -> Entry | None:
        """The entry whose term, expansion or alias is ``term`` (case and accents ignored)."""
        term_key = self._index.get(key(term))
        return self._entries.get(term_key) if term_key else None

    def entries(self) -> list[Entry]:
        """All entries, sorted by term, for a glossary page."""
        return sorted(self._entries.values(), key=lambda e: key(e.term))

    def __len__(self) -> int:
        return len(self._entries)

    def expand(self, query: str) -> str:
        """``query`` followed by the long form of its acronyms and the acronym of its long forms."""
        query_tokens = tokenize(query)
        additions: list[str] = []
        for term_key, entry in self._entries.items():
            forms = self._forms[term_key]
            found = [form for form in forms if form.found_in(query, query_tokens)]
            if not found:
                continue
            term_form, expansion_form = forms[0], forms[1] if entry.expansion.strip() else None
            if term_form not in found:
                additions.append(entry.term)
            short_hit = any(form.short for form in found)
            if entry.is_acronym and short_hit and expansion_form and expansion_form not in found:
                additions.append(entry.expansion)
        additions = list(dict.fromkeys(additions))
        return " ".join([query, *additions]) if additions else query

    def add_corpus_definitions(self, texts: Iterable[str]) -> list[Entry]:
        """Learn "long form (ACRONYM)" definitions from ``texts``; return the new entries.

        An acronym already known gains the corpus long form as an alias (when new to it);
        an unknown one becomes an entry flagged ``from_corpus``.
        """
        return self.add_definitions(pair for text in texts for pair in find_definitions(text))

    def add_definitions(self, pairs: Iterable[tuple[str, str]]) -> list[Entry]:
        """Learn (acronym, long form) pairs found by ``find_definitions``, in order."""
        learnt: list[Entry] = []
        for acronym, long_form in pairs:
            entry = self.lookup(acronym)
            if entry is None:
                entry = Entry(
                    term=acronym,
                    expansion=long_form,
                    definition=f"Sigle employé dans les documents pour « {long_form} ».",
                    from_corpus=True,
                )
                self._put(entry)
                learnt.append(entry)
            elif key(long_form) not in {key(form) for form in entry.forms}:
                self._put(replace(entry, aliases=(*entry.aliases, long_form)))
        return learnt


def find_definitions(text: str) -> list[tuple[str, str]]:
    """(acronym, long form) pairs that ``text`` spells out as "long form (ACRONYM)"."""
    found = []
    for match in _DEFINED.finditer(text):
        acronym = match.group(1)
        window_start = max(0, match.start() - _LOOK_BACK_CHARS)
        long_form = _long_form(text[window_start : match.start()], acronym.rstrip("+"))
        if long_form:
            found.append((acronym, long_form))
    return found


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    initial: str  # folded, lower-case first letter
    small: bool  # may be skipped, or bear a letter only when needed ("à vocation...")
    elided: bool  # "l", "d", "qu" before an apostrophe: always skipped


def _words(text: str) -> list[_Word]:
    words = []
    for match in _WORD.finditer(text):
        folded = fold(match.group()).lower()
        elided = match.end() < len(text) and text[match.end()] in _APOSTROPHE and len(folded) <= 6
        words.append(_Word(match.start(), match.end(), folded[0], folded in _SMALL_WORDS, elided))
    return words


def _long_form(before: str, acronym: str) -> str | None:
    """The words at the end of ``before`` whose initials spell ``acronym``, cleaned; or None."""
    words = _words(before)
    letters = fold(acronym).lower()
    start = _match_back(words, len(words) - 1, letters, len(letters) - 1, started=False)
    if start is None:
        return None
    long_form = before[words[start].start : words[-1].end]
    long_form = _OCR_ELISION.sub("l", long_form)
    long_form = re.sub(r"-\s*\n\s*", "-", long_form)  # a word cut at a line end
    return " ".join(long_form.split())


def _match_back(words: list[_Word], i: int, letters: str, j: int, started: bool) -> int | None:
    """Index of the word bearing letters[0] when words[..i] end with letters[..j]; else None.

    Content words must each bear the next letter; small words are skipped first and bear a
    letter only if skipping fails; elided articles are always skipped.  The word right before
    the parenthesis must bear the last letter.
    """
    if i < 0:
        return None
    word = words[i]
    if word.elided:
        return _match_back(words, i - 1, letters, j, started) if started else None
    if word.small and started:
        skipped = _match_back(words, i - 1, letters, j, started)
        if skipped is not None:
            return skipped
    if word.initial != letters[j]:
        return None
    if j == 0:
        return i
    return _match_back(words, i - 1, letters, j - 1, started=True)
