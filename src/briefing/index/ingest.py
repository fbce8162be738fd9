"""Incremental, idempotent, crash-safe ingestion into Chroma and the BM25 index.

Built on LangChain's indexing API (``langchain_core.indexing.index``) with a SQLite
record manager: every chunk is written under a hash of its text and metadata, so an
unchanged chunk is never embedded twice, a changed document's old chunks are deleted,
and documents gone from the corpus are cleaned up (``cleanup="full"``).

Crash safety: the vector store is written before the records, and Chroma upserts by
id, so a run killed at any point is repaired by the next one. Each run also starts by
reconciling the records with the collection (records without vectors are forgotten,
vectors without records are deleted) and ends by rebuilding the lexical index whenever
its fingerprint differs from the collection's ids.

Several processes may share one ``data_dir`` (a server and a CLI ingest): every ingest
announces itself in the generation marker (:mod:`briefing.index.generation`), writers
reopen a stale Chroma client before writing, and :meth:`Indexer.view` -- called once per
question -- reopens the client and reloads the BM25 index after another process's ingest
finished. Questions read an :class:`~briefing.index.view.IndexView`, the previous
version, while an ingest writes.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock
from tqdm import tqdm

from ..config import Settings
from ..corpus import chunk_document, load_corpus
from ..types import Chunk, DocumentInfo, IndexStatus, IngestReport
from . import freshness
from .generation import Generation, read_generation, write_generation
from .lexical import LexicalIndex, fingerprint
from .store import ChromaStore, chunk_to_lc
from .text_vectors import chunk_texts, open_text_vectors
from .view import IndexView

if TYPE_CHECKING:
    from langchain_core.documents import Document as LCDocument

    from .records import SQLiteRecordManager


# Chunks per write to Chroma and the record manager (the embedding model sub-batches
# them by length); a killed ingest loses at most one such batch of work.
INDEX_BATCH = 128
SENTENCE_BATCH = 256  # sentences embedded (and stored) per step of the ingest's second bar


class Indexer:
    """Keeps the Chroma collection, the record manager and the BM25 index in step."""

    def __init__(
        self,
        settings: Settings,
        store: ChromaStore,
        records: SQLiteRecordManager | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self._records = records
        if records is not None:
            records.create_schema()
        self.lexical: LexicalIndex | None = None  # the BM25 index last built or loaded
        self._trusted_lexical: str | None = None  # BM25 version a fresh manifest vouched for
        self._reopen_lock = threading.Lock()

    @property
    def records(self) -> SQLiteRecordManager:
        """The record manager (opened on first use: a fresh index answers without it)."""
        if self._records is None:
            from .records import SQLiteRecordManager

            records = SQLiteRecordManager(
                self.settings.records_namespace, self.settings.records_path
            )
            records.create_schema()
            self._records = records
        return self._records

    def close(self) -> None:
        if self._records is not None:
            self._records.close()

    @property
    def _state_path(self) -> Path:
        return self.settings.data_dir / "ingest.json"

    def ingest(
        self,
        paths: Sequence[Path] | None = None,
        *,
        rebuild: bool = False,
        progress: bool = False,
        strict: bool = True,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> IngestReport:
        """Make the index mirror ``paths`` (default: the corpus folder) exactly.

        ``strict=False`` leaves out files with author errors (reported in ``skipped``)
        instead of raising CorpusError. ``on_progress(done, total)`` follows the chunks.
        """
        started = time.perf_counter()
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        roots = list(paths) if paths else [self.settings.corpus_dir]
        with FileLock(str(self.settings.lock_path), timeout=600):
            built_with = self._read_state().get("embedding_model")
            if built_with and built_with != self.settings.resolved_embedding_model():
                # Vectors of two models cannot be compared: a model change re-embeds all.
                rebuild = True
            if not rebuild and (manifest := self.fresh_manifest(roots)) is not None:
                return IngestReport(
                    documents=manifest.documents,
                    chunks=manifest.chunks,
                    added=0,
                    deleted=0,
                    unchanged=manifest.chunks,
                    skipped=manifest.skipped,
                    seconds=_since(started),
                )
            report = self._ingest_locked(roots, rebuild, progress, strict, on_progress)
        return replace(report, seconds=_since(started))

    def _ingest_locked(
        self,
        roots: list[Path],
        rebuild: bool,
        progress: bool,
        strict: bool,
        on_progress: Callable[[int, int], None] | None,
    ) -> IngestReport:
        """The ingest's work, inside the file lock: load, write, then record it."""
        previous = freshness.read_manifest(self.settings)
        freshness.clear_manifest(self.settings)  # a killed run leaves no manifest
        self._trusted_lexical = None
        scanned_at = time.time_ns()
        stamps = freshness.scan(roots, previous)  # before loading: changes after it show
        # Read the corpus before writing: a CorpusError leaves the index untouched.
        loaded = load_corpus(
            roots, max_file_bytes=self.settings.corpus.max_file_bytes, strict=strict
        )
        self._begin_write()
        if rebuild:
            self._wipe()
        self._reconcile()
        corpus = self.settings.corpus
        chunks = [
            chunk
            for doc in loaded.documents
            for chunk in chunk_document(
                doc, chunk_size=corpus.chunk_size, chunk_min=corpus.chunk_min
            )
        ]
        result = self._write_chunks(chunks, progress, on_progress)
        changed = result["num_added"] + result["num_updated"] + result["num_deleted"] > 0
        sentences, sentence_seconds = (
            self._embed_sentences(chunks, progress)
            if changed and self.settings.index.sentence_vectors
            else (0, 0.0)
        )
        lexical = self.refresh_lexical(changed=changed)
        self._write_state(len(loaded.documents))
        skipped = (*(f"{path}: {reason}" for path, reason in loaded.skipped), *loaded.errors)
        count = self.store.count()
        freshness.write_manifest(
            self.settings,
            freshness.Manifest(
                key=freshness.settings_key(self.settings, roots),
                files=stamps,
                scanned_at_ns=scanned_at,
                documents=len(loaded.documents),
                chunks=count,
                lexical=lexical.fingerprint,
                skipped=skipped,
            ),
        )
        self._trusted_lexical = lexical.fingerprint  # the manifest just written vouches
        self._end_write(f"{self.store.collection.id}:{lexical.fingerprint}")
        return IngestReport(
            documents=len(loaded.documents),
            chunks=count,
            added=result["num_added"] + result["num_updated"],
            deleted=result["num_deleted"],
            unchanged=result["num_skipped"],
            skipped=skipped,
            seconds=0.0,
            sentences=sentences,
            sentence_seconds=sentence_seconds,
        )

    def _write_chunks(
        self,
        chunks: list[Chunk],
        progress: bool,
        on_progress: Callable[[int, int], None] | None,
    ) -> dict[str, int]:
        """Index ``chunks`` with LangChain's indexing API (unchanged ones are skipped)."""
        from langchain_core.indexing import index as lc_index

        bar = tqdm(
            total=len(chunks),
            desc="Indexing chunks",
            unit="chunk",
            disable=not progress,
            dynamic_ncols=True,
        )
        with bar:
            return lc_index(  # type: ignore[return-value]
                _tick(bar, (chunk_to_lc(c) for c in chunks), len(chunks), on_progress),
                self.records,
                self.store.vectorstore,
                cleanup="full",
                source_id_key="doc_id",
                key_encoder="sha256",
                batch_size=INDEX_BATCH,
            )

    def _embed_sentences(self, chunks: list[Chunk], progress: bool) -> tuple[int, float]:
        """Store the vectors the offline answerer needs for ``chunks``' sentences (those
        not stored yet), so questions embed only the question (see ``text_vectors``).
        Returns how many were embedded, and the seconds it took."""
        started = time.perf_counter()
        store = open_text_vectors(self.settings)
        try:
            todo = store.missing(chunk_texts(chunks))
            bar = tqdm(
                total=len(todo),
                desc="Embedding sentences",
                unit="sentence",
                disable=not progress or not todo,
                dynamic_ncols=True,
            )
            with bar:
                for i in range(0, len(todo), SENTENCE_BATCH):
                    part = todo[i : i + SENTENCE_BATCH]
                    store.put(
                        dict(zip(part, self.store.embeddings.embed_documents(part), strict=True))
                    )
                    bar.update(len(part))
        finally:
            store.close()
        return len(todo), _since(started)

    def view(self) -> IndexView:
        """The index version a question should read (cheap: one small file read).

        After another process finished an ingest, the Chroma client is reopened and the
        BM25 index reloaded first; while an ingest is still writing, the previous version
        keeps answering.
        """
        store = self.store
        known = store.generation
        current = read_generation(self.settings.data_dir)
        if current is None:  # an index older than the marker: follow the BM25 pointer
            self._follow_lexical()
        elif not current.writing and (known is None or current.content != known.content):
            with self._reopen_lock:
                if self.store is store and store.generation == known:
                    fresh = store.reopen()
                    lexical = LexicalIndex.load(self.settings.lexical_dir)
                    self.store = fresh
                    if lexical is not None:
                        self.lexical = lexical
        if self.lexical is None:
            self._follow_lexical()
        return IndexView(self.store, self.lexical)

    def _follow_lexical(self) -> None:
        current = LexicalIndex.current_fingerprint(self.settings.lexical_dir)
        if self.lexical is None or current != self.lexical.fingerprint:
            with self._reopen_lock:
                loaded = LexicalIndex.load(self.settings.lexical_dir)
                if loaded is not None:
                    self.lexical = loaded

    def _begin_write(self) -> None:
        """Inside the ingest lock: reopen a client another process made stale, then
        announce the write."""
        with self._reopen_lock:
            current = read_generation(self.settings.data_dir)
            if current is not None and current != self.store.generation:
                self.store = self.store.reopen()
            started = (current or Generation(0, "", writing=False)).started()
            write_generation(self.settings.data_dir, started)
            self.store.generation = started

    def _end_write(self, content: str) -> None:
        with self._reopen_lock:
            done = (self.store.generation or Generation(0, "", writing=False)).finished(content)
            write_generation(self.settings.data_dir, done)
            self.store.generation = done

    def fresh_manifest(self, roots: Sequence[Path]) -> freshness.Manifest | None:
        """The last ingest's manifest if the index is still in step with ``roots``, else None.

        Cheap: a walk and a ``stat`` per file, the collection's count and the BM25
        pointer; nothing is loaded, chunked or (unless its stamp changed) hashed.
        """
        manifest = freshness.is_fresh(
            self.settings,
            roots,
            chunks=self.store.count(),
            lexical=LexicalIndex.current_fingerprint(self.settings.lexical_dir),
        )
        if manifest is not None:
            self._trusted_lexical = manifest.lexical
        return manifest

    def refresh_lexical(self, *, changed: bool = False) -> LexicalIndex:
        """Rebuild the BM25 index from the collection unless it is already in step.

        After ``fresh_manifest`` or an ingest vouched for the current version, that
        version is loaded without listing every id in the collection; ``changed`` (the
        ingest wrote or deleted chunks) rebuilds without first listing the ids.
        """
        if changed:
            return self._rebuild_lexical()
        trusted = self._trusted_lexical
        if trusted and LexicalIndex.current_fingerprint(self.settings.lexical_dir) == trusted:
            if self.lexical is None or self.lexical.fingerprint != trusted:
                self.lexical = LexicalIndex.load(self.settings.lexical_dir)
            if self.lexical is not None and self.lexical.fingerprint == trusted:
                return self.lexical
        wanted = fingerprint(self.store.ids())
        if LexicalIndex.current_fingerprint(self.settings.lexical_dir) == wanted:
            if self.lexical is not None and self.lexical.fingerprint == wanted:
                return self.lexical
            self.lexical = LexicalIndex.load(self.settings.lexical_dir)
            if self.lexical is not None:
                return self.lexical
        return self._rebuild_lexical()

    def _rebuild_lexical(self) -> LexicalIndex:
        keys, chunks = [], []
        for rid, chunk in sorted(self.store.records(), key=lambda r: (r[1].doc_id, r[1].start)):
            keys.append(rid)
            chunks.append(chunk)
        self.lexical = LexicalIndex(chunks, keys)
        self.lexical.save(self.settings.lexical_dir)
        return self.lexical

    def lexical_in_step(self) -> bool:
        current = LexicalIndex.current_fingerprint(self.settings.lexical_dir)
        return current == fingerprint(self.store.ids())

    def status(self) -> IndexStatus:
        state = self._read_state()
        return IndexStatus(
            documents=len(self.records.groups()),
            chunks=self.store.count(),
            last_ingest=state.get("last_ingest", "never"),
            location=self.store.location,
            # The model the index was built with; it must match the one queries use.
            embedding_model=str(
                state.get("embedding_model") or self.settings.resolved_embedding_model()
            ),
            lexical_in_step=self.lexical_in_step(),
        )

    def documents(self) -> list[DocumentInfo]:
        """One row per indexed document, from the version questions read."""
        return self.view().documents()

    # -- internals ----------------------------------------------------------------------
    def _reconcile(self) -> None:
        recorded = set(self.records.list_keys())
        stored = self.store.ids()
        if missing := sorted(recorded - stored):
            self.records.delete_keys(missing)  # re-added by this run if still current
        if orphans := sorted(stored - recorded):
            self.store.delete(orphans)  # written by a killed run before its records

    def _wipe(self) -> None:
        self.store.reset()
        self.records.delete_keys(self.records.list_keys())
        shutil.rmtree(self.settings.lexical_dir, ignore_errors=True)

    def _write_state(self, documents: int) -> None:
        state = {
            "last_ingest": datetime.now(UTC).isoformat(timespec="seconds"),
            "documents": documents,
            "embedding_model": self.settings.resolved_embedding_model(),
        }
        tmp = self._state_path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(state, indent=2))
        os.replace(tmp, self._state_path)

    def _read_state(self) -> dict[str, object]:
        try:
            return json.loads(self._state_path.read_text())
        except (OSError, ValueError):
            return {}


def _tick(
    bar: tqdm,
    docs: Iterable[LCDocument],
    total: int,
    on_progress: Callable[[int, int], None] | None,
) -> Iterator[LCDocument]:
    for done, doc in enumerate(docs, start=1):
        bar.update(1)
        if on_progress is not None:
            on_progress(done, total)
        yield doc


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 3)
