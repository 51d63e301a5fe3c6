"""Hybrid French retrieval: dense search in Chroma and BM25, fused by reciprocal rank.

The query is first cleaned (control characters, length) and expanded with the glossary
("c'est quoi le PRE ?" also searches "programme de réussite éducative").  Each retriever returns
a ranked list; reciprocal rank fusion (RRF) adds ``weight / (RRF_K + rank)`` over the lists.
Besides the passages themselves, their sentences are searched by meaning, each passage ranked by
its closest sentence (``assistant.sentences``), both with the query's vector moved toward the
sentences that answer the attached questions (``assistant.adapter``); the questions attached to them
(``assistant.questions``) by words and by meaning, each passage ranked by its best question; and
two models learned from all of them, one from their meaning, one from their letters, say which
passage the query is about (``assistant.passage_model``).  The fusion
picks the candidates; each carries what every voice said of it (``Hit.signals``), by which the
assistant orders them (``assistant.ranking``).
"""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.embeddings import Embeddings

from assistant.adapter import QueryAdapter
from assistant.index import SearchIndex
from assistant.passage_model import PassageModel, WordingModel, signal
from assistant.questions import Match
from assistant.records import Hit, Signals
from assistant.synonyms import default_synonyms

MAX_QUERY_CHARS = 2000  # longer queries are cut: embeddings see ~256 tokens anyway
RRF_K = 10  # chosen on the dev split (python -m evals.run --split dev): 10 beat 60
CANDIDATES = 40  # how deep each retriever looks before fusion
ANCHOR_DEPTH = 3  # the first passages of a question voice lend their question's anchor to the answer


class QueryError(ValueError):
    """A query that cannot be searched; the message is French, for the user."""


def normalise_query(query: str) -> str:
    """Drop control characters and extra spaces; refuse an empty query."""
    cleaned = "".join(c if c.isprintable() else " " for c in query)
    cleaned = " ".join(cleaned.split())
    if not cleaned:
        raise QueryError("la question est vide : écrivez quelques mots.")
    return cleaned[:MAX_QUERY_CHARS]


@dataclass(frozen=True)
class SearchFilter:
    """Restrict a search to one document (source) and/or one kind of text."""

    source: str = ""
    kind: str = ""
    authority: str = ""  # "national" or "local"

    def where(self) -> dict | None:
        clauses = [{key: value} for key, value in self.__dict__.items() if value]
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass(frozen=True)
class RetrievalMode:
    """Which retrievers take part; the ablations of the evaluation switch them."""

    dense: bool = True
    lexical: bool = True
    expand: bool = True  # glossary and synonyms
    rerank: bool = True  # by the best sentence's coverage of the question (see Assistant.search)
    learned: bool = True  # ...with the other signals, by the learned weights (assistant.ranking)
    questions: bool = True  # the questions passages answer (assistant.questions)
    dense_weight: float = 0.3  # the English-trained model is the weaker voice on French (dev split)
    lexical_weight: float = 1.0
    # The questions' voices, by words and by meaning, chosen on the dev split (hit@5, MRR) with
    # the first round of questions:
    #   0/0 0.934/0.837, 0.5/0 0.951/0.842, 0.3/0.2 0.959/0.842, 0.5/0.3 0.959/0.843,
    #   1/0.3 0.959/0.836, 0/0.3 0.959/0.827, 0.5/0.5 0.959/0.838;
    # and checked with both rounds: 0.5/0.3 0.984/0.855, 0.3/0.3 0.975/0.840, 1/0.3 0.975/0.852,
    #   0.5/0.5 0.975/0.845, 0.5/0.1 0.967/0.848, 1/0.6 0.975/0.859.
    question_weight: float = 0.5
    question_dense_weight: float = 0.3
    model_weight: float = 0.3  # the passage model's: set as the questions' by meaning, not tuned
    # The wording model's and the sentences' voices: set as the passage model's, not tuned.
    wording_weight: float = 0.3
    sentence_weight: float = 0.3


