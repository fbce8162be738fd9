"""Score one case: the per-case record written to ``cases.jsonl``.

Pure: takes the gold case, the final Answer and the passages used for the retrieval
metrics; no assistant, no I/O. The per-case scores are those of the registry
:data:`~briefing.evaluation.qa_metrics.QA_METRICS` (which cases count for which metric
is in that module's docstring); this module adds a "why" for every miss.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ..types import Answer, Passage
from .dataset import EvalCase
from .qa_metrics import QA_METRICS, CaseView

__all__ = ["CASE_METRICS", "CaseResult", "score_case"]

#: per-case score names (each a float in 0..1 or None when the case does not count)
CASE_METRICS = tuple(m.case_key for m in QA_METRICS.per_case())


@dataclass(slots=True)
class CaseResult:
    """Everything measured on one case.

    Fields:
        id, tags, answerable, turns: from the gold case.
        answer: the final answer's text.     standalone_question: its rewritten question.
        abstained: whether the final answer abstained.   reason: the answer's reason.
        scores: per-case scores (see CASE_METRICS); None = the case does not count.
        missing_facts: required facts (alias lists) not found in the answer.
        forbidden_found: must_not_contain strings present in the answer.
        retrieved: ``doc_id:chunk_id`` of the ranked passages scored for retrieval.
        statements, citations: counts used by the citation metrics.
        timings_ms: per-turn stage timings (the last entry is the scored answer).
        why: a reason for every miss.
        judge: optional LLM-judge result (``faithfulness`` and per-claim verdicts).
    """

    id: str
    tags: list[str]
    answerable: bool
    turns: list[str]
    answer: str
    standalone_question: str
    abstained: bool
    reason: str
    scores: dict[str, float | None]
    missing_facts: list[list[str]] = field(default_factory=list)
    forbidden_found: list[str] = field(default_factory=list)
    retrieved: list[str] = field(default_factory=list)
    statements: int = 0
    citations: int = 0
    timings_ms: list[dict[str, float]] = field(default_factory=list)
    why: list[str] = field(default_factory=list)
    judge: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CaseResult:
        return cls(**data)


def _why(view: CaseView, scores: dict[str, float | None]) -> list[str]:
    """A reason for every miss, in the order a reader checks them."""
    why: list[str] = []
    case, answer = view.case, view.answer
    if case.answerable:
        if scores["hit_at_k"] == 0.0:
            why.append(f"no evidence passage in the top {view.k} retrieved")
        if answer.abstained:
            why.append("over-refusal: abstained on an answerable question")
        else:
            why.extend(f"missing fact: {aliases}" for aliases in view.missing)
            if scores["first_sentence_answers"] == 0.0:
                why.append("the first statement holds no required fact")
    elif not answer.abstained:
        why.append("answered an unanswerable question")
    why.extend(f"forbidden content: {item!r}" for item in view.forbidden)
    if view.citations is not None:
        why.extend(view.citations.why)
    return why


def score_case(
    case: EvalCase,
    answer: Answer,
    passages: Sequence[Passage],
    *,
    k: int,
    timings: Sequence[dict[str, float]] = (),
) -> CaseResult:
    """Score the final answer of ``case`` and the ranked ``passages`` (top ``k`` used)."""
    view = CaseView(case, answer, [p.chunk for p in passages], k)
    scores = QA_METRICS.score(view)
    cit = view.citations
    return CaseResult(
        id=case.id,
        tags=list(case.tags),
        answerable=case.answerable,
        turns=list(case.turns),
        answer=answer.text,
        standalone_question=answer.standalone_question,
        abstained=answer.abstained,
        reason=answer.reason,
        scores=scores,
        missing_facts=view.missing if case.answerable else [],
        forbidden_found=view.forbidden,
        retrieved=[f"{p.chunk.doc_id}:{p.chunk.id}" for p in passages[:k]],
        statements=cit.statements if cit else 0,
        citations=cit.citations if cit else 0,
        timings_ms=[dict(t) for t in timings],
        why=_why(view, scores),
    )
