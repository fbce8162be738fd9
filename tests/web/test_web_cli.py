"""`briefing feedback export` and `briefing serve` (a real subprocess, with login)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml
from typer.testing import CliRunner
from webkit import CORPUS, free_port

from briefing.cli import build_app
from briefing.types import Answer
from briefing.web.feedback import FeedbackRecord, FeedbackStore


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
def test_serve_binds_loopback_and_requires_login_when_configured(tmp_path: Path) -> None:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    port = free_port()
    env = {
        **os.environ,
        "BRIEFING_CORPUS_DIR": str(tmp_path / "corpus"),
        "BRIEFING_DATA_DIR": str(tmp_path / "data"),
        "BRIEFING_WEB_USERNAME": "staff",
        "BRIEFING_WEB_PASSWORD": "s3cret",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    briefing = Path(sys.executable).with_name("briefing")
    proc = subprocess.Popen(
        [str(briefing), "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(url + "/", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"server did not start:\n{proc.stdout.read() if proc.stdout else ''}"
                    )
                time.sleep(0.5)
        import psutil

        listening = [
            c.laddr
            for c in psutil.Process(proc.pid).net_connections(kind="inet")
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
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
