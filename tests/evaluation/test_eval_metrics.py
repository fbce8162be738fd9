"""Metrics on hand-made examples: each assertion would fail on a plausible bug."""

from __future__ import annotations

from dataclasses import replace

import pytest
from evalkit import answer, chunk, citation

from briefing.evaluation import metrics
from briefing.types import Citation, Statement

EVIDENCE = [("licences", "three magnet makers"), ("timeline", "9 October 2025")]


def test_normalise_unifies_dashes_quotes_markers_and_space():
    text = "JL\u00a0Mag\u2019s  licence \u2014 \u201cnearly all\u201d [1] customers [2, 3]."
    assert metrics.normalise(text) == 'jl mag\'s licence - "nearly all" customers.'


def test_contains_phrase_respects_word_boundaries():
    assert metrics.contains_phrase("Exports fell 10% in May", "10%")
    assert not metrics.contains_phrase("Exports fell 100 tonnes", "10")
    assert not metrics.contains_phrase("on 2 December 2025", "December 2")
    assert metrics.contains_phrase("on December 2, 2025", "December 2")
    assert not metrics.contains_phrase("in 2010", "010")  # must start at a word start
    assert metrics.contains_phrase("lithium batteries and anodes", "lithium batter")
    assert not metrics.contains_phrase("unlicensed", "licensed")
    assert metrics.contains_phrase("for one  year[2]", "One Year")
    assert not metrics.contains_phrase("anything", "")


def test_relevance_needs_matching_doc_and_quote():
    assert metrics.is_relevant(chunk("licences", "Went to Three\nmagnet  makers."), EVIDENCE)
    # same quote but another document is not evidence
    assert not metrics.is_relevant(chunk("other", "three magnet makers"), EVIDENCE)
    assert not metrics.is_relevant(chunk("licences", "two magnet makers"), EVIDENCE)


def test_hit_recall_mrr():
    ranked = [
        chunk("other", "noise", 0),
        chunk("timeline", "On 9 October 2025 MOFCOM ...", 1),
        chunk("licences", "three magnet makers got them", 2),
    ]
    assert metrics.hit_at_k(ranked, EVIDENCE, 1) == 0.0
    assert metrics.hit_at_k(ranked, EVIDENCE, 2) == 1.0
    assert metrics.recall_at_k(ranked, EVIDENCE, 2) == 0.5
    assert metrics.recall_at_k(ranked, EVIDENCE, 3) == 1.0
    assert metrics.mrr(ranked, EVIDENCE) == pytest.approx(0.5)
    assert metrics.mrr(ranked[:1], EVIDENCE) == 0.0
    assert metrics.hit_at_k(ranked, [], 3) is None
    assert metrics.mrr(ranked, []) is None


def test_key_facts_with_aliases():
    facts = [["JL Mag", "JL Mag Rare-Earth"], ["one year", "12 months"], ["Ningbo Yunsheng"]]
    text = "JL Mag\u2019s licence runs for 12 months [1]."
    assert metrics.missing_facts(text, facts) == [["Ningbo Yunsheng"]]
    assert metrics.key_fact_recall(text, facts) == pytest.approx(2 / 3)
    assert metrics.key_fact_recall(text, []) is None


def test_token_f1_squad_style():
    assert metrics.token_f1("The licence lasts one year [1].", "one year") == pytest.approx(
        2 * (2 / 4) * 1 / (2 / 4 + 1)
    )
    assert metrics.token_f1("one year", "One year.") == 1.0
    assert metrics.token_f1("nothing shared", "one year") == 0.0
    assert metrics.token_f1("x", "") is None


def test_forbidden_hits():
    assert metrics.forbidden_hits("The capital is Paris.", ["paris", "London"]) == ["paris"]
    assert metrics.forbidden_hits("Comparison", ["Paris"]) == []


def test_citation_scores_alce():
    q1 = "China suspended the export controls for one year from 10 November 2025."
    q2 = "Gallium and germanium bans on the United States were suspended."
    unrelated = "Rare-earth magnet exports rose in October."
    statements = (
        # supported by [1] alone; [3] adds nothing -> [3] not needed
        Statement("China suspended the export controls for one year.", (1, 3)),
        # needs both [1] and [2] jointly: each is needed
        Statement(
            "The one year suspension from 10 November 2025 covers gallium and germanium bans.",
            (1, 2),
        ),
        # unsupported: invented figure
        Statement("The suspension lasts two years.", (1,)),
        # uncited
        Statement("This matters for magnet makers.", ()),
    )
    ans = answer("…", statements, (citation(1, q1), citation(2, q2), citation(3, unrelated)))
    scores = metrics.citation_scores(ans)
    assert scores.statements == 4
    assert scores.citations == 5
    assert scores.recall == pytest.approx(2 / 4)
    # needed: [1] of s1, [1] and [2] of s2 -> 3; not needed: [3] of s1, [1] of unsupported s3
    assert scores.precision == pytest.approx(3 / 5)
    assert any("citation [3] not needed" in w for w in scores.why)
    assert any("unsupported sentence" in w and "two years" in w for w in scores.why)
    assert any("uncited sentence" in w for w in scores.why)


