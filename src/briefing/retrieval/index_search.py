"""The hybrid retriever over the live index, built once per assistant.

Each question opens :class:`ViewSearches` on the index version it reads (one
``IndexView`` from start to end, even while an ingest writes): the dense search embeds
each query once (the source ranking searches the same query again), and the source
profiles are built once per BM25 version, not per question (a scan of every chunk).

Usage::

    retriever = index_retriever(settings, live_index.view, embeddings.embed_query)
    retriever.retrieve("Which firms got licences?", k=8)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..config import Settings
from ..index.view import IndexView
from ..types import RetrievalFilter
from .hybrid import Hits, HybridRetriever
from .sources import SourceProfile, profiles_from_chunks

__all__ = ["IndexSearches", "ViewSearches", "index_retriever"]


class ProfileCache:
    """Source profiles of the latest BM25 version (rebuilt when its fingerprint changes)."""

    def __init__(self) -> None:
        self._cached: tuple[str, list[SourceProfile]] | None = None
        self._lock = threading.Lock()

    def profiles(self, view: IndexView) -> list[SourceProfile]:
        lexical = view.lexical
        if lexical is None:
            return []
        cached = self._cached
        if cached is None or cached[0] != lexical.fingerprint:
            with self._lock:
                cached = self._cached
                if cached is None or cached[0] != lexical.fingerprint:
                    cached = (lexical.fingerprint, profiles_from_chunks(view.chunks()))
                    self._cached = cached
        return cached[1]

    def clear(self) -> None:
        self._cached = None


@dataclass(slots=True)
class ViewSearches:
    """The searches of one question over one index version (see ``hybrid.Searches``)."""

    view: IndexView
    embed_query: Callable[[str], list[float]]
    cache: ProfileCache
    vectors: dict[str, list[float]] = field(default_factory=dict)

    def dense(self, query: str, k: int, where: RetrievalFilter | None) -> Hits:
        if query not in self.vectors:
            self.vectors[query] = self.embed_query(query)
        return self.view.dense(self.vectors[query], k, where)

    def lexical(self, query: str, k: int, where: RetrievalFilter | None) -> Hits:
        return self.view.lexical_search(query, k, where)

    def profiles(self) -> Sequence[SourceProfile]:
        return self.cache.profiles(self.view)


class IndexSearches:
    """Opens ``ViewSearches`` on the index version current when a question starts."""

    def __init__(
        self, view: Callable[[], IndexView], embed_query: Callable[[str], list[float]]
    ) -> None:
        self._view = view
        self._embed_query = embed_query
        self.profile_cache = ProfileCache()

    def __call__(self) -> ViewSearches:
        return ViewSearches(self._view(), self._embed_query, self.profile_cache)


def index_retriever(
    settings: Settings,
    view: Callable[[], IndexView],
    embed_query: Callable[[str], list[float]],
) -> HybridRetriever:
    """The retriever the settings describe, over the index ``view()`` returns."""
    retrieval = settings.retrieval
    return HybridRetriever(
        searches=IndexSearches(view, embed_query),
        top_k=retrieval.top_k,
        candidate_k=retrieval.candidate_k,
        rrf_k=retrieval.rrf_k,
        mode=retrieval.mode,
    )
