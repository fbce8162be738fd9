"""A fake Ollama server: Ollama's native REST API over real HTTP on loopback.

It speaks the API the way the ``ollama`` Python client (used by ``langchain-ollama``'s
``ChatOllama``) expects it, so that client, ``httpx`` and sockets are exercised end to end:

* ``POST /api/chat`` -> with ``"stream": true`` (Ollama's default) newline-delimited JSON
  (``application/x-ndjson``, HTTP/1.1 chunked): one ``{"model", "created_at", "message":
  {"role": "assistant", "content": piece}, "done": false}`` object per token, then
  ``{"done": true, "done_reason": ..., ...}`` with the token counts and nanosecond
  durations; with ``"stream": false`` one JSON object holding the whole message;
* ``GET /api/tags`` (``Client.list``, used by ``ChatOllama(validate_model_on_init=True)``),
  ``POST /api/show``, ``GET /api/version``, ``GET /`` and ``HEAD /`` ("Ollama is running");
* errors as Ollama sends them: a status code and ``{"error": "..."}``; an unknown model is
  ``404 {"error": "model 'x' not found"}``; an error after streaming began is a last
  ``{"error": "..."}`` line under the already-sent 200 (:meth:`FakeOllamaServer.break_next_stream`).

Usage::

    with FakeOllamaServer() as server:
        server.queue("Three firms got licences [1].")
        model = ChatOllama(base_url=server.url, model=server.model)
"""

from __future__ import annotations

import json
from collections import deque
from datetime import UTC, datetime
from typing import Any

from .http import FakeHandler, FakeServer, Messages, Reply, tokens

__all__ = ["FakeOllamaServer"]

_VERSION = "0.12.6"
_DETAILS = {
    "parent_model": "",
    "format": "gguf",
    "family": "fake",
    "families": ["fake"],
    "parameter_size": "1M",
    "quantization_level": "Q4_0",
}
_MODIFIED = "2025-12-01T00:00:00.000000Z"


def _full_name(model: str) -> str:
    """Ollama's canonical ``name:tag`` form (the tag defaults to ``latest``)."""
    return model if ":" in model.rsplit("/", 1)[-1] else f"{model}:latest"


def _now() -> str:
    """An RFC 3339 UTC timestamp like the ones Ollama puts in ``created_at``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _final(name: str, messages: Messages, reply: Reply, content: str) -> dict[str, Any]:
    """The closing object: done, the reason and the counts (durations in ns)."""
    prompt = sum(len(str(m.get("content", "")).split()) for m in messages)
    completion = len(reply.text.split())
    return {
        "model": name,
        "created_at": _now(),
        "message": {"role": "assistant", "content": content},
        "done": True,
        "done_reason": reply.finish_reason,
        "total_duration": 1_000_000 * (1 + completion),
        "load_duration": 100_000,
        "prompt_eval_count": prompt,
        "prompt_eval_duration": 10_000 * (1 + prompt),
        "eval_count": completion,
        "eval_duration": 1_000_000 * completion,
    }


class _OllamaHandler(FakeHandler):
    fake: FakeOllamaServer
    protocol_version = "HTTP/1.1"  # keep-alive and chunked streaming, as Ollama's server
    json_type = "application/json; charset=utf-8"
    routes = {
        ("GET", ""): "running",
        ("GET", "/api/version"): "version",
        ("GET", "/api/tags"): "tags",
        ("POST", "/api/chat"): "chat",
        ("POST", "/api/show"): "show",
    }

    def do_HEAD(self) -> None:
        self.fake.calls.append(("HEAD", self.path))
        self.send_bytes(200, b"", "text/plain; charset=utf-8")

    def running(self) -> None:
        self.send_bytes(200, b"Ollama is running", "text/plain; charset=utf-8")

    def version(self) -> None:
        self.send_json(200, {"version": _VERSION})

    def tags(self) -> None:
        entries = [
            {"name": m, "model": m, "modified_at": _MODIFIED, "size": 1_000_000}
            | {"digest": "0" * 64, "details": _DETAILS}
            for m in self.fake.models
        ]
        self.send_json(200, {"models": entries})

    def _model(self, body: dict[str, Any]) -> str | None:
        """The installed model ``body`` names, or None after answering the error."""
        name = body.get("model")
        if not isinstance(name, str) or not name:
            self.error(400, "model is required")
        elif not self.fake.has_model(name):
            self.error(404, f"model '{name}' not found")
        else:
            return name
        return None

    def show(self, body: dict[str, Any]) -> None:
        name = self._model(body)
        if name is None:
            return
        info = {"general.architecture": "fake", "fake.context_length": 8192}
        self.send_json(
            200,
            {"modelfile": f"FROM {_full_name(name)}", "parameters": "temperature 0"}
            | {"template": "{{ .Prompt }}", "details": _DETAILS, "model_info": info}
            | {"capabilities": ["completion"], "modified_at": _MODIFIED},
        )

    def chat(self, body: dict[str, Any]) -> None:
        name = self._model(body)
        if name is None:
            return
        messages = body.get("messages")
        if not isinstance(messages, list) or not all(
            isinstance(m, dict) and isinstance(m.get("role"), str) for m in messages
        ):
            self.error(400, "messages must be a list of {role, content} objects")
            return
        status, reply = self.fake.next_reply(body)
        if status != 200:
            self.wait_and_answer(reply, lambda: self.error(status, reply.text))
        elif body.get("stream", True):  # Ollama streams unless told not to
            self.wait_and_answer(reply, lambda: self._stream(name, messages, reply))
        else:
            final = _final(name, messages, reply, reply.text)
            self.wait_and_answer(reply, lambda: self.send_json(200, final))

    def _stream(self, name: str, messages: Messages, reply: Reply) -> None:
        self.start_stream("application/x-ndjson", chunked=True)
        broken = self.fake.next_break()
        for index, token in enumerate(tokens(reply.text)):
            if broken is not None and index >= broken[0]:
                break
            message = {"role": "assistant", "content": token}
            self._line({"model": name, "created_at": _now(), "message": message, "done": False})
        if broken is not None:
            self._line({"error": broken[1]})
        else:
            self._line(_final(name, messages, reply, ""))
        self.write_chunk(b"")

    def _line(self, payload: dict[str, Any]) -> None:
        self.write_chunk(json.dumps(payload).encode() + b"\n")


class FakeOllamaServer(FakeServer):
    """An Ollama server on 127.0.0.1 with a free port, in a thread.

    Args:
        model: the model the server "has pulled"; chats naming another model get a 404.
        models: further installed models (listed by ``/api/tags``).
    """

    handler = _OllamaHandler

    def __init__(self, *, model: str = "fake", models: tuple[str, ...] = ()) -> None:
        super().__init__(model=model)
        self.models = tuple(dict.fromkeys(_full_name(m) for m in (model, *models)))
        self._breaks: deque[tuple[int, str]] = deque()

    def has_model(self, name: str) -> bool:
        return _full_name(name) in self.models

    def break_next_stream(self, message: str = "scripted failure", *, after: int = 3) -> None:
        """Stream ``after`` tokens of the next reply, then an ``{"error": message}`` line."""
        with self._lock:
            self._breaks.append((after, message))

    def next_break(self) -> tuple[int, str] | None:
        with self._lock:
            return self._breaks.popleft() if self._breaks else None

    def __enter__(self) -> FakeOllamaServer:
        self.start()
        return self
