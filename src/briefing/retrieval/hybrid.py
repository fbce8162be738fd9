"""Hybrid retrieval: dense (Chroma) and lexical (BM25) results fused by reciprocal rank.

Dense search finds paraphrases ("permits" for "licences"); BM25 finds exact names and
figures ("No. 61", "JL Mag") that small embedding models blur. Reciprocal rank fusion
(Cormack et al., 2009) combines the two rankings without calibrating their scores.
"""

from __future__ import annotations

from collections.abc import Callable

from ..types import Chunk, Passage, RetrievalFilter

DenseSearch = Callable[[str, int, RetrievalFilter | None], list[tuple[Chunk, float]]]
LexicalSearch = Callable[[str, int, RetrievalFilter | None], list[tuple[Chunk, float]]]


def rrf_fuse(
    rankings: dict[str, list[tuple[Chunk, float]]], *, rrf_k: int = 60
) -> list[tuple[Chunk, float, dict[str, float]]]:
    """Fuse ranked lists: score(c) = sum over lists of 1 / (rrf_k + rank). Best first."""
    fused: dict[str, float] = {}
    chunks: dict[str, Chunk] = {}
    raw: dict[str, dict[str, float]] = {}
    for name, ranking in rankings.items():
        for rank, (chunk, score) in enumerate(ranking, start=1):
            fused[chunk.id] = fused.get(chunk.id, 0.0) + 1.0 / (rrf_k + rank)
            chunks.setdefault(chunk.id, chunk)
            raw.setdefault(chunk.id, {})[name] = score
    order = sorted(fused, key=lambda cid: (-fused[cid], chunks[cid].doc_id, chunks[cid].start))
    return [(chunks[cid], fused[cid], raw[cid]) for cid in order]


def _redundant(a: Chunk, b: Chunk, threshold: float = 0.85) -> bool:
    """Near-duplicate text (the same paragraph syndicated in two documents)."""
    wa, wb = set(a.text.lower().split()), set(b.text.lower().split())
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= threshold


class HybridRetriever:
    """Dense + BM25 candidates, fused, de-duplicated, filtered; ``mode="dense"`` skips BM25."""

    def __init__(
        self,
        dense: DenseSearch,
        lexical: LexicalSearch | None,
        *,
        top_k: int = 6,
        candidate_k: int = 20,
        rrf_k: int = 60,
        mode: str = "hybrid",
    ) -> None:
        self._dense = dense
        self._lexical = lexical
        self.top_k = top_k
        self.candidate_k = candidate_k
        self.rrf_k = rrf_k
        self.mode = mode

    def retrieve(
        self, question: str, *, k: int | None = None, where: RetrievalFilter | None = None
    ) -> list[Passage]:
        k = k or self.top_k
        rankings = {"dense": self._dense(question, self.candidate_k, where)}
        if self.mode == "hybrid" and self._lexical is not None:
            rankings["lexical"] = self._lexical(question, self.candidate_k, where)
        passages: list[Passage] = []
        for chunk, score, raw in rrf_fuse(rankings, rrf_k=self.rrf_k):
            if where is not None and not where.accepts(chunk):
                continue
            if any(_redundant(chunk, p.chunk) for p in passages):
                continue
            passages.append(
                Passage(
                    chunk=chunk,
                    score=score,
                    dense_score=raw.get("dense"),
                    lexical_score=raw.get("lexical"),
                )
            )
            if len(passages) >= k:
                break
        return passages
