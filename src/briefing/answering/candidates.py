"""Candidate sentences: every sentence of the retrieved passages, ready to be scored.

The offline answerer quotes whole sentences, so a candidate is one sentence span of one
passage's chunk (split with :func:`briefing.corpus.sentence_spans`), with the cheap
regex facts of :func:`~briefing.answering.sentence_features.sentence_features` and the
match keys the features compare with the question. Duplicate sentences (a note and the
timeline line repeating it word for word) become one candidate, the better-ranked one.

Usage::

    candidates = build_candidates(passages)     # passages best first
    candidates[0].text, candidates[0].rank
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..corpus import in_section, sentence_spans
from ..text import content_words, numbers, squash_spaces
from ..types import Passage
from .planted import planted_instruction
from .question import term_key
from .sentence_features import SentenceFeatures, sentence_features

__all__ = ["Candidate", "build_candidates"]


@dataclass(slots=True)
class Candidate:
    """One sentence of one passage, and what the answerer learned about it.

    Fields:
        rank: the passage's retrieval rank (0 = best).   passage: the passage.
        start, end: the sentence's offsets in the chunk text.
        index: the sentence's position in its chunk (0 = first).
        text: the sentence, whitespace-normalised.   features: its regex facts.
        keys: match keys of its content words and numbers (see ``term_key``).
        heading_keys: match keys of the chunk's headings.
        vector: the sentence embedding (set when scored).
        probability: the learned probability that the sentence answers the question
            (the sentence model: which sentences an answer quotes).
        lead: the lead model's score (which of the chosen sentences leads; it orders
            sentences within one question and is no probability).
    """

    rank: int
    passage: Passage
    start: int
    end: int
    index: int
    text: str
    features: SentenceFeatures
    keys: frozenset[str]
    heading_keys: frozenset[str]
    vector: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    probability: float = 0.0
    lead: float = 0.0

    @property
    def doc_id(self) -> str:
        return self.passage.chunk.doc_id

    @property
    def context(self) -> str:
        """The sentence under its heading (see :func:`briefing.corpus.in_section`)."""
        return in_section(self.passage.chunk, self.text)


def match_keys(text: str) -> frozenset[str]:
    """Match keys of ``text``: its content words' ``term_key`` and ``#number`` tokens."""
    return frozenset(term_key(w) for w in content_words(text)) | {f"#{n}" for n in numbers(text)}


def build_candidates(passages: Sequence[Passage]) -> list[Candidate]:
    """Every distinct sentence of ``passages`` (best passage first), in reading order."""
    seen: set[str] = set()
    candidates: list[Candidate] = []
    for rank, passage in enumerate(passages):
        chunk = passage.chunk
        heading_keys = frozenset(k for heading in chunk.heading_path for k in match_keys(heading))
        for index, (start, end) in enumerate(sentence_spans(chunk.text)):
            text = squash_spaces(chunk.text[start:end])
            # Text addressed to the reader or the assistant is data, never an answer.
            if not text or text in seen or planted_instruction(text):
                continue
            seen.add(text)
            candidates.append(
                Candidate(
                    rank=rank,
                    passage=passage,
                    start=start,
                    end=end,
                    index=index,
                    text=text,
                    features=sentence_features(text),
                    keys=match_keys(text),
                    heading_keys=heading_keys,
                )
            )
    return candidates
