"""Fitting the offline answerer's models on the dev split (``briefing fit``).

What is learned, from the gold cases of ``evals/qa/dev.yaml`` only:

1. **Rows.** Each dev case is asked as in use (earlier turns first, so the follow-up is
   rewritten by the real rewriter), its passages retrieved, and every candidate
   sentence featurised (:meth:`OfflineAnswerer.featurise`). A sentence is a positive
   when it holds at least one of the case's required facts.
2. **Sentence model.** A logistic regression (scikit-learn, standardised features) on
   those rows, on :data:`~briefing.answering.features.SELECTION_FEATURES`: it chooses
   the sentences. Its regularisation C is chosen by cross-validation *by case*
   (``GroupKFold``, shuffled with ``seed``): the held-out log-loss on answerable cases
   (the share whose most probable sentence holds a fact is reported beside it).
   **Lead model.** A conditional (listwise) logit on all
   :data:`~briefing.answering.features.FEATURES`: within each answerable case's
   *choosable* sentences (what ``select`` keeps at the loosest thresholds of the grids,
   from the sentence model's out-of-fold probabilities), the softmax of its scores
   should put the mass on the sentences holding a fact. It learns to order the chosen
   sentences, which is all it is used for; a per-sentence logistic model learns to tell
   them from the whole pool instead. Measured by case cross-validation on dev (494
   cases): first sentence 0.728 (per-sentence logistic) -> 0.752, all-facts unchanged;
   with the folds reshuffled (seeds 1-3) +0.014 to +0.027. Its L2 weight is chosen by
   held-out listwise log-loss; scipy's L-BFGS fits it (scikit-learn has no conditional
   logit; statsmodels' has no L2 penalty).
3. **Answerable model.** A second logistic regression on one row per case
   (:data:`~briefing.answering.model.QUESTION_FEATURES`), built from the sentence
   model's *out-of-fold* probabilities, so it learns how a held-out question looks.
4. **Thresholds**, chosen on the out-of-fold probabilities: ``answer`` maximises
   abstention F1 (averaged over the thresholds within ``ANSWER_WINDOW``) with
   over-refusal at most ``max_over_refusal`` (0.02: in
   cross-validation the same F1 as 0.03 with a quarter of the over-refusals and 0.02 more
   all-facts, and the issue's bound of 0.03 must hold on unseen questions); ``extra`` and
   ``extra_share`` maximise all-facts accuracy plus a quarter of token F1 of the
   composed answers, led as in use (facts first, brevity second).

Earlier turns of multi-turn cases are answered (and so rewritten) by a model too:
``fit_twice`` fits once with earlier turns answered by :func:`prior_model`, then again
with them answered by that first fit, so the result is a function of the code and the
dev cases alone, not of whichever model.json happened to be installed.

The result is one JSON file (``answering/model.json``) with the weights, thresholds,
the seed, the dataset hash and the cross-validated figures. Needs the ``[dev]`` extra
(scikit-learn).

Usage::

    report = fit_model(Assistant(settings), load_dataset(Path("evals/qa/dev.yaml")), seed=0)
    report.model.save(Path("src/briefing/answering/model.json"))
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from tqdm import tqdm

from .answering.analysis import Analysis, ruled_out
from .answering.features import FEATURES, SELECTION_FEATURES
from .answering.model import QUESTION_FEATURES, AnswererModel, LinearModel, Thresholds
from .answering.offline import OfflineAnswerer
from .errors import ConfigError
from .evaluation import metrics
from .evaluation.dataset import EvalCase

__all__ = ["FitReport", "collect", "fit_model", "fit_twice", "prior_model"]

C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
# L2 weights of the listwise lead model (per case set: ~370 sets of ~8 sentences).
LEAD_L2_GRID = (0.3, 1.0, 3.0, 10.0)
# How much token F1 counts next to all-facts accuracy when choosing the extra-sentence
# thresholds: facts first (the gated quality bar), brevity second.
F1_WEIGHT = 0.25
ANSWER_GRID = tuple(round(x, 2) for x in np.arange(0.0, 0.96, 0.01))
# The held-out abstention F1 is flat and jagged over a wide band of thresholds (on dev,
# 494 cases: within 0.01 of its best from 0.21 to 0.53, one case per step), so its
# single best point is chosen by noise; each threshold is judged by its mean F1 over
# this many on either side (0.05: ten grid steps, about the width of one jag).
ANSWER_WINDOW = 0.05
EXTRA_GRID = (0.02, 0.05, 0.08, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)
SHARE_GRID = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)


@dataclass(slots=True)
class _Row:
    case: EvalCase
    analysis: Analysis
    labels: np.ndarray


@dataclass(slots=True)
class FitReport:
    """The fitted model and the cross-validated figures it was chosen by."""

    model: AnswererModel
    cv: dict[str, Any] = field(default_factory=dict)


def collect(assistant: Any, cases: Sequence[EvalCase], *, progress: bool = True) -> list[_Row]:
    """Featurise every case's last turn as the assistant would answer it."""
    answerer = assistant.answerer
    if not isinstance(answerer, OfflineAnswerer):
        raise ConfigError("briefing fit fits the offline answerer: use backend=offline")
    rows: list[_Row] = []
    for case in tqdm(cases, desc="featurise", unit="case", disable=not progress, file=sys.stderr):
        chat = assistant.conversation()
        for question in case.turns[:-1]:
            chat.ask(question)
        last = assistant.check_question(case.turns[-1])
        standalone = assistant.rewriter.rewrite(last, tuple(chat.history)) if chat.history else last
        passages = assistant.retrieve(standalone)
        analysis = answerer.featurise(standalone, passages)
        labels = np.array(
            [
                1.0 if any(metrics.fact_found(c.text, f) for f in case.required_facts) else 0.0
                for c in analysis.candidates
            ]
        )
        rows.append(_Row(case, analysis, labels))
    return rows


