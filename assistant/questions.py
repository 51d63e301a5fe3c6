"""Questions the passages answer: a bridge from partners' words to the documents' own.

A question may share no word with the passage that answers it ("les gamins qui sèchent les
cours" for "décrochage scolaire"), and the English-trained embedding model does not bridge French
paraphrases well.  ``data/anchored_questions.json`` holds questions written for the shipped
contract, each with its anchor: the exact words of the passage that answer it, and the document
they are in.  When an index is opened, each question is attached to the passages of its document
that hold its anchor, so a new splitting of the document keeps it right, and a question whose
anchor no passage holds is left out.  The retriever searches the questions by words (BM25) and by
meaning (the embedding model), and a passage ranks as its best question.

The questions were written by helper sessions that read only the passages, never the gold
questions nor the code; those sharing half their words or more with a gold question were
removed, and a test keeps it so.  Their vectors are computed once per store and question set and
saved beside the lexical index.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.adapter import QueryAdapter, adapter_key, answering_units
from assistant.lexical import LexicalIndex
from assistant.passage_model import PassageModel, WordingModel, model_key, wording_key
from assistant.vectors import content_key, embedder_name, unit_vectors
from ingest.records import Passage

if TYPE_CHECKING:
    from assistant.sentences import SentenceIndex

Model = TypeVar("Model", PassageModel, WordingModel, QueryAdapter)
QUESTIONS_FILE = Path(__file__).parent / "data" / "anchored_questions.json"
DEPTH = 200  # questions read to rank passages (the shipped contract has about 30 a passage)


@dataclass(frozen=True)
class AnchoredQuestion:
    """A question, and the exact words of a document (``source``) that answer it."""

    question: str
    anchor: str
    source: str


@dataclass(frozen=True)
class Match:
    """A passage found through its best question for a query, and that question's anchor."""

    passage_id: str
    score: float  # of the best question
    question: str
    anchor: str
    top3: float = 0.0  # the mean score of the passage's 3 best questions, 0 for a missing one


@lru_cache(maxsize=4)
def load_questions(path: Path = QUESTIONS_FILE) -> tuple[AnchoredQuestion, ...]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        AnchoredQuestion(q["question"], q["anchor"], q["source"]) for q in raw["questions"]
    )


