"""Compare a run with a baseline run.json, and gate a run on thresholds.

A delta is *beyond the interval* when the baseline's value lies outside the current
run's bootstrap 95% interval for that metric: a move the run's own sampling noise does
not explain. Thresholds are minimums, except for the metrics where lower is better
(forbidden rate, over-refusal, redundancy, latency) where they are maximums; both
directions come from the metric registries (QA and briefing).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .aggregate import Aggregates
from .briefing_metrics import BRIEFING_METRICS
from .dataset import read_yaml
from .metric import Metric
from .qa_metrics import QA_METRICS
from .stats import MetricValue

__all__ = [
    "Delta",
    "GateFailure",
    "check_thresholds",
    "compare_to_baseline",
    "gated_metric",
    "load_baseline",
    "load_thresholds",
    "parse_fail_under",
]


@dataclass(frozen=True, slots=True)
class Delta:
    """One headline metric against the baseline.

    Fields:
        name: metric name.   current, baseline: the two values (None = n/a).
        delta: current - baseline, None when either is n/a.
        beyond_ci: the baseline value is outside the current 95% interval.
        better: the change is an improvement (direction-aware); None when no change.
    """

    name: str
    current: float | None
    baseline: float | None
    delta: float | None
    beyond_ci: bool
    better: bool | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "current": self.current,
            "baseline": self.baseline,
            "delta": self.delta,
            "beyond_ci": self.beyond_ci,
            "better": self.better,
        }


def load_baseline(path: Path) -> dict[str, Aggregates]:
    """Split label -> aggregates of a previous run (ConfigError names the file).

    ``path`` is a run.json (its aggregates apply to every split, label ``""``) or the
    output folder of a multi-split run (each ``<split>/run.json`` under its label).
    """
    path = Path(path)
    if path.is_dir():
        found = {p.parent.name: p for p in sorted(path.glob("*/run.json"))}
        if not found:
            raise ConfigError(f"--baseline {path}: no <split>/run.json in this folder")
        return {label: _read_run(p) for label, p in found.items()}
    return {"": _read_run(path)}


def _read_run(path: Path) -> Aggregates:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return Aggregates.from_dict(data["aggregates"])
    except OSError as exc:
        raise ConfigError(f"--baseline {path}: cannot read: {exc.strerror or exc}") from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(f"--baseline {path}: not a run.json written by `briefing eval`") from exc


def gated_metric(name: str) -> Metric | None:
    """The headline metric (QA or briefing) a threshold may name, or None."""
    for registry in (QA_METRICS, BRIEFING_METRICS):
        if name in registry.names:
            return registry[name]
    return None


def compare_to_baseline(current: Aggregates, baseline: Aggregates) -> list[Delta]:
    """Deltas for every headline metric present in either run."""
    deltas: list[Delta] = []
    for metric in QA_METRICS.headline:
        name = metric.name
        cur = current.metrics.get(name, MetricValue(None, 0))
        base = baseline.metrics.get(name, MetricValue(None, 0))
        if cur.value is None or base.value is None:
            deltas.append(Delta(name, cur.value, base.value, None, False, None))
            continue
        delta = cur.value - base.value
        beyond = (
            cur.ci_low is not None
            and cur.ci_high is not None
            and not (cur.ci_low <= base.value <= cur.ci_high)
        )
        better = None if delta == 0 else (delta < 0) == metric.lower_is_better
        deltas.append(Delta(name, cur.value, base.value, delta, beyond, better))
    return deltas


@dataclass(frozen=True, slots=True)
class GateFailure:
    """A metric that missed its threshold."""

    name: str
    value: float | None
    threshold: float

    @property
    def message(self) -> str:
        shown = "n/a" if self.value is None else f"{self.value:.4g}"
        metric = gated_metric(self.name)
        if metric is not None and metric.lower_is_better:
            return f"{self.name} = {shown}, above the maximum {self.threshold:g}"
        return f"{self.name} = {shown}, below the minimum {self.threshold:g}"


def _check_name(name: str, source: str) -> str:
    if gated_metric(name) is None:
        known = ", ".join((*QA_METRICS.names, *BRIEFING_METRICS.names))
        raise ConfigError(f"{source}: unknown metric {name!r}; known metrics: {known}")
    return name


def _number(value: Any, name: str, source: str) -> float:
    if isinstance(value, bool):
        raise ConfigError(f"{source}: threshold for {name!r} must be a number, got {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"{source}: threshold for {name!r} must be a number, got {value!r}"
        ) from exc


def parse_fail_under(items: list[str]) -> dict[str, float]:
    """Parse ``--fail-under metric=value`` options (ConfigError names the bad one)."""
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise ConfigError(f"--fail-under {item!r}: expected metric=value")
        name = _check_name(name.strip(), "--fail-under")
        out[name] = _number(value.strip(), name, "--fail-under")
    return out


def load_thresholds(path: Path) -> dict[str, dict[str, float]]:
    """Split label -> {metric: threshold} from a YAML file (ConfigError names the file).

    The file holds ``splits: {dev: {metric: value}, test: {...}}``, or a flat
    ``thresholds: {metric: value}`` that applies to every split (label ``""``).
    """
    where = f"thresholds file {path}"
    data = read_yaml(path, error=ConfigError, cannot_read=f"{where}: cannot read", where=where)
    data = data if isinstance(data, dict) else {}
    if isinstance(data.get("splits"), dict):
        tables = {str(label): table for label, table in data["splits"].items()}
    elif isinstance(data.get("thresholds"), dict):
        tables = {"": data["thresholds"]}
    else:
        raise ConfigError(
            f"thresholds file {path}: expected 'splits: {{split: {{metric: value}}}}' "
            "or a mapping 'thresholds: {metric: value}'"
        )
    out: dict[str, dict[str, float]] = {}
    for label, table in tables.items():
        where = f"{path} (split {label})" if label else str(path)
        if not isinstance(table, dict):
            raise ConfigError(f"thresholds file {where}: expected a mapping {{metric: value}}")
        out[label] = {
            _check_name(str(k), where): _number(v, str(k), where) for k, v in table.items()
        }
    return out


def check_thresholds(
    metrics: Mapping[str, MetricValue], thresholds: Mapping[str, float]
) -> list[GateFailure]:
    """Every metric that misses its threshold; an n/a value always fails."""
    failures: list[GateFailure] = []
    for name, threshold in thresholds.items():
        value = metrics.get(name, MetricValue(None, 0)).value
        metric = gated_metric(name)
        if value is None or (metric.misses(value, threshold) if metric else value < threshold):
            failures.append(GateFailure(name, value, threshold))
    return failures
