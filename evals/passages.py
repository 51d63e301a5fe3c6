"""Print the passage statistics of the current index: count and length distribution.

Usage: ``python -m evals.passages`` (same configuration as ``quartiers``).
"""

from __future__ import annotations

import statistics

from ingest.config import Settings
from ingest.factory import make_store


def length_stats(lengths: list[int]) -> dict[str, float]:
    ordered = sorted(lengths)
    if not ordered:
        return {"count": 0, "median": 0, "p90": 0, "max": 0, "min": 0}
    return {
        "count": len(ordered),
        "median": statistics.median(ordered),
        "p90": ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))],
        "max": ordered[-1],
        "min": ordered[0],
    }


def main() -> None:
    store = make_store(Settings.load())
    stats = length_stats([len(p.text) for p in store.iter_passages()])
    print(f"index {store.name}")
    print(
        "passages {count} · longueur en caractères : médiane {median:.0f}, "
        "90e centile {p90}, max {max}, min {min}".format(**stats)
    )


if __name__ == "__main__":
    main()
