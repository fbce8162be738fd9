"""Check an LLM reply against the passages it was given, and turn it into an Answer.

A model's citations are claims, not facts. This module parses the reply into sentences
and their ``[n]`` markers, then:

1. removes markers that point to no passage (``[7]`` when there were 5 passages);
2. gives an uncited sentence the passage that supports it, when exactly such a passage
   exists (small local models often forget a marker), else treats it as unsupported;
3. checks each sentence against its cited passages with
   :func:`briefing.answering.support.is_supported`; an unsupported sentence is dropped
   (default) or kept with ``supported=False`` (``flag_unsupported=True``), and
   ``Answer.reason`` says which;
4. builds one :class:`~briefing.types.Citation` per distinct (passage, quote): the quote is
   the passage sentence(s) that best support the statement, with exact character spans
   into the document text, and markers are renumbered 1..m in order of first use.

The sentinel reply (:data:`~briefing.answering.prompt.INSUFFICIENT_EVIDENCE`) or a reply
with no surviving sentence gives an abstained Answer listing the nearest sources.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..corpus.sentences import sentence_spans
from ..text import THINK_BLOCK, content_words, numbers
from ..types import Answer, Citation, Passage, Statement
from .citations import citation_for_span
from .planted import planted_instruction
from .prompt import INSUFFICIENT_EVIDENCE
from .support import is_supported

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

# "[1]", "[1, 2]", "[1-3]", "[passage 2]"; the inner group holds the numbers.
_MARKER = re.compile(r"\[\s*(?:passages?\s*)?(\d+(?:\s*[,;\-–]\s*\d+)*)\s*\]", re.IGNORECASE)
_MARKER_RUN = r"(?:\s*\[\s*(?:passages?\s*)?\d+(?:\s*[,;\-–]\s*\d+)*\s*\])+"
# Markers written after the full stop ("... in 2025. [1]") move before it ("... in 2025 [1].").
_TRAILING_MARKERS = re.compile(r"([.!?])(" + _MARKER_RUN + ")", re.IGNORECASE)
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?])")
_WORDLIKE = re.compile(r"[A-Za-z0-9]")


def _expand(group: str) -> list[int]:
    """``"1, 3-4"`` -> ``[1, 3, 4]`` (ranges capped so "[1-9999]" cannot explode)."""
    out: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group.strip()):
        bounds = re.split(r"\s*[\-–]\s*", part)
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            low, high = int(bounds[0]), int(bounds[1])
            out.extend(range(low, min(high, low + 20) + 1))
        elif part.isdigit():
            out.append(int(part))
    return out


def parse_reply(reply: str) -> list[tuple[str, tuple[int, ...]]]:
    """Split a model reply into ``(sentence without markers, markers in order)`` pairs.

    Sentences are found with :func:`briefing.corpus.sentences.sentence_spans`, the same
    splitter the corpus and the offline answerer use. Markers standing alone after a
    sentence belong to that sentence.
    """
    text = THINK_BLOCK.sub("", reply)
    text = _TRAILING_MARKERS.sub(lambda m: " " + m.group(2).strip() + m.group(1), text)
    parsed: list[tuple[str, tuple[int, ...]]] = []
    for start, end in sentence_spans(text):
        piece = text[start:end]
        markers = tuple(n for m in _MARKER.finditer(piece) for n in _expand(m.group(1)))
        body = _SPACE_BEFORE_PUNCT.sub(r"\1", _MARKER.sub("", piece))
        body = " ".join(body.split()).strip()
        if not _WORDLIKE.search(body):
            if parsed and markers:  # a run of markers on its own: the previous sentence's
                prev_text, prev_markers = parsed[-1]
                parsed[-1] = (prev_text, prev_markers + markers)
            continue
        parsed.append((body, markers))
    return parsed


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
    return Answer(
        question=question,
        standalone_question=question,
        text=ABSTAIN_TEXT,
        abstained=True,
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


def _contributes(sentence: str, text: str) -> bool:
    """True when ``text`` holds one of the sentence's figures or 30% of its content words."""
    if numbers(sentence) & numbers(text):
        return True
    words = content_words(sentence)
    available = set(content_words(text))
    return bool(words) and sum(1 for w in words if w in available) / len(words) >= 0.3


