"""Per-case scoring, aggregation and the runner over a scripted assistant."""

from __future__ import annotations

import pytest
from evalkit import answer, citation, passage
from fake_assistant import ScriptedAssistant

from briefing.evaluation.aggregate import HEADLINE_METRICS, aggregate
from briefing.evaluation.dataset import parse_dataset
from briefing.evaluation.runner import run_eval
from briefing.evaluation.scoring import score_case
from briefing.evaluation.stats import bootstrap_statistic, mean_metric, percentile_metric
from briefing.types import Statement

QUOTE = "China suspended the export controls for one year from 10 November 2025."
DATA = {
    "version": 1,
    "cases": [
        {
            "id": "suspension",
            "turns": ["What did China suspend?", "For how long?"],
            "answerable": True,
            "required_facts": [["one year", "12 months"], ["10 November 2025"]],
            "must_not_contain": ["two years"],
            "reference_answer": "For one year from 10 November 2025.",
            "evidence": [{"doc_id": "notices", "quote": "for one year"}],
            "tags": ["multi-turn", "dates"],
        },
        {
            "id": "firms",
            "turns": ["Which firms got licences?"],
            "answerable": True,
            "required_facts": [["JL Mag"]],
            "reference_answer": "JL Mag.",
            "evidence": [{"doc_id": "licences", "quote": "JL Mag"}],
            "tags": ["list"],
        },
        {
            "id": "paris",
            "turns": ["What is the capital of France?"],
            "answerable": False,
            "must_not_contain": ["Paris"],
            "tags": ["unanswerable"],
        },
    ],
}
CASES = parse_dataset(DATA)


def suspension_answer():
    return answer(
        "China suspended the export controls for one year [1].",
        (Statement("China suspended the export controls for one year.", (1,)),),
        (citation(1, QUOTE, "notices"),),
        timings={"rewrite": 1, "retrieve": 10, "answer": 5, "total": 16},
    )


def test_score_good_answer():
    result = score_case(
        CASES[0],
        suspension_answer(),
        [passage("other", "noise"), passage("notices", QUOTE, 1)],
        k=3,
    )
    s = result.scores
    assert s["key_fact_recall"] == 0.5  # the date is missing
    assert s["all_facts_accuracy"] == 0.0
    assert s["citation_recall"] == 1.0 and s["citation_precision"] == 1.0
    assert s["hit_at_k"] == 1.0 and s["mrr"] == 0.5
    assert s["forbidden"] == 0.0 and s["abstention_correct"] == 1.0
    assert result.why == ["missing fact: ['10 November 2025']"]


def test_score_over_refusal_and_answered_unanswerable():
    refusal = score_case(CASES[1], answer("I cannot answer.", abstained=True), [], k=3)
    assert refusal.scores["key_fact_recall"] == 0.0
    assert refusal.scores["token_f1"] == 0.0
    assert refusal.scores["citation_precision"] is None  # abstentions have no citations
    assert refusal.scores["abstention_correct"] == 0.0
    assert "over-refusal: abstained on an answerable question" in refusal.why
    assert "no evidence passage in the top 3 retrieved" in refusal.why

    wrong = score_case(CASES[2], answer("Paris.", (Statement("Paris.", ()),)), [], k=3)
    assert wrong.scores["key_fact_recall"] is None  # unanswerable: facts do not count
    assert wrong.scores["forbidden"] == 1.0
    assert wrong.scores["abstention_correct"] == 0.0
    assert wrong.scores["citation_recall"] == 0.0
    assert "answered an unanswerable question" in wrong.why
    assert "forbidden content: 'Paris'" in wrong.why


def test_stats_conventions():
    empty = mean_metric([None, None])
    assert empty.value is None and empty.n == 0 and empty.format() == "n/a (n=0)"
    m = mean_metric([1.0, 0.0, None, 1.0, 1.0])
    assert m.value == 0.75 and m.n == 4
    assert 0.0 <= m.ci_low <= m.value <= m.ci_high <= 1.0
    assert mean_metric([1.0, 0.0, 1.0, 1.0]) == m  # seeded: same input, same interval
    constant = mean_metric([1.0] * 5)
    assert (constant.ci_low, constant.ci_high) == (1.0, 1.0)
    p = percentile_metric([10, 20, 30, 40, 1000], 50)
    assert p.value == 30 and p.n == 5
    assert bootstrap_statistic([], lambda items: 1.0).value is None


def test_runner_asks_all_turns_in_one_conversation_and_scores_last():
    good = suspension_answer()
    assistant = ScriptedAssistant(
        answers={
            "What did China suspend?": answer(
                "China suspended export controls [1].", timings={"total": 100.0}
            ),
            "What did China suspend? For how long?": good,
            "Which firms got licences?": answer("I cannot answer.", abstained=True),
            "What is the capital of France?": answer("No answer.", abstained=True),
        },
        passages={
            "What did China suspend? For how long?": [passage("notices", QUOTE)],
            "Which firms got licences?": [passage("licences", "JL Mag got one.")],
        },
    )
    run = run_eval(assistant, CASES, progress=False)
    # the follow-up was asked with one turn of history, then retrieval used its rewrite
    assert ("For how long?", 1) in assistant.asked
    assert ("What did China suspend? For how long?", 3) in assistant.retrieved
    by_id = {r.id: r for r in run.results}
    assert by_id["suspension"].standalone_question == "What did China suspend? For how long?"
    assert by_id["suspension"].timings_ms[0]["total"] == 100.0  # every turn's timings kept
    metrics = run.aggregates.metrics
    assert set(HEADLINE_METRICS) <= set(metrics)
    assert metrics["key_fact_recall"].value == pytest.approx(0.25)  # (0.5 + 0) / 2
    assert metrics["key_fact_recall"].n == 2
    assert metrics["over_refusal_rate"].value == 0.5
    assert metrics["abstention_accuracy"].value == pytest.approx(2 / 3)
    assert metrics["abstention_f1"].value == pytest.approx(2 / 3)  # tp=1 fp=1 fn=0
    assert metrics["citation_precision"].n == 1  # only the non-abstained answer
    assert metrics["hit_at_k"].value == 1.0
    assert metrics["latency_total_p50_ms"].n == 4  # 4 turns asked
    counts = run.aggregates.counts
    assert counts["abstained"] == 2 and counts["abstained_on_answerable"] == 1
    assert run.aggregates.per_tag["unanswerable"]["abstention_correct"].value == 1.0
    assert run.config["retriever"] == "hybrid" and run.config["k"] == 3


def test_aggregate_of_nothing_is_na_not_nan():
    agg = aggregate([])
    assert all(v.value is None for v in agg.metrics.values())
    assert agg.counts["cases"] == 0
