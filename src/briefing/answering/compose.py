"""Turning the chosen sentences into cited statements, answer first.

The most probable sentence leads. A list question ("which firms / elements /
industries ...") whose items are spread over several sentences leads instead with the
items themselves, each an exact span of a cited sentence, joined by fixed connectives
(", ", " and ", "; "), so nothing unquoted enters the lead; the sentences follow as
support. When documents disagree on a figure, each side is attributed to its source.

Usage::

    statements, citations = compose(profile, chosen, disagreement=False)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..text import STOP_WORDS
from ..types import Citation, Passage, Statement
from .candidates import Candidate
from .citations import CitationBook
from .question import ELEMENT_NAMES, QuestionProfile, echoes

__all__ = ["compose", "enumerates", "list_items"]

# "A, B and C" / "A, B, and C": three or more short items (each at most six words: "Beijing
# Zhong Ke San Huan High-Tech"), the part after a colon first ("... three magnet makers:
# A, B and C"), ending the sentence or clause or before a bracket ("... and 62 (source)").
_ITEM = r"[\w\-%.]+(?: [\w\-%.]+){0,5}"
_ENUMERATION = re.compile(rf"(?P<items>(?:{_ITEM}, )+{_ITEM},? (?:and|or) {_ITEM})(?=[.;:]|$| [(])")
_NAME = re.compile(r"\b[A-Z][\w&\-]+(?:\s+(?:[A-Z][\w&\-]+|of))*(?<!\sof)")
_SOURCE = re.compile(r"(?:according to|reported by|said|says|told|per)\s+(?:the\s+)?$", re.I)
# Capitalised words that name no item a "which firms / countries" question asks for.
_NOT_ITEMS = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday reuters announcement "
    "announcements under the a an this that these those it its their in on by for from "
    "according trade sources no nos".split()
)


def enumerates(text: str, *, elements: bool = False, question: str = "") -> bool:
    """Whether ``text`` lists three or more items ("A, B and C") that do not merely
    restate the ``question``'s (:func:`~briefing.answering.question.echoes`); with
    ``elements``, three or more chemical elements ("holmium, erbium, thulium ..."), not
    "electric vehicles, renewable energy and defence"."""
    match = _ENUMERATION.search(text)
    if match is None or (question and echoes(match["items"], question)):
        return False
    if not elements:
        return True
    words = re.findall(r"[a-z]+", match["items"].lower())
    return sum(1 for w in words if w in ELEMENT_NAMES) >= 3


def list_items(
    candidate: Candidate, question_names: frozenset[str], *, names: bool = False
) -> tuple[tuple[int, int], ...]:
    """Spans (offsets in ``candidate.text``) of the items a list question asks for: the
    sentence's enumeration of three or more ("samarium, gadolinium, ... and yttrium"),
    else, when ``names`` (the question asks which firms / who), the name the sentence
    opens with ("Ningbo Yunsheng's licence covers ...") if the question lacks it."""
    text = candidate.text
    colon = text.find(":")
    match = _ENUMERATION.search(text, colon + 1 if colon >= 0 else 0) or _ENUMERATION.search(text)
    if match is not None:
        return (match.span("items"),)
    if not names:
        return ()
    name = _NAME.match(text)
    if name is None:
        return ()
    words = name.group().split()
    if words[-1] in ("No", "Nos"):
        return ()
    if words[0].lower() in _NOT_ITEMS or name.group() in _PLACES:
        return ()
    if len(words) < 2 and not words[0].isupper():
        return ()
    if any(name.group().lower() in q or q in name.group().lower() for q in question_names):
        return ()
    return (name.span(),)


_ENTITY_WORDS = frozenset(
    "firm compani company maker producer supplier countri country entiti".split()
)


def _asks_for_entities(profile: QuestionProfile) -> bool:
    """Which firms / companies / countries: the items are names."""
    return any(term in _ENTITY_WORDS for term in profile.terms)


# Countries and their adjectives open many sentences without being the items asked for.
_PLACES = frozenset("China Chinese US United Beijing Washington Europe European EU".split())


def compose(
    profile: QuestionProfile,
    chosen: Sequence[Candidate],
    *,
    disagreement: bool,
    question_names: frozenset[str] = frozenset(),
) -> tuple[tuple[Statement, ...], tuple[Citation, ...]]:
    """Statements (lead first) and their citations for ``chosen`` (most probable first)."""
    book = CitationBook()
    ordered = list(chosen)
    markers = [book.cite(c.passage, c.start, c.end) for c in ordered]
    statements: list[Statement] = []
    lead = _list_lead(profile, ordered, markers, question_names)
    if lead is not None:
        statements.append(lead)
    for candidate, marker in zip(ordered, markers, strict=True):
        text = candidate.text
        if disagreement and candidate.features.figures and not candidate.features.attributed:
            text = _attributed(text, candidate.passage)
        statements.append(Statement(text=text, markers=(marker,), supported=True))
    return tuple(statements), book.citations()


def _list_lead(
    profile: QuestionProfile,
    ordered: Sequence[Candidate],
    markers: Sequence[int],
    question_names: frozenset[str],
) -> Statement | None:
    """The items of a list question gathered from several sentences, or None when the
    best sentence already lists them (it then leads by itself) or fewer than two
    sentences contribute items."""
    if not profile.is_list or len(ordered) < 2:
        return None
    # Only sentences near the best one contribute items (the rest are support).
    floor = 0.5 * ordered[0].probability
    ordered_markers = [
        (c, m) for c, m in zip(ordered, markers, strict=True) if c.probability >= floor
    ]
    first_items = list_items(ordered[0], question_names)
    if first_items and _is_enumeration(ordered[0].text, first_items[0]):
        return None
    pieces: list[str] = []
    used: list[int] = []
    for candidate, marker in ordered_markers:
        for start, end in list_items(candidate, question_names, names=_asks_for_entities(profile)):
            item = candidate.text[start:end].strip(" ,;.")
            if item and all(item.lower() not in p.lower() for p in pieces):
                pieces.append(item)
                used.append(marker)
    if len(used) < 2 or len(set(used)) < 2:
        return None
    joiner = "; " if any("," in p for p in pieces) else ", "
    text = joiner.join(pieces[:-1]) + (" and " if joiner == ", " else "; and ") + pieces[-1]
    # Items keep their case as quoted ("samarium, ..."): only connectives are added.
    return Statement(text=text + ".", markers=tuple(dict.fromkeys(used)), supported=True)


def _is_enumeration(text: str, span: tuple[int, int]) -> bool:
    return text[span[0] : span[1]].count(",") >= 1


def _attributed(text: str, passage: Passage) -> str:
    """``According to <source>, <sentence>``; lower-cases a leading common word only.

    Only the source's name is used ("Reuters", not "Reuters, 2 December 2025"): a date
    in the prefix is not in the quoted passage and would make the sentence unsupported.
    A long descriptive source ("Compiled from ...") is no attribution; the sentence is
    left as it is.
    """
    source = (passage.chunk.source or passage.chunk.title or passage.chunk.doc_id).split(",")[0]
    if len(source.split()) > 4 or any(ch.isdigit() for ch in source):
        return text
    first, _, rest = text.partition(" ")
    if first.lower() in STOP_WORDS:
        text = first.lower() + (" " + rest if rest else "")
    return f"According to {source.strip()}, {text}"
