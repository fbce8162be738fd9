"""Score one case: the per-case record written to ``cases.jsonl``.

Pure: takes the gold case, the final Answer and the passages used for the retrieval
metrics; no assistant, no I/O. Which cases count for which metric:

- key-fact recall, all-facts accuracy, token F1, hit@k, recall@k, MRR: answerable
  cases only (None on unanswerable ones); an over-refusal scores 0 on the answer
  metrics (its retrieval metrics are still measured).
- first sentence answers: answerable cases that were answered (not abstained).
- forbidden content and abstention correctness: every case.
- citation precision / recall: every answer that did not abstain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ..types import Answer, Passage
from . import metrics
from .dataset import EvalCase

__all__ = ["CASE_METRICS", "CaseResult", "score_case"]

#: per-case score names (each a float in 0..1 or None when the case does not count)
CASE_METRICS = (
    "key_fact_recall",
    "all_facts_accuracy",
    "first_sentence_answers",
    "token_f1",
    "forbidden",
    "citation_precision",
    "citation_recall",
    "abstention_correct",
    "hit_at_k",
    "recall_at_k",
    "mrr",
)


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


def score_case(
    case: EvalCase,
    answer: Answer,
    passages: Sequence[Passage],
    *,
    k: int,
    timings: Sequence[dict[str, float]] = (),
) -> CaseResult:
    """Score the final answer of ``case`` and the ranked ``passages`` (top ``k`` used)."""
    why: list[str] = []
    scores: dict[str, float | None] = dict.fromkeys(CASE_METRICS)
    text = answer.text

    evidence = [(e.doc_id, e.quote) for e in case.evidence]
    chunks = [p.chunk for p in passages]
    missing: list[list[str]] = []
    if case.answerable:
        scores["hit_at_k"] = metrics.hit_at_k(chunks, evidence, k)
        scores["recall_at_k"] = metrics.recall_at_k(chunks, evidence, k)
        scores["mrr"] = metrics.mrr(chunks, evidence)
        if scores["hit_at_k"] == 0.0:
            why.append(f"no evidence passage in the top {k} retrieved")
        if answer.abstained:
            why.append("over-refusal: abstained on an answerable question")
            missing = [list(f) for f in case.required_facts]
            scores["key_fact_recall"] = 0.0
            scores["all_facts_accuracy"] = 0.0
            scores["token_f1"] = 0.0 if case.reference_answer.strip() else None
        else:
            missing = metrics.missing_facts(text, case.required_facts)
            scores["key_fact_recall"] = metrics.key_fact_recall(text, case.required_facts)
            scores["all_facts_accuracy"] = 0.0 if missing else 1.0
            scores["token_f1"] = metrics.token_f1(text, case.reference_answer)
            why.extend(f"missing fact: {aliases}" for aliases in missing)
            lead = metrics.first_statement_answers(answer, case.required_facts)
            scores["first_sentence_answers"] = lead
            if lead == 0.0:
                why.append("the first statement holds no required fact")
    elif not answer.abstained:
        why.append("answered an unanswerable question")

    forbidden = metrics.forbidden_hits(text, case.must_not_contain)
    scores["forbidden"] = 1.0 if forbidden else 0.0
    why.extend(f"forbidden content: {item!r}" for item in forbidden)
    scores["abstention_correct"] = 1.0 if answer.abstained != case.answerable else 0.0

    n_statements = n_citations = 0
    if not answer.abstained:
        cit = metrics.citation_scores(answer)
        if cit.statements == 0:
            # An answer with text but no statements cannot be checked: it cites nothing.
            cit = metrics.CitationScores(0.0, 0.0, 0, 0, ("answer has no cited statements",))
        scores["citation_recall"] = cit.recall
        scores["citation_precision"] = cit.precision
        n_statements, n_citations = cit.statements, cit.citations
        why.extend(cit.why)

    return CaseResult(
        id=case.id,
        tags=list(case.tags),
        answerable=case.answerable,
        turns=list(case.turns),
        answer=text,
        standalone_question=answer.standalone_question,
        abstained=answer.abstained,
        reason=answer.reason,
        scores=scores,
        missing_facts=missing,
        forbidden_found=forbidden,
        retrieved=[f"{p.chunk.doc_id}:{p.chunk.id}" for p in passages[:k]],
        statements=n_statements,
        citations=n_citations,
        timings_ms=[dict(t) for t in timings],
        why=why,
    )
