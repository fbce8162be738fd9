"""Who says a sentence: "according to Reuters", "The White House calls ...", "MOFCOM and
Reuters instead describe ...", "The IEA figures are higher ...".

Used to label each side of a disagreement. A sentence that names no speaker falls back
to its document's single source, or to no label (the citation still names the document).

Usage::

    >>> speaker("Reuters, by contrast, reports that the first licences last one year.")
    'Reuters'
"""

from __future__ import annotations

import re

__all__ = ["speaker", "speakers"]

_VERBS = (
    r"says?|said|reports?|reported|calls?|called|describes?|described|estimates?|estimated|"
    r"notes?|noted|cites?|cited|warns?|warned|puts?|claims?|claimed|refers?|referred|"
    r"characteri[sz]ed|characteri[sz]es|applies|apply|argues?|argued|insists?|lists?|"
    r"counts?|gives?|offered|offers?|told|tells?|suggests?|writes?|wrote|states?|stated"
)
_ADVERBS = (
    r"(?:,?\s*(?:however|instead|by contrast|in contrast|though|also|meanwhile|reportedly),?)?"
)
_LEAD = re.compile(
    rf"^(?P<who>(?:The\s+|An?\s+)?[A-Z][\w&.'’\-]*(?:\s+(?:and\s+)?[\w&.'’\-]+){{0,5}}?)"
    rf"{_ADVERBS}\s+(?:{_VERBS})\b"
)
_ACCORDING = re.compile(
    r"\baccording to (?:the\s+)?(?P<who>[A-Z][\w&.'’\-]*(?:\s+[A-Z][\w&.'’\-]*)*)"
)
_FIGURES = re.compile(r"^(?:The\s+)?(?P<who>[A-Z][\w&.'’\-]*(?:\s+[A-Z][\w&.'’\-]*)*)\s+figures?\b")
_LOWER_SPEAKER = re.compile(
    rf"\b(?P<who>commentators|analysts|officials|Chinese officials|trade sources|sources|"
    rf"secondary reports|lawyers|critics)\s+(?:{_VERBS}|note|offered)\b",
    re.IGNORECASE,
)
_NOT_SPEAKERS = frozenset({"It", "This", "That", "These", "Those", "There", "Under", "In", "On"})


def _clean(who: str) -> str:
    who = re.sub(r"\s+of\s+.*$", "", who)  # "An IEA commentary of 23 October 2025"
    return who.strip(" ,.;:")


def speaker(sentence: str) -> str:
    """The speaker a sentence names, or ""."""
    found = speakers(sentence)
    return found[0] if found else ""


def speakers(sentence: str) -> list[str]:
    """Every speaker a sentence names, in order ("The fact sheet refers to ..., but
    commentators note ..." -> ["the fact sheet", "commentators"])."""
    found: list[str] = []
    lead = _LEAD.match(sentence) or _FIGURES.match(sentence)
    if lead and lead.group("who").split()[0] not in _NOT_SPEAKERS:
        found.append(_clean(lead.group("who")))
    for pattern in (_ACCORDING, _LOWER_SPEAKER):
        for match in pattern.finditer(sentence):
            who = _clean(match.group("who"))
            if not any(who.lower() in f.lower() for f in found):
                found.append(who)
    return found
