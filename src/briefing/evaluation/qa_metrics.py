"""The QA metrics, one :class:`~briefing.evaluation.metric.Metric` each, in report order.

Which cases count for which metric (a per-case score of None = the case does not count):

- key-fact recall, all-facts accuracy, token F1, hit@k, recall@k, MRR: answerable
  cases only; an over-refusal scores 0 on the answer metrics (its retrieval metrics are
  still measured).
- first sentence answers: answerable cases that were answered (not abstained).
- forbidden content and abstention correctness: every case.
- citation precision / recall: every answer that did not abstain. With the offline
  answerer both are 1.000 by construction (it quotes the corpus verbatim, and a
  verbatim quote always supports itself), so they measure the LLM backends only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from ..types import Answer, Chunk
from . import metrics
from .dataset import EvalCase
from .metric import CASE_TABLE, HEADLINE, PER_TAG, TAG_CHART, Metric, MetricRegistry
from .stats import MetricValue, bootstrap_statistic, mean_metric, percentile, percentile_metric

if TYPE_CHECKING:
    from .scoring import CaseResult

__all__ = ["OFFLINE_CITATION_NOTE", "QA_METRICS", "STAGES", "CaseView"]

STAGES = ("rewrite", "retrieve", "answer", "total")
OFFLINE_CITATION_NOTE = (
    "With the offline backend citation precision and recall are 1.000 by construction: "
    "it quotes the corpus verbatim and a verbatim quote always supports itself, so the "
    "citation gate measures the LLM backends only."
)


@dataclass
class CaseView:
    """What the per-case functions read: the gold case, the final answer, the ranked
    chunks scored for retrieval (the top ``k`` count), with shared work cached."""

    case: EvalCase
    answer: Answer
    chunks: Sequence[Chunk]
    k: int

    @cached_property
    def evidence(self) -> list[tuple[str, str]]:
        return [(e.doc_id, e.quote) for e in self.case.evidence]

    @cached_property
    def missing(self) -> list[list[str]]:
        """Required facts not in the answer (all of them for an abstention)."""
        if self.answer.abstained:
            return [list(f) for f in self.case.required_facts]
        return metrics.missing_facts(self.answer.text, self.case.required_facts)

    @cached_property
    def forbidden(self) -> list[str]:
        return metrics.forbidden_hits(self.answer.text, self.case.must_not_contain)

    @cached_property
    def citations(self) -> metrics.CitationScores | None:
        """ALCE citation scores; None for an abstention."""
        if self.answer.abstained:
            return None
        cit = metrics.citation_scores(self.answer)
        if cit.statements == 0:
            # An answer with text but no statements cannot be checked: it cites nothing.
            return metrics.CitationScores(0.0, 0.0, 0, 0, ("answer has no cited statements",))
        return cit


def _answered(view: CaseView) -> bool:
    return view.case.answerable and not view.answer.abstained


def _key_fact_recall(v: CaseView) -> float | None:
    if not v.case.answerable:
        return None
    return metrics.key_fact_recall(v.answer.text, v.case.required_facts) if _answered(v) else 0.0


def _all_facts(v: CaseView) -> float | None:
    if not v.case.answerable:
        return None
    return 0.0 if v.missing else 1.0


def _first_sentence(v: CaseView) -> float | None:
    if not _answered(v):
        return None
    return metrics.first_statement_answers(v.answer, v.case.required_facts)


def _token_f1(v: CaseView) -> float | None:
    if not v.case.answerable:
        return None
    if v.answer.abstained:
        return 0.0 if v.case.reference_answer.strip() else None
    return metrics.token_f1(v.answer.text, v.case.reference_answer)


def _citation(field: str):
    def score(v: CaseView) -> float | None:
        return None if v.citations is None else getattr(v.citations, field)

    return score


def _retrieval(fn, *, ranked: bool = True):
    def score(v: CaseView) -> float | None:
        if not v.case.answerable:
            return None
        return fn(v.chunks, v.evidence, v.k) if ranked else fn(v.chunks, v.evidence)

    return score


def _pairs(results: Sequence[CaseResult]) -> list[tuple[bool, bool]]:
    return [(r.answerable, r.abstained) for r in results]


def _abstention(stat: str, counted: tuple[str, ...] = ()):
    """(aggregate, point) of a whole-set abstention statistic (F1, precision, recall)
    with a case bootstrap; ``counted``: the confusion cells its n counts (default all)."""

    def of(pairs: Sequence[tuple[bool, bool]]) -> float | None:
        return getattr(metrics.abstention_counts(pairs), stat)

    def aggregate(results: Sequence[CaseResult]) -> MetricValue:
        pairs = _pairs(results)
        counts = metrics.abstention_counts(pairs)
        n = sum(getattr(counts, c) for c in counted) if counted else None
        return bootstrap_statistic(pairs, of, n=n)

    return aggregate, lambda results: of(_pairs(results))


def _refusals(results: Sequence[CaseResult]) -> list[float | None]:
    return [1.0 if r.abstained else 0.0 for r in results if r.answerable]


def _latency(stage: str, q: int) -> Metric:
    def values(results: Sequence[CaseResult]) -> list[float | None]:
        return [t.get(stage) for r in results for t in r.timings_ms]

    def point(results: Sequence[CaseResult]) -> float | None:
        defined = [v for v in values(results) if v is not None]
        return float(percentile(defined, q)) if defined else None

    return Metric(
        f"latency_{stage}_p{q}_ms",
        f"{stage} time per turn asked, p{q} (ms)",
        higher_is_better=False,
        values=values,
        aggregate=lambda results: percentile_metric(values(results), q),
        point=point,
        unit="ms",
        tags=frozenset({HEADLINE}) if stage == "total" else frozenset(),
    )


def _judge(results: Sequence[CaseResult]) -> MetricValue | None:
    judged = [r.judge.get("faithfulness") for r in results if r.judge]
    return mean_metric(judged) if judged else None


_F1, _F1_POINT = _abstention("f1")
_PRECISION, _PRECISION_POINT = _abstention("precision", ("tp", "fp"))
_RECALL, _RECALL_POINT = _abstention("recall", ("tp", "fn"))
_ALL = frozenset({HEADLINE, PER_TAG})
_CHART = frozenset({HEADLINE, PER_TAG, TAG_CHART})

QA_METRICS: MetricRegistry = MetricRegistry(
    [
        Metric("key_fact_recall", "share of required facts found in the answer",
               score=_key_fact_recall, tags=_CHART | {CASE_TABLE}),
        Metric("all_facts_accuracy", "share of answerable cases with every fact found",
               score=_all_facts, tags=_ALL),
        Metric("first_sentence_answers", "the first statement holds a required fact",
               score=_first_sentence, tags=_ALL),
        Metric("token_f1", "SQuAD token F1 against the reference answer", score=_token_f1),
        Metric("forbidden_rate", "share of answers with must_not_contain content",
               higher_is_better=False, case_key="forbidden",
               score=lambda v: 1.0 if v.forbidden else 0.0),
        Metric("citation_precision", "ALCE citation precision (LLM backends; see note)",
               score=_citation("precision"), tags=_CHART | {CASE_TABLE}),
        Metric("citation_recall", "ALCE citation recall (LLM backends; see note)",
               score=_citation("recall"), tags=_ALL | {CASE_TABLE}),
        Metric("abstention_accuracy", "abstained exactly on the unanswerable cases",
               case_key="abstention_correct", tags=_CHART,
               score=lambda v: 1.0 if v.answer.abstained != v.case.answerable else 0.0),
        Metric("abstention_f1", "F1 of abstaining (positive = abstained)",
               aggregate=_F1, point=_F1_POINT),
        Metric("over_refusal_rate", "share of answerable cases abstained on",
               higher_is_better=False, values=_refusals),
        Metric("hit_at_k", "an evidence passage in the top k retrieved",
               score=_retrieval(metrics.hit_at_k), tags=_CHART),
        Metric("recall_at_k", "share of evidence items in the top k retrieved",
               score=_retrieval(metrics.recall_at_k)),
        Metric("mrr", "reciprocal rank of the first evidence passage",
               score=_retrieval(metrics.mrr, ranked=False)),
        *(_latency("total", q) for q in (50, 95)),
        Metric("abstention_precision", "share of abstentions that were right",
               aggregate=_PRECISION, point=_PRECISION_POINT, tags=frozenset()),
        Metric("abstention_recall", "share of unanswerable cases abstained on",
               aggregate=_RECALL, point=_RECALL_POINT, tags=frozenset()),
        *(_latency(stage, q) for stage in STAGES[:-1] for q in (50, 95)),
        Metric("judge_faithfulness", "LLM-judge share of claims supported (--judge)",
               aggregate=_judge, tags=frozenset()),
    ]
)  # fmt: skip
