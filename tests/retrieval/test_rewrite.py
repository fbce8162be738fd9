"""The deterministic follow-up rewriter (offline mode): real standalone questions."""

from __future__ import annotations

import pytest

from briefing.retrieval.rewrite import HeuristicRewriter, name_lists
from briefing.types import Answer, Statement, Turn

FIRMS = ["JL Mag Rare-Earth", "Ningbo Yunsheng", "Beijing Zhong Ke San Huan High-Tech"]


def turn(question: str, standalone: str | None = None, answer: str = "...") -> Turn:
    return Turn(
        question=question,
        answer=Answer(
            question=question,
            standalone_question=standalone or question,
            text=answer,
            statements=(Statement(text=answer, markers=(1,)),),
        ),
    )


REWRITER = HeuristicRewriter(lists_for=lambda name: [FIRMS] if "JL Mag" in name else [])
LIST_ANSWER = (
    "The first general licences went to three magnet makers: JL Mag Rare-Earth, "
    "Ningbo Yunsheng and Beijing Zhong Ke San Huan High-Tech."
)


@pytest.mark.parametrize(
    ("previous", "follow_up", "expected"),
    [
        # wh-substitution
        (
            "Which US agency suspended the Affiliates Rule?",
            "Until when?",
            "Until when did the US agency suspend the Affiliates Rule?",
        ),
        (
            "Has any European company confirmed getting a general licence?",
            "As of when?",
            "As of when has any European company confirmed getting a general licence?",
        ),
        (
            "Tell me about MOFCOM's No. 72",
            "and until when?",
            "Until when does MOFCOM's No. 72 last?",
        ),
        (
            "What does the suspension cover?",
            "For how long?",
            "For how long does the suspension last?",
        ),
        (
            "What did MOFCOM suspend?",
            "For how long?",
            "For how long did MOFCOM suspend?",
        ),
        (
            "What is the general licence?",
            "For how long?",
            "For how long is the general licence?",
        ),
        # references
        (
            "Which firms got licences?",
            "Which of them got the widest one?",
            "Which of the firms that got licences got the widest one?",
        ),
        (
            "What did the Jones Day note say about the October package?",
            "What else did they point out about it?",
            "What else did Jones Day point out about the October package?",
        ),
        (
            "Tell me about JL Mag Rare-Earth.",
            "Where are its shares listed?",
            "Where are JL Mag Rare-Earth's shares listed?",
        ),
        (
            "How long did Trump and Xi talk?",
            "When had they last met face to face before that?",
            "When had Trump and Xi last met face to face before that?",
        ),
        (
            "Which law firm called the October package China's first de minimis rule?",
            "What else did they point out about it?",
            "What else did the law firm that called the October package China's first de "
            "minimis rule point out about China's first de minimis rule?",
        ),
        (
            "What did Announcement No. 70 suspend?",
            "when does it end?",
            "When does Announcement No. 70 end?",
        ),
        (
            "What did China announce on 9 October 2025 on rare earths?",
            "When were those measures put on hold?",
            "When were the measures of 9 October 2025 put on hold?",
        ),
        (
            "Which companies received the first general licences?",
            "How long do those licences last?",
            "How long do the first general licences last?",
        ),
        (
            "What did Trump promise on the fentanyl tariff after meeting Xi?",
            "When did that actually apply under US law?",
            "When did the fentanyl tariff actually apply under US law?",
        ),
        (
            "How much of JL Mag's customer base does its general licence cover?",
            "What about the other two?",
            "How much of Ningbo Yunsheng's and Beijing Zhong Ke San Huan High-Tech's customer "
            "base does their general licence cover?",
        ),
        (
            "What did Announcement No. 18 put under control?",
            "When did that take effect?",
            "When did Announcement No. 18 take effect?",
        ),
        (
            "What did Announcement No. 70 suspend?",
            "How long does that last?",
            "How long does Announcement No. 70 last?",
        ),
        (
            "What did China commit to on soybeans for late 2025?",
            "and after that?",
            "What did China commit to on soybeans after late 2025?",
        ),
        # what was received lasts: the receiving took no time
        ("Which firms got licences?", "And for how long?", "For how long do the licences last?"),
        (
            "Who received the first general licences?",
            "how long?",
            "How long do the first general licences last?",
        ),
        # a follow-up with no reference: asked about the previous topic
        (
            "How many licence applications had EU firms filed by November 2025?",
            "how many got approved?",
            "How many of the licence applications got approved?",
        ),
        (
            "What did Reuters report on 4 December about the general licences?",
            "and who's allowed to apply?",
            "Who is allowed to apply for the general licences?",
        ),
        # "one": a thing of the kind the previous question asked about
        ("Which firms got licences?", "Did JL Mag get one too?", "Did JL Mag get a licence too?"),
        (
            "Which companies got the first general licences?",
            "has San Huan got one as well?",
            "Has San Huan got a general licence as well?",
        ),
        (
            "Which firms got licences?",
            "Which one got the widest one?",
            "Which of the firms that got licences got the widest one?",
        ),
        # a preposition and an asked-for noun stand where the question word was
        (
            "Which announcement controls rare-earth technologies?",
            "Under what codes?",
            "Under what codes does the announcement control rare-earth technologies?",
        ),
        (
            "How many foreign entities did China add to the Unreliable Entity List?",
            "On what date?",
            "On what date did China add foreign entities to the Unreliable Entity List?",
        ),
        (
            "Under which announcement did China suspend the October measures?",
            "Until when?",
            "Until when did China suspend the October measures?",
        ),
        # "that" after a verb of saying is what the previous question asked
        (
            "How did the April controls hit European auto suppliers?",
            "who reported that and when?",
            "Who reported how the April controls hit European auto suppliers and when?",
        ),
        (
            "Why does MOFCOM say it uses general licences?",
            "When did it say that?",
            "When did MOFCOM say why MOFCOM says it uses general licences?",
        ),
        # "that what": a pronoun, not a determiner ("the what")
        (
            "How long is MOFCOM's review deadline for export licences?",
            "Is that what distributors actually see?",
            "Is MOFCOM's review deadline what distributors actually see?",
        ),
    ],
)
def test_rewrites(previous: str, follow_up: str, expected: str) -> None:
    assert REWRITER.rewrite(follow_up, [turn(previous)]) == expected


