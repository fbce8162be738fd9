"""The context the run reports render from (summary.md, report.html): the run, the
metric registry, the baseline deltas and small formatting helpers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .metric import Metric
from .qa_metrics import OFFLINE_CITATION_NOTE, QA_METRICS, STAGES
from .stats import CI_METHOD, MetricValue

if TYPE_CHECKING:
    from .baseline import Delta
    from .runner import EvalRun

__all__ = ["delta_cell", "fmt", "report_context"]


def fmt(value: float | None, digits: int = 3) -> str:
    """``0.912`` or ``n/a``."""
    return "n/a" if value is None else f"{value:.{digits}f}"


def delta_cell(metric: Metric, d: Delta) -> str:
    """``+0.012``, with `` *`` when the baseline is outside this run's interval."""
    if d.delta is None:
        return "n/a"
    return metric.delta(d.delta) + (" *" if d.beyond_ci else "")


def report_context(run: EvalRun, deltas: Sequence[Delta] = ()) -> dict[str, Any]:
    """Everything the run templates use."""
    return {
        "run": run,
        "cfg": run.config,
        "agg": run.aggregates,
        "deltas": list(deltas),
        "by_name": {d.name: d for d in deltas},
        "metrics": QA_METRICS,
        "stages": STAGES,
        "value_of": lambda m: run.aggregates.metrics.get(m.name, MetricValue(None, 0)),
        "fmt": fmt,
        "delta_cell": delta_cell,
        "misses": [r for r in run.results if r.why],
        "offline_note": OFFLINE_CITATION_NOTE,
        "ci_method": CI_METHOD,
    }
