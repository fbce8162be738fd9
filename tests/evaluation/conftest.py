"""Evaluation test fixtures: the shared fake OpenAI server for the judge tests."""

from __future__ import annotations

import sys
from pathlib import Path

# tests/ holds shared fakes; pytest puts only this folder on sys.path (no __init__.py).
_TESTS = str(Path(__file__).resolve().parents[1])
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from fakes import fake_openai  # noqa: E402, F401  (the fixture, re-exported for this folder)
