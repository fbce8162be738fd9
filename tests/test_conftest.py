"""The shared conftest does no work at import time (house style: no env writes)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

CONFTEST = Path(__file__).with_name("conftest.py")


def test_importing_conftest_writes_no_environment_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "ANONYMIZED_TELEMETRY"):
        monkeypatch.delenv(name, raising=False)
    before = dict(os.environ)
    spec = importlib.util.spec_from_file_location("conftest_fresh_copy", CONFTEST)
    assert spec is not None and spec.loader is not None
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    assert dict(os.environ) == before


def test_the_session_runs_offline() -> None:
    """pytest_configure set the offline variables before any test module was imported."""
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["ANONYMIZED_TELEMETRY"] == "False"
