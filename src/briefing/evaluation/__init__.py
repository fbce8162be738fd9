"""Evaluation harness: gold dataset, metric registries, runner and reports.

Usage::

    from briefing import Assistant, Settings
    from briefing.evaluation import load_dataset, run_eval, write_report

    run = run_eval(Assistant(Settings()), load_dataset(Path("evals/qa/dev.yaml")))
    write_report(run, Path("evals/runs/latest"))

The names below load on first use (PEP 562), so importing a submodule such as
``briefing.evaluation.session`` (the CLI does, to build its help) pulls in neither
numpy nor scipy.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "BRIEFING_METRICS": "briefing_metrics",
    "HEADLINE_METRICS": "aggregate",
    "QA_METRICS": "qa_metrics",
    "Aggregates": "aggregate",
    "CaseResult": "scoring",
    "EvalCase": "dataset",
    "EvalRun": "runner",
    "Evidence": "dataset",
    "Metric": "metric",
    "MetricRegistry": "metric",
    "MetricValue": "stats",
    "check_evidence": "dataset",
    "load_dataset": "dataset",
    "run_eval": "runner",
    "score_case": "scoring",
    "write_report": "report",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value
