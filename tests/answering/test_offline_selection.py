"""The offline answerer's parts without a model: selection with given probabilities,
the list lead, the features that tell an answer from a restatement, question analysis."""

from __future__ import annotations

import numpy as np
import pytest

from briefing.answering.analysis import (
    Analysis,
    beyond_sources,
    missing_key_terms,
    names_only_counted,
    past_after_sources,
    task_request,
)
from briefing.answering.candidates import Candidate, build_candidates
from briefing.answering.compose import compose, enumerates, list_items
from briefing.answering.features import (
    asked_source,
    attribute_match,
    predicate_text,
    profile_match,
)
from briefing.answering.question import analyse_question, requested_attribute, term_key
from briefing.answering.selection import SelectionLimits, has_conflict, lead_first, select
from briefing.types import Chunk, Passage


def _passage(doc_id: str, text: str, source: str = "Notes", rank: int = 0) -> Passage:
    chunk = Chunk(f"{doc_id}-0", doc_id, text, 0, len(text), (), 0, doc_id, "news", "", source, "")
    return Passage(chunk=chunk, score=1.0 / (1 + rank))


def _scored(passages: list[Passage], probabilities: list[float]) -> list[Candidate]:
    """Candidates with the given probabilities and orthogonal unit vectors (no two alike)."""
    candidates = build_candidates(passages)
    assert len(candidates) == len(probabilities)
    for i, (c, p) in enumerate(zip(candidates, probabilities, strict=True)):
        c.probability = p
        c.vector = np.eye(len(candidates), dtype=np.float32)[i]
    return candidates


def test_select_keeps_the_best_and_probable_extras_in_order() -> None:
    text = (
        "Beijing froze the October package of export rules on magnets and technology.\n"
        "The suspension under Announcement No. 70 runs until 10 November 2026.\n"
        "Rice harvests in the delta were strong and farmers sold grain early.\n"
    )
    candidates = _scored([_passage("n", text)], [0.4, 0.9, 0.05])
    profile = analyse_question("What does the suspension cover, and for how long?")
    chosen = select(profile, candidates, SelectionLimits(), extra=0.2, extra_share=0.3)
    assert [c.text[:20] for c in chosen] == [candidates[1].text[:20], candidates[0].text[:20]]
    strict = select(profile, candidates, SelectionLimits(), extra=0.2, extra_share=0.5)
    assert strict == [candidates[1]]  # 0.4 < 0.5 x 0.9


def test_the_lead_model_picks_which_chosen_sentence_comes_first() -> None:
    text = (
        "Announcement No. 18 of 2025 took effect on the day it was issued.\n"
        "MOFCOM and the General Administration of Customs issued it on 4 April 2025.\n"
        "The April controls cover seven medium and heavy rare earths in all.\n"
    )
    candidates = _scored([_passage("n", text)], [0.6, 0.5, 0.3])
    for candidate, lead in zip(candidates, [0.4, 0.7, 0.7], strict=True):
        candidate.lead = lead
    led = lead_first(candidates)
    # The highest lead moves up (the first of equals); the others keep their order.
    assert led == [candidates[1], candidates[0], candidates[2]]
    assert lead_first(candidates[:1]) == candidates[:1]


def test_a_list_question_leads_with_a_sentence_that_lists_the_items() -> None:
    text = (
        "Reuters reported that China had granted its first general licences.\n"
        "They went to three magnet makers: JL Mag Rare-Earth, Ningbo Yunsheng and Beijing "
        "Zhong Ke San Huan High-Tech.\n"
    )
    candidates = _scored([_passage("n", text)], [0.6, 0.4])
    candidates[0].lead, candidates[1].lead = 0.9, 0.5
    listing = analyse_question("Which companies were granted the first general licences?")
    assert lead_first(candidates, listing) == [candidates[1], candidates[0]]
    single = analyse_question("When were the first general licences granted?")
    assert lead_first(candidates, single) == candidates  # not a list question
    candidates[1].probability = 0.2  # under half the best: not an answer worth leading with
    assert lead_first(candidates, listing) == candidates


