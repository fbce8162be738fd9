"""The offline answerer's learned parts: three linear models and their thresholds.

- the **sentence model** gives each candidate sentence the probability that it states
  (part of) the answer, from :data:`briefing.answering.features.SELECTION_FEATURES`;
  the sentences an answer quotes are chosen by it;
- the **lead model** scores each sentence from all of
  :data:`briefing.answering.features.FEATURES` (with the question's predicate
  similarity); of the chosen sentences, the one it rates highest leads the answer. It
  is fitted listwise (a conditional logit over each case's choosable sentences, no
  intercept), so its sigmoid orders sentences within a question and is no probability;
- the **answerable model** gives the question the probability that the retrieved
  passages answer it at all, from :data:`QUESTION_FEATURES` (the best sentences'
  scores, off-topic similarity, the asked-for attribute and unit);
- **thresholds** turn the probabilities into decisions: abstain below ``answer``; keep
  an extra sentence at or above ``extra`` (and ``extra_share`` of the best).

All of it is fitted on the ``dev`` split by ``briefing fit`` (scikit-learn logistic
regression, and scipy for the listwise lead model; cross-validated by case, fixed seed)
and stored as one small JSON file, ``answering/model.json``, so a change of weights is
a reviewable diff. Scoring needs only numpy: ``sigmoid((x - mean) / scale @ coef +
intercept)``.

Usage::

    model = load_model()                    # the packaged model.json (FEATURES: the
                                            # matrix's column names)
    p = model.sentence.probabilities(matrix, FEATURES)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConfigError

__all__ = ["QUESTION_FEATURES", "AnswererModel", "LinearModel", "Thresholds", "load_model"]

QUESTION_FEATURES: tuple[str, ...] = (
    "top_logit",
    "second_logit",
    "top_sim",
    "top_ctx",
    "top_coverage",
    "top_soft_min",
    "top_unit_fit",
    "has_attribute",
    "attribute_fit",
    "top_key_cov",
    "named_attribute_top",
    "named_attribute_any",
    "past_after_sources",
    "top_new_words",
    "task_request",
    "beyond_sources",
)


@dataclass(frozen=True, slots=True)
class LinearModel:
    """A standardised logistic model: p = sigmoid(((x - mean) / scale) . coef + intercept).

    Fields:
        features: column names, in order (checked against the matrix the caller built).
        mean, scale: per-column standardisation fitted on the training rows.
        coef: per-column weights.   intercept: the bias.
    """

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def logits(self, matrix: np.ndarray, columns: Sequence[str] | None = None) -> np.ndarray:
        """Logits of the rows of ``matrix``; with ``columns`` (the matrix's column names),
        this model's own columns are picked from it by name."""
        if columns is not None:
            missing = [f for f in self.features if f not in columns]
            if missing:
                raise ConfigError(
                    f"the answerer model needs features {missing} that the matrix lacks: "
                    "refit it with `briefing fit`"
                )
            matrix = matrix[:, [list(columns).index(f) for f in self.features]]
        if matrix.shape[1] != len(self.features):
            raise ConfigError(
                f"the answerer model expects {len(self.features)} features, got "
                f"{matrix.shape[1]}: refit it with `briefing fit`"
            )
        z = (matrix - np.asarray(self.mean)) / np.asarray(self.scale)
        return z @ np.asarray(self.coef) + self.intercept

    def probabilities(self, matrix: np.ndarray, columns: Sequence[str] | None = None) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logits(matrix, columns)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": [round(v, 6) for v in self.mean],
            "scale": [round(v, 6) for v in self.scale],
            "coef": [round(v, 6) for v in self.coef],
            "intercept": round(self.intercept, 6),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearModel:
        return cls(
            features=tuple(data["features"]),
            mean=tuple(float(v) for v in data["mean"]),
            scale=tuple(float(v) or 1.0 for v in data["scale"]),
            coef=tuple(float(v) for v in data["coef"]),
            intercept=float(data["intercept"]),
        )


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Decision thresholds chosen on the dev split's cross-validated probabilities.

    Fields:
        answer: abstain when P(answerable) is below this.
        extra: an extra sentence needs at least this sentence probability ...
        extra_share: ... and at least this share of the best sentence's probability.
    """

    answer: float = 0.5
    extra: float = 0.3
    extra_share: float = 0.4


@dataclass(frozen=True, slots=True)
class AnswererModel:
    """The sentence, lead and answerable models, thresholds, and how they were fitted."""

    sentence: LinearModel
    lead: LinearModel
    answerable: LinearModel
    thresholds: Thresholds = Thresholds()
    fitted: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 1,
            "sentence": self.sentence.to_dict(),
            "lead": self.lead.to_dict(),
            "answerable": self.answerable.to_dict(),
            "thresholds": {
                "answer": round(self.thresholds.answer, 4),
                "extra": round(self.thresholds.extra, 4),
                "extra_share": round(self.thresholds.extra_share, 4),
            },
            "fitted": self.fitted,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnswererModel:
        return cls(
            sentence=LinearModel.from_dict(data["sentence"]),
            lead=LinearModel.from_dict(data["lead"]),
            answerable=LinearModel.from_dict(data["answerable"]),
            thresholds=Thresholds(**data.get("thresholds", {})),
            fitted=dict(data.get("fitted", {})),
        )

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")


@lru_cache(maxsize=8)
def load_model(path: Path | None = None) -> AnswererModel:
    """The model in ``path``, or the packaged ``answering/model.json``."""
    try:
        if path is None:
            text = resources.files("briefing.answering").joinpath("model.json").read_text("utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        return AnswererModel.from_dict(json.loads(text))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        where = path or "briefing/answering/model.json"
        raise ConfigError(
            f"answerer model {where}: unreadable ({exc}); rebuild it with `briefing fit`"
        ) from exc
