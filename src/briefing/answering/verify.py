"""Check an LLM reply against the passages it was given, and turn it into an Answer.

A model's citations are claims, not facts. The reply is parsed into sentences and their
``[n]`` markers (:mod:`briefing.answering.reply`, both marker conventions), then:

1. a reply cut off at the token limit (``truncated=True``) loses its unfinished last
   sentence; markers pointing to no passage (``[7]`` of 5) are removed;
2. a lead-in that states nothing ("The summit agreed on the following:") is dropped;
3. each sentence is checked against its cited passages with the shared support rule
   (:func:`briefing.grounding.check_support`: numbers, names, dates, attributions,
   wording; fragments read with the question). A sentence its cited passages do not
   support, or one without markers, is given the one passage that does support it, if any
   (small models number list items, not passages); otherwise it is dropped (default) or
   kept with ``supported=False`` (``flag_unsupported=True``);
4. a supported sentence must be about the question: ``relevance.score`` at least
   ``min_relevance`` (:mod:`briefing.grounding.relevance`), else it is dropped;
5. a sentence that repeats an earlier one (no content word or number of its own) is
   removed, and the answer is cut to ``max_words`` words at a sentence boundary;
6. one :class:`~briefing.types.Citation` is built per distinct (passage, quote): the quote
   is the passage sentence(s) that best support the statement, with exact character spans
   into the document text, and markers are renumbered 1..m in order of first use.

``Answer.reason`` lists everything removed, moved, dropped or flagged. The sentinel reply
(:data:`~briefing.answering.prompt.INSUFFICIENT_EVIDENCE`) or a reply with no surviving
sentence gives an abstained Answer listing the nearest sources.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..corpus.sentences import sentence_spans
from ..grounding import RELEVANCE_THRESHOLD, Evidence, Relevance, check_support
from ..text import THINK_BLOCK, content_words, numbers
from ..types import Answer, Citation, Passage, Statement
from .base import abstained_answer
from .citations import citation_for_span
from .planted import planted_instruction
from .prompt import INSUFFICIENT_EVIDENCE
from .reply import is_finished, parse_reply

__all__ = [
    "ABSTAIN_TEXT",
    "abstain",
    "best_quote",
    "nearest_citations",
    "parse_reply",
    "render",
    "verify_reply",
]

ABSTAIN_TEXT = "The documents do not contain enough evidence to answer this question."


def _match(sentence: str, candidate: str) -> float:
    """How well ``candidate`` covers ``sentence``: content-word share, weighted with figures."""
    words = content_words(sentence)
    available = set(content_words(candidate))
    word_share = sum(1 for w in words if w in available) / len(words) if words else 0.0
    wanted = numbers(sentence)
    if not wanted:
        return word_share
    number_share = len(wanted & numbers(candidate)) / len(wanted)
    return 0.6 * word_share + 0.4 * number_share


def best_quote(passage: Passage, sentence: str) -> tuple[str, int, int]:
    """The passage sentence(s) that best support ``sentence``, with document offsets.

    Returns ``(quote, start, end)`` where ``start``/``end`` index the DOCUMENT text, so
    ``document.text[start:end] == quote`` (a chunk is ``document.text[chunk.start:chunk.end]``).
    One sentence is preferred; two adjacent sentences are used when together they cover
    clearly more (a figure in one, its subject in the next). Ties go to the earlier one.
    """
    chunk = passage.chunk
    spans = sentence_spans(chunk.text)
    if not spans:
        stripped = chunk.text.strip()
        offset = chunk.text.find(stripped) if stripped else 0
        return stripped, chunk.start + offset, chunk.start + offset + len(stripped)
    scored = [(_match(sentence, chunk.text[s:e]), -i, s, e) for i, (s, e) in enumerate(spans)]
    best, _, start, end = max(scored)
    for (s1, _e1), (_s2, e2) in zip(spans, spans[1:], strict=False):
        pair_score = _match(sentence, chunk.text[s1:e2])
        if pair_score >= best + 0.15:
            best, start, end = pair_score, s1, e2
    return chunk.text[start:end], chunk.start + start, chunk.start + end


def _citation(marker: int, passage: Passage, quote: str, start: int, end: int) -> Citation:
    # best_quote gives document offsets; citation_for_span takes chunk offsets.
    offset = passage.chunk.start
    return citation_for_span(passage, start - offset, end - offset, marker)


def nearest_citations(
    question: str, passages: Sequence[Passage], k: int = 3
) -> tuple[Citation, ...]:
    """The first ``k`` passages as citations, each quoting its sentence closest to the question."""
    return tuple(
        _citation(i, p, *best_quote(p, question)) for i, p in enumerate(passages[:k], start=1)
    )


def abstain(
    question: str,
    passages: Sequence[Passage],
    *,
    reason: str,
    backend: str,
    nearest_k: int = 3,
) -> Answer:
    """An abstained Answer: the fixed abstention text, ``reason``, and the nearest sources."""
    return abstained_answer(
        question,
        text=ABSTAIN_TEXT,
        reason=reason,
        nearest=nearest_citations(question, passages, nearest_k),
        backend=backend,
    )


def render(statements: Sequence[Statement]) -> str:
    """Answer text: each sentence with its markers before the final full stop."""
    parts = []
    for st in statements:
        marks = "".join(f"[{m}]" for m in st.markers)
        text = st.text
        if not marks:
            parts.append(text)
        elif text[-1:] in ".!?":
            parts.append(f"{text[:-1].rstrip()} {marks}{text[-1]}")
        else:
            parts.append(f"{text} {marks}")
    return " ".join(parts)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _quoted(sentences: Sequence[str]) -> str:
    return "; ".join(f'"{_short(s)}"' for s in sentences)


def _contributes(sentence: str, text: str) -> bool:
    """True when ``text`` holds one of the sentence's figures or 30% of its content words."""
    if numbers(sentence) & numbers(text):
        return True
    words = content_words(sentence)
    available = set(content_words(text))
    return bool(words) and sum(1 for w in words if w in available) / len(words) >= 0.3