def test_a_list_of_the_question_s_own_items_lists_nothing() -> None:
    from briefing.answering.question import echoes

    question = "What do Announcements 55, 56 and 58 cover?"
    suspends = "Announcement No. 70 suspends Announcements No. 55, 56, 57, 58, 61 and 62 of 2025."
    assert echoes("Announcements No. 55, 56, 57, 58, 61 and 62 of 2025", question)
    assert not echoes("55, 56, 57, 58, 61 and 62", "What does the suspension cover?")
    assert enumerates(suspends) and not enumerates(suspends, question=question)
    text = f"{suspends}\nAnnouncement No. 55 covers superhard materials.\n"
    candidates = _scored([_passage("n", text)], [0.6, 0.5])
    candidates[0].lead, candidates[1].lead = 0.5, 0.9
    profile = analyse_question(question)
    assert profile.is_list
    # without the question the list leads; with it, the lead model's choice stays
    assert lead_first(candidates, profile) == candidates
    assert lead_first(candidates, profile, question=question) == candidates[::-1]


def test_what_something_covers_is_a_list_question() -> None:
    """The items a measure covers are asked for as a list ("Nos. 55, 56, 57 ...")."""
    assert analyse_question("What does the suspension cover?").is_list
    assert analyse_question("what do 55, 56 and 58 include?").is_list
    assert not analyse_question("How far does the suspension reach in time?").is_list


def test_a_long_sentence_with_few_content_words_is_a_claim_not_furniture() -> None:
    from briefing.answering.sentence_features import sentence_features

    claim = "Announcement No. 70 suspends Announcements No. 55, 56, 57, 58, 61 and 62 of 2025."
    assert not sentence_features(claim).furniture
    assert sentence_features("All rights reserved.").furniture
    assert sentence_features("It was not there.").furniture


def test_a_question_for_elements_leads_with_a_list_of_elements() -> None:
    text = (
        "Beijing held controls over minerals essential to electric vehicles, renewable "
        "energy and defence systems.\n"
        "Announcement No. 57 adds five rare-earth elements: holmium, erbium, thulium, "
        "europium and ytterbium.\n"
    )
    candidates = _scored([_passage("n", text)], [0.6, 0.5])
    candidates[0].lead, candidates[1].lead = 0.9, 0.8
    elements = analyse_question("What extra elements did Beijing add to the list?")
    assert elements.wants_elements
    assert lead_first(candidates, elements) == [candidates[1], candidates[0]]
    industries = analyse_question("Which industries need the minerals?")
    assert not industries.wants_elements
    assert lead_first(candidates, industries) == candidates  # any list will do
    assert enumerates(text.splitlines()[0]) and not enumerates(text.splitlines()[0], elements=True)


def test_a_comparison_states_each_side() -> None:
    from briefing.answering.question import compared_names, names

    question = "how's JL Mag's licence different from Ningbo Yunsheng's?"
    assert compared_names(question) == ("jl mag", "ningbo yunsheng")
    assert compared_names("how does No. 70 differ from No. 72?") == ("no. 70", "no. 72")
    assert compared_names("Do Washington and Beijing see it the same way?") == (
        "washington",
        "beijing",
    )
    assert compared_names("What did JL Mag and Ningbo Yunsheng get?") == ()  # no comparison
    assert names("Zhong Ke San Huan's licence is narrower.", "beijing zhong ke san huan")
    assert not names("No. 700 was never issued.", "no. 70")
    text = (
        "The first licences went to JL Mag, Ningbo Yunsheng and San Huan.\n"
        "Ningbo Yunsheng's licence covers only some of its customers.\n"
        "JL Mag was founded in Ganzhou in 2008.\n"
        "JL Mag's licence covers nearly all of its customers.\n"
    )
    candidates = _scored([_passage("n", text)], [0.6, 0.5, 0.4, 0.3])
    for candidate, lead in zip(candidates, [0.5, 0.8, 0.2, 0.7], strict=True):
        candidate.lead = lead
    limits = SelectionLimits(max_sentences=3)
    profile = analyse_question(question)
    chosen = select(profile, candidates, limits, extra=0.1, extra_share=0.1)
    # The list names both and so is about neither; "founded" is about JL Mag, but the
    # sentence on its licence is what the lead model rates highest about it.
    assert candidates[3] in chosen
    plain = analyse_question("What did JL Mag's licence cover?")
    assert candidates[3] not in select(plain, candidates, limits, extra=0.1, extra_share=0.1)