def _sourced(marker: int, quote: str, source: str) -> Citation:
    return replace(citation(marker, quote), source=source, title="JL Mag Rare-Earth")


def test_citation_metric_tells_a_swapped_name():
    # The recorded answer "Xi Jinping [1]" to "Who is the chairman of JL Mag Rare-Earth?"
    # scored citation precision 1.0: both of its words are in the quote.
    quote = "Xi Jinping visited JL Mag Rare-Earth in 2019, the South China Morning Post reported."
    fragment = answer(
        "Xi Jinping [1]",
        (Statement("Xi Jinping", (1,)),),
        (_sourced(1, quote, "South China Morning Post (SCMP)"),),
        question="Who is the chairman of JL Mag Rare-Earth?",
    )
    scores = metrics.citation_scores(fragment)
    assert scores.precision == 0.0 and scores.recall == 0.0
    assert any("'chairman'" in w for w in scores.why)

    chair = "Cai Baogui is the chairman of JL Mag Rare-Earth."
    swapped = answer(
        "…",
        (Statement("Xi Jinping is the chairman of JL Mag Rare-Earth.", (1,)),),
        (_sourced(1, chair, "SCMP"),),
    )
    scores = metrics.citation_scores(swapped)
    assert scores.recall == 0.0
    assert any("name 'Xi' is in no cited passage" in w for w in scores.why)


def test_citation_metric_tells_a_borrowed_source():
    quote = (
        "Caixin reported on 12 June 2025 that JL Mag had received export licences for the US, "
        "Europe and Southeast Asia."
    )
    cited = (_sourced(1, quote, "South China Morning Post (SCMP)"),)
    borrowed = "Reuters reports that JL Mag has received export licences for the US and Europe."
    scores = metrics.citation_scores(answer("…", (Statement(borrowed, (1,)),), cited))
    assert scores.recall == 0.0 and any("attributed to 'Reuters'" in w for w in scores.why)
    own = borrowed.replace("Reuters reports", "Caixin reported")
    assert metrics.citation_scores(answer("…", (Statement(own, (1,)),), cited)).recall == 1.0
    # The offline answerer's "According to <source>, ..." names the citation's source.
    offline = answer(
        "…",
        (Statement("According to Reuters, the firms are JL Mag and Ningbo Yunsheng.", (1,)),),
        (_sourced(1, "The firms are JL Mag, Ningbo Yunsheng and Zhong Ke San Huan.", "Reuters"),),
    )
    assert metrics.citation_scores(offline).precision == 1.0


def test_citation_marker_pointing_nowhere():
    ans = answer("x", (Statement("China suspended the controls.", (7,)),), ())
    scores = metrics.citation_scores(ans)
    assert scores.recall == 0.0 and scores.precision == 0.0
    assert any("[7] points to no citation" in w for w in scores.why)


def test_citation_scores_empty_answer_is_none():
    scores = metrics.citation_scores(answer("", (), ()))
    assert scores.recall is None and scores.precision is None


def test_abstention_counts_and_conventions():
    # (answerable, abstained)
    counts = metrics.abstention_counts(
        [(False, True), (False, True), (False, False), (True, True), (True, False), (True, False)]
    )
    assert (counts.tp, counts.fp, counts.fn, counts.tn) == (2, 1, 1, 2)
    assert counts.precision == pytest.approx(2 / 3)
    assert counts.recall == pytest.approx(2 / 3)
    assert counts.f1 == pytest.approx(2 / 3)
    assert counts.over_refusal_rate == pytest.approx(1 / 3)
    assert counts.accuracy == pytest.approx(4 / 6)

    never = metrics.abstention_counts([(True, False), (False, False)])
    assert never.precision is None and never.recall == 0.0 and never.f1 == 0.0
    all_answerable = metrics.abstention_counts([(True, False)])
    assert all_answerable.recall is None and all_answerable.f1 is None
    assert all_answerable.over_refusal_rate == 0.0
    assert metrics.abstention_counts([]).accuracy is None
