"""The base of the fake model servers: a real HTTP server on loopback, scripted by the test.

:class:`FakeServer` owns what every fake shares: the thread and the free port, the script
(a queue of :class:`Reply`, a responder function, scripted HTTP failures), the record of
requests, and a clean stop that closes open keep-alive connections so no handler thread
outlives the test. :class:`FakeHandler` reads bounded JSON bodies, writes JSON, NDJSON
chunks and server-sent events, and routes ``(method, path)`` to a handler method.

A subclass names its routes and its error body, and speaks its protocol
(:mod:`briefing.testing.openai_server`, :mod:`briefing.testing.ollama_server`).
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

__all__ = ["FakeHandler", "FakeServer", "Messages", "Reply", "tokens"]

Messages = list[dict[str, Any]]

_MAX_BODY = 2_000_000
_TOKEN = re.compile(r"\S+\s*|\s+")


def tokens(text: str) -> list[str]:
    """``text`` cut into the pieces a fake streams (a word with its trailing space)."""
    return _TOKEN.findall(text)


@dataclass(frozen=True)
class Reply:
    """A scripted reply: its text, how it ends, and how long the server thinks first."""

    text: str
    finish_reason: str = "stop"
    delay: float = 0.0


class FakeServer:
    """A scripted HTTP server on 127.0.0.1 with a free port, in a thread.

    Attributes:
        model: the model name the server answers as.
        requests: every chat request body, in order.
        calls: every ``(method, path)`` received.
    """

    handler: ClassVar[type[FakeHandler]]
    url_path: ClassVar[str] = ""  # appended to http://127.0.0.1:PORT in ``url``

    def __init__(self, *, model: str) -> None:
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self.calls: list[tuple[str, str]] = []
        self._replies: deque[Reply] = deque()
        self._failures: deque[tuple[int, str]] = deque()
        self._responder: Callable[[Messages], str] | None = None
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
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
        """Answer the next request with HTTP ``status`` and the protocol's error body."""
        with self._lock:
            self._failures.append((status, message))

    @property
    def last_messages(self) -> Messages:
        """The ``messages`` of the latest chat request."""
        return self.requests[-1]["messages"]

    def next_reply(self, body: dict[str, Any]) -> tuple[int, Reply]:
        """Record the chat request ``body`` and pick its scripted (status, reply)."""
        self.requests.append(body)
        with self._lock:
            if self._failures:
                status, message = self._failures.popleft()
                return status, Reply(message)
            if self._replies:
                return 200, self._replies.popleft()
        if self._responder is not None:
            return 200, Reply(self._responder(body["messages"]))
        return 500, Reply(f"{type(self).__name__}: no reply scripted for this request")

    # --- lifecycle ------------------------------------------------------------------
    @property
    def url(self) -> str:
        """The base URL for clients, e.g. ``http://127.0.0.1:54321`` plus ``url_path``."""
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not running; use it as a context manager")
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.url_path}"

    def start(self) -> FakeServer:
        handler = type("Handler", (self.handler,), {"fake": self})
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

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class FakeHandler(BaseHTTPRequestHandler):
    """Routes requests of a :class:`FakeServer`; subclasses fill ``routes`` and ``error``.

    ``routes`` maps ``(method, path)`` (trailing slash removed) to a method name; a POST
    route method receives the JSON body, a GET route method nothing.
    """

    fake: FakeServer
    routes: ClassVar[dict[tuple[str, str], str]] = {}
    json_type: ClassVar[str] = "application/json"
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

    def error(self, status: int, message: str) -> None:
        """Answer with the protocol's error body."""
        self.send_json(status, {"error": message})

    # --- writing --------------------------------------------------------------------
    def send_bytes(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, status: int, payload: dict[str, Any]) -> None:
        self.send_bytes(status, json.dumps(payload).encode(), self.json_type)

    def start_stream(self, content_type: str, *, chunked: bool) -> None:
        """Send the 200 head of a streamed reply (chunked, or ended by closing)."""
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-cache")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def write_chunk(self, data: bytes) -> None:
        """One HTTP chunk, flushed so the client sees it at once (``b""`` ends the body)."""
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def write_event(self, payload: dict[str, Any] | str) -> None:
        """One server-sent event ``data: ...`` line pair, flushed."""
        data = payload if isinstance(payload, str) else json.dumps(payload)
        self.wfile.write(b"data: " + data.encode() + b"\n\n")
        self.wfile.flush()

    # --- reading and routing --------------------------------------------------------
    def read_json(self) -> dict[str, Any] | None:
        """The request body as a JSON object, or None after answering the error."""
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY:
            self.close_connection = True  # the unread body would poison the connection
            self.error(413, "request entity too large")
            return None
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw) if raw else None
        except json.JSONDecodeError as exc:
            self.error(400, f"invalid JSON: {exc}")
            return None
        if not isinstance(body, dict):
            self.error(400, "the request body must be a JSON object")
            return None
        return body

    def wait_and_answer(self, reply: Reply, answer: Callable[[], None]) -> None:
        """Think ``reply.delay`` seconds, then ``answer()``, unless the client gave up."""
        if reply.delay:
            time.sleep(reply.delay)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            answer()

    def _route(self, method: str) -> None:
        path = self.path.rstrip("/")
        self.fake.calls.append((method, path or "/"))
        name = self.routes.get((method, path))
        if name is None:
            self.close_connection = True  # any body is not read
            self.error(404, f"unknown path {self.path}")
            return
        if method == "POST":
            body = self.read_json()
            if body is not None:
                getattr(self, name)(body)
        else:
            getattr(self, name)()

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")
