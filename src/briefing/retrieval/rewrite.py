"""Deterministic follow-up rewriting for the offline mode.

"For how long?" after "What does the suspension cover?" cannot be retrieved on its own.
A follow-up is recognised by its shape (short, starts with a connective, or leans on a
pronoun) and rewritten by carrying the topic of the previous standalone question along:
"For how long? (context: What does the suspension cover?)". Self-contained questions
pass through unchanged, so a change of topic is not polluted by the history: a short
question that names its own subject ("What is the capital of France?", "When was JL Mag
founded?") is a new topic, not a follow-up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..text import content_words
from ..types import Turn

_CONNECTIVE = re.compile(
    r"^(and|but|so|also|what about|how about|and what|then|or|same for|what else|why)\b",
    re.IGNORECASE,
)
# A capitalised word after the first one, an acronym or a number: the question names
# its own subject.
_OWN_SUBJECT = re.compile(r"(?<!^)(?<![.?!]\s)\b(?:[A-Z][a-zA-Z]+|[A-Z]{2,}|\d[\d.,%]*)\b")
_ANAPHOR = re.compile(
    r"\b(it|its|it's|they|them|their|theirs|those|these|this|that|he|she|his|her|"
    r"the same|the others?|each|which of them|the firms?|the companies|the licen[cs]es?|"
    r"the deal|the suspension|the measures?|the controls?)\b",
    re.IGNORECASE,
)


class HeuristicRewriter:
    """QueryRewriter with no model: appends the previous topic to follow-ups."""

    def __init__(self, max_content_words: int = 3) -> None:
        self.max_content_words = max_content_words

    def is_follow_up(self, question: str) -> bool:
        question = question.strip()
        words = content_words(question)
        short = len(words) <= self.max_content_words and not _OWN_SUBJECT.search(question)
        return bool(
            _CONNECTIVE.match(question)
            or short
            or (_ANAPHOR.search(question) and len(words) <= 2 * self.max_content_words)
        )

    def rewrite(self, question: str, history: Sequence[Turn]) -> str:
        question = question.strip()
        if not history or not self.is_follow_up(question):
            return question
        previous = history[-1].answer.standalone_question or history[-1].question
        # Flatten the previous question's own context so topics carry over two turns.
        topic, _, earlier = previous.partition(" (context: ")
        if earlier:
            topic = f"{earlier.rstrip(')')}; {topic}"
        return f"{question} (context: {topic[-300:]})"
