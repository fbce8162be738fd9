"""Fakes of external services for tests: real servers on loopback, scripted by the test.

``fake_openai`` is a pytest fixture; a test folder enables it from its conftest with
``from fakes import fake_openai  # noqa: F401``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .openai_server import FakeOpenAIServer

__all__ = ["FakeOpenAIServer", "fake_openai"]


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAIServer]:
    """A running :class:`FakeOpenAIServer`, stopped at teardown."""
    with FakeOpenAIServer() as server:
        yield server
