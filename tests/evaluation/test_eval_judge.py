"""The LLM judge against the fake OpenAI-compatible server, with the real client library."""

from __future__ import annotations

import pytest
from evalkit import answer, passage

from briefing.commands.eval_cmds import make_judge
from briefing.config import Settings
from briefing.errors import BackendError, ConfigError
from briefing.evaluation.judge import parse_verdict
from briefing.types import Statement


def test_parse_verdict():
    assert parse_verdict(" SUPPORTED.") is True
    assert parse_verdict("**Unsupported**") is False
    assert parse_verdict("not supported") is False
    assert parse_verdict("maybe") is None


def test_judge_needs_an_llm_backend(tmp_path):
    with pytest.raises(ConfigError, match="--judge needs an LLM backend"):
        make_judge(Settings(data_dir=tmp_path))


def test_judge_faithfulness_and_cache(tmp_path, fake_openai):
    def reply(messages):
        claim = messages[-1]["content"].split("Claim:")[1]
        return "SUPPORTED" if "one year" in claim else "UNSUPPORTED"

    fake_openai.reply_with(reply)
    settings = Settings(
        data_dir=tmp_path,
        backend="openai",
        llm_base_url=fake_openai.url,
        llm_model=fake_openai.model,
        llm_temperature=0.7,
    )
    judge = make_judge(settings)
    ans = answer(
        "x",
        (
            Statement("The suspension lasts one year.", (1,)),
            Statement("It was agreed in Paris.", (1,)),
        ),
    )
    passages = [passage("notices", "China suspended the controls for one year.")]
    result = judge.assess(ans, passages)
    assert result["faithfulness"] == 0.5
    assert [c["supported"] for c in result["claims"]] == [True, False]
    assert judge.requests == 2
    body = fake_openai.requests[-1]
    assert body["temperature"] == 0.0  # the judge forces temperature 0
    assert "China suspended the controls for one year." in str(body["messages"])

    # a new judge over the same data_dir answers from the cache, without requests
    again = make_judge(settings)
    cached = again.assess(ans, passages)
    assert again.requests == 0
    assert cached["faithfulness"] == 0.5
    assert all(c["cached"] for c in cached["claims"])
    assert len((tmp_path / "judge-cache.jsonl").read_text().splitlines()) == 2


def test_judge_server_error_is_backend_error(tmp_path, fake_openai):
    fake_openai.fail_next(status=400, message="bad request")
    judge = make_judge(Settings(data_dir=tmp_path, backend="openai", llm_base_url=fake_openai.url))
    with pytest.raises(BackendError, match="openai"):
        judge.verdict("claim", ["passage"])
