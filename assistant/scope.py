"""Out-of-scope questions: about a name the documents never use, or of another domain.

A capitalised word that does not open a sentence is a name ("Eurovision", "Windows", "Caen");
when neither the corpus nor the glossary knows it, the documents cannot answer a question about
it (``unknown_names``).  The corpus knows a name when a passage holds it as written (accents,
case and a plural s aside), not merely its stem: "Mont" (in "Mont-Saint-Michel") has the stem of
"monter", which the documents use, but no passage says "Mont".

Other questions are told apart by ``ScopeClassifier``, a logistic regression over the letters
and words of example questions (``data/scope_questions.json``: questions the contract answers,
formal and familiar, and everyday questions of other domains, many of them naming a local place
or borrowing the contract's words: "mon fils a de la fièvre", "un garage à Flers").  The
English-trained embedding model could not do it: the margin between a question's similarity to
out-of-scope prototypes and to the best passage overlapped between out-of-scope questions and
residents' familiar ones.  Only questions that no passage covers well are checked
(see ``assistant.service``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from assistant.glossary import Glossary
from assistant.lexical import LexicalIndex, fold, indexed_text, names_in, tokenize
from ingest.records import Passage

SCOPE_QUESTIONS_FILE = Path(__file__).parent / "data" / "scope_questions.json"
# Probability of "out of scope" above which a question is refused, chosen on the dev split for
# its best CRAG score (python -m evals.run --split dev):
#   threshold              0.5    0.6    0.7    0.8    0.85   0.9
#   false refusals         9.0 %  6.6 %  6.6 %  4.9 %  3.3 %  2.5 %
#   unanswerable refused   0.92   0.92   0.92   0.92   0.92   0.92
#   CRAG                   0.571  0.592  0.592  0.592  0.605  0.599
OUT_OF_SCOPE_PROBABILITY = 0.85


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


class ScopeClassifier:
    """Whether a question belongs to the contract's domain, learnt from example questions."""

    def __init__(
        self, path: Path = SCOPE_QUESTIONS_FILE, threshold: float = OUT_OF_SCOPE_PROBABILITY
    ) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union

        examples = json.loads(path.read_text(encoding="utf-8"))
        inside, outside = examples["in_scope"], examples["out_of_scope"]
        # Letters survive misspellings and inflections; words and word pairs carry topics.
        letters = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), preprocessor=_folded, sublinear_tf=True,
            min_df=2,
        )
        words = TfidfVectorizer(
            analyzer="word", ngram_range=(1, 2), preprocessor=_folded, sublinear_tf=True
        )
        features = make_union(letters, words)
        self._model = make_pipeline(features, LogisticRegression(C=10.0, max_iter=2000))
        self._model.fit([*inside, *outside], [0] * len(inside) + [1] * len(outside))
        self.threshold = threshold

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> ScopeClassifier:
        """The classifier of the shipped examples, trained once per process (0.5 s on this
        machine, plus about 1 s to import scikit-learn)."""
        return cls()

    def probability(self, question: str) -> float:
        """Probability that ``question`` is outside the contract's domain."""
        return float(self._model.predict_proba([question])[0, 1])

    def is_out_of_scope(self, question: str) -> bool:
        return self.probability(question) > self.threshold


def _folded(text: str) -> str:
    return fold(text).lower()
