"""Opt-in LLM answer backends over any LangChain chat model.

:class:`LLMAnswerer` sends the question and the numbered, fenced passages
(:mod:`briefing.answering.prompt`) to a chat model and validates the reply
(:mod:`briefing.answering.verify`): markers pointing nowhere are removed, unsupported
sentences dropped or flagged, and quotes are exact spans of the documents. With no
passages it abstains without calling the model.

:func:`make_chat_model` builds the chat model from :class:`~briefing.config.Settings`:

* ``backend="openai"``: ``langchain_openai.ChatOpenAI`` against any OpenAI-compatible
  server (OpenAI, vLLM, llama.cpp server, LM Studio, Ollama's ``/v1``) at
  ``llm_base_url`` with ``llm_model`` and ``llm_api_key``; needs the ``[openai]`` extra.
* ``backend="ollama"``: ``langchain_ollama.ChatOllama`` at ``ollama_base_url``; needs
  the ``[ollama]`` extra.

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
    answer = answerer.answer("Which firms got licences?", passages)
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import BackendError, ConfigError
from ..grounding import RELEVANCE_THRESHOLD, Relevance
from ..types import Answer, AnswerDelta, Passage
from .chat_calls import NO_RETRY, RetryPolicy, call_chat_model, message_text, stopped_at_limit
from .prompt import build_messages
from .verify import abstain, verify_reply

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel

    from ..config import Settings

log = logging.getLogger(__name__)

__all__ = [
    "BACKEND_CLASSES",
    "LLMAnswerer",
    "RetryPolicy",
    "call_chat_model",
    "endpoint_of",
    "make_chat_model",
    "message_text",
    "stopped_at_limit",
]

BACKEND_CLASSES: dict[str, tuple[str, str]] = {
    "openai": ("langchain_openai", "ChatOpenAI"),
    "ollama": ("langchain_ollama", "ChatOllama"),
}
"""Backend name -> (module, class) of its LangChain chat model; imported only when used."""

_T = TypeVar("_T")
_CONNECT_SECONDS = 10.0  # a server that accepts no connection within this is unreachable


def _chat_class(backend: str) -> type:
    """Import the chat model class for ``backend``; a missing extra names the pip command."""
    module_name, class_name = BACKEND_CLASSES[backend]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise BackendError(
            f"The '{backend}' backend needs the package {module_name}, which is not "
            f"installed: pip install 'briefing-assistant[{backend}]'"
        ) from exc
    return getattr(module, class_name)


def make_chat_model(settings: Settings, *, max_retries: int = 0) -> BaseChatModel:
    """The LangChain chat model for ``settings.backend`` ("openai" or "ollama").

    Building the model does no network I/O; the first request does. The read timeout is
    ``settings.llm.timeout_s``, the connect timeout at most 10 s. ``max_retries`` is the
    OpenAI client's own retry count, 0 by default: :func:`call_chat_model` retries instead,
    and unlike the client it does not retry after a read timeout.
    """
    import httpx  # a dependency of both the openai and the ollama clients

    backend = settings.backend
    if backend not in BACKEND_CLASSES:
        raise ConfigError(
            f"backend={backend!r} is not an LLM backend; use one of {sorted(BACKEND_CLASSES)}"
        )
    cls = _chat_class(backend)
    timeout = httpx.Timeout(
        settings.llm.timeout_s, connect=min(_CONNECT_SECONDS, settings.llm.timeout_s)
    )
    if backend == "openai":
        return cls(
            model=settings.llm.model,
            base_url=settings.llm.base_url,
            api_key=settings.llm.api_key,
            temperature=settings.llm.temperature,
            timeout=timeout,
            max_retries=max_retries,
            # OpenAI-compatible servers speak Chat Completions, not the Responses API.
            use_responses_api=False,
        )
    return cls(
        model=settings.llm.model,
        base_url=settings.llm.ollama_base_url,
        temperature=settings.llm.temperature,
        client_kwargs={"timeout": timeout},
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


class LLMAnswerer:
    """The Answerer protocol over a LangChain ``BaseChatModel``, with verified citations.

    Args:
        chat_model: any LangChain chat model (see :func:`make_chat_model`).
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

    def __init__(
        self,
        chat_model: BaseChatModel,
        *,
        name: str = "openai",
        flag_unsupported: bool = False,
        max_words: int = 120,
        nearest_k: int = 3,
        endpoint: str | None = None,
        relevance: Relevance | None = None,
        min_relevance: float = RELEVANCE_THRESHOLD,
        retry: RetryPolicy = NO_RETRY,
        timeout_s: float | None = None,
    ) -> None:
        self.chat_model = chat_model
        self.name = name
        self.flag_unsupported = flag_unsupported
        self.max_words = max_words
        self.nearest_k = nearest_k
        self.endpoint = endpoint if endpoint is not None else endpoint_of(chat_model)
        self.relevance = relevance
        self.min_relevance = min_relevance
        self.retry = retry
        self.timeout_s = timeout_s

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

    def answer(self, question: str, passages: Sequence[Passage]) -> Answer:
        """Ask the model once and return its verified, cited Answer."""
        if not passages:
            return self._no_passages(question)
        messages = self._messages(question, passages)
        message = self._call(lambda: self.chat_model.invoke(messages))
        truncated = stopped_at_limit(getattr(message, "response_metadata", None))
        return self._verify(question, message_text(message.content), passages, truncated=truncated)

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
            piece = message_text(chunk.content)
            if piece:
                pieces.append(piece)
                yield AnswerDelta(piece)
            chunk = self._call(lambda: next(chunks, None), retry=False)
        yield self._verify(question, "".join(pieces), passages, truncated=truncated)
