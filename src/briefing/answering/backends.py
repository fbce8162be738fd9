"""The factories :data:`briefing.registry.BACKENDS` and ``REWRITERS`` name.

One small function per backend and rewriter, each building from one
:class:`~briefing.registry.Parts` record; the registry imports this module only when it
builds one of them, and each function imports its class only then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..registry import Parts
    from .base import Answerer, QueryRewriter

__all__ = ["heuristic_rewriter", "llm_answerer", "llm_rewriter", "offline_answerer"]


def offline_answerer(parts: Parts) -> Answerer:
    """The extractive answerer over the assistant's embeddings."""
    from ..index.text_vectors import open_text_vectors
    from .offline import OfflineAnswerer

    return OfflineAnswerer(
        parts.embeddings,
        max_words=parts.settings.answer.max_words,
        store=open_text_vectors(parts.settings),
    )


def llm_answerer(parts: Parts) -> Answerer:
    """The verified-citation answerer over the backend's chat model."""
    from .llm import LLMAnswerer

    return LLMAnswerer.from_settings(
        parts.settings, chat_model=parts.chat_model, embeddings=parts.embeddings
    )


def heuristic_rewriter(parts: Parts) -> QueryRewriter:
    """The offline, rule-based follow-up rewriter."""
    from ..retrieval.rewrite import HeuristicRewriter

    return HeuristicRewriter(parts.embeddings.embed_documents, lists_for=parts.lists_for)


def llm_rewriter(parts: Parts) -> QueryRewriter:
    """The follow-up rewriter that asks the backend's chat model."""
    from ..retrieval.llm_rewrite import LLMQueryRewriter

    return LLMQueryRewriter(parts.chat_model)
