"""Documents added while the assistant runs (the web Documents tab, ``add_document``).

An upload is checked and saved at once (type, size, name, that it loads, that its id is
new), then indexed in the background: questions keep answering from the previous index
version meanwhile, and :class:`UploadJob` reports progress. A file that fails to index is
removed again, so the corpus stays loadable. Messages name the upload, never a path on
the server.
"""

from __future__ import annotations

import itertools
import logging
import re
import shutil
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import BriefingError, CorpusError, UploadError
from ..types import IngestReport

__all__ = ["UPLOAD_TYPES", "UploadJob", "safe_filename", "stage_upload", "start_upload"]

log = logging.getLogger(__name__)
Ingest = Callable[..., IngestReport]  # ingest(on_progress=...) of the live index

UPLOAD_TYPES = (".md", ".txt", ".html", ".htm", ".pdf")
_ids = itertools.count(1)


@dataclass
class UploadJob:
    """One upload being indexed in the background.

    Fields:
        id: a number unique in this process.
        name: the file's name in the corpus folder.
        state: "indexing", "done" or "failed".
        done, total: chunks handed to the index so far, and in all.
        report: the ingest's report once done.
        error: why it failed (a BriefingError, message safe to show), once failed.
    """

    name: str
    id: int = field(default_factory=lambda: next(_ids))
    state: str = "indexing"
    done: int = 0
    total: int = 0
    report: IngestReport | None = None
    error: BriefingError | None = None
    _finished: threading.Event = field(default_factory=threading.Event, repr=False)

    def progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def finish(self, report: IngestReport) -> None:
        self.report, self.state = report, "done"
        self._finished.set()

    def fail(self, error: BriefingError) -> None:
        self.error, self.state = error, "failed"
        self._finished.set()

    def wait(self, timeout: float | None = None) -> IngestReport:
        """Block until indexed; the report, or the error raised again."""
        if not self._finished.wait(timeout):
            raise UploadError(f"{self.name!r}: still indexing after {timeout} s")
        if self.error is not None:
            raise self.error
        assert self.report is not None
        return self.report

    def to_dict(self) -> dict[str, Any]:
        shown = ("id", "name", "state", "done", "total")
        return {**{key: getattr(self, key) for key in shown}, "error": str(self.error or "")}


def safe_filename(filename: str) -> str:
    """The upload's base name with unsafe characters replaced (letters of any script kept)."""
    base = unicodedata.normalize("NFC", Path(str(filename).replace("\\", "/")).name)
    cleaned = re.sub(r"[^\w.-]+", "-", base).strip(".-")
    if not cleaned or cleaned.lower() == "readme.md":
        raise UploadError(f"{filename!r} is not a usable file name")
    stem, dot, suffix = cleaned.rpartition(".")
    if dot and len(cleaned) > 120:  # keep the type when shortening
        return f"{stem[: 119 - len(suffix)]}.{suffix}"
    return cleaned[:120]


def stage_upload(settings: Settings, filename: str, data: bytes, known_ids: set[str]) -> Path:
    """Check an upload and save it into the corpus folder; its path there.

    Raises UploadError (type, size, name, unreadable, id already used) naming the upload.
    """
    from ..corpus import parse_file
    from ..corpus.loaders import SkipFile

    name = safe_filename(filename)
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_TYPES:
        raise UploadError(
            f"{filename!r}: type {suffix or '(none)'} is not accepted; use one of "
            + ", ".join(UPLOAD_TYPES)
        )
    if not data:
        raise UploadError(f"{filename!r}: the file is empty")
    limit = min(settings.web.max_upload_bytes, settings.corpus.max_file_bytes)
    if len(data) > limit:
        raise UploadError(
            f"{filename!r}: {len(data):,} bytes is over the limit of {limit:,} "
            "(settings max_upload_bytes / max_file_bytes)"
        )
    corpus = settings.corpus_dir
    corpus.mkdir(parents=True, exist_ok=True)
    target = corpus / name
    if target.exists():
        raise UploadError(f"{filename!r}: a file named {name!r} is already in the corpus")
    tmp = corpus / f".upload-{name}"
    tmp.write_bytes(data)
    try:
        try:
            doc = parse_file(tmp, corpus, max_bytes=limit)
        except SkipFile as skip:
            raise UploadError(f"{filename!r}: not added: {skip.reason}") from None
        except CorpusError as exc:
            raise UploadError(f"{filename!r}: {_public(str(exc), tmp)}") from None
        if doc.id in known_ids:
            raise UploadError(
                f"{filename!r}: document id {doc.id!r} is already used in the corpus; "
                "give the document another id"
            )
        shutil.move(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def start_upload(
    settings: Settings, filename: str, data: bytes, *, known_ids: set[str], ingest: Ingest
) -> UploadJob:
    """Check and save an upload now (UploadError when it is unusable), index it in a
    background thread with ``ingest``; the job shows progress and the outcome."""
    target = stage_upload(settings, filename, data, known_ids)
    job = UploadJob(name=target.name)
    threading.Thread(
        target=_index_upload, args=(job, target, ingest), name=f"upload-{job.id}", daemon=True
    ).start()
    return job


def _index_upload(job: UploadJob, target: Path, ingest: Ingest) -> None:
    try:
        job.finish(ingest(on_progress=job.progress))
    except Exception as exc:  # the job reports it; the corpus must stay loadable
        log.warning("indexing the upload %s failed: %s", job.name, exc)
        target.unlink(missing_ok=True)
        try:
            ingest()
        except Exception:
            log.exception("re-ingest after a failed upload failed")
        shown = (
            exc
            if isinstance(exc, BriefingError)
            else UploadError(
                f"{job.name!r}: indexing failed ({type(exc).__name__}); the file was removed"
            )
        )
        job.fail(shown)


def _public(message: str, tmp: Path) -> str:
    """A loader message without the server's paths (the caller names the upload)."""
    for path in (str(tmp.resolve()), str(tmp)):
        message = message.replace(f"{path}: ", "").replace(path, "the upload")
    return message
