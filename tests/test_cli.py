"""The `briefing` command: in-process through typer's CliRunner (real exit codes, real
output, real index, the logging set-up of the app callback), plus one smoke test of the
installed script as a subprocess."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import build_app

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
BRIEFING = Path(sys.executable).with_name("briefing")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("cli")
    shutil.copytree(CORPUS, root / "corpus")
    return {
        "BRIEFING_CORPUS_DIR": str(root / "corpus"),
        "BRIEFING_DATA_DIR": str(root / "data"),
    }


def release_log_handler() -> None:
    """The app callback points the ``briefing`` logger at CliRunner's stderr; detach it
    so later tests do not log into a closed stream."""
    logger = logging.getLogger("briefing")
    for handler in [h for h in logger.handlers if h.get_name() == "briefing-cli"]:
        logger.removeHandler(handler)
    logger.setLevel(logging.NOTSET)


def run(env: dict[str, str], *args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    try:
        result = CliRunner().invoke(build_app(), list(args), input=stdin, env=env)
    finally:
        release_log_handler()
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback the user would have seen
    return result


def test_help_lists_the_commands(env) -> None:
    out = run(env, "--help")
    assert out.exit_code == 0
    for command in ("ingest", "status", "ask", "chat"):
        assert command in out.stdout


@pytest.mark.parametrize("question", ["", "   ", "why " * 1000])
def test_ask_rejects_bad_questions_without_a_traceback(env, question) -> None:
    out = run(env, "ask", question)
    assert out.exit_code == 2
    assert "error:" in out.stderr


@pytest.mark.slow
def test_ingest_status_ask_and_chat(env) -> None:
    first = run(env, "ingest", "--quiet")
    assert first.exit_code == 0, first.stderr
    assert "9 documents" in first.stdout
    again = run(env, "ingest", "--quiet")
    assert "0 added, 0 deleted" in again.stdout

    status = json.loads(run(env, "status", "--json").stdout)
    assert status["documents"] == 9 and status["chunks"] > 9 and status["lexical_in_step"]

    answer = json.loads(run(env, "ask", "Where is JL Mag based?", "--json").stdout)
    assert "Ganzhou" in answer["text"] and answer["citations"]

    chat = run(env, "chat", stdin="When did Trump and Xi meet in Busan?\nHow long did they meet?\n")
    assert chat.exit_code == 0, chat.stderr
    assert "30 October 2025" in chat.stdout
    assert "1 hour 40 minutes" in chat.stdout
    assert "searched for:" in chat.stdout  # the follow-up's standalone question is shown


def test_ingest_reports_a_malformed_corpus_file_by_name(env, tmp_path) -> None:
    bad = tmp_path / "corpus"
    bad.mkdir()
    (bad / "broken.md").write_text("---\nid: x\ntitle: [unclosed\n---\nbody\n")
    out = run({**env, "BRIEFING_DATA_DIR": str(tmp_path / "data")}, "ingest", str(bad))
    assert out.exit_code == 2
    assert "broken.md" in out.stderr


def test_bad_option_values_name_the_setting_without_a_traceback(env) -> None:
    out = run(env, "ask", "Which firms got licences?", "--backend", "gpt5")
    assert out.exit_code == 2
    assert "backend" in out.stderr
    out = run({**env, "BRIEFING_TOP_K": "many"}, "status")
    assert out.exit_code == 2
    assert "top_k" in out.stderr


@pytest.mark.slow
def test_the_installed_script_ingests_and_answers(tmp_path: Path, corpus_copy: Path) -> None:
    """The one real subprocess: the console script with its runtime defaults and logging
    set-up, a cold start that builds the index, stdout and the exit code. Everything
    else runs in-process through CliRunner (a cold process costs ~8 s)."""
    env = {
        **os.environ,
        "BRIEFING_CORPUS_DIR": str(corpus_copy),
        "BRIEFING_DATA_DIR": str(tmp_path / "data"),
    }
    answer = subprocess.run(
        [str(BRIEFING), "ask", "Where is JL Mag based?", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert answer.returncode == 0, answer.stderr
    assert "Ganzhou" in json.loads(answer.stdout)["text"]
    assert "Traceback" not in answer.stderr


def test_a_rejected_question_exits_2_without_a_traceback(env) -> None:
    rejected = run(env, "ask", "   ")
    assert rejected.exit_code == 2
    assert "error:" in rejected.stderr and "Traceback" not in rejected.stderr


@pytest.mark.slow
def test_ask_with_a_slow_or_a_chatty_llm_server(env) -> None:
    from briefing.testing import FakeOpenAIServer, Reply

    with FakeOpenAIServer() as server:
        llm = {
            **env,
            "BRIEFING_LLM_BASE_URL": server.url,
            "BRIEFING_LLM_MODEL": "fake-model",
            "BRIEFING_LLM_API_KEY": "sk-cli-secret-777",
        }
        server.queue(Reply("too late", delay=3.0))
        slow = run({**llm, "BRIEFING_LLM_TIMEOUT_S": "1"}, "ask", "--backend", "openai", "When?")
        assert slow.exit_code == 2
        assert f"at {server.url} is running but did not answer within 1 s" in slow.stderr
        assert "cannot reach" not in slow.stderr and ".." not in slow.stderr
        assert "Traceback" not in slow.stderr
        assert len(server.requests) == 1  # no retry queued behind the busy server

        server.queue("The licences are valid for one year [1].")
        debug = run(
            {**llm, "BRIEFING_LOG_LEVEL": "debug"},
            "ask",
            "--backend",
            "openai",
            "How long are the first general licences valid?",
        )
        assert debug.exit_code == 0, debug.stderr
        assert "prompt to" in debug.stderr and '<passage id="1">' in debug.stderr
        assert "raw reply" in debug.stderr and "valid for one year [1]." in debug.stderr
        assert "sk-cli-secret-777" not in debug.stderr + debug.stdout
        quiet = run(llm, "status")
        assert "DEBUG" not in quiet.stderr


@pytest.mark.slow
def test_a_bad_corpus_file_does_not_stop_ask_but_stops_ingest(tmp_path: Path) -> None:
    """Issue 10 item 7: ask answers from the intact index and names the bad file;
    ingest still exits non-zero. Two non-Latin names no longer collide."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    env = {"BRIEFING_CORPUS_DIR": str(corpus), "BRIEFING_DATA_DIR": str(tmp_path / "data")}
    (corpus / "中文.txt").write_text("Gallium notes in one script.\n", encoding="utf-8")
    (corpus / "日本語.txt").write_text("Gallium notes in another script.\n", encoding="utf-8")
    assert run(env, "ingest", "-q").exit_code == 0
    bad = corpus / "broken.md"
    bad.write_text("---\nid: broken\ntitle: [unclosed\nkind: news\n---\nBody.\n", encoding="utf-8")
    out = run(env, "ask", "Which companies received the first general licences?")
    assert out.exit_code == 0, out.stderr[-2000:]
    assert "JL Mag" in out.stdout
    assert "warning:" in out.stderr and "broken.md" in out.stderr
    assert "Traceback" not in out.stderr
    ingest = run(env, "ingest", "-q")
    assert ingest.exit_code == 2 and "broken.md" in ingest.stderr
