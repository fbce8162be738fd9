"""The metric registry, the BCa/percentile intervals and the paired bootstrap."""

from __future__ import annotations

import numpy as np
import pytest

from briefing.evaluation import BRIEFING_METRICS, QA_METRICS
from briefing.evaluation.baseline import check_thresholds
from briefing.evaluation.metric import Metric, MetricRegistry
from briefing.evaluation.stats import (
    MetricValue,
    bootstrap_statistic,
    mean_metric,
    paired_difference,
    percentile,
)


class Scored:
    def __init__(self, **scores):
        self.scores = scores


def test_registry_holds_names_directions_and_formats():
    assert QA_METRICS.names[:2] == ("key_fact_recall", "all_facts_accuracy")
    assert QA_METRICS["forbidden_rate"].lower_is_better
    assert QA_METRICS["forbidden_rate"].case_key == "forbidden"
    assert not QA_METRICS["mrr"].lower_is_better
    assert BRIEFING_METRICS["redundancy"].lower_is_better
    p95 = QA_METRICS["latency_total_p95_ms"]
    assert p95.cell(MetricValue(99.34, 5, 64.0, 109.55)) == "99.3 [64.0, 109.5]"
    assert p95.cell(MetricValue(99.34, 5, 64.0, 109.55), compact=True) == "99.3 [64, 110]"
    assert QA_METRICS["mrr"].cell(MetricValue(None, 0)) == "n/a (n=0)"
    # the gate takes the direction from the registry, for QA and briefing metrics alike
    gate = {"redundancy": 0.1, "forbidden_rate": 0.1, "mrr": 0.5}
    values = {name: MetricValue(0.2, 3) for name in gate}
    failed = {f.name for f in check_thresholds(values, gate)}
    assert failed == {"redundancy", "forbidden_rate", "mrr"}
    assert check_thresholds(values, {"redundancy": 0.3, "mrr": 0.1}) == []
    with pytest.raises(ValueError, match="unique"):
        MetricRegistry([Metric("a", "x"), Metric("a", "y")])


def test_a_metric_aggregates_its_case_scores():
    m = Metric("share", "a test metric", score=lambda v: float(v))
    registry = MetricRegistry([m])
    assert registry.score(1) == {"share": 1.0}
    value = registry.aggregate([Scored(share=1.0), Scored(share=0.0), Scored(share=None)])
    assert value["share"].value == 0.5 and value["share"].n == 2


def test_bca_interval_and_degenerate_fallback():
    rng = np.random.default_rng(1)
    values = list(rng.random(60))
    m = mean_metric(values)
    assert m.ci_low < m.value < m.ci_high
    assert mean_metric(values) == m  # fixed seed
    constant = mean_metric([0.5] * 7)  # BCa undefined: the percentile interval
    assert (constant.value, constant.ci_low, constant.ci_high) == (0.5, 0.5, 0.5)
    assert mean_metric([0.4]) == MetricValue(0.4, 1, 0.4, 0.4)  # one case: no spread
    # a statistic undefined on some resamples (no abstention drawn) still gets an interval
    rare = bootstrap_statistic([1] + [0] * 30, lambda xs: 1.0 if sum(xs) else None)
    assert rare.value == 1.0 and rare.ci_low == rare.ci_high == 1.0
    assert float(percentile([10, 20, 30, 40], 50)) == 25.0  # linear interpolation


def test_paired_interval_is_narrower_than_the_unpaired_one():
    rng = np.random.default_rng(7)
    base = rng.random(80)
    a, b = base + 0.05, base  # the same cases, A always 0.05 better
    paired = paired_difference(lambda idx: a[idx].mean(), lambda idx: b[idx].mean(), 80)
    assert paired.value == pytest.approx(0.05)
    assert paired.ci_low == pytest.approx(0.05) and paired.ci_high == pytest.approx(0.05)
    ma, mb = mean_metric(list(a)), mean_metric(list(b))
    assert ma.ci_low < mb.value  # unpaired intervals overlap: they cannot tell
    noisy = b + rng.normal(0.0, 0.02, 80)
    diff = paired_difference(lambda idx: a[idx].mean(), lambda idx: noisy[idx].mean(), 80)
    assert 0.0 < diff.ci_low < diff.value < diff.ci_high
