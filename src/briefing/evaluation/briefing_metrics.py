"""Briefing metrics: small pure functions over a briefing's points and a gold case.

- ``key_point_recall``: share of gold key points found in the points' text (an alias
  occurs, matched like QA facts: case, dashes, quotes and ``[n]`` markers normalised).
  Only the points count: not the title, not the section headings.
- ``point_precision``: share of points on the requested scope: dated within
  [since, until] when bounds are given, from the requested documents when
  ``doc_ids`` are given, containing one of the ``topic_terms`` when given.
- ``redundancy``: share of points that repeat an earlier one: at least
  :data:`DUPLICATE_OVERLAP` of the shorter one's content words and numbers occur in
  the other (the test is lexical and independent of the briefer's own MiniLM test).
- ``verbatim_rate``: share of points whose text is exactly the corpus text its first
  citation points at (whitespace collapsed), with every citation's quote equal to
  ``document.text[start:end]``.
- ``in_date_order`` and ``dated_share`` (timelines): the points' dates never go
  backwards; the share of points that carry a date.

:data:`BRIEFING_METRICS` is the registry of the briefing eval's metrics (the same
:class:`~briefing.evaluation.metric.Metric` type as the QA metrics).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..text import content_words, numbers, stem
from .briefing_cases import BriefingCase
from .metric import Metric, MetricRegistry
from .metrics import fact_found
from .stats import percentile, percentile_metric

__all__ = [
    "BRIEFING_METRICS",
    "DUPLICATE_OVERLAP",
    "BriefingView",
    "dated_share",
    "in_date_order",
    "key_point_recall",
    "missing_key_points",
    "point_precision",
    "redundancy",
    "verbatim_rate",
]

#: Two points whose shorter one has this share of its content words and numbers in the
#: other say the same thing (0.7: paraphrases of one fact across notes share 0.7-1.0;
#: distinct facts of one topic 0.2-0.5).
DUPLICATE_OVERLAP = 0.7
_SPACE = re.compile(r"\s+")


def _text(point: Mapping) -> str:
    return str(point.get("text", ""))


def missing_key_points(points: Sequence[Mapping], key_points: Sequence[Sequence[str]]) -> list:
    """The key points (alias lists) found in no point."""
    text = "\n".join(_text(p) for p in points)
    return [list(k) for k in key_points if not fact_found(text, k)]


def key_point_recall(points: Sequence[Mapping], key_points: Sequence[Sequence[str]]) -> float:
    if not key_points:
        return 1.0
    return 1.0 - len(missing_key_points(points, key_points)) / len(key_points)


def _on_scope(point: Mapping, since, until, doc_ids, topic_terms) -> bool:
    if since or until:
        date = point.get("date")
        if not date:
            return False
        if (since and date["start"] < since) or (until and date["end"] > until):
            return False
    if doc_ids:
        cited = [c["doc_id"] for c in point.get("citations", ())]
        if not cited or cited[0] not in doc_ids:
            return False
    if topic_terms:
        low = _text(point).lower()
        return any(term.lower() in low for term in topic_terms)
    return True


def point_precision(
    points: Sequence[Mapping],
    *,
    since: str | None = None,
    until: str | None = None,
    doc_ids: Sequence[str] = (),
    topic_terms: Sequence[str] = (),
) -> float | None:
    """Share of points on the scope (None for a briefing without points)."""
    if not points:
        return None
    on = sum(_on_scope(p, since, until, set(doc_ids), topic_terms) for p in points)
    return on / len(points)


def _keys(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in content_words(text)) | frozenset(numbers(text))


def redundancy(points: Sequence[Mapping]) -> float | None:
    """Share of points that are near-duplicates of an earlier point."""
    if not points:
        return None
    seen: list[frozenset[str]] = []
    repeats = 0
    for point in points:
        keys = _keys(_text(point))
        if any(
            keys and other and len(keys & other) / min(len(keys), len(other)) >= DUPLICATE_OVERLAP
            for other in seen
        ):
            repeats += 1
        seen.append(keys)
    return repeats / len(points)


def verbatim_rate(points: Sequence[Mapping], documents: Mapping[str, str]) -> float | None:
    """Share of points quoted exactly from the corpus (see the module docstring)."""
    if not points:
        return None
    good = 0
    for point in points:
        cites = point.get("citations") or ()
        ok = bool(cites)
        for c in cites:
            body = documents.get(c["doc_id"])
            if body is None or body[c["start"] : c["end"]] != c["quote"]:
                ok = False
        if ok:
            first = cites[0]
            ok = _SPACE.sub(" ", first["quote"]).strip() == _SPACE.sub(" ", _text(point)).strip()
        good += ok
    return good / len(points)


def in_date_order(points: Sequence[Mapping]) -> float | None:
    """1.0 when the dated points never go back in time, else 0.0 (None without points)."""
    dates = [(p["date"]["start"], p["date"]["end"]) for p in points if p.get("date")]
    if not points:
        return None
    return 1.0 if all(a <= b for a, b in zip(dates, dates[1:], strict=False)) else 0.0


def dated_share(points: Sequence[Mapping]) -> float | None:
    if not points:
        return None
    return sum(1 for p in points if p.get("date")) / len(points)


# --- the registry -------------------------------------------------------------------


@dataclass
class BriefingView:
    """What the per-case briefing metrics read.

    Fields:
        case: the gold case.   points: the API briefing's points (``Point.to_dict()``).
        documents: doc_id -> full text (for ``verbatim_rate``).
        chat_points: the points of the chat's briefing of ``case.request`` ([] if none).
        chat_kind: that briefing's kind, None when the chat gave an ordinary answer.
        chat_abstained: the chat's answer abstained.
    """

    case: BriefingCase
    points: list[dict[str, Any]]
    documents: Mapping[str, str]
    chat_points: list[dict[str, Any]]
    chat_kind: str | None
    chat_abstained: bool


def _timeline(fn: Callable[[Sequence[Mapping]], float | None]):
    def score(v: BriefingView) -> float | None:
        return fn(v.points) if v.case.kind == "timeline" else None

    return score


def _precision(v: BriefingView) -> float | None:
    c = v.case
    return point_precision(
        v.points, since=c.since, until=c.until, doc_ids=c.doc_ids, topic_terms=c.topic_terms
    )


def _latencies(results: Sequence[Any]) -> list[float | None]:
    return [r.ms for r in results]


BRIEFING_METRICS: MetricRegistry = MetricRegistry(
    [
        Metric("key_point_recall", "share of gold key points in the briefing's points",
               score=lambda v: key_point_recall(v.points, v.case.key_points)),
        Metric("point_precision", "share of points on the requested scope", score=_precision),
        Metric("redundancy", "share of points repeating an earlier one",
               higher_is_better=False, score=lambda v: redundancy(v.points)),
        Metric("verbatim_rate", "share of points quoted exactly from the corpus",
               score=lambda v: verbatim_rate(v.points, v.documents)),
        Metric("timeline_in_order", "a timeline's dates never go back",
               score=_timeline(in_date_order)),
        Metric("timeline_dated", "share of a timeline's points with a date",
               score=_timeline(dated_share)),
        Metric("request_routed", "the chat answers the request with a briefing of its kind",
               score=lambda v: float(v.chat_kind == v.case.kind and not v.chat_abstained)),
        Metric("chat_key_point_recall", "key point recall of the chat's briefing",
               score=lambda v: key_point_recall(v.chat_points, v.case.key_points)),
        Metric("brief_latency_p50_ms", "Assistant.brief time per case, p50 (ms)",
               higher_is_better=False, unit="ms", values=_latencies,
               aggregate=lambda results: percentile_metric(_latencies(results), 50),
               point=lambda results: float(percentile([r.ms for r in results], 50))),
    ]
)  # fmt: skip