def test_enumerations_of_long_names_and_before_a_bracket() -> None:
    assert enumerates(
        "They went to JL Mag Rare-Earth, Ningbo Yunsheng and Beijing Zhong Ke San Huan High-Tech."
    )
    assert enumerates("No. 70 suspends Nos. 55, 56, 57, 58, 61 and 62 (china-suspension-notices).")
    assert not enumerates("China and the US agreed on a one-year pause.")


def test_a_sentence_shaped_like_a_kept_one_with_another_figure_is_kept() -> None:
    text = (
        "Trade press reported that by late November 2025 dysprosium was about $910/kg.\n"
        "Trade press reported that by late November 2025 terbium was about $3,700/kg.\n"
        "30 November 2025: trade press reports dysprosium at about $910/kg.\n"
    )
    candidates = _scored([_passage("n", text)], [0.9, 0.8, 0.7])
    candidates[1].vector = candidates[0].vector  # as alike as can be
    candidates[2].vector = candidates[0].vector
    profile = analyse_question("What were dysprosium and terbium fetching in late November?")
    chosen = select(profile, candidates, SelectionLimits(), extra=0.1, extra_share=0.2)
    # The terbium price is a new fact; the timeline line repeats the dysprosium one with
    # a date, which is no new figure.
    assert chosen == candidates[:2]


def test_a_sentence_announcing_three_kinds_brings_the_three() -> None:
    text = (
        "Under Announcement No. 61, foreign parties need a licence to export three kinds of "
        "items. The first kind is magnets made abroad with 0.1% Chinese content. The second "
        "kind is items made abroad with Chinese technology. The third kind is listed items "
        "of Chinese origin. Separately, fourteen entities were listed on 9 October."
    )
    candidates = _scored([_passage("n", text)], [0.9, 0.05, 0.05, 0.05, 0.04])
    profile = analyse_question("What three kinds of items need a licence under No. 61?")
    chosen = select(profile, candidates, SelectionLimits(), extra=0.2, extra_share=0.3)
    assert chosen == candidates[:4]


def test_the_predicate_is_the_question_without_its_subject() -> None:
    question = "Who put out Announcement No. 18 of 2025, and on what date?"
    assert predicate_text(question, analyse_question(question)) == (
        "Who put out of , and on what date?"
    )
    question = "Which firms got licences from MOFCOM in December?"
    assert predicate_text(question, analyse_question(question)) == (
        "Which firms got licences from in ?"
    )


def test_select_respects_the_word_cap_and_drops_near_duplicates() -> None:
    text = (
        "JL Mag received a general licence covering nearly all of its customers.\n"
        "JL Mag received a general licence covering nearly all customers, Reuters said.\n"
        "Ningbo Yunsheng's general licence covers only some of its many customers abroad.\n"
    )
    candidates = _scored([_passage("n", text)], [0.9, 0.8, 0.7])
    profile = analyse_question("Which firms got general licences?")
    chosen = select(profile, candidates, SelectionLimits(), extra=0.1, extra_share=0.1)
    assert candidates[1] not in chosen  # repeats the best sentence's words
    assert candidates[2] in chosen
    capped = select(profile, candidates, SelectionLimits(max_words=14), extra=0.1, extra_share=0.1)
    assert capped == [candidates[0]]


