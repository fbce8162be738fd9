"""The answerer seam: one method, ``stream``; ``answer`` is derived from it.

A backend yields text pieces (:class:`~briefing.types.AnswerDelta`) as it produces them and
ends with the final :class:`~briefing.types.Answer`; front ends that do not stream take
the last event (:func:`final_answer`). Subclassing :class:`AnswerBackend` gives the
``answer`` method for free. Backends are registered by name in :mod:`briefing.registry`.

Usage::

    class Echo(AnswerBackend):
        name = "echo"

        def stream(self, question, passages):
            yield AnswerDelta(question)
            yield abstained_answer(question, text=question, reason="echo", backend=self.name)

    Echo().answer("Anyone there?", []).abstained  # True
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence

from ..errors import BackendError
from ..protocols import Answerer, QueryRewriter
from ..types import Answer, AnswerDelta, Citation, Passage

__all__ = ["AnswerBackend", "Answerer", "QueryRewriter", "abstained_answer", "final_answer"]


def final_answer(events: Iterable[AnswerDelta | Answer], name: str = "answerer") -> Answer:
    """The final Answer of a stream, draining it (the text pieces are dropped)."""
    final: Answer | None = None
    for event in events:
        if isinstance(event, Answer):
            final = event
    if final is None:
        raise BackendError(f"the {name!r} backend ended its stream without an Answer")
    return final


class AnswerBackend(ABC):
    """Base class of the built-in backends: implement ``stream``, get ``answer``."""

    name: str

    @abstractmethod
    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[AnswerDelta | Answer]:
        """Yield text pieces as they are produced, then the final Answer."""

    def answer(self, question: str, passages: Sequence[Passage]) -> Answer:
        """The final Answer of :meth:`stream`, for callers that do not stream."""
        return final_answer(self.stream(question, passages), self.name)


def abstained_answer(
    question: str,
    *,
    text: str,
    reason: str,
    backend: str,
    nearest: Sequence[Citation] = (),
) -> Answer:
    """An abstained Answer: ``text`` says why to the user, ``reason`` to the developer,
    ``nearest`` lists the sources closest to the question."""
    fields = {"text": text, "reason": reason, "nearest": tuple(nearest), "backend": backend}
    return Answer(question=question, standalone_question=question, abstained=True, **fields)
