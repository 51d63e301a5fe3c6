"""A query's vector moved toward the sentences that answer it, learned from the attached questions.

The English-trained embedding model places a French question far from the sentence answering it
when they share few words: of the 513 sentences and list items of the shipped contract, "Création
de piste cyclables" is the 340th closest to "Des voies réservées aux vélos sont-elles prévues ?"
(the 35th once the question's vector is mapped as below).
The questions attached to the passages (``assistant.questions``) each point to the words that
answer them, in one unit of one passage (``assistant.units.units_of``).  ``QueryAdapter`` is a
linear map of a query's vector, learned so that each attached question's mapped vector lies
closest to its own unit among all the units of the corpus (softmax over the units, cross-entropy),
and held near the identity, so that a question unlike any attached one keeps its meaning.  The
units' vectors are not mapped: a new passage's sentences need no learning to be found.

The voices that compare a query with the documents' own text by meaning hear the mapped vector:
the passages' (Chroma) and their sentences' (``assistant.sentences``); those that compare it with
the attached questions, in the model's own space, keep the raw one.  By the closest unit's cosine
alone, the evidence of the read gold questions (the dev split and the read sets, 642 questions,
which the map never learned from) had a reciprocal rank of 0.66 with the map against 0.39
without, and by the passage's own cosine 0.48 against 0.27; for the new facts
(``evals/gold/newfacts.jsonl``), 0.43 against 0.17 by the unit (a one-off comparison, which also
chose ``HOLD`` among 0, 0.001, 0.01 and 0.1).  Fitting it takes about 13 s on 2 cores for the
shipped contract; it is saved beside the questions' vectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.vectors import content_key, load_arrays, save_arrays

HOLD = 0.001  # weight of the squared distance of the map from the identity
SHARPNESS = 20.0  # cosines are multiplied by this before the softmax over the units
STEPS = 300  # of Adam over all the questions at once
LEARNING_RATE = 1e-3


@dataclass(frozen=True)
class QueryAdapter:
    """The matrix by which a query's unit vector is multiplied (on the right)."""

    matrix: np.ndarray  # (dimension, dimension)

    @classmethod
    def learn(
        cls, questions: np.ndarray, units: np.ndarray, answers: Sequence[int]
    ) -> QueryAdapter | None:
        """Fitted so that question ``i`` (the unit vector ``questions[i]``) lies closest to unit
        ``answers[i]`` of ``units``; questions whose answer is negative are left out.  None when
        fewer than two units are answers (nothing to tell apart)."""
        answers = np.asarray(answers, dtype=np.int64)
        kept = answers >= 0
        if len(set(answers[kept].tolist())) < 2:
            return None
        import torch  # comes with sentence-transformers

        x = torch.from_numpy(np.ascontiguousarray(questions[kept], dtype=np.float32))
        u = torch.from_numpy(np.ascontiguousarray(units, dtype=np.float32))
        y = torch.from_numpy(answers[kept])
        identity = torch.eye(x.shape[1])
        matrix = torch.nn.Parameter(identity.clone())
        optimiser = torch.optim.Adam([matrix], lr=LEARNING_RATE)
        for _ in range(STEPS):
            mapped = torch.nn.functional.normalize(x @ matrix, dim=-1)
            loss = torch.nn.functional.cross_entropy(SHARPNESS * mapped @ u.T, y)
            loss = loss + HOLD * ((matrix - identity) ** 2).sum()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        return cls(matrix.detach().numpy().astype(np.float32))

    def adapt(self, vector: Sequence[float]) -> np.ndarray:
        """``vector`` mapped, as a unit vector."""
        mapped = np.asarray(vector, dtype=np.float32) @ self.matrix
        return mapped / max(float(np.linalg.norm(mapped)), 1e-12)

    def save(self, path: Path, key: str) -> None:
        save_arrays(path, key, matrix=self.matrix)

    @classmethod
    def load(cls, path: Path, key: str) -> QueryAdapter | None:
        """The map saved under ``key``; None when missing, unreadable or of another key."""
        if (saved := load_arrays(path, key)) is None:
            return None
        return cls(saved["matrix"])


def adapter_key(vectors_key: str, units_key: str, answers: Sequence[int]) -> str:
    """What a saved map was learned from: the questions' and units' vectors, the answers, the fit."""
    settings = repr((HOLD, SHARPNESS, STEPS, LEARNING_RATE))
    return content_key(settings, vectors_key, units_key, ",".join(map(str, answers)))


def answering_units(
    passage_ids: Sequence[str], anchors: Sequence[str], unit_passages: Sequence[str], unit_texts: Sequence[str]
) -> list[int]:
    """For each attached question (its passage and anchor), the number of the first unit of its
    passage that holds its anchor or lies within it; -1 when none does."""
    by_passage: dict[str, list[int]] = {}
    for k, pid in enumerate(unit_passages):
        by_passage.setdefault(pid, []).append(k)
    answers = []
    for pid, anchor in zip(passage_ids, anchors):
        units = by_passage.get(pid, [])
        found = next((k for k in units if anchor in unit_texts[k]), None)
        if found is None:
            found = next((k for k in units if unit_texts[k] in anchor), -1)
        answers.append(found)
    return answers
