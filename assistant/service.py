"""The assistant as one library object: the CLI, the web app and the evaluations all call it.

``Assistant.ask`` validates the question, resolves a follow-up with the history, retrieves
passages and answers with citations: extractively by default, through a verified LLM when one
is configured.  Bad input never raises: it gets a refused answer whose message says why.  A
Chroma server that does not answer raises ``ingest.errors.StoreUnavailable``.

Given a ``LiveIndex``, the assistant follows the store: each question is answered over the
index current when it arrived (see ``assistant.index.LiveIndex``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel

from assistant import ranking
from assistant.answer import AnswerPolicy, ExtractiveAnswerer, refusal
from assistant.followup import rank_asked, resolve
from assistant.grounding import without_instructions
from assistant.index import LiveIndex, SearchIndex
from assistant.llm import LLMAnswerer, make_chat_model
from assistant.records import Answer, Hit
from assistant.retrieve import QueryError, RetrievalMode, Retriever, SearchFilter, normalise_query
from assistant.scope import (
    PRESENT_MOMENT,
    SMALL_TALK,
    TASK_REQUEST,
    THE_BEST,
    Evidence,
    ScopeClassifier,
    asks_for_the_best,
    is_small_talk,
    is_task_request,
    present_moment,
    undefined_term,
    unknown_names,
    unknown_names_message,
    unknown_nouns,
    unknown_quotation,
)
from ingest.config import Settings
from ingest.embed import QueryCache
from ingest.store import PassageStore

MAX_QUESTION_CHARS = 1000
ANSWER_DEPTH = 6  # passages given to the answerer
RERANK_DEPTH = 20  # candidates re-ranked
_ENGLISH = re.compile(r"\b(what|which|who|how|where|when|why|the|is|are|does|do|of|and)\b", re.IGNORECASE)
_FRENCH = re.compile(r"\b(le|la|les|des|du|de|est|sont|quel|quels|quelle|quelles|comment|pour|et)\b", re.IGNORECASE)
EMPTY_INDEX = "Aucun document n'est encore indexé : lancez d'abord « quartiers ingest »."
NOT_FRENCH = (
    "Je réponds aux questions posées en français, sur les documents du contrat de ville. "
    "Pouvez-vous reformuler votre question en français ?"
)


@dataclass(frozen=True)
class _Engine:
    """Retrieval and answering over one ``SearchIndex``; rebuilt when the index is reopened."""

    index: SearchIndex
    retriever: Retriever
    answerer: ExtractiveAnswerer
    llm: LLMAnswerer | None


class Assistant:
    """Retrieval and answering over one index, models loaded once."""

    def __init__(
        self,
        index: SearchIndex | LiveIndex,
        embedder: Embeddings,
        mode: RetrievalMode = RetrievalMode(),
        policy: AnswerPolicy = AnswerPolicy(),
        chat_model: BaseChatModel | None = None,
    ) -> None:
        self.live = index if isinstance(index, LiveIndex) else LiveIndex.fixed(index)
        self.embedder = QueryCache(embedder)  # a question searched, then asked, is embedded once
        self.mode = mode
        self.policy = policy
        self.chat_model = chat_model
        self.scope = ScopeClassifier.default()
        self._engine = self._build(self.live.index)

    @classmethod
    def from_settings(cls, settings: Settings, store: PassageStore | None = None) -> Assistant:
        from ingest.factory import make_embedder, make_store

        store = store or make_store(settings)
        chat_model = make_chat_model(settings.llm) if settings.llm else None
        return cls(LiveIndex.open(settings, store), make_embedder(settings), chat_model=chat_model)

    def _build(self, index: SearchIndex) -> _Engine:
        answerer = ExtractiveAnswerer(index.lexical, index.glossary, self.policy)
        llm = LLMAnswerer(self.chat_model, answerer) if self.chat_model is not None else None
        return _Engine(index, Retriever(index, self.embedder, self.mode), answerer, llm)

    def _current(self) -> _Engine:
        """The engine over the current index (the store is checked, see ``LiveIndex``)."""
        index = self.live.current()
        engine = self._engine
        if engine.index is not index:
            engine = self._engine = self._build(index)  # two threads may both build: harmless
        return engine

    # The parts in use, for callers that show them (the web app's documents and glossary).
    @property
    def index(self) -> SearchIndex:
        return self._engine.index

    @property
    def retriever(self) -> Retriever:
        return self._engine.retriever

    @property
    def answerer(self) -> ExtractiveAnswerer:
        return self._engine.answerer

    @property
    def llm(self) -> LLMAnswerer | None:
        return self._engine.llm

    def search(self, query: str, k: int = 5, filters: SearchFilter = SearchFilter()) -> list[Hit]:
        """Hybrid retrieval, then the candidates ordered by the learned ranking."""
        return self._search(self._current(), query, k, filters)

    @staticmethod
    def _search(engine: _Engine, query: str, k: int, filters: SearchFilter) -> list[Hit]:
        if not engine.retriever.mode.rerank:
            return engine.retriever.search(query, k, filters)
        candidates = engine.retriever.search(query, max(k, RERANK_DEPTH), filters)
        if not engine.retriever.mode.learned:
            return engine.answerer.rerank(query, candidates)[:k]
        return ranking.order(candidates, engine.answerer.answering_coverage(query, candidates))[:k]

    def ask(
        self, question: str, history: Sequence[str] = (), filters: SearchFilter = SearchFilter()
    ) -> Answer:
        """The answer to ``question``; ``history`` holds the previous questions, oldest first."""
        answer: Answer | None = None
        for item in self.ask_stream(question, history, filters):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def ask_stream(
        self, question: str, history: Sequence[str] = (), filters: SearchFilter = SearchFilter()
    ) -> Iterator[str | Answer]:
        """Verified sentences as soon as they are ready (LLM mode), then the complete answer."""
        began = time.perf_counter()
        engine = self._current()  # one index for the whole question, even if another is swapped in
        prepared = self._prepare(engine, question, history, filters)
        if isinstance(prepared, Answer):
            final = prepared
        elif engine.llm is not None:
            final = None
            resolved, hits, _ = prepared  # the LLM rewrote the follow-up itself
            for item in engine.llm.stream(resolved, hits):
                if isinstance(item, Answer):
                    final = item
                else:
                    yield item
        else:
            resolved, hits, focus = prepared
            final = engine.answerer.answer(resolved, hits, focus=focus)
        yield replace(final, question=question, elapsed_ms=(time.perf_counter() - began) * 1000)

    def _prepare(
        self, engine: _Engine, question: str, history: Sequence[str], filters: SearchFilter
    ) -> Answer | tuple[str, list[Hit], str]:
        """A refusal for bad or out-of-scope input, else (resolved question, hits, focus) to
        answer; the focus is what a follow-up adds to the question it was completed with (the
        follow-up itself), empty for a question that stands alone."""
        if len(question) > MAX_QUESTION_CHARS:
            return refusal(
                question[:MAX_QUESTION_CHARS],
                (),
                f"La question est trop longue ({len(question)} caractères, au plus "
                f"{MAX_QUESTION_CHARS}) : pouvez-vous la raccourcir ?",
            )
        try:
            cleaned = normalise_query(question)
        except QueryError as error:
            return refusal(question, (), f"Je n'ai pas compris : {error}")
        if is_small_talk(cleaned):
            return refusal(question, (), SMALL_TALK)
        if _looks_english(cleaned):
            return refusal(question, (), NOT_FRENCH)
        if not engine.index.passages:
            return refusal(question, (), EMPTY_INDEX)
        item = None  # of the previous answer, pointed at by its rank: it stands alone, no focus
        if engine.llm is not None:
            resolved = engine.llm.rewrite_followup(cleaned, history)
        elif item := self._item_pointed_at(engine, cleaned, history, filters):
            resolved = item
        else:
            resolved = resolve(cleaned, history)
        # Text addressed to a model inside a document is data: it is never quoted nor shown.
        hits = without_instructions(self._search(engine, resolved, ANSWER_DEPTH, filters))
        evidence = Evidence.of(engine.answerer, resolved, hits)
        index = engine.index
        expanded = index.glossary.expand(resolved)
        if self.scope.needs_check(expanded, evidence):
            if names := unknown_names(resolved, index.lexical, index.glossary, index.passages):
                return refusal(question, hits, unknown_names_message(names))
            synonyms = engine.answerer.synonyms
            if term := undefined_term(resolved, index.lexical, index.glossary, synonyms):
                return refusal(question, hits, unknown_names_message([term]))
            if quoted := unknown_quotation(resolved, index.lexical, index.glossary, index.passages):
                return refusal(question, hits, unknown_names_message([quoted]))
            # Worded as a request, a question on the contract ("écris-moi les priorités de
            # l'ASV") is still answered: only work of another domain gets the message.
            if is_task_request(resolved) and self.scope.leans_outside(expanded):
                return refusal(question, hits, TASK_REQUEST)
            # ...and a question on what is on tonight, when its words lean out of the domain.
            if (moment := present_moment(resolved)) and self.scope.leans_outside(expanded):
                return refusal(question, hits, PRESENT_MOMENT.format(moment=moment))
            # ...and a question on which shop or product is the best, when its words lean out.
            if asks_for_the_best(resolved) and self.scope.leans_outside(expanded):
                return refusal(question, hits, THE_BEST)
            # ...and a question about a thing neither the documents nor the domain's questions
            # name ("du paracétamol"), when its words lean out of the domain.
            if (
                nouns := unknown_nouns(resolved, index.lexical, index.glossary, synonyms)
            ) and self.scope.leans_outside(expanded):
                return refusal(question, hits, unknown_names_message(nouns))
            if self.scope.is_out_of_scope(expanded, evidence):
                return refusal(question, hits)
        return resolved, hits, cleaned if resolved != cleaned and not item else ""

    def _item_pointed_at(
        self, engine: _Engine, question: str, history: Sequence[str], filters: SearchFilter
    ) -> str | None:
        """For a follow-up pointing at an item of the previous answer by its rank ("développe le
        deuxième" after "quels sont les 4 axes transversaux ?"), the words of that item: the
        previous question is answered again, as it was (extractive answers are deterministic).
        None when the question points at no rank, or the previous answer has no such item (a
        sentence of prose is not an item)."""
        rank, previous = rank_asked(question), [q for q in history if q.strip()]
        if rank is None or not previous:
            return None
        earlier = self._prepare(engine, previous[-1], previous[:-1], filters)
        if isinstance(earlier, Answer):
            return None
        resolved, hits, focus = earlier
        sentences = engine.answerer.answer(resolved, hits, focus=focus).sentences
        items = [s.text for s in sentences if s.bullet]
        index = rank - 1 if rank > 0 else len(items) + rank
        return items[index] if 0 <= index < len(items) else None


def _looks_english(question: str) -> bool:
    return len(_ENGLISH.findall(question)) >= 2 and not _FRENCH.search(question)
