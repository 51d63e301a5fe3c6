"""Weights learned offline and shipped as data files (``ranking.json``, ``scope_evidence.json``).

Each file holds ``{"weights": {feature: weight, ...}, ...}``, the features in a fixed order, with
the figures of their fitting and the command that wrote it (``evals.fusion``, ``evals.scope``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path


def read_weights(path: Path, names: Sequence[str]) -> tuple[float, ...]:
    """The weights of ``path``, in the order of ``names``, which the file must name exactly."""
    learned = json.loads(path.read_text(encoding="utf-8"))["weights"]
    if list(learned) != list(names):
        raise ValueError(f"{path.name}: the weights must name exactly {tuple(names)}, in order")
    return tuple(float(learned[name]) for name in names)
