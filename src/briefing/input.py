"""Checks of what a user types, shared by every front end (CLI, web, Python API)."""

from __future__ import annotations

import re

from .errors import QuestionError

__all__ = ["check_question"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def check_question(question: object, *, max_chars: int) -> str:
    """The question, cleaned (control characters to spaces, stripped); QuestionError
    naming the problem when it is not text, undecodable, empty or over ``max_chars``."""
    if not isinstance(question, str):
        raise QuestionError(f"the question must be text, got {type(question).__name__}")
    bad = _SURROGATE.search(question)
    if bad is not None:  # undecodable input (a terminal's latin-1 bytes, broken JSON)
        raise QuestionError(
            f"the question is not valid text: undecodable character at position "
            f"{bad.start()}; type it again in UTF-8"
        )
    cleaned = _CONTROL.sub(" ", question).strip()
    if not cleaned:
        raise QuestionError("the question is empty: type a question about the corpus")
    if len(cleaned) > max_chars:
        raise QuestionError(
            f"the question is {len(cleaned)} characters long; the limit is {max_chars} "
            "(setting max_question_chars, env BRIEFING_MAX_QUESTION_CHARS)"
        )
    return cleaned
