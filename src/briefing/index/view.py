"""One version of the index, as one question reads it from start to end.

The BM25 index is written as versions (``lexical/<fingerprint>/``) and holds every chunk
of its version under its Chroma record id. Dense search asks Chroma for ids and scores
only, and looks the chunks up in the same version, so a question never mixes two index
versions: while an ingest writes (in this process or another), vectors it has added are
not in the version being read and are passed over, and the chunks it is replacing are
still there. An id with no chunk in the version is skipped, never a crash.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..types import Chunk, Citation, DocumentInfo, RetrievalFilter
from .lexical import LexicalIndex
from .store import ChromaStore

__all__ = ["IndexView"]


@dataclass(frozen=True, slots=True)
class IndexView:
    """The Chroma store and the BM25 version a question reads.

    Fields:
        store: the Chroma collection (vectors).
        lexical: the BM25 index version, or None when there is none yet (then dense hits
            come with Chroma's own metadata).
    """

    store: ChromaStore
    lexical: LexicalIndex | None

    def dense(
        self, vector: list[float], k: int, where: RetrievalFilter | None = None
    ) -> list[tuple[Chunk, float]]:
        """The ``k`` nearest chunks of this version (cosine similarity, best first)."""
        if self.lexical is None:
            return self.store.search(vector, k, where)
        # Ask for more than k: ids an ingest is adding right now are not in this version.
        hits: list[tuple[Chunk, float]] = []
        for rid, score in self.store.search_ids(vector, 2 * k, where):
            chunk = self.lexical.by_key(rid)
            if chunk is not None:
                hits.append((chunk, score))
                if len(hits) == k:
                    break
        return hits

    def lexical_search(
        self, query: str, k: int, where: RetrievalFilter | None = None
    ) -> list[tuple[Chunk, float]]:
        return self.lexical.search(query, k, where) if self.lexical is not None else []

    def chunks(self) -> list[Chunk]:
        """Every chunk of this version (empty without a BM25 index)."""
        return self.lexical.chunks if self.lexical is not None else []

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self.lexical.chunk(chunk_id) if self.lexical is not None else None

    def citation_context(self, citation: Citation) -> tuple[str, str, str]:
        """(before, quote, after): the cited quote inside its chunk, for highlighting;
        ("", quote, "") when this version no longer holds the chunk or the span."""
        chunk = self.chunk(citation.chunk_id)
        if chunk is None or not (chunk.start <= citation.start <= citation.end <= chunk.end):
            return "", citation.quote, ""
        a, b = citation.start - chunk.start, citation.end - chunk.start
        return chunk.text[:a], chunk.text[a:b], chunk.text[b:]

    def documents(self) -> list[DocumentInfo]:
        """One row per document of this version (no corpus re-read; without a BM25
        index, from the collection's records), oldest first."""
        rows: dict[str, DocumentInfo] = {}
        counts: dict[str, int] = {}
        chunks = self.chunks() if self.lexical is not None else [c for _, c in self.store.records()]
        for chunk in chunks:
            counts[chunk.doc_id] = counts.get(chunk.doc_id, 0) + 1
            rows.setdefault(
                chunk.doc_id,
                DocumentInfo(
                    doc_id=chunk.doc_id,
                    title=chunk.title,
                    kind=chunk.kind,
                    published=chunk.published,
                    source=chunk.source,
                    url=chunk.url,
                    chunks=0,
                ),
            )
        return sorted(
            (replace(row, chunks=counts[doc_id]) for doc_id, row in rows.items()),
            key=lambda r: (r.published or "9999", r.title),
        )
