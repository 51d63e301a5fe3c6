"""Load one file into a ``Document``: raw text per page and the sha256 of its bytes.

Supported: PDF (text layer, read with pypdf), plain text and Markdown.  A file that cannot be
turned into text raises ``LoadError`` with a short French reason that the user will read.

PDFs are parsed in a child process forked by a "forkserver" (safe even if this process runs
threads or has loaded torch), under a wall-clock limit (the child is killed when it expires) and
an address-space limit (``RLIMIT_AS``): a hostile or broken PDF can neither hang nor kill the run.
Cost: 10 to 20 ms per PDF, provided the program's ``__main__`` is cheap to import, because
multiprocessing re-imports it in every child (except a package ``__main__`` run with ``-m``).
"""

from __future__ import annotations

import codecs
import hashlib
import io
import logging
import multiprocessing
import pickle
import signal
import unicodedata
import warnings
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing.connection import Connection
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import DependencyError

from ingest.errors import LoadError
from ingest.records import Document, DocumentInfo, Page

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".md")

MIN_PAGE_CHARS = 20  # a page with fewer letters/digits has no usable text layer
MAX_CONTROL_SHARE = 0.05  # a "text" file with more control bytes than this is binary
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f") + b"\x7f"

ENCRYPTED = "PDF chiffré (protégé par mot de passe) : impossible d'en lire le texte"
ENCRYPTED_AES = "PDF chiffré (AES) : déchiffrement impossible sans le module « cryptography »"
CORRUPT = "PDF illisible ou corrompu"
NO_TEXT = ("PDF sans couche texte (document scanné ?) : "
           "la reconnaissance de caractères (OCR) n'est pas prise en charge")
OUT_OF_MEMORY = "analyse interrompue : mémoire insuffisante"

Pages = tuple[tuple[Page, ...], tuple[str, ...]]  # pages and French warnings


@dataclass(frozen=True)
class LoadLimits:
    """Resource limits applied to each file."""

    max_bytes: int = 200 * 1024 * 1024
    pdf_timeout_s: float = 120.0
    pdf_memory_bytes: int = 2 * 1024**3
    max_pages: int = 5000


def load_document(path: Path, info: DocumentInfo, limits: LoadLimits = LoadLimits()) -> Document:
    """Read ``path`` into a ``Document``, or raise ``LoadError`` with a French reason."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        kind = suffix or "sans extension"
        raise LoadError(info.source, f"type de fichier non pris en charge ({kind})")
    data = _read_bytes(path, info.source, limits.max_bytes)
    if not data.strip():
        raise LoadError(info.source, "fichier vide")
    if suffix == ".pdf":
        pages, notes = _load_pdf(data, info.source, limits)
    else:
        pages, notes = _load_text(data, info.source)
    sha256 = hashlib.sha256(data).hexdigest()
    return Document(path=path, info=info, pages=pages, sha256=sha256, warnings=notes)


def _read_bytes(path: Path, source: str, max_bytes: int) -> bytes:
    """The file's bytes; a file larger than ``max_bytes`` is refused before being read whole."""
    try:
        size = path.stat().st_size
        if size <= max_bytes:
            with path.open("rb") as handle:
                data = handle.read(max_bytes + 1)  # the file may have grown since stat()
            size = len(data)
    except FileNotFoundError:
        raise LoadError(source, "fichier introuvable") from None
    except PermissionError:
        raise LoadError(source, "fichier inaccessible (droits insuffisants)") from None
    except OSError as exc:
        raise LoadError(source, f"lecture du fichier impossible ({exc.strerror or exc})") from None
    if size > max_bytes:
        sizes = f"{_size(size)}, limite {_size(max_bytes)}"
        raise LoadError(source, f"fichier trop volumineux ({sizes})")
    return data


def _size(n: int) -> str:
    """A size in French units: "1,5 Mo", "200 Mo", "12 octets"."""
    for unit, scale in (("Go", 1024**3), ("Mo", 1024**2), ("ko", 1024)):
        if n >= scale:
            return f"{n / scale:.1f}".replace(".", ",").removesuffix(",0") + f" {unit}"
    return f"{n} octets"


# --- Text and Markdown ---------------------------------------------------------------------------


def _load_text(data: bytes, source: str) -> Pages:
    """A single page (number 0) of decoded text, with \\n newlines and NFC characters."""
    text, notes = _decode(data, source)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise LoadError(source, "fichier vide")
    return (Page(number=0, text=text),), notes


