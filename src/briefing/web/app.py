"""The Gradio web app for staff: chat with cited answers, sources panel, feedback, documents.

A thin layer: :class:`~briefing.web.session.ChatHandlers` calls the ``Assistant``
facade and :mod:`briefing.web.formatting` renders; this module only lays out the page
and wires events. Start it with ``briefing serve`` or::

    from briefing import Assistant, Settings
    from briefing.web.app import launch

    settings = Settings()
    url = launch(Assistant(settings), settings, block=False).url

The chat is also an API (``gradio_client``)::

    from gradio_client import Client
    client = Client("http://127.0.0.1:7860/")
    answer = client.predict("Which companies received the first general licences?",
                            api_name="/ask")          # Answer.to_dict()
    client.predict(api_name="/new_conversation")     # forget this client's history
    brief = client.predict("the general licences", "timeline", "", "",
                           api_name="/brief")         # Briefing.to_dict()
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import gradio as gr

from ..config import Settings
from ..feedback import FeedbackStore
from ..index.uploads import UPLOAD_TYPES as ACCEPTED_UPLOADS
from . import formatting as fmt
from .login import LoginGuard
from .session import ChatBackend, ChatHandlers, ChatState

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

EXAMPLE_QUESTIONS: tuple[str, ...] = (
    "Which companies received the first general licences?",
    "What did China suspend after the Busan summit?",
    "What did the 9 October 2025 measures cover?",
    "Which rare earths were added to controls in April 2025?",
)

UPLOAD_TYPES = list(ACCEPTED_UPLOADS)  # the facade decides; the picker only mirrors it


def _asset(name: str) -> str:
    return resources.files("briefing.web").joinpath(name).read_text(encoding="utf-8")


def page_css() -> str:
    """The app's stylesheet (``chat.css``, shipped as package data)."""
    return _asset("chat.css")


def page_head() -> str:
    """The ``<head>`` addition: the footnote-click script (``chat.js``)."""
    return f"<script>{_asset('chat.js')}</script>"


