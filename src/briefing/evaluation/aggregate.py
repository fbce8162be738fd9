"""Turn per-case results into the run's aggregates (headline metrics, counts, per tag).

Headline metric names are shared by run.json, ``evals/thresholds.yaml`` and
``briefing eval --fail-under``; :data:`LOWER_IS_BETTER` names those whose threshold is
a maximum rather than a minimum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .metrics import abstention_counts
from .scoring import CaseResult
from .stats import MetricValue, bootstrap_statistic, mean_metric, percentile_metric

__all__ = [
    "HEADLINE_METRICS",
    "LOWER_IS_BETTER",
    "STAGES",
    "TAG_METRICS",
    "Aggregates",
    "aggregate",
]

HEADLINE_METRICS = (
    "key_fact_recall",
    "all_facts_accuracy",
    "first_sentence_answers",
    "token_f1",
    "forbidden_rate",
    "citation_precision",
    "citation_recall",
    "abstention_accuracy",
    "abstention_f1",
    "over_refusal_rate",
    "hit_at_k",
    "recall_at_k",
    "mrr",
    "latency_total_p50_ms",
    "latency_total_p95_ms",
)
LOWER_IS_BETTER = frozenset(
    {"forbidden_rate", "over_refusal_rate", "latency_total_p50_ms", "latency_total_p95_ms"}
)
STAGES = ("rewrite", "retrieve", "answer", "total")
#: metrics shown per tag (case-score names)
TAG_METRICS = (
    "key_fact_recall",
    "all_facts_accuracy",
    "first_sentence_answers",
    "citation_precision",
    "citation_recall",
    "abstention_correct",
    "hit_at_k",
)
# headline name -> per-case score averaged for it
_MEANS = {
    "key_fact_recall": "key_fact_recall",
    "all_facts_accuracy": "all_facts_accuracy",
    "first_sentence_answers": "first_sentence_answers",
    "token_f1": "token_f1",
    "forbidden_rate": "forbidden",
    "citation_precision": "citation_precision",
    "citation_recall": "citation_recall",
    "abstention_accuracy": "abstention_correct",
    "hit_at_k": "hit_at_k",
    "recall_at_k": "recall_at_k",
    "mrr": "mrr",
}


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


def _scores(results: Sequence[CaseResult], name: str) -> list[float | None]:
    return [r.scores.get(name) for r in results]


def _abstention(stat: str):
    def compute(pairs: Sequence[tuple[bool, bool]]) -> float | None:
        return getattr(abstention_counts(pairs), stat)

    return compute


def aggregate(results: Sequence[CaseResult]) -> Aggregates:
    """Compute every aggregate over ``results`` (means with bootstrap 95% intervals)."""
    out: dict[str, MetricValue] = {}
    for headline, score in _MEANS.items():
        out[headline] = mean_metric(_scores(results, score))

    pairs = [(r.answerable, r.abstained) for r in results]
    counts = abstention_counts(pairs)
    answerable = [r for r in results if r.answerable]
    out["over_refusal_rate"] = mean_metric([1.0 if r.abstained else 0.0 for r in answerable])
    out["abstention_f1"] = bootstrap_statistic(pairs, _abstention("f1"))
    out["abstention_precision"] = bootstrap_statistic(
        pairs, _abstention("precision"), n=counts.tp + counts.fp
    )
    out["abstention_recall"] = bootstrap_statistic(
        pairs, _abstention("recall"), n=counts.tp + counts.fn
    )

    for stage in STAGES:
        values = [t.get(stage) for r in results for t in r.timings_ms]
        out[f"latency_{stage}_p50_ms"] = percentile_metric(values, 50)
        out[f"latency_{stage}_p95_ms"] = percentile_metric(values, 95)

    judged = [r.judge.get("faithfulness") for r in results if r.judge]
    if judged:
        out["judge_faithfulness"] = mean_metric(judged)

    per_tag: dict[str, dict[str, MetricValue]] = {}
    for tag in sorted({t for r in results for t in r.tags}):
        tagged = [r for r in results if tag in r.tags]
        per_tag[tag] = {name: mean_metric(_scores(tagged, name)) for name in TAG_METRICS}

    return Aggregates(
        metrics=out,
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
