"""The page layout: each tab's components, built inside the app's ``gr.Blocks``.

Only layout lives here (no handlers, no wiring): :mod:`briefing.web.wiring` connects the
components each function returns to :class:`~briefing.web.session.ChatHandlers`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import gradio as gr

from ..config import Settings
from ..index.uploads import UPLOAD_TYPES as ACCEPTED_UPLOADS
from . import formatting as fmt

UPLOAD_TYPES = list(ACCEPTED_UPLOADS)  # the facade decides; the picker only mirrors it


@dataclass(slots=True)
class ChatTab:
    """The conversation, its input, examples, feedback box and sources panel."""

    chatbot: Any
    question: Any
    ask_btn: Any
    example_btns: list[Any]
    new_btn: Any
    feedback_box: Any
    feedback_status: Any
    comment: Any
    comment_btn: Any
    sources: Any


@dataclass(slots=True)
class BriefingTab:
    """Topic, kind and dates of a briefing, its text, download and sources panel."""

    topic: Any
    kind: Any
    since: Any
    until: Any
    button: Any
    download: Any
    html: Any
    sources: Any


@dataclass(slots=True)
class DocumentsTab:
    """The document table, per-document summaries and the upload controls."""

    table: Any
    refresh_btn: Any
    summaries: Any
    upload: Any
    upload_btn: Any
    upload_msg: Any
    upload_job: Any
    upload_timer: Any


@dataclass(slots=True)
class ApiControls:
    """Hidden components behind the ``/ask``, ``/new_conversation`` and ``/brief`` API."""

    question: Any
    answer: Any
    ask_btn: Any
    reset_btn: Any
    topic: Any
    kind: Any
    since: Any
    until: Any
    briefing: Any
    brief_btn: Any


def header() -> None:
    gr.HTML(
        '<div class="brief-header"><h1>Briefing assistant</h1><p>Answers come only '
        "from the briefing corpus, with numbered citations. Click a footnote to see "
        "the passage it quotes.</p></div>",
        js_on_load=None,
    )


def chat_tab(examples: Sequence[str]) -> ChatTab:
    with gr.Tab("Chat", id="chat-tab"), gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(
                elem_id="chat",
                label="Conversation",
                height=520,
                sanitize_html=True,
                render_markdown=True,
                latex_delimiters=[],  # "$5 ... $10" in a document is money, not maths
                feedback_options=("Like", "Dislike"),
                buttons=["copy", "copy_all"],
                placeholder="Ask about the corpus, or start with an example below.",
            )
            with gr.Row():
                question = _input_box("question", "Ask a question and press Enter", max_lines=4)
                ask_btn = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
            with gr.Row(elem_classes="examples-row"):
                example_btns = [gr.Button(q, size="sm", variant="secondary") for q in examples]
            with gr.Row():
                new_btn = gr.Button("New conversation", size="sm", elem_id="new-conversation")
            feedback = _feedback_box()
        with gr.Column(scale=2):
            gr.Markdown("### Sources")
            sources = gr.HTML(fmt.render_sources([]), elem_id="sources", js_on_load=None)
    return ChatTab(chatbot, question, ask_btn, example_btns, new_btn, *feedback, sources)


def _input_box(elem_id: str, placeholder: str, **options: Any) -> Any:
    """A label-less text input beside its button (5:1)."""
    return gr.Textbox(
        elem_id=elem_id, show_label=False, placeholder=placeholder, scale=5, **options
    )


def _feedback_box() -> tuple[Any, Any, Any, Any]:
    with gr.Group(visible=False, elem_id="feedback-box") as box:
        status = gr.Markdown(elem_id="feedback-status")
        with gr.Row():
            comment = _input_box("feedback-comment", "What was wrong or missing? (optional)")
            send = gr.Button("Send comment", size="sm", scale=1, elem_id="feedback-send")
    return box, status, comment, send


def briefing_tab() -> BriefingTab:
    with gr.Tab("Briefing", id="briefing-tab"), gr.Row(equal_height=False):
        with gr.Column(scale=3):
            with gr.Row():
                topic = gr.Textbox(
                    label="Topic",
                    placeholder="e.g. the general licences (empty: the whole corpus)",
                    elem_id="brief-topic",
                    scale=3,
                )
                kind = gr.Dropdown(
                    choices=[
                        ("Summary", "summary"),
                        ("Timeline", "timeline"),
                        ("What changed", "changes"),
                        ("Where sources disagree", "disagreements"),
                    ],
                    value="summary",
                    label="Kind",
                    elem_id="brief-kind",
                    scale=2,
                )
            with gr.Row():
                since = gr.Textbox(
                    label="From (date)", placeholder="2025-10-01", elem_id="brief-since"
                )
                until = gr.Textbox(
                    label="To (date)", placeholder="2025-12-31", elem_id="brief-until"
                )
            with gr.Row():
                button = gr.Button("Generate", variant="primary", elem_id="brief-go")
                download = gr.DownloadButton(
                    "Download as Markdown", elem_id="brief-download", interactive=False
                )
            html = gr.HTML(
                '<div class="briefing-empty">Choose a topic and a kind, then Generate. '
                "Every point quotes the corpus; click a footnote for its passage.</div>",
                elem_id="briefing",
                js_on_load=None,
            )
        with gr.Column(scale=2):
            gr.Markdown("### Sources")
            sources = gr.HTML(fmt.render_sources([]), elem_id="briefing-sources", js_on_load=None)
    return BriefingTab(topic, kind, since, until, button, download, html, sources)


def documents_tab(settings: Settings) -> DocumentsTab:
    with gr.Tab("Documents", id="documents-tab"):
        _uploads_note(settings)
        table = gr.Dataframe(
            headers=fmt.DOCUMENT_HEADERS,
            datatype=["str", "str", "str", "str", "number", "str"],
            interactive=False,
            elem_id="documents",
            wrap=True,
            column_widths=["38%", "9%", "10%", "26%", "7%", "10%"],
        )
        refresh_btn = gr.Button("Refresh", size="sm")
        gr.Markdown("#### Each document in three points")
        summaries = gr.HTML(
            '<div class="doc-summaries">Summaries load with the page …</div>',
            elem_id="doc-summaries",
            js_on_load=None,
        )
        with gr.Group(visible=settings.web.uploads_enabled, elem_id="upload-controls"):
            upload = gr.File(
                label="Add a document", file_types=UPLOAD_TYPES, type="filepath", elem_id="upload"
            )
            upload_btn = gr.Button("Add to corpus", variant="primary", elem_id="upload-btn")
            upload_msg = gr.HTML(elem_id="upload-message", js_on_load=None)
        upload_job = gr.State(None)
        upload_timer = gr.Timer(1.0, active=False)
    return DocumentsTab(
        table, refresh_btn, summaries, upload, upload_btn, upload_msg, upload_job, upload_timer
    )


def _uploads_note(settings: Settings) -> None:
    if settings.web.uploads_enabled:
        gr.Markdown(
            "The corpus the assistant answers from. Add a document (.md, .txt, "
            f".html or .pdf, up to {settings.web.max_upload_bytes:,} bytes); it is "
            "indexed in the background while questions go on."
        )
    else:
        gr.Markdown(
            "The corpus the assistant answers from. Adding documents here is off: "
            "an added document becomes an answer source for every user, so it "
            "needs a login (BRIEFING_WEB_USERNAME / BRIEFING_WEB_PASSWORD) or "
            "BRIEFING_ALLOW_UPLOADS=true.",
            elem_id="uploads-off",
        )


def api_controls() -> ApiControls:
    """The API: same conversation semantics, one history per gradio_client session."""
    with gr.Row(visible=False):
        question = gr.Textbox()
        answer = gr.JSON()
        ask_btn = gr.Button()
        reset_btn = gr.Button()
        topic, kind, since, until = (gr.Textbox() for _ in range(4))
        briefing = gr.JSON()
        brief_btn = gr.Button()
    return ApiControls(
        question, answer, ask_btn, reset_btn, topic, kind, since, until, briefing, brief_btn
    )
