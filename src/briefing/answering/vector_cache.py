"""A bounded, thread-safe LRU of embedding vectors keyed by text.

The offline answerer and the briefings embed the same corpus sentences again and
again; caching by text makes a warm question (or a second briefing over the same
index) embed only what it has not seen.

With a ``store`` (:class:`~briefing.index.text_vectors.TextVectors`, filled by the
ingest), texts missing from memory are read from disk before any is embedded, and what
had to be embedded is written back, so a new process pays only for new text.

Usage::

    cache = VectorCache(embeddings, size=50_000, store=TextVectors(path, model=name))
    rows = cache.vectors(["one sentence", "another"])   # float32, as the model returns
    topic = cache.query("rare-earth export controls")
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..index.text_vectors import TextVectors

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

__all__ = ["VectorCache"]


class VectorCache:
    """A bounded, thread-safe LRU of vectors keyed by text (``size`` texts at most)."""

    def __init__(
        self, embeddings: Embeddings, size: int = 50_000, *, store: TextVectors | None = None
    ) -> None:
        self._embeddings = embeddings
        self._size = size
        self._store = store
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def vectors(self, texts: Sequence[str]) -> list[np.ndarray]:
        """One vector per text, in order; the missing ones embedded in one batch."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        fresh: dict[str, np.ndarray] = self._store.get(missing) if missing and self._store else {}
        if unseen := [t for t in missing if t not in fresh]:
            embedded = {
                text: np.asarray(vector, dtype=np.float32)
                for text, vector in zip(
                    unseen, self._embeddings.embed_documents(unseen), strict=True
                )
            }
            if self._store is not None:
                self._store.put(embedded)
            fresh.update(embedded)
        with self._lock:
            self._vectors.update(fresh)
            found = [fresh.get(t) if t in fresh else self._vectors.get(t) for t in texts]
            for text in texts:
                if text in self._vectors:
                    self._vectors.move_to_end(text)
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)
        # A text evicted by another thread meanwhile is embedded again.
        return [
            v if v is not None else np.asarray(self._embeddings.embed_query(t), np.float32)
            for v, t in zip(found, texts, strict=True)
        ]

    def query(self, text: str) -> np.ndarray:
        """The vector of a query (a topic), cached like the rest."""
        return self.vectors([text])[0]
