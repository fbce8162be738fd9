"""Briefings inside the conversation: a briefing request answered as an ``Answer``.

:func:`request_for` decides whether a chat message asks for a briefing, either in its
own words ("Give me a timeline of the controls") or as a follow-up to the briefing just
given ("and what about the US side?"). :func:`resolve` turns the request into the scope
arguments of ``Assistant.brief`` with what needs the corpus: which document "the
article" is, when "the Busan summit" was, what "the latest" is. :func:`briefing_answer`
wraps the briefing as an ``Answer`` whose statements are its points (each cited), with
the briefing attached for front ends that lay it out.

Usage (the facade does this in ``ask`` and ``stream``)::

    request = request_for(question, history)
    if request is not None:
        briefing = assistant.brief(**resolve(request, inventory, cache))
        answer = briefing_answer(question, briefing)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np

from ..briefing_records import Briefing
from ..types import Answer, Statement, Turn
from .inventory import Inventory, VectorCache, match_keys
from .requests import BriefingRequest, follow_up, parse_request

__all__ = ["briefing_answer", "request_for", "resolve"]

_DOC_WORDS = frozenset(
    match_keys("article note document profile profiles piece report notice paper the a")
)


def request_for(question: str, history: Sequence[Turn]) -> BriefingRequest | None:
    """The briefing ``question`` asks for, or None for an ordinary question."""
    request = parse_request(question)
    if request is not None:
        return request
    last = history[-1].answer if history else None
    briefing = getattr(last, "briefing", None)
    if briefing is None:
        return None
    scope = briefing.scope
    previous = BriefingRequest(
        kind=scope.kind,
        topic=scope.topic,
        since=scope.since,
        until=scope.until,
        doc_ids=scope.doc_ids,
    )
    return follow_up(question, previous)


def _document(reference: str, inventory: Inventory) -> str | None:
    """The document a reference such as "the market context note" names, or None."""
    words = match_keys(reference) - _DOC_WORDS
    scores: list[tuple[float, str]] = []
    for doc_id, title in inventory.doc_titles.items():
        keys = match_keys(f"{doc_id.replace('-', ' ')} {title}")
        if words:
            score = len(words & keys) / len(words)
        else:  # "the article": the one document whose id or title says so
            named = [w for w in re.findall(r"[a-z]+", reference.lower()) if w in doc_id]
            score = 1.0 if named else 0.0
        scores.append((score, doc_id))
    scores.sort(reverse=True)
    if not scores or scores[0][0] < 0.5 or (len(scores) > 1 and scores[1][0] == scores[0][0]):
        return None
    return scores[0][1]


def _event_date(event: str, inventory: Inventory, cache: VectorCache) -> str | None:
    """The day after the event a phrase names ("the Busan summit"), from the dated
    sentence of the corpus that is nearest to it and names its words."""
    keys = match_keys(event) - _DOC_WORDS
    rows = [
        s
        for s in inventory.sentences
        if not s.skip and s.date is not None and s.date.precision == "day"
        and s.date.role == "on" and keys & s.keys
    ]  # fmt: skip
    if not rows:
        return None
    vectors = inventory.vectors(cache)[np.array([s.index for s in rows])]
    share = np.array([len(keys & s.keys) / len(keys) for s in rows])
    best = rows[int(np.argmax(vectors @ cache.query(event) + share))]
    assert best.date is not None
    return (date.fromisoformat(best.date.end) + timedelta(days=1)).isoformat()


def _latest(inventory: Inventory) -> str | None:
    """The first day of the newest month in which something happened (not later than
    the newest document): what "the latest" covers."""
    present = max((p for p in inventory.doc_published.values() if p), default=None)
    happened = [
        s.date.start
        for s in inventory.sentences
        if s.date is not None and s.date.role != "until" and s.date.precision == "day"
        and (present is None or s.date.start <= present)
    ]  # fmt: skip
    newest = max(happened, default=present)
    return f"{newest[:7]}-01" if newest else None


def resolve(request: BriefingRequest, inventory: Inventory, cache: VectorCache) -> dict[str, Any]:
    """Keyword arguments of ``Assistant.brief`` for ``request``."""
    topic, doc_ids, since = request.topic, request.doc_ids, request.since
    if request.document and not doc_ids:
        found = _document(request.document, inventory)
        if found is not None:
            doc_ids = (found,)
        else:  # not a document we know: read it as the topic
            topic = request.document
    if request.since_event and since is None:
        since = _event_date(request.since_event, inventory, cache)
        if since is None:
            topic = topic or request.since_event
    if request.latest and since is None:
        since = _latest(inventory)
    return {
        "topic": topic,
        "kind": request.kind,
        "since": since,
        "until": request.until,
        "doc_ids": list(doc_ids),
        "max_points": request.max_points,
    }


def briefing_answer(question: str, briefing: Briefing) -> Answer:
    """The briefing as the chat's Answer: one statement per point, its markers cited.

    An empty briefing is an abstention whose text says why (the corpus has nothing on
    the topic), never an invented point.
    """
    standalone = briefing.title
    if not briefing.points:
        return Answer(
            question=question,
            standalone_question=standalone,
            text=briefing.note or "The corpus has nothing for this briefing.",
            abstained=True,
            reason=f"briefing ({briefing.kind}): no point in scope",
            backend="briefing",
            briefing=briefing,
        )
    statements = tuple(
        Statement(text=p.text, markers=p.markers, supported=True) for p in briefing.points
    )
    text = "\n".join(f"{p.text} " + "".join(f"[{m}]" for m in p.markers) for p in briefing.points)
    return Answer(
        question=question,
        standalone_question=standalone,
        text=text,
        statements=statements,
        citations=briefing.citations,
        reason=f"briefing ({briefing.kind}, {len(briefing.points)} points)",
        backend="briefing",
        briefing=briefing,
    )