@dataclass(slots=True)
class _Data:
    """The sentence rows of the usable cases, grouped by case, and the case folds.

    Fields:
        usable: the cases with candidate sentences.   groups: the case of each row.
        x, y: sentence features and labels.   split: GroupKFold (train, test) row folds.
        answerable_rows: rows of answerable cases (the sentence model learns from them:
            in an unanswerable case every sentence is a negative only because the
            question has no answer, which is the answerable model's job; measured:
            held-out top-1 0.683 vs 0.652 with them).
    """

    usable: list[_Row]
    groups: np.ndarray
    x: np.ndarray
    y: np.ndarray
    split: list[tuple[np.ndarray, np.ndarray]]
    answerable_rows: np.ndarray

    @classmethod
    def of(cls, rows: Sequence[_Row], folds: int, seed: int) -> _Data:
        from sklearn.model_selection import GroupKFold

        usable = [r for r in rows if len(r.analysis.candidates)]
        groups = np.concatenate([np.full(len(r.labels), i) for i, r in enumerate(usable)])
        x = np.vstack([r.analysis.matrix for r in usable])
        y = np.concatenate([r.labels for r in usable])
        kfold = GroupKFold(n_splits=folds, shuffle=True, random_state=seed)
        answerable = [i for i, r in enumerate(usable) if r.case.answerable]
        return cls(
            usable, groups, x, y, list(kfold.split(x, y, groups)), np.isin(groups, answerable)
        )

    def case_probabilities(self, i: int, probabilities: np.ndarray) -> None:
        """Set case ``i``'s candidate probabilities from the row vector."""
        _set_probabilities(self.usable[i].analysis, probabilities[self.groups == i])


def _logistic(c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000)


