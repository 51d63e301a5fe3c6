"""Weights learned offline and shipped as data files (``ranking.json``, ``scope_evidence.json``).

Each file holds ``{"weights": {feature: weight, ...}, ...}``, the features in a fixed order, with
the figures of their fitting, the command that wrote it (``evals.fusion``, ``evals.scope``) and
the fingerprint of the data files it learned from (``learned_from``), by which a test tells
weights that must be learned again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path


def read_weights(path: Path, names: Sequence[str]) -> tuple[float, ...]:
    """The weights of ``path``, in the order of ``names``, which the file must name exactly."""
    learned = json.loads(path.read_text(encoding="utf-8"))["weights"]
    if list(learned) != list(names):
        raise ValueError(f"{path.name}: the weights must name exactly {tuple(names)}, in order")
    return tuple(float(learned[name]) for name in names)


def fingerprint(*paths: Path) -> str:
    """A short digest of the files' contents, in order."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
