"""PNG charts of an evaluation run (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COMPARED = ("hit@1", "hit@5", "mrr", "ndcg@10", "evidence_cited", "refusal_accuracy", "crag_score")
COLOURS = ("#1d4ed8", "#9ca3af", "#059669")


def grouped_bars(labels: list[str], series: dict[str, list[float]], title: str, path: Path) -> Path:
    """One group of bars per label, one bar per series."""
    fig, ax = plt.subplots(figsize=(max(8, len(labels) * 1.1), 4))
    width = 0.8 / len(series)
    for j, (name, values) in enumerate(series.items()):
        positions = [i + j * width - 0.4 + width / 2 for i in range(len(labels))]
        ax.bar(positions, values, width=width, label=name, color=COLOURS[j % len(COLOURS)])
    ax.set_xticks(range(len(labels)), labels, rotation=20)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def ours_vs_baseline(ours: dict, baseline: dict, path: Path) -> Path:
    keys = [k for k in COMPARED if k in ours and k in baseline]
    series = {"quartiers": [ours[k] for k in keys], "LangChain simple": [baseline[k] for k in keys]}
    return grouped_bars(keys, series, "quartiers contre la référence LangChain simple", path)


def by_type(rows: dict[str, dict], path: Path, keys: tuple[str, ...] = ("hit@5", "crag_score")) -> Path:
    types = sorted(rows)
    series = {key: [rows[t].get(key, 0.0) for t in types] for key in keys}
    return grouped_bars(types, series, "Résultats par type de question", path)
