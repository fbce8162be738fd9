"""A conversation: a question-and-answer history bound to one assistant."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Protocol

from .types import Answer, AnswerDelta, History, RetrievalFilter, Turn

__all__ = ["Conversation"]


class Asks(Protocol):
    """The part of the ``Assistant`` facade a conversation uses."""

    def ask(
        self, question: str, *, history: Sequence[Turn] = (), filters: RetrievalFilter | None
    ) -> Answer: ...

    def stream(
        self, question: str, *, history: Sequence[Turn] = (), filters: RetrievalFilter | None
    ) -> Iterator[AnswerDelta | Answer]: ...


class Conversation:
    """A question-and-answer history bound to one Assistant; safe to use from one user.

    Usage::

        chat = assistant.conversation()
        chat.ask("What does the suspension cover?")
        chat.ask("And for how long?").standalone_question
    """

    def __init__(self, assistant: Asks) -> None:
        self.assistant = assistant
        self._history = History()
        self._lock = threading.Lock()

    @property
    def history(self) -> list[Turn]:
        """The answered turns, oldest first."""
        return self._history.turns

    def ask(self, question: str, *, filters: RetrievalFilter | None = None) -> Answer:
        with self._lock:
            answer = self.assistant.ask(question, history=tuple(self.history), filters=filters)
            self._history.add(answer)
            return answer

    def stream(
        self, question: str, *, filters: RetrievalFilter | None = None
    ) -> Iterator[AnswerDelta | Answer]:
        with self._lock:
            for event in self.assistant.stream(
                question, history=tuple(self.history), filters=filters
            ):
                if isinstance(event, Answer):
                    self._history.add(event)
                yield event

    def reset(self) -> None:
        with self._lock:
            self._history.clear()
