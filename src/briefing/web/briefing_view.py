"""Render a :class:`~briefing.briefing_records.Briefing` as HTML. Pure, no Gradio.

The points carry the same clickable footnotes as chat answers: footnote ``[n]`` of the
briefing keyed ``key`` links to ``#src-<key>-<n>``, and :func:`render_briefing_sources`
lays out the passages with those ids (``chat.js`` opens and highlights them). Every
text from the corpus is escaped with :func:`~briefing.web.formatting.escape_text`.

Example::

    html = render_briefing(briefing, key="b")
    panel = render_briefing_sources(briefing, key="b", contexts={})
"""

from __future__ import annotations

from collections.abc import Mapping

from ..briefing_records import Briefing, BriefingPoint
from . import formatting as fmt

__all__ = ["render_briefing", "render_briefing_points", "render_briefing_sources"]


def _footnotes(point: BriefingPoint, key: str) -> str:
    return "".join(
        f'<sup class="cite"><a class="cite-link" href="#{fmt.source_id(key, m)}" '  # type: ignore[arg-type]
        f'title="Show source {m}">[{m}]</a></sup>'
        for m in point.markers
    )


def _point(point: BriefingPoint, key: str) -> str:
    date = (
        f'<span class="point-date">{fmt.escape_text(point.date_label)}</span> '
        if point.date_label
        else ""
    )
    who = (
        f'<span class="point-who">{fmt.escape_text(point.attribution)}:</span> '
        if point.attribution
        else ""
    )
    return (
        f'<li class="point">{date}{who}{fmt.escape_text(point.text)}{_footnotes(point, key)}</li>'
    )


def render_briefing_points(briefing: Briefing, key: str) -> str:
    """The sections and their points (no title): also the body of a chat answer."""
    if not briefing.points:
        note = briefing.note or "Nothing in the corpus for this briefing."
        return f'<p class="briefing-empty">{fmt.escape_text(note)}</p>'
    parts = []
    for section in briefing.sections:
        head = (
            f'<h4 class="briefing-section">{fmt.escape_text(section.title)}</h4>'
            if section.title
            else ""
        )
        note = (
            f'<p class="briefing-note">{fmt.escape_text(section.note)}</p>' if section.note else ""
        )
        items = "".join(_point(p, key) for p in section.points)
        parts.append(f'{head}{note}<ul class="briefing-points">{items}</ul>')
    return "".join(parts)


def render_briefing(briefing: Briefing, key: str = "b") -> str:
    """The whole briefing: title, scope line, sections with their points."""
    return (
        f'<div class="briefing" data-kind="{fmt.escape_text(briefing.kind)}">'
        f'<h3 class="briefing-title">{fmt.escape_text(briefing.title)}</h3>'
        f'<p class="briefing-scope">{fmt.escape_text(briefing.scope.describe())}</p>'
        f"{render_briefing_points(briefing, key)}</div>"
    )


def render_briefing_sources(
    briefing: Briefing, key: str = "b", contexts: Mapping[str, tuple[str, str, str]] | None = None
) -> str:
    """The briefing's citations grouped by document, each passage highlighted in context."""
    contexts = contexts or {}
    items = [(fmt.source_id(key, c.marker), f"[{c.marker}]", c) for c in briefing.citations]  # type: ignore[arg-type]
    docs = []
    for group in fmt._group_by_doc(items):
        passages = "".join(
            fmt._passage(c, label, elem_id, contexts.get(fmt.context_key(c)))
            for elem_id, label, c in group
        )
        docs.append(f'<section class="src-doc">{fmt._doc_header(group[0][2])}{passages}</section>')
    body = "".join(docs) or '<p class="src-empty">No sources cited.</p>'
    return f'<div class="sources">{body}</div>'
