"""Learn the second stage of the scope decision (``assistant.scope``) from the example questions.

Each example question (``assistant/data/scope_questions.json``) is searched as a partner's question
would be, and what was found is measured (``Evidence``).  Its text probability comes from a
classifier trained on the other folds, as a new question's would.  The examples that the search
covers well are never refused, so only the others are learned from: a logistic regression over
the text probability's logit and the evidence.  No gold question is read.

    python -m evals.scope            # prints the figures and the weights
    python -m evals.scope --write    # ...and writes them to assistant/data/scope_evidence.json

The figures compare, on held-out folds of the examples, the share of out-of-scope examples
refused by the text alone (at ``TEXT_OUT_OF_SCOPE_PROBABILITY``) and by both stages with a
threshold refusing as many in-scope examples, and both shares at the threshold shipped; then, of
the examples a passage covers well, how many in-scope and out-of-scope ones their text alone sends
to the scope decision all the same (``CERTAINLY_OUTSIDE``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.grounding import without_instructions
from assistant.learned import fingerprint
from assistant.questions import QUESTIONS_FILE
from assistant.retrieve import normalise_query
from assistant.scope import (
    CERTAINLY_OUTSIDE,
    OUT_OF_SCOPE_PROBABILITY,
    SCOPE_EVIDENCE_FILE,
    SCOPE_QUESTIONS_FILE,
    STACK_FEATURES,
    TEXT_OUT_OF_SCOPE_PROBABILITY,
    Evidence,
    ScopeClassifier,
    stack_features,
)
from assistant.service import ANSWER_DEPTH, Assistant
from evals.learning import learn_main

FOLDS = 5


@dataclass(frozen=True)
class Example:
    text: str  # as written in the examples file, which the shipped classifier learns from
    question: str  # as the classifier reads a question: cleaned, the glossary's expansions added
    outside: bool
    evidence: Evidence


def examples(assistant: Assistant, path: Path = SCOPE_QUESTIONS_FILE) -> list[Example]:
    """Every example question with what the search finds for it, in a fixed shuffled order."""
    shipped = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for outside, questions in ((False, shipped["in_scope"]), (True, shipped["out_of_scope"])):
        for question in questions:
            cleaned = normalise_query(question)
            hits = without_instructions(assistant.search(cleaned, ANSWER_DEPTH))
            evidence = Evidence.of(assistant.answerer, cleaned, hits)
            expanded = assistant.index.glossary.expand(cleaned)
            found.append(Example(question, expanded, outside, evidence))
    order = np.random.default_rng(0).permutation(len(found))
    return [found[i] for i in order]


def held_out_text_probabilities(found: list[Example], folds: int = FOLDS) -> np.ndarray:
    """Each example's text probability from a classifier trained on the other folds, as the
    shipped one is (``ScopeClassifier.default``: on the examples as written)."""
    probabilities = np.zeros(len(found))
    for k in range(folds):
        train = [e for i, e in enumerate(found) if i % folds != k]
        inside = [e.text for e in train if not e.outside]
        classifier = ScopeClassifier(inside, [e.text for e in train if e.outside])
        for i in range(k, len(found), folds):
            probabilities[i] = classifier.text_probability(found[i].question)
    return probabilities


def fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Weights of ``STACK_FEATURES`` (the first column of ``x`` is the bias, 1)."""
    from sklearn.linear_model import LogisticRegression  # comes with sentence-transformers

    model = LogisticRegression(C=1.0, fit_intercept=False, max_iter=5000).fit(x, y)
    return model.coef_[0]


def compare(x: np.ndarray, y: np.ndarray, text: np.ndarray, folds: int = FOLDS) -> dict[str, float]:
    """Out-of-scope examples refused by the text alone and by both stages (held out), at the
    share of in-scope examples the text alone refuses."""
    stacked = np.zeros(len(y))
    for k in range(folds):
        held = np.arange(len(y)) % folds == k
        weights = fit(x[~held], y[~held])
        stacked[held] = 1 / (1 + np.exp(-x[held] @ weights))
    by_text = text > TEXT_OUT_OF_SCOPE_PROBABILITY
    inside_refused = float(by_text[~y].mean())
    threshold = float(np.quantile(stacked[~y], 1 - inside_refused))
    return {
        "in_scope_refused": round(inside_refused, 4),
        "out_of_scope_refused_by_text": round(float(by_text[y].mean()), 4),
        "out_of_scope_refused_by_both": round(float((stacked[y] > threshold).mean()), 4),
        "threshold_refusing_as_many_in_scope": round(threshold, 4),
        # ...and at the threshold shipped (OUT_OF_SCOPE_PROBABILITY)
        "in_scope_refused_at_shipped": round(float((stacked[~y] > OUT_OF_SCOPE_PROBABILITY).mean()), 4),
        "out_of_scope_refused_at_shipped": round(float((stacked[y] > OUT_OF_SCOPE_PROBABILITY).mean()), 4),
    }


def strongly_covered(text: np.ndarray, outside: np.ndarray) -> dict[str, float]:
    """How many examples a passage covers well (``Evidence.strong``), the highest held-out text
    probability among the in-scope ones, and how many out-of-scope ones their text alone sends to
    the scope decision all the same (``CERTAINLY_OUTSIDE``)."""
    return {
        "in_scope": int((~outside).sum()),
        "out_of_scope": int(outside.sum()),
        "in_scope_highest_text_probability": round(float(text[~outside].max(initial=0.0)), 4),
        "in_scope_checked": int((text[~outside] > CERTAINLY_OUTSIDE).sum()),
        "out_of_scope_checked": int((text[outside] > CERTAINLY_OUTSIDE).sum()),
    }


def learn(assistant: Assistant) -> dict:
    """The weights fitted on every weakly covered example, and the held-out figures."""
    found = examples(assistant)
    text = held_out_text_probabilities(found)
    weak = np.array([not e.evidence.strong for e in found])
    outside = np.array([e.outside for e in found])
    x = np.array([stack_features(p, e.evidence) for p, e in zip(text, found)])[weak]
    y = outside[weak]
    return {
        "weights": {name: round(float(w), 4) for name, w in zip(STACK_FEATURES, fit(x, y))},
        "examples": len(found),
        "weakly_covered": {"in_scope": int((~y).sum()), "out_of_scope": int(y.sum())},
        "held_out": compare(x, y, text[weak]),
        "strongly_covered": strongly_covered(text[~weak], outside[~weak]),
        "learned_from": fingerprint(SCOPE_QUESTIONS_FILE, QUESTIONS_FILE),
    }


def main(argv: list[str] | None = None) -> int:
    return learn_main(argv, "python -m evals.scope", __doc__, SCOPE_EVIDENCE_FILE, learn)


if __name__ == "__main__":
    raise SystemExit(main())