class QuestionIndex:
    """The questions whose anchor a passage holds, each under that passage's id."""

    def __init__(
        self,
        questions: list[str],
        passage_ids: list[str],
        anchors: list[str],
        cache: Path | None = None,
    ) -> None:
        self.questions = questions
        self.passage_ids = passage_ids  # passage_ids[i]: the passage question i points to
        self.anchors = anchors  # anchors[i]: the words of that passage answering question i
        self._lexical = LexicalIndex.from_texts((str(i), q) for i, q in enumerate(questions))
        self._cache = cache
        self._vectors: np.ndarray | None = None
        self._model: PassageModel | None = None
        self._modelled = False  # whether _model was learned or read (it may be None)
        self._wording: WordingModel | None = None
        self._worded = False  # whether _wording was learned or read (it may be None)
        self._adapter: QueryAdapter | None = None
        self._adapted = False  # whether _adapter was learned or read (it may be None)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.questions)

    @classmethod
    def empty(cls) -> QuestionIndex:
        return cls([], [], [])

    @classmethod
    def attach(
        cls,
        passages: Iterable[Passage],
        questions: Iterable[AnchoredQuestion] | None = None,
        cache: Path | None = None,
    ) -> QuestionIndex:
        """Attach each question to the passages of its document that hold its anchor."""
        by_source: dict[str, list[AnchoredQuestion]] = {}
        for question in load_questions() if questions is None else questions:
            by_source.setdefault(question.source, []).append(question)
        texts, ids, anchors = [], [], []
        for passage in passages:
            for question in by_source.get(passage.source, ()):
                if question.anchor in passage.text:
                    texts.append(question.question)
                    ids.append(passage.id)
                    anchors.append(question.anchor)
        return cls(texts, ids, anchors, cache)

    def search(
        self,
        query: str,
        k: int,
        allowed: set[str] | None = None,
        related: Iterable[str] = (),
        exclude: frozenset[int] = frozenset(),
    ) -> list[Match]:
        """Passages ranked by the BM25 score of their best question for ``query``.  Questions
        numbered in ``exclude`` are left out (the ranking is learned so, see ``evals.fusion``)."""
        keep = self._allowed(allowed)
        if exclude:
            keep = keep if keep is not None else {str(i) for i in range(len(self))}
            keep -= {str(i) for i in exclude}
        found = self._lexical.search(query, DEPTH, keep, related)
        return self._best_per_passage(((int(i), score) for i, score in found), k)

    def search_vector(
        self,
        vector: list[float],
        embedder: Embeddings,
        k: int,
        allowed: set[str] | None = None,
        exclude: frozenset[int] = frozenset(),
    ) -> list[Match]:
        """Passages ranked by the cosine similarity of their best question to ``vector``."""
        if not self.questions:
            return []
        similarities = self.vectors(embedder) @ np.asarray(vector, dtype=np.float32)
        if exclude:
            similarities[list(exclude)] = -np.inf
        order = np.argsort(-similarities)[:DEPTH].tolist()
        scored = ((i, float(similarities[i])) for i in order if i not in exclude)
        if allowed is not None:
            scored = ((i, s) for i, s in scored if self.passage_ids[i] in allowed)
        return self._best_per_passage(scored, k)

    def vectors(self, embedder: Embeddings) -> np.ndarray:
        """The questions' unit vectors: computed once, saved in the cache file and read back."""
        with self._lock:
            if self._vectors is None:
                self._vectors = unit_vectors(self.questions, embedder, self._cache)
            return self._vectors

    def model(self, embedder: Embeddings) -> PassageModel | None:
        """Which passage a question is about, learned from these questions
        (``assistant.passage_model``): learned once, saved beside the vectors and read back."""
        vectors = self.vectors(embedder)
        with self._lock:
            if not self._modelled:
                self._model = self._load_or_learn(embedder, vectors)
                self._modelled = True
            return self._model

    def model_without(self, embedder: Embeddings, exclude: frozenset[int]) -> PassageModel | None:
        """The same model learned without the questions numbered in ``exclude``, neither saved nor
        kept: the ranking is learned on questions the model has not seen (``evals.fusion``)."""
        keep = [i for i in range(len(self)) if i not in exclude]
        return PassageModel.learn(self.vectors(embedder)[keep], [self.passage_ids[i] for i in keep])

    def wording_model(self) -> WordingModel | None:
        """Which passage a question is about, learned from these questions' letters
        (``assistant.passage_model.WordingModel``): learned once, saved beside the vectors and
        read back."""
        with self._lock:
            if not self._worded:
                self._wording = self._load_or_learn_wording()
                self._worded = True
            return self._wording

    def wording_model_without(self, exclude: frozenset[int]) -> WordingModel | None:
        """The wording model learned without the questions numbered in ``exclude``, neither saved
        nor kept (``evals.fusion``)."""
        keep = [i for i in range(len(self)) if i not in exclude]
        return WordingModel.learn([self.questions[i] for i in keep], [self.passage_ids[i] for i in keep])

    def adapter(self, embedder: Embeddings, sentences: SentenceIndex) -> QueryAdapter | None:
        """A map of query vectors toward the units of ``sentences`` that answer them, learned
        from these questions (``assistant.adapter``): learned once, saved beside the vectors and
        read back."""
        vectors, units = self.vectors(embedder), sentences.vectors(embedder)
        with self._lock:
            if not self._adapted:
                self._adapter = self._load_or_learn_adapter(embedder, vectors, sentences, units)
                self._adapted = True
            return self._adapter

    def adapter_without(
        self, embedder: Embeddings, sentences: SentenceIndex, exclude: frozenset[int]
    ) -> QueryAdapter | None:
        """The map learned without the questions numbered in ``exclude``, neither saved nor
        kept (``evals.fusion``)."""
        answers = self._answers(sentences)
        left_out = [-1 if i in exclude else unit for i, unit in enumerate(answers)]
        return QueryAdapter.learn(self.vectors(embedder), sentences.vectors(embedder), left_out)

    def _answers(self, sentences: SentenceIndex) -> list[int]:
        return answering_units(self.passage_ids, self.anchors, sentences.passage_ids, sentences.texts)

    def _load_or_learn_adapter(
        self, embedder: Embeddings, vectors: np.ndarray, sentences: SentenceIndex, units: np.ndarray
    ) -> QueryAdapter | None:
        if not self.questions or not sentences.texts:
            return None
        answers = self._answers(sentences)
        units_key = content_key(embedder_name(embedder), *sentences.texts)
        key = adapter_key(self._vectors_key(embedder), units_key, answers)
        return self._saved_or_learned(
            "adapter", key, QueryAdapter, lambda: QueryAdapter.learn(vectors, units, answers)
        )

    def _load_or_learn_wording(self) -> WordingModel | None:
        if not self.questions:
            return None
        key = wording_key(self.questions, self.passage_ids)
        return self._saved_or_learned(
            "wording", key, WordingModel, lambda: WordingModel.learn(self.questions, self.passage_ids)
        )

    def _load_or_learn(self, embedder: Embeddings, vectors: np.ndarray) -> PassageModel | None:
        if not self.questions:
            return None
        key = model_key(self._vectors_key(embedder), self.passage_ids)
        return self._saved_or_learned(
            "model", key, PassageModel, lambda: PassageModel.learn(vectors, self.passage_ids)
        )

    def _saved_or_learned(
        self, suffix: str, key: str, kind: type[Model], learn: Callable[[], Model | None]
    ) -> Model | None:
        """The model of class ``kind`` saved beside the vectors (``<cache>.<suffix>.npz``) under
        ``key``, else ``learn()``'s, saved there."""
        path = self._cache.with_name(f"{self._cache.stem}.{suffix}.npz") if self._cache else None
        if path is not None and (saved := kind.load(path, key)) is not None:
            return saved
        model = learn()
        if path is not None and model is not None:
            model.save(path, key)
        return model

    def _vectors_key(self, embedder: Embeddings) -> str:
        return content_key(embedder_name(embedder), *self.questions)

    def _allowed(self, passages: set[str] | None) -> set[str] | None:
        if passages is None:
            return None
        return {str(i) for i, pid in enumerate(self.passage_ids) if pid in passages}

    def _best_per_passage(self, scored: Iterable[tuple[int, float]], k: int) -> list[Match]:
        """The first (best) question of each passage, in the order given, at most ``k`` passages;
        with the mean of the passage's 3 best scores among all those given."""
        best: dict[str, tuple[int, float]] = {}
        scores: dict[str, list[float]] = {}
        for i, score in scored:
            pid = self.passage_ids[i]
            best.setdefault(pid, (i, score))
            scores.setdefault(pid, []).append(score)
        return [
            Match(pid, score, self.questions[i], self.anchors[i], sum(scores[pid][:3]) / 3)
            for pid, (i, score) in list(best.items())[:k]
        ]
