"""Fakes for testing code built on briefing, shipped with the package (as httpx ships
``MockTransport``): real objects at our seams, nothing patched.

* :class:`HashingEmbeddings`: deterministic bag-of-words vectors (no model to load);
* :class:`ScriptedBackend`: an answer backend that streams scripted Answers;
* :class:`FakeOpenAIServer` and :class:`FakeOllamaServer`: real HTTP servers on
  127.0.0.1 speaking OpenAI Chat Completions and Ollama's native API, streaming included,
  so the real ``langchain-openai`` / ``langchain-ollama`` clients, ``httpx`` and sockets
  run end to end. Both are a :class:`FakeServer` (one base: thread, port, script,
  request log, clean stop); script them with :meth:`~FakeServer.queue` (text or
  :class:`Reply` with ``finish_reason`` and ``delay``), :meth:`~FakeServer.reply_with`
  and :meth:`~FakeServer.fail_next`; read ``requests`` and ``calls``.

Usage::

    from briefing.testing import FakeOpenAIServer, HashingEmbeddings

    with FakeOpenAIServer() as server:
        server.queue("MOFCOM granted three licences [1].")
        settings = Settings(backend="openai", llm_base_url=server.url, llm_model=server.model)
        answer = Assistant(settings).ask("Who got licences?")
        assert "MOFCOM" in server.last_messages[-1]["content"]

Importing this package loads only the standard library and briefing's records;
:class:`HashingEmbeddings` (langchain-core, about 0.5 s) is imported on first use.
"""

from __future__ import annotations

from typing import Any

from .backend import ScriptedBackend
from .http import FakeServer, Reply
from .ollama_server import FakeOllamaServer
from .openai_server import FakeOpenAIServer

__all__ = [
    "FakeOllamaServer",
    "FakeOpenAIServer",
    "FakeServer",
    "HashingEmbeddings",
    "Reply",
    "ScriptedBackend",
]


def __getattr__(name: str) -> Any:
    if name == "HashingEmbeddings":  # langchain-core's Embeddings: imported when asked for
        from .embeddings import HashingEmbeddings

        return HashingEmbeddings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
