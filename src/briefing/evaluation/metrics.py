"""Evaluation metrics: small pure functions over plain values.

Each function scores one case; :mod:`briefing.evaluation.stats` turns per-case values
into means with bootstrap intervals. Nothing here touches the index or a model, so
every metric is unit-tested on hand-made examples.

Conventions:
- Text matching uses :func:`normalise` (casefold, unified dashes and quotes, citation
  markers removed, whitespace collapsed); an alias must start at a word start, and one
  ending in a digit must end the number, so "10" does not match "100" (see
  :func:`contains_phrase`).
- A metric that is undefined for a case (no evidence, no citations) returns ``None``,
  never NaN; aggregates report such cases as excluded (n counts only defined values).
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..grounding import Evidence, check_support, is_supported
from ..text import strip_markers
from ..types import Answer, Chunk, Statement

__all__ = [
    "AbstentionCounts",
    "CitationScores",
    "abstention_counts",
    "citation_scores",
    "contains_phrase",
    "fact_found",
    "first_statement_answers",
    "forbidden_hits",
    "hit_at_k",
    "is_relevant",
    "key_fact_recall",
    "missing_facts",
    "mrr",
    "normalise",
    "recall_at_k",
    "token_f1",
]

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTES = {
    **dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032"), "'"),
    **dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u2033"), '"'),
}
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Casefold, unify dashes and quotes, drop ``[1]``/``[1, 2]`` markers, collapse spaces."""
    text = text.replace("\u00a0", " ").translate(_DASHES).translate(_QUOTES)
    text = strip_markers(text)
    return _SPACE.sub(" ", text.casefold()).strip()


def contains_phrase(text: str, phrase: str) -> bool:
    """True when ``phrase`` occurs in ``text`` after normalisation, starting at a word start.

    A phrase ending in a letter may end inside a word, so "lithium batter" matches
    "lithium batteries" and "licence" matches "licences"; a phrase ending in a digit must
    end the number, so "10" does not match "100" and "December 2" not "December 2025".
    """
    needle = normalise(phrase)
    if not needle:
        return False
    tail = r"(?!\w)" if needle[-1].isdigit() else ""
    return re.search(rf"(?<!\w){re.escape(needle)}{tail}", normalise(text)) is not None


# --- retrieval ---------------------------------------------------------------------


def is_relevant(chunk: Chunk, evidence: Iterable[tuple[str, str]]) -> bool:
    """A chunk is relevant when its document matches an evidence item and it contains the quote.

    ``evidence`` holds ``(doc_id, quote)`` pairs; the quote is compared after
    :func:`normalise` (case and whitespace insensitive).
    """
    text = normalise(chunk.text)
    return any(chunk.doc_id == doc_id and normalise(quote) in text for doc_id, quote in evidence)


def _first_relevant_rank(chunks: Sequence[Chunk], evidence: Sequence[tuple[str, str]]) -> int:
    for rank, chunk in enumerate(chunks, start=1):
        if is_relevant(chunk, evidence):
            return rank
    return 0


def hit_at_k(chunks: Sequence[Chunk], evidence: Sequence[tuple[str, str]], k: int) -> float | None:
    """1.0 when any of the top ``k`` chunks is relevant, else 0.0; None without evidence."""
    if not evidence:
        return None
    return 1.0 if _first_relevant_rank(chunks[:k], evidence) else 0.0


def recall_at_k(
    chunks: Sequence[Chunk], evidence: Sequence[tuple[str, str]], k: int
) -> float | None:
    """Share of evidence items found in at least one of the top ``k`` chunks; None if none."""
    if not evidence:
        return None
    top = chunks[:k]
    found = sum(1 for item in evidence if any(is_relevant(c, [item]) for c in top))
    return found / len(evidence)


def mrr(chunks: Sequence[Chunk], evidence: Sequence[tuple[str, str]]) -> float | None:
    """Reciprocal rank of the first relevant chunk (0.0 if none); None without evidence."""
    if not evidence:
        return None
    rank = _first_relevant_rank(chunks, evidence)
    return 1.0 / rank if rank else 0.0


# --- correctness -------------------------------------------------------------------


def fact_found(answer_text: str, aliases: Sequence[str]) -> bool:
    """True when any alias occurs in the answer (see :func:`contains_phrase`)."""
    return any(contains_phrase(answer_text, alias) for alias in aliases)


def missing_facts(answer_text: str, facts: Sequence[Sequence[str]]) -> list[list[str]]:
    """The facts (alias lists) none of whose aliases occurs in the answer."""
    return [list(aliases) for aliases in facts if not fact_found(answer_text, aliases)]


def key_fact_recall(answer_text: str, facts: Sequence[Sequence[str]]) -> float | None:
    """Share of required facts found in the answer; None when there are no facts."""
    if not facts:
        return None
    return 1.0 - len(missing_facts(answer_text, facts)) / len(facts)


def first_statement_answers(answer: Answer, facts: Sequence[Sequence[str]]) -> float | None:
    """1.0 when the answer's first statement holds at least one required fact, else 0.0.

    None when there are no facts or the answer abstained: the metric asks whether an
    answer *leads* with the answer, so it counts answered cases only.
    """
    if not facts or answer.abstained:
        return None
    first = answer.statements[0].text if answer.statements else answer.text
    return 1.0 if any(fact_found(first, aliases) for aliases in facts) else 0.0


