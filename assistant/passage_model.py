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

``WordingModel`` learns the same from the questions' letters rather than their embeddings, and is
kept the same way.  Together with the sentences' voice (``assistant.sentences``), it took that
held-out MRR from 0.7747 to 0.7764 only, but the gold questions' MRR, which neither learned from,
from 0.904 to 0.913 on the dev split and from 0.879 to 0.899 on the test split
(``python -m evals.run --split dev``, ``--split test``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from assistant.lexical import folded_lower
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


# The wording model's letters: character 3- to 5-grams inside each word of the folded text.
# Held out over the attached questions (5 folds, near duplicates left out), the right passage's
# reciprocal rank was 0.586 by these, 0.584 with word 1- and 2-grams added, 0.522 by the words
# alone, and 0.496 by the embedding model above (a one-off comparison).
LETTERS = (3, 5)
MIN_QUESTIONS = 2  # a letter sequence in fewer questions is not a feature


@dataclass(frozen=True)
class WordingModel:
    """Which passage a question is about, learned from the letters of the attached questions:
    a logistic regression over the TF-IDF of their character n-grams (``LETTERS``), which
    inflections, misspellings and the words the embedding model knows badly in French leave
    in common.  The vocabulary, its IDF and the weights are kept as arrays, so a query needs
    no fitted object: ``probabilities`` computes its TF-IDF as scikit-learn's
    ``TfidfVectorizer(analyzer="char_wb", sublinear_tf=True)`` does."""

    passage_ids: tuple[str, ...]
    letters: tuple[str, ...]  # the n-grams, in column order
    idf: np.ndarray  # (letters,)
    weights: np.ndarray  # (passages, letters)
    bias: np.ndarray  # (passages,)

    @classmethod
    def learn(cls, questions: Sequence[str], passage_ids: Sequence[str]) -> WordingModel | None:
        """Fitted on ``questions[i]`` pointing to ``passage_ids[i]``; None when they point to
        fewer than two passages."""
        ids = tuple(sorted(set(passage_ids)))
        if len(ids) < 2:
            return None
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        vectorizer = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=LETTERS,
            preprocessor=folded_lower,
            sublinear_tf=True,
            min_df=MIN_QUESTIONS,
            dtype=np.float32,
        )
        column = {pid: j for j, pid in enumerate(ids)}
        fitted = LogisticRegression(C=REGULARISATION, max_iter=3000).fit(
            vectorizer.fit_transform(questions), [column[pid] for pid in passage_ids]
        )
        return cls(
            ids,
            tuple(str(n) for n in vectorizer.get_feature_names_out()),
            vectorizer.idf_.astype(np.float32),
            fitted.coef_.astype(np.float32),
            fitted.intercept_.astype(np.float32),
        )

    def probabilities(self, text: str) -> dict[str, float]:
        """Each passage's probability of being the one ``text`` asks about."""
        columns, counts = self._letters_of(text)
        logits = self.bias.copy()
        if len(columns):
            tfidf = (1 + np.log(counts)) * self.idf[columns]
            logits += self.weights[:, columns] @ (tfidf / np.linalg.norm(tfidf))
        odds = np.exp(logits - logits.max())
        return dict(zip(self.passage_ids, (odds / odds.sum()).tolist()))

    def _letters_of(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The columns of ``text``'s known n-grams and how often each occurs."""
        found: dict[int, int] = {}
        for ngram in letter_ngrams(folded_lower(text)):
            if (j := self._column.get(ngram)) is not None:
                found[j] = found.get(j, 0) + 1
        return np.fromiter(found, dtype=np.int64), np.fromiter(found.values(), dtype=np.float32)

    @cached_property
    def _column(self) -> dict[str, int]:
        return {ngram: j for j, ngram in enumerate(self.letters)}

    def save(self, path: Path, key: str) -> None:
        save_arrays(
            path, key, ids=np.array(self.passage_ids), letters=np.array(self.letters),
            idf=self.idf, weights=self.weights, bias=self.bias,
        )

    @classmethod
    def load(cls, path: Path, key: str) -> WordingModel | None:
        """The model saved under ``key``; None when missing, unreadable or of another key."""
        if (saved := load_arrays(path, key)) is None:
            return None
        return cls(
            tuple(str(i) for i in saved["ids"]), tuple(str(n) for n in saved["letters"]),
            saved["idf"], saved["weights"], saved["bias"],
        )


def wording_key(questions: Sequence[str], passage_ids: Sequence[str]) -> str:
    """What a saved wording model was learned from: the questions, their passages, the fit."""
    settings = repr((LETTERS, MIN_QUESTIONS, REGULARISATION))
    return content_key(settings, *questions, "", *passage_ids)


def letter_ngrams(text: str) -> list[str]:
    """The character n-grams of each whitespace-separated word of ``text``, padded with a space
    on each side, as scikit-learn's ``analyzer="char_wb"``: a word shorter than the smallest n
    counts once, whole."""
    low, high = LETTERS
    ngrams = []
    for word in text.split():
        padded = f" {word} "
        for n in range(low, high + 1):
            ngrams.extend(padded[i : i + n] for i in range(max(len(padded) - n, 0) + 1))
            if len(padded) <= n:
                break
    return ngrams
