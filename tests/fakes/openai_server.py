"""A real OpenAI-compatible HTTP server on loopback, scripted by the test.

It speaks the Chat Completions protocol the way the ``openai`` client expects it, so the
real ``langchain-openai`` client, ``httpx`` and sockets are exercised end to end:

* ``POST /v1/chat/completions`` -> a ``chat.completion`` JSON object, or with
  ``"stream": true`` server-sent events: ``data: {chat.completion.chunk}`` lines
  (``choices[0].delta.content`` pieces, then ``finish_reason: "stop"``) and
  ``data: [DONE]``;
* ``GET /v1/models`` -> the one fake model.

Script it with a queue of replies (:meth:`FakeOpenAIServer.queue`), a function from the
received messages to the reply text (:meth:`FakeOpenAIServer.reply_with`), or an HTTP
error (:meth:`FakeOpenAIServer.fail_next`). A queued :class:`Reply` can also end with
``finish_reason="length"`` (a reply cut at the token limit) or wait ``delay`` seconds
before answering (a slow server). Every request body is recorded in ``requests`` so a
test can assert what the prompt contained.

Usage::

    with FakeOpenAIServer() as server:
        server.queue("Three firms got licences [1].")
        model = ChatOpenAI(base_url=server.url, api_key="x", model=server.model)
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Messages = list[dict[str, Any]]


@dataclass(frozen=True)
class Reply:
    """A scripted reply: its text, how it ends, and how long the server thinks first."""

    text: str
    finish_reason: str = "stop"
    delay: float = 0.0


_MAX_BODY = 2_000_000
_TOKEN = re.compile(r"\S+\s*|\s+")


class FakeOpenAIServer:
    """An OpenAI Chat Completions server on 127.0.0.1 with a free port, in a thread."""

    def __init__(self, *, model: str = "fake-model") -> None:
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self._replies: deque[Reply] = deque()
        self._failures: deque[tuple[int, str]] = deque()
        self._responder: Callable[[Messages], str] | None = None
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- scripting ------------------------------------------------------------------
    def queue(self, *replies: str | Reply) -> None:
        """Answer the next requests with these replies, in order (before any responder)."""
        with self._lock:
            self._replies.extend(r if isinstance(r, Reply) else Reply(r) for r in replies)

    def reply_with(self, responder: Callable[[Messages], str]) -> None:
        """Answer every request (once the queue is empty) with ``responder(messages)``."""
        self._responder = responder

    def fail_next(self, status: int = 500, message: str = "scripted failure") -> None:
        """Answer the next request with an OpenAI-style error body and ``status``."""
        with self._lock:
            self._failures.append((status, message))

    @property
    def last_messages(self) -> Messages:
        """The ``messages`` of the latest chat completion request."""
        return self.requests[-1]["messages"]

    def _next_reply(self, messages: Messages) -> tuple[int, Reply]:
        with self._lock:
            if self._failures:
                status, message = self._failures.popleft()
                return status, Reply(message)
            if self._replies:
                return 200, self._replies.popleft()
        if self._responder is not None:
            return 200, Reply(self._responder(messages))
        return 500, Reply("FakeOpenAIServer: no reply scripted for this request")

    # --- lifecycle ------------------------------------------------------------------
    @property
    def url(self) -> str:
        """Base URL for clients, e.g. ``http://127.0.0.1:54321/v1``."""
        if self._server is None:
            raise RuntimeError("FakeOpenAIServer is not running; use it as a context manager")
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> FakeOpenAIServer:
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
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAIServer
    timeout = 10  # a stuck client cannot hold a handler thread forever

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # keep test output clean

    def _send_json(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, message: str) -> None:
        kind = "invalid_request_error" if status < 500 else "server_error"
        self._send_json(status, {"error": {"message": message, "type": kind, "code": None}})

    def do_GET(self) -> None:
        if self.path.rstrip("/") == "/v1/models":
            model = {"id": self.fake.model, "object": "model", "created": 0, "owned_by": "fake"}
            self._send_json(200, {"object": "list", "data": [model]})
        else:
            self._error(404, f"unknown path {self.path}")

    def do_POST(self) -> None:
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._error(404, f"unknown path {self.path}")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY:
            self._error(413, "request too large")
            return
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError as exc:
            self._error(400, f"invalid JSON: {exc}")
            return
        if not isinstance(body.get("messages"), list):
            self._error(400, "'messages' must be a list")
            return
        self.fake.requests.append(body)
        status, reply = self.fake._next_reply(body["messages"])
        if reply.delay:
            time.sleep(reply.delay)
        # The client may have given up waiting (a timeout test): nothing to answer then.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._answer(body, status, reply)

    def _answer(self, body: dict[str, Any], status: int, reply: Reply) -> None:
        if status != 200:
            self._error(status, reply.text)
        elif body.get("stream"):
            self._stream(body, reply)
        else:
            self._complete(body, reply)

    def _base(self, body: dict[str, Any], kind: str) -> dict[str, Any]:
        return {
            "id": f"chatcmpl-fake-{len(self.fake.requests)}",
            "object": kind,
            "created": int(time.time()),
            "model": body.get("model") or self.fake.model,
            "system_fingerprint": "fake",
        }

    @staticmethod
    def _usage(body: dict[str, Any], text: str) -> dict[str, int]:
        prompt = sum(len(str(m.get("content", "")).split()) for m in body["messages"])
        completion = len(text.split())
        return {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }

    def _complete(self, body: dict[str, Any], reply: Reply) -> None:
        text = reply.text
        payload = self._base(body, "chat.completion")
        payload["choices"] = [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "logprobs": None,
                "finish_reason": reply.finish_reason,
            }
        ]
        payload["usage"] = self._usage(body, text)
        self._send_json(200, payload)

    def _stream(self, body: dict[str, Any], reply: Reply) -> None:
        text = reply.text
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()  # HTTP/1.0: the stream ends when the connection closes

        def event(delta: dict[str, Any], finish: str | None) -> None:
            chunk = self._base(body, "chat.completion.chunk")
            chunk["choices"] = [
                {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
            ]
            self._send_event(chunk)

        event({"role": "assistant", "content": ""}, None)
        for token in _TOKEN.findall(text):
            event({"content": token}, None)
        event({}, reply.finish_reason)
        if (body.get("stream_options") or {}).get("include_usage"):
            usage = self._base(body, "chat.completion.chunk")
            usage["choices"] = []
            usage["usage"] = self._usage(body, text)
            self._send_event(usage)
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()

    def _send_event(self, payload: dict[str, Any]) -> None:
        self.wfile.write(b"data: " + json.dumps(payload).encode() + b"\n\n")
        self.wfile.flush()
