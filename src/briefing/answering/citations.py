"""Citation building: a passage plus a span of its chunk text -> a ``Citation``.

Every answer backend quotes retrieved passages; these helpers turn "sentence at offsets
``[s, e)`` of this passage's chunk" into a :class:`~briefing.types.Citation` whose
``start``/``end`` index the *document* text, so ``document.text[c.start:c.end] ==
c.quote`` always holds (a chunk is ``document.text[chunk.start:chunk.end]``).

:class:`CitationBook` numbers citations 1..n in order of first use and gives the same
marker back when the same span is cited twice.

Usage::

    book = CitationBook()
    n = book.cite(passage, 0, 42)          # -> 1
    answer_citations = book.citations()    # (Citation(marker=1, quote=..., ...),)
"""

from __future__ import annotations

from ..types import Citation, Passage

__all__ = ["CitationBook", "citation_for_span", "passage_citation"]

# What a citation copies from its chunk about the document.
_DOCUMENT_FIELDS = ("doc_id", "title", "source", "published", "url")


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` so it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def citation_for_span(passage: Passage, start: int, end: int, marker: int) -> Citation:
    """A citation quoting ``passage.chunk.text[start:end]`` (offsets within the chunk).

    Surrounding whitespace is trimmed from the span; the returned ``start``/``end`` are
    offsets into the document text.

    Raises:
        ValueError: when the span lies outside the chunk or is empty.
    """
    chunk = passage.chunk
    if not 0 <= start < end <= len(chunk.text):
        raise ValueError(
            f"span [{start}, {end}) is outside chunk {chunk.id!r} of length {len(chunk.text)}"
        )
    start, end = _trimmed(chunk.text, start, end)
    if start == end:
        raise ValueError(f"span in chunk {chunk.id!r} holds only whitespace")
    document = {name: getattr(chunk, name) for name in _DOCUMENT_FIELDS}
    quote = chunk.text[start:end]
    span = {"start": chunk.start + start, "end": chunk.start + end}
    return Citation(marker=marker, chunk_id=chunk.id, quote=quote, **document, **span)


def passage_citation(passage: Passage, marker: int, max_chars: int = 300) -> Citation:
    """A citation quoting the start of a passage (for "nearest sources" lists).

    The quote is cut at the last space before ``max_chars`` so it stays an exact
    substring of the document.
    """
    text = passage.chunk.text
    end = len(text)
    if end > max_chars:
        cut = text.rfind(" ", 0, max_chars)
        end = cut if cut > 0 else max_chars
    return citation_for_span(passage, 0, end, marker)


class CitationBook:
    """Numbers citations in order of first use; the same span keeps its marker."""

    def __init__(self) -> None:
        self._markers: dict[tuple[str, int, int], int] = {}
        self._citations: list[Citation] = []

    def cite(self, passage: Passage, start: int, end: int) -> int:
        """The marker for ``passage.chunk.text[start:end]``, adding a citation if new."""
        citation = citation_for_span(passage, start, end, len(self._citations) + 1)
        key = (citation.doc_id, citation.start, citation.end)
        marker = self._markers.get(key)
        if marker is None:
            marker = citation.marker
            self._markers[key] = marker
            self._citations.append(citation)
        return marker

    def citations(self) -> tuple[Citation, ...]:
        """All citations, ordered by marker."""
        return tuple(self._citations)

    def __len__(self) -> int:
        return len(self._citations)
