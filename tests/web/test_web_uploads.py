"""Uploads (issue 10, items 3 and 5 and the lesser ones): off without a login unless
allowed, indexed in the background while questions go on, temp copies removed, names in
any script accepted, no server paths in messages; repeated wrong logins are paused."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from briefing.assistant import Assistant
from briefing.config import Settings
from briefing.errors import UploadError
from briefing.feedback import FeedbackStore
from briefing.index.uploads import safe_filename
from briefing.web.app import build_app
from briefing.web.login import LoginGuard
from briefing.web.session import ChatHandlers

NOTE = (
    "---\nid: cobalt-note\ntitle: Cobalt note\nkind: analysis\n---\n"
    "Finland holds a strategic cobalt stockpile of 900 tonnes, the ministry said.\n"
)


def _elem(demo, elem_id: str) -> dict:  # type: ignore[no-untyped-def]
    return next(c for c in demo.config["components"] if c["props"].get("elem_id") == elem_id)


@pytest.mark.parametrize(
    ("extra", "enabled"),
    [
        ({}, False),
        ({"allow_uploads": True}, True),
        ({"web_username": "staff", "web_password": "pw"}, True),
    ],
)
def test_uploads_are_off_unless_login_or_allowed(tmp_path: Path, extra, enabled) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(corpus_dir=tmp_path / "c", data_dir=tmp_path / "d", **extra)
    assert settings.web.uploads_enabled is enabled
    demo = build_app(Assistant(settings), settings)
    ids = {c["props"].get("elem_id") for c in demo.config["components"]}
    assert ("uploads-off" in ids) is not enabled
    assert _elem(demo, "upload-controls")["props"]["visible"] is enabled
    assert _elem(demo, "upload")["type"] == "file"


def test_login_is_paused_after_repeated_wrong_passwords() -> None:
    now = [1000.0]
    guard = LoginGuard("staff", "right", attempts=3, lockout_s=60, clock=lambda: now[0])
    assert guard("staff", "right")
    for _ in range(3):
        assert not guard("staff", "wrong")
    assert guard.locked("staff")
    assert not guard("staff", "right")  # paused, even with the right password
    assert guard("other", "x") is False and not guard.locked("other")
    now[0] += 61
    assert guard("staff", "right")


def test_rejected_upload_leaves_no_copy_in_gradios_temp_folder(tmp_path: Path) -> None:
    from gradio.utils import get_upload_folder

    settings = Settings(corpus_dir=tmp_path / "c", data_dir=tmp_path / "d", allow_uploads=True)
    handlers = ChatHandlers(Assistant(settings), FeedbackStore(tmp_path / "f.jsonl"))
    folder = Path(get_upload_folder()) / "briefing-test-upload"
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "tool.exe"
    copy.write_bytes(b"MZ\x00")
    message, job = handlers.upload(str(copy), max_bytes=1000)
    assert job is None and "not accepted" in message
    assert not copy.exists() and not folder.exists()
    mine = tmp_path / "mine.exe"  # a file outside Gradio's folder is never touched
    mine.write_bytes(b"MZ")
    handlers.upload(str(mine), max_bytes=1000)
    assert mine.exists()


def test_upload_names_in_any_script_are_kept() -> None:
    assert safe_filename("中文 报告.md") == "中文-报告.md"
    assert safe_filename("../../etc/passwd.txt") == "passwd.txt"
    with pytest.raises(UploadError):
        safe_filename("...")


@pytest.mark.slow
def test_upload_is_indexed_in_the_background_and_questions_go_on(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    settings = Settings(corpus_dir=tiny_corpus, data_dir=tmp_path / "data", allow_uploads=True)
    assistant = Assistant(settings)
    try:
        question = "Which firms received general export licences?"
        expected = assistant.ask(question).text
        gate = threading.Event()
        original = assistant.indexer.records.update

        def held_update(*args, **kwargs):  # type: ignore[no-untyped-def]
            gate.wait(60)  # the ingest waits here until the questions are done
            return original(*args, **kwargs)

        assistant.indexer.records.update = held_update  # type: ignore[method-assign]
        job = assistant.submit_document("中文 note.md", NOTE.encode())
        assert job.state == "indexing" and job.name == "中文-note.md"
        answers = [assistant.ask(question).text for _ in range(3)]  # not blocked
        assert answers == [expected] * 3 and job.state == "indexing"
        gate.set()
        report = job.wait(120)
        assert report.added >= 1 and job.state == "done" and job.total >= 1
        assert "900 tonnes" in assistant.ask("How big is Finland's cobalt stockpile?").text

        # Rejections name the upload, never a path on the server.
        bad = "---\nid: x\ntitle: [unclosed\nkind: news\n---\nBody.\n"
        with pytest.raises(UploadError) as info:
            assistant.submit_document("broken.md", bad.encode())
        assert "broken.md" in str(info.value) and str(tmp_path) not in str(info.value)
        with pytest.raises(UploadError, match="already used"):
            assistant.submit_document("again.md", NOTE.encode())
    finally:
        assistant.close()
