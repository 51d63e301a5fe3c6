"""Typed records of the answering side."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.records import Passage


@dataclass(frozen=True)
class Signals:
    """What each voice of the retrieval said of one passage, for the learned ranking
    (``assistant.ranking``).  A voice that did not find the passage says 0 throughout.

    Ranks enter as reciprocal ranks, ``1 / (RRF_K + rank)``; BM25 scores as a share of the best
    score of their list; cosines as they are."""

    dense: float = 0.0  # reciprocal rank among the passages, by meaning
    lexical: float = 0.0  # ... by words (BM25)
    questions: float = 0.0  # ... by the words of the passage's best question
    question_vectors: float = 0.0  # ... by the meaning of its best question
    cosine: float = 0.0  # of the query and the passage
    bm25: float = 0.0  # of the passage, a share of the best
    question_bm25: float = 0.0  # of its best question, a share of the best question's
    question_cosine: float = 0.0  # of its best question
    question_bm25_top3: float = 0.0  # the mean of its 3 best questions' (0 for a missing one)
    question_cosine_top3: float = 0.0
    passage_model: float = 0.0  # reciprocal rank by the passage model (assistant.passage_model)
    passage_model_log: float = 0.0  # log(1 + p / FLOOR) of its probability, for every candidate
    wording_model: float = 0.0  # reciprocal rank by the wording model (assistant.passage_model)
    wording_model_log: float = 0.0  # log(1 + p / FLOOR) of its probability, for every candidate
    sentences: float = 0.0  # ... by the meaning of its closest sentence (assistant.sentences)
    sentence_cosine: float = 0.0  # of the query and that sentence, for every candidate


@dataclass(frozen=True)
class Hit:
    """A passage found for a query, with its rank (1-based) and score (higher is better)."""

    rank: int
    passage: Passage
    score: float
    # Words of the passage that answer a question much like the query (assistant.questions).
    anchors: tuple[str, ...] = ()
    signals: Signals = Signals()  # what the retrievers said of it, for the ranking

    def to_json(self) -> dict[str, object]:
        """The shape of one ``quartiers search --json`` result (see DESIGN.md)."""
        return {
            "rank": self.rank,
            "id": self.passage.id,
            "source": self.passage.source,
            "location": self.passage.location,
            "score": round(self.score, 6),
            "text": self.passage.text,
        }


@dataclass(frozen=True)
class Citation:
    """Passage ``n`` of an answer, and the exact words of it the answer relies on."""

    n: int
    passage: Passage
    quote: str  # a substring of passage.text

    def to_json(self) -> dict[str, object]:
        return {
            "n": self.n,
            "id": self.passage.id,
            "source": self.passage.source,
            "location": self.passage.location,
            "quote": self.quote,
            "text": self.passage.text,
        }


@dataclass(frozen=True)
class Sentence:
    """One sentence (or list item) of an answer with the citation numbers it carries."""

    text: str  # without its markers
    citations: tuple[int, ...]
    bullet: bool = False

    def render(self) -> str:
        markers = "".join(f"[{n}]" for n in self.citations)
        return f"{'- ' if self.bullet else ''}{self.text} {markers}".rstrip()


@dataclass(frozen=True)
class Answer:
    """What the assistant says: sentences with citations, or a refusal with further reading."""

    question: str
    sentences: tuple[Sentence, ...]
    citations: tuple[Citation, ...]
    refused: bool
    mode: str  # "extractive" or "llm"
    elapsed_ms: float = 0.0
    further_reading: tuple[Hit, ...] = ()  # closest passages offered with a refusal
    dropped: tuple[str, ...] = ()  # LLM sentences removed by the grounding checks
    message: str = ""  # the refusal text, or a note for the user

    @property
    def text(self) -> str:
        """The answer as shown: the prose sentences, then one line per list item."""
        if self.refused:
            return self.message
        prose = " ".join(s.render() for s in self.sentences if not s.bullet)
        items = [s.render() for s in self.sentences if s.bullet]
        return "\n".join(filter(None, [prose, *items]))

    def to_json(self) -> dict[str, object]:
        """The shape of ``quartiers ask --json`` (see DESIGN.md)."""
        return {
            "question": self.question,
            "answer": self.text,
            "refused": self.refused,
            "mode": self.mode,
            "citations": [c.to_json() for c in self.citations],
            "elapsed_ms": round(self.elapsed_ms, 1),
        }