def test_a_different_figure_from_another_document_is_kept_below_the_cutoff() -> None:
    article = _passage("a", "China holds about 85 to 90 percent of refining capacity.\n", "Art")
    agency = _passage("b", "China holds 92 percent of refining capacity.\n", "IEA")
    candidates = _scored([article, agency], [0.9, 0.35])
    candidates[1].vector = candidates[0].vector  # the same measure
    profile = analyse_question("What share of refining does China hold?")
    chosen = select(profile, candidates, SelectionLimits(), extra=0.5, extra_share=0.9)
    assert chosen == candidates  # 0.35 >= disagreement floor 0.3 x 0.9
    assert has_conflict(chosen)
    statements, _ = compose(profile, chosen, disagreement=True)
    assert statements[1].text == "According to IEA, China holds 92 percent of refining capacity."


def test_another_speakers_view_of_the_same_thing_is_added() -> None:
    text = (
        "MOFCOM describes the general licences as an add-on to controls that remain in force.\n"
        "The White House calls the general licences the de facto removal of the controls.\n"
        "The law firm describes the October measures as a first for China.\n"
    )
    candidates = _scored([_passage("n", text)], [0.9, 0.3, 0.3])
    for c in candidates:
        c.vector = candidates[0].vector
    profile = analyse_question("Do the general licences end the controls?")
    chosen = select(profile, candidates, SelectionLimits(), extra=0.5, extra_share=0.9)
    assert chosen == candidates[:2]  # the law firm speaks of another thing


def test_list_lead_is_built_from_exact_spans_of_the_cited_sentences() -> None:
    text = (
        "Ningbo Yunsheng's general licence covers only some of its customers.\n"
        "Beijing Zhong Ke San Huan's general licence also covers only some customers.\n"
    )
    candidates = _scored([_passage("n", text)], [0.8, 0.7])
    profile = analyse_question("Which firms' licences cover only some customers?")
    statements, citations = compose(profile, candidates, disagreement=False)
    lead = statements[0]
    assert lead.text == "Ningbo Yunsheng and Beijing Zhong Ke San Huan."
    assert lead.markers == (1, 2)
    assert [s.text for s in statements[1:]] == [c.text for c in candidates]
    assert all(
        item in c.quote for item, c in zip(("Ningbo Yunsheng", "Zhong Ke"), citations, strict=True)
    )


def test_list_lead_items_end_without_the_sentence_full_stop() -> None:
    text = (
        "Ningbo Yunsheng's general licence covers only some of its customers.\n"
        "No. 57 adds five elements: holmium, erbium, thulium, europium and ytterbium.\n"
    )
    candidates = _scored([_passage("n", text)], [0.8, 0.7])
    profile = analyse_question("Which firms and elements are named?")
    statements, _ = compose(profile, candidates, disagreement=False)
    assert statements[0].text == (
        "Ningbo Yunsheng; and holmium, erbium, thulium, europium and ytterbium."
    )


def test_no_list_lead_when_the_best_sentence_enumerates() -> None:
    text = (
        "The first licences went to three makers: JL Mag, Ningbo Yunsheng and San Huan.\n"
        "Ningbo Yunsheng's general licence covers only some of its customers.\n"
    )
    candidates = _scored([_passage("n", text)], [0.8, 0.7])
    profile = analyse_question("Which companies got the first licences?")
    statements, _ = compose(profile, candidates, disagreement=False)
    assert statements[0].text == candidates[0].text
    assert list_items(candidates[0], frozenset()) != ()


def test_list_items_skip_places_and_sentence_words() -> None:
    text = "China granted licences to firms.\nExporters need a licence.\n"
    candidates = _scored([_passage("n", text)], [0.5, 0.5])
    assert list_items(candidates[0], frozenset(), names=True) == ()
    assert list_items(candidates[1], frozenset(), names=True) == ()


