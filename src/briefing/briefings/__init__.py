"""Briefings: summaries, timelines, what changed, where the sources disagree.

Every point is a verbatim sentence (or an exact span of one) of the corpus with the
same :class:`~briefing.types.Citation` records answers carry. Modules:

- ``records``: the typed :class:`Briefing` and its parts (``to_dict``, ``to_markdown``);
- ``dates``: date expressions normalised ("late November 2025", "2026–2028", "as of");
- ``inventory``: the corpus's sentences for one index version, with dates and vectors;
- ``scope``: documents and topic -> the sentences in scope, with relevance;
- ``rank``, ``summary``, ``timeline``, ``disagreements``: one kind each;
- ``requests``: briefing-style chat requests ("summarize ...", "timeline of ...");
- ``briefer``: the composition of all of the above.

Usage (through the facade)::

    briefing = assistant.brief("the general licences", kind="timeline")
    print(briefing.to_markdown())
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..briefing_records import (
    KINDS,
    Briefing,
    BriefingPoint,
    BriefingScope,
    BriefingSection,
    EventDate,
)

__all__ = [
    "DEFAULT_MAX_POINTS",
    "KINDS",
    "Briefing",
    "BriefingPoint",
    "BriefingScope",
    "BriefingSection",
    "EventDate",
    "make_scope",
]

#: Points per kind when the caller does not say: a summary a reader takes in at a
#: glance (ten key points hold every gold point of the dev briefings); a timeline has
#: more events to place; disagreements come in pairs.
DEFAULT_MAX_POINTS = {"summary": 10, "timeline": 20, "changes": 12, "disagreements": 12}
MAX_POINTS_LIMIT = 100

if TYPE_CHECKING:
    from collections.abc import Sequence


def make_scope(
    topic: str | None = None,
    *,
    kind: str = "summary",
    since: Any = None,
    until: Any = None,
    doc_ids: Sequence[str] | None = None,
    max_points: int | None = None,
) -> BriefingScope:
    """A validated :class:`BriefingScope`; BriefRequestError names the bad field."""
    from ..errors import BriefRequestError
    from .dates import parse_user_date

    if kind not in KINDS:
        raise BriefRequestError(f"kind {kind!r} is not one of: {', '.join(KINDS)}")
    if topic is not None and not isinstance(topic, str):
        raise BriefRequestError(f"topic must be text or None, got {type(topic).__name__}")
    topic = " ".join(topic.split()) if topic else None
    if topic and len(topic) > 500:
        raise BriefRequestError(f"topic is {len(topic)} characters long; the limit is 500")
    start = parse_user_date(since, field="since")
    end = parse_user_date(until, field="until", end=True)
    if start and end and start > end:
        raise BriefRequestError(f"since {start} is after until {end}")
    if isinstance(doc_ids, str):
        doc_ids = [doc_ids]
    ids = tuple(dict.fromkeys(d.strip() for d in (doc_ids or ()) if d and d.strip()))
    if max_points is None:
        max_points = DEFAULT_MAX_POINTS[kind]
    if isinstance(max_points, bool) or not isinstance(max_points, int):
        raise BriefRequestError(f"max_points must be a whole number, got {max_points!r}")
    if not 1 <= max_points <= MAX_POINTS_LIMIT:
        raise BriefRequestError(f"max_points {max_points} is out of range: 1 to {MAX_POINTS_LIMIT}")
    return BriefingScope(kind, topic or None, start, end, ids, max_points)
