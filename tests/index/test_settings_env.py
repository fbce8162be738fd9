"""Settings honour BRIEFING_DATA_DIR / BRIEFING_CORPUS_DIR; derived paths follow data_dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.config import Settings


def test_env_dirs_honoured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFING_CORPUS_DIR", str(tmp_path / "docs"))
    settings = Settings()
    assert settings.data_dir == tmp_path / "data"
    assert settings.corpus_dir == tmp_path / "docs"
    assert settings.chroma_dir == tmp_path / "data" / "chroma"
    assert settings.lexical_dir == tmp_path / "data" / "lexical"
    assert settings.records_path == tmp_path / "data" / "records.sqlite"
    assert settings.feedback_path == tmp_path / "data" / "feedback.jsonl"


def test_explicit_values_beat_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "env"))
    assert Settings(data_dir=tmp_path / "code").data_dir == tmp_path / "code"


def test_home_is_expanded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("BRIEFING_DATA_DIR", "~/briefing-data")
    assert Settings().data_dir == tmp_path / "briefing-data"


def test_defaults_without_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("BRIEFING_DATA_DIR", raising=False)
    monkeypatch.delenv("BRIEFING_CORPUS_DIR", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env file here
    settings = Settings()
    assert settings.data_dir == Path(".briefing")
    assert settings.corpus_dir == Path("corpus")


def test_chroma_server_settings_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("BRIEFING_CHROMA_PORT", "8123")
    settings = Settings()
    assert (settings.index.chroma_host, settings.index.chroma_port) == ("127.0.0.1", 8123)
