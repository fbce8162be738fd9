"""BM25 search ranks only its candidates, with the same results as sorting every chunk."""

from __future__ import annotations

import random

from briefing.index.lexical import LexicalIndex
from briefing.types import Chunk, RetrievalFilter

WORDS = "licence magnet export gallium graphite customs quota permit refinery tonnes".split()


def make_chunks(n: int, seed: int = 3) -> list[Chunk]:
    rng = random.Random(seed)
    return [
        Chunk(
            id=f"c{i}",
            doc_id=f"d{i % 40}",
            text=" ".join(rng.choices(WORDS, k=rng.randint(3, 12))),
            start=0,
            end=10,
            heading_path=(),
            ordinal=0,
            title="",
            kind="news" if i % 97 else "official",  # officials are rare
            published="",
            source="",
            url="",
        )
        for i in range(n)
    ]


def full_sort(index: LexicalIndex, query: str, k: int, where: RetrievalFilter | None):  # type: ignore[no-untyped-def]
    from briefing.index.lexical import tokenize

    tokens = [t for t in tokenize(query) if t in index._bm25.vocab_dict]
    scores = index._bm25.get_scores(tokens)
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    accepted = [
        i for i in order if scores[i] > 0 and (where is None or where.accepts(index.chunks[i]))
    ]
    return [index.chunks[i].id for i in accepted[:k]]


def test_results_match_a_full_stable_sort_with_and_without_filters() -> None:
    chunks = make_chunks(1500)
    index = LexicalIndex(chunks, [c.id for c in chunks])
    rare = RetrievalFilter(kinds=("official",))  # 16 chunks, most far down the ranking
    for query in ("licence magnet", "gallium", "customs quota permit", "tonnes refinery"):
        for k in (1, 8, 20):
            for where in (None, rare):
                got = [c.id for c, _ in index.search(query, k, where)]
                assert got == full_sort(index, query, k, where), (query, k, where)


def test_a_filter_that_rejects_the_top_candidates_still_fills_k() -> None:
    chunks = make_chunks(3000)
    index = LexicalIndex(chunks, [c.id for c in chunks])
    hits = index.search("licence", 10, RetrievalFilter(kinds=("official",)))
    assert len(hits) == 10 and all(c.kind == "official" for c, _ in hits)
