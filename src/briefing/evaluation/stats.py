"""Aggregates with uncertainty: means, rates and percentiles with bootstrap 95% intervals.

Every aggregate is a :class:`MetricValue` carrying its n; an aggregate over no values
is ``value=None`` ("n/a", n=0), never NaN. Intervals come from
:func:`scipy.stats.bootstrap` with the BCa method (bias-corrected and accelerated) and a
fixed seed, so the same per-case scores give the same interval. BCa cannot be computed
for a degenerate sample (all values equal, or resamples where the statistic is
undefined); those intervals fall back to the percentile method over the defined
resamples (see :func:`_interval`).

:func:`paired_difference` gives the interval of "run A minus run B" over the *same*
cases resampled together (the hybrid-vs-dense comparison), and :func:`percentile` is
the one percentile definition of the package (linear interpolation).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import numpy as np
from scipy import stats as sps

__all__ = [
    "MetricValue",
    "bootstrap_statistic",
    "mean_metric",
    "paired_difference",
    "percentile",
    "percentile_metric",
]

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 20251202
CONFIDENCE = 0.95
#: how the intervals are made (shown in the reports)
CI_METHOD = (
    "95% BCa bootstrap over cases (scipy.stats.bootstrap, 1000 resamples, fixed seed; "
    "percentile bootstrap where BCa is undefined, e.g. all values equal)"
)
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


def percentile(values: Sequence[float] | np.ndarray, q: float, axis: int = -1) -> Any:
    """The ``q``-th percentile with linear interpolation (numpy's default): the package's
    one definition, used for latency p50/p95 and the report's marker lines."""
    return np.percentile(values, q, axis=axis)


def _defined(values: Sequence[float | None]) -> np.ndarray:
    return np.array([v for v in values if v is not None], dtype=float)


def _interval(
    data: tuple[np.ndarray, ...],
    statistic: Callable[..., Any],
    *,
    vectorized: bool,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> tuple[float | None, float | None]:
    """A BCa 95% interval of ``statistic`` over ``data`` (scipy), or the percentile one.

    BCa is undefined for a degenerate sample (every value equal: zero jackknife
    variance) and when some resamples leave the statistic undefined (NaN, e.g.
    abstention precision of a resample without abstentions); then the interval is the
    2.5th/97.5th percentile of the resamples where the statistic is defined. A sample
    of one case has no spread to resample: its interval is the value itself.
    """
    if len(data[0]) < 2:
        point = float(statistic(*data, axis=-1) if vectorized else statistic(*data))
        return (point, point) if np.isfinite(point) else (None, None)
    with warnings.catch_warnings():
        # DegenerateDataWarning / RuntimeWarning: handled by the fallback below.
        warnings.simplefilter("ignore")
        result = sps.bootstrap(
            data,
            statistic,
            n_resamples=resamples,
            vectorized=vectorized,
            confidence_level=CONFIDENCE,
            method="BCa",
            rng=np.random.default_rng(seed),
        )
    low, high = result.confidence_interval
    if np.isfinite(low) and np.isfinite(high):
        return float(low), float(high)
    stats = result.bootstrap_distribution
    stats = stats[np.isfinite(stats)]
    if stats.size == 0:
        return None, None
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = percentile(stats, [tail, 100 - tail])
    return float(low), float(high)


def _over_values(
    values: Sequence[float | None], statistic: Callable[..., Any], resamples: int, seed: int
) -> MetricValue:
    """``statistic(sample, axis)`` of the defined values with its BCa 95% interval."""
    data = _defined(values)
    if data.size == 0:
        return MetricValue(None, 0)
    low, high = _interval((data,), statistic, vectorized=True, resamples=resamples, seed=seed)
    return MetricValue(float(statistic(data, axis=-1)), int(data.size), low, high)


def mean_metric(
    values: Sequence[float | None],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> MetricValue:
    """Mean of the defined values with a BCa bootstrap 95% interval."""
    return _over_values(values, np.mean, resamples, seed)


def percentile_metric(
    values: Sequence[float | None],
    q: float,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> MetricValue:
    """The ``q``-th :func:`percentile` with a BCa bootstrap 95% interval."""
    return _over_values(values, partial(percentile, q=q), resamples, seed)


def _nan(value: float | None) -> float:
    return float("nan") if value is None else float(value)


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
    the statistic is undefined (None) make BCa undefined, and the interval falls back to
    the percentile one over the defined resamples. ``n`` defaults to ``len(items)``.
    """
    point = statistic(items) if items else None
    count = len(items) if n is None else n
    if point is None:
        return MetricValue(None, count)

    def over(idx: np.ndarray) -> float:
        return _nan(statistic([items[int(i)] for i in idx]))

    low, high = _interval(
        (np.arange(len(items)),), over, vectorized=False, resamples=resamples, seed=seed
    )
    return MetricValue(float(point), count, low, high)


def paired_difference(
    statistic_a: Callable[[np.ndarray], float | None],
    statistic_b: Callable[[np.ndarray], float | None],
    cases: int,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> MetricValue:
    """``A - B`` over the same ``cases`` resampled together (a paired bootstrap).

    ``statistic_a`` and ``statistic_b`` compute each run's value over an array of case
    indices (a resample of ``range(cases)``); both runs see the same resample, so the
    interval reflects the per-case difference, not the spread of two independent runs.
    """
    everything = np.arange(cases)
    a, b = statistic_a(everything), statistic_b(everything)
    if a is None or b is None:
        return MetricValue(None, 0)

    def diff(idx: np.ndarray) -> float:
        return _nan(statistic_a(idx)) - _nan(statistic_b(idx))

    low, high = _interval((everything,), diff, vectorized=False, resamples=resamples, seed=seed)
    return MetricValue(float(a - b), cases, low, high)