def _sentence_oof(data: _Data, c: float, names: Sequence[str]) -> np.ndarray:
    x = _columns(data.x, names)
    out = np.zeros(len(data.y))
    for train, test in data.split:
        train = train[data.answerable_rows[train]]
        model = _linear(_logistic(c), x[train], data.y[train], names)
        out[test] = model.probabilities(x[test])
    return out


def _columns(x: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """The columns ``names`` of a :data:`FEATURES` matrix."""
    return x[:, [FEATURES.index(name) for name in names]]


def _top1(data: _Data, prob: np.ndarray) -> float:
    hits = [
        r.labels[int(np.argmax(prob[data.groups == i]))]
        for i, r in enumerate(data.usable)
        if r.case.answerable
    ]
    return float(np.mean(hits))


def _log_loss(data: _Data, prob: np.ndarray) -> float:
    p = np.clip(prob[data.answerable_rows], 1e-6, 1 - 1e-6)
    t = data.y[data.answerable_rows]
    return float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))


def _fit_sentence(
    data: _Data, names: Sequence[str], prefix: str = ""
) -> tuple[LinearModel, np.ndarray, dict[str, Any]]:
    """A sentence-level model on the columns ``names``, its out-of-fold probabilities and
    the C-selection figures (their keys start with ``prefix``).

    C by held-out log-loss: smooth, where top-1 moves by single cases.
    """
    fitted = {c: _sentence_oof(data, c, names) for c in C_GRID}
    scores = {c: _top1(data, p) for c, p in fitted.items()}
    losses = {c: _log_loss(data, p) for c, p in fitted.items()}
    best_c = min(C_GRID, key=lambda c: losses[c])
    rows = data.answerable_rows
    model = _linear(_logistic(best_c), _columns(data.x, names)[rows], data.y[rows], names)
    figures = {
        f"{prefix}C": best_c,
        f"{prefix}top1_fact_by_C": {str(c): round(v, 4) for c, v in scores.items()},
        f"{prefix}log_loss_by_C": {str(c): round(v, 4) for c, v in losses.items()},
        f"{prefix}top1_fact": round(scores[best_c], 4),
    }
    return model, fitted[best_c], figures


def _choosable(answerer: OfflineAnswerer, data: _Data, oof: np.ndarray) -> list[np.ndarray]:
    """Row indices, per answerable case, of the sentences ``select`` keeps at the loosest
    thresholds of the grids (any fitted threshold chooses among these)."""
    from .answering.selection import select

    sets = []
    for i, r in enumerate(data.usable):
        if not r.case.answerable:
            continue
        data.case_probabilities(i, oof)
        kept = {
            id(c)
            for c in select(
                r.analysis.profile,
                r.analysis.candidates,
                answerer.limits,
                extra=EXTRA_GRID[0],
                extra_share=SHARE_GRID[0],
            )
        }
        rows = np.flatnonzero(data.groups == i)
        sets.append(rows[[id(c) in kept for c in r.analysis.candidates]])
    return sets


def _listwise(
    z: np.ndarray, y: np.ndarray, sets: Sequence[np.ndarray], l2: float, w: np.ndarray
) -> tuple[float, np.ndarray]:
    """Conditional-logit loss and gradient: per set, cross-entropy of softmax(z @ w)
    against the uniform distribution over its positives, plus ``l2`` x |w|^2."""
    loss, grad = l2 * float(w @ w), 2 * l2 * w
    for rows in sets:
        u = z[rows] @ w
        p = np.exp(u - u.max())
        p /= p.sum()
        t = y[rows] / y[rows].sum()
        loss -= float(t @ np.log(p + 1e-12))
        grad = grad - z[rows].T @ (t - p)
    return loss, grad


