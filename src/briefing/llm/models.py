"""LangChain chat models for the LLM backends, built from :class:`~briefing.config.Settings`.

The registry (:data:`briefing.registry.BACKENDS`) names these factories; build a model with
:func:`briefing.registry.make_chat_model`, which turns a missing client package into the
pip command of its extra:

* ``openai``: ``langchain_openai.ChatOpenAI`` against any OpenAI-compatible server
  (OpenAI, vLLM, llama.cpp server, LM Studio, Ollama's ``/v1``) at ``llm_base_url`` with
  ``llm_model`` and ``llm_api_key``; the ``[openai]`` extra;
* ``ollama``: ``langchain_ollama.ChatOllama`` at ``ollama_base_url``; the ``[ollama]``
  extra.

Building a model does no network I/O; the first request does. The read timeout is
``settings.llm.timeout_s``, the connect timeout at most 10 s. ``max_retries`` is the OpenAI
client's own retry count, 0 by default: :func:`briefing.llm.calls.call_chat_model` retries
instead, and unlike the client it does not retry after a read timeout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx
    from langchain_core.language_models import BaseChatModel

    from ..config import Settings

__all__ = ["endpoint_of", "ollama_chat", "openai_chat"]

_CONNECT_SECONDS = 10.0  # a server that accepts no connection within this is unreachable


def _timeout(settings: Settings) -> httpx.Timeout:
    import httpx  # a dependency of both the openai and the ollama clients

    return httpx.Timeout(
        settings.llm.timeout_s, connect=min(_CONNECT_SECONDS, settings.llm.timeout_s)
    )


def openai_chat(settings: Settings, *, max_retries: int = 0) -> BaseChatModel:
    """``ChatOpenAI`` for ``settings`` (Chat Completions, not the Responses API)."""
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=settings.llm.model,
        base_url=settings.llm.base_url,
        api_key=settings.llm.api_key,
        temperature=settings.llm.temperature,
        timeout=_timeout(settings),
        max_retries=max_retries,
        # OpenAI-compatible servers speak Chat Completions, not the Responses API.
        use_responses_api=False,
    )


def ollama_chat(settings: Settings, *, max_retries: int = 0) -> BaseChatModel:
    """``ChatOllama`` for ``settings`` (its client has no retries of its own)."""
    from langchain_ollama import ChatOllama

    del max_retries  # call_chat_model retries; the ollama client never does
    return ChatOllama(
        model=settings.llm.model,
        base_url=settings.llm.ollama_base_url,
        temperature=settings.llm.temperature,
        client_kwargs={"timeout": _timeout(settings)},
    )


def endpoint_of(chat_model: Any) -> str:
    """The server URL a LangChain chat model talks to, for error messages ("" if unknown)."""
    for attr in ("openai_api_base", "base_url"):
        value = getattr(chat_model, attr, None)
        if isinstance(value, str) and value:
            return value
    if type(chat_model).__name__ == "ChatOpenAI":
        return "https://api.openai.com/v1"
    return ""
