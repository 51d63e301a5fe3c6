"""The LLM path against a real OpenAI-compatible server: llama-cpp-python running Gemma 3 270M.

Needs `bash scripts/install-llm-server.sh` and langchain-openai; without them these tests fail, they
do not skip. Timings are printed (see them with `pytest -s -m llm`).
"""

from __future__ import annotations

import time

import pytest
from langchain_openai import ChatOpenAI

from tests.llm_server import LlamaServer

pytestmark = pytest.mark.llm

PROMPT = "Qu'est-ce qu'un quartier prioritaire de la politique de la ville ? Réponds brièvement."


def chat_model(server: LlamaServer, max_tokens: int = 48) -> ChatOpenAI:
    """LangChain's OpenAI chat model, pointed at the local server.

    ChatOpenAI sends `max_tokens` as `max_completion_tokens`, which llama-cpp-python's server
    ignores (it then generates up to n_ctx tokens): the limit goes in the body under its old name.
    """
    return ChatOpenAI(
        base_url=server.base_url,
        api_key="not-needed",
        model=server.model,
        temperature=0,
        extra_body={"max_tokens": max_tokens},
        timeout=60,
        max_retries=0,
    )


def test_server_lists_its_model(llm_server: LlamaServer) -> None:  # noqa: F811
    print(f"\nserver ready in {llm_server.startup_seconds:.1f} s: {' '.join(llm_server.command())}")
    assert llm_server.models() == [llm_server.model]


def test_chat_completion_in_french(llm_server: LlamaServer) -> None:  # noqa: F811
    started = time.monotonic()
    reply = chat_model(llm_server).invoke(PROMPT)
    elapsed = time.monotonic() - started

    assert isinstance(reply.content, str) and reply.content.strip()
    assert reply.usage_metadata is not None
    tokens = reply.usage_metadata["output_tokens"]
    assert tokens > 0
    print(f"\ninvoke: {tokens} tokens in {elapsed:.2f} s ({tokens / elapsed:.1f} tokens/s)")
    print(f"answer: {reply.content!r}")


def test_streaming(llm_server: LlamaServer) -> None:  # noqa: F811
    started = time.monotonic()
    first_chunk_at = None
    texts: list[str] = []
    for chunk in chat_model(llm_server).stream(PROMPT):
        if isinstance(chunk.content, str) and chunk.content:
            first_chunk_at = first_chunk_at or time.monotonic()
            texts.append(chunk.content)
    finished = time.monotonic()

    assert len(texts) >= 3, texts
    assert "".join(texts).strip()
    assert first_chunk_at is not None
    rate = (len(texts) - 1) / (finished - first_chunk_at)
    print(f"\nstream: {len(texts)} chunks, first after {first_chunk_at - started:.2f} s, "
          f"then {rate:.1f} chunks/s")  # fmt: skip
