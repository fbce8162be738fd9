"""The shared support rule: numbers, names, dates, attributions, wording, fragments."""

from __future__ import annotations

import pytest

from briefing.grounding import Evidence, check_support, is_supported
from briefing.grounding.claims import attributions, is_fragment, names, question_terms

# Sentences of the real corpus (corpus/licensed-companies.md, busan-summit.md).
JL_MAG = Evidence(
    "Xi Jinping visited JL Mag Rare-Earth in 2019, the South China Morning Post (SCMP) "
    "reported.\nCaixin reported on 12 June 2025 that JL Mag had received export licences "
    "for the US, Europe and Southeast Asia.\nJL Mag's December 2025 general licence covers "
    "nearly all of its customers, according to Reuters.",
    title="The three companies with the first general licences",
    source="South China Morning Post (SCMP)",
    published="2025-12-05",
    headings=("JL Mag Rare-Earth",),
)
SUMMIT = Evidence(
    "Donald Trump and Xi Jinping met on 30 October 2025 at Gimhae air base in Busan, "
    "South Korea, Reuters reported.",
    title="The Busan summit (30 October 2025)",
    source="Reuters, 30 October 2025",
    published="2025-10-30",
)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Reuters reported in June 2025 that JL Mag got licences.", ["Reuters"]),
        ("Reuters, by contrast, reports that the licences last one year.", ["Reuters"]),
        ("According to MOFCOM, the United States removes the tariff.", ["MOFCOM"]),
        ("The IEA says China produced 92% of refined output.", ["IEA"]),
        ("Reuters sources say EU firms have filed 2,000 applications.", ["Reuters"]),
        (
            "Xi visited JL Mag, the South China Morning Post (SCMP) reported.",
            ["South China Morning Post"],
        ),
        ("Holland & Knight notes that the Ministry of Commerce issued it.", ["Holland & Knight"]),
        ("The licences last a year, trade sources say.", []),
        ("The source article says the framework extends validity.", []),
    ],
)
def test_attributions_are_the_named_sources(sentence, expected):
    assert [a.name for a in attributions(sentence)] == expected


def test_names_skip_function_words_and_attributions():
    assert names("However, Reuters reported that JL Mag's Trump-Xi licence came in December.") == [
        "JL",
        "Mag",
        "Trump",
        "Xi",
        "December",
    ]
    assert names("The passage states that the licences last a year.") == []


def test_question_terms_and_fragments():
    assert list(question_terms("Who is the chairman of JL Mag Rare-Earth?").values()) == [
        "chairman",
        "jl",
        "mag",
        "rare",
        "earth",
    ]
    assert "70" in question_terms("Until when does Announcement No. 70 run?").values()
    assert is_fragment("Xi Jinping") and is_fragment("Until 10 November 2026.")
    assert not is_fragment("China buys 12 million tonnes of US soybeans.")


def test_verbatim_sentence_is_supported():
    check = check_support("Xi Jinping visited JL Mag Rare-Earth in 2019.", [JL_MAG])
    assert check.supported and check.word_share == 1.0 and check.problems == ()


def test_swapped_name_fails_although_most_words_match():
    # 4 of 6 content words are in the passage: the old 60% rule called this supported.
    sentence = "Cai Baogui visited JL Mag Rare-Earth in 2019."
    check = check_support(sentence, [JL_MAG])
    assert not check.supported and check.word_share >= 0.6
    assert "name 'Cai' is in no cited passage" in check.problems


def test_date_with_a_wrong_month_fails():
    sentence = "Caixin reported on 12 July 2025 that JL Mag had received export licences."
    assert "name 'July' is in no cited passage" in check_support(sentence, [JL_MAG]).problems


def test_number_and_spelled_figure_must_occur():
    licences = Evidence("The licences are valid for one year.")
    assert (
        "number 2 is in no cited passage"
        in check_support("The licences are valid for two years.", [licences]).problems
    )
    assert not is_supported("The licences are valid for 3 years.", [licences])


def test_attribution_must_be_the_source_of_the_backing_sentence():
    # The passage attributes the claim to Caixin; it mentions Reuters only for another claim.
    borrowed = "Reuters reports that JL Mag has received export licences for the US and Europe."
    check = check_support(borrowed, [JL_MAG])
    assert not check.supported
    assert "attributed to 'Reuters'" in check.problems[0]
    own = "Caixin reported that JL Mag has received export licences for the US and Europe."
    assert is_supported(own, [JL_MAG])
    assert is_supported(
        "JL Mag's general licence covers nearly all of its customers, according to Reuters.",
        [JL_MAG],
    )


def test_attribution_falls_back_to_the_passage_source():
    # The backing sentence names no source of its own: the document's source counts.
    plain = Evidence(
        "The firms are JL Mag, Ningbo Yunsheng and Zhong Ke San Huan.",
        source="Reuters, 2 December 2025",
        published="2025-12-02",
    )
    assert is_supported("According to Reuters, the firms are JL Mag and Ningbo Yunsheng.", [plain])
    assert not is_supported("The Financial Times reported that the firms are JL Mag.", [plain])
    # The publication date backs a report date, but only as a whole date.
    assert is_supported("Reuters reported on 2 December 2025 that the firms are JL Mag.", [plain])
    assert not is_supported("The firms are JL Mag and 2 others.", [plain])


def test_fragment_is_read_with_the_question():
    question = "Who is the chairman of JL Mag Rare-Earth?"
    check = check_support("Xi Jinping", [JL_MAG], question=question)
    assert not check.supported
    assert "lack the question's 'chairman'" in check.problems[0]
    assert check_support("Xi Jinping", [JL_MAG]).supported  # without the question it is a name
    until = Evidence("The suspension under Announcement No. 70 runs until 10 November 2026.")
    assert is_supported(
        "Until 10 November 2026.",
        [until],
        question="Until when does the suspension under Announcement No. 70 run?",
    )


def test_evidence_from_citation_and_bare_strings():
    assert is_supported("Trump and Xi met in Busan on 30 October 2025.", [SUMMIT])
    assert is_supported("Trump and Xi met in Busan.", [SUMMIT.text])
    assert not check_support("Trump and Xi met.", []).supported
