"""Which splits a `briefing eval` request runs (evaluation.session.resolve_splits)."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.errors import DatasetError
from briefing.evaluation.session import EvalRequest, resolve_splits


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    for name in ("evals/qa/dev.yaml", "evals/qa/test.yaml", "evals/briefings/dev.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("version: 1\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_split_by_default_and_named_ones_alone(repo):
    qa, briefings = resolve_splits([], [])
    assert list(qa) == ["dev", "test"] and list(briefings) == ["briefings-dev"]
    assert resolve_splits(["test"], []) == ({"test": Path("evals/qa/test.yaml")}, {})
    assert resolve_splits(["briefings-dev"], []) == (
        {},
        {"briefings-dev": Path("evals/briefings/dev.yaml")},
    )
    own = repo / "mine.yaml"
    assert resolve_splits([], [own]) == ({"mine": own}, {})  # a file replaces every split


def test_unknown_splits_name_the_missing_file(repo):
    with pytest.raises(DatasetError, match=r"--split 'tset': no file evals/qa/tset.yaml"):
        resolve_splits(["tset"], [])
    with pytest.raises(DatasetError, match=r"no file evals/briefings/x.yaml; known splits: b"):
        resolve_splits(["briefings-x"], [])


def test_request_normalises_repeatable_options():
    request = EvalRequest(split=None, tag=None, fail_under=None, dataset=None)
    assert (request.split, request.tag, request.fail_under, request.dataset) == ([], [], [], [])
