"""Evaluation harness: gold dataset, deterministic metrics, runner and reports.

Usage::

    from briefing import Assistant, Settings
    from briefing.evaluation import load_dataset, run_eval, write_report

    run = run_eval(Assistant(Settings()), load_dataset(Path("evals/qa/dev.yaml")))
    write_report(run, Path("evals/runs/latest"))
"""

from __future__ import annotations

from .aggregate import HEADLINE_METRICS, Aggregates, aggregate
from .briefing_metrics import BRIEFING_METRICS
from .dataset import EvalCase, Evidence, check_evidence, load_dataset
from .metric import Metric, MetricRegistry
from .qa_metrics import QA_METRICS
from .runner import EvalRun, run_eval
from .scoring import CaseResult, score_case
from .stats import MetricValue

__all__ = [
    "BRIEFING_METRICS",
    "HEADLINE_METRICS",
    "QA_METRICS",
    "Aggregates",
    "CaseResult",
    "EvalCase",
    "EvalRun",
    "Evidence",
    "Metric",
    "MetricRegistry",
    "MetricValue",
    "aggregate",
    "check_evidence",
    "load_dataset",
    "run_eval",
    "score_case",
]
