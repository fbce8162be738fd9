"""The two seams every backend fills: :class:`Answerer` and :class:`QueryRewriter`.

They sit in the base layer, beside the records they pass, so the backend registry
(:mod:`briefing.registry`) and the facade can name them without importing a backend.
Implement them by subclassing :class:`briefing.answering.base.AnswerBackend` (which
derives ``answer`` from ``stream``) or any class with the same methods.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from .types import Answer, AnswerDelta, Passage, Turn

__all__ = ["Answerer", "QueryRewriter"]


class Answerer(Protocol):
    """Turns a standalone question and retrieved passages into a cited Answer.

    Implementations fill ``text``, ``statements``, ``citations``, ``abstained``,
    ``reason``, ``nearest`` and ``backend``; the facade fills ``question``,
    ``standalone_question`` and ``timings_ms``.
    """

    name: str

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[AnswerDelta | Answer]:
        """Yield text pieces as they are produced, then the final Answer."""
        ...


class QueryRewriter(Protocol):
    """Rewrites a follow-up into a standalone question using the conversation."""

    def rewrite(self, question: str, history: Sequence[Turn]) -> str: ...
