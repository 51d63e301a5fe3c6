"""Out-of-scope questions: about a name the documents never use, or closer to a prototype of
another domain than to any passage.

A capitalised word that does not open a sentence is a name ("Eurovision", "Windows", "Caen");
when neither the corpus nor the glossary knows it, the documents cannot answer a question about
it (``unknown_names``).  The corpus knows a name when a passage holds it as written (accents,
case and a plural s aside), not merely its stem: "Mont" (in "Mont-Saint-Michel") has the stem of
"monter", which the documents use, but no passage says "Mont".

The prototypes (``data/out_of_scope.json``: sport results, weather, recipes, general knowledge,
small talk...) are embedded once; a question whose embedding is more similar to one of them than
to the best passage of the corpus, by more than ``margin``, is out of scope.  The margin (0.04)
was chosen on the dev split of the gold questions (``python -m evals.run --calibrate``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.glossary import Glossary
from assistant.lexical import LexicalIndex, fold, indexed_text, names_in, tokenize
from ingest.records import Passage
from ingest.store import PassageStore

PROTOTYPES_FILE = Path(__file__).parent / "data" / "out_of_scope.json"


NAME_DEPTH = 20  # how many of the passages holding a name's index token are read for the name


def unknown_names(
    question: str, lexical: LexicalIndex, glossary: Glossary, passages: Mapping[str, Passage]
) -> list[str]:
    """The names of ``question`` (see ``assistant.lexical.names_in``), or capitalised parts of a
    hyphenated one, that the glossary does not define and no indexed passage holds as written."""
    unknown = []
    for name in names_in(question):
        if glossary.lookup(name) is not None:
            continue
        for part in name.split("-"):  # "Flers-Paris": "Paris" is unknown even if "Flers" is not
            if part[:1].isupper() and tokenize(part) and not _written(part, lexical, passages):
                unknown.append(part)
    return unknown


def _written(name: str, lexical: LexicalIndex, passages: Mapping[str, Passage]) -> bool:
    """Whether one of the passages the lexical index finds for ``name`` holds it as a word, its
    accents, case and a final s or x aside ("États" is written "État")."""
    word = re.sub(r"[sx]$", "", fold(name).lower())
    pattern = re.compile(rf"(?<!\w){re.escape(word)}[sx]?(?!\w)")
    for pid, _ in lexical.search(name, NAME_DEPTH):
        if pid in passages and pattern.search(fold(indexed_text(passages[pid])).lower()):
            return True
    return False


def unknown_names_message(names: list[str]) -> str:
    quoted = ", ".join(f"« {name} »" for name in dict.fromkeys(names))
    return (
        f"Les documents du contrat de ville ne parlent pas de {quoted} : je ne peux pas répondre "
        "à cette question à partir d'eux. Les passages les plus proches sont proposés en lecture complémentaire."
    )


class ScopeGuard:
    def __init__(self, embedder: Embeddings, store: PassageStore, margin: float = 0.04) -> None:
        prototypes = json.loads(PROTOTYPES_FILE.read_text(encoding="utf-8"))["prototypes"]
        self.embedder = embedder
        self.store = store
        self.margin = margin
        self._prototypes = np.asarray(embedder.embed_documents(prototypes), dtype=np.float32)

    def similarities(self, question: str) -> tuple[float, float]:
        """(best similarity to a passage, best similarity to an out-of-scope prototype)."""
        vector = self.embedder.embed_query(question)
        best = self.store.query(vector, 1)
        in_scope = best[0][1] if best else 0.0
        out_scope = float(np.max(self._prototypes @ np.asarray(vector, dtype=np.float32)))
        return in_scope, out_scope

    def is_out_of_scope(self, question: str) -> bool:
        in_scope, out_scope = self.similarities(question)
        return out_scope > in_scope + self.margin
