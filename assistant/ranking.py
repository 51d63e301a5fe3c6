"""The order of the candidates: a linear score over what each retrieval voice said of a passage.

Reciprocal rank fusion picks the candidates (``assistant.retrieve``); this module orders them.
Each candidate is described by eighteen features: its reciprocal rank and score in each voice
(``Hit.signals``), how well its best answering sentence covers the question
(``ExtractiveAnswerer.answering_coverage``) and the log of its length.  The score is a weighted
sum of them.

The weights are learned, not tuned by hand: ``python -m evals.fusion --write`` searches each
question attached to the shipped contract (``assistant.questions``) with its near duplicates left
out of the question voices, as a partner's question has none, and fits a pairwise logistic
regression (the passage holding the question's anchor against the other candidates).  No gold
question is used, so the dev and test splits both measure the ranking from outside.  The weights,
with the figures of their fitting, are in ``data/ranking.json``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from assistant.learned import read_weights
from assistant.records import Hit

RANKING_FILE = Path(__file__).parent / "data" / "ranking.json"
FEATURES = (
    "dense",
    "lexical",
    "questions",
    "question_vectors",
    "cosine",
    "bm25",
    "question_bm25",
    "question_cosine",
    "question_bm25_top3",
    "question_cosine_top3",
    "passage_model",
    "passage_model_log",
    "wording_model",
    "wording_model_log",
    "sentences",
    "sentence_cosine",
    "coverage",
    "log_length",
)


def features(hit: Hit, coverage: float) -> tuple[float, ...]:
    """The features of one candidate, in the order of ``FEATURES``."""
    said = hit.signals
    return (
        said.dense,
        said.lexical,
        said.questions,
        said.question_vectors,
        said.cosine,
        said.bm25,
        said.question_bm25,
        said.question_cosine,
        said.question_bm25_top3,
        said.question_cosine_top3,
        said.passage_model,
        said.passage_model_log,
        said.wording_model,
        said.wording_model_log,
        said.sentences,
        said.sentence_cosine,
        coverage,
        math.log(max(len(hit.passage.text), 1)),
    )


@lru_cache(maxsize=1)
def default_weights() -> tuple[float, ...]:
    """The learned weights, in the order of ``FEATURES``."""
    return read_weights(RANKING_FILE, FEATURES)


def order(
    hits: Sequence[Hit], coverage: Mapping[str, float], weights: Sequence[float] | None = None
) -> list[Hit]:
    """``hits`` best first by their learned score, which becomes their score; ranks renumbered.
    ``coverage`` maps a passage id to its best answering unit's coverage (0 when missing)."""
    weights = default_weights() if weights is None else weights
    scored = [
        (sum(w * x for w, x in zip(weights, features(hit, coverage.get(hit.passage.id, 0.0)))), hit)
        for hit in hits
    ]
    scored.sort(key=lambda item: -item[0])  # stable: equal scores keep the fusion's order
    return [replace(hit, rank=rank, score=score) for rank, (score, hit) in enumerate(scored, 1)]