def page_theme() -> gr.themes.Base:
    # System fonts: the default theme would fetch Google Fonts (no hidden network calls).
    return gr.themes.Soft(
        primary_hue="blue",
        font=["system-ui", "Segoe UI", "Helvetica", "Arial", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
    )


def build_app(
    assistant: ChatBackend,
    settings: Settings,
    *,
    examples: Sequence[str] = EXAMPLE_QUESTIONS,
) -> gr.Blocks:
    """Lay out the page and wire every event to :class:`ChatHandlers`."""
    handlers = ChatHandlers(assistant, FeedbackStore(settings.feedback_path))

    with gr.Blocks(title="Briefing assistant", analytics_enabled=False) as demo:
        state = gr.State(ChatState())
        api_state = gr.State(ChatState())
        pending_question = gr.State("")

        gr.HTML(
            '<div class="brief-header"><h1>Briefing assistant</h1><p>Answers come only '
            "from the briefing corpus, with numbered citations. Click a footnote to see "
            "the passage it quotes.</p></div>",
            js_on_load=None,
        )
        with gr.Tabs():
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
                        question = gr.Textbox(
                            elem_id="question",
                            show_label=False,
                            placeholder="Ask a question and press Enter",
                            scale=5,
                            max_lines=4,
                        )
                        ask_btn = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                    with gr.Row(elem_classes="examples-row"):
                        example_btns = [
                            gr.Button(q, size="sm", variant="secondary") for q in examples
                        ]
                    with gr.Row():
                        new_btn = gr.Button(
                            "New conversation", size="sm", elem_id="new-conversation"
                        )
                    with gr.Group(visible=False, elem_id="feedback-box") as feedback_box:
                        feedback_status = gr.Markdown(elem_id="feedback-status")
                        with gr.Row():
                            comment = gr.Textbox(
                                elem_id="feedback-comment",
                                show_label=False,
                                placeholder="What was wrong or missing? (optional)",
                                scale=5,
                            )
                            comment_btn = gr.Button(
                                "Send comment", size="sm", scale=1, elem_id="feedback-send"
                            )
                with gr.Column(scale=2):
                    gr.Markdown("### Sources")
                    sources = gr.HTML(fmt.render_sources([]), elem_id="sources", js_on_load=None)

            with gr.Tab("Briefing", id="briefing-tab"), gr.Row(equal_height=False):
                with gr.Column(scale=3):
                    with gr.Row():
                        brief_topic = gr.Textbox(
                            label="Topic",
                            placeholder="e.g. the general licences (empty: the whole corpus)",
                            elem_id="brief-topic",
                            scale=3,
                        )
                        brief_kind = gr.Dropdown(
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
                        brief_since = gr.Textbox(
                            label="From (date)", placeholder="2025-10-01", elem_id="brief-since"
                        )
                        brief_until = gr.Textbox(
                            label="To (date)", placeholder="2025-12-31", elem_id="brief-until"
                        )
                    with gr.Row():
                        brief_btn = gr.Button("Generate", variant="primary", elem_id="brief-go")
                        brief_download = gr.DownloadButton(
                            "Download as Markdown", elem_id="brief-download", interactive=False
                        )
                    brief_html = gr.HTML(
                        '<div class="briefing-empty">Choose a topic and a kind, then Generate. '
                        "Every point quotes the corpus; click a footnote for its passage.</div>",
                        elem_id="briefing",
                        js_on_load=None,
                    )
                with gr.Column(scale=2):
                    gr.Markdown("### Sources")
                    brief_sources = gr.HTML(
                        fmt.render_sources([]), elem_id="briefing-sources", js_on_load=None
                    )

            with gr.Tab("Documents", id="documents-tab"):
                if settings.uploads_enabled:
                    gr.Markdown(
                        "The corpus the assistant answers from. Add a document (.md, .txt, "
                        f".html or .pdf, up to {settings.max_upload_bytes:,} bytes); it is "
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
                doc_summaries = gr.HTML(
                    '<div class="doc-summaries">Summaries load with the page …</div>',
                    elem_id="doc-summaries",
                    js_on_load=None,
                )
                with gr.Group(visible=settings.uploads_enabled, elem_id="upload-controls"):
                    upload = gr.File(
                        label="Add a document",
                        file_types=UPLOAD_TYPES,
                        type="filepath",
                        elem_id="upload",
                    )
                    upload_btn = gr.Button("Add to corpus", variant="primary", elem_id="upload-btn")
                    upload_msg = gr.HTML(elem_id="upload-message", js_on_load=None)
                upload_job = gr.State(None)
                upload_timer = gr.Timer(1.0, active=False)

        # The API: same conversation semantics, one history per gradio_client session.
        with gr.Row(visible=False):
            api_question = gr.Textbox()
            api_answer = gr.JSON()
            api_btn = gr.Button()
            api_reset_btn = gr.Button()
            api_topic, api_kind, api_since, api_until = (gr.Textbox() for _ in range(4))
            api_briefing = gr.JSON()
            api_brief_btn = gr.Button()

        # --- wiring ---------------------------------------------------------------
        chat_outputs = [chatbot, state, sources]

        def take(q: str) -> tuple[str, str]:
            return "", q

        def respond(q: str, st: ChatState) -> Iterator[tuple[Any, ...]]:
            for update in handlers.respond(q, st):
                yield update.messages, update.state, update.sources_html

        private: dict[str, Any] = {"api_visibility": "private"}
        for trigger in (question.submit, ask_btn.click):
            trigger(take, question, [question, pending_question], queue=False, **private).then(
                respond, [pending_question, state], chat_outputs, **private
            )
        for btn in example_btns:
            btn.click(respond, [btn, state], chat_outputs, **private)

        def reset_chat() -> tuple[Any, ...]:
            fresh = handlers.new_conversation()
            return [], fresh, fmt.render_sources([]), gr.update(visible=False), ""

        for trigger in (new_btn.click, chatbot.clear):
            trigger(
                reset_chat,
                None,
                [chatbot, state, sources, feedback_box, comment],
                queue=False,
                **private,
            )

        def on_like(st: ChatState, data: gr.LikeData) -> tuple[Any, ...]:
            index = data.index if isinstance(data.index, int) else data.index[0]
            status = handlers.rate(st, index, data.liked)
            return gr.update(visible=bool(status)), status, st, ""

        chatbot.like(on_like, [state], [feedback_box, feedback_status, state, comment], **private)

        def on_comment(st: ChatState, text: str) -> tuple[Any, ...]:
            return handlers.comment(st, text), st, ""

        for trigger in (comment.submit, comment_btn.click):
            trigger(on_comment, [state, comment], [feedback_status, state, comment], **private)

        api_btn.click(
            handlers.api_ask,
            [api_question, api_state],
            [api_answer, api_state],
            api_name="ask",
            api_description=(
                "Ask a question as the next turn of this client's conversation; "
                "returns the Answer as a dict (text with [n] markers, citations, ...)."
            ),
        )
        api_reset_btn.click(
            handlers.new_conversation,
            None,
            api_state,
            api_name="new_conversation",
            api_description="Forget this client's conversation history.",
        )

        def generate(topic: str, kind: str, since: str, until: str) -> tuple[Any, ...]:
            html, panel, path = handlers.brief(topic, kind, since, until)
            return html, panel, gr.DownloadButton(value=path, interactive=path is not None)

        for trigger in (brief_btn.click, brief_topic.submit):
            trigger(
                generate,
                [brief_topic, brief_kind, brief_since, brief_until],
                [brief_html, brief_sources, brief_download],
                **private,
            )
        api_brief_btn.click(
            handlers.api_brief,
            [api_topic, api_kind, api_since, api_until],
            api_briefing,
            api_name="brief",
            api_description=(
                "A briefing: (topic or '', kind summary|timeline|changes|disagreements, since "
                "'YYYY-MM-DD' or '', until or ''); returns Briefing.to_dict() (title, scope, "
                "sections, points with citations and dates) or {error, error_type}."
            ),
        )

        def upload_file(path: str | None) -> tuple[Any, ...]:
            if not settings.uploads_enabled:  # the controls are hidden; refuse direct calls
                return fmt.render_notice("Adding documents is off.", ok=False), None, None, None
            message, job = handlers.upload(path, settings.max_upload_bytes)
            return message, None, job, gr.Timer(active=job is not None)

        def follow_upload(job: int | None) -> tuple[Any, ...]:
            message, rows, finished = handlers.upload_progress(job)
            return (
                message or gr.skip(),
                rows if rows is not None else gr.skip(),
                gr.Timer(active=not finished),
            )

        upload_btn.click(
            upload_file, upload, [upload_msg, upload, upload_job, upload_timer], **private
        )
        upload_timer.tick(follow_upload, upload_job, [upload_msg, table, upload_timer], **private)
        refresh_btn.click(handlers.document_rows, None, table, **private)
        demo.load(handlers.document_rows, None, table, **private)
        demo.load(handlers.document_summaries, None, doc_summaries, **private)
    return demo


@dataclass(frozen=True, slots=True)
class Running:
    """A started server: the Blocks (``.close()`` stops it) and its local URL."""

    demo: gr.Blocks
    url: str


def launch(
    assistant: ChatBackend,
    settings: Settings,
    *,
    host: str | None = None,
    port: int | None = None,
    block: bool = True,
) -> Running:
    """Build the app and serve it on ``host:port`` (settings' host/port by default).

    Login is required when ``settings.web_username`` and ``web_password`` are both set.
    With ``block=False`` the server runs in background threads and this returns at once.
    """
    demo = build_app(assistant, settings)
    # Several staff can ask at once; the facade is thread-safe (see web_concurrency).
    demo.queue(default_concurrency_limit=settings.web_concurrency)
    auth = None
    if settings.login_enabled:
        assert settings.web_username and settings.web_password is not None
        auth = LoginGuard(
            settings.web_username,
            settings.web_password.get_secret_value(),
            attempts=settings.login_attempts,
            lockout_s=settings.login_lockout_s,
        )
    _, url, _ = demo.launch(
        server_name=host or settings.host,
        server_port=port or settings.port,
        auth=auth,
        auth_message="Sign in with the briefing assistant's staff login." if auth else None,
        prevent_thread_lock=not block,
        max_file_size=settings.max_upload_bytes,
        footer_links=["api"],
        ssr_mode=False,
        quiet=not block,
        theme=page_theme(),
        css=page_css(),
        head=page_head(),
    )
    return Running(demo=demo, url=url)


def serve(
    settings: Settings | None = None, *, host: str | None = None, port: int | None = None
) -> None:
    """Entry point of ``briefing serve``: offline defaults, embedding threads, blocking server."""
    from ..config import apply_runtime_defaults

    apply_runtime_defaults()
    settings = settings or Settings()
    from ..assistant import Assistant
    from ..index.embeddings import set_torch_threads

    set_torch_threads(settings.query_threads)  # torch fallback only; ONNX sets its own

    assistant = Assistant(settings)
    try:
        assistant.warm_up()  # index checked and model loaded before the first visitor
        launch(assistant, settings, host=host, port=port, block=True)
    finally:
        assistant.close()
