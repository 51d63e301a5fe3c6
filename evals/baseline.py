"""The plain LangChain RAG a user would assemble from the tutorial, scored beside ours.

RecursiveCharacterTextSplitter (1000 characters, 200 overlap) over the same cleaned documents,
the same embedding model, a Chroma vector store, top-k similarity search; the answer is the
first chunk.  It gets our cleaned text (not the raw OCR), so the comparison isolates splitting,
retrieval and answering, and the evidence strings can match its chunks.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable

from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingest.records import CleanDocument

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200


class Baseline:
    def __init__(self, documents: Iterable[CleanDocument], embedder: Embeddings) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma

        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        texts, metadatas = [], []
        for doc in documents:
            for chunk in splitter.split_text(doc.text):
                texts.append(chunk)
                metadatas.append({"source": doc.document.info.source})
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        began = time.perf_counter()
        self.store = Chroma.from_texts(
            texts, embedder, metadatas=metadatas, client=client, collection_name=f"baseline-{uuid.uuid4().hex[:8]}"
        )
        self.index_seconds = time.perf_counter() - began
        self.chunks = texts

    def search(self, query: str, k: int = 10) -> list[str]:
        return [doc.page_content for doc in self.store.similarity_search(query, k=k)]
