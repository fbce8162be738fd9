"""Evaluation harness: gold dataset, deterministic metrics, runner and reports.

Usage::

    from briefing import Assistant, Settings
    from briefing.evaluation import load_dataset, run_eval, write_report

    run = run_eval(Assistant(Settings()), load_dataset(Path("evals/qa/dev.yaml")))
    write_report(run, Path("evals/runs/latest"))
"""

from __future__ import annotations

from .aggregate import HEADLINE_METRICS, LOWER_IS_BETTER, Aggregates, aggregate
from .dataset import EvalCase, Evidence, check_evidence, load_dataset
from .runner import EvalRun, run_eval
from .scoring import CaseResult, score_case
from .stats import MetricValue

__all__ = [
    "HEADLINE_METRICS",
    "LOWER_IS_BETTER",
    "Aggregates",
    "CaseResult",
    "EvalCase",
    "EvalRun",
    "Evidence",
    "MetricValue",
    "aggregate",
    "check_evidence",
    "load_dataset",
    "run_eval",
    "score_case",
]
