"""A fake OpenAI-compatible server: Chat Completions over real HTTP on loopback.

It speaks the protocol the way the ``openai`` client expects it, so the real
``langchain-openai`` client, ``httpx`` and sockets are exercised end to end:

* ``POST /v1/chat/completions`` -> a ``chat.completion`` JSON object, or with
  ``"stream": true`` server-sent events: ``data: {chat.completion.chunk}`` lines
  (``choices[0].delta.content`` pieces, then the ``finish_reason``), a usage chunk when
  ``stream_options.include_usage`` asks for one, and ``data: [DONE]``;
* ``GET /v1/models`` -> the one fake model;
* errors as OpenAI sends them: ``{"error": {"message", "type", "code"}}``.

A queued :class:`~briefing.testing.Reply` can end with ``finish_reason="length"`` (a reply
cut at the token limit) or wait ``delay`` seconds first (a slow server).

Usage::

    with FakeOpenAIServer() as server:
        server.queue("Three firms got licences [1].")
        model = ChatOpenAI(base_url=server.url, api_key="x", model=server.model)
"""

from __future__ import annotations

import time
from typing import Any

from .http import FakeHandler, FakeServer, Reply, tokens

__all__ = ["FakeOpenAIServer"]


def _usage(body: dict[str, Any], text: str) -> dict[str, int]:
    prompt = sum(len(str(m.get("content", "")).split()) for m in body["messages"])
    completion = len(text.split())
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


class _OpenAIHandler(FakeHandler):
    fake: FakeOpenAIServer
    routes = {
        ("POST", "/v1/chat/completions"): "chat",
        ("GET", "/v1/models"): "list_models",
    }

    def error(self, status: int, message: str) -> None:
        kind = "invalid_request_error" if status < 500 else "server_error"
        self.send_json(status, {"error": {"message": message, "type": kind, "code": None}})

    def list_models(self) -> None:
        model = {"id": self.fake.model, "object": "model", "created": 0, "owned_by": "fake"}
        self.send_json(200, {"object": "list", "data": [model]})

    def chat(self, body: dict[str, Any]) -> None:
        if not isinstance(body.get("messages"), list):
            self.error(400, "'messages' must be a list")
            return
        status, reply = self.fake.next_reply(body)
        if status != 200:
            self.wait_and_answer(reply, lambda: self.error(status, reply.text))
        elif body.get("stream"):
            self.wait_and_answer(reply, lambda: self._stream(body, reply))
        else:
            self.wait_and_answer(reply, lambda: self._complete(body, reply))

    def _base(self, body: dict[str, Any], kind: str) -> dict[str, Any]:
        return {
            "id": f"chatcmpl-fake-{len(self.fake.requests)}",
            "object": kind,
            "created": int(time.time()),
            "model": body.get("model") or self.fake.model,
            "system_fingerprint": "fake",
        }

    def _complete(self, body: dict[str, Any], reply: Reply) -> None:
        payload = self._base(body, "chat.completion")
        message = {"role": "assistant", "content": reply.text}
        payload["choices"] = [
            {"index": 0, "message": message, "logprobs": None, "finish_reason": reply.finish_reason}
        ]
        payload["usage"] = _usage(body, reply.text)
        self.send_json(200, payload)

    def _stream(self, body: dict[str, Any], reply: Reply) -> None:
        self.start_stream("text/event-stream", chunked=False)  # HTTP/1.0: ends on close

        def event(delta: dict[str, Any], finish: str | None) -> None:
            chunk = self._base(body, "chat.completion.chunk")
            chunk["choices"] = [
                {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
            ]
            self.write_event(chunk)

        event({"role": "assistant", "content": ""}, None)
        for token in tokens(reply.text):
            event({"content": token}, None)
        event({}, reply.finish_reason)
        if (body.get("stream_options") or {}).get("include_usage"):
            usage = self._base(body, "chat.completion.chunk")
            usage["choices"] = []
            usage["usage"] = _usage(body, reply.text)
            self.write_event(usage)
        self.write_event("[DONE]")


class FakeOpenAIServer(FakeServer):
    """An OpenAI Chat Completions server on 127.0.0.1 with a free port, in a thread.

    Script it with :meth:`queue`, :meth:`reply_with` and :meth:`fail_next`; every request
    body is in ``requests`` so a test can assert what the prompt contained.
    """

    handler = _OpenAIHandler
    url_path = "/v1"

    def __init__(self, *, model: str = "fake-model") -> None:
        super().__init__(model=model)

    def __enter__(self) -> FakeOpenAIServer:
        self.start()
        return self
