"""Sentence spans: abbreviations and numbers of this corpus must not split; real ends must."""

from __future__ import annotations

import pytest

from briefing.corpus.sentences import sentence_spans, split_paragraphs


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


@pytest.mark.parametrize(
    "text",
    [
        "MOFCOM issued Announcement No. 61 on 9 October 2025.",
        "Announcements Nos. 55-58 were issued with customs.",
        "The U.S. Commerce Department welcomed the move.",
        "The threshold is 0.1% of the value of the item.",
        "Terbium traded at about $3,700/kg in late November.",
        "Some buyers, e.g. Ford, paused production.",
        "It took approx. 45 working days to approve.",
        "The rules were due on Dec. 1 and later suspended.",
        "By Jan. 5 the first shipments had left.",
        "Mr. Wang said the licences last one year.",
        "St. Louis and Dr. Smith were mentioned.",
        "J. L. Mag was the first licensee.",
        "Prices rose 3.5 times, i.e. Beijing had leverage.",
    ],
)
def test_abbreviations_and_numbers_do_not_split(text: str) -> None:
    assert sentences(text) == [text]


def test_splits_at_period_question_and_exclamation() -> None:
    text = 'Is it final? No! "Quoted" text follows. 2025 was busy. (Aside.) Done.'
    assert sentences(text) == [
        "Is it final?",
        "No!",
        '"Quoted" text follows.',
        "2025 was busy.",
        "(Aside.)",
        "Done.",
    ]


def test_lower_case_after_period_does_not_split() -> None:
    assert sentences("Exports fell. and then rose.") == ["Exports fell. and then rose."]


def test_no_followed_by_words_is_a_sentence_end() -> None:
    assert sentences("He said no. Then he left.") == ["He said no.", "Then he left."]


def test_month_abbreviation_without_number_ends_sentence() -> None:
    assert sentences("It happened in Dec. The next year was calm.") == [
        "It happened in Dec.",
        "The next year was calm.",
    ]


def test_markdown_headings_and_bullets_are_own_units_without_markers() -> None:
    text = "## Licence validity\nA licence lasts a year\n\n- first item\n* second item\n1. third"
    assert sentences(text) == [
        "Licence validity",
        "A licence lasts a year",
        "first item",
        "second item",
        "third",
    ]


def test_line_without_punctuation_then_capital_is_a_boundary() -> None:
    text = (
        "What Triggered the Controls\nChina escalated in October.\n"
        "Did you know?\nChina refines most."
    )
    assert sentences(text) == [
        "What Triggered the Controls",
        "China escalated in October.",
        "Did you know?",
        "China refines most.",
    ]


def test_hard_wrapped_sentence_is_joined() -> None:
    text = (
        "The licences are tied to named\ncustomers and last one year, according to\nReuters. Next."
    )
    assert sentences(text) == [
        "The licences are tied to named\ncustomers and last one year, according to\nReuters.",
        "Next.",
    ]


def test_acronym_at_line_end_ends_sentence() -> None:
    assert sentences("Shipments went to the U.S.\nThe EU waited.") == [
        "Shipments went to the U.S.",
        "The EU waited.",
    ]


def test_spans_are_stripped_and_index_the_text() -> None:
    text = "  First one.   Second one.  \n\n\n  Third.  "
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["First one.", "Second one.", "Third."]
    assert all(text[s:e] == text[s:e].strip() for s, e in spans)


def test_empty_and_whitespace_text() -> None:
    assert sentence_spans("") == []
    assert sentence_spans(" \n\n ") == []


def test_split_paragraphs() -> None:
    text = "\nOne line.\nTwo line.\n\n  \nThree.\n"
    assert [text[s:e] for s, e in split_paragraphs(text)] == ["One line.\nTwo line.", "Three."]
