"""Learn the ranking's weights (``assistant.ranking``) from the questions attached to the corpus.

Each distinct question attached to a passage (``assistant.questions``) is searched as a partner's
question would be, with itself and its near duplicates (``evals.gold.much_alike``) left out of the
question voices: a partner's question is not among them.  The passages holding its anchor are the
right answers; the other candidates of the fusion are the wrong ones.  The passage model,
the wording model (``assistant.passage_model``) and the query map (``assistant.adapter``) are
learned five times, each time without a fifth of the questions and their near duplicates, and
that fifth is searched with them.  A pairwise logistic regression (right minus wrong) learns one
weight per feature.  No gold question is read.

    python -m evals.fusion            # prints the 5-fold figures and the weights
    python -m evals.fusion --write    # ...and writes them to assistant/data/ranking.json

Figures are mean reciprocal rank and hit@1 of the right passage among the candidates, on the
held-out fold, for the hand-set order (fusion plus re-rank, ``RetrievalMode(learned=False)``) and
for the learned one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant import ranking
from assistant.answer import RERANK_WEIGHT
from assistant.learned import fingerprint
from assistant.questions import QUESTIONS_FILE
from assistant.service import RERANK_DEPTH, Assistant
from evals.gold import much_alike, words_of
from evals.learning import learn_main

FOLDS = 5
MODEL_FOLDS = 5  # the models are learned without each fifth of the questions in turn
REGULARISATION = 1.0  # sklearn's C; held-out MRR 0.7537, 0.7558, 0.7554 at 0.1, 1, 10


@dataclass(frozen=True)
class Case:
    """One question searched: its candidates' features and which candidates are right."""

    question: str
    features: np.ndarray  # one row per candidate, in the fusion's order
    right: np.ndarray  # booleans
    hand: np.ndarray  # the hand-set order's scores (fusion plus re-rank), for comparison


def cases(assistant: Assistant) -> list[Case]:
    """Every distinct attached question searched without its near duplicates."""
    index, answerer = assistant.index, assistant.answerer
    attached = index.questions
    answers: dict[str, set[str]] = {}
    for question, pid in zip(attached.questions, attached.passage_ids):
        answers.setdefault(question, set()).add(pid)
    words = [words_of(q) for q in attached.questions]
    asked = sorted(answers.items())
    alike = [
        frozenset(i for i, other in enumerate(words) if much_alike(own, other))
        for own in (words_of(question) for question, _ in asked)
    ]
    # The models learned from every question would know each one: the questions are cut in
    # folds, and a fold is searched with the models learned without it and its near duplicates.
    embedder = assistant.retriever.embedder
    folds = [frozenset().union(*alike[k::MODEL_FOLDS]) for k in range(MODEL_FOLDS)]
    models = [attached.model_without(embedder, left_out) for left_out in folds]
    wordings = [attached.wording_model_without(left_out) for left_out in folds]
    adapters = [attached.adapter_without(embedder, index.sentences, left_out) for left_out in folds]
    found = []
    for n, (question, right) in enumerate(asked):
        fold = n % MODEL_FOLDS
        hits = assistant.retriever.search(
            question,
            RERANK_DEPTH,
            exclude_questions=alike[n],
            model=models[fold],
            wording=wordings[fold],
            adapter=adapters[fold],
        )
        coverage = answerer.answering_coverage(question, hits)
        hand = {h.passage.id: h.score for h in answerer.rerank(question, hits, RERANK_WEIGHT)}
        found.append(
            Case(
                question,
                np.array(
                    [ranking.features(h, coverage.get(h.passage.id, 0.0)) for h in hits]
                ).reshape(len(hits), len(ranking.FEATURES)),
                np.array([h.passage.id in right for h in hits]),
                np.array([hand[h.passage.id] for h in hits]),
            )
        )
    return found


def fit(train: Sequence[Case]) -> np.ndarray:
    """Weights such that a right candidate outscores the wrong ones of its question."""
    from sklearn.linear_model import LogisticRegression  # comes with sentence-transformers

    differences = [
        right_row - case.features[~case.right]
        for case in train
        if case.right.any() and not case.right.all()
        for right_row in case.features[case.right]
    ]
    pairs = np.concatenate(differences)
    x = np.concatenate([pairs, -pairs])
    y = np.r_[np.ones(len(pairs)), np.zeros(len(pairs))]
    model = LogisticRegression(C=REGULARISATION, fit_intercept=False, max_iter=5000).fit(x, y)
    return model.coef_[0]


def rank_figures(scored: Sequence[tuple[np.ndarray, np.ndarray]]) -> dict[str, float]:
    """MRR and hit@1 of the first right candidate, given (scores, right) per question."""
    ranks = []
    for scores, right in scored:
        ordered = right[np.argsort(-scores, kind="stable")]
        ranks.append(int(np.argmax(ordered)) + 1 if ordered.any() else 0)
    return {
        "mrr": float(np.mean([1 / r if r else 0.0 for r in ranks])),
        "hit@1": float(np.mean([r == 1 for r in ranks])),
    }


def cross_validate(found: Sequence[Case], folds: int = FOLDS) -> dict[str, dict[str, float]]:
    """Held-out figures, hand-set and learned, averaged over ``folds`` folds."""
    hand, learned = [], []
    for k in range(folds):
        test = found[k::folds]
        weights = fit([c for i, c in enumerate(found) if i % folds != k])
        hand.append(rank_figures([(c.hand, c.right) for c in test]))
        learned.append(rank_figures([(c.features @ weights, c.right) for c in test]))
    mean = lambda rows: {key: round(float(np.mean([r[key] for r in rows])), 4) for key in rows[0]}
    return {"hand": mean(hand), "learned": mean(learned)}


def learn(assistant: Assistant) -> dict:
    """The weights fitted on every usable question, and the held-out figures."""
    found = cases(assistant)
    usable = [c for c in found if c.right.any()]
    weights = fit(usable)
    return {
        "weights": {name: round(float(w), 4) for name, w in zip(ranking.FEATURES, weights)},
        "questions": len(found),
        "with_right_candidate": len(usable),
        "cross_validation": cross_validate(usable),
        "learned_from": fingerprint(QUESTIONS_FILE),
    }


def main(argv: list[str] | None = None) -> int:
    return learn_main(argv, "python -m evals.fusion", __doc__, ranking.RANKING_FILE, learn)


if __name__ == "__main__":
    raise SystemExit(main())
