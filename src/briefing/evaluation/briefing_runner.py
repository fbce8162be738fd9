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
from .stats import MetricValue, mean_metric, percentile_metric

__all__ = [
    "BRIEFING_LOWER_IS_BETTER",
    "BRIEFING_METRICS",
    "BriefingRun",
    "render_briefing_compare",
    "run_briefings",
    "write_briefing_report",
]

#: Headline briefing metrics (names shared by run.json and evals/thresholds.yaml).
BRIEFING_METRICS = (
    "key_point_recall",
    "point_precision",
    "redundancy",
    "verbatim_rate",
    "timeline_in_order",
    "timeline_dated",
    "request_routed",
    "chat_key_point_recall",
    "brief_latency_p50_ms",
)
BRIEFING_LOWER_IS_BETTER = frozenset({"redundancy", "brief_latency_p50_ms"})


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


def _score(case: BriefingCase, points: list[dict], documents: Mapping[str, str]) -> dict:
    scores: dict[str, float | None] = {
        "key_point_recall": bm.key_point_recall(points, case.key_points),
        "point_precision": bm.point_precision(
            points,
            since=case.since,
            until=case.until,
            doc_ids=case.doc_ids,
            topic_terms=case.topic_terms,
        ),
        "redundancy": bm.redundancy(points),
        "verbatim_rate": bm.verbatim_rate(points, documents),
        "timeline_in_order": None,
        "timeline_dated": None,
    }
    if case.kind == "timeline":
        scores["timeline_in_order"] = bm.in_date_order(points)
        scores["timeline_dated"] = bm.dated_share(points)
    return scores


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
    results: list[BriefingResult] = []
    for case in tqdm(cases, desc=f"eval {label}", unit="case", disable=not progress,
                     file=sys.stderr):  # fmt: skip
        t = time.perf_counter()
        briefing = assistant.brief(
            case.topic,
            kind=case.kind,
            since=case.since,
            until=case.until,
            doc_ids=list(case.doc_ids),
        )
        ms = round((time.perf_counter() - t) * 1000, 2)
        points = [p.to_dict() for p in briefing.points]
        scores = _score(case, points, documents)
        chat = assistant.conversation().ask(case.request)
        chat_briefing = getattr(chat, "briefing", None)
        chat_points = [p.to_dict() for p in chat_briefing.points] if chat_briefing else []
        scores["request_routed"] = float(
            chat_briefing is not None and chat_briefing.kind == case.kind and not chat.abstained
        )
        scores["chat_key_point_recall"] = bm.key_point_recall(chat_points, case.key_points)
        missing = bm.missing_key_points(points, case.key_points)
        why = [f"missing key point: {m}" for m in missing]
        if scores["redundancy"]:
            why.append(f"near-duplicate points: {scores['redundancy']:.2f}")
        if scores["request_routed"] == 0.0:
            got = chat_briefing.kind if chat_briefing else "an ordinary answer"
            why.append(f"chat request answered with {got}, not a {case.kind} briefing")
        results.append(
            BriefingResult(
                id=case.id,
                kind=case.kind,
                tags=list(case.tags),
                scores=scores,
                points=[
                    {"text": p["text"], "date": p["date"], "markers": p["markers"]} for p in points
                ],  # fmt: skip
                missing=missing,
                chat_kind=chat_briefing.kind if chat_briefing else None,
                ms=ms,
                why=why,
            )
        )
    metrics = {
        name: mean_metric([r.scores.get(name) for r in results])
        for name in BRIEFING_METRICS
        if name != "brief_latency_p50_ms"
    }
    metrics["brief_latency_p50_ms"] = percentile_metric([r.ms for r in results], 50)
    return BriefingRun(
        label=label,
        dataset=dataset,
        results=results,
        metrics=metrics,
        started_at=started.isoformat(timespec="seconds"),
        seconds=round(time.perf_counter() - t0, 3),
    )


def _cell(m: MetricValue, name: str) -> str:
    if m.value is None:
        return f"n/a (n={m.n})"
    digits = 1 if name.endswith("_ms") else 3
    return f"{m.value:.{digits}f} (n={m.n})"


def render_briefing_summary(run: BriefingRun) -> str:
    lines = [
        f"# Briefing evaluation {run.label} ({run.started_at})",
        "",
        f"- dataset: `{run.dataset}` ({len(run.results)} cases), wall time {run.seconds:.1f} s",
        "- key points, precision, redundancy, verbatim and timeline metrics score "
        "`Assistant.brief` on the case's scope; request_routed and chat_key_point_recall "
        "score the chat's answer to the case's request.",
        "",
        "| metric | value | 95% CI | n |",
        "|---|---|---|---|",
    ]
    for name in BRIEFING_METRICS:
        m = run.metrics[name]
        arrow = " (lower is better)" if name in BRIEFING_LOWER_IS_BETTER else ""
        ci = f"[{m.ci_low:.3f}, {m.ci_high:.3f}]" if m.ci_low is not None else ""
        value = "n/a" if m.value is None else f"{m.value:.3f}"
        lines.append(f"| {name}{arrow} | {value} | {ci} | {m.n} |")
    misses = [r for r in run.results if r.why]
    lines += ["", f"## Misses ({len(misses)} of {len(run.results)} cases)", ""]
    lines += [f"- **{r.id}**: " + "; ".join(r.why) for r in misses]
    return "\n".join(lines) + "\n"


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
    lines = [
        "# Briefing splits side by side",
        "",
        "| metric | " + " | ".join(r.label for r in runs) + " |",
        "|---|" + "---|" * len(runs),
    ]
    for name in BRIEFING_METRICS:
        lines.append(f"| {name} | " + " | ".join(_cell(r.metrics[name], name) for r in runs) + " |")
    return "\n".join(lines) + "\n"
