"""Typed records of a briefing: what ``Assistant.brief`` returns to every front end.

A :class:`Briefing` is a title, the scope it was asked for, and sections of points. Every
point is a verbatim sentence (or an exact span of one) of the corpus, with the same
:class:`~briefing.types.Citation` records answers carry (exact document offsets), and,
where the corpus gives one, its date normalised to an :class:`EventDate`.

Usage::

    briefing = assistant.brief("the general licences", kind="timeline")
    for point in briefing.points:
        print(point.date.label if point.date else "", point.text, point.markers)
    briefing.to_markdown()          # a document with footnotes and a sources list
    briefing.to_dict()              # JSON-serialisable
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from .types import Citation

__all__ = [
    "KINDS",
    "Briefing",
    "BriefingKind",
    "BriefingPoint",
    "BriefingScope",
    "BriefingSection",
    "EventDate",
]

BriefingKind = Literal["summary", "timeline", "changes", "disagreements"]
KINDS: tuple[str, ...] = ("summary", "timeline", "changes", "disagreements")

_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@dataclass(frozen=True, slots=True)
class EventDate:
    """A date of the corpus, normalised to the days it can mean.

    Fields:
        start, end: ISO dates (``2025-11-21``), the first and last day the expression
            covers ("late November 2025" is 2025-11-21 .. 2025-11-30; "2026–2028" is
            2026-01-01 .. 2028-12-31); equal for a day.
        text: the expression as written ("Late November 2025"), or the document's
            publication date when the sentence has none (``role == "published"``).
        precision: day | part-of-month | month | quarter | part-of-year | year | range.
        role: what the date is to the statement: on (it happened then), from, until,
            since, by, as of, or published (the statement's document date).
    """

    start: str
    end: str
    text: str
    precision: str
    role: str = "on"

    @property
    def label(self) -> str:
        """A short display form: "9 Oct 2025", "late Nov 2025", "2026–2028"."""
        y, m, d = self.start.split("-")
        month = _MONTHS[int(m) - 1]
        if self.precision == "day":
            text = f"{int(d)} {month} {y}"
        elif self.precision == "part-of-month":
            part = {1: "early", 11: "mid", 21: "late"}.get(int(d), "")
            text = f"{part} {month} {y}".strip()
        elif self.precision == "month":
            text = f"{month} {y}"
        elif self.precision == "part-of-year":
            part = {1: "early", 5: "mid", 9: "late"}.get(int(m), "")
            text = f"{part} {y}".strip()
        elif self.precision == "quarter":
            text = f"Q{(int(m) - 1) // 3 + 1} {y}"
        elif self.precision == "range":
            text = f"{y}–{self.end[:4]}" if self.end[:4] != y else y
        else:
            text = y
        prefix = {"as of": "as of ", "by": "by ", "until": "until ", "since": "since "}
        return prefix.get(self.role, "") + text

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.start, self.end)

    def within(self, since: str | None, until: str | None) -> bool:
        """Whether every day of this date lies in ``[since, until]`` (ISO, None = open):
        "late November 2025" is within November, "2026–2028" is not within 2026."""
        return (since is None or self.start >= since) and (until is None or self.end <= until)


@dataclass(frozen=True, slots=True)
class BriefingPoint:
    """One point of a briefing.

    Fields:
        text: a verbatim sentence of the corpus, or an exact span of one (no markers).
        markers: the citation numbers backing it; the first quotes ``text`` itself,
            further ones quote other sentences that state the same event or figure.
        citations: the citations of ``markers``, in the same order.
        date: the point's date, or None when the corpus gives none.
        attribution: who says it (a disagreement's side: "Reuters", "the White House"),
            "" when not attributed.
        score: the ranking score that selected the point (higher = more central).
    """

    text: str
    markers: tuple[int, ...]
    citations: tuple[Citation, ...]
    date: EventDate | None = None
    attribution: str = ""
    score: float = 0.0

    @property
    def doc_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.doc_id for c in self.citations))

    @property
    def date_label(self) -> str:
        """The date to show before the text: "" when undated, dated only by its
        document, or when the text already starts with the date ("9 October 2025: ...")."""
        if self.date is None or self.date.role == "published":
            return ""
        return "" if self.text.startswith(self.date.text) else self.date.label

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class BriefingSection:
    """A group of points: a sub-topic of a summary, a year of a timeline, one
    disagreement (its points are the sides), ...

    Fields:
        title: the section heading.   points: its points, in display order.
        note: a line shown under the heading ("" when none).
    """

    title: str
    points: tuple[BriefingPoint, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class BriefingScope:
    """What was asked for.

    Fields:
        kind: summary | timeline | changes | disagreements.
        topic: the topic, or None for the whole corpus (or the named documents).
        since, until: ISO date bounds (inclusive), None = open.
        doc_ids: restrict to these documents (empty = all).
        max_points: the most points the briefing may hold.
    """

    kind: str
    topic: str | None = None
    since: str | None = None
    until: str | None = None
    doc_ids: tuple[str, ...] = ()
    max_points: int = 10

    def describe(self) -> str:
        """One line: "timeline · topic: suspensions · from 2025-10-01 · 2 documents"."""
        parts = [self.kind]
        if self.topic:
            parts.append(f"topic: {self.topic}")
        if self.since and self.until:
            parts.append(f"{self.since} to {self.until}")
        elif self.since:
            parts.append(f"since {self.since}")
        elif self.until:
            parts.append(f"until {self.until}")
        if self.doc_ids:
            parts.append("documents: " + ", ".join(self.doc_ids))
        return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class Briefing:
    """A briefing: what every front end shows for ``Assistant.brief``.

    Fields:
        title: a heading for the briefing ("Timeline: suspensions").
        scope: the request it answers.
        sections: the points grouped for display; ``points`` flattens them.
        citations: every citation of the briefing, numbered 1..n (the markers).
        note: why a briefing is empty or short ("" when there is nothing to say).
        timings_ms: stage timings (scope, rank, total).
    """

    title: str
    scope: BriefingScope
    sections: tuple[BriefingSection, ...]
    citations: tuple[Citation, ...]
    note: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.scope.kind

    @property
    def points(self) -> tuple[BriefingPoint, ...]:
        return tuple(p for section in self.sections for p in section.points)

    def citation(self, marker: int) -> Citation | None:
        return next((c for c in self.citations if c.marker == marker), None)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind
        data["points"] = [p.to_dict() for p in self.points]
        return data

    def to_markdown(self) -> str:
        """The briefing as a Markdown document: sections, points with ``[n]`` footnote
        links, and a sources list quoting each citation with its document offsets."""
        return render_markdown(self)


def _point_line(point: BriefingPoint) -> str:
    lead = f"**{point.date_label}**: " if point.date_label else ""
    who = f"*{_md(point.attribution)}*: " if point.attribution else ""
    notes = "".join(f"[^{n}]" for n in point.markers)
    return f"- {lead}{who}{_md(point.text)} {notes}".rstrip()


def _md(text: str) -> str:
    """Text shown as written: Markdown's own characters escaped."""
    out = text
    for ch in "\\`*_[]#|<>":
        out = out.replace(ch, "\\" + ch)
    return out


def render_markdown(briefing: Briefing) -> str:
    lines = [f"# {_md(briefing.title)}", "", f"*{_md(briefing.scope.describe())}*", ""]
    if briefing.note:
        lines += [_md(briefing.note), ""]
    for section in briefing.sections:
        if section.title:
            lines += [f"## {_md(section.title)}", ""]
        if section.note:
            lines += [_md(section.note), ""]
        lines += [_point_line(p) for p in section.points]
        lines.append("")
    if briefing.citations:
        lines += ["## Sources", ""]
        for c in briefing.citations:
            meta = ", ".join(x for x in (c.source, c.published) if x)
            where = f"{c.doc_id}:{c.start}-{c.end}"
            lines.append(
                f"[^{c.marker}]: {_md(c.title)}{f' ({_md(meta)})' if meta else ''}, "
                f'{where}: "{_md(c.quote)}"'
            )
        lines.append("")
    return "\n".join(lines)
