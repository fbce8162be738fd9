"""Sentence vectors kept on disk, so a question embeds only the question.

The offline answerer scores every sentence of the retrieved passages by its MiniLM
vector, the vector of the sentence under its heading, and the vectors of its words;
briefings compare sentences with their section heading under the document title.
Embedding those 60-140 short texts was most of a question's CPU (0.3-0.5 s in a fresh
process), paid again by every new process. The ingest now embeds them once, beside the
chunks, and stores them here; the answerer's
:class:`~briefing.answering.vector_cache.VectorCache` reads them back by text.

The store is content-addressed: the key is a hash of the model and the text, so it
needs no bookkeeping across ingests, a stale row is merely unused, and a lost or
unreadable file only costs time (texts are embedded again), never an answer. One SQLite
file in ``data_dir`` (WAL, shared by a server and a CLI ingest).

Usage::

    store = open_text_vectors(settings)
    store.put({"A sentence.": vector})
    store.get(["A sentence.", "unknown"])     # {"A sentence.": vector}
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from ..config import Settings
from ..corpus import in_section, sentence_spans, titled_heading
from ..text import soft_words, squash_spaces
from ..types import Chunk

__all__ = ["TextVectors", "chunk_texts", "open_text_vectors"]

log = logging.getLogger(__name__)

# SQLite's default limit on the parameters of one statement is 999 (older builds).
_BATCH = 900


class TextVectors:
    """Float32 vectors by (model, text) in one SQLite file; errors degrade to misses."""

    def __init__(self, path: Path, *, model: str) -> None:
        self.path = path
        self._model = model.encode("utf-8")
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._broken = False

    def _key(self, text: str) -> bytes:
        return hashlib.blake2b(self._model + b"\0" + text.encode("utf-8"), digest_size=16).digest()

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # a cache: a lost last row is re-embedded
            conn.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB)")
            self._conn = conn
        return self._conn

    def get(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of ``texts`` (the missing ones are left out)."""
        keys = {self._key(t): t for t in dict.fromkeys(texts)}
        found: dict[str, np.ndarray] = {}
        if not keys or self._broken:
            return found
        wanted = list(keys)
        try:
            with self._lock:
                db = self._db()
                for i in range(0, len(wanted), _BATCH):
                    part = wanted[i : i + _BATCH]
                    marks = ",".join("?" * len(part))
                    sql = f"SELECT key, vector FROM vectors WHERE key IN ({marks})"
                    rows = db.execute(sql, part)
                    for key, blob in rows:
                        found[keys[key]] = np.frombuffer(blob, dtype=np.float32)
        except sqlite3.Error as exc:
            self._fail("read", exc)
        return found

    def missing(self, texts: Iterable[str]) -> list[str]:
        """Those of ``texts`` with no stored vector, in order, each once."""
        unique = list(dict.fromkeys(texts))
        have = self.get(unique)
        return [t for t in unique if t not in have]

    def put(self, vectors: Mapping[str, Sequence[float] | np.ndarray]) -> None:
        """Store ``vectors`` (text -> vector); existing rows are kept as they are."""
        if not vectors or self._broken:
            return
        rows = [
            (self._key(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in vectors.items()
        ]
        try:
            with self._lock, self._db() as db:
                db.executemany("INSERT OR IGNORE INTO vectors (key, vector) VALUES (?, ?)", rows)
        except sqlite3.Error as exc:
            self._fail("write", exc)

    def _fail(self, what: str, exc: sqlite3.Error) -> None:
        """A broken store is switched off for this process: answers go on, slower."""
        self._broken = True
        log.warning(
            "sentence vectors at %s: cannot %s (%s); embedding instead", self.path, what, exc
        )

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def chunk_texts(chunks: Iterable[Chunk]) -> list[str]:
    """The texts the offline answerer embeds for ``chunks``, each once: every sentence
    (whitespace-normalised), every sentence under its heading (:func:`in_section`), and
    every word it compares with the question's (:func:`briefing.text.soft_words`); and,
    for briefings, each chunk's section heading under its title (:func:`titled_heading`)."""
    texts: list[str] = []
    for chunk in chunks:
        texts.append(titled_heading(chunk))
        for start, end in sentence_spans(chunk.text):
            if sentence := squash_spaces(chunk.text[start:end]):
                texts.extend((sentence, in_section(chunk, sentence), *soft_words(sentence)))
    return list(dict.fromkeys(texts))


def open_text_vectors(settings: Settings) -> TextVectors:
    """The store of ``settings.data_dir``, keyed by the configured embedding model."""
    return TextVectors(settings.text_vectors_path, model=settings.resolved_embedding_model())
