"""The LLM path at its limits, through the real langchain-openai client and a fake server:
token-limit stops, slow and unreachable servers, retries, the word cap, debug logging."""

from __future__ import annotations

import logging
import socket

import pytest

from briefing.answering.llm import LLMAnswerer
from briefing.config import Settings
from briefing.errors import BackendError
from briefing.llm import stopped_at_limit
from briefing.logs import configure_logging
from briefing.testing import Reply
from briefing.types import Answer

QUESTION = "How long are the licences valid, and how far did magnet exports fall?"
CUT_REPLY = "[1] The licences are valid for one year.\n[2] Rare-earth magnet exports fell 12% in"
SECRET = "sk-test-secret-4242"


def settings_for(url: str, **overrides: object) -> Settings:
    return Settings(
        backend="openai", llm_base_url=url, llm_model="fake-model", _env_file=None, **overrides
    )


@pytest.fixture
def make_answerer(fake_openai, embeddings):
    def build(**overrides: object) -> LLMAnswerer:
        settings = settings_for(fake_openai.url, **overrides)
        return LLMAnswerer.from_settings(settings, embeddings=embeddings)

    return build


def final(events: list) -> Answer:
    assert isinstance(events[-1], Answer)
    return events[-1]


def test_stopped_at_limit_reads_openai_and_ollama_metadata():
    assert stopped_at_limit({"finish_reason": "length"})
    assert stopped_at_limit({"done_reason": "length"})  # Ollama
    assert not stopped_at_limit({"finish_reason": "stop"}) and not stopped_at_limit(None)


def test_reply_cut_at_the_token_limit_drops_the_cut_sentence(fake_openai, make_answerer, passages):
    answerer = make_answerer()
    fake_openai.queue(Reply(CUT_REPLY, finish_reason="length"), Reply(CUT_REPLY, "length"))

    sync = answerer.answer(QUESTION, passages)
    streamed = final(list(answerer.stream(QUESTION, passages)))
    for answer in (sync, streamed):
        assert answer.text == "The licences are valid for one year [1]."
        assert "cut off at the model's token limit" in answer.reason
        assert '"Rare-earth magnet exports fell 12% in"' in answer.reason


def test_same_reply_ending_normally_keeps_its_last_words(fake_openai, make_answerer, passages):
    fake_openai.queue(CUT_REPLY)
    answer = make_answerer().answer(QUESTION, passages)
    assert len(answer.statements) == 2 and "cut off" not in answer.reason


def test_slow_server_is_reported_as_slow_and_not_retried(fake_openai, make_answerer, passages):
    answerer = make_answerer(llm_timeout_s=0.5, llm_max_retries=2)
    fake_openai.queue(Reply("late", delay=1.5))

    with pytest.raises(BackendError) as err:
        answerer.answer(QUESTION, passages)
    message = str(err.value)
    assert f"at {fake_openai.url} is running but did not answer within 0.5 s" in message
    assert "BRIEFING_LLM_TIMEOUT_S" in message and "cannot reach" not in message
    assert ".." not in message
    # Before, the client retried twice more, each retry queued behind the busy server.
    assert len(fake_openai.requests) == 1


def test_slow_stream_is_reported_as_slow(fake_openai, make_answerer, passages):
    fake_openai.queue(Reply("late", delay=1.5))
    with pytest.raises(BackendError, match="did not answer within 0.5 s"):
        list(make_answerer(llm_timeout_s=0.5).stream(QUESTION, passages))
    assert len(fake_openai.requests) == 1


def test_retry_after_timeout_only_when_asked(fake_openai, make_answerer, passages):
    answerer = make_answerer(llm_timeout_s=0.5, llm_max_retries=1, llm_retry_on_timeout=True)
    fake_openai.queue(Reply("late", delay=1.5), "The licences are valid for one year [1].")
    answer = answerer.answer(QUESTION, passages)
    assert answer.text == "The licences are valid for one year [1]."
    assert len(fake_openai.requests) == 2


def test_server_error_is_retried(fake_openai, make_answerer, passages):
    fake_openai.fail_next(503, "model is loading")
    fake_openai.queue("The licences are valid for one year [1].")
    answer = make_answerer().answer(QUESTION, passages)
    assert not answer.abstained and len(fake_openai.requests) == 2


def test_client_error_is_not_retried(fake_openai, make_answerer, passages):
    fake_openai.fail_next(400, "context size exceeded")
    with pytest.raises(BackendError, match=r"HTTP 400: .*context size exceeded"):
        make_answerer().answer(QUESTION, passages)
    assert len(fake_openai.requests) == 1


def test_unreachable_server_says_so_once(make_answerer, passages):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    answerer = LLMAnswerer.from_settings(settings_for(url, llm_max_retries=0), embeddings=None)
    with pytest.raises(BackendError) as err:
        answerer.answer(QUESTION, passages)
    assert str(err.value) == (
        f"The 'openai' backend cannot reach {url} (Connection error). Is the server running, "
        "and is the base URL setting right?"
    )


def test_llm_answer_is_held_to_max_answer_words(fake_openai, make_answerer, passages):
    long_reply = (
        "[1] MOFCOM granted general export licences to three rare-earth magnet makers on "
        "1 December 2025.\n[1] The firms are JL Mag, Ningbo Yunsheng and Zhong Ke San Huan.\n"
        "[1] The licences are valid for one year."
    )
    fake_openai.queue(long_reply, long_reply)
    uncapped = make_answerer().answer("Which firms got export licences, for how long?", passages)
    capped = make_answerer(max_answer_words=26).answer(
        "Which firms got export licences, for how long?", passages
    )
    assert len(uncapped.statements) == 3  # 14 + 12 + 7 words
    assert len(capped.statements) == 2
    assert sum(len(s.text.split()) for s in capped.statements) == 26
    assert "cut to the 26-word limit: dropped the last 1 sentence(s)" in capped.reason


def test_debug_log_has_prompt_and_raw_reply_but_never_the_key(
    fake_openai, make_answerer, passages, caplog
):
    answerer = make_answerer(llm_api_key=SECRET)
    fake_openai.queue(CUT_REPLY)
    caplog.set_level(logging.DEBUG)  # every logger, the HTTP clients' included
    answerer.answer(QUESTION, passages)

    ours = [r.getMessage() for r in caplog.records if r.name.startswith("briefing")]
    assert any("prompt to" in m and '<passage id="1">' in m and QUESTION in m for m in ours)
    assert any("raw reply" in m and CUT_REPLY in m for m in ours)
    assert SECRET not in caplog.text
    assert fake_openai.requests  # the key did reach the server, as a header only


def test_debug_logging_is_off_by_default():
    assert Settings(_env_file=None).log_level == "warning"
    logger = configure_logging("warning")
    assert not logger.isEnabledFor(logging.DEBUG)
    assert configure_logging("debug").isEnabledFor(logging.DEBUG)
    assert len(configure_logging("warning").handlers) == 1  # idempotent