def _squad_tokens(text: str) -> list[str]:
    """SQuAD answer normalisation: lower, drop punctuation and articles, split on spaces."""
    text = normalise(text)
    text = "".join(" " if ch in string.punctuation else ch for ch in text)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return text.split()


def token_f1(prediction: str, reference: str) -> float | None:
    """SQuAD-style token F1 between answer and reference; None when the reference is empty."""
    ref = _squad_tokens(reference)
    if not ref:
        return None
    pred = _squad_tokens(prediction)
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision = common / len(pred)
    recall = common / len(ref)
    return 2 * precision * recall / (precision + recall)


def forbidden_hits(answer_text: str, forbidden: Sequence[str]) -> list[str]:
    """The ``must_not_contain`` strings present in the answer (see :func:`contains_phrase`)."""
    return [item for item in forbidden if contains_phrase(answer_text, item)]


# --- citations (ALCE) ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CitationScores:
    """ALCE-style citation scores of one answer.

    Fields:
        recall: share of statements whose cited quotes jointly support them (a statement
            without markers counts as unsupported); None when there are no statements.
        precision: share of citations (statement, marker) that are needed: the statement
            is jointly supported and the quote alone supports it or removing it breaks
            support; None when there are no citations and no statements.
        statements: number of statements.
        citations: number of (statement, marker) pairs.
        why: a reason for every unsupported statement and unneeded citation.
    """

    recall: float | None
    precision: float | None
    statements: int
    citations: int
    why: tuple[str, ...]


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def citation_scores(answer: Answer) -> CitationScores:
    """Score an answer's citations ALCE-style with the deterministic support check.

    As in ALCE (Gao et al., 2023): a statement counts for recall when the concatenated
    quotes of its citations support it; a citation counts for precision when its
    statement is jointly supported *and* either the quote alone supports the statement
    or the remaining quotes without it do not. A marker that points to no citation has
    no quote. Support is :func:`briefing.grounding.check_support` on each quote with its
    document's title, source and date -- the rule the LLM reply verifier applies -- so a
    swapped name ("Xi Jinping" for a firm's chairman) or a borrowed source ("Reuters
    reports ..." for a Caixin report) is unsupported, not just a sentence with too few
    shared words.
    """
    statements: Sequence[Statement] = answer.statements
    if not statements:
        return CitationScores(None, None, 0, 0, ())
    question = answer.standalone_question or answer.question
    evidence = {c.marker: Evidence.from_citation(c) for c in answer.citations}
    supported_count = 0
    needed_count = 0
    total = 0
    why: list[str] = []
    for st in statements:
        markers = list(dict.fromkeys(st.markers))
        total += len(markers)
        if not markers:
            why.append(f"uncited sentence: {_short(st.text)!r}")
            continue
        for m in markers:
            if m not in evidence:
                why.append(f"citation [{m}] points to no citation")
        cited = [evidence[m] for m in markers if m in evidence]
        joint = check_support(st.text, cited, question=question) if cited else None
        if joint is None or not joint.supported:
            problems = f" ({'; '.join(joint.problems)})" if joint else ""
            why.append(f"unsupported sentence: {_short(st.text)!r}{problems}")
            continue
        supported_count += 1
        for m in markers:
            if m not in evidence:
                continue
            rest = [evidence[o] for o in markers if o != m and o in evidence]
            needed = is_supported(st.text, [evidence[m]], question=question) or not (
                rest and is_supported(st.text, rest, question=question)
            )
            if needed:
                needed_count += 1
            else:
                why.append(f"citation [{m}] not needed for: {_short(st.text)!r}")
    recall = supported_count / len(statements)
    precision = needed_count / total if total else 0.0
    return CitationScores(recall, precision, len(statements), total, tuple(why))


# --- abstention --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AbstentionCounts:
    """Confusion counts with "abstained" as the positive class.

    Fields:
        tp: abstained on an unanswerable case.   fp: abstained on an answerable case.
        fn: answered an unanswerable case.       tn: answered an answerable case.

    Empty-set conventions (never NaN): precision is None when nothing was abstained,
    recall is None when no case is unanswerable, F1 (= 2tp / (2tp + fp + fn)) is None
    only when both are None, over-refusal is None when no case is answerable.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else None

    @property
    def over_refusal_rate(self) -> float | None:
        answerable = self.fp + self.tn
        return self.fp / answerable if answerable else None

    @property
    def accuracy(self) -> float | None:
        return (self.tp + self.tn) / self.total if self.total else None


def abstention_counts(pairs: Iterable[tuple[bool, bool]]) -> AbstentionCounts:
    """Count ``(answerable, abstained)`` pairs into an :class:`AbstentionCounts`."""
    tp = fp = fn = tn = 0
    for answerable, abstained in pairs:
        if abstained and not answerable:
            tp += 1
        elif abstained:
            fp += 1
        elif not answerable:
            fn += 1
        else:
            tn += 1
    return AbstentionCounts(tp, fp, fn, tn)
