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

from collections.abc import Iterable

from ..text import content_words, numbers

__all__ = ["SUPPORT_RULE", "is_supported", "support_score"]

SUPPORT_RULE = (
    "supported = every number in the sentence occurs in the cited passage(s) and at "
    "least 60% of the sentence's content words (lower-cased, suffix-stemmed, stop words "
    "removed) occur in them"
)


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