def _lead_linear(
    x: np.ndarray, y: np.ndarray, sets: Sequence[np.ndarray], l2: float
) -> LinearModel:
    """The listwise lead model fitted on ``sets`` (sets whose sentences all or none hold
    a fact say nothing about order and are skipped)."""
    from scipy.optimize import minimize

    informative = [rows for rows in sets if 0 < y[rows].sum() < len(rows)]
    train = np.concatenate(informative)
    mean, scale = x[train].mean(axis=0), x[train].std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    w = minimize(
        lambda w: _listwise(z, y, informative, l2, w),
        np.zeros(x.shape[1]),
        jac=True,
        method="L-BFGS-B",
        tol=1e-10,  # converged well past the file's 6 decimals, on any machine
    ).x
    return LinearModel(
        features=tuple(FEATURES),
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        coef=tuple(float(v) for v in w),
        intercept=0.0,
    )


def _fit_lead(
    answerer: OfflineAnswerer, data: _Data, oof: np.ndarray
) -> tuple[LinearModel, np.ndarray, dict[str, Any]]:
    """The lead model, its out-of-fold scores for every row and the L2-selection figures
    (held-out listwise log-loss; the share of choosable sets led by a fact beside it)."""
    sets = _choosable(answerer, data, oof)
    case_of = {int(data.groups[rows[0]]): rows for rows in sets if len(rows)}
    folds = _case_folds(data.split, data.groups, len(data.usable))
    fitted: dict[float, np.ndarray] = {}
    losses: dict[float, float] = {}
    scores: dict[float, float] = {}
    for l2 in LEAD_L2_GRID:
        out = np.zeros(len(data.y))
        loss = 0.0
        for train, test in folds:
            model = _lead_linear(data.x, data.y, [case_of[i] for i in train if i in case_of], l2)
            rows = np.isin(data.groups, test)
            out[rows] = model.probabilities(data.x[rows])
            held = [case_of[i] for i in test if i in case_of and data.y[case_of[i]].sum() > 0]
            z = (data.x - np.asarray(model.mean)) / np.asarray(model.scale)
            loss += _listwise(z, data.y, held, 0.0, np.asarray(model.coef))[0]
        fitted[l2], losses[l2] = out, loss / max(1, len(sets))
        scores[l2] = float(np.mean([data.y[r[np.argmax(out[r])]] if len(r) else 0.0 for r in sets]))
    best = min(LEAD_L2_GRID, key=lambda l2: losses[l2])
    figures = {
        "lead_l2": best,
        "lead_first_fact_by_l2": {str(k): round(v, 4) for k, v in scores.items()},
        "lead_log_loss_by_l2": {str(k): round(v, 4) for k, v in losses.items()},
        "lead_first_fact": round(scores[best], 4),
    }
    return _lead_linear(data.x, data.y, sets, best), fitted[best], figures


def _fit_answerable(
    answerer: OfflineAnswerer, data: _Data, oof: np.ndarray
) -> tuple[LinearModel, np.ndarray, np.ndarray]:
    """The answerable model (learnt from held-out sentence probabilities), its
    out-of-fold probabilities per case and the cases' answerable labels."""
    q_rows = []
    for i in range(len(data.usable)):
        data.case_probabilities(i, oof)
        q_rows.append(answerer.question_row(data.usable[i].analysis))
    qx = np.vstack(q_rows)
    qy = np.array([1.0 if r.case.answerable else 0.0 for r in data.usable])
    # Questions a rule refuses (absent names, off-topic, absent unit or attribute) never
    # reach the answerable model; it learns the rest. (Probabilities are out-of-fold.)
    ruled = np.zeros(len(data.usable), dtype=bool)
    for i, r in enumerate(data.usable):
        data.case_probabilities(i, oof)
        ruled[i] = ruled_out(r.analysis) is not None
    q_oof = np.zeros(len(data.usable))
    for train, test in _case_folds(data.split, data.groups, len(data.usable)):
        train = train[~ruled[train]]
        model = _linear(_logistic(1.0), qx[train], qy[train], QUESTION_FEATURES)
        q_oof[test] = model.probabilities(qx[test])
    answerable = _linear(_logistic(1.0), qx[~ruled], qy[~ruled], QUESTION_FEATURES)
    q_oof[ruled] = 0.0  # refused by the rule whatever the model says
    return answerable, q_oof, qy


