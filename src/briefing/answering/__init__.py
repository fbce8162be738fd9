"""Answer backends: the offline extractive answerer (default) and the LLM backends.

Every backend implements one method, ``stream`` (:class:`briefing.answering.base.Answerer`);
:class:`~briefing.answering.base.AnswerBackend` derives ``answer`` from it. Backends are
registered by name in :mod:`briefing.registry`, their factories in
:mod:`briefing.answering.backends`. Citation helpers shared by all of them live in
:mod:`briefing.answering.citations`.

Names are imported lazily so importing this package loads no backend.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AnswerBackend",
    "Answerer",
    "CitationBook",
    "OfflineAnswerer",
    "QueryRewriter",
    "citation_for_span",
]

_LOCATIONS = {
    "AnswerBackend": ".base",
    "Answerer": ".base",
    "QueryRewriter": ".base",
    "CitationBook": ".citations",
    "citation_for_span": ".citations",
    "OfflineAnswerer": ".offline",
}


def __getattr__(name: str) -> Any:
    if name in _LOCATIONS:
        from importlib import import_module

        return getattr(import_module(_LOCATIONS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
