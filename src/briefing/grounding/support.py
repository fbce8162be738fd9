"""The support rule: does cited evidence back a sentence? One rule for the LLM reply
verifier and the evaluation's citation metric, stated so reports can quote it
(:data:`SUPPORT_RULE`).

A sentence is supported by its cited evidence when

1. every number in it occurs in the evidence (text, title, headings or publication date);
2. every name in it (capitalised words: people, firms, bodies, places, months) occurs in
   the evidence or its source, so "Xi Jinping" cannot stand in for JL Mag's founder;
3. every source it is attributed to ("according to Reuters", "the FT reported") is named
   by the evidence sentence that backs the claim, or -- when that sentence names no source
   of its own -- is the evidence's source or title; "Reuters reports ..." for a sentence
   the passage attributes to Caixin fails;
4. at least ``threshold`` (default 0.6) of its content words (lower-cased, suffix-stemmed,
   stop words and attribution names removed) occur in the evidence;
5. a fragment ("Xi Jinping", "Until 10 November 2026.") is read as the answer to the
   question: every content word and number of the question must occur in the evidence too.

A verbatim quote always passes; a paraphrase passes when it keeps the figures, names and
most of the wording; an invented figure, a swapped name or a borrowed source fails.

Usage::

    >>> check_support("Exports fell 12% [1].", [Evidence("Exports fell 12% in October.")]).supported
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..corpus.sentences import sentence_spans
from ..text import content_words, strip_markers
from .claims import (
    Attribution,
    attribution_tokens,
    attributions,
    figures,
    is_fragment,
    names,
    question_terms,
    word_keys,
    words_of,
)
from .evidence import Evidence, as_evidence

__all__ = ["SUPPORT_RULE", "SupportCheck", "check_support", "is_supported"]

SUPPORT_RULE = (
    "supported = every number, name and date in the sentence occurs in the cited "
    "passage(s); every source it is attributed to ('according to X', 'X reported') is the "
    "source the backing passage sentence names, or the passage's own source; at least 60% "
    "of its content words (lower-cased, suffix-stemmed, stop words removed) occur in them; "
    "a fragment answer ('Xi Jinping') must come with every content word of the question"
)


@dataclass(frozen=True, slots=True)
class SupportCheck:
    """The verdict on one sentence.

    Fields:
        supported: all parts of the rule hold.
        word_share: share of the sentence's content words found in the evidence (0..1).
        problems: what failed, in words ("name 'Xi' is in no cited passage"); empty when
            supported.
    """

    supported: bool
    word_share: float
    problems: tuple[str, ...]


def _names_found(tokens: Iterable[str], words: set[str]) -> bool:
    return all(t.lower() in words for t in tokens)


def _backing_sentences(claim: str, text: str) -> list[str]:
    """The sentences of ``text`` sharing the most content words and numbers with ``claim``."""
    wanted = word_keys(claim)
    scored = []
    for start, end in sentence_spans(text) or [(0, len(text))]:
        piece = text[start:end]
        scored.append((len(wanted & word_keys(piece)), piece))
    best = max((score for score, _ in scored), default=0)
    return [piece for score, piece in scored if score == best and score > 0]


def _attribution_holds(attribution: Attribution, claim: str, evidence: Evidence) -> bool:
    """Whether ``evidence`` backs the claim *from* the source the sentence names."""
    tokens = attribution_tokens(attribution.name)
    for backing in _backing_sentences(claim, evidence.text):
        if _names_found(tokens, words_of(backing)):
            return True
        if not attributions(backing) and _names_found(tokens, words_of(evidence.metadata)):
            return True
    return False


def check_support(
    sentence: str,
    evidence: Sequence[Evidence | str],
    *,
    question: str = "",
    threshold: float = 0.6,
) -> SupportCheck:
    """Check ``sentence`` against ``evidence`` (jointly) under the rule of this module.

    ``question`` enables part 5 (fragments); without it a fragment is checked like any
    sentence. Bare strings in ``evidence`` are texts without title or source.
    """
    sentence = strip_markers(sentence).strip()
    items = [as_evidence(e) for e in evidence]
    if not items:
        return SupportCheck(False, 0.0, ("no cited passage",))
    texts = " ".join(f"{e.text} {e.context}" for e in items)
    everything = f"{texts} {' '.join(e.metadata for e in items)}"
    problems: list[str] = []

    # The publication date counts only as a whole date ("Reuters reported on 2 December
    # 2025"), so a day number alone cannot borrow it.
    dated = sentence
    for e in items:
        if e.date_text:
            dated = dated.replace(e.date_text, " ")
    missing_numbers = sorted(figures(dated) - figures(texts))
    problems.extend(f"number {n} is in no cited passage" for n in missing_numbers)

    known = words_of(everything)
    problems.extend(
        f"name {n!r} is in no cited passage" for n in names(sentence) if n.lower() not in known
    )

    found = attributions(sentence)
    for attribution in found:
        if not any(_attribution_holds(attribution, sentence, e) for e in items):
            problems.append(
                f"attributed to {attribution.name!r}, which is not the source of the cited "
                "passage's statement"
            )

    attribution_words = {w.lower() for a in found for w in attribution_tokens(a.name)}
    words = [w for w in content_words(sentence) if w.lower() not in attribution_words]
    available = set(content_words(texts))
    share = sum(1 for w in words if w in available) / len(words) if words else 1.0
    if share < threshold:
        problems.append(f"only {share:.0%} of its content words are in the cited passage(s)")

    if question and is_fragment(sentence):
        keys = word_keys(everything)
        absent = [word for key, word in question_terms(question).items() if key not in keys]
        if absent:
            problems.append(
                "a fragment answer, but the cited passage(s) lack the question's "
                + ", ".join(repr(t) for t in absent)
            )
    return SupportCheck(not problems, share, tuple(problems))


def is_supported(sentence: str, evidence: Sequence[Evidence | str], **options: Any) -> bool:
    """True when ``evidence`` supports ``sentence``: :func:`check_support` with the same
    keyword options (``question``, ``threshold``), verdict only."""
    return check_support(sentence, evidence, **options).supported
