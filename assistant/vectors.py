"""Arrays computed once and kept beside the lexical index: vectors and learned models.

Each file holds its arrays and the key of what they were computed from (the embedding model, the
questions and settings of a fit).  A file whose key differs, or that cannot be read, is computed
again and replaced atomically: a reader sees the old file or the new one, never half of one.
Vectors are kept by the fingerprint of their text, so that only new texts are embedded.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings


def content_key(*parts: str) -> str:
    """A short fingerprint of ``parts``, in order."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def embedder_name(embedder: Embeddings) -> str:
    return str(getattr(embedder, "name", type(embedder).__name__))


def save_arrays(path: Path, key: str, **arrays: np.ndarray) -> None:
    """``arrays`` under ``key`` in ``path``, written atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
    np.savez(staging, key=np.array(key), **arrays)
    staging.replace(path)


def load_arrays(path: Path, key: str) -> dict[str, np.ndarray] | None:
    """The arrays saved in ``path`` under ``key``; None when missing, unreadable or of another key."""
    try:
        with np.load(path) as saved:
            if str(saved["key"]) != key:
                return None
            return {name: saved[name] for name in saved.files if name != "key"}
    except (OSError, ValueError, KeyError):
        return None


def unit_vectors(texts: Sequence[str], embedder: Embeddings, cache: Path | None) -> np.ndarray:
    """The unit-length document vectors of ``texts``, in order.  ``cache`` keeps the vector of each
    text (by its fingerprint) for this embedding model: only the texts it does not hold are
    embedded (after an ingestion, the new passages' sentences), and it is rewritten to hold
    exactly those of ``texts``."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    model = embedder_name(embedder)
    known: dict[str, np.ndarray] = {}
    if cache is not None and (saved := load_arrays(cache, model)) is not None and "digests" in saved:
        known = dict(zip(saved["digests"].tolist(), saved["vectors"]))
    keys = [content_key(text) for text in texts]
    distinct = dict(zip(keys, texts))  # fingerprint -> text, each once, in order
    if missing := [key for key in distinct if key not in known]:
        known.update(zip(missing, _embedded([distinct[key] for key in missing], embedder)))
    if cache is not None and (missing or len(known) != len(distinct)):
        vectors = np.stack([known[key] for key in distinct])
        save_arrays(cache, model, digests=np.array(list(distinct)), vectors=vectors)
    return np.stack([known[key] for key in keys]).astype(np.float32, copy=False)


def _embedded(texts: Sequence[str], embedder: Embeddings) -> np.ndarray:
    vectors = np.asarray(embedder.embed_documents(list(texts)), dtype=np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return vectors
