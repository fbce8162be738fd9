"""The shipped fakes speak their protocols over real HTTP: plain, streamed and failing."""

from __future__ import annotations

import json

import httpx
import pytest

from briefing.testing import (
    FakeOllamaServer,
    FakeOpenAIServer,
    FakeServer,
    HashingEmbeddings,
    Reply,
)

CHAT = {"model": "fake", "messages": [{"role": "user", "content": "Who got licences?"}]}


@pytest.mark.parametrize("cls", [FakeOpenAIServer, FakeOllamaServer])
def test_both_fakes_share_one_base(cls):
    assert issubclass(cls, FakeServer)
    with cls() as server:
        assert server.url.startswith("http://127.0.0.1:")
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.url


def test_openai_fake_completes_and_streams():
    with FakeOpenAIServer() as server:
        server.queue("Three firms.", Reply("Cut off", finish_reason="length"))
        url = f"{server.url}/chat/completions"
        whole = httpx.post(url, json=CHAT).json()
        lines = httpx.post(url, json={**CHAT, "stream": True}).text.split("\n\n")
    assert whole["choices"][0]["message"]["content"] == "Three firms."
    events = [json.loads(line[6:]) for line in lines if line.startswith("data: {")]
    assert "".join(e["choices"][0]["delta"].get("content", "") for e in events) == "Cut off"
    assert events[-1]["choices"][0]["finish_reason"] == "length"
    assert lines[-2] == "data: [DONE]" and len(server.requests) == 2


def test_ollama_fake_streams_ndjson_and_breaks_on_request():
    with FakeOllamaServer() as server:
        server.queue("JL Mag got one.", "It lasts a year.")
        url = f"{server.url}/api/chat"
        objects = [json.loads(x) for x in httpx.post(url, json=CHAT).text.splitlines()]
        server.break_next_stream("model crashed", after=1)
        broken = [json.loads(x) for x in httpx.post(url, json=CHAT).text.splitlines()]
        missing = httpx.post(url, json={**CHAT, "model": "absent"})
    assert "".join(o["message"]["content"] for o in objects) == "JL Mag got one."
    assert objects[-1]["done"] and objects[-1]["done_reason"] == "stop"
    assert broken[-1] == {"error": "model crashed"} and len(broken) == 2
    assert missing.status_code == 404 and missing.json() == {"error": "model 'absent' not found"}


@pytest.mark.parametrize("cls", [FakeOpenAIServer, FakeOllamaServer])
def test_failures_and_unscripted_requests_are_http_errors(cls):
    with cls() as server:
        server.fail_next(429, "slow down")
        path = "/chat/completions" if cls is FakeOpenAIServer else "/api/chat"
        failed = httpx.post(server.url + path, json=CHAT)
        unscripted = httpx.post(server.url + path, json=CHAT)
    assert failed.status_code == 429 and "slow down" in failed.text
    assert unscripted.status_code == 500 and "no reply scripted" in unscripted.text


def test_hashing_embeddings_measure_word_overlap():
    fake = HashingEmbeddings()
    same, other = fake.embed_documents(["Exports fell 12%.", "Licences last a year."])
    query = fake.embed_query("Did exports fall 12%?")
    assert sum(a * b for a, b in zip(query, same, strict=True)) > sum(
        a * b for a, b in zip(query, other, strict=True)
    )
    assert fake.documents_embedded == 2 and fake.query_calls == 1