def test_named_attributes_need_a_sentence_that_states_one() -> None:
    assert attribute_match("Who is JL Mag's chief executive?", "JL Mag is based in Ganzhou.") == 0
    assert attribute_match("Who is its CEO?", "Its chief executive is Cai Baogui.") == 1
    # "who runs" asks for the person at the head, not for anything about the firm
    assert attribute_match("Who runs Ningbo Yunsheng?", "It is listed in Shanghai.") == 0
    assert attribute_match("Who runs it?", "The firm's chairman spoke on Monday.") == 1
    assert attribute_match("What was JL Mag's 2024 revenue?", "It sold 312 million yuan.") == 1
    assert attribute_match("What was JL Mag's 2024 revenue?", "It shipped 5,000 t.") == 0
    assert attribute_match("Which firms got licences?", "Anything.") == 0.5
    # Exports are no revenue; the verb "quote" asks for a figure, not for a quotation.
    assert attribute_match("JL Mag's 2024 revenue?", "Its exports were 312 million yuan.") == 0
    assert attribute_match("What was Ningbo Yunsheng's revenue?", "Its revenue rose 5%.") == 1
    assert attribute_match("What fee did the US quote?", "The fee is $50 a ton.") == 1
    assert attribute_match("What tariff rate did Trump quote?", "It falls to 47%.") == 0.5
    assert attribute_match("What did Xi say? I need the quote.", "Xi spoke.") == 0


def test_profile_details_need_a_sentence_that_states_one() -> None:
    assert profile_match("When was JL Mag founded?", "JL Mag was founded in 2008.") == 1
    assert profile_match("When was JL Mag founded?", "JL Mag is listed in Shenzhen.") == 0
    assert profile_match("Where is JL Mag headquartered?", "It is based in Ganzhou.") == 1
    assert profile_match("Where is it based?", "A Ganzhou-based maker.") == 1
    assert profile_match("Who owns Nexperia?", "China resumes Nexperia's trade.") == 0
    assert profile_match("How much of the JV does Hitachi own?", "Hitachi holds 51%.") == 1
    assert profile_match("How many people does JL Mag employ?", "It ships 5,000 t.") == 0
    assert profile_match("What's JL Mag's share price?", "JL Mag's shares rose 4%.") == 1
    # Not profile questions: "its own", "based on", stock codes, market shares.
    assert profile_match("Did MOFCOM act on its own authority?", "Anything.") == 0.5
    assert profile_match("What is the fee based on?", "Anything.") == 0.5
    assert profile_match("What are JL Mag's stock codes?", "Anything.") == 0.5
    assert profile_match("What market share does China hold?", "Anything.") == 0.5


def test_names_asked_where_the_sentences_only_count_them() -> None:
    uel = "China added fourteen foreign entities to its Unreliable Entity List on 9 October."
    assert names_only_counted("Which fourteen companies went on the Unreliable Entity List?", [uel])
    chips = "According to the fact sheet, China ends its investigations of US chip companies."
    assert names_only_counted("Which US chip companies was China investigating?", [chips])
    # Named next to the class, listed, or answered by a negation: the rule stays silent.
    ford = "Ford's suppliers reportedly received licences, Reuters reported."
    assert names_only_counted("Which American carmaker's suppliers got licences?", [ford]) is None
    three = "The licences went to JL Mag Rare-Earth, Ningbo Yunsheng and Beijing Zhong Ke San Huan."
    counted = "Three firms got licences."
    assert names_only_counted("Which firms got licences?", [counted, three]) is None
    none = "No European company had confirmed receiving a general licence."
    assert names_only_counted("Which European companies got a licence?", [none]) is None
    # Only the first sentence's mention counts; other questions are not asked for names.
    assert names_only_counted("Which firms got licences?", ["Licences were granted.", uel]) is None
    paperwork = "Exporters had to hand over production photos and customer lists."
    assert names_only_counted("What paperwork were exporters asked for?", [paperwork]) is None


