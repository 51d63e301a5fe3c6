"""Out-of-scope questions: closer to a prototype of another domain than to any passage.

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

from ingest.store import PassageStore

PROTOTYPES_FILE = Path(__file__).parent / "data" / "out_of_scope.json"


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
