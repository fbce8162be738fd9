"""What a sentence is checked against: the text of a cited passage or quote, with its source.

Both the LLM reply verifier (whole passages) and the evaluation's citation metric (the
quotes an answer cites) build :class:`Evidence` records and hand them to
:func:`briefing.grounding.check_support`, so one rule judges both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..types import Citation, Passage

__all__ = ["Evidence", "as_evidence"]

_MONTHS = (
    "January February March April May June July August September October November December"
).split()


@dataclass(frozen=True, slots=True)
class Evidence:
    """One cited text and where it comes from.

    Fields:
        text: the passage (verifier) or the quote (citation metric).
        title: the document title the model saw above the passage ("" when unknown).
        source: the document's source ("Reuters, 2 December 2025"); an attribution in a
            sentence ("according to Reuters") may name it.
        published: ISO date of the document ("" when unknown); it may be the date a
            sentence gives for a report ("Reuters reported on 2 December 2025").
        headings: section headings above the passage, outermost first.
    """

    text: str
    title: str = ""
    source: str = ""
    published: str = ""
    headings: tuple[str, ...] = ()

    @classmethod
    def from_passage(cls, passage: Passage) -> Evidence:
        """The whole chunk with its title, source, date and headings (what the model saw)."""
        chunk = passage.chunk
        return cls(chunk.text, chunk.title, chunk.source, chunk.published, chunk.heading_path)

    @classmethod
    def from_citation(cls, citation: Citation) -> Evidence:
        """A citation's quote with its document's title, source and date."""
        return cls(citation.quote, citation.title, citation.source, citation.published)

    @property
    def context(self) -> str:
        """Title and headings: what the passage is about, beyond its own words."""
        return ". ".join(part for part in (self.title, *self.headings) if part)

    @property
    def date_text(self) -> str:
        """The publication date written out ("2 December 2025"; "" when unknown)."""
        return _spelled(self.published)

    @property
    def metadata(self) -> str:
        """Source, title and the publication date written out."""
        return " ".join(part for part in (self.source, self.title, self.date_text) if part)


def _spelled(iso: str) -> str:
    """``2025-12-02`` -> ``2 December 2025`` ("" when not an ISO date)."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return ""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def as_evidence(item: Evidence | str) -> Evidence:
    """``item`` itself, or a bare text wrapped as Evidence without metadata."""
    return item if isinstance(item, Evidence) else Evidence(item)