def test_question_kinds_and_attributes() -> None:
    profile = analyse_question("Who put out Announcement No. 18, and on what date?")
    assert profile.kinds == {"names", "date"}
    assert analyse_question("Where is JL Mag headquartered?").kinds == {"place"}
    assert requested_attribute("Who is its chairman?") == "chairman"
    assert requested_attribute("What fine does an exporter face?") == "fine"
    assert requested_attribute("How many tonnes did JL Mag ship?") == "tonnes"
    assert requested_attribute("How much does a Virginia-class submarine cost?") == "cost"
    assert requested_attribute("What is the reason for the controls?") is None  # generic
    assert requested_attribute("What exactly did Beijing agree to put on hold?") is None
    assert requested_attribute("What currently applies to exporters?") is None


def test_descriptive_names_are_not_required_terms() -> None:
    assert analyse_question("Which Japanese company is San Huan's partner?").key_terms == (
        "san",
        "huan",
    )
    assert analyse_question("How much does the Japanese partner own?").key_terms == ()
    assert analyse_question("Have Indian buyers received licences?").key_terms == ("indian",)
    assert analyse_question("Which MOFCOM rule applies?").key_terms == ("mofcom",)


def test_control_codes_and_acronyms_are_matched_in_the_passages() -> None:
    assert analyse_question("What falls under control code 1E902.b?").key_terms == ("1e902.b",)
    text = (
        "Announcement No. 62 controls know-how under code 1E902.b. San Huan formed a joint "
        "venture with Hitachi Metals. The Financial Times reported the paperwork asked for. "
        "Customs will not clear rare-earth shipments without a licence."
    )
    candidates = build_candidates([_passage("notes", text)])
    for question in (
        "What falls under control code 1E902.b?",
        "Who is San Huan's JV partner?",
        "What paperwork was asked for, according to the FT?",
        "What happens to controlled REEs without a licence?",
    ):
        profile = analyse_question(question)
        analysis = Analysis(question, profile, candidates, np.zeros((len(candidates), 0)))
        assert missing_key_terms(analysis) == [], question
    absent = "Who is San Huan's JV partner in Vietnam?"
    analysis = Analysis(absent, analyse_question(absent), candidates, np.zeros((0, 0)))
    assert missing_key_terms(analysis) == ["vietnam"]


@pytest.mark.parametrize(
    ("question", "task", "beyond"),
    [
        ("Can you book me a flight to Seoul next Tuesday?", 1.0, 0.0),
        ("recommend a hotel near Gimhae airport", 1.0, 0.0),
        ("Write a short poem about magnets.", 1.0, 0.0),
        ("what's 17 times 23?", 1.0, 0.0),
        ("Will China extend the October suspension beyond November 2026?", 0.0, 1.0),
        ("Is Beijing going to extend it next year?", 0.0, 1.0),
        ("Did BIS reinstate the Affiliates Rule when its suspension ended?", 0.0, 1.0),
        ("Did China bring back the 0.1% rule once the suspension lapsed?", 0.0, 1.0),
        ("Which firms got licences?", 0.0, 0.0),
        ("What did the article write about the permits?", 0.0, 0.0),
        ("How many of the 17 rare earths are controlled?", 0.0, 0.0),
        ("Which materials will the general licences cover?", 0.0, 0.0),
        ("When does the suspension end?", 0.0, 0.0),
    ],
)
def test_task_requests_and_questions_beyond_the_sources(
    question: str, task: float, beyond: float
) -> None:
    assert task_request(question) == task
    assert beyond_sources(question) == beyond


def test_term_keys_unify_spelling_variants() -> None:
    assert term_key("licence") == term_key("license") == term_key("licens")
    assert term_key("rule") == term_key("rul")
    assert term_key("china'") == term_key("china")


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