@dataclass
class _Review:
    """What verification did to a reply, for ``Answer.reason`` (notes in order of steps)."""

    question: str
    evidence: list[Evidence]
    flag_unsupported: bool
    relevance: Relevance | None
    min_relevance: float
    notes: list[str] = field(default_factory=list)
    bad_markers: list[int] = field(default_factory=list)
    fillers: list[str] = field(default_factory=list)
    unsupported: list[tuple[str, str]] = field(default_factory=list)  # (sentence, why)
    off_topic: list[str] = field(default_factory=list)
    repeated: int = 0
    recited: dict[str, int] = field(default_factory=dict)  # "moved" / "added" -> count
    capped: tuple[int, int] | None = None  # (word limit, sentences cut)
    kept: list[tuple[str, list[int], bool]] = field(default_factory=list)

    def _supported(self, sentence: str, cited: list[int]) -> tuple[bool, str]:
        check = check_support(
            sentence, [self.evidence[m - 1] for m in cited], question=self.question
        )
        return check.supported, "; ".join(check.problems)

    def _prune(self, sentence: str, cited: list[int]) -> list[int]:
        """Keep a marker when its passage contributes (a figure or 30% of the words, so each
        side of a disagreement keeps its source) or the others do not support it alone."""
        kept = []
        for m in cited:
            others = [o for o in cited if o != m]
            if _contributes(sentence, self.evidence[m - 1].text) or not (
                others and self._supported(sentence, others)[0]
            ):
                kept.append(m)
        return kept or cited

    def cite(self, sentence: str, cited: list[int]) -> tuple[list[int] | None, str]:
        """The markers that support ``sentence`` and how they were found ("cited", "moved"
        to another passage, "added" to an uncited sentence), or None and why not."""
        why = "it cites no passage"
        if cited:
            ok, why = self._supported(sentence, cited)
            if ok:
                return self._prune(sentence, cited), "cited"
        n = len(self.evidence)
        best = max(range(1, n + 1), key=lambda m: _match(sentence, self.evidence[m - 1].text))
        if best not in cited and self._supported(sentence, [best])[0]:
            return [best], "moved" if cited else "added"
        return None, why

    def is_repeat(self, sentence: str) -> bool:
        """True when an earlier kept sentence already says everything ``sentence`` says."""
        own = set(content_words(sentence)) | numbers(sentence)
        return any(own <= set(content_words(s)) | numbers(s) for s, _, _ in self.kept)

    def review(self, sentence: str, markers: tuple[int, ...]) -> None:
        """Check one sentence and keep, flag or drop it."""
        if not content_words(sentence):
            return  # a fragment such as "1." or "Sources:" states nothing to check
        if planted_instruction(sentence):  # relays text planted in a document
            self.notes.append(f'dropped an instruction planted in a document: "{_short(sentence)}"')
            return
        n = len(self.evidence)
        self.bad_markers.extend(m for m in markers if not 1 <= m <= n)
        if sentence.rstrip().endswith(":"):
            self.fillers.append(sentence)
            return
        cited = list(dict.fromkeys(m for m in markers if 1 <= m <= n))
        supported_by, how = self.cite(sentence, cited)
        if supported_by is not None and self.relevance is not None and self.min_relevance > 0:
            cited_evidence = [self.evidence[m - 1] for m in supported_by]
            if self.relevance.score(self.question, sentence, cited_evidence) < self.min_relevance:
                self.off_topic.append(sentence)
                return
        if self.is_repeat(sentence):
            self.repeated += 1
        elif supported_by is not None:
            self.kept.append((sentence, supported_by, True))
            if how != "cited":
                self.recited[how] = self.recited.get(how, 0) + 1
        else:
            self.unsupported.append((sentence, how))
            if self.flag_unsupported:
                self.kept.append((sentence, cited, False))

    def read(self, reply: str, *, truncated: bool, max_words: int | None) -> list[str]:
        """Review every sentence of ``reply`` in order, then cap; the notes for the reason."""
        parsed = parse_reply(reply)
        if truncated:
            cut = parsed.pop() if parsed and not is_finished(parsed[-1][0]) else None
            self.notes.append(
                "the reply was cut off at the model's token limit"
                + (f"; dropped its unfinished last sentence {_quoted([cut[0]])}" if cut else "")
            )
        for sentence, markers in parsed:
            self.review(sentence, markers)
        self.cap(max_words)
        return self.reason()

    def cap(self, max_words: int | None) -> None:
        """Keep whole sentences up to ``max_words`` words (the first one always)."""
        if not max_words:
            return
        total = 0
        for index, (sentence, _, _) in enumerate(self.kept):
            total += len(sentence.split())
            if index and total > max_words:
                self.capped = (max_words, len(self.kept) - index)
                self.kept = self.kept[:index]
                return

    def reason(self) -> list[str]:
        notes = list(self.notes)
        if self.bad_markers:
            listed = ", ".join(f"[{m}]" for m in dict.fromkeys(self.bad_markers))
            notes.insert(0, f"removed markers pointing to no passage: {listed}")
        if self.recited.get("moved"):
            notes.append(
                f"moved the citation of {self.recited['moved']} sentence(s) to the passage "
                "that supports it (the cited one does not)"
            )
        if self.recited.get("added"):
            notes.append(f"added a citation to {self.recited['added']} uncited sentence(s)")
        if self.fillers:
            notes.append(f"dropped a lead-in that states nothing: {_quoted(self.fillers)}")
        if self.unsupported:
            verb = "flagged" if self.flag_unsupported else "dropped"
            listed = "; ".join(f'"{_short(s)}" ({why})' for s, why in self.unsupported)
            notes.append(
                f"{verb} {len(self.unsupported)} sentence(s) not supported by the cited "
                f"passages: {listed}"
            )
        if self.off_topic:
            notes.append(
                f"dropped {len(self.off_topic)} sentence(s) off the question (relevance "
                f"< {self.min_relevance:.2f}): {_quoted(self.off_topic)}"
            )
        if self.repeated:
            notes.append(f"removed {self.repeated} repeated sentence(s)")
        if self.capped:
            limit, cut = self.capped
            notes.append(f"cut to the {limit}-word limit: dropped the last {cut} sentence(s)")
        return notes