def test_plural_reference_takes_the_list_an_earlier_answer_gave() -> None:
    history = [turn("Which companies got the first general licences?", answer=LIST_ANSWER)]
    assert REWRITER.rewrite("Which of them got the widest one?", history) == (
        "Which of JL Mag Rare-Earth, Ningbo Yunsheng and Beijing Zhong Ke San Huan High-Tech "
        "got the widest one?"
    )


def test_they_is_a_thing_when_only_a_thing_can_be_valid() -> None:
    history = [turn("Who received the first general licences?", answer=LIST_ANSWER)]
    assert REWRITER.rewrite("And for how long are they valid?", history) == (
        "For how long are the first general licences valid?"
    )
    # What firms do: "they" is the firms the answer listed.
    assert REWRITER.rewrite("Where are they based?", history) == (
        "Where are JL Mag Rare-Earth, Ningbo Yunsheng and Beijing Zhong Ke San Huan High-Tech "
        "based?"
    )


@pytest.mark.parametrize(
    ("previous", "fragment", "expected"),
    [
        (
            "How much rare earth goes into an F-35 fighter jet?",
            "And into a Virginia-class submarine?",
            "How much rare earth goes into a Virginia-class submarine?",
        ),
        (
            "What were European dysprosium oxide prices doing in spring 2025?",
            "And by late November?",
            "What were European dysprosium oxide prices doing by late November?",
        ),
        (  # an acronym stands for an acronym; the fragment's article replaces the old one
            "What did BIS suspend after Busan?",
            "What about USTR?",
            "What did USTR suspend after Busan?",
        ),
        (
            "How much rare earth goes into an F-35?",
            "And a destroyer?",
            "How much rare earth goes into a destroyer?",
        ),
    ],
)
def test_parallel_substitution(previous: str, fragment: str, expected: str) -> None:
    assert REWRITER.rewrite(fragment, [turn(previous)]) == expected


