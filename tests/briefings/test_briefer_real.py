"""Briefings over the real corpus through the facade (real MiniLM, real Chroma)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing import Assistant, Settings
from briefing.corpus import load_corpus
from briefing.errors import BriefRequestError

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def assistant(corpus_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    settings = Settings(corpus_dir=corpus_copy, data_dir=tmp_path_factory.mktemp("brief"))
    built = Assistant(settings)
    yield built
    built.close()


@pytest.fixture(scope="module")
def texts(corpus_copy: Path) -> dict[str, str]:
    return {d.id: d.text for d in load_corpus(corpus_copy).documents}


def _verbatim(briefing, texts) -> None:  # type: ignore[no-untyped-def]
    assert briefing.points
    for p in briefing.points:
        for c in p.citations:
            assert texts[c.doc_id][c.start : c.end] == c.quote
        assert " ".join(p.citations[0].quote.split()) == p.text
        assert p.markers == tuple(c.marker for c in p.citations)


@pytest.mark.parametrize("kind", ["summary", "timeline", "changes", "disagreements"])
def test_every_kind_quotes_the_corpus(assistant: Assistant, texts, kind: str) -> None:  # type: ignore[no-untyped-def]
    briefing = assistant.brief(kind=kind, since="2025-11-01" if kind == "changes" else None)
    _verbatim(briefing, texts)
    markdown = briefing.to_markdown()
    assert markdown.startswith("# ") and "## Sources" in markdown
    assert briefing.to_dict()["points"][0]["citations"]


def test_timeline_is_dated_in_order_and_filtered(assistant: Assistant) -> None:
    briefing = assistant.brief("suspensions", kind="timeline", since="2025-11-01")
    dates = [p.date for p in briefing.points]
    assert all(d is not None and d.start >= "2025-11-01" for d in dates)
    assert [d.sort_key for d in dates] == sorted(d.sort_key for d in dates)
    text = " ".join(p.text for p in briefing.points)
    assert "10 November 2026" in text and "27 November 2026" in text


def test_disagreements_give_both_sides(assistant: Assistant) -> None:
    briefing = assistant.brief("the general licences", kind="disagreements")
    text = " ".join(p.text for p in briefing.points)
    assert "three years" in text and "one year" in text
    assert any(p.attribution == "Reuters" for p in briefing.points)


def test_figure_disputes_compare_a_bounded_pool(assistant: Assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A whole-corpus disagreements briefing over a big index compares a bounded number of
    figure sentences (it once built a similarity matrix of every sentence: 831 GiB at
    100k chunks)."""
    from briefing.briefings import disagreements

    pools: list[int] = []
    real = disagreements._figure_disputes

    def spy(pool, vectors, claimed):  # type: ignore[no-untyped-def]
        pools.append(len(pool))
        assert vectors.shape == (len(pool), 384)
        return real(pool, vectors, claimed)

    monkeypatch.setattr(disagreements, "_figure_disputes", spy)
    monkeypatch.setattr(disagreements, "FIGURE_POOL", 5)
    assistant.brief(kind="disagreements")
    assert pools == [5]


@pytest.mark.parametrize("kind", ["summary", "timeline"])
def test_ranking_compares_a_bounded_number_of_sentences(
    assistant: Assistant, monkeypatch, kind: str
) -> None:  # type: ignore[no-untyped-def]
    from briefing.briefings import rank, summary, timeline

    sizes: list[int] = []
    real = rank.biased_lexrank

    def spy(similarity, bias, limits, iterations=60):  # type: ignore[no-untyped-def]
        sizes.append(similarity.shape[0])
        return real(similarity, bias, limits, iterations)

    monkeypatch.setattr(summary if kind == "summary" else timeline, "biased_lexrank", spy)
    monkeypatch.setattr(rank, "MAX_RANKED", 7)
    briefing = assistant.brief(kind=kind)
    assert sizes and max(sizes) <= 7
    assert 0 < len(briefing.points) <= 7


def test_document_summary_stays_in_its_document(assistant: Assistant) -> None:
    briefing = assistant.brief(doc_ids=["licensed-companies"], max_points=3)
    assert len(briefing.points) == 3
    assert {d for p in briefing.points for d in p.doc_ids} == {"licensed-companies"}


def test_bad_requests_name_the_field(assistant: Assistant) -> None:
    with pytest.raises(BriefRequestError, match="kind 'essay'"):
        assistant.brief(kind="essay")
    with pytest.raises(BriefRequestError, match="doc_ids: no document 'nope'"):
        assistant.brief(doc_ids=["nope"])
    with pytest.raises(BriefRequestError, match="since 2025-12-01 is after until"):
        assistant.brief(kind="changes", since="2025-12-01", until="2025-11-01")


NINE = [
    "Summarize the article in a few points",
    "Brief me on the latest",
    "What's the timeline of the controls?",
    "Brief me on the general licence regime",
    "What changed in December 2025?",
    "Give me a quick rundown of what each side committed to at Busan",
    "Give me an overview of China's 9 October measures",
    "Summarize where the sources disagree",
    "When do the various suspensions run out?",
]


def test_the_nine_requests_get_briefings_in_the_chat(assistant: Assistant) -> None:
    for request in NINE:
        answer = assistant.ask(request)
        assert answer.briefing is not None, request
        assert not answer.abstained, request
        assert [s.text for s in answer.statements] == [p.text for p in answer.briefing.points]
    article = assistant.ask(NINE[0]).briefing
    assert article.scope.doc_ids == ("rare-earth-general-licenses-article",)


def test_follow_up_and_off_topic(assistant: Assistant) -> None:
    chat = assistant.conversation()
    chat.ask("Give me a quick rundown of what each side committed to at Busan")
    follow = chat.ask("and what about the US side?")
    assert follow.briefing is not None and follow.briefing.scope.topic.endswith("the US side")
    assert not follow.abstained
    assert chat.ask("How long do those licences last?").briefing is None  # a question again
    streamed = list(assistant.stream("Give me a timeline of the suspensions"))
    assert streamed[-1].briefing is not None and streamed[-1].briefing.kind == "timeline"


def test_a_topic_the_corpus_never_mentions_abstains(assistant: Assistant) -> None:
    briefing = assistant.brief("the football results", kind="summary")
    assert briefing.points == () and "nothing on 'the football results'" in briefing.note
    answer = assistant.ask("Summarize the 2027 negotiations in Geneva")
    assert answer.abstained and answer.briefing is not None and not answer.citations
    # The corpus has dysprosium and terbium prices, never praseodymium.
    answer = assistant.ask("What's happened to praseodymium prices since April?")
    assert answer.abstained and answer.briefing is not None and not answer.citations
    assert assistant.brief("dysprosium prices", kind="summary").points
