"""A deterministic support check: does a passage back a sentence?

Used to validate LLM citations and, in the evaluation harness, to score citation
precision and recall. The rule, stated so reports can quote it:

    A sentence is supported by a passage when (1) every number in the sentence
    (digits, with any % or unit stripped) also occurs in the passage, and (2) at
    least ``threshold`` (default 0.6) of the sentence's content words (lower-cased,
    crudely stemmed, stop words removed) occur in the passage.

A verbatim quote always passes; a paraphrase passes when it keeps the figures and
most of the wording; an invented figure or claim fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SUPPORT_RULE = (
    "supported = every number in the sentence occurs in the cited passage(s) and at "
    "least 60% of the sentence's content words (lower-cased, suffix-stemmed, stop words "
    "removed) occur in them"
)

_WORD = re.compile(r"[A-Za-z][A-Za-z\-']*|\d[\d,.]*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
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


def numbers(text: str) -> set[str]:
    """Numbers in ``text`` normalised (thousands commas removed, trailing dots dropped)."""
    return {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)}


def support_score(sentence: str, passages: Iterable[str]) -> float:
    """Share of the sentence's content words found in the passages; 0.0 if a number is missing."""
    joined = " ".join(passages)
    if not numbers(sentence) <= numbers(joined):
        return 0.0
    words = content_words(sentence)
    if not words:
        return 1.0
    available = set(content_words(joined))
    return sum(1 for w in words if w in available) / len(words)


def is_supported(sentence: str, passages: Iterable[str], threshold: float = 0.6) -> bool:
    """True when ``passages`` support ``sentence`` under the rule in this module's docstring."""
    return support_score(sentence, passages) >= threshold
