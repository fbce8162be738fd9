"""The index as a running assistant uses it, behind one object.

:class:`LiveIndex` builds the Chroma store and the :class:`~briefing.index.ingest.Indexer`
on first use, brings the index in step with the corpus once (the start-up ingest, which
a bad corpus file never stops), hands each question the current version
(:meth:`LiveIndex.view`, which follows ingests made by other processes and reloads the
BM25 index) and indexes uploads in the background. One ingest runs at a time; questions
never wait for it, they read the previous version until it is done.

Usage::

    live = LiveIndex(settings, embeddings)
    live.view().lexical_search("JL Mag", 5)      # the first call checks or builds the index
    live.submit_upload("notes.md", data).wait()
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Settings
from ..errors import ConfigError, CorpusError
from ..types import DocumentInfo, IndexStatus, IngestReport
from .ingest import Indexer
from .store import ChromaStore
from .uploads import UploadJob, start_upload
from .view import IndexView

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

__all__ = ["LiveIndex"]

log = logging.getLogger(__name__)


class LiveIndex:
    """Chroma + BM25 + records for one assistant: lazy, in step, thread-safe.

    Fields:
        warnings: problems the start-up ingest met and carried on from (skipped files,
            a corpus error that left the index as it was); front ends show them.
        upload_jobs: uploads of this process, oldest first.
    """

    def __init__(self, settings: Settings, embeddings: Embeddings, *, auto_ingest: bool = True):
        self.settings = settings
        self.embeddings = embeddings
        self._auto_ingest = auto_ingest
        self._lock = threading.Lock()  # lazy construction only: held for microseconds
        self._ingest_lock = threading.RLock()  # one ingest at a time; questions never wait
        self._indexer: Indexer | None = None
        self._ready = False
        self.warnings: list[str] = []
        self.upload_jobs: list[UploadJob] = []

    @property
    def indexer(self) -> Indexer:
        if self._indexer is None:
            with self._lock:
                if self._indexer is None:
                    # The record manager opens on first write: answering needs none.
                    self._indexer = Indexer(
                        self.settings, ChromaStore(self.settings, self.embeddings)
                    )
        return self._indexer

    def ensure_ready(self) -> None:
        """Check (or build) the index once: the start-up ingest, or an error when there
        is neither an index nor a corpus folder to build one from."""
        if self._ready:
            return
        with self._ingest_lock:
            if self._ready:
                return
            indexer = self.indexer
            if self._auto_ingest and self.settings.corpus_dir.is_dir():
                self.warnings.extend(_auto_ingest(indexer))
            elif indexer.store.count() == 0:
                raise ConfigError(
                    f"the index is empty and corpus_dir {self.settings.corpus_dir} is not a "
                    "folder: set BRIEFING_CORPUS_DIR or run `briefing ingest PATHS`."
                )
            indexer.refresh_lexical()  # no scan after an ingest: its manifest vouches
            self._ready = True

    def view(self) -> IndexView:
        """The index version a question reads from start to end."""
        self.ensure_ready()
        return self.indexer.view()

    def ingest(
        self,
        paths: Sequence[Path] | None = None,
        *,
        rebuild: bool = False,
        progress: bool = False,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> IngestReport:
        """Bring the index in step with ``paths`` (default: the corpus folder)."""
        with self._ingest_lock:
            report = self.indexer.ingest(
                paths, rebuild=rebuild, progress=progress, on_progress=on_progress
            )
            self._ready = True
            return report

    def status(self) -> IndexStatus:
        return self.indexer.status()

    def documents(self) -> list[DocumentInfo]:
        self.ensure_ready()
        return self.indexer.documents()

    def submit_upload(self, filename: str, data: bytes) -> UploadJob:
        """Check and save an upload now, index it in the background (see ``uploads``)."""
        self.settings.corpus_dir.mkdir(parents=True, exist_ok=True)
        known = {d.doc_id for d in self.documents()}
        job = start_upload(self.settings, filename, data, known_ids=known, ingest=self.ingest)
        self.upload_jobs.append(job)
        return job

    def close(self) -> None:
        with self._lock:
            if self._indexer is not None:
                self._indexer.close()


def _auto_ingest(indexer: Indexer) -> list[str]:
    """The ingest ``ask``/``serve`` run on start: a bad corpus file never stops them.

    With an author error (bad front matter, duplicate id) the intact index is left as it
    is and keeps answering; an empty index is built from the files that load. Returns
    the warnings to show (``briefing ingest`` stays strict and exits non-zero).
    """
    try:
        report = indexer.ingest()
    except CorpusError as exc:
        if indexer.store.count() > 0:
            log.warning("index not updated: %s", exc)
            return [
                f"the index was not updated ({exc}); answering from the existing index. "
                "Fix the file and run `briefing ingest`."
            ]
        report = indexer.ingest(strict=False)
    warnings = [f"skipped {line}" for line in report.skipped]
    for line in warnings:
        log.warning("%s", line)
    return warnings
