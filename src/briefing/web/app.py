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

import importlib.util
import os
import sys
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

import gradio as gr

from ..config import Settings
from ..feedback import FeedbackStore
from . import layout, wiring
from .layout import UPLOAD_TYPES
from .login import LoginGuard
from .session import ChatBackend, ChatHandlers, ChatState

if TYPE_CHECKING:
    from collections.abc import Sequence

EXAMPLE_QUESTIONS: tuple[str, ...] = (
    "Which companies received the first general licences?",
    "What did China suspend after the Busan summit?",
    "What did the 9 October 2025 measures cover?",
    "Which rare earths were added to controls in April 2025?",
)

__all__ = ["EXAMPLE_QUESTIONS", "UPLOAD_TYPES", "Running", "build_app", "launch", "serve"]


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
    """Lay out the page (:mod:`.layout`) and wire every event (:mod:`.wiring`)."""
    handlers = ChatHandlers(assistant, FeedbackStore(settings.feedback_path))
    with gr.Blocks(title="Briefing assistant", analytics_enabled=False) as demo:
        state = gr.State(ChatState())
        api_state = gr.State(ChatState())
        pending_question = gr.State("")
        layout.header()
        with gr.Tabs():
            chat = layout.chat_tab(examples)
            briefing = layout.briefing_tab()
            documents = layout.documents_tab(settings)
        api = layout.api_controls()
        wiring.wire_chat(handlers, chat, state, pending_question)
        wiring.wire_api(handlers, api, api_state)
        wiring.wire_briefing(handlers, briefing)
        wiring.wire_documents(handlers, documents, settings, demo)
    return demo


# Gradio keeps per-event analytics for its optional monitoring dashboard (which this app
# does not enable) and, by default, rebuilds a pandas DataFrame of up to 10,000 past
# events after every event: a cost per question that grows with the server's uptime
# (11% of a server profile under 50 users after ~1,000 questions). Its own settings
# bound that to the last 1,000 events, summarised every 100 events.
GRADIO_ANALYTICS = {
    "GRADIO_ANALYTICS_MAX_EVENTS": "1000",
    "GRADIO_ANALYTICS_CACHE_FREQUENCY": "100",
}


def _lighten_gradio_bookkeeping() -> None:
    """Gradio's per-event overheads that this app does not use, made cheap.

    Besides the analytics above, every event enters and leaves a matplotlib backend
    guard that tries ``import matplotlib``; when it is not installed that failed import
    searches the whole ``sys.path`` twice per question on the server's event loop (3% of
    the same profile). A ``None`` in ``sys.modules`` makes the import fail at once, as
    Python documents; it is set only when matplotlib is not installed at all.
    """
    for name, value in GRADIO_ANALYTICS.items():
        os.environ.setdefault(name, value)
    if "matplotlib" not in sys.modules and importlib.util.find_spec("matplotlib") is None:
        sys.modules["matplotlib"] = None  # type: ignore[assignment]


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

    Login is required when ``settings.web.username`` and ``web_password`` are both set.
    With ``block=False`` the server runs in background threads and this returns at once.
    """
    demo = build_app(assistant, settings)
    _lighten_gradio_bookkeeping()
    # Several staff can ask at once; the facade is thread-safe (see web_concurrency).
    # Queue positions go out once a second, not to every waiting client each time any
    # question finishes (Gradio's "auto"): with 50 users waiting that was 50 messages per
    # answer.
    demo.queue(default_concurrency_limit=settings.web.concurrency, status_update_rate=1.0)
    auth = None
    if settings.web.login_enabled:
        assert settings.web.username and settings.web.password is not None
        auth = LoginGuard(
            settings.web.username,
            settings.web.password.get_secret_value(),
            attempts=settings.web.login_attempts,
            lockout_s=settings.web.login_lockout_s,
        )
    _, url, _ = demo.launch(
        server_name=host or settings.web.host,
        server_port=port or settings.web.port,
        auth=auth,
        auth_message="Sign in with the briefing assistant's staff login." if auth else None,
        prevent_thread_lock=not block,
        max_file_size=settings.web.max_upload_bytes,
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

    set_torch_threads(settings.embedding.query_threads)  # torch fallback only; ONNX sets its own

    assistant = Assistant(settings)
    try:
        assistant.warm_up()  # index checked and model loaded before the first visitor
        launch(assistant, settings, host=host, port=port, block=True)
    finally:
        assistant.close()
