"""Plain wording for idioms staff use for the story's two commonest verbs.

Staff ask what was "put on hold", "paused" or "frozen", and when a rule "kicked in";
policy texts say "suspended" and "took effect". The stemmer cannot join the two (and
"hold" matches "Hitachi Metals holds 51%"), and MiniLM places the idiom far from the
verb. So the retriever and the offline answerer read a question with these idioms in
plain words; the question shown to staff keeps their words.

General English, not this corpus's phrasing: each rule is one idiom and its plain verb
in the same tense ("pausing" -> "suspending", "the pause" -> "the suspension").

Usage::

    >>> plain_wording("What exactly did Beijing agree to put on hold?")
    'What exactly did Beijing agree to suspend?'
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["plain_wording"]


def _noun(match: re.Match[str]) -> str:
    """ "the pause" / "rule freeze" -> "the suspension" / "rule suspension"."""
    return match.group(1) + " suspension"


_Replacement = str | Callable[[re.Match[str]], str]
_RULES: tuple[tuple[re.Pattern[str], _Replacement], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), replacement)
    for pattern, replacement in (
        # passive first: "when were those measures put on hold" -> "... suspended"
        (
            r"\b(was|were|is|are|be|been|being|get|got|gets)\b((?:\s+[\w\-']+){0,4}?)\s+put on "
            r"(?:hold|ice)\b",
            r"\1\2 suspended",
        ),
        (r"\bput ((?:[\w\-']+ ){0,3}?)on (?:hold|ice)\b", r"suspend \1"),
        (r"\b(?:placed|kept) ((?:[\w\-']+ ){0,3}?)on hold\b", r"suspended \1"),
        (r"\bon hold\b", "suspended"),
        (r"\b(?:froze|frozen)\b", "suspended"),
        (r"\b(a|the|its|their|rule) (?:freeze|pause)\b", _noun),
        (r"\bfreez(?:e|es)\b|\bpause\b", "suspend"),
        (r"\bfreezing\b|\bpausing\b", "suspending"),
        (r"\bpaused\b", "suspended"),
        (r"\bpauses\b", "suspends"),
        (r"\bkick(?:s|ing)? in\b", "take effect"),
        (r"\bkicked in\b", "took effect"),
        (r"\b(?:come|comes|coming|go|goes|enter|enters) into (?:force|effect)\b", "take effect"),
        (r"\b(?:came|went|entered) into (?:force|effect)\b", "took effect"),
    )
)
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([?,.!;:])")
_SPACES = re.compile(r"\s{2,}")


def plain_wording(question: str) -> str:
    """``question`` with the idioms above in plain words (unchanged when it has none)."""
    text = question
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    if text == question:
        return question
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", _SPACES.sub(" ", text)).strip()
