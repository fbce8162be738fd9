"""The listwise lead model of ``briefing fit`` on small made-up sets."""

from __future__ import annotations

import numpy as np

from briefing.answering.features import FEATURES
from briefing.fitting import _lead_linear, _listwise


def test_listwise_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(0)
    z = rng.normal(size=(9, 3))
    y = np.array([1, 0, 0, 0, 1, 1, 0, 0, 1], dtype=float)
    sets = [np.arange(0, 4), np.arange(4, 9)]
    w = rng.normal(size=3)
    loss, grad = _listwise(z, y, sets, 0.5, w)
    step = 1e-6
    numeric = [
        (_listwise(z, y, sets, 0.5, w + step * e)[0] - _listwise(z, y, sets, 0.5, w - step * e)[0])
        / (2 * step)
        for e in np.eye(3)
    ]
    assert np.allclose(grad, numeric, atol=1e-5)
    assert loss > 0


def test_the_lead_model_learns_what_marks_the_answer_within_each_set() -> None:
    rng = np.random.default_rng(1)
    n, width = 40, len(FEATURES)
    x = rng.normal(size=(n * 4, width))
    y = np.zeros(n * 4)
    sets = [np.arange(4 * i, 4 * i + 4) for i in range(n)]
    marker = FEATURES.index("predicate_sim")
    for rows in sets:
        answer = rows[rng.integers(4)]
        y[answer] = 1.0
        x[answer, marker] += 3.0  # the answer stands out on one column, within its set
        x[rows, FEATURES.index("sim")] += rng.normal() * 5  # a per-set shift says nothing
    model = _lead_linear(x, y, sets, 1.0)
    assert model.intercept == 0.0 and model.features == FEATURES
    assert int(np.argmax(np.abs(model.coef))) == marker
    led = [y[rows][np.argmax(model.logits(x[rows]))] for rows in sets]
    assert np.mean(led) > 0.9


def test_the_answer_threshold_sits_on_the_broad_best_band_not_on_a_lone_spike() -> None:
    from briefing.fitting import _answer_threshold

    # 20 unanswerable questions spread over P(answerable) 0.10-0.29; 100 answerable at
    # 0.60 and above, except one at 0.05: below 0.06 nothing but it is refused, and every
    # threshold from 0.30 to 0.59 refuses all 20 and over-refuses that one.
    unanswerable = np.round(np.linspace(0.10, 0.29, 20), 3)
    answerable = np.concatenate([[0.05], np.linspace(0.60, 0.95, 99)])
    p = np.concatenate([unanswerable, answerable])
    y = np.concatenate([np.zeros(20), np.ones(100)])
    # One more unanswerable case at 0.595 makes a one-point spike at 0.60: the best F1 of
    # a single threshold, but a step from over-refusing the answerable at 0.60.
    p = np.append(p, 0.595)
    y = np.append(y, 0)
    threshold, figures = _answer_threshold(p, y, max_over_refusal=0.02)
    assert 0.35 <= threshold < 0.60  # not the spike (the best single point: 0.60)
    assert figures["over_refusal"] == 0.01
