"""The facade with an opt-in LLM backend: real langchain-openai client, real HTTP,
a fake OpenAI-compatible server on loopback that speaks the real protocol."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from briefing import Answer, AnswerDelta, Assistant, Settings
from fakes import fake_openai  # noqa: F401

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

pytestmark = pytest.mark.slow


def _cite_first_passage(messages: list[dict]) -> str:
    """Answer with the first sentence of passage 1, cited — a faithful model."""
    system = messages[0]["content"].lower()
    if "standalone" in system or "rewrite" in system:
        return "How long are China's first rare-earth general licences valid?"
    user = messages[-1]["content"]
    body = re.search(r'<passage id="1"[^>]*>(.*?)</passage>', user, re.S).group(1)
    sentence = next(
        s.strip()
        for s in re.split(r"(?<=[.!?])\s+", body)
        if len(s.split()) > 5 and not s.strip().startswith(("Title", "Source", "Date"))
    )
    return f"{sentence} [1]"


def test_llm_backend_end_to_end(tmp_path, fake_openai) -> None:  # noqa: F811
    shutil.copytree(CORPUS, tmp_path / "corpus")
    fake_openai.reply_with(_cite_first_passage)
    settings = Settings(
        corpus_dir=tmp_path / "corpus",
        data_dir=tmp_path / "data",
        backend="openai",
        llm_base_url=fake_openai.url,
        llm_model="fake-model",
    )
    assistant = Assistant(settings)
    chat = assistant.conversation()
    first = chat.ask("Which companies received the first general licences?")
    assert first.backend == "openai" and not first.abstained
    assert first.citations and first.statements[0].markers == (1,)
    follow = chat.ask("And for how long?")
    assert follow.standalone_question == (
        "How long are China's first rare-earth general licences valid?"
    )
    events = list(assistant.stream("When did Trump and Xi meet?"))
    assert isinstance(events[-1], Answer) and any(isinstance(e, AnswerDelta) for e in events)
    # passages reach the model fenced as data
    assert '<passage id="1"' in fake_openai.last_messages[-1]["content"]
