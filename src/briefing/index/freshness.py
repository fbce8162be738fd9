"""Is the index in step with the corpus? A cheap check against the last ingest's manifest.

Every successful ingest writes ``data_dir/corpus-manifest.json``: for each corpus file
its size, modification time (ns) and sha256, plus what the index then held (chunk
count, BM25 version) and a key of the settings that shape chunks and vectors. Checking
freshness is then a directory walk and one ``stat`` per file; only a file whose size
or mtime differs from the manifest (or whose mtime is too close to the manifest's scan
to be trusted, git's "racily clean" rule) is read and hashed. ``briefing ask`` and a
no-op ``briefing ingest`` use it to skip loading, chunking and hashing the corpus.

An ingest that does work deletes the manifest first and writes a new one only after it
has finished, so a killed ingest always makes the next one do the full, repairing run.

Usage::

    stamps = scan(roots, previous=read_manifest(settings))   # before loading the corpus
    ...                                                      # the ingest itself
    write_manifest(settings, Manifest(key, stamps, ...))
    is_fresh(settings, roots, chunks=store.count(), lexical=current_fingerprint)
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..config import Settings

FORMAT = 1
# A file modified this close to (or after) the scan that recorded it may have changed
# again within the same mtime tick, so its stamp alone does not prove it unchanged.
RACY_NS = 2_000_000_000


@dataclass(frozen=True, slots=True)
class Stamp:
    """One corpus file as the manifest saw it.

    Fields:
        size: bytes.
        mtime_ns: modification time in nanoseconds.
        sha256: hex digest of the file's bytes.
    """

    size: int
    mtime_ns: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Manifest:
    """What the last successful ingest read and wrote.

    Fields:
        key: digest of the settings and roots the index was built with (``settings_key``).
        files: path -> Stamp for every corpus file read.
        scanned_at_ns: when the files were stamped (before they were loaded).
        documents: documents indexed.
        chunks: chunks in the collection afterwards.
        lexical: the BM25 index version (fingerprint) afterwards.
        skipped: "path: reason" lines of the files the loader skipped.
    """

    key: str
    files: dict[str, Stamp]
    scanned_at_ns: int
    documents: int = 0
    chunks: int = 0
    lexical: str = ""
    skipped: tuple[str, ...] = field(default=())


def settings_key(settings: Settings, roots: Sequence[Path]) -> str:
    """Digest of everything besides the files that decides what an ingest writes."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        code = version("briefing-assistant")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        code = "source"
    parts = {
        "format": FORMAT,
        "code": code,
        "roots": [str(Path(r).resolve()) for r in roots],
        "model": settings.resolved_embedding_model(),
        "chunk_size": settings.corpus.chunk_size,
        "chunk_min": settings.corpus.chunk_min,
        "collection": settings.index.collection,
        "chroma": f"{settings.index.chroma_host}:{settings.index.chroma_port}",
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stat(roots: Sequence[Path]) -> dict[str, tuple[int, int]]:
    from ..corpus.loaders import corpus_files

    stats: dict[str, tuple[int, int]] = {}
    for path in corpus_files(roots):
        try:
            info = path.stat()
        except OSError:
            continue  # vanished mid-walk; the loader skips it too
        stats[str(path)] = (info.st_size, info.st_mtime_ns)
    return stats


def _trusted(stat: tuple[int, int], old: Stamp | None, scanned_at_ns: int) -> bool:
    """True when the stamp alone shows the file is the one ``old`` describes."""
    return (
        old is not None and (old.size, old.mtime_ns) == stat and stat[1] < scanned_at_ns - RACY_NS
    )


def scan(roots: Sequence[Path], previous: Manifest | None = None) -> dict[str, Stamp]:
    """Stamp every corpus file, re-hashing only files the previous manifest cannot vouch for."""
    stamps: dict[str, Stamp] = {}
    for name, stat in _stat(roots).items():
        old = previous.files.get(name) if previous else None
        if previous and _trusted(stat, old, previous.scanned_at_ns):
            stamps[name] = old  # type: ignore[assignment]
            continue
        try:
            stamps[name] = Stamp(stat[0], stat[1], _sha256(Path(name)))
        except OSError:
            continue
    return stamps


def files_unchanged(manifest: Manifest, roots: Sequence[Path]) -> bool:
    """Same files with the same bytes as when ``manifest`` was written (stat; hash if needed)."""
    current = _stat(roots)
    if current.keys() != manifest.files.keys():
        return False
    for name, stat in current.items():
        old = manifest.files[name]
        if _trusted(stat, old, manifest.scanned_at_ns):
            continue
        if stat[0] != old.size:
            return False
        try:
            if _sha256(Path(name)) != old.sha256:
                return False
        except OSError:
            return False
    return True


def is_fresh(
    settings: Settings, roots: Sequence[Path], *, chunks: int, lexical: str | None
) -> Manifest | None:
    """The manifest when the index is in step with ``roots`` and the settings, else None.

    ``chunks`` (the collection's count) and ``lexical`` (the BM25 CURRENT version) are
    what the index holds now: a collection or BM25 index changed behind the manifest's
    back also counts as stale.
    """
    manifest = read_manifest(settings)
    if (
        manifest is None
        or manifest.key != settings_key(settings, roots)
        or manifest.chunks != chunks
        or manifest.lexical != lexical
        or recorded_chunks(settings) != chunks
        or not files_unchanged(manifest, roots)
    ):
        return None
    return manifest


def recorded_chunks(settings: Settings) -> int | None:
    """Rows in the ingest record manager for this collection (plain sqlite3, read-only).

    With the collection's count this catches an index changed behind the manifest's back
    (a record without a vector); LangChain's record-manager stack is not imported.
    """
    import sqlite3

    path = settings.records_path
    if not path.is_file():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as db:
            row = db.execute(
                "SELECT COUNT(*) FROM records WHERE namespace=?",
                [settings.records_namespace],
            ).fetchone()
    except sqlite3.Error:
        return None
    return int(row[0])


def read_manifest(settings: Settings) -> Manifest | None:
    try:
        raw = json.loads(settings.manifest_path.read_text(encoding="utf-8"))
        if raw.get("format") != FORMAT:
            return None
        return Manifest(
            key=raw["key"],
            files={name: Stamp(*stamp) for name, stamp in raw["files"].items()},
            scanned_at_ns=int(raw["scanned_at_ns"]),
            documents=int(raw["documents"]),
            chunks=int(raw["chunks"]),
            lexical=str(raw["lexical"]),
            skipped=tuple(raw.get("skipped", ())),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_manifest(settings: Settings, manifest: Manifest) -> None:
    """Write atomically (temporary file + rename)."""
    raw = asdict(manifest)
    raw["format"] = FORMAT
    raw["files"] = {n: [s.size, s.mtime_ns, s.sha256] for n, s in manifest.files.items()}
    path = settings.manifest_path
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(raw), encoding="utf-8")
    os.replace(tmp, path)


def clear_manifest(settings: Settings) -> None:
    """Forget the manifest (an ingest is about to change the index)."""
    settings.manifest_path.unlink(missing_ok=True)
