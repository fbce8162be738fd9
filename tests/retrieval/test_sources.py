"""Source-aware retrieval: naming a source in the question boosts that source's documents."""

from __future__ import annotations

from dataclasses import replace

from briefing.retrieval.hybrid import HybridRetriever
from briefing.retrieval.sources import (
    SourceProfile,
    match_sources,
    profiles_from_chunks,
    source_phrases,
)
from briefing.types import Chunk, RetrievalFilter

PROFILES = [
    SourceProfile("busan", "The Trump-Xi Busan summit", "Reuters, 30 October 2025", "news"),
    SourceProfile("licences", "China's first general licences", "Reuters, 2 December", "news"),
    SourceProfile(
        "article",
        "China grants first general licences",
        "unknown publisher (source article)",
        "news",
    ),
    SourceProfile("notices", "China's suspension notices", "MOFCOM", "official"),
    SourceProfile("market", "China's market share", "USGS Mineral Commodity Summaries", "analysis"),
    SourceProfile("timeline", "Timeline of China's controls", "Compiled", "timeline"),
]


def test_source_phrases_found_in_common_wordings() -> None:
    assert source_phrases("According to the news article, what prompted it?") == [
        "the news article"
    ]
    assert source_phrases("How did they differ, according to the article?") == ["the article"]
    assert source_phrases("Which sectors, per the USGS?") == ["the USGS"]
    assert "What did Reuters" in source_phrases("What did Reuters report about EU firms?")
    assert "the Reuters report" in source_phrases("What is in the Reuters report on licences?")
    assert source_phrases("Which elements were controlled in April?") == []


def test_specific_source_words_beat_generic_kind_words() -> None:
    # "article" is in one document's source; every news document only fits "news".
    assert match_sources("According to the news article, why?", PROFILES) == ("article",)
    assert match_sources("What does the story say, per the article?", PROFILES) == ("article",)


def test_publisher_named_matches_all_its_documents() -> None:
    assert match_sources("What did Reuters report about approvals?", PROFILES) == (
        "busan",
        "licences",
    )
    assert match_sources("Per MOFCOM, when do the notices expire?", PROFILES) == ("notices",)


def test_kind_word_alone_matches_documents_of_that_kind() -> None:
    assert match_sources("According to the timeline, when?", PROFILES) == ("timeline",)
    assert match_sources("Per the official notice, what changed?", PROFILES) == ("notices",)


def test_unknown_or_unspecific_sources_match_nothing() -> None:
    assert match_sources("Per the White House, which materials?", PROFILES) == ()
    # "China" is in most titles: it does not single a source out.
    assert match_sources("What did China say about the deal?", PROFILES) == ()
    assert match_sources("When were the first licences granted?", PROFILES) == ()
    assert match_sources("According to the news article, why?", []) == ()


def test_two_named_sources_match_both() -> None:
    question = "One article claims validity is three years. Does Reuters agree?"
    assert match_sources(question, PROFILES) == ("busan", "licences", "article")


def chunk(cid: str, doc: str, *, source: str = "Reuters", kind: str = "news") -> Chunk:
    return Chunk(
        id=cid,
        doc_id=doc,
        text=f"distinct words for chunk {cid}",
        start=0,
        end=10,
        heading_path=(),
        ordinal=0,
        title=f"title of {doc}",
        kind=kind,
        published="2025-12-01",
        source=source,
        url="",
    )


def test_profiles_from_chunks_one_per_document() -> None:
    chunks = [chunk("a1", "a"), chunk("b1", "b", source="USGS"), chunk("a2", "a")]
    assert profiles_from_chunks(chunks) == [
        SourceProfile("a", "title of a", "Reuters", "news"),
        SourceProfile("b", "title of b", "USGS", "news"),
    ]


class FakeSearch:
    """A search over a fixed ranking that honours the filter (as Chroma and BM25 do)."""

    def __init__(self, ranking: list[tuple[Chunk, float]]) -> None:
        self.ranking = ranking
        self.calls: list[RetrievalFilter | None] = []

    def __call__(self, query: str, k: int, where: RetrievalFilter | None):  # type: ignore[no-untyped-def]
        self.calls.append(where)
        return [(c, s) for c, s in self.ranking if where is None or where.accepts(c)][:k]


ART = "unknown publisher (source article)"
OTHERS = [chunk(f"r{i}", f"reuters-{i}") for i in range(6)]
ARTICLE = [chunk("art-a", "article", source=ART), chunk("art-b", "article", source=ART)]


def retriever(**kwargs) -> HybridRetriever:  # type: ignore[no-untyped-def]
    everything = OTHERS + ARTICLE
    dense = FakeSearch([(c, 1.0 - i / 10) for i, c in enumerate(everything)])
    lexical = FakeSearch([(c, 10.0 - i) for i, c in enumerate(everything)])
    return HybridRetriever(
        dense,
        lexical,
        top_k=4,
        profiles=lambda: profiles_from_chunks(everything),
        **kwargs,
    )


def test_named_source_rises_without_excluding_others() -> None:
    plain = [p.chunk.id for p in retriever().retrieve("What prompted the escalation?")]
    assert plain == ["r0", "r1", "r2", "r3"]
    named = retriever().retrieve("According to the article, what prompted the escalation?")
    ids = [p.chunk.id for p in named]
    assert ids[0] == "art-a"  # the named document's best chunk comes first ...
    assert "r0" in ids  # ... and the best other evidence is still there
    first = named[0]
    # Its component scores come from the searches restricted to the named document.
    assert first.dense_score is not None and first.lexical_score is not None


def test_source_ranking_orders_named_chunks_by_evidence() -> None:
    ranking, raw = retriever().source_ranking("Per the article, why?")
    assert [c.id for c, _ in ranking] == ["art-a", "art-b"]
    assert set(raw["art-a"]) == {"dense", "lexical"}
    assert retriever().source_ranking("Why did it happen?") == ([], {})


def test_source_ranking_respects_filters() -> None:
    r = retriever()
    where = RetrievalFilter(doc_ids=("reuters-0",))
    assert r.source_ranking("Per the article, why?", where) == ([], {})
    kinds = RetrievalFilter(kinds=("news",))
    r.source_ranking("Per the article, why?", kinds)
    restricted = r._dense.calls[-1]  # type: ignore[attr-defined]
    assert restricted == replace(kinds, doc_ids=("article",))
    passages = r.retrieve("Per the article, why?", where=where)
    assert [p.chunk.id for p in passages] == ["r0"]


def test_without_profiles_nothing_changes() -> None:
    everything = OTHERS + ARTICLE
    dense = FakeSearch([(c, 1.0) for c in everything])
    plain = HybridRetriever(dense, None, top_k=3)
    assert [p.chunk.id for p in plain.retrieve("According to the article, why?")] == [
        "r0",
        "r1",
        "r2",
    ]
    assert len(dense.calls) == 1
