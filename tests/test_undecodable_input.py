"""Undecodable input and lone surrogates (issue 10, item 6): a QuestionError and a clean
message in every front end -- Python API, CLI ask, CLI chat, web chat and the /ask API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.assistant import Assistant
from briefing.config import Settings
from briefing.errors import QuestionError
from briefing.feedback import FeedbackStore
from briefing.web.session import ChatHandlers, ChatState

BRIEFING = Path(sys.executable).with_name("briefing")


def test_python_api_rejects_lone_surrogates_with_a_question_error(tmp_path: Path) -> None:
    assistant = Assistant(Settings(corpus_dir=tmp_path / "none", data_dir=tmp_path / "data"))
    for question in ("a \ud800 b", "\udcff\udcfe", "caf\udce9?"):
        with pytest.raises(QuestionError, match="not valid text"):
            assistant.ask(question)
        with pytest.raises(QuestionError):
            assistant.stream(question)


class _Exploding:
    """A backend whose answer path fails unexpectedly (not a BriefingError)."""

    def ask(self, question, *, history=()):  # type: ignore[no-untyped-def]
        raise TypeError("boom")

    def stream(self, question, *, history=()):  # type: ignore[no-untyped-def]
        raise TypeError("boom")
        yield  # pragma: no cover


def test_web_error_shape_is_always_error_and_error_type(tmp_path: Path) -> None:
    real = ChatHandlers(
        Assistant(Settings(corpus_dir=tmp_path / "none", data_dir=tmp_path / "data")),
        FeedbackStore(tmp_path / "f.jsonl"),
    )
    for question in ("a \ud800 b", None, 42):
        result, _ = real.api_ask(question, ChatState())  # type: ignore[arg-type]
        assert set(result) == {"error", "error_type"}
        assert result["error_type"] == "QuestionError" and result["error"]
        json.dumps(result)  # serialisable: no surrogate leaks into the reply
    broken = ChatHandlers(_Exploding(), FeedbackStore(tmp_path / "g.jsonl"))  # type: ignore[arg-type]
    result, _ = broken.api_ask("fine question", ChatState())
    assert result == {
        "error": "the assistant failed; the error was logged",
        "error_type": "InternalError",
    }
    *_, update = broken.respond("fine question", ChatState())
    assert "internal error" in update.messages[-1]["content"]

    *_, update = real.respond("a \ud800 b", ChatState())
    json.dumps(update.messages)  # the chat shows the question without the surrogate
    assert "not valid text" in update.messages[-1]["content"]


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("undecodable")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "note.md").write_text(
        "---\nid: note\ntitle: Note\nkind: news\n---\nGallium exports fell 12% in October.\n",
        encoding="utf-8",
    )
    return {
        **os.environ,
        "BRIEFING_CORPUS_DIR": str(corpus),
        "BRIEFING_DATA_DIR": str(root / "data"),
        "LC_ALL": "C.UTF-8",
    }


@pytest.mark.slow
def test_cli_ask_with_invalid_utf8_exits_2_without_a_traceback(cli_env) -> None:  # type: ignore[no-untyped-def]
    out = subprocess.run(
        [os.fsencode(BRIEFING), b"ask", b"gallium \xff\xfe exports?"],
        env=cli_env,
        capture_output=True,
        timeout=300,
    )
    stderr = out.stderr.decode("utf-8", "replace")
    assert out.returncode == 2, stderr[-2000:]
    assert "not valid text" in stderr and "Traceback" not in stderr


@pytest.mark.slow
def test_cli_chat_survives_a_latin1_line(cli_env) -> None:  # type: ignore[no-untyped-def]
    lines = b"How much did gallium exports fall?\n" + b"caf\xe9 exports?\n"
    lines += b"When did gallium exports fall?\n"
    out = subprocess.run(
        [str(BRIEFING), "chat"], env=cli_env, input=lines, capture_output=True, timeout=300
    )
    stdout, stderr = out.stdout.decode(), out.stderr.decode("utf-8", "replace")
    assert out.returncode == 0, stderr[-2000:]
    assert "Traceback" not in stderr
    assert "not valid text" in stderr
    assert stdout.count("fell 12% in October. [1]") == 2  # asked before and after the bad line