class Retriever:
    """Finds the passages that best answer a query."""

    def __init__(self, index: SearchIndex, embedder: Embeddings, mode: RetrievalMode = RetrievalMode()) -> None:
        self.index = index
        self.embedder = embedder
        self.mode = mode
        if mode.dense:  # vectors and models now, not at the first question
            index.sentences.vectors(embedder)
            if mode.questions:
                index.questions.model(embedder)
                index.questions.adapter(embedder, index.sentences)
        if mode.questions:
            index.questions.wording_model()

    def search(
        self,
        query: str,
        k: int = 5,
        filters: SearchFilter = SearchFilter(),
        exclude_questions: frozenset[int] = frozenset(),
        model: PassageModel | None = None,
        wording: WordingModel | None = None,
        adapter: QueryAdapter | None = None,
    ) -> list[Hit]:
        """The ``k`` best passages by reciprocal rank fusion, each with what every voice said of
        it (``Hit.signals``).  ``exclude_questions`` leaves attached questions out (by number):
        the ranking is learned on questions searched without themselves (``evals.fusion``).  The
        passage and wording models and the query map are then ``model``, ``wording`` and
        ``adapter``, learned without them, or none; else the index's."""
        query = normalise_query(query)
        if self.mode.expand:
            query = self.index.glossary.expand(query)
        mode, questions = self.mode, self.index.questions
        scores: dict[str, float] = {}
        signals: dict[str, dict[str, float]] = {}
        anchors: dict[str, dict[str, None]] = {}  # passage id -> anchors, in order, no repeats

        def fuse(
            ranked: list[tuple[str, float]], weight: float, voice: str, score: str, scale: float = 1
        ) -> None:
            for rank, (pid, value) in enumerate(ranked, start=1):
                scores[pid] = scores.get(pid, 0.0) + weight / (RRF_K + rank)
                said = signals.setdefault(pid, {})
                said[voice] = 1 / (RRF_K + rank)
                said[score] = value / scale

        def fuse_questions(
            matches: list[Match], weight: float, voice: str, score: str, scale: float = 1.0
        ) -> None:
            fuse([(m.passage_id, m.score) for m in matches], weight, voice, score, scale)
            for match in matches:
                signals[match.passage_id][f"{score}_top3"] = match.top3 / scale
            for match in matches[:ANCHOR_DEPTH]:
                anchors.setdefault(match.passage_id, {})[match.anchor] = None

        allowed = self._allowed(filters)
        probability: dict[str, float] = {}  # of the passage model, when it speaks
        worded: dict[str, float] = {}  # of the wording model, when it speaks
        closest: dict[str, float] = {}  # the cosine of each passage's closest sentence
        if mode.dense:
            vector = self.embedder.embed_query(query)
            if mode.questions and adapter is None and not exclude_questions:
                adapter = questions.adapter(self.embedder, self.index.sentences)
            toward = adapter.adapt(vector) if adapter is not None else vector
            found = self.index.store.query([float(x) for x in toward], CANDIDATES, filters.where())
            by_meaning = [(passage.id, score) for passage, score in found]
            fuse(by_meaning, mode.dense_weight, "dense", "cosine")
            closest = self.index.sentences.closest(toward, self.embedder, allowed)
            fuse(_first(closest), mode.sentence_weight, "sentences", "sentence_cosine")
            if mode.questions:
                near = questions.search_vector(
                    vector, self.embedder, CANDIDATES, allowed, exclude_questions
                )
                weight = mode.question_dense_weight
                fuse_questions(near, weight, "question_vectors", "question_cosine")
                if model is None and not exclude_questions:  # the index's learned every question
                    model = questions.model(self.embedder)
                if model is not None:
                    probability = model.probabilities(vector)
                    likely = _first(_signals(probability, allowed))
                    fuse(likely, mode.model_weight, "passage_model", "passage_model_log")
        if mode.questions:
            if wording is None and not exclude_questions:  # the index's learned every question
                wording = questions.wording_model()
            if wording is not None:
                worded = wording.probabilities(query)
                likely = _first(_signals(worded, allowed))
                fuse(likely, mode.wording_weight, "wording_model", "wording_model_log")
        if mode.lexical:
            related = frozenset()
            if mode.expand:
                related = default_synonyms().expand(query, self.index.lexical)
            by_words = self.index.lexical.search(query, CANDIDATES, allowed, related)
            fuse(by_words, mode.lexical_weight, "lexical", "bm25", _best([s for _, s in by_words]))
            if mode.questions:
                asked = questions.search(query, CANDIDATES, allowed, related, exclude_questions)
                top = _best([m.score for m in asked])
                fuse_questions(asked, mode.question_weight, "questions", "question_bm25", top)
        for pid, said in signals.items():  # these speak of every candidate, not only their first
            said["passage_model_log"] = signal(probability.get(pid, 0.0))
            said["wording_model_log"] = signal(worded.get(pid, 0.0))
            said["sentence_cosine"] = closest.get(pid, 0.0)
        known = [(pid, score) for pid, score in scores.items() if pid in self.index.passages]
        best = sorted(known, key=lambda item: -item[1])[:k]
        return [
            Hit(
                rank,
                self.index.passages[pid],
                score,
                tuple(anchors.get(pid, ())),
                Signals(**signals[pid]),
            )
            for rank, (pid, score) in enumerate(best, 1)
        ]

    def _allowed(self, filters: SearchFilter) -> set[str] | None:
        if filters.where() is None:
            return None
        wanted = {key: value for key, value in filters.__dict__.items() if value}
        return {
            pid
            for pid, p in self.index.passages.items()
            if all(getattr(p, key) == value for key, value in wanted.items())
        }


def _signals(probabilities: dict[str, float], allowed: set[str] | None) -> dict[str, float]:
    """A model's signal for each passage (among ``allowed``, if given)."""
    return {pid: signal(p) for pid, p in probabilities.items() if allowed is None or pid in allowed}


def _first(scores: dict[str, float]) -> list[tuple[str, float]]:
    """The ``CANDIDATES`` best of ``scores``, best first."""
    return sorted(scores.items(), key=lambda item: -item[1])[:CANDIDATES]


def _best(bm25_scores: list[float]) -> float:
    """The best of a ranked list's BM25 scores (its first), by which the others are divided."""
    return (bm25_scores[0] if bm25_scores else 0.0) or 1.0
