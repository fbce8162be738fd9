"""Reciprocal rank fusion and the HybridRetriever over small fake search callables."""

from __future__ import annotations

import pytest

from briefing.retrieval.hybrid import HybridRetriever, rrf_fuse
from briefing.types import Chunk, RetrievalFilter


def chunk(
    cid: str,
    text: str | None = None,
    *,
    doc: str = "d",
    kind: str = "news",
    published: str = "2025-12-01",
    start: int = 0,
) -> Chunk:
    return Chunk(
        id=cid,
        doc_id=doc,
        text=text or f"unique text of {cid}",
        start=start,
        end=start + 10,
        heading_path=(),
        ordinal=0,
        title=doc,
        kind=kind,
        published=published,
        source="src",
        url="",
    )


A, B, C, D = (chunk(x, doc=f"doc-{x}") for x in "abcd")


def test_rrf_scores_are_sums_of_reciprocal_ranks() -> None:
    fused = rrf_fuse({"dense": [(A, 0.9), (B, 0.8)], "lexical": [(B, 7.0), (C, 3.0)]}, rrf_k=60)
    scores = {c.id: s for c, s, _ in fused}
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert scores["a"] == pytest.approx(1 / 61)
    assert scores["c"] == pytest.approx(1 / 62)
    assert [c.id for c, _, _ in fused] == ["b", "a", "c"]


def test_rrf_keeps_raw_scores_per_list() -> None:
    fused = {c.id: raw for c, _, raw in rrf_fuse({"dense": [(A, 0.5)], "lexical": [(A, 4.0)]})}
    assert fused["a"] == {"dense": 0.5, "lexical": 4.0}


def test_rrf_ties_broken_by_document_then_offset() -> None:
    x = chunk("x", doc="beta")
    y = chunk("y", doc="alpha", start=50)
    z = chunk("z", doc="alpha", start=5)
    fused = rrf_fuse({"one": [(x, 1.0)], "two": [(y, 1.0)], "three": [(z, 1.0)]})
    assert [c.id for c, _, _ in fused] == ["z", "y", "x"]


def test_rrf_constant_changes_weight_of_top_ranks() -> None:
    x, y, e = chunk("x", doc="x"), chunk("y", doc="y"), chunk("e", doc="e")
    # x: first in one list only; y: fourth in both.
    rankings = {
        "dense": [(x, 1.0), (A, 1.0), (B, 1.0), (y, 1.0)],
        "lexical": [(C, 1.0), (D, 1.0), (e, 1.0), (y, 1.0)],
    }
    small = [c.id for c, _, _ in rrf_fuse(rankings, rrf_k=1)]
    large = [c.id for c, _, _ in rrf_fuse(rankings, rrf_k=60)]
    assert small.index("x") < small.index("y")  # top ranks dominate
    assert large.index("y") < large.index("x")  # agreement dominates


def test_rrf_empty() -> None:
    assert rrf_fuse({}) == []
    assert rrf_fuse({"dense": [], "lexical": []}) == []


class Recorder:
    """A search callable returning a fixed ranking and remembering its calls."""

    def __init__(self, ranking: list[tuple[Chunk, float]]) -> None:
        self.ranking = ranking
        self.calls: list[tuple[str, int, RetrievalFilter | None]] = []

    def __call__(self, query: str, k: int, where: RetrievalFilter | None):  # type: ignore[no-untyped-def]
        self.calls.append((query, k, where))
        return self.ranking[:k]


def test_hybrid_fuses_both_and_reports_component_scores() -> None:
    dense = Recorder([(A, 0.9), (B, 0.8)])
    lexical = Recorder([(B, 5.0), (C, 2.0)])
    retriever = HybridRetriever(dense, lexical, top_k=2, candidate_k=7)
    passages = retriever.retrieve("q")
    assert [p.chunk.id for p in passages] == ["b", "a"]
    assert (passages[0].dense_score, passages[0].lexical_score) == (0.8, 5.0)
    assert (passages[1].dense_score, passages[1].lexical_score) == (0.9, None)
    assert dense.calls == [("q", 7, None)] and lexical.calls == [("q", 7, None)]
    assert len(retriever.retrieve("q", k=3)) == 3


def test_idioms_search_in_plain_words() -> None:
    """MiniLM gets the plain verb; BM25 gets it and keeps the idiom's own words, which
    a heading may use ("the 9 October measures on hold")."""
    dense, lexical = Recorder([(A, 0.9)]), Recorder([(B, 5.0)])
    HybridRetriever(dense, lexical).retrieve("What did Beijing put on hold?")
    assert dense.calls[0][0] == "What did Beijing suspend?"
    assert lexical.calls[0][0] == "What did Beijing suspend? put on hold?"


def test_dense_mode_skips_lexical() -> None:
    lexical = Recorder([(C, 2.0)])
    passages = HybridRetriever(Recorder([(A, 0.9)]), lexical, mode="dense").retrieve("q")
    assert [p.chunk.id for p in passages] == ["a"]
    assert lexical.calls == []
    assert HybridRetriever(Recorder([(A, 0.9)]), None).retrieve("q")[0].chunk.id == "a"


def test_near_duplicates_removed() -> None:
    text = "MOFCOM granted general licences to three magnet makers on 1 December 2025."
    original = chunk("orig", text, doc="mofcom")
    syndicated = chunk("copy", text + " Reuters.", doc="reuters")
    other = chunk("other", "Exports fell 12% in October.", doc="customs")
    passages = HybridRetriever(
        Recorder([(original, 0.9), (syndicated, 0.89), (other, 0.5)]), None
    ).retrieve("q")
    assert [p.chunk.id for p in passages] == ["orig", "other"]


def test_filter_passed_down_and_reapplied() -> None:
    """A search that ignores the filter still cannot leak a rejected chunk."""
    official = chunk("o", doc="mof", kind="official", published="2025-12-02")
    old_news = chunk("n", doc="reu", kind="news", published="2025-10-01")
    where = RetrievalFilter(kinds=("official",))
    dense = Recorder([(old_news, 0.9), (official, 0.8)])
    passages = HybridRetriever(dense, Recorder([(old_news, 3.0)])).retrieve("q", where=where)
    assert [p.chunk.id for p in passages] == ["o"]
    assert dense.calls[0][2] is where
    dated = RetrievalFilter(published_from="2025-11-01", published_to="2025-12-31")
    assert [p.chunk.id for p in HybridRetriever(dense, None).retrieve("q", where=dated)] == ["o"]
