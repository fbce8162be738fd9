"""The answerer seam: one small protocol, several backends."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from ..types import Answer, AnswerDelta, Passage, Turn


class Answerer(Protocol):
    """Turns a standalone question and retrieved passages into a cited Answer.

    Implementations fill ``text``, ``statements``, ``citations``, ``abstained``,
    ``reason``, ``nearest`` and ``backend``; the facade fills ``question``,
    ``standalone_question`` and ``timings_ms``.
    """

    name: str

    def answer(self, question: str, passages: Sequence[Passage]) -> Answer: ...

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[AnswerDelta | Answer]:
        """Yield text pieces as they are produced, then the final Answer."""
        ...


class QueryRewriter(Protocol):
    """Rewrites a follow-up into a standalone question using the conversation."""

    def rewrite(self, question: str, history: Sequence[Turn]) -> str: ...
