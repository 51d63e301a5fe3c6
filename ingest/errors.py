"""Errors raised by the ingestion library.  Messages are French: users read them."""

from __future__ import annotations


class IngestError(Exception):
    """Base class of the errors the library raises on purpose."""


class LoadError(IngestError):
    """A file could not be turned into text.  ``reason`` is a short French explanation."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source} : {reason}")
        self.source = source
        self.reason = reason


class StoreUnavailable(IngestError):
    """The Chroma server cannot be reached.  ``url``: its address (QUARTIERS_CHROMA_URL)."""

    def __init__(self, url: str, detail: str = "") -> None:
        because = f" ({detail})" if detail else ""
        super().__init__(
            f"le serveur Chroma {url} est injoignable{because} : vérifiez qu'il est lancé "
            "et que QUARTIERS_CHROMA_URL donne la bonne adresse."
        )
        self.url = url
