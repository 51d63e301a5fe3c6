"""Typed records passed between the ingestion stages.

Data flows one way: a file on disk becomes a ``Document`` (raw text per page), then a
``CleanDocument`` (repaired text, one string, with page boundaries), then ``Passage`` records
that are embedded and stored.  Each stage takes one record type and returns the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class DocumentInfo:
    """What the manifest says about a file (or the defaults derived from its name)."""

    source: str  # stable identifier: path relative to the corpus root, POSIX style
    title: str
    kind: str  # e.g. "contrat de ville", "circulaire"
    date: str  # ISO date or year, "" when unknown
    authority: str  # "national" or "local"


@dataclass(frozen=True)
class Page:
    """Raw text of one page (PDF) or of the whole file (TXT/MD, number 0)."""

    number: int  # 1-based page number for a PDF, 0 for a text file
    text: str


@dataclass(frozen=True)
class Document:
    """A loaded file: its description, its raw pages and the hash of its bytes."""

    path: Path
    info: DocumentInfo
    pages: tuple[Page, ...]
    sha256: str
    warnings: tuple[str, ...] = ()  # French messages for the user (e.g. encoding fallback)

    @property
    def is_pdf(self) -> bool:
        return self.path.suffix.lower() == ".pdf"


@dataclass(frozen=True)
class CleanDocument:
    """The cleaned text of a document as one string, with where each page starts."""

    document: Document
    text: str
    page_starts: tuple[tuple[int, int], ...] = ()  # (offset in text, page number), PDF only

    def page_at(self, offset: int) -> int | None:
        """Page number holding the character at ``offset`` (None for text files)."""
        page = None
        for start, number in self.page_starts:
            if start > offset:
                break
            page = number
        return page


@dataclass(frozen=True)
class Passage:
    """A unit of retrieval and citation: a few sentences or a list with its lead-in."""

    id: str  # derived from source and content, stable across runs
    source: str
    title: str
    kind: str
    authority: str
    date: str
    section: tuple[str, ...]  # heading path, outermost first
    page: int | None  # PDF page holding the start of the passage
    start: int  # character offsets in the cleaned document
    end: int
    text: str

    @property
    def location(self) -> str:
        """Human-readable place: the page for a PDF, the section path otherwise."""
        if self.page is not None:
            return f"page {self.page}"
        return " > ".join(self.section) if self.section else "début du document"


@dataclass
class IngestReport:
    """What one ingestion run did, for the final summary and the exit status."""

    indexed: list[str] = field(default_factory=list)  # files (re)indexed
    unchanged: list[str] = field(default_factory=list)  # files skipped because unchanged
    removed: list[str] = field(default_factory=list)  # files gone from the corpus
    failed: dict[str, str] = field(default_factory=dict)  # file -> French reason
    warnings: list[str] = field(default_factory=list)
    passages_added: int = 0  # passages embedded in this run
    passages_deleted: int = 0
    passages_total: int = 0  # passages in the index at the end
    seconds: float = 0.0
    seconds_embedding: float = 0.0  # of which: computing embeddings
    seconds_storing: float = 0.0  # and writing passages and vectors to Chroma

    @property
    def ok(self) -> bool:
        return not self.failed
