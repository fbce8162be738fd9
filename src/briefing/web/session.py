"""Per-browser-session chat state and the event handlers of the web app.

The handlers are plain methods over the ``Assistant`` facade and a ``FeedbackStore``;
``app.py`` wires them to Gradio components. Each browser session gets its own
:class:`ChatState` through ``gr.State`` (Gradio copies the initial value per session),
so conversations never mix between users. No retrieval or answering happens here:
the facade answers, :mod:`briefing.web.formatting` renders.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import BriefingError, QuestionError
from ..feedback import FeedbackRecord, FeedbackStore, Rating
from ..index.uploads import UPLOAD_TYPES, UploadJob
from ..types import Answer, AnswerDelta, Citation, DocumentInfo, History, Turn
from . import formatting as fmt

if TYPE_CHECKING:
    from collections.abc import Sequence

log = logging.getLogger(__name__)


class ChatBackend(Protocol):
    """The part of the ``Assistant`` facade the web app uses."""

    def stream(self, question: str, *, history: Sequence[Turn] = ()) -> Iterator[Any]: ...

    def ask(self, question: str, *, history: Sequence[Turn] = ()) -> Answer: ...

    def passage_context(self, citation: Citation) -> tuple[str, str, str]: ...

    def documents(self) -> list[DocumentInfo]: ...

    def brief(self, topic: str | None = None, **scope: Any) -> Any: ...

    def submit_document(self, filename: str, data: bytes) -> UploadJob: ...

    @property
    def upload_jobs(self) -> list[UploadJob]: ...


@dataclass
class ChatState:
    """One browser session's conversation.

    Fields:
        history: answered exchanges, oldest first (the context for follow-ups; the
            same record a ``Conversation`` keeps).
        views: the sources-panel entry of each answered turn.
        messages: the chatbot's messages (``{"role", "content"}`` dicts, HTML content).
        message_turn: chat message index of each answer -> its turn number (1-based).
        feedback: the feedback record given for a turn, so a comment updates it.
        pending_comment: the turn whose rating may still receive a comment.
    """

    history: History = field(default_factory=History)
    views: list[fmt.SourceView] = field(default_factory=list)
    messages: list[dict[str, str]] = field(default_factory=list)
    message_turn: dict[int, int] = field(default_factory=dict)
    feedback: dict[int, FeedbackRecord] = field(default_factory=dict)
    pending_comment: int | None = None

    @property
    def turns(self) -> list[Turn]:
        return self.history.turns


@dataclass(frozen=True, slots=True)
class ChatUpdate:
    """What one step of answering changes on the page."""

    messages: list[dict[str, str]]
    sources_html: str
    state: ChatState


def _printable(text: object) -> str:
    """``text`` safe to show and send as JSON (lone surrogates become U+FFFD)."""
    if not isinstance(text, str):
        return ""
    return text.encode("utf-8", "replace").decode("utf-8")


class ChatHandlers:
    """Event handlers for the chat, feedback, API and documents tab."""

    def __init__(self, assistant: ChatBackend, store: FeedbackStore) -> None:
        self.assistant = assistant
        self.store = store

    # --- chat -------------------------------------------------------------------------
    def respond(self, question: str, state: ChatState | None) -> Iterator[ChatUpdate]:
        """Answer ``question`` as the next turn of this session's conversation.

        Yields the chat with the streamed text growing, then the final rendered answer
        (replacing the streamed text) and the updated sources panel.
        """
        state = state if state is not None else ChatState()
        question = question.strip() if isinstance(question, str) else ""
        if not question:
            yield ChatUpdate(state.messages, self.sources_html(state), state)
            return
        messages = [
            *state.messages,
            {"role": "user", "content": fmt.render_user(_printable(question))},
            {"role": "assistant", "content": fmt.render_streaming("")},
        ]
        streamed = ""
        final: Answer | None = None
        try:
            for item in self.assistant.stream(question, history=tuple(state.turns)):
                if isinstance(item, AnswerDelta):
                    streamed += item.text
                    messages[-1] = {"role": "assistant", "content": fmt.render_streaming(streamed)}
                    yield ChatUpdate(list(messages), self.sources_html(state), state)
                elif isinstance(item, Answer):
                    final = item
        except QuestionError as exc:
            messages[-1] = {"role": "assistant", "content": fmt.render_error(str(exc))}
            state.messages = messages
            yield ChatUpdate(messages, self.sources_html(state), state)
            return
        except Exception as exc:  # a front end never shows a traceback, nor dies of one
            log.exception("answering failed for %r", _printable(question))
            shown = exc if isinstance(exc, BriefingError) else "an internal error (logged)"
            messages[-1] = {
                "role": "assistant",
                "content": fmt.render_error(f"Sorry, the assistant failed: {shown}"),
            }
            state.messages = messages
            yield ChatUpdate(messages, self.sources_html(state), state)
            return
        if final is None:  # the facade promises a final Answer; say so if it broke that
            messages[-1] = {
                "role": "assistant",
                "content": fmt.render_error("No answer came back."),
            }
            state.messages = messages
            yield ChatUpdate(messages, self.sources_html(state), state)
            return
        turn = state.history.add(final)
        state.views.append(self._view(turn, final))
        messages[-1] = {"role": "assistant", "content": fmt.render_answer(final, turn)}
        state.message_turn[len(messages) - 1] = turn
        state.messages = messages
        yield ChatUpdate(messages, self.sources_html(state), state)

    def _view(self, turn: int, answer: Answer) -> fmt.SourceView:
        contexts: dict[str, tuple[str, str, str]] = {}
        for cite in (*answer.citations, *answer.nearest):
            try:
                contexts[fmt.context_key(cite)] = self.assistant.passage_context(cite)
            except BriefingError as exc:  # the quote alone is still worth showing
                log.warning("no context for %s: %s", cite.chunk_id, exc)
        return fmt.SourceView(turn=turn, answer=answer, contexts=contexts)

    @staticmethod
    def sources_html(state: ChatState) -> str:
        return fmt.render_sources(state.views)

    @staticmethod
    def new_conversation() -> ChatState:
        """A fresh, empty conversation for this session."""
        return ChatState()

    # --- feedback ---------------------------------------------------------------------
    def rate(self, state: ChatState | None, message_index: int, liked: bool | str) -> str:
        """Record a thumbs up/down on the answer at chat ``message_index``.

        Returns the status line to show next to the comment box ("" if the message is
        not an answer, e.g. an error).
        """
        if state is None or message_index not in state.message_turn:
            return ""
        turn = state.message_turn[message_index]
        rating: Rating = "up" if liked is True or liked == "Like" else "down"
        previous = state.feedback.get(turn)
        if previous is None:
            answer = state.turns[turn - 1].answer
            history = [t.question for t in state.turns[: turn - 1]]
            record = FeedbackRecord.for_answer(answer, rating=rating, history=history)
        else:
            record = previous.with_rating(rating)
        self.store.add(record)
        state.feedback[turn] = record
        state.pending_comment = turn
        word = "helpful" if rating == "up" else "not helpful"
        return f"Thanks: answer {turn} marked {word}. Add a comment (optional):"

    def comment(self, state: ChatState | None, text: str) -> str:
        """Attach ``text`` to the last rated answer; returns the status line."""
        text = (text or "").strip()
        if state is None or state.pending_comment is None:
            return "Rate an answer first (thumbs up or down), then add a comment."
        if not text:
            return "The comment is empty."
        turn = state.pending_comment
        record = state.feedback[turn].with_comment(text)
        self.store.add(record)
        state.feedback[turn] = record
        return f"Comment saved for answer {turn}. Thank you."

    # --- API --------------------------------------------------------------------------
    def api_ask(self, question: str, state: ChatState | None) -> tuple[dict[str, Any], ChatState]:
        """The ``/ask`` API: answer as the next turn of this client's conversation.

        Returns ``Answer.to_dict()``; every error comes back as ``{"error": message,
        "error_type": name}`` -- a rejected question as ``QuestionError``, an unexpected
        failure (logged) as ``InternalError``.
        """
        state = state if state is not None else ChatState()
        try:
            answer = self.assistant.ask(
                question if question is not None else "", history=tuple(state.turns)
            )
        except BriefingError as exc:
            return {"error": str(exc), "error_type": type(exc).__name__}, state
        except Exception:
            log.exception("the /ask API failed")
            return {
                "error": "the assistant failed; the error was logged",
                "error_type": "InternalError",
            }, state
        state.history.add(answer)
        return answer.to_dict(), state

    # --- briefing tab -----------------------------------------------------------------
    def brief(self, topic: str, kind: str, since: str, until: str) -> tuple[str, str, str | None]:
        """The Briefing tab: (briefing HTML, sources HTML, Markdown file for download).

        A bad request (unknown kind, a date that is not one) is shown as a message.
        """
        from .briefing_view import render_briefing, render_briefing_sources

        try:
            briefing = self.assistant.brief(
                (topic or "").strip() or None, kind=kind, since=since or None, until=until or None
            )
        except BriefingError as exc:
            return fmt.render_error(str(exc)), fmt.render_sources([]), None
        except Exception:  # a front end never shows a traceback
            log.exception("the briefing failed")
            return fmt.render_error("Sorry, the briefing failed (logged)."), "", None
        contexts = self._contexts(briefing.citations)
        return (
            render_briefing(briefing, "b"),
            render_briefing_sources(briefing, "b", contexts),
            _markdown_file(briefing),
        )

    def api_brief(
        self, topic: str | None, kind: str | None, since: str | None, until: str | None
    ) -> dict[str, Any]:
        """The ``/brief`` API: ``Briefing.to_dict()``, or ``{"error", "error_type"}``."""
        try:
            briefing = self.assistant.brief(
                (topic or "").strip() or None,
                kind=kind or "summary",
                since=since or None,
                until=until or None,
            )
        except BriefingError as exc:
            return {"error": str(exc), "error_type": type(exc).__name__}
        except Exception:
            log.exception("the /brief API failed")
            return {
                "error": "the briefing failed; the error was logged",
                "error_type": "InternalError",
            }
        return briefing.to_dict()

    def document_summaries(self) -> str:
        """The Documents tab's three-point cited summary of every document."""
        from .briefing_view import render_briefing_points, render_briefing_sources

        blocks = []
        try:
            infos = self.assistant.documents()
            for i, info in enumerate(infos, start=1):
                briefing = self.assistant.brief(doc_ids=[info.doc_id], max_points=3)
                key = f"d{i}"
                blocks.append(
                    f'<details class="doc-summary" id="summary-{fmt.escape_text(info.doc_id)}">'
                    f"<summary>{fmt.escape_text(info.title)}</summary>"
                    f"{render_briefing_points(briefing, key)}"
                    f'<div class="doc-summary-sources">'
                    f"{render_briefing_sources(briefing, key, self._contexts(briefing.citations))}"
                    "</div></details>"
                )
        except BriefingError as exc:
            return fmt.render_error(str(exc))
        return '<div class="doc-summaries">' + "".join(blocks) + "</div>"

    def _contexts(self, citations: Sequence[Citation]) -> dict[str, tuple[str, str, str]]:
        contexts: dict[str, tuple[str, str, str]] = {}
        for cite in citations:
            try:
                contexts[fmt.context_key(cite)] = self.assistant.passage_context(cite)
            except BriefingError as exc:
                log.warning("no context for %s: %s", cite.chunk_id, exc)
        return contexts

    # --- documents tab ----------------------------------------------------------------
    def document_rows(self) -> list[list[str | int]]:
        return fmt.document_rows(self.assistant.documents())

    def upload(self, path: str | None, max_bytes: int) -> tuple[str, int | None]:
        """Check and save an uploaded file, then index it in the background.

        Returns the message HTML and the job id to follow with :meth:`upload_progress`
        (None when the file was rejected). Gradio's temporary copy is removed either way.
        """
        if not path:
            return fmt.render_notice(
                f"Choose a file first ({', '.join(UPLOAD_TYPES)}).", ok=False
            ), None
        file = Path(path)
        name = file.name
        try:
            size = file.stat().st_size
            if size > max_bytes:  # checked before reading: never load a huge upload
                return (
                    fmt.render_notice(
                        f"Rejected {name}: {size:,} bytes is over the {max_bytes:,}-byte limit.",
                        ok=False,
                    ),
                    None,
                )
            job = self.assistant.submit_document(name, file.read_bytes())
        except BriefingError as exc:
            return fmt.render_notice(f"Rejected {name}: {exc}", ok=False), None
        except OSError as exc:
            return fmt.render_notice(f"Could not read the upload {name}: {exc}", ok=False), None
        finally:
            _discard_gradio_copy(file)
        return fmt.render_progress(f"Indexing {job.name} in the background …"), job.id

    def upload_progress(self, job_id: int | None) -> tuple[str, list[list[str | int]] | None, bool]:
        """(message HTML, new table rows or None, finished) for the upload ``job_id``."""
        job = next((j for j in self.assistant.upload_jobs if j.id == job_id), None)
        if job is None:
            return "", None, True
        if job.state == "indexing":
            counted = f": {job.done} of {job.total} chunks" if job.total else ""
            return fmt.render_progress(f"Indexing {job.name}{counted} …"), None, False
        if job.state == "failed":
            return fmt.render_notice(f"Rejected {job.name}: {job.error}", ok=False), None, True
        report = job.report
        assert report is not None
        chunks = "chunk" if report.added == 1 else "chunks"
        message = (
            f"Added {job.name}: {report.added} {chunks} indexed. The corpus now has "
            f"{report.documents} documents and {report.chunks} chunks."
        )
        return fmt.render_notice(message, ok=True), self.document_rows(), True


def _markdown_file(briefing: Any) -> str:
    """The briefing as a Markdown file in Gradio's upload folder (served for download)."""
    import re
    import tempfile

    from gradio.utils import get_upload_folder

    folder = Path(get_upload_folder())
    folder.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", briefing.title.lower()).strip("-")[:60] or "briefing"
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", suffix=".md", prefix=f"{slug}-", dir=folder, delete=False
    ) as handle:
        handle.write(briefing.to_markdown())
    return handle.name


def _discard_gradio_copy(file: Path) -> None:
    """Remove Gradio's temporary copy of an upload (and its folder), never anything else."""
    from gradio.utils import get_upload_folder

    root = Path(get_upload_folder()).resolve()
    try:
        resolved = file.resolve()
        if resolved.is_relative_to(root) and resolved != root:
            resolved.unlink(missing_ok=True)
            if resolved.parent != root:
                resolved.parent.rmdir()
    except OSError:
        pass  # not empty or already gone: nothing of ours to clean
