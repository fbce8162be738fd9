"""Timelines and "what changed": dated events, merged across documents, in date order.

An event is a sentence in scope with a date (:mod:`~briefing.briefings.dates`): the
date it leads with, or the one it says something happened on, from, as of or by. Two
sentences of the same date that say the same thing (a note and the compiled timeline
line repeating it) are one event: the point keeps the sentence with more specifics
and cites both. An event's importance is its biased-LexRank centrality, raised when
several documents report it; the most important events up to ``max_points`` are kept
and shown in date order.

"What changed since D" keeps the events that happened on or after D (an end date such
as "until 10 November 2026" is not a change, nor an event after the corpus's newest
document), and the undated statements of documents published on or after D, dated by
their publication.

Usage::

    picks = dated_events("timeline", scoped, inventory, cache, since="2025-10-01",
                         until=None, max_points=20)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..briefing_records import EventDate
from .inventory import Inventory, Sentence, VectorCache
from .rank import RankLimits, biased_lexrank, near_duplicate, top_rows, word_overlap
from .scope import Scoped
from .summary import Pick, informativeness

__all__ = ["TimelineLimits", "dated_events"]

# A timeline's backbone is its precisely dated events; "in 2024" or "April 2025"
# dates a state of things more often than an event.
_PRECISION = {"day": 1.0, "part-of-month": 0.9, "month": 0.8, "quarter": 0.6,
              "part-of-year": 0.6, "range": 0.6, "year": 0.5}  # fmt: skip
_HAPPENED = frozenset({"on", "from", "as of", "by", "since"})


@dataclass(frozen=True, slots=True)
class TimelineLimits:
    """Constants of event merging and ranking (each with its reason).

    Fields:
        same_event_cosine: two sentences of one date are one event at this MiniLM
            cosine (a note and the timeline line for the same announcement scored
            0.6-0.9; different events of one day, such as Trump's two tariff figures
            of 30 October, 0.35-0.55).
        same_event_overlap: ... or when this share of the shorter one's content words
            and numbers (the date's own words left out) occur in the other.
        support_bonus: how much each further document reporting the event raises it
            (an event two notes and the timeline all give matters more than one
            sentence's detail).
    """

    same_event_cosine: float = 0.6
    same_event_overlap: float = 0.6
    support_bonus: float = 0.5


def _date_words(sentence: Sentence) -> frozenset[str]:
    from .inventory import match_keys

    return frozenset(k for m in sentence.dates for k in match_keys(m.date.text))


def _events(
    rows: list[Sentence],
    dates: list[EventDate],
    similarity: np.ndarray,
    limits: TimelineLimits,
) -> list[list[int]]:
    """Rows grouped into events: same date, same content."""
    groups: list[list[int]] = []
    by_date: dict[tuple[str, str], list[list[int]]] = {}
    for i, sentence in enumerate(rows):
        keys = sentence.keys - _date_words(sentence)
        events = by_date.setdefault(dates[i].sort_key, [])
        for event in events:
            if any(
                similarity[i, j] >= limits.same_event_cosine
                or word_overlap(keys, rows[j].keys - _date_words(rows[j]))
                >= limits.same_event_overlap
                for j in event
            ):
                event.append(i)
                break
        else:
            events.append([i])
            groups.append(events[-1])
    return groups


def _rank_events(
    rows: list[Sentence],
    dates: list[EventDate],
    relevance: np.ndarray,
    inventory: Inventory,
    cache: VectorCache,
    max_points: int,
    limits: TimelineLimits,
) -> list[Pick]:
    if not rows:
        return []
    bias = relevance * np.array(
        [
            informativeness(s) * _PRECISION.get(d.precision, 0.5)
            for s, d in zip(rows, dates, strict=True)
        ]
    )
    keep = top_rows(bias)
    rows, dates, bias = [rows[i] for i in keep], [dates[i] for i in keep], bias[keep]
    vectors = inventory.vectors(cache)[np.array([s.index for s in rows])]
    similarity = np.clip(vectors @ vectors.T, 0.0, 1.0)
    centrality = biased_lexrank(similarity, bias, RankLimits())
    scores = centrality * bias
    picks: list[tuple[Pick, EventDate]] = []
    for event in _events(rows, dates, similarity, limits):
        lead = max(event, key=lambda i: (rows[i].specifics + len(rows[i].keys), scores[i]))
        docs = {rows[i].doc_id for i in event}
        score = float(max(scores[i] for i in event)) * (1 + limits.support_bonus * (len(docs) - 1))
        others = [rows[i] for i in event if i != lead]
        picks.append((Pick(rows[lead], score, others, dates[lead]), dates[lead]))
    picks.sort(key=lambda pd: -pd[0].score)
    kept = _without_repeats(picks, rows, similarity, max_points)
    kept.sort(key=lambda pd: (pd[1].sort_key, pd[0].sentence.doc_id, pd[0].sentence.order))
    return [p for p, _ in kept]


def _without_repeats(
    picks: list[tuple[Pick, EventDate]],
    rows: list[Sentence],
    similarity: np.ndarray,
    max_points: int,
) -> list[tuple[Pick, EventDate]]:
    """The best ``max_points`` events, none repeating a better one: an event that says
    what a kept one says (a range "from 10 November 2025 to 9 November 2026" and the
    line for its end date) is cited with it instead of being a point of its own."""
    limits = RankLimits()
    position = {s.index: i for i, s in enumerate(rows)}
    kept: list[tuple[Pick, EventDate]] = []
    for pick, when in picks:
        i = position[pick.sentence.index]
        twin = next(
            (
                k
                for k, _ in kept
                if near_duplicate(
                    float(similarity[i, position[k.sentence.index]]),
                    pick.sentence.keys,
                    k.sentence.keys,
                    limits,
                )
            ),
            None,
        )
        if twin is not None:
            twin.also.extend([pick.sentence, *pick.also])
        elif len(kept) < max_points:
            kept.append((pick, when))
    return kept


def dated_events(
    kind: str,
    scoped: Scoped,
    inventory: Inventory,
    cache: VectorCache,
    *,
    since: str | None,
    until: str | None,
    max_points: int,
    limits: TimelineLimits | None = None,
) -> list[Pick]:
    """The most important events of the scope in ``[since, until]``, in date order:
    dated events for ``kind="timeline"``, what happened or was published for
    ``kind="changes"`` (see the module docstring)."""
    rows_for = _timeline_rows if kind == "timeline" else _change_rows
    rows, dates, relevance = rows_for(scoped, inventory, since, until)
    limits = limits or TimelineLimits()
    return _rank_events(rows, dates, relevance, inventory, cache, max_points, limits)


_Rows = tuple[list[Sentence], list[EventDate], np.ndarray]


def _timeline_rows(
    scoped: Scoped, inventory: Inventory, since: str | None, until: str | None
) -> _Rows:
    """The sentences dated within ``[since, until]``, their dates and relevance."""
    keep = [
        i
        for i, s in enumerate(scoped.sentences)
        if s.date is not None and s.date.within(since, until)
    ]
    rows = [scoped.sentences[i] for i in keep]
    dates = [s.date for s in rows if s.date is not None]
    return rows, dates, scoped.relevance[keep]


def _change_rows(
    scoped: Scoped, inventory: Inventory, since: str | None, until: str | None
) -> _Rows:
    """What happened in ``[since, until]``, and the undated statements of documents
    published then (dated by their publication)."""
    present = max((p for p in inventory.doc_published.values() if p), default=None)
    end = min(until, present) if until and present else (until or present)
    keep: list[int] = []
    dates: list[EventDate] = []
    for i, s in enumerate(scoped.sentences):
        when = s.date
        if when is not None and when.role in _HAPPENED:
            if when.within(since, end):
                keep.append(i)
                dates.append(when)
            continue
        if when is not None and when.role == "until":
            continue
        published = inventory.doc_published.get(s.doc_id, "")
        if (
            published
            and (since is None or published >= since)
            and (end is None or published <= end)
        ):
            keep.append(i)
            dates.append(EventDate(published, published, published, "day", "published"))
    rows = [scoped.sentences[i] for i in keep]
    # An event dated by the corpus says more about "what changed" than a statement
    # dated only by its document.
    relevance = scoped.relevance[keep] * np.array(
        [1.0 if d.role != "published" else 0.5 for d in dates]
    )
    return rows, dates, relevance
