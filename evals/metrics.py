"""Metrics of retrieval and of answers, computed from records, independent of the assistant's checks.

Relevance: a passage is relevant to a question when it contains one of the question's evidence
strings (compared with whitespace collapsed).  Citations are judged in the ALCE sense (a sentence
is supported when a passage it cites entails it; a citation is precise when it supports its
sentence) by a judge independent of the assistant's own checks: containment for extractive
answers (every sentence is a quote), plain-word overlap and numbers for LLM answers.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Sequence

from assistant.records import Answer

_MARKERS = re.compile(r"\s*\[\d+\]")


def squash(text: str) -> str:
    return " ".join(text.split())


def is_relevant(text: str, evidence: Sequence[str]) -> bool:
    flat = squash(text)
    return any(squash(e) in flat for e in evidence)


def first_relevant_rank(texts: Sequence[str], evidence: Sequence[str]) -> int | None:
    """1-based rank of the first relevant text, or None."""
    for rank, text in enumerate(texts, start=1):
        if is_relevant(text, evidence):
            return rank
    return None


def retrieval_metrics(rankings: Sequence[Sequence[str]], evidences: Sequence[Sequence[str]]) -> dict[str, float]:
    """hit@1/3/5/10, MRR and binary nDCG@10 over answerable questions."""
    ranks = [first_relevant_rank(texts, ev) for texts, ev in zip(rankings, evidences)]
    n = len(ranks) or 1
    out = {f"hit@{k}": sum(1 for r in ranks if r is not None and r <= k) / n for k in (1, 3, 5, 10)}
    out["mrr"] = sum(1 / r for r in ranks if r is not None) / n
    ndcg = []
    for texts, ev in zip(rankings, evidences):
        gains = [1.0 if is_relevant(t, ev) else 0.0 for t in texts[:10]]
        dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
        ideal = sum(1 / math.log2(i + 2) for i in range(int(sum(gains)))) or 1.0
        ndcg.append(dcg / ideal if sum(gains) else 0.0)
    out["ndcg@10"] = sum(ndcg) / n
    return out


_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+")
LLM_SUPPORT = 0.6  # share of a sentence's words (4+ letters) found in the cited passage


def supports(sentence: str, passage: str, mode: str) -> bool:
    """Does ``passage`` support ``sentence``?  Extractive: the words are contained in it.  LLM:
    an independent lexical judge (plain words, no stemming) plus every number present."""
    if mode != "llm":
        return squash(sentence) in squash(passage)
    words = {w for w in _WORD.findall(sentence.lower()) if len(w) >= 4}
    found = {w for w in _WORD.findall(passage.lower())}
    numbers_ok = set(_NUMBER.findall(sentence)) <= set(_NUMBER.findall(passage))
    return numbers_ok and (not words or len(words & found) >= LLM_SUPPORT * len(words))


def sentence_support(answer: Answer) -> tuple[int, int, int, int]:
    """(supported sentences, sentences, precise citations, citations) of one answer."""
    by_n = {c.n: c.passage.text for c in answer.citations}
    supported = precise = cited = 0
    for sentence in answer.sentences:
        words = _MARKERS.sub("", sentence.text)
        support = [n for n in sentence.citations if n in by_n and supports(words, by_n[n], answer.mode)]
        supported += bool(support)
        precise += len(support)
        cited += len(sentence.citations)
    return supported, len(answer.sentences), precise, cited


def answer_metrics(answers: Sequence[Answer], evidences: Sequence[Sequence[str]]) -> dict[str, float]:
    """Citation precision/recall, evidence in citations, refusals, CRAG-style score, latency."""
    supported = sentences = precise = cited = 0
    crag = correct_refusals = false_refusals = answerable = evidence_cited = 0
    quotes_ok = quotes = 0
    for answer, evidence in zip(answers, evidences):
        s, n, p, c = sentence_support(answer)
        supported, sentences, precise, cited = supported + s, sentences + n, precise + p, cited + c
        for citation in answer.citations:
            quotes += 1
            quotes_ok += citation.quote in citation.passage.text
        has_evidence = any(is_relevant(c.passage.text, evidence) for c in answer.citations)
        if evidence:
            answerable += 1
            false_refusals += answer.refused
            evidence_cited += has_evidence and not answer.refused
            crag += 0 if answer.refused else (1 if has_evidence else -1)
        else:
            correct_refusals += answer.refused
            crag += 1 if answer.refused else -1
    total = len(answers) or 1
    unanswerable = total - answerable
    latencies = sorted(a.elapsed_ms for a in answers) or [0.0]
    return {
        "citation_precision": precise / cited if cited else 1.0,
        "citation_recall": supported / sentences if sentences else 1.0,
        "quotes_in_passage": quotes_ok / quotes if quotes else 1.0,
        "evidence_cited": evidence_cited / answerable if answerable else 0.0,
        "refusal_accuracy": ((answerable - false_refusals) + correct_refusals) / total,
        "false_refusal_rate": false_refusals / answerable if answerable else 0.0,
        "unanswerable_refused": correct_refusals / unanswerable if unanswerable else 1.0,
        "crag_score": crag / total,
        "latency_p50_ms": statistics.median(latencies),
        "latency_p95_ms": latencies[min(len(latencies) - 1, math.ceil(0.95 * len(latencies)) - 1)],
    }
