"""The deterministic follow-up rewriter (offline mode)."""

from __future__ import annotations

from briefing.retrieval.rewrite import HeuristicRewriter
from briefing.types import Answer, Turn


def turn(question: str, standalone: str | None = None) -> Turn:
    return Turn(
        question=question,
        answer=Answer(question=question, standalone_question=standalone or question, text="..."),
    )


REWRITER = HeuristicRewriter()
SUSPENSION = "What does China's suspension of the October export controls cover?"


def test_short_follow_up_gets_previous_topic() -> None:
    rewritten = REWRITER.rewrite("For how long?", [turn(SUSPENSION)])
    assert rewritten.startswith("For how long?")
    assert "suspension" in rewritten and "October export controls" in rewritten


def test_self_contained_question_unchanged() -> None:
    new = "Which rare earth elements did Beijing put under export licensing in April 2025?"
    assert REWRITER.rewrite(new, [turn(SUSPENSION)]) == new


def test_no_history_no_rewrite() -> None:
    assert REWRITER.rewrite("  For how long?  ", []) == "For how long?"


def test_connective_and_pronoun_follow_ups() -> None:
    history = [turn("Which companies got the first general licences?")]
    assert "first general licences" in REWRITER.rewrite("And what about their exports?", history)
    assert "first general licences" in REWRITER.rewrite(
        "When were they granted to them by the ministry?", history
    )


def test_topic_carries_over_two_turns_without_nesting() -> None:
    first = turn(SUSPENSION)
    second_q = "For how long?"
    second = turn(second_q, REWRITER.rewrite(second_q, [first]))
    third = REWRITER.rewrite("And who announced it?", [first, second])
    assert "suspension" in third and "For how long?" in third
    assert third.count("(context:") == 1


def test_uses_standalone_question_of_previous_turn() -> None:
    previous = turn("When?", "When? (context: Who got the licences?)")
    assert "licences" in REWRITER.rewrite("Why?", [previous])


def test_is_follow_up() -> None:
    assert REWRITER.is_follow_up("Why?")
    assert REWRITER.is_follow_up("And the deal?")
    assert not REWRITER.is_follow_up(
        "How many applications for rare earth magnet export licences did MOFCOM approve in 2025?"
    )


def test_short_question_naming_its_own_subject_is_a_new_topic() -> None:
    assert not REWRITER.is_follow_up("What is the capital of France?")
    assert not REWRITER.is_follow_up("When was JL Mag founded?")
    assert not REWRITER.is_follow_up("What did MOFCOM say?")
    assert not REWRITER.is_follow_up("What happened in 2019?")
    assert REWRITER.is_follow_up("Until when?")
    assert REWRITER.is_follow_up("How many tonnes?")
    assert REWRITER.is_follow_up("Who is its chairman?")
