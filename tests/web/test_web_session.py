"""Chat handlers over a scripted backend (our ChatBackend seam): streaming, sessions, feedback."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from briefing.errors import QuestionError, UploadError
from briefing.feedback import FeedbackStore
from briefing.index.uploads import UploadJob
from briefing.types import (
    Answer,
    AnswerDelta,
    Citation,
    DocumentInfo,
    IngestReport,
    Turn,
)
from briefing.web.session import ChatHandlers, ChatState


class ScriptedBackend:
    """Answers every question with one cited sentence, streamed in two pieces."""

    def __init__(self) -> None:
        self.histories: list[tuple[str, ...]] = []
        self.uploads: list[tuple[str, bytes]] = []
        self.upload_jobs: list[UploadJob] = []

    def _answer(self, question: str, history: Sequence[Turn]) -> Answer:
        if not question.strip():
            raise QuestionError("question is empty")
        self.histories.append(tuple(t.question for t in history))
        standalone = f"{question} (about {history[-1].question})" if history else question
        cite = Citation(1, "doc", "Doc title", "Reuters", "2025-12-02", "", "c1", "Quote", 0, 5)
        return Answer(
            question=question,
            standalone_question=standalone,
            text="Quote is the answer [1].",
            citations=(cite,),
        )

    def stream(self, question: str, *, history: Sequence[Turn] = ()) -> Iterator[object]:
        answer = self._answer(question, history)
        yield AnswerDelta("Quote is ")
        yield AnswerDelta("the <b>answer</b>")
        yield answer

    def ask(self, question: str, *, history: Sequence[Turn] = ()) -> Answer:
        return self._answer(question, history)

    def passage_context(self, citation: Citation) -> tuple[str, str, str]:
        return ("Before. ", citation.quote, " After.")

    def documents(self) -> list[DocumentInfo]:
        return [DocumentInfo("doc", "Doc title", "news", "2025-12-02", "Reuters", "", 2)]

    def submit_document(self, filename: str, data: bytes) -> UploadJob:
        if not filename.endswith(".md"):
            raise UploadError(f"{filename!r}: type is not accepted")
        self.uploads.append((filename, data))
        job = UploadJob(name=filename)
        self.upload_jobs.append(job)
        job.progress(1, 3)
        return job


@pytest.fixture
def handlers(tmp_path: Path) -> ChatHandlers:
    return ChatHandlers(ScriptedBackend(), FeedbackStore(tmp_path / "feedback.jsonl"))


def test_streamed_text_is_replaced_by_the_rendered_answer(handlers: ChatHandlers) -> None:
    updates = list(handlers.respond("Who?", ChatState()))
    assert len(updates) == 3
    streaming = updates[1].messages[-1]["content"]
    assert "the &lt;b&gt;answer&lt;/b&gt;" in streaming and 'class="typing"' in streaming
    final = updates[-1]
    assert 'href="#src-1-1"' in final.messages[-1]["content"]
    assert "typing" not in final.messages[-1]["content"]
    assert 'id="src-1-1"' in final.sources_html
    assert "Before. <mark>Quote</mark> After." in final.sources_html
    assert [m["role"] for m in final.messages] == ["user", "assistant"]


def test_follow_ups_carry_history_and_show_the_standalone_question(
    handlers: ChatHandlers,
) -> None:
    state = ChatState()
    list(handlers.respond("Who got licences?", state))
    final = list(handlers.respond("How long?", state))[-1]
    assert handlers.assistant.histories == [(), ("Who got licences?",)]
    assert "Searched for:" in final.messages[-1]["content"]
    assert 'href="#src-2-1"' in final.messages[-1]["content"]
    assert len(state.turns) == 2 and state.message_turn == {1: 1, 3: 2}


def test_sessions_are_isolated(handlers: ChatHandlers) -> None:
    one, two = ChatState(), ChatState()
    list(handlers.respond("Who got licences?", one))
    list(handlers.respond("How long?", two))
    assert handlers.assistant.histories == [(), ()]
    assert len(one.turns) == len(two.turns) == 1


def test_a_rejected_question_shows_an_error_and_adds_no_turn(handlers: ChatHandlers) -> None:
    state = ChatState()
    final = list(handlers.respond("  ", state))[-1]  # blank: ignored, nothing added
    assert final.messages == []
    handlers.assistant._answer = lambda q, h: (_ for _ in ()).throw(QuestionError("<too long>"))
    final = list(handlers.respond("x" * 50, state))[-1]
    assert 'class="chat-error"' in final.messages[-1]["content"]
    assert "&lt;too long&gt;" in final.messages[-1]["content"]
    assert state.turns == [] and state.message_turn == {}


def test_rating_then_comment_is_stored_with_question_answer_and_history(
    handlers: ChatHandlers, tmp_path: Path
) -> None:
    state = ChatState()
    assert "Rate an answer first" in handlers.comment(state, "hello")
    list(handlers.respond("Who got licences?", state))
    list(handlers.respond("How long?", state))
    assert handlers.rate(state, 0, False) == ""  # a user message is not an answer
    status = handlers.rate(state, 3, "Dislike")
    assert "answer 2" in status and "not helpful" in status
    assert "Comment saved for answer 2" in handlers.comment(state, "wrong period")
    lines = [json.loads(x) for x in (tmp_path / "feedback.jsonl").read_text().splitlines()]
    assert len(lines) == 2 and lines[0]["id"] == lines[1]["id"]
    assert lines[1]["comment"] == "wrong period" and lines[1]["rating"] == "down"
    assert lines[1]["question"] == "How long?" and lines[1]["history"] == ["Who got licences?"]
    assert lines[1]["citations"][0]["doc_id"] == "doc"
    handlers.rate(state, 3, True)  # changing one's mind keeps the same record
    assert handlers.store.records()[0].rating == "up"
    assert handlers.store.records()[0].comment == "wrong period"


def test_api_ask_keeps_its_own_conversation_and_reports_errors(handlers: ChatHandlers) -> None:
    result, state = handlers.api_ask("Who got licences?", None)
    assert result["text"] == "Quote is the answer [1]." and result["citations"][0]["marker"] == 1
    result, state = handlers.api_ask("How long?", state)
    assert result["standalone_question"].endswith("(about Who got licences?)")
    error, _ = handlers.api_ask("", state)
    assert error == {"error": "question is empty", "error_type": "QuestionError"}


def test_upload_accepts_rejects_and_escapes(handlers: ChatHandlers, tmp_path: Path) -> None:
    good = tmp_path / "note.md"
    good.write_text("# Note\nText.", encoding="utf-8")
    message, job_id = handlers.upload(str(good), max_bytes=1000)
    assert 'class="notice busy"' in message and "in the background" in message
    message, rows, finished = handlers.upload_progress(job_id)
    assert "1 of 3 chunks" in message and rows is None and not finished
    job = handlers.assistant.upload_jobs[-1]  # type: ignore[attr-defined]
    job.finish(IngestReport(documents=2, chunks=5, added=3, deleted=0, unchanged=2))
    message, rows, finished = handlers.upload_progress(job_id)
    assert 'class="notice ok"' in message and "3 chunks indexed" in message and finished
    assert rows == [["Doc title", "news", "2025-12-02", "Reuters", 2, "doc"]]

    hostile = tmp_path / "<img src=x onerror=alert(1)>.exe"
    hostile.write_bytes(b"MZ")
    message, job_id = handlers.upload(str(hostile), max_bytes=1000)
    assert 'class="notice bad"' in message and job_id is None
    assert "<img" not in message and "&lt;img" in message

    message, job_id = handlers.upload(str(good), max_bytes=3)
    assert "over the 3-byte limit" in message and job_id is None
    message, _ = handlers.upload(None, max_bytes=1000)
    assert "Choose a file first" in message
