"""Gradio's per-event bookkeeping that the app does not use is kept cheap (see app.py)."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys

import pytest


def test_gradio_analytics_are_bounded_and_a_missing_matplotlib_fails_fast() -> None:
    import gradio as gr

    from briefing.web.app import GRADIO_ANALYTICS, _lighten_gradio_bookkeeping

    saved = {name: os.environ.pop(name, None) for name in GRADIO_ANALYTICS}
    # An earlier launch() in this process may have left its None here; start clean.
    had_module = "matplotlib" in sys.modules
    before = sys.modules.pop("matplotlib", None)
    installed = before is not None or importlib.util.find_spec("matplotlib") is not None
    try:
        _lighten_gradio_bookkeeping()
        with gr.Blocks(analytics_enabled=False) as demo:
            gr.Textbox()
        queue = demo.queue()._queue
        # Gradio reads these settings when the queue is made; a rename would show here.
        assert queue.ANALYTICS_MAX_EVENTS == 1000
        assert queue.ANAYLTICS_CACHE_FREQUENCY == 100
        if installed:
            importlib.import_module("matplotlib")  # an installed one is never blocked
        else:
            with pytest.raises(ImportError):
                importlib.import_module("matplotlib")
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None)
            if value is not None:
                os.environ[name] = value
        sys.modules.pop("matplotlib", None)
        if had_module:
            sys.modules["matplotlib"] = before  # type: ignore[assignment]


def test_an_operator_setting_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.web.app import _lighten_gradio_bookkeeping

    monkeypatch.setenv("GRADIO_ANALYTICS_MAX_EVENTS", "50")
    _lighten_gradio_bookkeeping()
    assert os.environ["GRADIO_ANALYTICS_MAX_EVENTS"] == "50"
