"""Reply parsing, quote spans and citation checks, without any model."""

from __future__ import annotations

from briefing.answering.prompt import INSUFFICIENT_EVIDENCE
from briefing.answering.verify import best_quote, parse_reply, render, verify_reply
from briefing.types import Statement


def test_parse_reply_moves_trailing_markers_to_their_sentence():
    reply = "Exports fell 12% in October. [2] A group said 15% [2, 3]. Both agree. [1-2][4]"
    assert parse_reply(reply) == [
        ("Exports fell 12% in October.", (2,)),
        ("A group said 15%.", (2, 3)),
        ("Both agree.", (1, 2, 4)),
    ]


def test_parse_reply_ignores_reasoning_blocks():
    assert parse_reply("<think>Passage 1 says so.</think>The firms got licences [1].") == [
        ("The firms got licences.", (1,))
    ]


def test_best_quote_is_an_exact_document_span(passages, documents):
    passage = passages[0]
    quote, start, end = best_quote(passage, "Zhong Ke San Huan and JL Mag are among the firms.")
    assert quote == "The firms are JL Mag, Ningbo Yunsheng and Zhong Ke San Huan."
    assert documents["mofcom-licences"][start:end] == quote
    assert start > passage.chunk.start  # offset into the document, not the chunk


def test_best_quote_joins_two_sentences_when_both_are_needed(passages, documents):
    sentence = "MOFCOM licensed three firms on 1 December 2025: JL Mag, Ningbo Yunsheng, Zhong Ke."
    quote, start, end = best_quote(passages[0], sentence)
    assert quote.startswith("MOFCOM granted") and quote.endswith("Zhong Ke San Huan.")
    assert documents["mofcom-licences"][start:end] == quote


def test_markers_are_renumbered_in_order_of_first_use(passages):
    reply = (
        "A European trade group put the decline at 15% [2]. "
        "The licences are valid for one year [1]. "
        "Rare-earth magnet exports fell 12% in October [2]."
    )
    answer = verify_reply("q", reply, passages, backend="test")
    assert [s.markers for s in answer.statements] == [(1,), (2,), (3,)]
    assert [c.doc_id for c in answer.citations] == [
        "reuters-exports",
        "mofcom-licences",
        "reuters-exports",
    ]
    assert answer.citations[0].quote == "A European trade group put the decline at 15%."


def test_same_quote_cited_twice_keeps_one_marker(passages):
    reply = "Exports fell 12% in October [2]. Customs data showed exports fell 12% [2]."
    answer = verify_reply("q", reply, passages, backend="test")
    assert [s.markers for s in answer.statements] == [(1,), (1,)]
    assert len(answer.citations) == 1


def test_disagreeing_sources_both_stay_cited(disagreeing_passages):
    # Passage [2] alone supports the sentence, but [1] is the source of the ministry's figure.
    reply = (
        "Exports fell 12% in October, the ministry said [1], while a European trade group "
        "put the decline at 15% [2]."
    )
    answer = verify_reply("q", reply, disagreeing_passages, backend="test")
    assert answer.statements[0].markers == (1, 2)
    assert [c.doc_id for c in answer.citations] == ["ministry-exports", "reuters-exports"]
    assert answer.citations[0].quote == "Exports fell 12% in October, the ministry said."


def test_irrelevant_extra_citation_is_pruned(passages):
    reply = "A European trade group put the decline at 15% [1][2]."
    answer = verify_reply("q", reply, passages, backend="test")
    assert answer.statements[0].markers == (1,)
    assert [c.doc_id for c in answer.citations] == ["reuters-exports"]


def test_uncited_supported_sentence_gets_its_passage(passages):
    answer = verify_reply("q", "The licences are valid for one year.", passages, backend="test")
    assert answer.text == "The licences are valid for one year [1]."
    assert answer.citations[0].doc_id == "mofcom-licences"
    assert "added citation" in answer.reason


def test_wrong_passage_cited_is_dropped(passages):
    # True sentence, but the cited passage [2] (Reuters exports) does not say it.
    reply = "The licences are valid for one year [2]. Exports fell 12% in October [2]."
    answer = verify_reply("q", reply, passages, backend="test")
    assert [s.text for s in answer.statements] == ["Exports fell 12% in October."]
    assert "dropped 1 sentence" in answer.reason


def test_nothing_supported_abstains_with_nearest(passages):
    answer = verify_reply(
        "Who makes magnets?", "Prices doubled in 2024 [1].", passages, backend="t"
    )
    assert answer.abstained and answer.statements == ()
    assert len(answer.nearest) == 2 and answer.nearest[0].marker == 1
    assert "no sentence" in answer.reason


def test_sentinel_after_markdown_still_abstains(passages):
    answer = verify_reply("q", f"**{INSUFFICIENT_EVIDENCE}**", passages, backend="test")
    assert answer.abstained


def test_render_puts_markers_before_the_full_stop():
    statements = [Statement("It rose.", (1, 2)), Statement("No stop", (3,)), Statement("Plain.")]
    assert render(statements) == "It rose [1][2]. No stop [3] Plain."
