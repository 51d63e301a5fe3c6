"""Everyday words of partners' questions mapped to the vocabulary of the documents.

"comment aider les familles à mieux manger ?" must find "une alimentation plus saine": the
English-trained embedding model does not bridge that gap in French, so a curated table
(``data/synonyms.json``) does.

A one-word key is compared as an index token (``assistant.lexical.tokenize``: folded, stemmed),
so "manger", "mangent" and "Manger" agree.  A key of several words ("faire les courses", "à la
rue") is an expression: it applies only when the question holds those words in that order
(folded, stop words included), never to one of its words alone.  Related words are index tokens.
A word written as a name (``assistant.lexical.names_in``: "le quartier des Fleurs") is not widened
to the words of its common noun ("espaces verts"); expressions still apply.

Given the lexical index, only the question words the documents rarely use (in at most
``EXPAND_SHARE`` of the passages) are expanded: "boulot" becomes "emploi", but "parents", which
the documents use throughout, is not widened to "parentalité" and "familles", which would pull
other passages in.  On the dev split (``python -m evals.run --split dev``), MRR is 0.732 when
every word is expanded, 0.779 for unknown words only, 0.791 at 2 % and 0.786 at 5 %.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from assistant.lexical import LexicalIndex, fold, names_in, tokenize

SYNONYMS_FILE = Path(__file__).parent / "data" / "synonyms.json"
EXPAND_SHARE = 0.02
_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> str:
    """Folded lower-case words joined by single spaces, padded: the form phrases are found in."""
    return " " + " ".join(_WORD.findall(fold(text).lower())) + " "


class Synonyms:
    """Index token or expression -> related index tokens."""

    def __init__(self, tokens: dict[str, frozenset[str]], phrases: dict[str, frozenset[str]] | None = None) -> None:
        self._tokens = tokens
        self._phrases = phrases or {}  # " faire les courses " -> related tokens

    @classmethod
    def load(cls, path: Path = SYNONYMS_FILE) -> Synonyms:
        raw = json.loads(path.read_text(encoding="utf-8"))
        tokens: dict[str, set[str]] = {}
        phrases: dict[str, set[str]] = {}
        for key, related in raw.items():
            if key.startswith("_"):
                continue
            targets = {t for word in related for t in tokenize(word)}
            if len(_WORD.findall(key)) > 1:
                phrases.setdefault(_words(key), set()).update(targets)
            else:
                for token in tokenize(key):
                    tokens.setdefault(token, set()).update(targets - {token})
        return cls(
            {token: frozenset(related) for token, related in tokens.items()},
            {phrase: frozenset(related) for phrase, related in phrases.items()},
        )

    def related(self, token: str) -> frozenset[str]:
        """The words related to one index token (one-word keys only)."""
        return self._tokens.get(token, frozenset())

    def related_in(self, text: str, lexical: LexicalIndex | None = None) -> dict[str, frozenset[str]]:
        """For each index token of ``text``, its related words (none for a name's), plus those of
        the expressions of ``text`` that the token is part of; with ``lexical``, for the rare
        tokens only."""
        tokens = tokenize(text)
        named = {token for name in names_in(text) for token in tokenize(name)}
        related = {
            token: set(self.related(token))
            if token not in named and (lexical is None or lexical.is_rare(token, EXPAND_SHARE))
            else set()
            for token in tokens
        }
        if self._phrases:
            words = _words(text)
            for phrase, targets in self._phrases.items():
                if phrase in words:
                    for token in tokenize(phrase):
                        related.setdefault(token, set()).update(targets)
        return {token: frozenset(found - {token}) for token, found in related.items()}

    def expand(self, query: str, lexical: LexicalIndex | None = None) -> frozenset[str]:
        """The index tokens related to ``query`` that it does not hold itself (see ``related_in``)."""
        related = self.related_in(query, lexical)
        return frozenset({r for words in related.values() for r in words} - set(tokenize(query)))


@lru_cache(maxsize=1)
def default_synonyms() -> Synonyms:
    return Synonyms.load()
