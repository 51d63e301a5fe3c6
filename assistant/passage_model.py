"""Which passage a question is about, learned from the questions attached to the passages.

The questions of ``assistant.questions`` are searched one by one: a passage ranks as its best
question.  A partner's question that matches no attached question closely, but resembles several
of one passage's, is missed that way.  This voice learns from all of them at once: a multinomial
logistic regression from a question's embedding to the passage its anchor is in, fitted once per
store and set of questions (about 3 s for the shipped contract) and saved beside the questions'
vectors.  It knows only the passages that have questions (the shipped contract's); the others get
probability 0.

Held out over the attached questions (a question and its near duplicates left out of the fit, 5
folds), the right passage's reciprocal rank among the 89 passages of the shipped contract is 0.55
by this model, 0.45 by the best attached question's cosine and 0.34 by the passage's own cosine
(a one-off comparison).  As a voice of the fusion and two features of the learned ranking
(``assistant.ranking``), it takes the held-out MRR of the candidates from 0.7696 to 0.7732
(``python -m evals.fusion``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.vectors import content_key, load_arrays, save_arrays

# sklearn's C.  A first trial, with the probability and its log as features, gave the ranking a
# held-out MRR of 0.7709, 0.7773, 0.7761 at 1, 10, 100.
REGULARISATION = 10.0
FLOOR = 1e-4  # a probability this low says nothing: the signal is log(1 + p / FLOOR)


@dataclass(frozen=True)
class PassageModel:
    """Softmax weights over the passages that have attached questions."""

    passage_ids: tuple[str, ...]
    weights: np.ndarray  # (passages, dimension)
    bias: np.ndarray  # (passages,)

    @classmethod
    def learn(cls, vectors: np.ndarray, passage_ids: Sequence[str]) -> PassageModel | None:
        """Fitted on question ``i``'s vector ``vectors[i]`` pointing to ``passage_ids[i]``; None
        when the questions point to fewer than two passages (nothing to tell apart)."""
        ids = tuple(sorted(set(passage_ids)))
        if len(ids) < 2:
            return None
        from sklearn.linear_model import LogisticRegression

        column = {pid: j for j, pid in enumerate(ids)}
        fitted = LogisticRegression(C=REGULARISATION, max_iter=3000).fit(
            vectors, [column[pid] for pid in passage_ids]
        )
        return cls(ids, fitted.coef_.astype(np.float32), fitted.intercept_.astype(np.float32))

    def probabilities(self, vector: Sequence[float]) -> dict[str, float]:
        """Each passage's probability of being the one ``vector``'s question is about."""
        logits = self.weights @ np.asarray(vector, dtype=np.float32) + self.bias
        odds = np.exp(logits - logits.max())
        return dict(zip(self.passage_ids, (odds / odds.sum()).tolist()))

    def save(self, path: Path, key: str) -> None:
        """Written atomically: a reader sees the old file or the new one."""
        save_arrays(path, key, ids=np.array(self.passage_ids), weights=self.weights, bias=self.bias)

    @classmethod
    def load(cls, path: Path, key: str) -> PassageModel | None:
        """The model saved under ``key``; None when missing, unreadable or learned from other
        questions or passages."""
        if (saved := load_arrays(path, key)) is None:
            return None
        return cls(tuple(str(i) for i in saved["ids"]), saved["weights"], saved["bias"])


def model_key(vectors_key: str, passage_ids: Sequence[str]) -> str:
    """What a saved model was learned from: the questions' vectors, their passages, the fit."""
    return content_key(vectors_key, repr(REGULARISATION), *passage_ids)


def signal(probability: float) -> float:
    """The ranking's feature: 0 for a passage the model gives nothing, growing as log p."""
    return float(np.log1p(probability / FLOOR))