def _decode(data: bytes, source: str) -> tuple[str, tuple[str, ...]]:
    """UTF-16 (with a BOM) or UTF-8 (BOM dropped); else Windows-1252, with a warning."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), ()
        except UnicodeDecodeError:
            raise LoadError(source, "fichier texte UTF-16 mal encodé") from None
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if b"\0" in data or controls > MAX_CONTROL_SHARE * len(data):
        raise LoadError(source, "fichier binaire (pas du texte)")
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise LoadError(source, "encodage non reconnu (ni UTF-8, ni Windows-1252)") from None
    note = (f"{source} : texte non encodé en UTF-8, lu avec l'encodage Windows-1252 (cp1252) ; "
            "vérifiez les accents ou réenregistrez le fichier en UTF-8")
    return text, (note,)


# --- PDF, parent side ----------------------------------------------------------------------------


def _load_pdf(data: bytes, source: str, limits: LoadLimits) -> Pages:
    """Pages 1..n, parsed in a child process; warnings for unreadable or textless pages."""
    result = _run_child(data, limits)
    if result[0] == "error":
        raise LoadError(source, result[1])
    _, texts, unreadable = result
    pages = tuple(Page(number=number, text=text) for number, text in texts)
    empty = [p.number for p in pages if sum(c.isalnum() for c in p.text) < MIN_PAGE_CHARS]
    if len(empty) == len(pages):
        raise LoadError(source, NO_TEXT)
    notes = []
    if unreadable:
        notes.append(f"{source} : pages illisibles, ignorées : {', '.join(map(str, unreadable))}")
    if len(empty) * 4 >= len(pages):  # many textless pages: probably partly scanned
        notes.append(f"{source} : {len(empty)} page(s) sur {len(pages)} sans texte (scannées ?)")
    return pages, tuple(notes)


@lru_cache(maxsize=None)
def _context() -> multiprocessing.context.BaseContext:
    """A thread-safe start method; the fork server imports pypdf once for all children."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pypdf", "pypdf.filters", __name__])
    return context


def _run_child(data: bytes, limits: LoadLimits) -> tuple:
    """Run ``_child_main`` under the limits; a timeout or a dead child becomes an error."""
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    args = (sender, data, limits.pdf_memory_bytes, limits.max_pages)
    child = context.Process(target=_child_main, args=args, daemon=True)
    try:
        child.start()
        sender.close()  # the child holds the only write end now: EOF if it dies
        if not receiver.poll(limits.pdf_timeout_s):
            seconds = f"{limits.pdf_timeout_s:g}".replace(".", ",")
            return ("error", f"analyse interrompue : délai de {seconds} s dépassé")
        return receiver.recv()
    except EOFError:  # the child died without answering
        child.join()
        return ("error", _death_reason(child.exitcode))
    finally:
        if child.is_alive():
            child.kill()
        if child.pid is not None:
            child.join()
            child.close()
        receiver.close()
        sender.close()


def _death_reason(exitcode: int | None) -> str:
    """Why a child ended without an answer, in French."""
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        if -exitcode == signal.SIGKILL:  # most likely the kernel's out-of-memory killer
            return f"{OUT_OF_MEMORY} (processus arrêté par le système, {name})"
        return f"analyse interrompue : le lecteur PDF a planté ({name})"
    return f"analyse interrompue : le lecteur PDF s'est arrêté sans résultat (code {exitcode})"


# --- PDF, child side: only plain data crosses the pipe -------------------------------------------


def _child_main(conn: Connection, data: bytes, memory_bytes: int, max_pages: int) -> None:
    """Limit memory, parse, send ("ok", [(page, text)], [unreadable pages]) or ("error", reason)."""
    import resource  # Unix only, like the "forkserver" start method

    out_of_memory = pickle.dumps(("error", OUT_OF_MEMORY))  # ready before memory runs out
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # broken files spam warnings
    warnings.simplefilter("ignore")
    try:
        conn.send(_parse_pdf(data, max_pages))  # pickled whole before anything is written
    except MemoryError:
        conn.send_bytes(out_of_memory)
    except DependencyError:  # AES needs the "cryptography" package
        conn.send(("error", ENCRYPTED_AES))
    except Exception:  # pypdf raises many kinds of errors on broken files
        conn.send(("error", CORRUPT))
    finally:
        conn.close()


def _parse_pdf(data: bytes, max_pages: int) -> tuple:
    """Text of every page; a page whose extraction fails is listed and left empty."""
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):  # an empty user password is common
        return ("error", ENCRYPTED)
    if len(reader.pages) > max_pages:
        return ("error", f"PDF trop long ({len(reader.pages)} pages, limite {max_pages})")
    texts, unreadable = [], []
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text() or ""
        except (MemoryError, DependencyError):
            raise
        except Exception:
            text = ""
            unreadable.append(number)
        texts.append((number, text))
    return ("ok", texts, unreadable)
