"""PNG charts of an evaluation run (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COMPARED = ("hit@1", "hit@5", "mrr", "ndcg@10", "evidence_cited", "refusal_accuracy", "crag_score")


def ours_vs_baseline(ours: dict, baseline: dict, path: Path) -> Path:
    keys = [k for k in COMPARED if k in ours and k in baseline]
    x = range(len(keys))
    fig, ax = plt.subplots(figsize=(9, 4))
    ax.bar([i - 0.2 for i in x], [ours[k] for k in keys], width=0.4, label="quartiers", color="#1d4ed8")
    ax.bar([i + 0.2 for i in x], [baseline[k] for k in keys], width=0.4, label="LangChain simple", color="#9ca3af")
    ax.set_xticks(list(x), keys, rotation=20)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_title("quartiers contre la référence LangChain simple")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def by_type(rows: dict[str, dict], path: Path, keys: tuple[str, ...] = ("hit@5", "crag_score")) -> Path:
    types = sorted(rows)
    fig, ax = plt.subplots(figsize=(10, 4))
    width = 0.8 / len(keys)
    for j, key in enumerate(keys):
        values = [rows[t].get(key, 0.0) for t in types]
        ax.bar([i + j * width - 0.4 + width / 2 for i in range(len(types))], values, width=width, label=key)
    ax.set_xticks(range(len(types)), types, rotation=20)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_title("Résultats par type de question")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
