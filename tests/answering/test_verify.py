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
    assert "added a citation to 1 uncited sentence" in answer.reason


def test_wrong_passage_cited_moves_to_the_passage_that_says_it(passages):
    # True sentence, but the cited passage [2] (Reuters exports) does not say it; small
    # models number their list items, not the passages, so the citation is corrected.
    reply = "The licences are valid for one year [2]. Exports fell 12% in October [2]."
    answer = verify_reply("q", reply, passages, backend="test")
    assert [s.text for s in answer.statements] == [
        "The licences are valid for one year.",
        "Exports fell 12% in October.",
    ]
    assert [c.doc_id for c in answer.citations] == ["mofcom-licences", "reuters-exports"]
    assert "moved the citation of 1 sentence(s) to the passage that supports it" in answer.reason


def test_sentence_no_passage_supports_is_dropped(passages):
    reply = "The licences are valid for two years [1]. Exports fell 12% in October [2]."
    answer = verify_reply("q", reply, passages, backend="test")
    assert [s.text for s in answer.statements] == ["Exports fell 12% in October."]
    assert "dropped 1 sentence" in answer.reason
    assert "number 2 is in no cited passage" in answer.reason  # "two years" vs "one year"


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


class KeywordRelevance:
    """A Relevance at our own seam: 1.0 when the sentence names ``word``, else 0.0."""

    def __init__(self, word: str) -> None:
        self.word = word
        self.calls: list[tuple[str, str, int]] = []

    def score(self, question, sentence, evidence=()):
        self.calls.append((question, sentence, len(evidence)))
        return 1.0 if self.word in sentence else 0.0


def test_numbered_reply_keeps_each_sentence_with_its_own_passage(passages):
    # Before, "[2]" was read as the first sentence's and the second sentence was checked
    # against no passage at all.
    reply = (
        "[1] The licences are valid for one year.\n"
        "[2] Rare-earth magnet exports fell 12% in October."
    )
    answer = verify_reply("q", reply, passages, backend="test")
    assert [s.text for s in answer.statements] == [
        "The licences are valid for one year.",
        "Rare-earth magnet exports fell 12% in October.",
    ]
    assert [c.doc_id for c in answer.citations] == ["mofcom-licences", "reuters-exports"]
    assert answer.reason == ""


def test_cut_off_reply_drops_its_unfinished_sentence(passages):
    reply = "[1] The licences are valid for one year.\n[2] Rare-earth magnet exports fell 12% in"
    cut = verify_reply("q", reply, passages, backend="test", truncated=True)
    assert [s.text for s in cut.statements] == ["The licences are valid for one year."]
    assert "cut off at the model's token limit" in cut.reason
    assert "exports fell 12% in" in cut.reason
    # Not cut off: the same last words are a (supported) fragment of a sentence, kept.
    whole = verify_reply("q", reply, passages, backend="test")
    assert len(whole.statements) == 2


def test_finished_last_sentence_of_a_cut_reply_stays(passages):
    reply = "[1] The licences are valid for one year.\n[2]"
    answer = verify_reply("q", reply, passages, backend="test", truncated=True)
    assert answer.text == "The licences are valid for one year [1]."
    assert "cut off" in answer.reason and "unfinished" not in answer.reason


def test_repeated_sentences_are_removed(passages):
    sentence = "The licences are valid for one year."
    reply = "\n".join(f"[{n}] {sentence}" for n in (1, 2, 2)) + "\n[1] The licences are valid."
    answer = verify_reply("q", reply, passages, backend="test")
    assert [s.text for s in answer.statements] == [sentence]
    assert "removed 3 repeated sentence(s)" in answer.reason


def test_answer_is_cut_to_the_word_limit_at_a_sentence_boundary(passages):
    reply = (
        "[1] MOFCOM granted general export licences to three rare-earth magnet makers on "
        "1 December 2025.\n[1] The firms are JL Mag, Ningbo Yunsheng and Zhong Ke San Huan.\n"
        "[2] Rare-earth magnet exports fell 12% in October."
    )
    capped = verify_reply("q", reply, passages, backend="test", max_words=20)
    assert len(capped.statements) == 1  # 14 words, then 11 more would pass 20
    assert "cut to the 20-word limit: dropped the last 2 sentence(s)" in capped.reason
    assert len(verify_reply("q", reply, passages, backend="test").statements) == 3
    first_only = verify_reply("q", reply, passages, backend="test", max_words=5)
    assert len(first_only.statements) == 1  # the first sentence is kept whatever its length


def test_lead_in_that_states_nothing_is_dropped(passages):
    reply = "The notice says the following:\n[1] The licences are valid for one year."
    answer = verify_reply("q", reply, passages, backend="test")
    assert answer.text == "The licences are valid for one year [1]."
    assert 'dropped a lead-in that states nothing: "The notice says the following:"' in (
        answer.reason
    )


def test_sentences_off_the_question_are_dropped_at_the_relevance_seam(passages):
    relevance = KeywordRelevance("licences")
    reply = "[1] The licences are valid for one year.\n[2] Rare-earth magnet exports fell 12%."
    answer = verify_reply("q?", reply, passages, backend="test", relevance=relevance)
    assert [s.text for s in answer.statements] == ["The licences are valid for one year."]
    assert "dropped 1 sentence(s) off the question (relevance < 0.45)" in answer.reason
    assert relevance.calls[0] == ("q?", "The licences are valid for one year.", 1)
    everything_off = verify_reply(
        "q?", "[2] Rare-earth magnet exports fell 12%.", passages, backend="t", relevance=relevance
    )
    assert everything_off.abstained and "off the question" in everything_off.reason
    off = verify_reply("q?", reply, passages, backend="t", relevance=relevance, min_relevance=0)
    assert len(off.statements) == 2  # min_relevance=0 turns the check off


def test_fragment_answer_naming_the_wrong_person_abstains(passages):
    # "Xi Jinping [1]" for a chairman: the cited passage never mentions a chairman.
    answer = verify_reply(
        "Who is the chairman of JL Mag?", "[1] Ningbo Yunsheng", passages, backend="test"
    )
    assert answer.abstained
    assert "'chairman'" in answer.reason


def test_sentence_attributed_to_the_wrong_source_is_dropped(passages):
    reply = "According to Reuters, the licences are valid for one year [1]."
    answer = verify_reply("q", reply, passages, backend="test")
    # Passage [1] is MOFCOM's notice (source MOFCOM), and its sentence names no one.
    assert answer.abstained and "attributed to 'Reuters'" in answer.reason
    ok = verify_reply("q", reply.replace("Reuters", "MOFCOM"), passages, backend="test")
    assert not ok.abstained
