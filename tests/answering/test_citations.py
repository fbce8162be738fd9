"""Citation building: chunk spans become exact document spans, numbered in order."""

from __future__ import annotations

import pytest

from briefing.answering.citations import CitationBook, citation_for_span, passage_citation
from briefing.types import Chunk, Passage

DOC = "# Title\n\nFirst sentence here.  Second sentence follows. Third one ends it."


def _passage(start: int = 9) -> Passage:
    chunk = Chunk(
        id="doc-c1",
        doc_id="doc",
        text=DOC[start:],
        start=start,
        end=len(DOC),
        heading_path=("Title",),
        ordinal=0,
        title="A doc",
        kind="news",
        published="2025-12-02",
        source="Reuters",
        url="https://example.org/doc",
    )
    return Passage(chunk=chunk, score=1.0)


def test_span_in_chunk_becomes_exact_document_span() -> None:
    passage = _passage()
    offset = passage.chunk.text.index("Second")
    end = passage.chunk.text.index("Third")  # includes the trailing space, trimmed
    citation = citation_for_span(passage, offset, end, marker=3)
    assert citation.quote == "Second sentence follows."
    assert DOC[citation.start : citation.end] == citation.quote
    assert citation.marker == 3
    assert (citation.doc_id, citation.chunk_id, citation.source, citation.title) == (
        "doc",
        "doc-c1",
        "Reuters",
        "A doc",
    )
    assert citation.published == "2025-12-02" and citation.url == "https://example.org/doc"


@pytest.mark.parametrize("span", [(-1, 4), (5, 5), (0, 10_000)])
def test_span_outside_chunk_is_rejected(span: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="doc-c1"):
        citation_for_span(_passage(), *span, marker=1)


def test_whitespace_only_span_is_rejected() -> None:
    passage = _passage()
    gap = passage.chunk.text.index("  ")
    with pytest.raises(ValueError, match="whitespace"):
        citation_for_span(passage, gap, gap + 2, marker=1)


def test_passage_citation_cuts_at_a_space_and_stays_exact() -> None:
    passage = _passage()
    citation = passage_citation(passage, marker=1, max_chars=30)
    assert len(citation.quote) <= 30
    assert not citation.quote.endswith(" ")
    assert passage.chunk.text.startswith(citation.quote)
    assert DOC[citation.start : citation.end] == citation.quote


def test_book_numbers_in_order_and_reuses_markers() -> None:
    passage = _passage()
    text = passage.chunk.text
    book = CitationBook()
    second = (text.index("Second"), text.index(" Third"))
    first = (0, text.index("  Second"))
    assert book.cite(passage, *second) == 1
    assert book.cite(passage, *first) == 2
    assert book.cite(passage, *second) == 1
    assert len(book) == 2
    assert [c.marker for c in book.citations()] == [1, 2]
    assert [c.quote for c in book.citations()] == [
        "Second sentence follows.",
        "First sentence here.",
    ]
