"""A scripted answer backend: the Answerer seam without retrieval or a model."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence

from ..answering.base import AnswerBackend
from ..types import Answer, AnswerDelta, Passage

__all__ = ["ScriptedBackend"]


class ScriptedBackend(AnswerBackend):
    """Streams scripted answers word by word, then the Answer itself.

    Give answers to :meth:`queue` (used in order), or a function of (question, passages)
    as ``responder``. Every call is recorded in ``calls`` as (question, passages).

    Usage::

        backend = ScriptedBackend()
        backend.queue(Answer("Q?", "Q?", "Exports fell 12% [1].", citations=(...,)))
        assistant = Assistant(settings, answerer=backend)
    """

    name = "scripted"

    def __init__(self, responder: Callable[[str, Sequence[Passage]], Answer] | None = None) -> None:
        self.responder = responder
        self.calls: list[tuple[str, tuple[Passage, ...]]] = []
        self._answers: deque[Answer] = deque()

    def queue(self, *answers: Answer) -> None:
        """Answer the next questions with these, in order (before any responder)."""
        self._answers.extend(answers)

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[AnswerDelta | Answer]:
        self.calls.append((question, tuple(passages)))
        if self._answers:
            answer = self._answers.popleft()
        elif self.responder is not None:
            answer = self.responder(question, passages)
        else:
            raise AssertionError(f"ScriptedBackend: no answer scripted for {question!r}")
        words = answer.text.split(" ")
        for index, word in enumerate(words):
            yield AnswerDelta(word if index == 0 else " " + word)
        yield answer
