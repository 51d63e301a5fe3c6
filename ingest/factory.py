"""Build the objects the settings describe: Chroma client, embedder, passage store."""

from __future__ import annotations

from dataclasses import asdict
from urllib.parse import urlparse

from ingest.config import Settings
from ingest.embed import SentenceTransformerEmbedder, model_label
from ingest.errors import StoreUnavailable
from ingest.store import PassageStore, collection_name, unreachable


def make_chroma_client(settings: Settings):
    """Embedded ``PersistentClient`` under the data directory, or ``HttpClient`` for a server
    (``StoreUnavailable`` if it does not answer)."""
    import chromadb
    import httpx
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        try:
            return chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except httpx.TransportError as error:
            raise unreachable(settings.chroma_url, error) from error
        except ValueError as error:  # how chromadb reports a server that does not answer
            raise StoreUnavailable(settings.chroma_url) from error
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def index_fingerprint(settings: Settings) -> dict[str, object]:
    """Everything that changes what is stored; it names the collection."""
    from ingest.clean import CLEANER_VERSION
    from ingest.split import EMBED_FORMAT, SPLITTER_VERSION

    return {
        "model": settings.embedding_model,
        "split": asdict(settings.split),
        "cleaner": CLEANER_VERSION,
        "splitter": SPLITTER_VERSION,
        "embed_format": EMBED_FORMAT,
    }


def make_store(settings: Settings, client=None) -> PassageStore:
    name = collection_name(model_label(settings.embedding_model), index_fingerprint(settings))
    return PassageStore(client or make_chroma_client(settings), name, settings.chroma_url)


def make_embedder(settings: Settings) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(settings.embedding_model, settings.embedding_batch_size)
