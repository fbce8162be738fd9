"""Answer backends and follow-up rewriters, registered by name: one table each.

A backend is a name in :data:`BACKENDS`; ``Settings(backend=...)`` accepts exactly these
names, and the facade builds the answerer and its rewriter with one call,
:func:`make_backend`. Adding a backend is one entry here plus the factories it names.

Factories are ``"module:attribute"`` strings, imported only when that backend is built
(the way plugins register through entry points). So this table sits beside
:mod:`briefing.config` at the bottom of the layers and imports nothing above them, and
choosing ``offline`` never imports an LLM client.

Each factory takes one :class:`Parts` record:

* ``BackendSpec.answerer``: ``factory(parts) -> Answerer``;
* ``BackendSpec.chat_model`` (LLM backends): ``factory(settings, max_retries=0)`` ->
  LangChain chat model, built once and shared by the answerer and the rewriter;
* :data:`REWRITERS` entries: ``factory(parts) -> QueryRewriter``.

Usage::

    backend = make_backend(settings, embeddings=embeddings)
    answer = backend.answerer.answer(question, passages)
    standalone = backend.rewriter.rewrite("And for how long?", history)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import BackendError, ConfigError

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from .config import Settings
    from .protocols import Answerer, QueryRewriter

__all__ = [
    "BACKENDS",
    "REWRITERS",
    "Backend",
    "BackendSpec",
    "Parts",
    "check_backend",
    "make_backend",
    "make_chat_model",
    "make_rewriter",
    "resolve",
]


@dataclass(frozen=True)
class BackendSpec:
    """One answer backend.

    Attributes:
        answerer: ``"module:attribute"`` of the answerer factory.
        rewriter: the name in :data:`REWRITERS` of the follow-up rewriter it uses.
        chat_model: ``"module:attribute"`` of the chat-model factory (LLM backends only).
        extra: the pip extra holding the backend's client package ("" when none).
        description: one line for the settings table and error messages.
    """

    answerer: str
    rewriter: str
    chat_model: str | None = None
    extra: str = ""
    description: str = ""


BACKENDS: dict[str, BackendSpec] = {
    "offline": BackendSpec(
        "briefing.answering.backends:offline_answerer",
        rewriter="heuristic",
        description="the extractive answerer (no model)",
    ),
    "openai": BackendSpec(
        "briefing.answering.backends:llm_answerer",
        rewriter="llm",
        chat_model="briefing.llm.models:openai_chat",
        extra="openai",
        description="any OpenAI-compatible server (OpenAI, vLLM, llama.cpp, LM Studio)",
    ),
    "ollama": BackendSpec(
        "briefing.answering.backends:llm_answerer",
        rewriter="llm",
        chat_model="briefing.llm.models:ollama_chat",
        extra="ollama",
        description="Ollama's native API",
    ),
}
"""Backend name -> its factories (imported when the backend is built)."""

REWRITERS: dict[str, str] = {
    "heuristic": "briefing.answering.backends:heuristic_rewriter",
    "llm": "briefing.answering.backends:llm_rewriter",
}
"""Rewriter name -> ``"module:attribute"`` of its factory."""


@dataclass(frozen=True)
class Parts:
    """What a factory may build with.

    Attributes:
        settings: the application settings.
        embeddings: the assistant's embedding model (shared, loaded lazily).
        chat_model: the backend's chat model (None for the offline backend).
        lists_for: name -> enumerations of names in the passages that mention it (the
            heuristic rewriter's "the other two"); None when the index is not at hand.
    """

    settings: Settings
    embeddings: Embeddings
    chat_model: Any = None
    lists_for: Callable[[str], list[list[str]]] | None = None


class Backend(NamedTuple):
    """An answerer and the follow-up rewriter that goes with it."""

    answerer: Answerer
    rewriter: QueryRewriter


def resolve(target: str) -> Any:
    """The object a ``"module:attribute"`` string names, importing the module."""
    module_name, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def check_backend(name: str) -> str:
    """``name`` when it is a registered backend; else a ValueError listing the names
    (raised inside Settings validation, so pydantic names the field)."""
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; registered backends: {', '.join(BACKENDS)}")
    return name


def _spec(settings: Settings) -> BackendSpec:
    try:
        return BACKENDS[check_backend(settings.backend)]
    except ValueError as exc:
        raise ConfigError(f"backend: {exc}") from exc


def make_chat_model(settings: Settings, *, max_retries: int = 0) -> Any:
    """The chat model of ``settings.backend``; a ConfigError for a backend without one."""
    spec = _spec(settings)
    if spec.chat_model is None:
        llm = sorted(n for n, s in BACKENDS.items() if s.chat_model)
        raise ConfigError(f"backend={settings.backend!r} is not an LLM backend; use one of {llm}")
    try:
        factory = resolve(spec.chat_model)
        return factory(settings, max_retries=max_retries)
    except ImportError as exc:  # the client package of an extra that is not installed
        raise BackendError(
            f"The '{settings.backend}' backend needs the package {exc.name}, which is not "
            f"installed: pip install 'briefing-assistant[{spec.extra}]'"
        ) from exc


def make_rewriter(name: str, parts: Parts) -> QueryRewriter:
    """The rewriter registered as ``name``, built from ``parts``."""
    if name not in REWRITERS:
        raise ConfigError(f"unknown rewriter {name!r}; registered rewriters: {sorted(REWRITERS)}")
    return resolve(REWRITERS[name])(parts)


def make_backend(
    settings: Settings,
    *,
    embeddings: Embeddings,
    lists_for: Callable[[str], list[list[str]]] | None = None,
    answerer: Answerer | None = None,
    rewriter: QueryRewriter | None = None,
) -> Backend:
    """The answerer and rewriter ``settings.backend`` asks for, sharing one chat model.

    A given ``answerer`` or ``rewriter`` is kept and only the other one is built. Building
    does no network I/O; an LLM backend's first request does.
    """
    spec = _spec(settings)
    chat_model = None
    if spec.chat_model is not None and (answerer is None or rewriter is None):
        chat_model = make_chat_model(settings)
    parts = Parts(settings, embeddings, chat_model, lists_for)
    return Backend(
        answerer if answerer is not None else resolve(spec.answerer)(parts),
        rewriter if rewriter is not None else make_rewriter(spec.rewriter, parts),
    )
