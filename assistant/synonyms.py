"""Everyday words of partners' questions mapped to the vocabulary of the documents.

"comment aider les familles à mieux manger ?" must find "une alimentation plus saine": the
English-trained embedding model does not bridge that gap in French, so a small curated table
(``data/synonyms.json``) does.  Keys and related words are compared as index tokens
(``assistant.lexical.tokenize``: folded, stemmed), so "manger", "mangent" and "Manger" agree.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from assistant.lexical import tokenize

SYNONYMS_FILE = Path(__file__).parent / "data" / "synonyms.json"


class Synonyms:
    """Token -> related tokens."""

    def __init__(self, table: dict[str, frozenset[str]]) -> None:
        self._table = table

    @classmethod
    def load(cls, path: Path = SYNONYMS_FILE) -> Synonyms:
        raw = json.loads(path.read_text(encoding="utf-8"))
        table: dict[str, set[str]] = {}
        for key, related in raw.items():
            if key.startswith("_"):
                continue
            for token in tokenize(key):
                table.setdefault(token, set()).update(t for word in related for t in tokenize(word))
        return cls({token: frozenset(related - {token}) for token, related in table.items()})

    def related(self, token: str) -> frozenset[str]:
        return self._table.get(token, frozenset())

    def expand(self, query: str) -> str:
        """The query followed by the words related to its tokens (for the lexical search)."""
        extra = sorted({r for t in tokenize(query) for r in self.related(t)})
        return f"{query} {' '.join(extra)}" if extra else query


@lru_cache(maxsize=1)
def default_synonyms() -> Synonyms:
    return Synonyms.load()
