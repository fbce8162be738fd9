"""The index generation marker: how processes sharing one ``data_dir`` notice each other.

An embedded Chroma client keeps its vector index in memory; when another process (a CLI
``briefing ingest`` beside a running server) changes the collection, the client goes on
returning ids that no longer exist. So every ingest writes ``data_dir/GENERATION``:

* on start (inside the ingest lock, before any write): ``seq + 1`` and ``writing: true``;
* on success: ``seq + 2``, ``writing: false`` and ``content`` -- the collection's id and
  the fingerprint of its chunk ids, which names exactly what the index holds.

Readers compare the marker with the one their client was opened under, once per
question (one small file read): a finished ingest with different ``content`` means
"reopen the client and reload the BM25 index"; a marker that is still ``writing`` is left
alone (the previous version keeps answering). Writers reopen on *any* difference, so
nobody writes through a stale client, even after an ingest that was killed half-way.
The file is replaced atomically, so a reader sees the old marker or the new one.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["Generation", "read_generation", "write_generation"]

FILE_NAME = "GENERATION"


@dataclass(frozen=True, slots=True)
class Generation:
    """One state of the index as announced by the last ingest.

    Fields:
        seq: bumped by every ingest, twice (start and end).
        content: ``<collection id>:<chunk-id fingerprint>`` after a finished ingest;
            the previous content while ``writing``.
        writing: True from the start of an ingest until it finished.
    """

    seq: int
    content: str
    writing: bool

    def started(self) -> Generation:
        return Generation(self.seq + 1, self.content, writing=True)

    def finished(self, content: str) -> Generation:
        return Generation(self.seq + 1, content, writing=False)


def read_generation(data_dir: Path) -> Generation | None:
    """The current marker, or None when there is none (an index older than the marker)."""
    try:
        raw = json.loads((data_dir / FILE_NAME).read_text(encoding="utf-8"))
        return Generation(int(raw["seq"]), str(raw["content"]), bool(raw["writing"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_generation(data_dir: Path, generation: Generation) -> None:
    """Replace the marker atomically (write a temporary file, then rename it)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = data_dir / f".{FILE_NAME}-{os.getpid()}"
    tmp.write_text(json.dumps(asdict(generation)), encoding="utf-8")
    os.replace(tmp, data_dir / FILE_NAME)
