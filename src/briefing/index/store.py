"""The Chroma vector store: embedded (persistent folder) or a Chroma server.

Chunks travel as LangChain ``Document``s whose metadata holds every ``Chunk`` field,
so a stored record can be turned back into a ``Chunk`` without the corpus files.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..config import Settings
from ..errors import IndexStoreError
from ..types import Chunk, RetrievalFilter
from .generation import Generation, read_generation

if TYPE_CHECKING:
    from langchain_core.documents import Document as LCDocument
    from langchain_core.embeddings import Embeddings

_HEADING_SEP = " \u203a "
_COLLECTION_METADATA = {"hnsw:space": "cosine"}


def context_header(chunk: Chunk) -> str:
    """The document title and headings above a chunk, as one line.

    It is embedded with the chunk ("contextual chunk headers"): a paragraph that says
    "the licences last one year" is then also near questions that name the topic only
    in its heading or title.
    """
    parts = list(dict.fromkeys(p for p in (chunk.title, *chunk.heading_path) if p))
    return (" — ".join(parts) + "\n") if parts else ""


def chunk_to_lc(chunk: Chunk) -> LCDocument:
    """A chunk as a LangChain Document (metadata: scalar values only, as Chroma needs).

    ``page_content`` is the context header followed by the chunk text; ``prefix_len``
    records where the text starts, so ``lc_to_chunk`` recovers it exactly.
    """
    from langchain_core.documents import Document as LCDocument

    header = context_header(chunk)
    meta: dict[str, Any] = {
        "prefix_len": len(header),
        "chunk_id": chunk.id,
        "doc_id": chunk.doc_id,
        "start": chunk.start,
        "end": chunk.end,
        "heading_path": _HEADING_SEP.join(chunk.heading_path),
        "ordinal": chunk.ordinal,
        "title": chunk.title,
        "kind": chunk.kind,
        "published": chunk.published,
        # Chroma compares numbers only: YYYYMMDD lets date ranges be filtered in the store.
        "published_ord": _date_ord(chunk.published),
        "source": chunk.source,
        "url": chunk.url,
    }
    return LCDocument(page_content=header + chunk.text, metadata=meta)


def lc_to_chunk(content: str, meta: dict[str, Any]) -> Chunk:
    heading = str(meta.get("heading_path") or "")
    return Chunk(
        id=str(meta["chunk_id"]),
        doc_id=str(meta["doc_id"]),
        text=content[int(meta.get("prefix_len", 0)) :],
        start=int(meta["start"]),
        end=int(meta["end"]),
        heading_path=tuple(heading.split(_HEADING_SEP)) if heading else (),
        ordinal=int(meta.get("ordinal", 0)),
        title=str(meta.get("title", "")),
        kind=str(meta.get("kind", "")),
        published=str(meta.get("published", "")),
        source=str(meta.get("source", "")),
        url=str(meta.get("url", "")),
    )


def _date_ord(iso: str) -> int:
    digits = iso.replace("-", "")[:8]
    return int(digits) if len(digits) == 8 and digits.isdigit() else 0


def chroma_where(where: RetrievalFilter | None) -> dict[str, Any] | None:
    """Translate a RetrievalFilter into a Chroma ``where`` clause (None: no filter)."""
    if where is None:
        return None
    clauses: list[dict[str, Any]] = []
    if where.kinds:
        clauses.append({"kind": {"$in": list(where.kinds)}})
    if where.doc_ids:
        clauses.append({"doc_id": {"$in": list(where.doc_ids)}})
    if where.published_from:
        clauses.append({"published_ord": {"$gte": _date_ord(where.published_from)}})
    if where.published_to:
        # Undated chunks store 0; like RetrievalFilter.accepts, a date bound excludes them.
        clauses.append({"published_ord": {"$gt": 0}})
        clauses.append({"published_ord": {"$lte": _date_ord(where.published_to)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class ChromaStore:
    """One Chroma collection (cosine space) behind LangChain's ``Chroma`` vector store.

    ``generation`` is the index marker (see :mod:`briefing.index.generation`) read just
    before the client opened: the state this client is known to reflect.
    """

    def __init__(self, settings: Settings, embeddings: Embeddings) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.settings = settings
        self.embeddings = embeddings
        self.generation: Generation | None = read_generation(settings.data_dir)

        client_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        try:
            if settings.index.chroma_host:
                client = chromadb.HttpClient(
                    host=settings.index.chroma_host,
                    port=settings.index.chroma_port,
                    settings=client_settings,
                )
                self.location = f"chroma server http://{settings.index.chroma_host}:{settings.index.chroma_port}"
            else:
                settings.chroma_dir.mkdir(parents=True, exist_ok=True)
                client = chromadb.PersistentClient(
                    path=str(settings.chroma_dir), settings=client_settings
                )
                self.location = str(settings.chroma_dir.resolve())
        except Exception as exc:  # chromadb raises plain ValueError/ConnectionError here
            target = settings.index.chroma_host or settings.chroma_dir
            raise IndexStoreError(f"cannot open the Chroma store at {target}: {exc}") from exc
        self.client = client
        self.collection_name = settings.index.collection
        self._embeddings = embeddings
        self._vectorstore = None
        self._collection = None

    @property
    def vectorstore(self):  # type: ignore[no-untyped-def]
        """LangChain's ``Chroma`` over the collection, for ingest (built on first use:
        importing LangChain's vector-store stack costs more than a whole question)."""
        if self._vectorstore is None:
            from langchain_chroma import Chroma

            self._vectorstore = Chroma(
                collection_name=self.collection_name,
                embedding_function=self._embeddings,
                client=self.client,
                collection_metadata=_COLLECTION_METADATA,
            )
        return self._vectorstore

    @property
    def collection(self):  # type: ignore[no-untyped-def]
        if self._vectorstore is not None:
            return self._vectorstore._collection  # follows reset_collection()
        if self._collection is None:
            # The same call langchain_chroma makes, so both see one collection.
            self._collection = self.client.get_or_create_collection(
                name=self.collection_name, embedding_function=None, metadata=_COLLECTION_METADATA
            )
        return self._collection

    def count(self) -> int:
        return int(self.collection.count())

    def ids(self) -> set[str]:
        """Every record id in the collection (no payloads)."""
        return {i for page in self._pages(include=[]) for i in page["ids"]}

    def records(self) -> Iterator[tuple[str, Chunk]]:
        """Every (record id, chunk) in the collection, in pages (records another process
        deleted meanwhile, which come back without metadata, are skipped)."""
        for page in self._pages(include=["documents", "metadatas"]):
            for rid, text, meta in zip(
                page["ids"], page["documents"], page["metadatas"], strict=True
            ):
                if meta is not None and text is not None:
                    yield rid, lc_to_chunk(text, meta)

    def _pages(self, include: list[str], size: int = 2000) -> Iterator[dict[str, Any]]:
        offset = 0
        while True:
            page = self.collection.get(include=include, limit=size, offset=offset)
            if not page["ids"]:
                return
            yield page
            offset += len(page["ids"])

    def delete(self, ids: list[str]) -> None:
        for i in range(0, len(ids), 1000):
            self.collection.delete(ids=ids[i : i + 1000])

    def search(
        self, vector: list[float], k: int, where: RetrievalFilter | None = None
    ) -> list[tuple[Chunk, float]]:
        """Nearest chunks to an embedding; score = cosine similarity.

        An id whose record is gone (deleted by another process since this client loaded
        its vector index) comes back with no metadata: it is skipped, never a crash.
        """
        found = self._query(vector, k, where, ["documents", "metadatas", "distances"])
        if found is None:
            return []
        return [
            (lc_to_chunk(text, meta), 1.0 - float(dist))
            for text, meta, dist in zip(
                found["documents"][0], found["metadatas"][0], found["distances"][0], strict=True
            )
            if meta is not None and text is not None
        ]

    def search_ids(
        self, vector: list[float], k: int, where: RetrievalFilter | None = None
    ) -> list[tuple[str, float]]:
        """Nearest record ids and cosine similarities, without payloads (the caller looks
        the chunks up in the index version it reads)."""
        found = self._query(vector, k, where, ["distances"])
        if found is None:
            return []
        return [
            (rid, 1.0 - float(dist))
            for rid, dist in zip(found["ids"][0], found["distances"][0], strict=True)
        ]

    def _query(
        self, vector: list[float], k: int, where: RetrievalFilter | None, include: list[str]
    ) -> dict[str, Any] | None:
        # No count() first: Chroma answers an empty or small collection with what it has,
        # and the extra call cost about half as much as the query itself.
        found = self.collection.query(
            query_embeddings=[vector], n_results=k, where=chroma_where(where), include=include
        )
        return found if found["ids"] and found["ids"][0] else None  # type: ignore[return-value]

    def reopen(self) -> ChromaStore:
        """A new client on the same store that sees what other processes wrote.

        Chroma caches one in-memory system per persistent path; it is dropped from that
        cache (not stopped: questions still running on this store finish on it, and it
        is freed with its last reference), so the new client loads the index from disk.
        """
        from chromadb.api.shared_system_client import SharedSystemClient

        if not self.settings.index.chroma_host:  # a server client has no such cache
            identifier = getattr(self.client, "_identifier", None)
            SharedSystemClient._identifier_to_system.pop(identifier, None)
            SharedSystemClient._identifier_to_refcount.pop(identifier, None)
        return ChromaStore(self.settings, self.embeddings)

    def reset(self) -> None:
        """Drop and recreate the collection (``ingest --rebuild``)."""
        self.vectorstore.reset_collection()
