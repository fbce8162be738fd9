"""A real Ollama HTTP server on loopback, scripted by the test.

It speaks Ollama's native REST API the way the ``ollama`` Python client (used by
``langchain-ollama``'s ``ChatOllama``) expects it, so that client, ``httpx`` and sockets
are exercised end to end:

* ``POST /api/chat`` -> with ``"stream": true`` (Ollama's default) newline-delimited JSON
  (``Content-Type: application/x-ndjson``, HTTP/1.1 chunked): one
  ``{"model", "created_at", "message": {"role": "assistant", "content": piece},
  "done": false}`` object per token, then ``{"done": true, "done_reason": "stop", ...}``
  with the token counts and nanosecond durations; with ``"stream": false`` one JSON
  object holding the whole message;
* ``GET /api/tags`` (``Client.list``, used by ``ChatOllama(validate_model_on_init=True)``),
  ``POST /api/show``, ``GET /api/version`` and ``GET /`` ("Ollama is running");
* errors as Ollama sends them: a status code and ``{"error": "..."}``; an unknown model is
  ``404 {"error": "model 'x' not found"}``; an error after streaming began is a last
  ``{"error": "..."}`` line under the already-sent 200.

Script it with a queue of replies (:meth:`FakeOllamaServer.queue`), a function from the
received messages to the reply text (:meth:`FakeOllamaServer.reply_with`), an HTTP error
(:meth:`FakeOllamaServer.fail_next`) or an error in the middle of a stream
(:meth:`FakeOllamaServer.break_next_stream`). Every ``/api/chat`` body is recorded in
``requests`` and every ``(method, path)`` in ``calls``.

Bounded: request bodies over 2 MB are refused, an idle connection is dropped after 10 s,
and :meth:`FakeOllamaServer.stop` closes open keep-alive connections so no handler thread
outlives the test.

Usage::

    with FakeOllamaServer() as server:
        server.queue("Three firms got licences [1].")
        model = ChatOllama(base_url=server.url, model=server.model)
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Messages = list[dict[str, Any]]

_MAX_BODY = 2_000_000
_TOKEN = re.compile(r"\S+\s*|\s+")
_VERSION = "0.12.6"


def _full_name(model: str) -> str:
    """Ollama's canonical ``name:tag`` form (the tag defaults to ``latest``)."""
    return model if ":" in model.rsplit("/", 1)[-1] else f"{model}:latest"


