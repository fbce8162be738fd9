"""Aggregates with uncertainty: means, rates and percentiles with bootstrap 95% intervals.

Every aggregate is a :class:`MetricValue` carrying its n; an aggregate over no values
is ``value=None`` ("n/a", n=0), never NaN. Intervals are percentile bootstraps over
cases with a seeded generator, so the same per-case scores give the same interval.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

__all__ = ["MetricValue", "bootstrap_statistic", "mean_metric", "percentile_metric"]

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 20251202
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class MetricValue:
    """One aggregate.

    Fields:
        value: the point estimate, or None when undefined (n = 0).
        n: how many cases the value is computed over.
        ci_low, ci_high: bootstrap 95% interval, None when value is None.
    """

    value: float | None
    n: int
    ci_low: float | None = None
    ci_high: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "n": self.n,
            "ci": [self.ci_low, self.ci_high] if self.value is not None else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MetricValue:
        ci = data.get("ci") or [None, None]
        return cls(data.get("value"), int(data.get("n", 0)), ci[0], ci[1])

    def format(self, digits: int = 3) -> str:
        """``0.912 [0.871, 0.950] n=80`` or ``n/a (n=0)``."""
        if self.value is None:
            return f"n/a (n={self.n})"
        if self.ci_low is None or self.ci_high is None:
            return f"{self.value:.{digits}f} n={self.n}"
        return (
            f"{self.value:.{digits}f} [{self.ci_low:.{digits}f}, {self.ci_high:.{digits}f}] "
            f"n={self.n}"
        )


def _defined(values: Sequence[float | None]) -> np.ndarray:
    return np.array([v for v in values if v is not None], dtype=float)


def mean_metric(
    values: Sequence[float | None],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> MetricValue:
    """Mean of the defined values with a percentile-bootstrap 95% interval."""
    data = _defined(values)
    if data.size == 0:
        return MetricValue(None, 0)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, data.size, size=(resamples, data.size))
    means = data[idx].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return MetricValue(float(data.mean()), int(data.size), float(low), float(high))


def percentile_metric(
    values: Sequence[float | None],
    q: float,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> MetricValue:
    """The ``q``-th percentile (linear interpolation) with a bootstrap 95% interval."""
    data = _defined(values)
    if data.size == 0:
        return MetricValue(None, 0)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, data.size, size=(resamples, data.size))
    stats = np.percentile(data[idx], q, axis=1)
    low, high = np.percentile(stats, [2.5, 97.5])
    return MetricValue(float(np.percentile(data, q)), int(data.size), float(low), float(high))


def bootstrap_statistic(
    items: Sequence[T],
    statistic: Callable[[Sequence[T]], float | None],
    *,
    n: int | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> MetricValue:
    """A statistic over whole cases (e.g. abstention F1) with a case-bootstrap interval.

    Resamples ``items`` with replacement and recomputes ``statistic``; resamples where
    the statistic is undefined (None) are skipped. ``n`` defaults to ``len(items)``.
    """
    point = statistic(items) if items else None
    count = len(items) if n is None else n
    if point is None:
        return MetricValue(None, count)
    rng = np.random.default_rng(seed)
    stats: list[float] = []
    for _ in range(resamples):
        idx = rng.integers(0, len(items), size=len(items))
        value = statistic([items[i] for i in idx])
        if value is not None:
            stats.append(value)
    if not stats:
        return MetricValue(point, count)
    low, high = np.percentile(np.array(stats), [2.5, 97.5])
    return MetricValue(float(point), count, float(low), float(high))
