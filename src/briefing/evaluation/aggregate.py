"""Turn per-case results into the run's aggregates (every metric, counts, per tag).

The metrics are the registry :data:`~briefing.evaluation.qa_metrics.QA_METRICS`; its
headline names are shared by run.json, ``evals/thresholds.yaml`` and ``briefing eval
--fail-under``, and each metric knows whether lower is better.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .metric import PER_TAG
from .metrics import abstention_counts
from .qa_metrics import QA_METRICS, STAGES
from .scoring import CaseResult
from .stats import MetricValue

__all__ = ["HEADLINE_METRICS", "STAGES", "Aggregates", "aggregate"]

#: headline metric names, in report order (the registry's headline metrics)
HEADLINE_METRICS = QA_METRICS.names


@dataclass(slots=True)
class Aggregates:
    """The run's numbers.

    Fields:
        metrics: headline metrics plus extras (abstention precision/recall, per-stage
            latency p50/p95, judge faithfulness when judged), each with n and a 95% CI.
        counts: cases, answerable, unanswerable, abstained (total, on answerable, on
            unanswerable), turns asked.
        per_tag: tag -> case-score name -> MetricValue.
    """

    metrics: dict[str, MetricValue]
    counts: dict[str, int]
    per_tag: dict[str, dict[str, MetricValue]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "metrics": {k: v.to_dict() for k, v in self.metrics.items()},
            "counts": dict(self.counts),
            "per_tag": {
                tag: {k: v.to_dict() for k, v in values.items()}
                for tag, values in self.per_tag.items()
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Aggregates:
        return cls(
            metrics={k: MetricValue.from_dict(v) for k, v in data.get("metrics", {}).items()},
            counts=dict(data.get("counts", {})),
            per_tag={
                tag: {k: MetricValue.from_dict(v) for k, v in values.items()}
                for tag, values in data.get("per_tag", {}).items()
            },
        )


def aggregate(results: Sequence[CaseResult]) -> Aggregates:
    """Compute every metric over ``results`` (with bootstrap 95% intervals), the counts
    and the per-tag means of the per-tag metrics."""
    counts = abstention_counts((r.answerable, r.abstained) for r in results)
    per_tag: dict[str, dict[str, MetricValue]] = {}
    for tag in sorted({t for r in results for t in r.tags}):
        tagged = [r for r in results if tag in r.tags]
        per_tag[tag] = {m.case_key: m.aggregate(tagged) for m in QA_METRICS.tagged(PER_TAG)}
    return Aggregates(
        metrics=QA_METRICS.aggregate(results),
        counts={
            "cases": len(results),
            "answerable": counts.fp + counts.tn,
            "unanswerable": counts.tp + counts.fn,
            "abstained": counts.tp + counts.fp,
            "abstained_on_answerable": counts.fp,
            "abstained_on_unanswerable": counts.tp,
            "answered_unanswerable": counts.fn,
            "turns": sum(len(r.turns) for r in results),
        },
        per_tag=per_tag,
    )
