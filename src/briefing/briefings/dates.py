"""Dates in corpus sentences, normalised to the days they mean.

The corpus writes dates as "9 October 2025", "October 30", "Early May 2025", "late
November 2025", "November 2025", "the first quarter of 2025", "2026–2028", "2008",
"as of 18 December 2025", "from 10 November 2025 to 9 November 2026". Each becomes an
:class:`~briefing.briefing_records.EventDate`: the first and last day it covers, its
precision, and its role in the sentence (on, from, until, since, by, as of).

Why a grammar here rather than ``dateparser``: measured on the corpus's date expressions
(``benchmarks/briefing_libraries.py``), ``dateparser.parse`` returns None for "Early May
2025", "Late November 2025", "2026–2028", "as of 18 December 2025" and the first quarter,
and maps a bare "2008" to 2008-12-01 (today's month); ``search_dates`` over the sentences
also reads "about 1 hour 40 minutes" and "4–60" as dates. A span grammar that knows
ranges, parts of months and roles, with the calendar arithmetic from the standard
library, gets every expression of the measurement set right and costs microseconds.

Usage::

    >>> [d.start for d in find_dates("by late November 2025 dysprosium was about $910/kg")]
    ['2025-11-21']
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from ..briefing_records import EventDate
from ..errors import BriefRequestError

__all__ = ["DateMention", "find_dates", "parse_user_date", "primary_date"]

_MONTH_NAMES = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTH_NAMES |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTH_NAMES["sept"] = 9
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
_YEAR = r"(?:19|20)\d\d"
_PART = (
    r"(?:early|mid|mid-|late|the end of|end of|end-|the start of|start of|"
    r"the beginning of|beginning of)"
)
_QUARTER = (
    r"(?:(?:the\s+)?(?P<qword>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter\s+of\s+"
    r"|Q(?P<qdigit>[1-4])\s+)"
)
_DASH = r"\s*[–—-]\s*"

# Alternatives, most specific first; every group is named so the parser reads it back.
_PATTERN = re.compile(
    rf"(?P<day_month_year>\b(?P<d1>\d{{1,2}})\s+(?P<m1>{_MONTH})\s+(?P<y1>{_YEAR})\b)"
    rf"|(?P<month_day_year>\b(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}}),?\s+(?P<y2>{_YEAR})\b)"
    rf"|(?P<part_month>\b(?P<part>{_PART})\s*(?P<m3>{_MONTH})\s+(?P<y3>{_YEAR})\b)"
    rf"|(?P<quarter>\b{_QUARTER}(?P<y4>{_YEAR})\b)"
    rf"|(?P<part_year>\b(?P<ypart>early|mid|late)[- ](?P<y11>{_YEAR})\b)"
    rf"|(?P<month_year>\b(?P<m5>{_MONTH})\s+(?P<y5>{_YEAR})\b)"
    rf"|(?P<year_range>\b(?P<y6>{_YEAR}){_DASH}(?P<y7>{_YEAR}|\d\d)\b)"
    rf"|(?P<day_month>\b(?P<d8>\d{{1,2}})\s+(?P<m8>{_MONTH})(?!\s+{_YEAR})\b)"
    rf"|(?P<month_day>\b(?P<m9>{_MONTH})\s+(?P<d9>\d{{1,2}})\b(?!,?\s+{_YEAR})(?![\d%]|[.,]\d))"
    rf"|(?P<year>(?<![\d,.$])\b(?P<y10>{_YEAR})\b(?![\d%]|[.,]\d|\s*(?:t\b|tonnes|lb|kg)))",
    re.IGNORECASE,
)
# A year that numbers a regulation ("Announcement No. 46 of 2024") or titles a report
# ("Mineral Commodity Summaries 2025") is not the date of an event.
_NUMBERED = re.compile(r"\bNos?\.\s*[\d,\s–-]+(?:and\s+\d+\s+)?of\s+$", re.IGNORECASE)
_TITLE_YEAR = re.compile(r"\b(?:Summar(?:y|ies)|Report|Outlook|Review|Yearbook)\s+$")
_NAMING_BEFORE = re.compile(r"\b(?:the|its|their|China's|Beijing's|this|these|those)\s+$", re.I)
_NAMING_AFTER = re.compile(
    r"\s+(?:[\w-]+\s+){0,2}?(?:measures|controls?|package|announcements?|rules?|restrictions|"
    r"regime|licensing|deal|summit|agreement|notices?|escalation|framework|meeting)\b",
    re.IGNORECASE,
)
_ROLE_BEFORE = re.compile(
    r"(?:\b(?P<role>as of|until|till|through|to|from|since|by|before|after|on|in|at|"
    r"effective|between|and)\s+(?:the\s+)?)$",
    re.IGNORECASE,
)
_ROLES = {
    "as of": "as of",
    "until": "until",
    "till": "until",
    "through": "until",
    "to": "until",
    "before": "until",
    "from": "from",
    "effective": "from",
    "between": "from",
    "since": "since",
    "after": "since",
    "by": "by",
}
_QUARTERS = {"f": 1, "1": 1, "s": 2, "2": 2, "t": 3, "3": 3}
# Which date of a sentence is the date of what it reports: one the sentence leads with
# ("9 October 2025: MOFCOM issues ..."), else one it says things happened on, from,
# as of or by; "since" and "until" dates bound something else and come last.
_ROLE_RANK = {"on": 0, "from": 1, "as of": 2, "by": 2, "since": 4, "until": 5}


@dataclass(frozen=True, slots=True)
class DateMention:
    """One date expression of a sentence.

    Fields:
        start, end: the expression's character span in the sentence.
        date: the normalised date (``date.text`` is the expression as written).
        leading: the sentence starts with it ("9 October 2025: ...").
        reference: it is a reference point, not an event date ("the first meeting
            since 2019").
    """

    start: int
    end: int
    date: EventDate
    leading: bool = False
    reference: bool = False


def _day(y: int, m: int, d: int) -> str:
    return date(y, m, d).isoformat()


def _last(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def _month(name: str) -> int:
    return _MONTH_NAMES[name.lower().rstrip(".")]


def _part_days(part: str, y: int, m: int) -> tuple[int, int]:
    part = part.lower()
    if part.startswith("early") or "start" in part or "beginning" in part:
        return 1, 10
    if part.startswith("mid"):
        return 11, 20
    return 21, _last(y, m)  # late, end of


def _normalise(match: re.Match[str], default_year: int | None) -> EventDate | None:
    g = match.group
    text = match.group(0)
    try:
        if g("day_month_year"):
            y, m, d = int(g("y1")), _month(g("m1")), int(g("d1"))
            return EventDate(_day(y, m, d), _day(y, m, d), text, "day")
        if g("month_day_year"):
            y, m, d = int(g("y2")), _month(g("m2")), int(g("d2"))
            return EventDate(_day(y, m, d), _day(y, m, d), text, "day")
        if g("part_month"):
            y, m = int(g("y3")), _month(g("m3"))
            a, b = _part_days(g("part"), y, m)
            return EventDate(_day(y, m, a), _day(y, m, b), text, "part-of-month")
        if g("quarter"):
            y = int(g("y4"))
            word, digit = (g("qword") or "").lower(), g("qdigit")
            q = int(digit) if digit else _QUARTERS.get(word[:1], 4)
            first = 3 * q - 2
            last = _day(y, first + 2, _last(y, first + 2))
            return EventDate(_day(y, first, 1), last, text, "quarter")
        if g("part_year"):
            y, part = int(g("y11")), g("ypart").lower()
            first, last = {"early": (1, 4), "mid": (5, 8)}.get(part, (9, 12))
            return EventDate(_day(y, first, 1), _day(y, last, _last(y, last)), text, "part-of-year")
        if g("month_year"):
            y, m = int(g("y5")), _month(g("m5"))
            return EventDate(_day(y, m, 1), _day(y, m, _last(y, m)), text, "month")
        if g("year_range"):
            a, b = int(g("y6")), g("y7")
            b_year = int(b) if len(b) == 4 else a // 100 * 100 + int(b)
            if b_year <= a:
                return None
            return EventDate(_day(a, 1, 1), _day(b_year, 12, 31), text, "range")
        if g("day_month") and default_year:
            m, d = _month(g("m8")), int(g("d8"))
            return EventDate(_day(default_year, m, d), _day(default_year, m, d), text, "day")
        if g("month_day") and default_year:
            m, d = _month(g("m9")), int(g("d9"))
            return EventDate(_day(default_year, m, d), _day(default_year, m, d), text, "day")
        if g("year"):
            y = int(g("y10"))
            return EventDate(_day(y, 1, 1), _day(y, 12, 31), text, "year")
    except ValueError:  # "31 November": not a day of the calendar
        return None
    return None


def find_dates(sentence: str, default_year: int | None = None) -> list[DateMention]:
    """Every date expression of ``sentence``, in order, with its role.

    ``default_year`` dates expressions without a year ("October 30", "1 December"); they
    are skipped when it is None.
    """
    found: list[DateMention] = []
    for match in _PATTERN.finditer(sentence):
        before = sentence[: match.start()]
        if match.group("year") and (_NUMBERED.search(before) or _TITLE_YEAR.search(before)):
            continue
        if match.group("year_range") and _NUMBERED.search(before):
            continue
        parsed = _normalise(match, default_year)
        if parsed is None:
            continue
        role = "on"
        prefix = _ROLE_BEFORE.search(before[-24:])
        if prefix:
            role = _ROLES.get(prefix.group("role").lower(), "on")
            if prefix.group("role").lower() == "and" and found and found[-1].date.role == "from":
                role = "until"  # "between X and Y"
        if (
            role == "on"
            and found
            and found[-1].date.role == "from"
            and re.search(r"\bto\s+$", before[-6:], re.IGNORECASE)
        ):
            role = "until"
        # "the first meeting ... since 2019": the year is a reference, not the event;
        # so is a date that names something ("the 9 October measures", "its April 2025
        # controls").
        reference = (role == "since" and bool(re.search(r"\bfirst\b", before, re.I))) or (
            bool(_NAMING_BEFORE.search(before)) and bool(_NAMING_AFTER.match(sentence, match.end()))
        )
        leading = not before.strip(" -*#>\t")
        found.append(
            DateMention(
                start=match.start(),
                end=match.end(),
                date=EventDate(parsed.start, parsed.end, parsed.text, parsed.precision, role),
                leading=leading,
                reference=reference,
            )
        )
    return found


def primary_date(mentions: list[DateMention]) -> DateMention | None:
    """The date of what the sentence reports (see ``_ROLE_RANK``), or None.

    A leading date wins; then the best role, then the most precise, then the first.
    Reference dates ("since 2019" after "first") never count.
    """
    usable = [m for m in mentions if not m.reference]
    if not usable:
        return None
    leading = [m for m in usable if m.leading]
    if leading:
        return leading[0]
    # The main clause usually comes first ("... in October 2025, introducing rules set
    # to take effect on December 1"), so position breaks ties before precision.
    return min(
        enumerate(usable),
        key=lambda im: (_ROLE_RANK.get(im[1].date.role, 3), im[0]),
    )[1]


def parse_user_date(value: object, *, field: str = "date", end: bool = False) -> str | None:
    """A user's date bound as an ISO day: "2025-12-01", "1 December 2025", "December
    2025" (its first day, or with ``end`` its last), "2025". None/"" -> None.

    Raises BriefRequestError naming ``field`` and the value when it is not a date.
    """
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        raise BriefRequestError(f"{field} must be a date such as 2025-12-01, got {value!r}")
    text = value.strip()
    if not text:
        return None
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", text)
    try:
        if iso:
            y, m = int(iso.group(1)), int(iso.group(2))
            if iso.group(3):
                return _day(y, m, int(iso.group(3)))
            return _day(y, m, _last(y, m) if end else 1)
    except ValueError:
        raise BriefRequestError(f"{field} {value!r} is not a calendar date") from None
    mentions = find_dates(text)
    if len(mentions) == 1 and mentions[0].end - mentions[0].start >= len(text) - 1:
        parsed = mentions[0].date
        return parsed.end if end else parsed.start
    raise BriefRequestError(
        f"{field} {value!r} is not a date: use YYYY-MM-DD, '1 December 2025' or 'December 2025'"
    )
