"""Every recorded reply of a real small LLM, replayed through the real langchain-openai
client (sync and streamed) against the fake OpenAI server, with what is kept, dropped and
cited. Provenance of the replies: replay/README.md; their passages: replaykit."""

from __future__ import annotations

import pytest
from replaykit import corpus_chunks, expected, recorded

from briefing.answering.llm import LLMAnswerer
from briefing.config import Settings
from briefing.testing import Reply
from briefing.types import Answer, AnswerDelta

pytestmark = pytest.mark.slow

# What each replay must give (replay/expected.jsonl): abstained, the kept statements as
# (first words, cited documents), and notes that must appear in Answer.reason: "repeated"
# = duplicates removed, "off the question" = relevance, "cut off" = token limit,
# "lead-in" = a filler, "not supported" / "name ..." = the support rule, "word limit" =
# max_answer_words, "moved the citation" = a sentence re-cited to the passage that says
# it, "do not answer" = the model replied INSUFFICIENT_EVIDENCE.
EXPECTED = expected()


@pytest.fixture(scope="module")
def server():
    from briefing.testing import FakeOpenAIServer

    with FakeOpenAIServer() as fake:
        yield fake


@pytest.fixture(scope="module")
def answerer(server, embeddings) -> LLMAnswerer:
    settings = Settings(
        backend="openai", llm_base_url=server.url, llm_model="fake-model", _env_file=None
    )
    return LLMAnswerer.from_settings(settings, embeddings=embeddings)


def _replayed(server, answerer, item) -> tuple[Answer, Answer, str]:
    finish = "length" if item.truncated else "stop"
    server.queue(Reply(item.raw_reply, finish), Reply(item.raw_reply, finish))
    sync = answerer.answer(item.question, item.passages)
    events = list(answerer.stream(item.question, item.passages))
    streamed_text = "".join(e.text for e in events if isinstance(e, AnswerDelta))
    assert isinstance(events[-1], Answer)
    return sync, events[-1], streamed_text


def test_every_recorded_reply_has_an_expectation():
    assert sorted(EXPECTED) == [r.index for r in recorded()]


@pytest.mark.parametrize("item", recorded(), ids=lambda r: f"reply{r.index}")
def test_recorded_reply_is_kept_dropped_and_cited_as_expected(server, answerer, item):
    sync, streamed, streamed_text = _replayed(server, answerer, item)
    assert streamed_text == item.raw_reply  # the stream carried the reply token by token
    for field in ("text", "statements", "citations", "abstained", "reason", "nearest"):
        assert getattr(sync, field) == getattr(streamed, field), field

    abstained, kept, notes = EXPECTED[item.index]
    assert sync.abstained is abstained
    got = [
        (s.text, tuple(dict.fromkeys(sync.citation(m).doc_id for m in s.markers)))
        for s in sync.statements
    ]
    assert len(got) == len(kept), got
    for (text, docs), (prefix, want) in zip(got, kept, strict=True):
        assert text.startswith(prefix) and docs == tuple(want), (text, docs)
    for note in notes:
        assert note in sync.reason
    assert all(s.supported for s in sync.statements)
    assert len(sync.text.split()) <= 120 + len(sync.statements)  # markers are extra tokens
    texts, _ = corpus_chunks()
    for citation in sync.citations + sync.nearest:
        assert texts[citation.doc_id][citation.start : citation.end] == citation.quote


def test_failure_modes_seen_in_the_recording_are_gone(server, answerer):
    replies = {r.index: r for r in recorded()}
    # 1. A numbered reply keeps its correct sentences (the 57% -> 47% tariff sentence was
    #    dropped: its markers were read as the next sentence's).
    trump = _replayed(server, answerer, replies[21])[0]
    assert "57% to 47%" in trump.text
    assert "57%" not in replies[21].then["text"]
    # 2. A lead-in is no longer kept with a citation.
    summit = _replayed(server, answerer, replies[31])[0]
    assert "following" not in summit.text and "following:" in replies[31].then["text"]
    # 3. "Xi Jinping [1]" as JL Mag's chairman is no longer an answer.
    chairman = _replayed(server, answerer, replies[9])[0]
    assert chairman.abstained and not replies[9].then["abstained"]
    # 4. The sentence cut at the token limit is gone ("... as of 18 [1]").
    cut = _replayed(server, answerer, replies[33])[0]
    assert "as of 18" not in cut.text and "as of 18" in replies[33].then["text"]
    # 5. No sentence twice, and no 215-word answer against a 120-word limit.
    firms = _replayed(server, answerer, replies[0])[0]
    assert len({s.text for s in firms.statements}) == len(firms.statements) == 2
    assert len(replies[5].then["text"].split()) == 215
    tariffs = _replayed(server, answerer, replies[5])[0]
    assert sum(len(s.text.split()) for s in tariffs.statements) <= 120
