"""The briefer: a scope in, a cited :class:`~briefing.briefing_records.Briefing` out.

It holds the sentence inventory of the index version last read (rebuilt when an ingest
changes the version) and the MiniLM vectors by text, so a warm briefing embeds at most
its topic. Each kind is a small function of its own module; this one scopes, numbers
the citations and lays out the sections.

Usage::

    briefer = Briefer(embeddings)
    briefing = briefer.brief(view, BriefingScope(kind="timeline", topic="suspensions"),
                             search=retriever_search)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..answering.citations import citation_for_span
from ..briefing_records import Briefing, BriefingPoint, BriefingScope, BriefingSection
from ..index.text_vectors import TextVectors
from ..index.view import IndexView
from ..types import Citation, Passage
from .disagreements import Dispute, find_disputes
from .inventory import Inventory, Sentence, VectorCache
from .scope import Search, scope_sentences
from .summary import Pick, summarise
from .timeline import dated_events

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

__all__ = ["Briefer"]


class _Citations:
    """Numbers citations 1..n in order of first use; a span cited twice keeps its number."""

    def __init__(self) -> None:
        self.by_span: dict[tuple[str, int, int], Citation] = {}

    def cite(self, sentence: Sentence) -> Citation:
        key = (sentence.doc_id, sentence.doc_start, sentence.chunk.start + sentence.end)
        found = self.by_span.get(key)
        if found is None:
            passage = Passage(chunk=sentence.chunk, score=0.0)
            found = citation_for_span(passage, sentence.start, sentence.end, len(self.by_span) + 1)
            self.by_span[key] = found
        return found

    def point(self, pick: Pick, attribution: str = "", *, dated: bool = True) -> BriefingPoint:
        cited = [self.cite(s) for s in [pick.sentence, *pick.also]]
        return BriefingPoint(
            text=pick.sentence.text,
            markers=tuple(dict.fromkeys(c.marker for c in cited)),
            citations=tuple({c.marker: c for c in cited}.values()),
            date=(pick.date or pick.sentence.date) if dated else None,
            attribution=attribution,
            score=round(pick.score, 6),
        )

    def all(self) -> tuple[Citation, ...]:
        return tuple(sorted(self.by_span.values(), key=lambda c: c.marker))


def _title(scope: BriefingScope, inventory: Inventory) -> str:
    label = {
        "summary": "Summary",
        "timeline": "Timeline",
        "changes": "What changed",
        "disagreements": "Where the sources disagree",
    }[scope.kind]
    if scope.topic:
        return f"{label}: {scope.topic}"
    if len(scope.doc_ids) == 1:
        return f"{label}: {inventory.doc_titles.get(scope.doc_ids[0], scope.doc_ids[0])}"
    if scope.kind == "changes" and scope.since:
        return f"{label} since {scope.since}" + (f" (to {scope.until})" if scope.until else "")
    return f"{label}: the whole corpus"


def _by_year(points: Sequence[BriefingPoint]) -> tuple[BriefingSection, ...]:
    sections: dict[str, list[BriefingPoint]] = {}
    for point in points:
        year = point.date.start[:4] if point.date else "Undated"
        sections.setdefault(year, []).append(point)
    return tuple(BriefingSection(title=y, points=tuple(ps)) for y, ps in sections.items())


class Briefer:
    """Builds briefings over an index version (thread-safe; see the module docstring)."""

    def __init__(self, embeddings: Embeddings, *, store: TextVectors | None = None) -> None:
        self.cache = VectorCache(embeddings, store=store)
        self._inventory: Inventory | None = None
        self._lock = threading.Lock()

    def inventory(self, view: IndexView) -> Inventory:
        """The inventory of ``view``'s index version (built once per version)."""
        key = view.lexical.fingerprint if view.lexical is not None else ""
        current = self._inventory
        if current is None or current.key != key:
            with self._lock:
                current = self._inventory
                if current is None or current.key != key:
                    current = self._inventory = Inventory.build(view.chunks(), key)
        return current

    def brief(self, view: IndexView, scope: BriefingScope, search: Search | None) -> Briefing:
        started = time.perf_counter()
        inventory = self.inventory(view)
        known = set(inventory.doc_titles)
        unknown = [d for d in scope.doc_ids if d not in known]
        if unknown:
            from ..errors import BriefRequestError

            raise BriefRequestError(
                f"doc_ids: no document {unknown[0]!r} in the index; known: "
                + ", ".join(sorted(known))
            )
        scoped = scope_sentences(inventory, self.cache, scope, search)
        t_scope = time.perf_counter()
        book = _Citations()
        sections: tuple[BriefingSection, ...]
        if scope.kind == "summary":
            picks = summarise(
                scoped, inventory, self.cache, scope.max_points, topical=bool(scope.topic)
            )
            points = tuple(book.point(p, dated=False) for p in picks)
            sections = (BriefingSection("Key points", points),) if points else ()
        elif scope.kind in ("timeline", "changes"):
            picks = dated_events(
                scope.kind,
                scoped,
                inventory,
                self.cache,
                since=scope.since,
                until=scope.until,
                max_points=scope.max_points,
            )
            sections = _by_year([book.point(p) for p in picks])
        else:
            disputes = find_disputes(scoped, inventory, self.cache, scope.max_points)
            sections = tuple(_dispute_section(d, book) for d in disputes)
        note = "" if sections else _empty_note(scope)
        done = time.perf_counter()
        return Briefing(
            title=_title(scope, inventory),
            scope=scope,
            sections=sections,
            citations=book.all(),
            note=note,
            timings_ms={
                "scope": round((t_scope - started) * 1000, 2),
                "rank": round((done - t_scope) * 1000, 2),
                "total": round((done - started) * 1000, 2),
            },
        )


def _dispute_section(dispute: Dispute, book: _Citations) -> BriefingSection:
    points = tuple(book.point(side.pick, side.attribution, dated=False) for side in dispute.sides)
    return BriefingSection(title=dispute.title, points=points, note=dispute.note)


def _empty_note(scope: BriefingScope) -> str:
    what = f"on {scope.topic!r}" if scope.topic else "in this scope"
    if scope.kind == "disagreements":
        return f"The corpus records no disagreement between sources {what}."
    if scope.kind in ("timeline", "changes") and (scope.since or scope.until):
        return f"The corpus has no dated event {what} between the dates given."
    return f"The corpus has nothing {what}."
