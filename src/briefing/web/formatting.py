"""Turn ``Answer`` records into the HTML the web chat shows. Pure functions, no Gradio.

Everything that comes from a document, a question or a file name passes through
:func:`escape_text` before it reaches the page, so a ``<script>`` in a corpus file or a
question shows up as text, never as markup. Chat messages are also rendered as Markdown
by Gradio, so the escaping neutralises Markdown syntax too (``*``, ``_``, ``[``...):
document text is shown as written, not reinterpreted.

Ids tie the chat to the sources panel: the footnote ``[n]`` of turn ``t`` links to
``#src-t-n`` and the panel holds an element with that id (``chat.js`` opens and
highlights it on click). Gradio's sanitiser strips ``data-*`` attributes from chat
messages, so the link's ``href`` carries the target.

Example::

    html = render_answer(answer, turn=1)
    panel = render_sources([SourceView(turn=1, answer=answer, contexts={})])
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..text import MARKER, marker_numbers
from ..types import Answer, Citation, DocumentInfo

# HTML's special characters plus those Markdown would interpret, as numeric entities:
# one pass, so an entity is never escaped twice.
# The first five are exactly what ``html.escape(text, quote=True)`` produces.
_ENTITIES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
    | {ch: f"&#{ord(ch)};" for ch in "*_`[]#~|$\\"}
)

#: Characters of surrounding text shown on each side of a highlighted quote.
CONTEXT_CHARS = 320


def escape_text(text: str) -> str:
    """HTML-escape ``text`` and neutralise Markdown syntax; safe inside any element."""
    return str(text).translate(_ENTITIES)


def safe_url(url: str) -> str:
    """The URL if it is http(s), else "" (no ``javascript:`` or ``data:`` links)."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""
    return url.strip() if scheme in {"http", "https"} else ""


def source_id(turn: int, marker: int | str) -> str:
    """Element id of a citation in the sources panel (``src-2-3``)."""
    return f"src-{turn}-{marker}"


def _footnote(turn: int, marker: int) -> str:
    return (
        f'<sup class="cite"><a class="cite-link" href="#{source_id(turn, marker)}" '
        f'title="Show source {marker}">[{marker}]</a></sup>'
    )


def render_answer_text(text: str, turn: int, markers: set[int] | frozenset[int]) -> str:
    """Escape answer text and turn each known ``[n]`` marker into a footnote link.

    Markers without a matching citation stay visible as plain (escaped) text, so a bad
    marker is noticed rather than hidden.
    """
    parts: list[str] = []
    pos = 0
    for match in MARKER.finditer(text):  # [3], [1, 2], [1-3]: briefing.text's grammar
        parts.append(escape_text(text[pos : match.start()]))
        numbers = marker_numbers(match.group(1))
        if all(n in markers for n in numbers):
            parts.append("".join(_footnote(turn, n) for n in numbers))
        else:
            parts.append(escape_text(match.group(0)))
        pos = match.end()
    parts.append(escape_text(text[pos:]))
    return "".join(parts).replace("\n", "<br>")


def render_streaming(text: str) -> str:
    """Partial answer text while streaming: escaped, markers shown as plain text."""
    return escape_text(text).replace("\n", "<br>") + '<span class="typing">▍</span>'


def _normalise(question: str) -> str:
    return " ".join(question.lower().split()).rstrip("?.! ")


def _nearest_list(answer: Answer, turn: int) -> str:
    if not answer.nearest:
        return '<p class="nearest-none">No nearby passages either.</p>'
    items = []
    for i, cite in enumerate(answer.nearest, start=1):
        meta = ", ".join(escape_text(p) for p in (cite.source, cite.published) if p)
        # Two passages of one document are told apart by the start of their quote.
        quote = cite.quote if len(cite.quote) <= 90 else cite.quote[:87].rstrip() + "…"
        items.append(
            f'<li><a class="cite-link" href="#{source_id(turn, f"n{i}")}">'
            f"{escape_text(cite.title or cite.doc_id)}</a>"
            + (f' <span class="meta">({meta})</span>' if meta else "")
            + f' <q class="nearest-quote">{escape_text(quote)}</q>'
            + "</li>"
        )
    return (
        '<p class="nearest-head">Nearest sources:</p><ul class="nearest">'
        + "".join(items)
        + "</ul>"
    )


def render_answer(answer: Answer, turn: int) -> str:
    """The chat message for a final answer (or abstention) of conversation turn ``turn``."""
    if answer.abstained:
        body = (
            '<div class="abstain"><p class="abstain-head">Not in the corpus</p>'
            f'<p class="abstain-text">{escape_text(answer.text)}</p>'
            + (
                f'<p class="abstain-reason">{escape_text(answer.reason)}</p>'
                if answer.reason
                else ""
            )
            + _nearest_list(answer, turn)
            + "</div>"
        )
    elif answer.briefing is not None:  # "summarize ...": the briefing's sections and points
        from .briefing_view import render_briefing_points

        points = render_briefing_points(answer.briefing, turn)  # type: ignore[arg-type]
        body = f'<div class="answer briefing-answer">{points}</div>'
    else:
        markers = frozenset(c.marker for c in answer.citations)
        body = f'<div class="answer">{render_answer_text(answer.text, turn, markers)}</div>'
        if answer.reason:
            body += f'<div class="answer-note">{escape_text(answer.reason)}</div>'
    if _normalise(answer.standalone_question) != _normalise(answer.question):
        body += (
            '<div class="standalone">Searched for: '
            f"<q>{escape_text(answer.standalone_question)}</q></div>"
        )
    return body


def render_error(message: str) -> str:
    """A chat message for a rejected question or a failing backend."""
    return f'<div class="chat-error">{escape_text(message)}</div>'


