"""The ingestion run: discover files, skip the unchanged, load -> clean -> split -> embed -> store.

Safe to interrupt at any moment: a file's record is marked incomplete before its passages change
and complete after; passage ids are derived from content, so redoing a file is an upsert.
A file that fails to load keeps whatever was indexed from it before.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from langchain_core.embeddings import Embeddings
from tqdm import tqdm

from ingest.clean import clean_document
from ingest.config import Settings
from ingest.embed import embed_by_length
from ingest.errors import LoadError
from ingest.load import SUPPORTED_SUFFIXES, LoadLimits, load_document
from ingest.manifest import MANIFEST_NAME, describe, load_manifest
from ingest.records import IngestReport, Passage
from ingest.split import embedding_text, split_document
from ingest.store import PassageStore

EMBED_WINDOW = 1024  # new passages embedded together (sorted by length across files)


@dataclass(frozen=True)
class _Planned:
    """A file whose passages must be (re)computed."""

    source: str
    sha256: str
    passages: list[Passage]


def discover(corpus_dir: Path, paths: Sequence[Path] = ()) -> list[Path]:
    """The files to consider: the given files (directories expanded) or the whole corpus."""
    roots = list(paths) or [corpus_dir]
    found: list[Path] = []
    for root in roots:
        if root.is_dir():
            found.extend(
                p
                for p in sorted(root.rglob("*"))
                if p.is_file() and p.name != MANIFEST_NAME and not _hidden(p, root)
            )
        else:
            found.append(root)
    return found


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def source_name(path: Path, corpus_dir: Path) -> str:
    """The stable identifier of a file: its path relative to the corpus, else its absolute path."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(corpus_dir.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def ingest(
    settings: Settings,
    store: PassageStore,
    embedder_factory: Callable[[], Embeddings],
    paths: Sequence[Path] = (),
    *,
    limits: LoadLimits = LoadLimits(),
    progress: bool = True,
    log: Callable[[str], None] = print,
) -> IngestReport:
    """Bring the index in line with the files.  Without ``paths``, files gone from the corpus
    are removed from the index too.  The embedder is only built if something must be embedded."""
    began = time.perf_counter()
    report = IngestReport()
    manifest = load_manifest(settings.corpus)
    records = store.file_records()
    files = discover(settings.corpus, paths)

    planned: list[_Planned] = []
    for path in tqdm(files, desc="Lecture", unit="fichier", disable=not progress, leave=False):
        source = source_name(path, settings.corpus)
        if not path.is_file():
            report.failed[source] = "fichier introuvable"
            continue
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            report.failed[source] = f"type de fichier non pris en charge ({path.suffix or 'sans extension'})"
            continue
        sha = file_sha256(path)
        known = records.get(source)
        if known and known.complete and known.sha256 == sha:
            report.unchanged.append(source)
            continue
        try:
            document = load_document(path, describe(source, manifest), limits)
            passages = split_document(clean_document(document), settings.split)
        except LoadError as error:
            report.failed[source] = error.reason
            continue
        except Exception as error:  # a bug on one file must not stop the others
            report.failed[source] = f"erreur inattendue pendant la préparation ({error!r})"
            continue
        report.warnings.extend(document.warnings)
        planned.append(_Planned(source, sha, passages))

    if not paths:
        present = {source_name(p, settings.corpus) for p in files}
        for source in sorted(set(records) - present):
            report.passages_deleted += store.delete(store.ids_of(source))
            store.forget_file(source)
            report.removed.append(source)

    _store_planned(planned, store, embedder_factory, report, progress)
    report.passages_total = store.count()
    report.seconds = time.perf_counter() - began
    for source, reason in report.failed.items():
        log(f"ÉCHEC {source} : {reason}")
    for warning in report.warnings:
        log(f"ATTENTION {warning}")
    return report


def _store_planned(
    planned: list[_Planned],
    store: PassageStore,
    embedder_factory: Callable[[], Embeddings],
    report: IngestReport,
    progress: bool,
) -> None:
    """Embed only the passages not already stored, then drop the stale ones.

    Files are taken a window at a time (about ``EMBED_WINDOW`` new passages): the window's
    passages are embedded together, longest first, so batches carry little padding.  Every file
    of the window is marked incomplete before its passages change and complete after.
    """
    todo: list[tuple[_Planned, list[Passage], set[str]]] = []
    for item in planned:
        stored = store.ids_of(item.source)
        fresh = [p for p in item.passages if p.id not in stored]
        todo.append((item, fresh, stored - {p.id for p in item.passages}))
    total = sum(len(fresh) for _, fresh, _ in todo)
    embedder = embedder_factory() if total else None
    with tqdm(total=total, desc="Indexation", unit="passage", disable=not progress) as bar:
        for window in _windows(todo, EMBED_WINDOW):
            for item, _, _ in window:
                store.mark_file(item.source, item.sha256, complete=False)
            fresh = [p for _, passages, _ in window for p in passages]
            if fresh:
                began = time.perf_counter()
                vectors = embed_by_length(embedder, [embedding_text(p) for p in fresh], on_progress=bar.update)
                stored_at = time.perf_counter()
                store.upsert(fresh, vectors)
                report.seconds_embedding += stored_at - began
                report.seconds_storing += time.perf_counter() - stored_at
            for item, passages, stale in window:
                report.passages_deleted += store.delete(stale)
                store.mark_file(item.source, item.sha256, complete=True, passages=len(item.passages))
                report.passages_added += len(passages)
                report.indexed.append(item.source)


def _windows(todo: list, size: int) -> Iterator[list]:
    """Consecutive groups of files holding about ``size`` new passages (a file is never cut)."""
    window: list = []
    count = 0
    for entry in todo:
        window.append(entry)
        count += len(entry[1])
        if count >= size:
            yield window
            window, count = [], 0
    if window:
        yield window
