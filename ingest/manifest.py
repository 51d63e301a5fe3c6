"""The corpus manifest: what each file is (title, kind, date, authority).

``corpus/manifest.json`` maps a file's path relative to the corpus root to its description.
A file without an entry is still ingested, with a description derived from its name.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ingest.records import DocumentInfo

MANIFEST_NAME = "manifest.json"

# Kinds recognised in file names, and whether they are national texts.
_KINDS = (
    ("circulaire", "circulaire", "national"),
    ("decret", "décret", "national"),
    ("instruction", "instruction", "national"),
    ("civ", "comité interministériel", "national"),
    ("loi", "loi", "national"),
    ("contrat", "contrat de ville", "local"),
    ("bilan", "bilan", "local"),
    ("evaluation", "évaluation", "local"),
)
_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)(?:[-_.](\d\d)(?:[-_.](\d\d))?)?(?!\d)")


class ManifestError(ValueError):
    """The manifest exists but cannot be read."""


def load_manifest(corpus_dir: Path) -> dict[str, dict[str, str]]:
    """Entries of the manifest, keyed by relative path; empty when there is no manifest."""
    path = corpus_dir / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        if not isinstance(files, dict):
            raise TypeError("'files' n'est pas un objet")
    except (ValueError, KeyError, TypeError) as exc:
        raise ManifestError(f"{path} : manifeste illisible ({exc})") from exc
    return files


def describe(source: str, manifest: dict[str, dict[str, str]]) -> DocumentInfo:
    """The manifest's description of ``source``, completed by what its name tells."""
    guessed = guess_from_name(source)
    entry = manifest.get(source, {})
    return DocumentInfo(
        source=source,
        title=entry.get("title") or guessed.title,
        kind=entry.get("kind") or guessed.kind,
        date=entry.get("date") or guessed.date,
        authority=entry.get("authority") or guessed.authority,
    )


def guess_from_name(source: str) -> DocumentInfo:
    """Title, kind, date and authority derived from a file name such as
    ``circulaire-2023-08-31-quartiers-2030.pdf``."""
    stem = Path(source).stem
    folded = stem.lower().replace("é", "e").replace("è", "e")
    kind, authority = "document", "local"
    for keyword, name, scope in _KINDS:
        if re.search(rf"(^|[^a-z]){keyword}([^a-z]|$)", folded):
            kind, authority = name, scope
            break
    date = ""
    if match := _DATE.search(stem):
        date = "-".join(part for part in match.groups() if part)
    words = re.sub(r"[_\-.]+", " ", stem).strip()
    title = words[:1].upper() + words[1:] if words else source
    return DocumentInfo(source=source, title=title, kind=kind, date=date, authority=authority)
