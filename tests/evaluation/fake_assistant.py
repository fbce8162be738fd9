"""A scripted stand-in for the Assistant facade (our own seam) for runner unit tests.

It answers from a fixed table keyed by the standalone question, and rewrites a
follow-up by joining it with the previous question, so multi-turn handling is real.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from briefing.config import Settings
from briefing.types import Answer, Passage, Turn


@dataclass
class ScriptedAssistant:
    answers: dict[str, Answer]
    passages: dict[str, list[Passage]]
    settings: Settings = field(default_factory=lambda: Settings(top_k=3))
    asked: list[tuple[str, int]] = field(default_factory=list)
    retrieved: list[tuple[str, int | None]] = field(default_factory=list)

    def conversation(self) -> ScriptedConversation:
        return ScriptedConversation(self)

    def retrieve(self, question: str, *, k: int | None = None) -> list[Passage]:
        self.retrieved.append((question, k))
        return self.passages.get(question, [])[: k or self.settings.retrieval.top_k]


@dataclass
class ScriptedConversation:
    assistant: ScriptedAssistant
    history: list[Turn] = field(default_factory=list)

    def ask(self, question: str) -> Answer:
        standalone = f"{self.history[-1].question} {question}" if self.history else question
        self.assistant.asked.append((question, len(self.history)))
        template = self.assistant.answers[standalone]
        answer = Answer(
            question=question,
            standalone_question=standalone,
            text=template.text,
            statements=template.statements,
            citations=template.citations,
            abstained=template.abstained,
            reason=template.reason,
            timings_ms=dict(template.timings_ms),
            passages=tuple(
                self.assistant.retrieve(standalone, k=self.assistant.settings.retrieval.top_k)
            ),
        )
        self.history.append(Turn(question, answer))
        return answer
