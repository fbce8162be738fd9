"""pytest fixtures over the fakes that ship in :mod:`briefing.testing`, plus hostile inputs.

``fake_openai`` (OpenAI Chat Completions) and ``fake_ollama`` (Ollama's native API) are
real servers on loopback; a test folder enables one from its conftest or test module with
``from fakes import fake_openai  # noqa: F401``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from briefing.testing import FakeOllamaServer, FakeOpenAIServer

__all__ = ["fake_ollama", "fake_openai"]


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