def test_a_name_qualifying_the_asked_noun_is_no_answer() -> None:
    from briefing.answering.features import _asked_nouns, _names

    asked = _asked_nouns("Which firms got licences?")
    assert {"firms", "firm"} <= asked
    text = "EU firms had filed about 2,000 applications, Reuters sources say."
    assert _names(text, 0, asked) == []  # "EU" qualifies "firms"; Reuters is the source
    assert _names("The licences went to JL Mag and Ningbo Yunsheng.", 4, asked) == [
        "jl mag",
        "ningbo yunsheng",
    ]


def test_the_asked_noun_is_a_noun_and_no_word_the_answer_must_repeat() -> None:
    from briefing.answering.features import _asked_nouns, question_context

    assert {"companies"} <= _asked_nouns("Which US chip companies was China investigating?")
    assert {"uses"} <= _asked_nouns("what end uses get turned down under 61?")
    for verb_or_subject in (
        "What did sources expect in November?",  # an auxiliary is no describing word
        "What happens to the 24% tariff?",
        "which runs out first, the pause or the suspension?",
        "What Chinese-content threshold triggers a licence?",
        "what the new licences would demand",
    ):
        assert _asked_nouns(verb_or_subject) == frozenset(), verb_or_subject

    def vectors_of(texts):
        return [np.ones(3, dtype=np.float32) / np.sqrt(3) for _ in texts]

    question = "Which firms got licences?"
    context = question_context(
        question, analyse_question(question), np.ones(3, dtype=np.float32), vectors_of
    )
    # The answer names the firms; only "licences" is a word it must share.
    assert context.keys == ("licens",)


def test_element_names_are_names_the_passages_must_mention() -> None:
    profile = analyse_question("Were tungsten exports covered by the October package?")
    assert profile.key_terms == ("tungsten", "october")
    assert analyse_question("What led to the April controls?").key_terms == ("april",)
    text = "The October package covers five more rare earths, among them holmium and erbium."
    candidates = build_candidates([_passage("notes", text)])
    question = "Were tungsten exports covered by the October package?"
    analysis = Analysis(question, analyse_question(question), candidates, np.zeros((0, 0)))
    assert missing_key_terms(analysis) == ["tungsten"]
    question = "Is holmium covered by the October package?"
    analysis = Analysis(question, analyse_question(question), candidates, np.zeros((0, 0)))
    assert missing_key_terms(analysis) == []


@pytest.mark.parametrize(
    ("question", "after"),
    [
        ("What came out of Trump's 2026 trip to Beijing?", 1.0),
        ("Were the first general licences renewed when they expired in December 2026?", 1.0),
        ("How many general licences had China issued by March 2026?", 1.0),
        ("What is the soybean commitment for 2026 to 2028?", 0.0),  # a plan the notes give
        ("What happened in 2025?", 0.0),  # within the sources' time
    ],
)
def test_a_past_tense_question_about_a_year_after_the_sources(question: str, after: float) -> None:
    text = "The suspension runs until 10 November 2026.\nChina buys soybeans in 2026-2028.\n"
    chunk = Chunk("n-0", "n", text, 0, len(text), (), 0, "n", "news", "2025-12-18", "Notes", "")
    candidates = build_candidates([Passage(chunk=chunk, score=1.0)])
    analysis = Analysis(question, analyse_question(question), candidates, np.zeros((0, 0)))
    assert past_after_sources(analysis) == after


def test_the_source_a_question_asks_about() -> None:
    assert asked_source("What share does China make, per the IEA's number?") == ("iea", "number")
    assert asked_source("Which industries do they sell into, per the article?") == ("article",)
    assert asked_source("According to Beijing's readout, what happens to the tariff?") == (
        "beijing",
        "readout",
    )
    assert asked_source("Does Reuters agree?") == ("reuters",)
    # "per" before a unit is a rate, not a source
    assert asked_source("What is dysprosium's price per kg?") == ()
    assert asked_source("How many licences per shipment?") == ()
