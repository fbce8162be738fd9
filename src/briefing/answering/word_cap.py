"""A hard word cap on an answer: whole statements while they fit, the first one cut.

The answerers aim for ``max_answer_words``; this makes it a bound whatever the corpus
holds (a pathological one-line document once produced a 5 MB answer). Statements are
kept in order while the total fits; a first statement longer than the cap is cut to the
cap with "…", and its citation's quote is cut to the same words, so
``document.text[c.start:c.end] == c.quote`` still holds. Citations no statement uses any
more are dropped. Pure function; no model.

Usage::

    answer = cap_words(answer, 120)
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..types import Answer, Citation, Statement

__all__ = ["cap_words", "word_count"]

_WORD = re.compile(r"\S+")


def word_count(text: str) -> int:
    return len(text.split())


def cap_words(answer: Answer, max_words: int) -> Answer:
    """``answer`` with at most ``max_words`` words of statements (abstentions unchanged)."""
    if answer.abstained or sum(word_count(s.text) for s in answer.statements) <= max_words:
        return answer
    kept: list[Statement] = []
    used = 0
    for statement in answer.statements:
        words = word_count(statement.text)
        if used + words <= max_words:
            kept.append(statement)
            used += words
        elif not kept:  # the first statement alone is too long: cut it
            cut = " ".join(statement.text.split()[:max_words]) + " …"
            kept.append(replace(statement, text=cut))
            used = max_words
        else:
            break
    markers = {m for s in kept for m in s.markers}
    first = set(kept[0].markers) if kept[0].text.endswith(" …") else set()
    citations = tuple(
        _cut_quote(c, max_words) if c.marker in first else c
        for c in answer.citations
        if c.marker in markers
    )
    dropped = len(answer.statements) - len(kept)
    note = f"answer capped at {max_words} words" + (
        f" ({dropped} sentence(s) left out)" if dropped else " (first sentence cut)"
    )
    return replace(
        answer,
        statements=tuple(kept),
        citations=citations,
        text=" ".join((f"{s.text} " + "".join(f"[{m}]" for m in s.markers)).strip() for s in kept),
        reason="; ".join(r for r in (answer.reason, note) if r),
    )


def _cut_quote(citation: Citation, max_words: int) -> Citation:
    ends = [m.end() for m in _WORD.finditer(citation.quote)]
    if len(ends) <= max_words:
        return citation
    end = ends[max_words - 1]
    return replace(citation, quote=citation.quote[:end], end=citation.start + end)
