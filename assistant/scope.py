"""Out-of-scope questions: about a name the documents never use, or closer to a prototype of
another domain than to any passage.

A capitalised word that does not open a sentence is a name ("Eurovision", "Windows", "Caen");
when neither the corpus nor the glossary knows it, the documents cannot answer a question about
it (``unknown_names``).

The prototypes (``data/out_of_scope.json``: sport results, weather, recipes, general knowledge,
small talk...) are embedded once; a question whose embedding is more similar to one of them than
to the best passage of the corpus, by more than ``margin``, is out of scope.  The margin (0.04)
was chosen on the dev split of the gold questions (``python -m evals.run --calibrate``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.glossary import Glossary
from assistant.lexical import LexicalIndex, names_in, tokenize
from ingest.store import PassageStore

PROTOTYPES_FILE = Path(__file__).parent / "data" / "out_of_scope.json"


def unknown_names(question: str, lexical: LexicalIndex, glossary: Glossary) -> list[str]:
    """The names of ``question`` (see ``assistant.lexical.names_in``), or capitalised parts of a
    hyphenated one, that neither the indexed passages nor the glossary contain, even bridged
    (see ``LexicalIndex.bridge``)."""
    unknown = []
    for name in names_in(question):
        if glossary.lookup(name) is not None:
            continue
        for part in name.split("-"):  # "Flers-Paris": "Paris" is unknown even if "Flers" is not
            tokens = tokenize(part)
            if part[:1].isupper() and tokens and not any(lexical.knows(t) for t in tokens):
                unknown.append(part)
    return unknown


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