def render_user(question: str) -> str:
    """The user's own message, escaped."""
    return escape_text(question).replace("\n", "<br>")


# --- sources panel --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceView:
    """One answer's entry in the sources panel.

    Fields:
        turn: the conversation turn (1-based); ids and footnote links use it.
        answer: the answer whose citations (or nearest passages) are listed.
        contexts: ``(before, quote, after)`` per citation, keyed by ``chunk_id`` and
            span (see :func:`context_key`); a citation without one shows its quote alone.
    """

    turn: int
    answer: Answer
    contexts: Mapping[str, tuple[str, str, str]] = field(default_factory=dict)


def context_key(citation: Citation) -> str:
    """Key of a citation's surrounding text in :attr:`SourceView.contexts`."""
    return f"{citation.chunk_id}:{citation.start}:{citation.end}"


def trim_context(before: str, after: str, chars: int = CONTEXT_CHARS) -> tuple[str, str]:
    """Shorten the text around a quote to about ``chars`` on each side, at word breaks."""
    if len(before) > chars:
        cut = before[-chars:]
        space = cut.find(" ")
        before = "…" + (cut[space + 1 :] if 0 <= space < 40 else cut)
    if len(after) > chars:
        cut = after[:chars]
        space = cut.rfind(" ")
        after = (cut[:space] if space > chars - 40 else cut) + "…"
    return before, after


def _doc_header(cite: Citation) -> str:
    meta = []
    if cite.source:
        meta.append(f'<span class="src-publisher">{escape_text(cite.source)}</span>')
    if cite.published:
        meta.append(f'<span class="src-date">{escape_text(cite.published)}</span>')
    url = safe_url(cite.url)
    if url:
        meta.append(
            f'<a class="src-url" href="{html.escape(url, quote=True)}" target="_blank" '
            'rel="noopener noreferrer">link</a>'
        )
    title = escape_text(cite.title or cite.doc_id)
    return (
        f'<div class="src-doc-head"><span class="src-title">{title}'
        f'</span><span class="src-meta">{" · ".join(meta)}</span></div>'
    )


def _passage(cite: Citation, label: str, elem_id: str, context: tuple[str, str, str] | None) -> str:
    if context is None:
        before, quote, after = "", cite.quote, ""
    else:
        before, quote, after = context
        before, after = trim_context(before.lstrip(), after.rstrip())
    return (
        f'<details class="src-item" id="{elem_id}"><summary><span class="src-marker">'
        f"{escape_text(label)}</span> {escape_text(_shorten(cite.quote, 110))}</summary>"
        f'<blockquote class="src-passage">{escape_text(before)}<mark>{escape_text(quote)}</mark>'
        f"{escape_text(after)}</blockquote></details>"
    )


def _shorten(text: str, chars: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def _group_by_doc(
    cites: Sequence[tuple[str, str, Citation]],
) -> list[list[tuple[str, str, Citation]]]:
    groups: dict[str, list[tuple[str, str, Citation]]] = {}
    for item in cites:
        groups.setdefault(item[2].doc_id, []).append(item)
    return list(groups.values())


def render_source_view(view: SourceView) -> str:
    """One answer's block: its question, then each cited document with its passages."""
    answer, turn = view.answer, view.turn
    if answer.abstained:
        items = [(source_id(turn, f"n{i}"), "·", c) for i, c in enumerate(answer.nearest, 1)]
        heading = "Nearest passages (not enough to answer)"
    else:
        items = [(source_id(turn, c.marker), f"[{c.marker}]", c) for c in answer.citations]
        heading = "Sources"
    docs = []
    for group in _group_by_doc(items):
        passages = "".join(
            _passage(c, label, elem_id, view.contexts.get(context_key(c)))
            for elem_id, label, c in group
        )
        docs.append(f'<section class="src-doc">{_doc_header(group[0][2])}{passages}</section>')
    body = "".join(docs) or '<p class="src-empty">No sources cited.</p>'
    cls = "src-turn abstained" if answer.abstained else "src-turn"
    return (
        f'<div class="{cls}" id="turn-{turn}"><div class="src-turn-head">'
        f'<span class="src-turn-n">Q{turn}</span> {escape_text(answer.question)}'
        f'<span class="src-kind">{heading}</span></div>{body}</div>'
    )


def render_sources(views: Sequence[SourceView]) -> str:
    """The sources panel: the latest answer first, earlier turns below."""
    if not views:
        return (
            '<div class="sources-empty">Sources for each answer appear here. Click a '
            "footnote such as [1] to see the passage it quotes.</div>"
        )
    blocks = "".join(render_source_view(v) for v in sorted(views, key=lambda v: -v.turn))
    return f'<div class="sources">{blocks}</div>'


# --- documents tab --------------------------------------------------------------------

DOCUMENT_HEADERS = ["Title", "Kind", "Date", "Source", "Chunks", "Id"]


def document_rows(infos: Sequence[DocumentInfo]) -> list[list[str | int]]:
    """Rows of the corpus table, sorted by date (newest first) then title.

    Cells are plain strings: the table component renders them as text, never HTML.
    """
    ordered = sorted(infos, key=lambda d: (d.published or "", d.title), reverse=True)
    return [[d.title, d.kind, d.published, d.source, d.chunks, d.doc_id] for d in ordered]


def render_notice(message: str, *, ok: bool) -> str:
    """A success or rejection message under the upload box (escaped)."""
    cls = "notice ok" if ok else "notice bad"
    return f'<div class="{cls}">{escape_text(message)}</div>'


def render_progress(message: str) -> str:
    """A notice for work still going on (an upload being indexed)."""
    return f'<div class="notice busy">{escape_text(message)}</div>'
