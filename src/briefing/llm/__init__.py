"""The low-level LLM client shared by answering, retrieval and evaluation.

Below every layer that talks to a model (the LLM answer backends, the follow-up rewriter,
the eval judge), so none of them imports another to reach a chat model:

* :mod:`briefing.llm.calls`: one request with failures told apart (unreachable vs. too
  slow), retries (:class:`RetryPolicy`) and token-limit stops (:func:`stopped_at_limit`);
* :mod:`briefing.llm.models`: the LangChain chat model per backend, built from Settings
  (through :func:`briefing.registry.make_chat_model`), and :func:`endpoint_of`.

It imports only :mod:`briefing.errors` and :mod:`briefing.registry`; client packages load
on first use. A reply's text is langchain-core's ``message.text``.
"""

from __future__ import annotations

from ..registry import make_chat_model
from .calls import NO_RETRY, RetryPolicy, call_chat_model, stopped_at_limit
from .models import endpoint_of

__all__ = [
    "NO_RETRY",
    "RetryPolicy",
    "call_chat_model",
    "endpoint_of",
    "make_chat_model",
    "stopped_at_limit",
]
