"""Opt-in LLM answer backends over any LangChain chat model.

:class:`LLMAnswerer` sends the question and the numbered, fenced passages
(:mod:`briefing.answering.prompt`) to a chat model and validates the reply
(:mod:`briefing.answering.verify`): markers pointing nowhere are removed, unsupported
sentences dropped or flagged, and quotes are exact spans of the documents. With no
passages it abstains without calling the model.

The chat model comes from the backend registry (:func:`briefing.registry.make_chat_model`:
``openai`` for any OpenAI-compatible server, ``ollama`` for Ollama's native API) and is
called through :mod:`briefing.llm`, the client layer shared with the follow-up rewriter
and the eval judge.

Failures are told apart: a server that cannot be reached (connection refused, DNS, connect
timeout) and a server that is up but did not answer within ``llm_timeout_s`` (a small
local model on CPU takes 24-120 s). Connection failures and HTTP 429/5xx are retried
``llm_max_retries`` times with backoff; a read timeout is not (``llm_retry_on_timeout``),
because the server is still computing the first request and a retry only queues behind it.
A reply that stopped at the token limit (``finish_reason == "length"``, Ollama's
``done_reason``) has its unfinished last sentence dropped. With the ``briefing`` logger at
DEBUG (``BRIEFING_LOG_LEVEL=debug``) the prompt and the raw reply are logged, never the
API key.

Usage::

    settings = Settings(backend="openai", llm_base_url="http://127.0.0.1:8080/v1")
    answerer = LLMAnswerer.from_settings(settings)
    answer = answerer.answer("Which firms got licences?", passages)  # derived from stream
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import KW_ONLY, dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from ..grounding import RELEVANCE_THRESHOLD, Relevance
from ..llm import NO_RETRY, RetryPolicy, call_chat_model, endpoint_of, stopped_at_limit
from ..registry import make_chat_model
from ..types import Answer, AnswerDelta, Passage
from .base import AnswerBackend
from .prompt import build_messages
from .verify import abstain, verify_reply

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel

    from ..config import Settings

log = logging.getLogger(__name__)

__all__ = ["LLMAnswerer"]

_T = TypeVar("_T")


@dataclass(eq=False)
class LLMAnswerer(AnswerBackend):
    """The Answerer protocol over a LangChain ``BaseChatModel``, with verified citations.

    Args:
        chat_model: any LangChain chat model (see :func:`briefing.registry.make_chat_model`).
        name: the backend name reported in ``Answer.backend`` and in errors.
        flag_unsupported: keep unsupported sentences with ``supported=False`` instead of
            dropping them.
        max_words: the length asked of the model, and the cap on the verified answer.
        nearest_k: sources listed when abstaining.
        endpoint: the server URL for error messages (read from the model when omitted).
        relevance: scores each supported sentence against the question (see
            :mod:`briefing.grounding.relevance`); None skips the relevance check.
        min_relevance: the lowest relevance score a kept sentence may have.
        retry: which failed requests are retried (default: none).
        timeout_s: the read timeout, quoted when the server is too slow.
    """

    chat_model: BaseChatModel
    _: KW_ONLY
    name: str = "openai"
    flag_unsupported: bool = False
    max_words: int = 120
    nearest_k: int = 3
    endpoint: str | None = None
    relevance: Relevance | None = None
    min_relevance: float = RELEVANCE_THRESHOLD
    retry: RetryPolicy = NO_RETRY
    timeout_s: float | None = None

    def __post_init__(self) -> None:
        if self.endpoint is None:
            self.endpoint = endpoint_of(self.chat_model)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        chat_model: BaseChatModel | None = None,
        embeddings: Embeddings | None = None,
    ) -> LLMAnswerer:
        """The answerer for ``settings.backend``, building the chat model unless given.

        Relevance is scored with ``embeddings`` (the assistant's MiniLM; loaded lazily
        from the settings when omitted).
        """
        from ..grounding import FeatureRelevance

        if embeddings is None:
            from ..index.embeddings import LazyEmbeddings

            embeddings = LazyEmbeddings(settings, threads=settings.embedding.query_threads)
        model = chat_model if chat_model is not None else make_chat_model(settings)
        return cls(
            model,
            name=settings.backend,
            flag_unsupported=settings.llm.flag_unsupported,
            max_words=settings.answer.max_words,
            relevance=FeatureRelevance(embeddings),
            min_relevance=settings.llm.min_relevance,
            retry=RetryPolicy(settings.llm.max_retries, on_timeout=settings.llm.retry_on_timeout),
            timeout_s=settings.llm.timeout_s,
        )

    def _no_passages(self, question: str) -> Answer:
        return abstain(
            question,
            (),
            reason=f"{self.name}: no passages were retrieved, so the model was not asked.",
            backend=self.name,
        )

    def _call(self, call: Callable[[], _T], *, retry: bool = True) -> _T:
        return call_chat_model(
            self.name,
            self.endpoint,
            call,
            retry=self.retry if retry else NO_RETRY,
            timeout_s=self.timeout_s,
        )

    def _messages(self, question: str, passages: Sequence[Passage]) -> list[tuple[str, str]]:
        messages = build_messages(question, passages, max_words=self.max_words)
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s prompt to %s (model %s):\n%s",
                self.name,
                self.endpoint or "default server",
                getattr(self.chat_model, "model_name", None)
                or getattr(self.chat_model, "model", "?"),
                "\n".join(f"[{role}]\n{text}" for role, text in messages),
            )
        return messages

    def _verify(
        self, question: str, reply: str, passages: Sequence[Passage], *, truncated: bool
    ) -> Answer:
        log.debug("%s raw reply (stopped at token limit: %s):\n%s", self.name, truncated, reply)
        return verify_reply(
            question,
            reply,
            passages,
            backend=self.name,
            flag_unsupported=self.flag_unsupported,
            nearest_k=self.nearest_k,
            truncated=truncated,
            max_words=self.max_words,
            relevance=self.relevance,
            min_relevance=self.min_relevance,
        )

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[AnswerDelta | Answer]:
        """Yield the raw reply text as tokens arrive, then the verified final Answer.

        The final Answer may differ from the streamed text (markers renumbered,
        unsupported sentences dropped); front ends replace the streamed text with it.
        Only opening the stream is retried: once text has been shown, a failure ends it.
        """
        if not passages:
            yield self._no_passages(question)
            return
        messages = self._messages(question, passages)

        def open_stream() -> tuple[Iterator[Any], Any]:
            # The request is sent when the first chunk is pulled, so that is what is retried.
            chunks = iter(self.chat_model.stream(messages))
            return chunks, next(chunks, None)

        chunks, chunk = self._call(open_stream)
        pieces: list[str] = []
        truncated = False
        while chunk is not None:
            truncated = truncated or stopped_at_limit(getattr(chunk, "response_metadata", None))
            piece = str(chunk.text)  # langchain-core joins the text content parts
            if piece:
                pieces.append(piece)
                yield AnswerDelta(piece)
            chunk = self._call(lambda: next(chunks, None), retry=False)
        yield self._verify(question, "".join(pieces), passages, truncated=truncated)