def fit_model(
    answerer: OfflineAnswerer,
    rows: Sequence[_Row],
    *,
    seed: int = 0,
    folds: int = 5,
    max_over_refusal: float = 0.02,
    provenance: dict[str, Any] | None = None,
) -> FitReport:
    """Fit the three models and the thresholds on ``rows`` (see the module docstring)."""
    data = _Data.of(rows, folds, seed)
    sentence, oof, c_figures = _fit_sentence(data, SELECTION_FEATURES)
    lead, lead_oof, lead_figures = _fit_lead(answerer, data, oof)
    answerable, q_oof, qy = _fit_answerable(answerer, data, oof)
    answer_at, abstention = _answer_threshold(q_oof, qy, max_over_refusal)
    extra, share, composed = _extra_thresholds(
        answerer, data.usable, (oof, lead_oof), data.groups, q_oof >= answer_at
    )
    cv = {
        "folds": folds,
        "seed": seed,
        **c_figures,
        **lead_figures,
        **abstention,
        **composed,
        "cases": len(data.usable),
        "sentences": int(len(data.y)),
        "positives": int(data.y.sum()),
    }
    model = AnswererModel(
        sentence=sentence,
        lead=lead,
        answerable=answerable,
        thresholds=Thresholds(answer=answer_at, extra=extra, extra_share=share),
        fitted={"command": "briefing fit", **(provenance or {}), "cv": cv},
    )
    return FitReport(model=model, cv=cv)


def _linear(estimator: Any, x: np.ndarray, y: np.ndarray, names: Sequence[str]) -> LinearModel:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    estimator.fit((x - mean) / scale, y)
    return LinearModel(
        features=tuple(names),
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        coef=tuple(float(v) for v in estimator.coef_[0]),
        intercept=float(estimator.intercept_[0]),
    )


