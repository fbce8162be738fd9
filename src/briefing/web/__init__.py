"""The staff web chat (Gradio): a thin layer that formats ``Answer`` records.

Modules: ``formatting`` (pure HTML rendering and escaping), ``feedback`` (JSONL log and
export to draft eval cases), ``session`` (per-session state and event handlers) and
``app`` (layout, wiring, ``launch`` / ``serve``). Importing this package loads nothing
heavy; ``briefing.web.app`` imports Gradio.
"""