def _now() -> str:
    """An RFC 3339 UTC timestamp like the ones Ollama puts in ``created_at``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class FakeOllamaServer:
    """An Ollama server on 127.0.0.1 with a free port, in a thread.

    Args:
        model: the model the server "has pulled"; chats naming another model get a 404.
        models: further installed models (listed by ``/api/tags``).
    """

    def __init__(self, *, model: str = "fake", models: tuple[str, ...] = ()) -> None:
        self.model = model
        self.models = tuple(dict.fromkeys(_full_name(m) for m in (model, *models)))
        self.requests: list[dict[str, Any]] = []
        self.calls: list[tuple[str, str]] = []
        self._replies: deque[str] = deque()
        self._failures: deque[tuple[int, str]] = deque()
        self._breaks: deque[tuple[int, str]] = deque()
        self._responder: Callable[[Messages], str] | None = None
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- scripting ------------------------------------------------------------------
    def queue(self, *replies: str) -> None:
        """Answer the next chats with these texts, in order (before any responder)."""
        with self._lock:
            self._replies.extend(replies)

    def reply_with(self, responder: Callable[[Messages], str]) -> None:
        """Answer every chat (once the queue is empty) with ``responder(messages)``."""
        self._responder = responder

    def fail_next(self, status: int = 500, message: str = "scripted failure") -> None:
        """Answer the next chat with HTTP ``status`` and ``{"error": message}``."""
        with self._lock:
            self._failures.append((status, message))

    def break_next_stream(self, message: str = "scripted failure", *, after: int = 3) -> None:
        """Stream ``after`` tokens of the next reply, then an ``{"error": message}`` line."""
        with self._lock:
            self._breaks.append((after, message))

    @property
    def last_messages(self) -> Messages:
        """The ``messages`` of the latest ``/api/chat`` request."""
        return self.requests[-1]["messages"]

    def has_model(self, name: str) -> bool:
        return _full_name(name) in self.models

    def _next_reply(self, messages: Messages) -> tuple[int, str]:
        with self._lock:
            if self._failures:
                return self._failures.popleft()
            if self._replies:
                return 200, self._replies.popleft()
        if self._responder is not None:
            return 200, self._responder(messages)
        return 500, "FakeOllamaServer: no reply scripted for this request"

    def _next_break(self) -> tuple[int, str] | None:
        with self._lock:
            return self._breaks.popleft() if self._breaks else None

    # --- lifecycle ------------------------------------------------------------------
    @property
    def url(self) -> str:
        """Base URL for clients, e.g. ``http://127.0.0.1:54321`` (no ``/api``, as Ollama)."""
        if self._server is None:
            raise RuntimeError("FakeOllamaServer is not running; use it as a context manager")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeOllamaServer:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        with self._lock:
            open_connections, self._connections = self._connections, set()
        for connection in open_connections:  # wake handlers waiting on keep-alive reads
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeOllamaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOllamaServer
    protocol_version = "HTTP/1.1"  # keep-alive and chunked streaming, as Ollama's server
    timeout = 10  # a stuck or idle client cannot hold a handler thread forever

    def setup(self) -> None:
        super().setup()
        with self.fake._lock:
            self.fake._connections.add(self.connection)

    def finish(self) -> None:
        with self.fake._lock:
            self.fake._connections.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # keep test output clean

    # --- responses ------------------------------------------------------------------
    def _send_bytes(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_json(self, status: int, payload: dict[str, Any]) -> None:
        self._send_bytes(status, json.dumps(payload).encode(), "application/json; charset=utf-8")

    def _error(self, status: int, message: str) -> None:
        self._send_json(status, {"error": message})

    def _read_json(self) -> dict[str, Any] | None:
        """The request body as a JSON object, or None after answering the error."""
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY:
            self.close_connection = True  # the unread body would poison the connection
            self._error(413, "request entity too large")
            return None
        raw = self.rfile.read(length)
        if not raw:
            self._error(400, "missing request body")
            return None
        try:
            body = json.loads(raw)
        except json.JSONDecodeError as exc:
            self._error(400, f"invalid JSON: {exc}")
            return None
        if not isinstance(body, dict):
            self._error(400, "request body must be a JSON object")
            return None
        return body

    # --- routes ---------------------------------------------------------------------
    def do_HEAD(self) -> None:
        self.fake.calls.append(("HEAD", self.path))
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        path = self.path.rstrip("/")
        self.fake.calls.append(("GET", path or "/"))
        if path == "":
            self._send_bytes(200, b"Ollama is running", "text/plain; charset=utf-8")
        elif path == "/api/version":
            self._send_json(200, {"version": _VERSION})
        elif path == "/api/tags":
            self._send_json(200, {"models": [self._model_entry(m) for m in self.fake.models]})
        else:
            self._error(404, "404 page not found")

    def do_POST(self) -> None:
        path = self.path.rstrip("/")
        self.fake.calls.append(("POST", path))
        if path not in ("/api/chat", "/api/show"):
            self.close_connection = True  # the body is not read
            self._error(404, "404 page not found")
            return
        body = self._read_json()
        if body is None:
            return
        name = body.get("model")
        if not isinstance(name, str) or not name:
            self._error(400, "model is required")
        elif not self.fake.has_model(name):
            self._error(404, f"model '{name}' not found")
        elif path == "/api/show":
            self._show(name)
        else:
            self._chat(body, name)

    def _model_entry(self, name: str) -> dict[str, Any]:
        return {
            "name": name,
            "model": name,
            "modified_at": "2025-12-01T00:00:00.000000Z",
            "size": 1_000_000,
            "digest": "0" * 64,
            "details": self._details(),
        }

    @staticmethod
    def _details() -> dict[str, Any]:
        return {
            "parent_model": "",
            "format": "gguf",
            "family": "fake",
            "families": ["fake"],
            "parameter_size": "1M",
            "quantization_level": "Q4_0",
        }

    def _show(self, name: str) -> None:
        self._send_json(
            200,
            {
                "modelfile": f"FROM {_full_name(name)}",
                "parameters": "temperature 0",
                "template": "{{ .Prompt }}",
                "details": self._details(),
                "model_info": {"general.architecture": "fake", "fake.context_length": 8192},
                "capabilities": ["completion"],
                "modified_at": "2025-12-01T00:00:00.000000Z",
            },
        )

    def _chat(self, body: dict[str, Any], name: str) -> None:
        messages = body.get("messages")
        if not isinstance(messages, list) or not all(
            isinstance(m, dict) and isinstance(m.get("role"), str) for m in messages
        ):
            self._error(400, "messages must be a list of {role, content} objects")
            return
        self.fake.requests.append(body)
        status, text = self.fake._next_reply(messages)
        if status != 200:
            self._error(status, text)
        elif body.get("stream", True):  # Ollama streams unless told not to
            self._stream(name, messages, text)
        else:
            self._send_json(200, self._final(name, messages, text, text))

    @staticmethod
    def _final(name: str, messages: Messages, text: str, content: str) -> dict[str, Any]:
        """The closing object: done, the reason and the counts (durations in ns)."""
        prompt = sum(len(str(m.get("content", "")).split()) for m in messages)
        completion = len(text.split())
        return {
            "model": name,
            "created_at": _now(),
            "message": {"role": "assistant", "content": content},
            "done": True,
            "done_reason": "stop",
            "total_duration": 1_000_000 * (1 + completion),
            "load_duration": 100_000,
            "prompt_eval_count": prompt,
            "prompt_eval_duration": 10_000 * (1 + prompt),
            "eval_count": completion,
            "eval_duration": 1_000_000 * completion,
        }

    def _stream(self, name: str, messages: Messages, text: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        broken = self.fake._next_break()
        for index, token in enumerate(_TOKEN.findall(text)):
            if broken is not None and index >= broken[0]:
                break
            piece = {
                "model": name,
                "created_at": _now(),
                "message": {"role": "assistant", "content": token},
                "done": False,
            }
            self._write_line(piece)
        if broken is not None:
            self._write_line({"error": broken[1]})
        else:
            self._write_line(self._final(name, messages, text, ""))
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _write_line(self, payload: dict[str, Any]) -> None:
        """One NDJSON line as one HTTP chunk, flushed so the client sees it at once."""
        line = json.dumps(payload).encode() + b"\n"
        self.wfile.write(f"{len(line):x}\r\n".encode() + line + b"\r\n")
        self.wfile.flush()
