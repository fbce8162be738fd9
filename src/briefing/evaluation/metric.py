"""A metric is one object: name, direction, per-case function, aggregation, format, tags.

The QA metrics (:data:`briefing.evaluation.qa_metrics.QA_METRICS`) and the briefing
metrics (:data:`briefing.evaluation.briefing_metrics.BRIEFING_METRICS`) are registries
of :class:`Metric`; run.json, the reports, the threshold gate, the baseline deltas and
the side-by-side tables iterate over them, so adding a metric is one entry.

Usage::

    recall = Metric(
        "key_fact_recall",
        "share of required facts found in the answer",
        score=lambda view: ...,          # one case -> float in 0..1, or None
    )
    recall.aggregate(results)            # MetricValue: mean with a 95% interval
    recall.cell(value)                   # "0.912 [0.871, 0.950]"
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import numpy as np

from .stats import MetricValue, mean_metric, paired_difference

__all__ = ["Metric", "MetricRegistry", "mean_point"]

R = TypeVar("R")  # one scored case (CaseResult, BriefingResult)

#: tags a metric may carry
HEADLINE = "headline"  # in the headline tables, thresholds and baseline deltas
PER_TAG = "per_tag"  # averaged per case tag
TAG_CHART = "tag_chart"  # a series of the report's per-tag chart
CASE_TABLE = "case_table"  # a column of the report's case table


def _score_values(key: str) -> Callable[[Sequence[Any]], list[float | None]]:
    def values(results: Sequence[Any]) -> list[float | None]:
        return [r.scores.get(key) for r in results]

    return values


def mean_point(values: Sequence[float | None]) -> float | None:
    """The mean of the defined values (None when there are none)."""
    defined = [v for v in values if v is not None]
    return float(np.mean(defined)) if defined else None


@dataclass(frozen=True)
class Metric(Generic[R]):
    """One metric.

    Fields:
        name: the name in run.json, thresholds.yaml and ``--fail-under``.
        description: what it measures (one line, shown in ``--help`` texts and docs).
        higher_is_better: False for rates of bad things and latency: a threshold is then
            a maximum, and a negative delta an improvement.
        score: the per-case function (a case view -> float in 0..1 or None when the case
            does not count); None for metrics computed over the whole set only.
        case_key: the per-case score's name in cases.jsonl and the per-tag table
            (default: ``name``).
        values: results -> the values aggregated (default: each case's score).
        aggregate: results -> MetricValue (default: mean of ``values`` with a 95%
            interval); returning None leaves the metric out of the run (e.g. no judge).
        point: results -> the value alone, for the paired bootstrap (default: mean of
            ``values``).
        unit: "" for scores in 0..1 (3 decimals), "ms" for latencies (1 decimal).
        tags: where the metric is shown (``headline``, ``per_tag``, ``tag_chart``,
            ``case_table``).
    """

    name: str
    description: str
    higher_is_better: bool = True
    score: Callable[[Any], float | None] | None = None
    case_key: str = ""
    values: Callable[[Sequence[R]], list[float | None]] | None = None
    aggregate: Callable[[Sequence[R]], MetricValue | None] | None = None
    point: Callable[[Sequence[R]], float | None] | None = None
    unit: str = ""
    tags: frozenset[str] = field(default_factory=lambda: frozenset({HEADLINE}))

    def __post_init__(self) -> None:
        if not self.case_key:
            object.__setattr__(self, "case_key", self.name)
        values = self.values or _score_values(self.case_key)
        object.__setattr__(self, "values", values)
        if self.aggregate is None:
            object.__setattr__(self, "aggregate", lambda results: mean_metric(values(results)))
        if self.point is None:
            object.__setattr__(self, "point", lambda results: mean_point(values(results)))

    @property
    def lower_is_better(self) -> bool:
        return not self.higher_is_better

    @property
    def digits(self) -> int:
        return 1 if self.unit == "ms" else 3

    def value(self, value: float | None, digits: int | None = None) -> str:
        """``0.912``, ``44.4`` (ms) or ``n/a``."""
        return "n/a" if value is None else f"{value:.{self.digits if digits is None else digits}f}"

    def interval(
        self,
        m: MetricValue,
        *,
        compact: bool = False,
        signed: bool = False,
        digits: int | None = None,
    ) -> str:
        """``[0.871, 0.950]`` or "" without an interval; ``compact``: fewer decimals."""
        if m.value is None or m.ci_low is None or m.ci_high is None:
            return ""
        if digits is None:
            digits = (0 if self.unit == "ms" else 2) if compact else self.digits
        sign = "+" if signed else ""
        return f"[{m.ci_low:{sign}.{digits}f}, {m.ci_high:{sign}.{digits}f}]"

    def cell(self, m: MetricValue, *, compact: bool = False) -> str:
        """``0.912 [0.871, 0.950]``, ``0.912`` without an interval, ``n/a (n=0)``."""
        if m.value is None:
            return f"n/a (n={m.n})"
        ci = self.interval(m, compact=compact)
        return f"{self.value(m.value)} {ci}" if ci else self.value(m.value)

    def delta(self, delta: float | None) -> str:
        """``+0.012`` or ``n/a``."""
        return "n/a" if delta is None else f"{delta:+.{self.digits}f}"

    def misses(self, value: float | None, threshold: float) -> bool:
        """True when ``value`` fails the threshold (a maximum when lower is better)."""
        if value is None:
            return True
        return value > threshold if self.lower_is_better else value < threshold

    def paired(self, a: Sequence[R], b: Sequence[R]) -> MetricValue:
        """``A - B`` over the same cases (same order) with a paired bootstrap interval."""
        if len(a) != len(b) or not a:
            return MetricValue(None, 0)
        point = self.point
        assert point is not None

        def of(results: Sequence[R]) -> Callable[[np.ndarray], float | None]:
            return lambda idx: point([results[int(i)] for i in idx])

        return paired_difference(of(a), of(b), len(a))


class MetricRegistry(Generic[R]):
    """An ordered set of metrics, looked up by name (the order is the report order)."""

    def __init__(self, metrics: Sequence[Metric[R]]) -> None:
        self._metrics = {m.name: m for m in metrics}
        if len(self._metrics) != len(metrics):
            raise ValueError("metric names must be unique")

    def __iter__(self) -> Iterator[Metric[R]]:
        return iter(self._metrics.values())

    def __contains__(self, name: object) -> bool:
        return name in self._metrics

    def __getitem__(self, name: str) -> Metric[R]:
        return self._metrics[name]

    def get(self, name: str) -> Metric[R] | None:
        return self._metrics.get(name)

    def tagged(self, tag: str) -> list[Metric[R]]:
        """The metrics carrying ``tag``, in registry order."""
        return [m for m in self if tag in m.tags]

    @property
    def headline(self) -> list[Metric[R]]:
        return self.tagged(HEADLINE)

    @property
    def names(self) -> tuple[str, ...]:
        """The headline names (what thresholds and ``--fail-under`` accept)."""
        return tuple(m.name for m in self.headline)

    def per_case(self) -> list[Metric[R]]:
        """The metrics with a per-case function (their scores go to cases.jsonl)."""
        return [m for m in self if m.score is not None]

    def score(self, view: Any) -> dict[str, float | None]:
        """Every per-case score of one case, keyed by ``case_key``."""
        return {m.case_key: m.score(view) for m in self.per_case()}  # type: ignore[misc]

    def aggregate(self, results: Sequence[R]) -> dict[str, MetricValue]:
        """Every metric's aggregate over ``results`` (metrics returning None left out)."""
        out: dict[str, MetricValue] = {}
        for m in self:
            value = m.aggregate(results)  # type: ignore[misc]
            if value is not None:
                out[m.name] = value
        return out
