"""The staff web chat (Gradio): a thin layer that formats ``Answer`` records.

Modules: ``formatting`` (pure HTML rendering and escaping), ``session`` (per-session
state and event handlers), ``layout`` (each tab's components), ``wiring`` (events to
handlers) and ``app`` (``build_app``, ``launch`` / ``serve``: the entry points other
layers import). The feedback log is :mod:`briefing.feedback`. Importing this package
loads nothing heavy; ``briefing.web.app`` imports Gradio.
"""
