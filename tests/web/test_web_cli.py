"""`briefing feedback export` and `briefing serve` (in-process, with login)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import httpx
import pytest
import yaml
from typer.testing import CliRunner
from webkit import CORPUS, free_port

from briefing.cli import build_app
from briefing.feedback import FeedbackRecord, FeedbackStore
from briefing.types import Answer


def test_feedback_export_writes_draft_cases_for_thumbs_down(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.jsonl")
    bad = Answer(
        question="How long?",
        standalone_question="How long do licences last?",
        text="Nobody knows.",
        abstained=True,
    )
    store.add(
        FeedbackRecord.for_answer(
            bad, rating="down", history=["Who got them?"], comment="it is one year"
        )
    )
    good = Answer(question="Who?", standalone_question="Who?", text="JL Mag [1].")
    store.add(FeedbackRecord.for_answer(good, rating="up"))

    out = tmp_path / "drafts" / "cases.yaml"
    result = CliRunner().invoke(
        build_app(), ["feedback", "export", "--data-dir", str(tmp_path), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "1 draft case(s)" in result.output
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert [c["turns"] for c in data["cases"]] == [["Who got them?", "How long?"]]
    assert "# staff comment: it is one year" in out.read_text(encoding="utf-8")

    to_stdout = CliRunner().invoke(build_app(), ["feedback", "export", "--data-dir", str(tmp_path)])
    assert to_stdout.exit_code == 0 and "from-feedback" in to_stdout.output


@pytest.mark.slow
def test_serve_binds_loopback_and_requires_login_when_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`briefing serve --port N` in-process with the login from the environment. The
    server runs in background threads (``launch(block=False)``) so the test can stop it;
    the console script itself is covered by tests/test_cli.py's one subprocess test."""
    from briefing.web import app as web_app

    shutil.copytree(CORPUS, tmp_path / "corpus")
    port = free_port()
    env = {
        "BRIEFING_CORPUS_DIR": str(tmp_path / "corpus"),
        "BRIEFING_DATA_DIR": str(tmp_path / "data"),
        "BRIEFING_WEB_USERNAME": "staff",
        "BRIEFING_WEB_PASSWORD": "s3cret",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    running: list[web_app.Running] = []
    real_launch = web_app.launch

    def launch_in_background(*args: object, **kwargs: object) -> web_app.Running:
        running.append(real_launch(*args, **{**kwargs, "block": False}))  # type: ignore[arg-type]
        return running[-1]

    monkeypatch.setattr(web_app, "launch", launch_in_background)
    result = CliRunner().invoke(build_app(), ["serve", "--port", str(port)])
    assert result.exit_code == 0, result.output
    url = f"http://127.0.0.1:{port}"
    try:
        import psutil

        listening = [
            c.laddr
            for c in psutil.Process(os.getpid()).net_connections(kind="inet")
            if c.status == psutil.CONN_LISTEN and c.laddr.port == port
        ]
        assert [a.ip for a in listening] == ["127.0.0.1"]  # loopback unless told otherwise
        assert httpx.get(url + "/config", timeout=10).status_code == 401
        with httpx.Client(base_url=url, timeout=10) as client:
            assert (
                client.post("/login", data={"username": "staff", "password": "no"}).status_code
                == 400
            )
            assert (
                client.post("/login", data={"username": "staff", "password": "s3cret"}).status_code
                == 200
            )
            assert client.get("/config").status_code == 200
    finally:
        for server in running:
            server.demo.close()
