"""Word-level text helpers shared by the lexical index, retrieval, answering and briefings.

Stop words, a crude suffix stemmer, content words and numbers: small, fast and
deterministic, so BM25 tokens, follow-up detection and the support check agree. The
patterns several layers match with (runs of capitalised words, word-or-figure tokens,
web-page furniture) are defined here once.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z][A-Za-z\-']*|\d[\d,.]*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SPACES = re.compile(r"\s+")
#: Words and figures, a figure keeping its percent sign ("85%", "1,200", "licence"), and
#: control codes as one token ("1E902.b", "3A001"; the number rule would split them).
TOKEN = re.compile(r"\d[A-Z]\d{3}(?:\.[a-z])?\b|[A-Za-z][A-Za-z\-']*|\d[\d,.]*%?")
#: A run of capitalised words: a name ("Ministry of Commerce" gives two runs).
NAME_RUN = re.compile(r"\b[A-Z][a-zA-Z&\-]+(?:\s+[A-Z][a-zA-Z&\-]+)*")
#: A people's or country's adjective ("Japanese", "European"): it qualifies, names no one.
DEMONYM = re.compile(
    r"^(?:[A-Z][a-z]+(?:ese|ian|ish|ean)|American|Korean|African|Mexican|German|Thai|Dutch"
    r"|French|Greek)$"
)
#: Web-page furniture copied along with an article ("Did you know?", "Comments (0)",
#: "ALSO READ | ..."): never a statement of the story.
PAGE_FURNITURE = re.compile(
    r"^(?:did you know\??|comments?\s*\(\d+\)|also read\b|read more\b|advertisement\b|"
    r"please sign in\b|sign in\b|share this\b|related\b|subscribe\b|click here\b)",
    re.IGNORECASE,
)
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your yours
    yourself yourselves said says say according reported reports report""".split()
)


def stem(word: str) -> str:
    """A crude, fast suffix stemmer: enough to match licence/licences, controls/controlled."""
    w = word.lower().strip("'-")
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "es", "ed", "s"):
        if len(w) > len(suffix) + 2 and w.endswith(suffix):
            return w[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
    return w


def content_words(text: str) -> list[str]:
    """Stemmed content words of ``text`` (numbers excluded)."""
    return [
        stem(t) for t in _WORD.findall(text) if not t[0].isdigit() and t.lower() not in STOP_WORDS
    ]


_SOFT_WORD = re.compile(r"[A-Za-z][A-Za-z\-']+")


def soft_words(text: str) -> list[str]:
    """The distinct words of ``text`` as written (three letters or more, stop words left
    out): what the offline answerer compares with the question's words by embedding."""
    return [
        w
        for w in dict.fromkeys(_SOFT_WORD.findall(text))
        if w.lower() not in STOP_WORDS and len(w) > 2
    ]


def squash_spaces(text: str) -> str:
    """``text`` with every run of whitespace one space, stripped."""
    return _SPACES.sub(" ", text).strip()


def numbers(text: str) -> set[str]:
    """Numbers in ``text`` normalised (thousands commas removed, trailing dots dropped)."""
    return {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)}


# Citation markers, one grammar for model replies, answers and the web view: "[1]",
# "[1, 2]", "[1-3]", "[passage 2]". MARKER's group 1 holds the numbers (marker_numbers);
# MARKER_TEXT is the same pattern without the group, for building larger patterns.
_MARKER_NUMBERS = r"\d+(?:\s*[,;\-–]\s*\d+)*"
MARKER_TEXT = r"\[\s*(?:passages?\s*)?" + _MARKER_NUMBERS + r"\s*\]"
MARKER = re.compile(r"\[\s*(?:passages?\s*)?(" + _MARKER_NUMBERS + r")\s*\]", re.IGNORECASE)
CITATION_MARKERS = re.compile(r"\s*" + MARKER_TEXT, re.IGNORECASE)  # with the space before
# The reasoning blocks some local models emit before their answer.
THINK_BLOCK = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL | re.IGNORECASE)


def marker_numbers(numbers: str) -> list[int]:
    """A marker's numbers (MARKER's group 1): ``"1, 3-4"`` -> ``[1, 3, 4]``; a range is
    capped at 21 numbers so "[1-9999]" cannot explode."""
    out: list[int] = []
    for part in re.split(r"\s*[,;]\s*", numbers.strip()):
        bounds = re.split(r"\s*[\-–]\s*", part)
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            low, high = int(bounds[0]), int(bounds[1])
            out.extend(range(low, min(high, low + 20) + 1))
        elif part.isdigit():
            out.append(int(part))
    return out


def strip_markers(text: str) -> str:
    """``text`` without its citation markers (and the space before each)."""
    return CITATION_MARKERS.sub("", text)
