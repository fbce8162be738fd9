"""LLMQueryRewriter against the fake OpenAI server through the real client."""

from __future__ import annotations

import logging

from briefing.config import Settings
from briefing.registry import make_chat_model
from briefing.retrieval.llm_rewrite import LLMQueryRewriter
from briefing.types import Answer, Turn

STANDALONE = "How long does the suspension of the export controls last?"


def _turn(question: str, text: str, abstained: bool = False) -> Turn:
    return Turn(question, Answer(question, question, text, abstained=abstained))


HISTORY = [
    _turn("Who got licences?", "Three magnet makers got licences [1]."),
    _turn("What does the suspension cover?", "It covers the October export controls [1][2]."),
]


def _rewriter(url: str) -> LLMQueryRewriter:
    settings = Settings(backend="openai", llm_base_url=url, llm_model="fake-model", _env_file=None)
    return LLMQueryRewriter(make_chat_model(settings, max_retries=0))


def test_follow_up_is_rewritten_by_the_model(fake_openai):
    fake_openai.queue(f"Standalone question: {STANDALONE}\n")
    rewritten = _rewriter(fake_openai.url).rewrite("For how long?", HISTORY)

    assert rewritten == STANDALONE
    prompt = fake_openai.last_messages[-1]["content"]
    assert "What does the suspension cover?" in prompt
    assert "It covers the October export controls." in prompt  # markers stripped
    assert "Follow-up question: For how long?" in prompt


def test_only_the_last_turns_are_sent(fake_openai):
    fake_openai.queue(STANDALONE)
    history = [_turn(f"Old question {i}?", f"Old answer {i}.") for i in range(5)]
    _rewriter(fake_openai.url).rewrite("And then?", history)

    prompt = fake_openai.last_messages[-1]["content"]
    assert "Old question 1?" not in prompt
    assert all(f"Old question {i}?" in prompt for i in (2, 3, 4))


def test_no_history_returns_the_question_without_a_request(fake_openai):
    assert _rewriter(fake_openai.url).rewrite("  Who got licences? ", []) == "Who got licences?"
    assert fake_openai.requests == []


def test_model_failure_falls_back_to_the_question(fake_openai, caplog):
    fake_openai.fail_next(400, "model not loaded")
    with caplog.at_level(logging.WARNING, logger="briefing.retrieval.llm_rewrite"):
        rewritten = _rewriter(fake_openai.url).rewrite("For how long?", HISTORY)

    assert rewritten == "For how long?"
    assert "rewrite failed" in caplog.text


def test_empty_reply_falls_back_to_the_question(fake_openai):
    fake_openai.queue("   ")
    assert _rewriter(fake_openai.url).rewrite("For how long?", HISTORY) == "For how long?"
