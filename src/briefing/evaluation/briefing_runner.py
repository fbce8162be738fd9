"""Run briefing cases through the facade, score them, aggregate and write reports.

Each case is run twice: through ``Assistant.brief`` with the case's scope (kind, topic,
dates, documents), which the quality metrics score, and through the chat
(``assistant.conversation().ask(case.request)``), which checks that the request as a
person types it is answered with a briefing of the right kind
(``request_routed``) and how many key points that chat briefing holds
(``chat_key_point_recall``).

Reports per split (``<out>/<split>/``): run.json, cases.jsonl, summary.md; and one
side-by-side table of the briefing splits (briefings.md).

Usage::

    run = run_briefings(assistant, load_briefing_cases(path), documents, label="briefings-dev")
    write_briefing_report(run, out / "briefings-dev")
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from . import briefing_metrics as bm
from .briefing_cases import BriefingCase
from .briefing_metrics import BRIEFING_METRICS, BriefingView
from .stats import MetricValue
from .templating import render

__all__ = [
    "BriefingRun",
    "render_briefing_compare",
    "run_briefings",
    "write_briefing_report",
]


@dataclass(slots=True)
class BriefingResult:
    """One scored case (a line of cases.jsonl)."""

    id: str
    kind: str
    tags: list[str]
    scores: dict[str, float | None]
    points: list[dict[str, Any]]
    missing: list[list[str]]
    chat_kind: str | None
    ms: float
    why: list[str] = field(default_factory=list)


@dataclass(slots=True)
class BriefingRun:
    """A finished briefing evaluation of one split."""

    label: str
    dataset: str
    results: list[BriefingResult]
    metrics: dict[str, MetricValue]
    started_at: str
    seconds: float


def _why(view: BriefingView, scores: dict[str, float | None], missing: list) -> list[str]:
    why = [f"missing key point: {m}" for m in missing]
    if scores["redundancy"]:
        why.append(f"near-duplicate points: {scores['redundancy']:.2f}")
    if scores["request_routed"] == 0.0:
        got = view.chat_kind or "an ordinary answer"
        why.append(f"chat request answered with {got}, not a {view.case.kind} briefing")
    return why


def _brief_case(assistant: Any, case: BriefingCase, documents: Mapping[str, str]) -> BriefingResult:
    """Brief one case through the API scope and the chat request, and score it."""
    t = time.perf_counter()
    briefing = assistant.brief(
        case.topic, kind=case.kind, since=case.since, until=case.until, doc_ids=list(case.doc_ids)
    )
    ms = round((time.perf_counter() - t) * 1000, 2)
    points = [p.to_dict() for p in briefing.points]
    chat = assistant.conversation().ask(case.request)
    chat_briefing = getattr(chat, "briefing", None)
    view = BriefingView(
        case=case,
        points=points,
        documents=documents,
        chat_points=[p.to_dict() for p in chat_briefing.points] if chat_briefing else [],
        chat_kind=chat_briefing.kind if chat_briefing else None,
        chat_abstained=chat.abstained,
    )
    scores = BRIEFING_METRICS.score(view)
    missing = bm.missing_key_points(points, case.key_points)
    return BriefingResult(
        id=case.id,
        kind=case.kind,
        tags=list(case.tags),
        scores=scores,
        points=[{"text": p["text"], "date": p["date"], "markers": p["markers"]} for p in points],
        missing=missing,
        chat_kind=view.chat_kind,
        ms=ms,
        why=_why(view, scores, missing),
    )


def run_briefings(
    assistant: Any,
    cases: Sequence[BriefingCase],
    documents: Mapping[str, str],
    *,
    label: str = "briefings",
    dataset: str = "",
    progress: bool = True,
) -> BriefingRun:
    """Brief every case (API scope, then chat request), score, aggregate."""
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    if cases:  # warm up: sentence vectors of the index version, model load
        first = cases[0]
        assistant.brief(first.topic, kind=first.kind, doc_ids=list(first.doc_ids))
    bar = tqdm(cases, desc=f"eval {label}", unit="case", disable=not progress, file=sys.stderr)
    results = [_brief_case(assistant, case, documents) for case in bar]
    return BriefingRun(
        label=label,
        dataset=dataset,
        results=results,
        metrics=BRIEFING_METRICS.aggregate(results),
        started_at=started.isoformat(timespec="seconds"),
        seconds=round(time.perf_counter() - t0, 3),
    )


def render_briefing_summary(run: BriefingRun) -> str:
    """summary.md of a briefing split."""
    misses = [r for r in run.results if r.why]
    return render("briefing_summary.md", run=run, metrics=BRIEFING_METRICS, misses=misses)


def write_briefing_report(run: BriefingRun, out_dir: Path) -> dict[str, Path]:
    """run.json, cases.jsonl and summary.md in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    names = {"run": "run.json", "cases": "cases.jsonl", "summary": "summary.md"}
    paths = {key: out_dir / name for key, name in names.items()}
    data = {
        "schema": 1,
        "kind": "briefings",
        "label": run.label,
        "dataset": run.dataset,
        "started_at": run.started_at,
        "seconds": run.seconds,
        "metrics": {k: v.to_dict() for k, v in run.metrics.items()},
    }
    paths["run"].write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    with paths["cases"].open("w", encoding="utf-8") as fh:
        for r in run.results:
            fh.write(json.dumps(asdict(r), ensure_ascii=False) + "\n")
    paths["summary"].write_text(render_briefing_summary(run), encoding="utf-8")
    return paths


def render_briefing_compare(runs: Sequence[BriefingRun]) -> str:
    """The briefing splits side by side (Markdown)."""
    return render("briefings.md", runs=runs, metrics=BRIEFING_METRICS)