def _check(sentence: str, cited: list[int], texts: list[str]) -> list[int] | None:
    """The markers to keep if ``sentence`` is supported by the cited passages, else None.

    A marker is kept when its passage contributes to the sentence -- it holds one of the
    sentence's figures or at least 30% of its content words, so each side of a
    disagreement keeps its source -- or when the others do not support the sentence
    without it. A passage with little in common with the sentence loses its marker.
    """
    chosen = [texts[m - 1] for m in cited]
    if not is_supported(sentence, chosen):
        return None
    kept = []
    for m in cited:
        others = [texts[o - 1] for o in cited if o != m]
        if _contributes(sentence, texts[m - 1]) or not is_supported(sentence, others):
            kept.append(m)
    return kept or cited


def verify_reply(
    question: str,
    reply: str,
    passages: Sequence[Passage],
    *,
    backend: str,
    flag_unsupported: bool = False,
    nearest_k: int = 3,
) -> Answer:
    """Validate ``reply`` (written against ``passages`` numbered 1..n) into a cited Answer.

    ``flag_unsupported`` keeps unsupported sentences with ``supported=False`` instead of
    dropping them. ``Answer.reason`` lists what was removed, added, dropped or flagged.
    """
    cleaned = THINK_BLOCK.sub("", reply).strip()
    if not cleaned or cleaned.lstrip("*_`\"' ").startswith(INSUFFICIENT_EVIDENCE):
        why = "empty reply" if not cleaned else "the passages do not answer the question"
        return abstain(
            question, passages, reason=f"{backend}: {why}.", backend=backend, nearest_k=nearest_k
        )
    cleaned = cleaned.replace(INSUFFICIENT_EVIDENCE, "")
    texts = [p.chunk.text for p in passages]
    n = len(passages)
    notes: list[str] = []
    bad_markers: list[int] = []
    dropped: list[str] = []
    kept: list[tuple[str, list[int], bool]] = []  # (sentence, passage numbers, supported)

    for sentence, markers in parse_reply(cleaned):
        if not content_words(sentence):
            continue  # a fragment such as "1." or "Sources:" states nothing to check
        if planted_instruction(sentence):  # relays text planted in a document (issue 10)
            notes.append(f'dropped an instruction planted in a document: "{_short(sentence)}"')
            continue
        cited = list(dict.fromkeys(m for m in markers if 1 <= m <= n))
        bad_markers.extend(m for m in markers if not 1 <= m <= n)
        if not cited:
            best = max(range(1, n + 1), key=lambda m: _match(sentence, texts[m - 1]), default=0)
            if best and is_supported(sentence, [texts[best - 1]]):
                cited = [best]
                notes.append(f"added citation [{best}] to an uncited sentence")
        supported_by = _check(sentence, cited, texts) if cited else None
        if supported_by is not None:
            kept.append((sentence, supported_by, True))
        elif flag_unsupported:
            kept.append((sentence, cited, False))
            dropped.append(sentence)
        else:
            dropped.append(sentence)

    if bad_markers:
        listed = ", ".join(f"[{m}]" for m in dict.fromkeys(bad_markers))
        notes.insert(0, f"removed markers pointing to no passage: {listed}")
    if dropped:
        verb = "flagged" if flag_unsupported else "dropped"
        quoted = "; ".join(f'"{_short(s)}"' for s in dropped)
        notes.append(
            f"{verb} {len(dropped)} sentence(s) not supported by the cited passages: {quoted}"
        )

    if not any(ok for _, _, ok in kept):
        why = "no sentence of the model's answer was supported by the passages"
        return abstain(
            question,
            passages,
            reason=f"{backend}: {why}" + (f" ({'; '.join(notes)})." if notes else "."),
            backend=backend,
            nearest_k=nearest_k,
        )

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

    return Answer(
        question=question,
        standalone_question=question,
        text=render(statements),
        statements=tuple(statements),
        citations=tuple(citations),
        reason=("; ".join(notes) + ".") if notes else "",
        backend=backend,
    )
