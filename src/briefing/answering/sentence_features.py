"""Cheap, model-free facts about one candidate sentence.

The offline answerer asks of every sentence: how many names does it hold? Is it page
furniture with no content of its own (a heading, "Did you know?", "Comments (0)", an
"ALSO READ |" link)? Which figures does it state (to spot sources that disagree)? Does
it say who says it? (The date, duration and answer-type tests against the question are
in :mod:`~briefing.answering.features`, with the patterns exported here.)

Usage::

    >>> f = sentence_features("China suspended the controls for one year, officials said.")
    >>> f.figures, f.attributed
    (('1 year',), True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..text import NAME_RUN, PAGE_FURNITURE, STOP_WORDS, TOKEN, content_words

__all__ = [
    "CALENDAR_WORDS",
    "DATE_PATTERN",
    "DURATION_PATTERN",
    "SentenceFeatures",
    "normalise_figures",
    "sentence_features",
    "sentence_phrases",
    "source_before",
]

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE = re.compile(
    rf"\b\d{{1,2}}\s+(?:{_MONTHS})\b|\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b|\b(?:19|20)\d\d\b"
    rf"|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    rf"|\b(?:early|mid|late)[- ](?:{_MONTHS})\b",
    re.IGNORECASE,
)
_NUMBER_WORD = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty"
    "|forty|fifty|hundred|a|an|half a|several|a few"
)
_DURATION = re.compile(
    rf"\b(?:\d+(?:[.,]\d+)?|{_NUMBER_WORD})(?:[- ]\w+)?[- ](?:years?|months?|weeks?|days?"
    rf"|hours?|working[- ]days?)\b|\b(?:until|through|till|to)\s+(?:\d{{1,2}}\s+)?"
    rf"(?:{_MONTHS})\b|\bfor a (?:year|month|week)\b",
    re.IGNORECASE,
)
# Capitalised words that are not the names a "which / who" question asks for: calendar
# words, and the source a sentence is attributed to ("..., according to Reuters").
_CALENDAR = frozenset(
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
)
_SOURCE_BEFORE = re.compile(r"(?:according to|reported by|said|says|told)\s+(?:the\s+)?$", re.I)
DATE_PATTERN = _DATE
DURATION_PATTERN = _DURATION
CALENDAR_WORDS = _CALENDAR


def source_before(text: str, position: int) -> bool:
    """Whether the words before ``position`` attribute what follows ("according to ...")."""
    return _SOURCE_BEFORE.search(text, 0, position) is not None


_WORDNUMS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "twelve": "12", "a": "1", "an": "1",
}  # fmt: skip
_FIGURE_FOR_COMPARE = re.compile(
    r"\b(\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|a|an)"
    r"(?:\s+to\s+(\d+(?:[.,]\d+)?))?"
    # "%" is not a word character, so the closing \b applies to the word units only.
    r"[- ]?(%|(?:percent|per cent|years?|months?|weeks?|days?)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class SentenceFeatures:
    """What one sentence holds.

    Fields:
        words: number of whitespace-separated words.
        content: stemmed content words (see ``briefing.text.content_words``).
        names: how many capitalised names occur after the first word.
        furniture: page furniture or a heading: no content of its own.
        figures: normalised "quantity unit" figures, e.g. ("1 year", "85-90 %").
        attributed: the sentence names who says it ("according to", "reported", ...).
    """

    words: int
    content: frozenset[str]
    names: int
    furniture: bool
    figures: tuple[str, ...]
    attributed: bool


_ATTRIBUTION = re.compile(
    r"\baccording to\b|\breport(?:s|ed)?\b|\bsa(?:y|ys|id)\b|\bestimates?\b|\bclaims?\b"
    r"|\bwarns?\b|\bnotes?\b|\bpublishe[sd]\b|\bcalls?\b|\bcharacteri[sz]ed\b|\bdescribes?\b",
    re.IGNORECASE,
)


def normalise_figures(text: str) -> tuple[str, ...]:
    """Figures with their unit, normalised for comparison ("three years" -> "3 year")."""
    found: list[str] = []
    for match in _FIGURE_FOR_COMPARE.finditer(text):
        low, high, unit = match.group(1).lower(), match.group(2), match.group(3).lower()
        low = _WORDNUMS.get(low, low)
        unit = "%" if unit in ("%", "percent", "per cent") else unit.rstrip("s")
        found.append(f"{low}-{high} {unit}" if high else f"{low} {unit}")
    return tuple(dict.fromkeys(found))


def _is_heading_like(sentence: str, words: int) -> bool:
    """A line without final punctuation and few words reads as a heading, not a claim."""
    if sentence.startswith("#"):
        return True
    if sentence.endswith("?"):
        return True  # a question in the text ("Did you know?") answers nothing
    return not sentence.rstrip("\"'”’)]").endswith((".", "!", ":", ";")) and words <= 12


#: A sentence this long is a claim even with few content words: "Announcement No. 70
#: suspends Announcements No. 55, 56, 57, 58, 61 and 62 of 2025." has two ("announcement",
#: "suspend") but says what "the suspension" covers; "All rights reserved." has two too.
_CLAIM_WORDS = 8


@lru_cache(maxsize=20_000)
def sentence_features(sentence: str) -> SentenceFeatures:
    """Features of ``sentence`` (cached by text; pure)."""
    text = sentence.strip()
    words = len(text.split())
    content = frozenset(content_words(text))
    first_word_end = text.find(" ") if " " in text else len(text)
    names = sum(
        1
        for m in NAME_RUN.finditer(text, first_word_end)
        if m.group().split()[0] not in _CALENDAR and not source_before(text, m.start())
    )
    furniture = (
        bool(PAGE_FURNITURE.match(text))
        or "|" in text
        or _is_heading_like(text, words)
        or (len(content) < 3 and words < _CLAIM_WORDS)
    )
    return SentenceFeatures(
        words=words,
        content=content,
        names=names,
        furniture=furniture,
        figures=normalise_figures(text),
        attributed=bool(_ATTRIBUTION.search(text)),
    )


def sentence_phrases(sentence: str, longest: int = 3) -> list[str]:
    """The sentence's 1- to ``longest``-word phrases that neither start nor end with a
    stop word (the units a requested attribute is compared with)."""
    tokens = TOKEN.findall(sentence)
    found: dict[str, None] = {}
    for size in range(1, longest + 1):
        for i in range(len(tokens) - size + 1):
            gram = tokens[i : i + size]
            if gram[0].lower() in STOP_WORDS or gram[-1].lower() in STOP_WORDS:
                continue
            found[" ".join(gram)] = None
    return list(found)