def test_an_of_fragment_replaces_the_of_phrase() -> None:
    previous = "What share of refined rare-earth output did China have in 2023 per the IEA?"
    rewritten = REWRITER.rewrite("And of magnet manufacturing?", [turn(previous)])
    assert "share of magnet manufacturing" in rewritten
    assert "refined" not in rewritten and "in 2023 per the IEA?" in rewritten


def test_it_after_a_meeting_question_is_the_meeting() -> None:
    previous = "Where did Trump and Xi meet in October?"
    rewritten = REWRITER.rewrite("How long did it last?", [turn(previous)])
    assert rewritten == "How long did the meeting of Trump and Xi in October last?"
    # A verb of a thing, not of named people, is no event to name.
    rewritten = REWRITER.rewrite(
        "When did it start?", [turn("When did the suspension meet resistance?")]
    )
    assert "meeting" not in rewritten


def test_a_fragment_never_doubles_its_article() -> None:
    previous = "Which of the firms that got licences got the widest one?"
    rewritten = REWRITER.rewrite("And the narrowest?", [turn(previous)])
    assert "the the" not in rewritten.lower() and "narrowest" in rewritten


def test_parallel_substitution_uses_the_embedding_when_given() -> None:
    calls: list[list[str]] = []

    def embed(texts: list[str]) -> list[list[float]]:
        calls.append(texts)
        # "terbium" is like "dysprosium" and nothing else
        return [[1.0, 0.0] if t in ("terbium", "dysprosium") else [0.0, 1.0] for t in texts]

    rewriter = HeuristicRewriter(embed)
    previous = "What was dysprosium going for in late November 2025?"
    assert rewriter.rewrite("and terbium?", [turn(previous)]) == (
        "What was terbium going for in late November 2025?"
    )
    assert calls and calls[0][0] == "terbium"


def test_never_a_context_suffix() -> None:
    for follow_up in ("For how long?", "And why?", "What about it?", "And the US side?"):
        rewritten = REWRITER.rewrite(follow_up, [turn("What does the suspension cover?")])
        assert "(context:" not in rewritten and rewritten.endswith("?")


def test_self_contained_question_unchanged() -> None:
    new = "Which rare earth elements did Beijing put under export licensing in April 2025?"
    assert REWRITER.rewrite(new, [turn("What does the suspension cover?")]) == new
    # short, but with a subject and an object of its own (not "Which of the suspension
    # firms got licences?"); "Which ones got approved?" has neither and follows up
    short = "Which firms got licences?"
    assert REWRITER.rewrite(short, [turn("What does the suspension cover?")]) == short
    assert REWRITER.rewrite("Which firms got approved?", [turn("How many EU firms applied?")]) != (
        "Which firms got approved?"
    )


def test_no_history_no_rewrite() -> None:
    assert REWRITER.rewrite("  For how long?  ", []) == "For how long?"


def test_topic_carries_over_two_turns() -> None:
    first = turn("What did Announcement No. 70 suspend?")
    second_q = "Until when?"
    second = turn(second_q, REWRITER.rewrite(second_q, [first]))
    assert second.answer.standalone_question == "Until when did Announcement No. 70 suspend?"
    third = REWRITER.rewrite("Who issued it?", [first, second])
    assert third == "Who issued Announcement No. 70?"


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


def test_name_lists() -> None:
    assert name_lists(LIST_ANSWER) == [FIRMS]
    assert name_lists("Donald Trump and Xi Jinping met in Busan.") == [
        ["Donald Trump", "Xi Jinping"]
    ]
