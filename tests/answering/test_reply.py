"""Reply parsing: both marker conventions, on hand-made replies and every recorded one."""

from __future__ import annotations

import re

import pytest
from replaykit import recorded

from briefing.answering.reply import is_finished, parse_reply, uses_leading_markers


def test_markers_written_before_each_sentence_open_it():
    # The example: this used to give [(A, (1, 2)), (B, (3,)), (C, ())].
    assert parse_reply("[1] Exports fell. [2] Prices rose. [3] Talks resumed.") == [
        ("Exports fell.", (1,)),
        ("Prices rose.", (2,)),
        ("Talks resumed.", (3,)),
    ]
    assert parse_reply("[1] Exports fell 12%.\n[2][3] Prices rose.") == [
        ("Exports fell 12%.", (1,)),
        ("Prices rose.", (2, 3)),
    ]


def test_markers_written_after_each_sentence_close_it():
    reply = "Exports fell 12% in October. [2] A group said 15% [2, 3]. Both agree. [1-2][4]"
    assert not uses_leading_markers(reply)
    assert parse_reply(reply) == [
        ("Exports fell 12% in October.", (2,)),
        ("A group said 15%.", (2, 3)),
        ("Both agree.", (1, 2, 4)),
    ]
    assert parse_reply("Exports fell [1].\nPrices rose [2].") == [
        ("Exports fell.", (1,)),
        ("Prices rose.", (2,)),
    ]


def test_a_marker_left_at_the_end_of_a_numbered_reply_cites_nothing():
    # A reply cut at the token limit: "[2]" opened a sentence that was never written.
    assert parse_reply("[1] Exports fell 12%.\n[2]") == [("Exports fell 12%.", (1,))]
    # In the other convention a closing run on its own line still belongs to the sentence.
    assert parse_reply("Exports fell 12%.\n[1][2]") == [("Exports fell 12%.", (1, 2))]


def test_list_lines_without_full_stops_and_initial_like_endings_split():
    assert parse_reply("[1] samarium\n[2] gadolinium") == [("samarium", (1,)), ("gadolinium", (2,))]
    reply = "[3] Reserves are 44 million t.\n[4] Prices rose."
    assert parse_reply(reply) == [("Reserves are 44 million t.", (3,)), ("Prices rose.", (4,))]


def test_talk_about_the_prompt_is_cut():
    assert parse_reply('[1] The passage states: "Trade press reported a rise."') == [
        ("Trade press reported a rise.", (1,))
    ]
    assert parse_reply("According to the passages, exports fell [2].") == [("Exports fell.", (2,))]
    # "The source article says" is the corpus's own wording, not talk about the prompt.
    assert parse_reply("The source article says it lasts [1].")[0][0].startswith("The source")


def test_is_finished():
    assert is_finished("It fell 12%.") and is_finished('He said "yes."')
    assert not is_finished("No European company had confirmed it as of 18")


def _written_markers(raw: str) -> list[tuple[int, ...]]:
    """The markers each line of a numbered reply opens with (an oracle independent of
    the parser: one sentence per line, or per marker run within a line)."""
    out = []
    for line in raw.splitlines():
        for piece in re.split(r"(?<=[.!?])\s+(?=\[)", line):
            run = re.match(r"\s*((?:\[\d+\])*)\s*(.*)", piece)
            if run and run.group(2).strip():
                out.append(tuple(int(n) for n in re.findall(r"\d+", run.group(1))))
    return out


@pytest.mark.parametrize("item", recorded(), ids=lambda r: f"reply{r.index}")
def test_every_recorded_reply_parses_into_its_sentences_and_markers(item):
    parsed = parse_reply(item.raw_reply)
    assert parsed, "every recorded reply has at least one sentence"
    for sentence, _ in parsed:
        assert "[" not in sentence, "no marker left in a sentence"
        assert sentence.split()[0].strip('"') in item.raw_reply or sentence[0].isupper()
    if uses_leading_markers(item.raw_reply):
        assert [markers for _, markers in parsed] == _written_markers(item.raw_reply)
    else:  # one plain sentence or INSUFFICIENT_EVIDENCE
        assert len(parsed) == 1


def test_recorded_replies_cover_both_shapes():
    shapes = {uses_leading_markers(r.raw_reply) for r in recorded()}
    assert shapes == {True, False}
    assert sum(r.truncated for r in recorded()) == 2


@pytest.mark.parametrize(
    ("marker", "numbers"),
    [("[1]", [1]), ("[1, 2]", [1, 2]), ("[1-3]", [1, 2, 3]), ("[passage 2]", [2])],
)
def test_one_marker_grammar_for_replies_answers_and_the_web(marker, numbers):
    from briefing.text import strip_markers
    from briefing.web.formatting import render_answer_text

    text = f"Exports fell 12% {marker}."
    assert parse_reply(text) == [("Exports fell 12%.", tuple(numbers))]
    assert strip_markers(text) == "Exports fell 12%."
    html = render_answer_text(text, turn=1, markers=frozenset(numbers))
    assert html.count('class="cite-link"') == len(numbers)
