"""Fakes of external services for tests: real servers on loopback, scripted by the test.

``fake_openai`` (OpenAI Chat Completions) and ``fake_ollama`` (Ollama's native API) are
pytest fixtures; a test folder enables one from its conftest or test module with
``from fakes import fake_openai  # noqa: F401``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .ollama_server import FakeOllamaServer
from .openai_server import FakeOpenAIServer, Reply

__all__ = ["FakeOllamaServer", "FakeOpenAIServer", "Reply", "fake_ollama", "fake_openai"]


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAIServer]:
    """A running :class:`FakeOpenAIServer`, stopped at teardown."""
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
def fake_ollama() -> Iterator[FakeOllamaServer]:
    """A running :class:`FakeOllamaServer` serving the model "fake", stopped at teardown."""
    with FakeOllamaServer() as server:
        yield server