def _case_folds(split, groups: np.ndarray, n: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The sentence folds as case folds (a case's rows are all in one fold)."""
    out = []
    for _, test in split:
        held = np.unique(groups[test])
        out.append((np.setdiff1d(np.arange(n), held), held))
    return out


def _set_probabilities(
    analysis: Analysis, probabilities: np.ndarray, leads: np.ndarray | None = None
) -> None:
    leads = probabilities if leads is None else leads
    for candidate, p, lead in zip(analysis.candidates, probabilities, leads, strict=True):
        candidate.probability = float(p)
        candidate.lead = float(lead)


def _answer_threshold(
    p: np.ndarray, answerable: np.ndarray, max_over_refusal: float
) -> tuple[float, dict[str, float]]:
    """The threshold with the best abstention F1, averaged over its neighbours within
    :data:`ANSWER_WINDOW`, whose over-refusal stays in bounds."""
    curve: list[tuple[float, float, float]] = []
    for t in ANSWER_GRID:
        refused = p < t
        tp = float(np.sum(refused & (answerable == 0)))
        fp = float(np.sum(refused & (answerable == 1)))
        fn = float(np.sum(~refused & (answerable == 0)))
        over = fp / max(1.0, float(np.sum(answerable == 1)))
        curve.append((t, 2 * tp / max(1.0, 2 * tp + fp + fn), over))
    best: tuple[float, float, float, float] | None = None
    for t, f1, over in curve:
        if over > max_over_refusal:
            continue
        smoothed = float(np.mean([g for u, g, _ in curve if abs(u - t) <= ANSWER_WINDOW + 1e-9]))
        if best is None or smoothed > best[3] + 1e-9:
            best = (t, f1, over, smoothed)
    if best is None:
        return ANSWER_GRID[0], {"abstention_f1": 0.0, "over_refusal": 0.0}
    return best[0], {"abstention_f1": round(best[1], 4), "over_refusal": round(best[2], 4)}


def _extra_thresholds(
    answerer: OfflineAnswerer,
    rows: Sequence[_Row],
    oof: tuple[np.ndarray, np.ndarray],
    groups: np.ndarray,
    answered: np.ndarray,
) -> tuple[float, float, dict[str, float]]:
    """``extra`` and ``extra_share`` maximising all-facts + F1_WEIGHT x token F1 (``oof``:
    the sentence and lead models' out-of-fold probabilities)."""
    from .answering.compose import compose
    from .answering.selection import lead_first, select

    sentence_oof, lead_oof = oof
    best: tuple[float, float, float, dict[str, float]] | None = None
    for extra in EXTRA_GRID:
        for share in SHARE_GRID:
            facts, f1, lead = [], [], []
            for i, r in enumerate(rows):
                if not r.case.answerable:
                    continue
                if not answered[i]:
                    facts.append(0.0)
                    f1.append(0.0)
                    continue
                _set_probabilities(r.analysis, sentence_oof[groups == i], lead_oof[groups == i])
                chosen = lead_first(
                    select(
                        r.analysis.profile,
                        r.analysis.candidates,
                        answerer.limits,
                        extra=extra,
                        extra_share=share,
                    ),
                    r.analysis.profile,
                )
                statements, _ = compose(r.analysis.profile, chosen, disagreement=False)
                text = " ".join(s.text for s in statements)
                facts.append(0.0 if metrics.missing_facts(text, r.case.required_facts) else 1.0)
                f1.append(metrics.token_f1(text, r.case.reference_answer) or 0.0)
                lead.append(
                    1.0
                    if any(metrics.fact_found(statements[0].text, f) for f in r.case.required_facts)
                    else 0.0
                )
            score = float(np.mean(facts) + F1_WEIGHT * np.mean(f1))
            figures = {
                "all_facts": round(float(np.mean(facts)), 4),
                "token_f1": round(float(np.mean(f1)), 4),
                "first_sentence_answers": round(float(np.mean(lead)), 4) if lead else 0.0,
            }
            if best is None or score > best[2] + 1e-9:
                best = (extra, share, score, figures)
    assert best is not None
    return best[0], best[1], best[3]


def fit_twice(
    assistant: Any,
    answerer: OfflineAnswerer,
    cases: Sequence[EvalCase],
    *,
    seed: int = 0,
    folds: int = 5,
    provenance: dict[str, Any] | None = None,
    progress: bool = True,
) -> FitReport:
    """Two fits: earlier turns answered by the prior, then by the first fit (see above)."""
    answerer.use_model(prior_model())
    first = fit_model(
        answerer, collect(assistant, cases, progress=progress), seed=seed, folds=folds
    )
    answerer.use_model(first.model)
    rows = collect(assistant, cases, progress=progress)
    return fit_model(answerer, rows, seed=seed, folds=folds, provenance=provenance)


def prior_model() -> AnswererModel:
    """The model used before any fit: rank sentences by MiniLM similarity alone, never
    abstain on the learned score. Only ``briefing fit`` uses it (to answer the earlier
    turns of multi-turn cases when no fitted model exists yet)."""
    sentence, lead = (_similarity_only(names) for names in (SELECTION_FEATURES, FEATURES))
    m = len(QUESTION_FEATURES)
    answerable = LinearModel(QUESTION_FEATURES, (0.0,) * m, (1.0,) * m, (0.0,) * m, 3.0)
    return AnswererModel(
        sentence=sentence, lead=lead, answerable=answerable, fitted={"prior": True}
    )


def _similarity_only(names: Sequence[str]) -> LinearModel:
    """A model over ``names`` that ranks by MiniLM similarity alone."""
    n = len(names)
    coef = [0.0] * n
    coef[list(names).index("sim")] = 8.0
    return LinearModel(tuple(names), (0.0,) * n, (1.0,) * n, tuple(coef), -4.0)
