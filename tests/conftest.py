"""Shared fixtures: a temporary corpus and data directory, a fake embedder, a real one."""

from __future__ import annotations

import hashlib
import math
import re
import shutil
from functools import lru_cache
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from ingest.config import Settings
from ingest.factory import make_store
from ingest.records import Passage

FIXTURES = Path(__file__).parent / "fixtures"
GOLD_DIR = Path(__file__).parents[1] / "evals" / "gold"


def contract_passage(pid: str, text: str, page: int | None = None) -> Passage:
    """A passage of the contract, in its section "Défis", for tests where only its text matters."""
    return Passage(pid, "contrat.txt", "Contrat", "contrat", "local", "2024", ("Défis",), page, 0, len(text), text)


@lru_cache(maxsize=1)
def gold_words() -> tuple[frozenset[str], ...]:
    """The words of every question of every gold file (``evals/gold/*.jsonl``)."""
    from evals.gold import load_gold, words_of

    return tuple(words_of(q.question) for path in sorted(GOLD_DIR.glob("*.jsonl")) for q in load_gold(path))


def close_to_gold(text: str) -> bool:
    """Whether ``text`` shares half its words or more (of the two sets' union) with a gold
    question: data written for the assistant must not hand it the gold questions' answers."""
    from evals.gold import much_alike, words_of

    words = words_of(text)
    return any(much_alike(words, gold) for gold in gold_words())


class FakeEmbedder(Embeddings):
    """Bag of hashed words, normalised: deterministic, instant, similar texts are close."""

    name = "fake"

    def __init__(self, dimension: int = 64) -> None:
        self.dimension = dimension
        self.calls = 0  # texts embedded, so tests can check that nothing is re-embedded

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.dimension
        for word in re.findall(r"\w+", text.lower()):
            vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += len(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the tiny fixture corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "corpus", target)
    return target


@pytest.fixture
def settings(tmp_path: Path, corpus: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus=corpus)


@pytest.fixture
def store(settings: Settings):
    return make_store(settings)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def real_embedder():
    """The packaged all-MiniLM-L6-v2, loaded once per test session."""
    from ingest.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


from tests.llm_server import llm_server  # noqa: E402,F401  (session fixture: one real LLM server)
