"""Idioms read in plain words: the tense is kept, the rest of the question is untouched."""

from __future__ import annotations

import pytest

from briefing.idioms import plain_wording


@pytest.mark.parametrize(
    ("question", "plain"),
    [
        (
            "What exactly did Beijing agree to put on hold?",
            "What exactly did Beijing agree to suspend?",
        ),
        (
            "Which announcements does No. 70 put on hold?",
            "Which announcements does No. 70 suspend?",
        ),
        ("did they put the measures on hold?", "did they suspend the measures?"),
        (
            "When were those measures put on hold, and until when?",
            "When were those measures suspended, and until when?",
        ),
        (
            "What do the rules do while they're on hold?",
            "What do the rules do while they're suspended?",
        ),
        ("How long is the package frozen for?", "How long is the package suspended for?"),
        ("Washington pausing its affiliates rule", "Washington suspending its affiliates rule"),
        ("which US agency paused the ship fees?", "which US agency suspended the ship fees?"),
        ("affiliates rule pause dates?", "affiliates rule suspension dates?"),
        ("when does the pause end?", "when does the suspension end?"),
        (
            "how does No. 70 differ in what they pause?",
            "how does No. 70 differ in what they suspend?",
        ),
        ("when did the april rules kick in?", "when did the april rules take effect?"),
        ("the day the cut kicked in", "the day the cut took effect"),
        ("When did the regulations come into force?", "When did the regulations take effect?"),
    ],
)
def test_idiom_becomes_plain_verb(question: str, plain: str) -> None:
    assert plain_wording(question) == plain


@pytest.mark.parametrize(
    "question",
    [
        "Hitachi Metals holds 51% of the joint venture.",  # "hold" alone is no idiom
        "What does the suspension cover?",
        "  odd   spacing stays as typed ?",  # nothing replaced: returned unchanged
        "",
    ],
)
def test_question_without_idiom_is_unchanged(question: str) -> None:
    assert plain_wording(question) == question
