"""Events: each tab's components wired to :class:`~briefing.web.session.ChatHandlers`.

The page's own events are private (``api_visibility="private"``); the API is the three
named endpoints ``/ask``, ``/new_conversation`` and ``/brief``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gradio as gr

from ..config import Settings
from . import formatting as fmt
from .layout import ApiControls, BriefingTab, ChatTab, DocumentsTab
from .session import ChatHandlers, ChatState

PRIVATE: dict[str, Any] = {"api_visibility": "private"}


def wire_chat(handlers: ChatHandlers, tab: ChatTab, state: Any, pending: Any) -> None:
    """Questions (typed, or an example) stream into the chat; new conversation; feedback."""
    chat_outputs = [tab.chatbot, state, tab.sources]

    def take(q: str) -> tuple[str, str]:
        return "", q

    def respond(q: str, st: ChatState) -> Iterator[tuple[Any, ...]]:
        for update in handlers.respond(q, st):
            yield update.messages, update.state, update.sources_html

    for trigger in (tab.question.submit, tab.ask_btn.click):
        trigger(take, tab.question, [tab.question, pending], queue=False, **PRIVATE).then(
            respond, [pending, state], chat_outputs, **PRIVATE
        )
    for btn in tab.example_btns:
        btn.click(respond, [btn, state], chat_outputs, **PRIVATE)

    def reset_chat() -> tuple[Any, ...]:
        fresh = handlers.new_conversation()
        return [], fresh, fmt.render_sources([]), gr.update(visible=False), ""

    for trigger in (tab.new_btn.click, tab.chatbot.clear):
        trigger(
            reset_chat,
            None,
            [tab.chatbot, state, tab.sources, tab.feedback_box, tab.comment],
            queue=False,
            **PRIVATE,
        )
    _wire_feedback(handlers, tab, state)


def _wire_feedback(handlers: ChatHandlers, tab: ChatTab, state: Any) -> None:
    def on_like(st: ChatState, data: gr.LikeData) -> tuple[Any, ...]:
        index = data.index if isinstance(data.index, int) else data.index[0]
        status = handlers.rate(st, index, data.liked)
        return gr.update(visible=bool(status)), status, st, ""

    tab.chatbot.like(
        on_like, [state], [tab.feedback_box, tab.feedback_status, state, tab.comment], **PRIVATE
    )

    def on_comment(st: ChatState, text: str) -> tuple[Any, ...]:
        return handlers.comment(st, text), st, ""

    for trigger in (tab.comment.submit, tab.comment_btn.click):
        trigger(
            on_comment, [state, tab.comment], [tab.feedback_status, state, tab.comment], **PRIVATE
        )


def wire_api(handlers: ChatHandlers, api: ApiControls, api_state: Any) -> None:
    api.ask_btn.click(
        handlers.api_ask,
        [api.question, api_state],
        [api.answer, api_state],
        api_name="ask",
        api_description=(
            "Ask a question as the next turn of this client's conversation; "
            "returns the Answer as a dict (text with [n] markers, citations, ...)."
        ),
    )
    api.reset_btn.click(
        handlers.new_conversation,
        None,
        api_state,
        api_name="new_conversation",
        api_description="Forget this client's conversation history.",
    )
    api.brief_btn.click(
        handlers.api_brief,
        [api.topic, api.kind, api.since, api.until],
        api.briefing,
        api_name="brief",
        api_description=(
            "A briefing: (topic or '', kind summary|timeline|changes|disagreements, since "
            "'YYYY-MM-DD' or '', until or ''); returns Briefing.to_dict() (title, scope, "
            "sections, points with citations and dates) or {error, error_type}."
        ),
    )


def wire_briefing(handlers: ChatHandlers, tab: BriefingTab) -> None:
    def generate(topic: str, kind: str, since: str, until: str) -> tuple[Any, ...]:
        html, panel, path = handlers.brief(topic, kind, since, until)
        return html, panel, gr.DownloadButton(value=path, interactive=path is not None)

    for trigger in (tab.button.click, tab.topic.submit):
        trigger(
            generate,
            [tab.topic, tab.kind, tab.since, tab.until],
            [tab.html, tab.sources, tab.download],
            **PRIVATE,
        )


def wire_documents(
    handlers: ChatHandlers, tab: DocumentsTab, settings: Settings, demo: gr.Blocks
) -> None:
    """The table (on load and Refresh), summaries, and uploads followed by a timer."""

    def upload_file(path: str | None) -> tuple[Any, ...]:
        if not settings.web.uploads_enabled:  # the controls are hidden; refuse direct calls
            return fmt.render_notice("Adding documents is off.", ok=False), None, None, None
        message, job = handlers.upload(path, settings.web.max_upload_bytes)
        return message, None, job, gr.Timer(active=job is not None)

    def follow_upload(job: int | None) -> tuple[Any, ...]:
        message, rows, finished = handlers.upload_progress(job)
        return (
            message or gr.skip(),
            rows if rows is not None else gr.skip(),
            gr.Timer(active=not finished),
        )

    tab.upload_btn.click(
        upload_file,
        tab.upload,
        [tab.upload_msg, tab.upload, tab.upload_job, tab.upload_timer],
        **PRIVATE,
    )
    tab.upload_timer.tick(
        follow_upload, tab.upload_job, [tab.upload_msg, tab.table, tab.upload_timer], **PRIVATE
    )
    tab.refresh_btn.click(handlers.document_rows, None, tab.table, **PRIVATE)
    demo.load(handlers.document_rows, None, tab.table, **PRIVATE)
    demo.load(handlers.document_summaries, None, tab.summaries, **PRIVATE)
