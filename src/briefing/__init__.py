"""briefing: short, grounded, cited answers over a policy corpus.

Usage::

    from briefing import Assistant, Settings

    assistant = Assistant(Settings(corpus_dir="corpus", data_dir=".briefing"))
    answer = assistant.ask("Which firms got the first general licences?")
    print(answer.text)                 # sentences with [n] markers
    for c in answer.citations:         # c.marker, c.doc_id, c.title, c.quote, c.start, c.end ...
        print(f"[{c.marker}] {c.title}: {c.quote}")
    if answer.abstained:
        print("Not in the corpus:", answer.reason)

    chat = assistant.conversation()    # follow-ups keep their context
    chat.ask("What does the suspension cover?")
    print(chat.ask("And for how long?").standalone_question)

Importing this package does no work: parts load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "Answer",
    "AnswerDelta",
    "Assistant",
    "BriefingError",
    "Citation",
    "Conversation",
    "RetrievalFilter",
    "Settings",
    "Statement",
    "Turn",
]

_EXPORTS = {
    "Assistant": "briefing.assistant",
    "Conversation": "briefing.conversation",
    "Settings": "briefing.config",
    "BriefingError": "briefing.errors",
    "Answer": "briefing.types",
    "AnswerDelta": "briefing.types",
    "Citation": "briefing.types",
    "RetrievalFilter": "briefing.types",
    "Statement": "briefing.types",
    "Turn": "briefing.types",
}

if TYPE_CHECKING:
    from .assistant import Assistant, Conversation
    from .config import Settings
    from .errors import BriefingError
    from .types import Answer, AnswerDelta, Citation, RetrievalFilter, Statement, Turn


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'briefing' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
