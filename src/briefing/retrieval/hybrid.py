"""Hybrid retrieval: dense (Chroma) and lexical (BM25) results fused by reciprocal rank.

Dense search finds paraphrases ("permits" for "licences"); BM25 finds exact names and
figures ("No. 61", "JL Mag") that small embedding models blur. Reciprocal rank fusion
(Cormack et al., 2009) combines the two rankings without calibrating their scores.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Protocol

from ..idioms import plain_wording
from ..types import Chunk, Passage, RetrievalFilter
from .sources import SourceProfile, match_sources, source_phrases

DenseSearch = Callable[[str, int, RetrievalFilter | None], list[tuple[Chunk, float]]]
LexicalSearch = Callable[[str, int, RetrievalFilter | None], list[tuple[Chunk, float]]]
Profiles = Callable[[], Sequence[SourceProfile]]
Hits = list[tuple[Chunk, float]]


class Searches(Protocol):
    """The searches one question runs, all over one index version.

    A retriever built once opens a fresh ``Searches`` per question
    (:class:`briefing.retrieval.index_search.IndexSearches` over the live index).
    """

    def dense(self, query: str, k: int, where: RetrievalFilter | None) -> Hits: ...

    def lexical(self, query: str, k: int, where: RetrievalFilter | None) -> Hits | None:
        """BM25 hits, or None when there is no lexical index."""

    def profiles(self) -> Sequence[SourceProfile]: ...


@dataclasses.dataclass(frozen=True, slots=True)
class FunctionSearches:
    """``Searches`` from plain callables (fixed data, tests, other stores)."""

    dense_search: DenseSearch
    lexical_search: LexicalSearch | None = None
    profiles_of: Profiles | None = None

    def dense(self, query: str, k: int, where: RetrievalFilter | None) -> Hits:
        return self.dense_search(query, k, where)

    def lexical(self, query: str, k: int, where: RetrievalFilter | None) -> Hits | None:
        return None if self.lexical_search is None else self.lexical_search(query, k, where)

    def profiles(self) -> Sequence[SourceProfile]:
        return () if self.profiles_of is None else self.profiles_of()


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


def _restrict(where: RetrievalFilter | None, doc_ids: tuple[str, ...]) -> RetrievalFilter | None:
    """``where`` narrowed to ``doc_ids``; None when ``where`` already excludes them all."""
    if where is None:
        return RetrievalFilter(doc_ids=doc_ids)
    if where.doc_ids:
        doc_ids = tuple(d for d in doc_ids if d in where.doc_ids)
        if not doc_ids:
            return None
    return dataclasses.replace(where, doc_ids=doc_ids)


class HybridRetriever:
    """Dense + BM25 candidates, fused, de-duplicated, filtered; ``mode="dense"`` skips BM25.

    Built once: either over fixed search callables (``HybridRetriever(dense, lexical)``)
    or with ``searches``, which opens the searches of one question (one index version).

    With ``profiles`` (the corpus's document metadata), a question that names its source
    ("according to the article", "per Reuters") adds a third ranking to the fusion: the
    named documents' chunks, ordered by the same dense (and BM25) searches restricted to
    those documents. They rise; other documents still compete (a boost, not a filter).
    """

    def __init__(
        self,
        dense: DenseSearch | None = None,
        lexical: LexicalSearch | None = None,
        *,
        searches: Callable[[], Searches] | None = None,
        top_k: int = 6,
        candidate_k: int = 20,
        rrf_k: int = 60,
        mode: str = "hybrid",
        profiles: Profiles | None = None,
    ) -> None:
        if searches is None:
            if dense is None:
                raise TypeError("HybridRetriever needs a dense search or searches")
            fixed = FunctionSearches(dense, lexical, profiles)
            searches = lambda: fixed  # noqa: E731 - the same searches for every question
        self._open = searches
        self._dense, self._lexical = dense, lexical  # the fixed searches, when given
        self.top_k = top_k
        self.candidate_k = candidate_k
        self.rrf_k = rrf_k
        self.mode = mode

    def _rankings(
        self, search: Searches, question: str, where: RetrievalFilter | None
    ) -> dict[str, Hits]:
        plain = plain_wording(question)  # "put on hold" searches as "suspend"
        rankings = {"dense": search.dense(plain, self.candidate_k, where)}
        if self.mode == "hybrid":
            idiom = [w for w in question.split() if w not in plain.split()]
            lexical = search.lexical(" ".join([plain, *idiom]), self.candidate_k, where)
            if lexical is not None:
                rankings["lexical"] = lexical
        return rankings

    def retrieve(
        self, question: str, *, k: int | None = None, where: RetrievalFilter | None = None
    ) -> list[Passage]:
        k = k or self.top_k
        search = self._open()  # one index version for the whole question
        rankings = self._rankings(search, question, where)
        named, named_raw = self._source_ranking(search, question, where)
        if named:
            rankings["source"] = named
        passages: list[Passage] = []
        for chunk, score, raw in rrf_fuse(rankings, rrf_k=self.rrf_k):
            if where is not None and not where.accepts(chunk):
                continue
            if any(_redundant(chunk, p.chunk) for p in passages):
                continue
            raw = {**named_raw.get(chunk.id, {}), **raw}
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

    def source_ranking(
        self, question: str, where: RetrievalFilter | None = None
    ) -> tuple[list[tuple[Chunk, float]], dict[str, dict[str, float]]]:
        """The chunks of the documents ``question`` names as its source, best evidence first.

        Returns the ranking (chunk, fused score) and each chunk's raw dense/BM25 scores;
        both are empty when the question names no source or no profiles were given.
        """
        return self._source_ranking(self._open(), question, where)

    def _source_ranking(
        self, search: Searches, question: str, where: RetrievalFilter | None
    ) -> tuple[Hits, dict[str, dict[str, float]]]:
        if not source_phrases(question):
            return [], {}
        profiles = search.profiles()
        doc_ids = match_sources(question, profiles) if profiles else ()
        if not doc_ids:
            return [], {}
        narrowed = _restrict(where, doc_ids)
        if narrowed is None:
            return [], {}
        fused = rrf_fuse(self._rankings(search, question, narrowed), rrf_k=self.rrf_k)
        return [(c, s) for c, s, _ in fused], {c.id: raw for c, _, raw in fused}
