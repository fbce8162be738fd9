"""Backends and rewriters by name: Settings validates against the table, make_backend
builds from it, and a new entry is all a new backend needs."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from briefing import registry
from briefing.answering.base import AnswerBackend, final_answer
from briefing.config import Settings
from briefing.errors import BackendError
from briefing.registry import BackendSpec, make_backend
from briefing.testing import HashingEmbeddings, ScriptedBackend
from briefing.types import Answer


def scripted_answerer(parts: registry.Parts) -> ScriptedBackend:
    return ScriptedBackend(lambda q, _: Answer(q, q, f"{parts.settings.backend}: {q}"))


def test_settings_accept_only_registered_backends():
    with pytest.raises(ValidationError, match="registered backends: offline, openai, ollama"):
        Settings(backend="gpt5", _env_file=None)


def test_offline_backend_is_the_extractive_answerer_and_the_rule_rewriter():
    backend = make_backend(Settings(_env_file=None), embeddings=HashingEmbeddings())
    assert type(backend.answerer).__name__ == "OfflineAnswerer"
    assert type(backend.rewriter).__name__ == "HeuristicRewriter"


def test_llm_backend_shares_one_chat_model():
    settings = Settings(backend="openai", llm_base_url="http://127.0.0.1:9/v1", _env_file=None)
    backend = make_backend(settings, embeddings=HashingEmbeddings())
    assert type(backend.answerer).__name__ == "LLMAnswerer"
    assert backend.rewriter.chat_model is backend.answerer.chat_model


def test_a_given_answerer_is_kept():
    mine = ScriptedBackend()
    backend = make_backend(Settings(_env_file=None), embeddings=HashingEmbeddings(), answerer=mine)
    assert backend.answerer is mine


def test_one_table_entry_adds_a_backend(monkeypatch):
    spec = BackendSpec(f"{__name__}:scripted_answerer", rewriter="heuristic")
    monkeypatch.setitem(registry.BACKENDS, "scripted", spec)
    settings = Settings(backend="scripted", _env_file=None)
    backend = make_backend(settings, embeddings=HashingEmbeddings())
    assert backend.answerer.answer("Who?", []).text == "scripted: Who?"


def test_answer_is_the_end_of_the_stream():
    backend = ScriptedBackend()
    backend.queue(Answer("Q?", "Q?", "Exports fell 12% [1]."))
    events = list(backend.stream("Q?", []))
    assert "".join(e.text for e in events[:-1]) == "Exports fell 12% [1]."
    assert final_answer(events) == events[-1]


def test_a_stream_without_an_answer_is_an_error():
    class Broken(AnswerBackend):
        name = "broken"

        def stream(self, question, passages):
            yield from ()

    with pytest.raises(BackendError, match="'broken' backend ended its stream"):
        Broken().answer("Q?", [])