def verify_reply(
    question: str,
    reply: str,
    passages: Sequence[Passage],
    *,
    backend: str,
    flag_unsupported: bool = False,
    nearest_k: int = 3,
    truncated: bool = False,
    max_words: int | None = None,
    relevance: Relevance | None = None,
    min_relevance: float = RELEVANCE_THRESHOLD,
) -> Answer:
    """Validate ``reply`` (written against ``passages`` numbered 1..n) into a cited Answer.

    Args:
        flag_unsupported: keep unsupported sentences with ``supported=False`` instead of
            dropping them.
        truncated: the model stopped at its token limit (``finish_reason == "length"``); an
            unfinished last sentence is dropped.
        max_words: cut the answer to this many words at a sentence boundary (None: no cap).
        relevance: scores each supported sentence against the question; below
            ``min_relevance`` it is dropped. None (or ``min_relevance=0``) skips the check.
    """
    cleaned = THINK_BLOCK.sub("", reply).strip()
    if not cleaned or cleaned.lstrip("*_`\"' ").startswith(INSUFFICIENT_EVIDENCE):
        why = "empty reply" if not cleaned else "the passages do not answer the question"
        return abstain(
            question, passages, reason=f"{backend}: {why}.", backend=backend, nearest_k=nearest_k
        )
    cleaned = cleaned.replace(INSUFFICIENT_EVIDENCE, "")
    review = _Review(
        question=question,
        evidence=[Evidence.from_passage(p) for p in passages],
        flag_unsupported=flag_unsupported,
        relevance=relevance,
        min_relevance=min_relevance,
    )
    notes = review.read(cleaned, truncated=truncated, max_words=max_words)

    if not any(ok for _, _, ok in review.kept):
        why = "no sentence of the model's answer was supported by the passages and on the question"
        return abstain(
            question,
            passages,
            reason=f"{backend}: {why}" + (f" ({'; '.join(notes)})." if notes else "."),
            backend=backend,
            nearest_k=nearest_k,
        )

    statements, citations = _cite(review.kept, passages)
    return Answer(
        question=question,
        standalone_question=question,
        text=render(statements),
        statements=statements,
        citations=citations,
        reason=("; ".join(notes) + ".") if notes else "",
        backend=backend,
    )


def _cite(
    kept: Sequence[tuple[str, list[int], bool]], passages: Sequence[Passage]
) -> tuple[tuple[Statement, ...], tuple[Citation, ...]]:
    """One citation per distinct (passage, quote), markers renumbered 1..m by first use."""
    citations: list[Citation] = []
    by_key: dict[tuple[int, int, int], int] = {}
    statements: list[Statement] = []
    for sentence, cited, ok in kept:
        new_markers: list[int] = []
        for m in cited:
            passage = passages[m - 1]
            quote, start, end = best_quote(passage, sentence)
            key = (m, start, end)
            if key not in by_key:
                by_key[key] = len(citations) + 1
                citations.append(_citation(by_key[key], passage, quote, start, end))
            if by_key[key] not in new_markers:
                new_markers.append(by_key[key])
        statements.append(Statement(text=sentence, markers=tuple(new_markers), supported=ok))
    return tuple(statements), tuple(citations)
