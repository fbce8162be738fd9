"""A persisted BM25 index kept in step with the Chroma collection.

It is rebuilt from the collection (the single source of truth) whenever the set of
chunk ids changes, and written as a new version folder plus an atomically replaced
``CURRENT`` pointer, so a crash mid-write leaves the previous version answering.
BM25 itself is ``bm25s`` (sparse-matrix BM25); tokens are lower-cased, stop-word
filtered and Snowball-stemmed (PyStemmer).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

from ..text import STOP_WORDS
from ..types import Chunk, RetrievalFilter

_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
_stemmer = None


def tokenize(text: str) -> list[str]:
    """Lower-case, drop stop words, stem; numbers kept whole ("0.1", "1,238")."""
    global _stemmer
    if _stemmer is None:
        import Stemmer

        _stemmer = Stemmer.Stemmer("english")
    words = [w for w in _TOKEN.findall(text.lower()) if w not in STOP_WORDS]
    return _stemmer.stemWords(words)


def fingerprint(chunk_ids: Iterable[str]) -> str:
    """A short digest of a set of chunk ids: equal sets, equal fingerprints."""
    digest = hashlib.sha256()
    for cid in sorted(chunk_ids):
        digest.update(cid.encode())
        digest.update(b"\n")
    return digest.hexdigest()[:16]


class LexicalIndex:
    """BM25 over chunks; search returns (chunk, score) pairs, best first."""

    def __init__(self, chunks: Sequence[Chunk], key_ids: Sequence[str], bm25=None) -> None:  # type: ignore[no-untyped-def]
        import bm25s

        self.chunks = list(chunks)
        self.key_ids = list(key_ids)  # the Chroma ids the chunks were built from
        self.fingerprint = fingerprint(self.key_ids)
        self._by_id = {c.id: c for c in self.chunks}
        self._by_key = dict(zip(self.key_ids, self.chunks, strict=True))
        if bm25 is None:
            bm25 = bm25s.BM25()
            if self.chunks:
                corpus = [tokenize(_searchable(c)) or ["_empty_"] for c in self.chunks]
                bm25.index(corpus, show_progress=False)
        self._bm25 = bm25

    def __len__(self) -> int:
        return len(self.chunks)

    def chunk(self, chunk_id: str) -> Chunk | None:
        """The chunk with this id (for showing a citation in its context), or None."""
        return self._by_id.get(chunk_id)

    def by_key(self, key_id: str) -> Chunk | None:
        """The chunk stored under this Chroma record id in this version, or None."""
        return self._by_key.get(key_id)

    def search(
        self, query: str, k: int, where: RetrievalFilter | None = None
    ) -> list[tuple[Chunk, float]]:
        if not self.chunks:
            return []
        vocab = self._bm25.vocab_dict
        tokens = [t for t in tokenize(query) if t in vocab]
        if not tokens:
            return []
        scores = self._bm25.get_scores(tokens)
        positive = int(np.count_nonzero(scores > 0))
        limit = min(positive, max(4 * k, 32))
        while True:
            hits = self._best(scores, limit, k, where)
            if len(hits) >= k or limit >= positive:
                return hits
            limit = min(positive, limit * 4)  # a filter rejected too many: look deeper

    def _best(
        self, scores: np.ndarray, limit: int, k: int, where: RetrievalFilter | None
    ) -> list[tuple[Chunk, float]]:
        """The first ``k`` accepted chunks among the ``limit`` best scores, best first.

        Sorting only the candidates (not every chunk) keeps a question's cost flat as the
        index grows; ties keep corpus order, exactly as a full stable sort would.
        """
        if limit <= 0:
            return []
        cut = np.partition(scores, len(scores) - limit)[len(scores) - limit]
        candidates = np.nonzero(scores >= max(cut, np.nextafter(0, 1)))[0]
        order = candidates[np.lexsort((candidates, -scores[candidates]))]
        hits: list[tuple[Chunk, float]] = []
        for i in order:
            chunk = self.chunks[i]
            if where is None or where.accepts(chunk):
                hits.append((chunk, float(scores[i])))
                if len(hits) >= k:
                    break
        return hits

    # -- persistence ----------------------------------------------------------------
    def save(self, root: Path) -> None:
        """Write a new version folder, then point CURRENT at it; remove older versions."""
        root.mkdir(parents=True, exist_ok=True)
        version = root / self.fingerprint
        tmp = root / f".tmp-{self.fingerprint}-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for key, chunk in zip(self.key_ids, self.chunks, strict=True):
                fh.write(json.dumps({"key": key, **asdict(chunk)}, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        if self.chunks:
            self._bm25.save(str(tmp / "bm25"))
        if version.exists():
            shutil.rmtree(version)
        os.replace(tmp, version)
        pointer = root / f".CURRENT-{os.getpid()}"
        pointer.write_text(self.fingerprint)
        os.replace(pointer, root / "CURRENT")
        for old in root.iterdir():
            if old.is_dir() and old.name != self.fingerprint and not old.name.startswith(".tmp"):
                shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, root: Path) -> LexicalIndex | None:
        """The current version, or None when there is none (or it is unreadable)."""
        try:
            name = (root / "CURRENT").read_text().strip()
            lines = (root / name / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
        except OSError:
            return None
        keys, chunks = [], []
        for line in lines:
            row = json.loads(line)
            keys.append(row.pop("key"))
            row["heading_path"] = tuple(row["heading_path"])
            chunks.append(Chunk(**row))
        bm25 = None
        if chunks:
            import bm25s

            try:
                bm25 = bm25s.BM25.load(str(root / name / "bm25"))
            except (OSError, ValueError):
                bm25 = None  # rebuilt from the chunk records below
        return cls(chunks, keys, bm25)

    @staticmethod
    def current_fingerprint(root: Path) -> str | None:
        try:
            return (root / "CURRENT").read_text().strip() or None
        except OSError:
            return None


def _searchable(chunk: Chunk) -> str:
    # Titles and headings carry the topic words that body sentences often leave out.
    return " ".join((chunk.title, " ".join(chunk.heading_path), chunk.text))
