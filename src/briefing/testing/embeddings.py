"""Deterministic embeddings for tests that must not load a model."""

from __future__ import annotations

import hashlib
import math
import re

from langchain_core.embeddings import Embeddings

from ..text import content_words

__all__ = ["HashingEmbeddings"]


class HashingEmbeddings(Embeddings):
    """Bag-of-words vectors: stemmed content words and numbers hashed into ``dim`` buckets.

    Cosine similarity is then word overlap, enough to test selection, abstention and
    ranking without MiniLM. A text without words gets a vector orthogonal to all others.
    ``documents_embedded`` and ``query_calls`` count the work asked of it.
    """

    def __init__(self, dim: int = 512) -> None:
        self.dim = dim
        self.documents_embedded = 0
        self.query_calls = 0

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * (self.dim + 1)
        for word in content_words(text) + re.findall(r"\d+", text):
            bucket = int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim
            vector[bucket] += 1.0
        norm = math.sqrt(sum(v * v for v in vector))
        if not norm:
            vector[self.dim] = 1.0  # no words: orthogonal to everything else
            return vector
        return [v / norm for v in vector]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.documents_embedded += len(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        self.query_calls += 1
        return self._vector(text)
