"""Reports, baseline deltas and the threshold gate, on a run over a scripted assistant."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from evalkit import answer, citation, passage
from fake_assistant import ScriptedAssistant
from rich.console import Console

from briefing.errors import ConfigError
from briefing.evaluation.aggregate import HEADLINE_METRICS, Aggregates
from briefing.evaluation.baseline import (
    check_thresholds,
    compare_to_baseline,
    load_baseline,
    load_thresholds,
    parse_fail_under,
)
from briefing.evaluation.compare import render_compare_markdown, write_compare
from briefing.evaluation.dataset import parse_dataset
from briefing.evaluation.html_report import histogram_svg
from briefing.evaluation.report import corpus_hash, print_summary, write_report
from briefing.evaluation.runner import run_eval
from briefing.evaluation.scoring import CaseResult
from briefing.evaluation.stats import MetricValue
from briefing.types import Statement

QUOTE = "The licences went to JL Mag and Ningbo Yunsheng on 2 December 2025."
CASES = parse_dataset(
    {
        "version": 1,
        "cases": [
            {
                "id": "firms<b>",
                "turns": ["Which firms?"],
                "answerable": True,
                "required_facts": [["JL Mag"], ["Ningbo Yunsheng"]],
                "reference_answer": "JL Mag and Ningbo Yunsheng.",
                "evidence": [{"doc_id": "lic", "quote": "JL Mag"}],
                "tags": ["list", "<script>"],
            },
            {
                "id": "out-of-scope",
                "turns": ["Who won the 2010 World Cup?"],
                "answerable": False,
                "must_not_contain": ["Spain"],
                "tags": ["unanswerable"],
            },
        ],
    }
)


@pytest.fixture
def run():
    assistant = ScriptedAssistant(
        answers={
            "Which firms?": answer(
                "The licences went to JL Mag [1].",
                (Statement("The licences went to JL Mag.", (1,)),),
                (citation(1, QUOTE, "lic"),),
            ),
            "Who won the 2010 World Cup?": answer("Spain.", (Statement("Spain.", ()),)),
        },
        passages={"Which firms?": [passage("lic", QUOTE)]},
    )
    return run_eval(assistant, CASES, progress=False)


def test_write_report_files(tmp_path, run):
    paths = write_report(run, tmp_path / "out")
    data = json.loads(paths["run"].read_text())
    assert set(HEADLINE_METRICS) <= set(data["aggregates"]["metrics"])
    kfr = data["aggregates"]["metrics"]["key_fact_recall"]
    assert kfr["value"] == 0.5 and kfr["n"] == 1 and len(kfr["ci"]) == 2
    assert data["config"]["support_rule"].startswith("supported = every number")
    lines = paths["cases"].read_text().splitlines()
    results = [CaseResult.from_dict(json.loads(line)) for line in lines]
    assert [r.id for r in results] == ["firms<b>", "out-of-scope"]
    assert "missing fact: ['Ningbo Yunsheng']" in results[0].why
    assert "answered an unanswerable question" in results[1].why
    summary = paths["summary"].read_text()
    assert "| key_fact_recall | 0.500 |" in summary
    assert "abstention_f1" in summary and "n/a" in summary
    html = paths["html"].read_text()
    assert "<svg" in html and "</html>" in html
    # self-contained and escaped: no scripts, external links or raw case text
    assert "<script" not in html and "<link" not in html and "src=" not in html
    assert "firms&lt;b&gt;" in html and "&lt;script&gt;" in html


def test_terminal_table(run):
    console = Console(record=True, width=140)
    print_summary(run, console)
    text = console.export_text()
    assert "key_fact_recall" in text and "0.500" in text
    assert "2 cases (1 answerable, 1 unanswerable)" in text


def test_baseline_deltas(tmp_path, run):
    paths = write_report(run, tmp_path / "base")
    base = load_baseline(paths["run"])[""]
    write_report(run, tmp_path / "splits" / "dev")
    write_report(run, tmp_path / "splits" / "test")
    assert set(load_baseline(tmp_path / "splits")) == {"dev", "test"}  # a multi-split run
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="no <split>/run.json"):
        load_baseline(tmp_path / "empty")
    better = Aggregates(
        metrics={
            **base.metrics,
            "key_fact_recall": MetricValue(1.0, 1, 0.9, 1.0),
            "forbidden_rate": MetricValue(0.0, 2, 0.0, 0.0),
        },
        counts=base.counts,
    )
    base.metrics["mrr"] = MetricValue(None, 0)
    deltas = {d.name: d for d in compare_to_baseline(better, base)}
    assert deltas["key_fact_recall"].delta == pytest.approx(0.5)
    assert deltas["key_fact_recall"].beyond_ci and deltas["key_fact_recall"].better
    assert deltas["forbidden_rate"].delta == pytest.approx(-0.5)
    assert deltas["forbidden_rate"].better  # lower is better
    assert deltas["mrr"].delta is None and deltas["mrr"].baseline is None  # n/a in baseline
    assert deltas["abstention_f1"].delta == 0.0
    same = {d.name: d for d in compare_to_baseline(base, base)}
    assert not same["token_f1"].beyond_ci and same["token_f1"].better is None
    with pytest.raises(ConfigError, match="not a run.json"):
        bad = tmp_path / "bad.json"
        bad.write_text("{}")
        load_baseline(bad)


def test_thresholds_and_gate(tmp_path, run):
    path = tmp_path / "thresholds.yaml"
    path.write_text("thresholds:\n  key_fact_recall: 0.9\n  forbidden_rate: 0.6\n")
    gate = load_thresholds(path)[""]
    gate.update(parse_fail_under(["citation_precision=0.5", "abstention_f1=0.1"]))
    failures = {f.name: f for f in check_thresholds(run.aggregates.metrics, gate)}
    assert set(failures) == {"key_fact_recall", "abstention_f1"}
    assert failures["key_fact_recall"].message == "key_fact_recall = 0.5, below the minimum 0.9"
    assert failures["abstention_f1"].message == "abstention_f1 = 0, below the minimum 0.1"
    undefined = check_thresholds({"mrr": MetricValue(None, 0)}, {"mrr": 0.0})
    assert undefined[0].message == "mrr = n/a, below the minimum 0"  # n/a never passes
    tight = check_thresholds(run.aggregates.metrics, {"forbidden_rate": 0.2})
    assert tight[0].message == "forbidden_rate = 0.5, above the maximum 0.2"
    with pytest.raises(ConfigError, match="unknown metric 'recal'"):
        parse_fail_under(["recal=0.5"])
    with pytest.raises(ConfigError, match="expected metric=value"):
        parse_fail_under(["mrr"])
    with pytest.raises(ConfigError, match="must be a number"):
        parse_fail_under(["mrr=high"])
    path.write_text("splits:\n  dev: {mrr: 0.5}\n  test: {hit_at_k: 0.7}\n")
    assert load_thresholds(path) == {"dev": {"mrr": 0.5}, "test": {"hit_at_k": 0.7}}
    path.write_text("splits:\n  test: {recal: 0.5}\n")
    with pytest.raises(ConfigError, match=r"\(split test\): unknown metric 'recal'"):
        load_thresholds(path)
    path.write_text("key_fact_recall: 0.9\n")
    with pytest.raises(ConfigError, match="expected 'splits:"):
        load_thresholds(path)


def test_compare_markdown(run):
    text = render_compare_markdown({"hybrid": run, "dense": run})
    assert "| metric | hybrid | dense | hybrid - dense |" in text
    assert "| key_fact_recall | 0.500 [0.500, 0.500] | 0.500 [0.500, 0.500] | +0.000 |" in text


def test_corpus_hash_changes_with_names_and_bytes(tmp_path):
    (tmp_path / "a.md").write_text("one")
    (tmp_path / ".hidden").write_text("ignored")
    first = corpus_hash(tmp_path)
    (tmp_path / ".hidden").write_text("changed")
    assert corpus_hash(tmp_path) == first
    (tmp_path / "a.md").write_text("two")
    assert corpus_hash(tmp_path) != first
    assert corpus_hash(Path(tmp_path / "missing")) is None


def test_histogram_handles_single_value_and_empty():
    assert "<svg" in histogram_svg([5.0])
    assert "No latency" in histogram_svg([])


def test_compare_two_runs_gets_a_paired_interval(tmp_path, run):
    paths = write_compare({"hybrid": run, "dense": run}, tmp_path)
    rows = {r["metric"]: r for r in json.loads(paths["compare_json"].read_text())["rows"]}
    assert rows["key_fact_recall"]["delta"] == 0.0
    assert rows["key_fact_recall"]["delta_ci"] == [0.0, 0.0]  # the same cases, no difference
    assert "| hybrid - dense | paired 95% CI |" in paths["compare_md"].read_text()


def test_html_report_states_the_offline_citation_gate(tmp_path, run):
    html = write_report(run, tmp_path)["html"].read_text()
    summary = (tmp_path / "summary.md").read_text()
    for text in (html, summary):
        assert "1.000 by construction" in text and "LLM backends only" in text
        assert "BCa bootstrap" in text
