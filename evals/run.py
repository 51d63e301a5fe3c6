"""The evaluation run: ours, the ablations and the plain baseline on the same gold questions.

``quartiers eval [--split test|dev|all] [--out DIR]`` (or ``python -m evals.run``) indexes the
corpus if needed, then prints a table and writes ``DIR/metrics.json`` and ``DIR/report.md``.
``--calibrate`` prints, on the dev split, refusal figures for a range of evidence thresholds.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.answer import AnswerPolicy
from assistant.followup import resolve
from assistant.index import SearchIndex
from assistant.records import Answer, Citation, Hit, Sentence
from assistant.retrieve import RetrievalMode
from assistant.service import Assistant
from assistant.llm import make_chat_model
from evals import charts
from evals.baseline import Baseline
from evals.candidates import CANDIDATES_PATH, import_feedback
from evals.gold import GoldQuestion, load_gold
from evals.metrics import answer_metrics, retrieval_metrics
from ingest.clean import clean_document
from ingest.config import Settings
from ingest.factory import make_embedder, make_store
from ingest.load import load_document
from ingest.manifest import describe, load_manifest
from ingest.pipeline import discover, ingest, source_name
from ingest.records import Passage

ABLATIONS = {
    "lexical_only": RetrievalMode(dense=False, expand=False, questions=False, rerank=False),
    "dense_only": RetrievalMode(lexical=False, expand=False, questions=False, rerank=False),
    "hybrid": RetrievalMode(expand=False, questions=False, rerank=False),
    "hybrid_expanded": RetrievalMode(questions=False, rerank=False),
    "hybrid_expanded_reranked": RetrievalMode(questions=False, learned=False),
    "hybrid_expanded_reranked_questions": RetrievalMode(learned=False),
    "learned_ranking": RetrievalMode(),
}
DEPTH = 10


@dataclass
class Run:
    settings: Settings
    questions: list[GoldQuestion]

    def __post_init__(self) -> None:
        self.embedder = make_embedder(self.settings)
        store = make_store(self.settings)
        ingest(self.settings, store, lambda: self.embedder, progress=False, log=lambda _: None)
        self.index = SearchIndex.open(self.settings, store)

    def assistant(
        self, mode: RetrievalMode = RetrievalMode(), policy: AnswerPolicy = AnswerPolicy(), llm: bool = False
    ) -> Assistant:
        chat_model = make_chat_model(self.settings.llm) if llm and self.settings.llm else None
        return Assistant(self.index, self.embedder, mode, policy, chat_model)

    def by_type(self, assistant: Assistant, answers: list[Answer]) -> dict[str, dict[str, float]]:
        """Answer metrics, and hit@5 where it applies, for each type of question."""
        rows: dict[str, dict[str, float]] = {}
        for kind in sorted({q.type for q in self.questions}):
            picked = [(q, a) for q, a in zip(self.questions, answers) if q.type == kind]
            rows[kind] = answer_metrics([a for _, a in picked], [q.evidence for q, _ in picked])
            rows[kind]["questions"] = len(picked)
            answerable = [q for q, _ in picked if q.answerable]
            if answerable:
                rankings = [[h.passage.text for h in assistant.search(resolve(q.question, q.history), DEPTH)]
                            for q in answerable]
                rows[kind] |= retrieval_metrics(rankings, [q.evidence for q in answerable])
        return rows

    def retrieval(self, assistant: Assistant) -> dict[str, float]:
        answerable = [q for q in self.questions if q.answerable]
        rankings = [
            [h.passage.text for h in assistant.search(resolve(q.question, q.history), DEPTH)] for q in answerable
        ]
        return retrieval_metrics(rankings, [q.evidence for q in answerable])

    def answers(self, assistant: Assistant) -> list[Answer]:
        assistant.ask("question de mise en route")  # warm-up: latency is measured warm
        return [assistant.ask(q.question, q.history) for q in self.questions]

    def score(self, assistant: Assistant) -> tuple[dict[str, float], list[Answer]]:
        answers = self.answers(assistant)
        metrics = self.retrieval(assistant) | answer_metrics(answers, [q.evidence for q in self.questions])
        return metrics, answers

    def baseline(self) -> dict[str, float]:
        documents = []
        manifest = load_manifest(self.settings.corpus)
        for path in discover(self.settings.corpus):
            source = source_name(path, self.settings.corpus)
            try:
                documents.append(clean_document(load_document(path, describe(source, manifest))))
            except Exception:  # the baseline sees what our loader can read
                continue
        baseline = Baseline(documents, self.embedder)
        answerable = [q for q in self.questions if q.answerable]
        metrics = retrieval_metrics([baseline.search(q.question, DEPTH) for q in answerable], [q.evidence for q in answerable])
        answers = []
        for q in self.questions:
            began = time.perf_counter()
            chunk = baseline.search(q.question, 1)[0]
            answers.append(_first_chunk_answer(q.question, chunk, (time.perf_counter() - began) * 1000))
        metrics |= answer_metrics(answers, [q.evidence for q in self.questions])
        metrics["chunks"] = len(baseline.chunks)
        return metrics


def _first_chunk_answer(question: str, chunk: str, elapsed_ms: float) -> Answer:
    passage = Passage("baseline", "", "", "", "", "", (), None, 0, len(chunk), chunk)
    return Answer(question, (Sentence(chunk, (1,)),), (Citation(1, passage, chunk),), False, "extractive", elapsed_ms)


def calibrate(run: Run, thresholds: Sequence[float]) -> list[dict[str, float]]:
    """Refusal figures per evidence threshold (use on the dev split only)."""
    rows = []
    for threshold in thresholds:
        assistant = run.assistant(policy=AnswerPolicy(min_coverage=threshold))
        answers = [assistant.ask(q.question, q.history) for q in run.questions]
        m = answer_metrics(answers, [q.evidence for q in run.questions])
        rows.append({"threshold": threshold} | {k: m[k] for k in ("refusal_accuracy", "false_refusal_rate", "unanswerable_refused", "crag_score")})
    return rows


KEYS = ("hit@1", "hit@5", "mrr", "ndcg@10", "citation_precision", "citation_recall", "evidence_cited",
        "refusal_accuracy", "false_refusal_rate", "unanswerable_refused", "crag_score", "latency_p95_ms")


def table(rows: dict[str, dict[str, float]]) -> str:
    names = list(rows)
    lines = ["| metric | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for key in KEYS:
        cells = [f"{rows[n][key]:.3f}" if key in rows[n] else "" for n in names]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="quartiers eval", description="Évaluation sur les questions de référence.")
    parser.add_argument("--split", choices=["dev", "test", "all"], default="test")
    parser.add_argument("--gold", type=Path, default=None, metavar="JSONL",
                        help="un autre fichier de questions de référence (par défaut : evals/gold/questions.jsonl)")
    parser.add_argument("--out", type=Path, default=Path("eval-report"))
    parser.add_argument("--calibrate", action="store_true", help="seuils de refus sur le split dev")
    parser.add_argument("--limit", type=int, default=0, help="seulement les N premières questions (0 : toutes)")
    parser.add_argument("--import-feedback", type=Path, metavar="EXPORT",
                        help="ajouter les avis 👎 exportés (quartiers feedback) aux cas candidats à relire")
    args = parser.parse_args(argv)
    if args.import_feedback:
        added = import_feedback(args.import_feedback)
        print(f"{added} cas candidat(s) ajouté(s) à {CANDIDATES_PATH}, à relire avant de rejoindre le jeu de référence")
        return 0
    settings = Settings.load()
    split = None if args.split == "all" else args.split
    if args.calibrate:
        run = Run(settings, load_gold(split="dev"))
        for row in calibrate(run, [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5]):
            print("  ".join(f"{k} {v:.3f}" for k, v in row.items()))
        return 0
    questions = load_gold(args.gold, split=split)
    run = Run(settings, questions[: args.limit] if args.limit else questions)
    assistant = run.assistant(llm=True)
    ours, answers = run.score(assistant)
    ours["mode_llm"] = sum(a.mode == "llm" for a in answers)
    ours["llm_sentences_removed"] = sum(len(a.dropped) for a in answers)
    rows = {"ours": ours, "baseline": run.baseline()}
    for name, mode in ABLATIONS.items():
        rows[name] = run.retrieval(run.assistant(mode))
    types = run.by_type(assistant, answers)
    print(f"split {args.split}: {len(run.questions)} questions ({'LLM ' + settings.llm if settings.llm else 'extractif'})\n")
    print(table(rows))
    if settings.llm:
        print(f"\nréponses LLM gardées : {ours['mode_llm']}, phrases inventées retirées : {ours['llm_sentences_removed']}")
    args.out.mkdir(parents=True, exist_ok=True)
    metrics = ours | {"baseline": rows["baseline"], "ablations": {n: rows[n] for n in ABLATIONS}, "by_type": types}
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False), encoding="utf-8")
    charts.ours_vs_baseline(ours, rows["baseline"], args.out / "ours_vs_baseline.png")
    charts.by_type(types, args.out / "by_type.png")
    (args.out / "report.md").write_text(_report(args.split, run, rows, answers, types), encoding="utf-8")
    print(f"\nrapport : {args.out / 'report.md'}")
    return 0


def _report(split: str, run: Run, rows, answers: list[Answer], types) -> str:
    lines = [f"# Évaluation ({split}, {len(run.questions)} questions)\n", table(rows),
             "\n![quartiers contre la référence](ours_vs_baseline.png)\n", "## Par type de question\n",
             "| type | questions | hit@5 | refusal_accuracy | evidence_cited | crag_score |", "|---|---|---|---|---|---|"]
    for kind, m in types.items():
        hit = f"{m['hit@5']:.3f}" if "hit@5" in m else ""
        lines.append(f"| {kind} | {m['questions']} | {hit} | {m['refusal_accuracy']:.3f} | "
                     f"{m['evidence_cited']:.3f} | {m['crag_score']:.3f} |")
    lines += ["\n![par type](by_type.png)\n", "## Échecs\n"]
    for q, a in zip(run.questions, answers):
        cited = [c.passage.text for c in a.citations]
        ok = (a.refused and not q.answerable) or (
            not a.refused and q.answerable and any(any(e in t for e in q.evidence) for t in cited)
        )
        if not ok:
            lines.append(f"- **{q.id}** ({q.type}) {q.question}\n  - attendu : {list(q.evidence) or 'refus'}\n"
                         f"  - obtenu : {'refus' if a.refused else a.text[:300]!r}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
