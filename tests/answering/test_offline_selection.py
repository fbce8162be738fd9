"""Selection rules of the offline answerer: continuation sentences, question numbers,
descriptive names after "which", attribution without dates. Hashing fake embeddings."""

from __future__ import annotations

from test_offline import HashingEmbeddings

from briefing.answering.offline import OfflineAnswerer
from briefing.answering.question import analyse_question, term_key
from briefing.types import Chunk, Passage


def _passage(doc_id: str, text: str, source: str = "Notes", rank: int = 0) -> Passage:
    chunk = Chunk(f"{doc_id}-0", doc_id, text, 0, len(text), (), 0, doc_id, "news", "", source, "")
    return Passage(chunk=chunk, score=1.0 / (1 + rank))


def test_continuation_of_the_best_sentence_is_kept() -> None:
    text = (
        "Announcement No. 72 of the ministry was issued on 9 November 2025.\n"
        "It suspends clause 2 of Announcement No. 46 until 27 November 2026.\n"
        "Rice harvests in the delta were strong and farmers sold grain early.\n"
    )
    # Bag-of-words fake: the follow-on shares few words with the question.
    answerer = OfflineAnswerer(HashingEmbeddings(), max_sentences=1, min_similarity=0.1)
    answer = answerer.answer("What did ministry Announcement No. 72 do?", [_passage("notes", text)])
    assert not answer.abstained
    assert "27 November 2026" in answer.text  # the follow-on sentence, despite max 1
    assert "Rice" not in answer.text


def test_question_numbers_single_out_their_sentence() -> None:
    text = (
        "Announcement No. 70 suspends the October export measures on rare earths.\n"
        "Announcement No. 72 suspends the ban on gallium exports to America.\n"
    )
    answer = OfflineAnswerer(HashingEmbeddings(), max_sentences=1).answer(
        "What does announcement 72 suspend?", [_passage("notes", text)]
    )
    assert answer.text.startswith("Announcement No. 72")


def test_descriptive_name_after_which_is_not_a_required_term() -> None:
    assert analyse_question("Which Japanese company is San Huan's partner?").key_terms == (
        "san",
        "huan",
    )
    assert analyse_question("Have Indian buyers received licences?").key_terms == ("indian",)
    assert analyse_question("Which MOFCOM rule applies?").key_terms == ("mofcom",)


def test_term_keys_unify_spelling_variants() -> None:
    assert term_key("licence") == term_key("license") == term_key("licens")
    assert term_key("rule") == term_key("rul")
    assert term_key("china'") == term_key("china")


def test_disagreement_attribution_uses_the_source_name_only() -> None:
    reuters = _passage(
        "a", "Reuters says the first general licences last one year.\n", "Reuters, 2 Dec 2025"
    )
    article = _passage(
        "b", "The general licences last three years under the framework.\n", "Trade Daily", 1
    )
    answer = OfflineAnswerer(HashingEmbeddings()).answer(
        "How long do the general licences last?", [reuters, article]
    )
    assert "disagree" in answer.reason
    assert "2 Dec" not in answer.text
    assert "According to Trade Daily, the general licences last three years" in answer.text


def test_names_count_skips_calendar_words_and_the_quoted_source() -> None:
    from briefing.answering.sentence_features import sentence_features

    negative = sentence_features(
        "No European company had confirmed a licence as of 18 December 2025, according to Reuters."
    )
    firms = sentence_features(
        "The licences went to JL Mag Rare-Earth, Ningbo Yunsheng and Beijing Zhong Ke San Huan."
    )
    assert negative.names == 1  # "European"; not "December", not the source "Reuters"
    assert firms.names == 3


def test_percent_figures_are_recognised_before_punctuation() -> None:
    from briefing.answering.sentence_features import normalise_figures

    assert normalise_figures("China's share was about 69%.") == ("69 %",)
    assert normalise_figures("It fell from 20% to 10%, then 92 percent") == (
        "20 %",
        "10 %",
        "92 %",
    )
    assert normalise_figures("valid for three years") == ("3 year",)


def test_a_restated_figure_is_no_disagreement() -> None:
    # "from 20% to 10%" and "to 10%" agree: no attribution, no disagreement reason.
    first = _passage("a", "Trump said the fentanyl tariff would fall from 20% to 10%.\n", "Reuters")
    second = _passage(
        "b", "Executive orders cut the fentanyl tariff to 10% from 10 November.\n", "Wire", 1
    )
    answer = OfflineAnswerer(HashingEmbeddings()).answer(
        "What happened to the fentanyl tariff?", [first, second]
    )
    assert not answer.abstained
    assert "disagree" not in answer.reason
    assert "According to" not in answer.text


def test_a_different_figure_for_the_same_measure_is_added_below_the_cutoff() -> None:
    refining = _passage(
        "a", "China holds about 85 to 90 percent of rare earth refining capacity.\n", "Article"
    )
    agency = _passage(
        "b",
        "The agency says China holds 92% of rare earth refining capacity.\n"
        "Rice harvests in the delta were strong.\n",
        "IEA",
        5,
    )
    answerer = OfflineAnswerer(HashingEmbeddings(), max_sentences=1, relative_score=0.99)
    answer = answerer.answer(
        "What share of rare earth refining capacity does China hold?", [refining, agency]
    )
    assert "85 to 90 percent" in answer.statements[0].text
    assert any("92%" in s.text for s in answer.statements[1:])
    assert "disagree" in answer.reason
    assert "Rice" not in answer.text


def test_another_speakers_view_of_the_same_thing_is_added() -> None:
    text = (
        "MOFCOM describes the general licences as an add-on to controls that remain in force.\n"
        "The general licences were granted to three magnet makers in December.\n"
        "The White House calls the general licences the de facto removal of the controls.\n"
        "The law firm describes the October measures as a first for China.\n"
    )
    answerer = OfflineAnswerer(HashingEmbeddings(), max_sentences=1, relative_score=0.99)
    answer = answerer.answer(
        "Do the general licences end the controls that remain in force?", [_passage("n", text)]
    )
    assert "add-on" in answer.statements[0].text
    assert "de facto removal" in answer.text
    assert "law firm" not in answer.text  # a view of another thing


def test_the_named_attribute_of_a_question_is_extracted() -> None:
    from briefing.answering.question import requested_attribute

    assert requested_attribute("Who is its chairman?") == "chairman"
    assert requested_attribute("What fine does an exporter face?") == "fine"
    assert requested_attribute("How many tonnes did JL Mag ship?") == "tonnes"
    assert requested_attribute("What is the reason for the controls?") is None  # generic
    assert requested_attribute("Which companies got licences?") is None


def test_abstains_when_the_best_sentence_lacks_the_asked_for_attribute() -> None:
    text = (
        "San Huan is a magnet maker listed in Shenzhen under code 000970.\n"
        "San Huan received a general licence for some customers.\n"
    )
    answerer = OfflineAnswerer(HashingEmbeddings(), min_similarity=0.1, answer_similarity=0.1)
    refused = answerer.answer("Who is the chairman of San Huan?", [_passage("n", text)])
    assert refused.abstained
    assert "chairman" in refused.reason
    with_chair = text + "The chairman of San Huan is Wang Zhen, the maker said.\n"
    answer = answerer.answer("Who is the chairman of San Huan?", [_passage("n", with_chair)])
    assert not answer.abstained
    assert "Wang Zhen" in answer.statements[0].text
