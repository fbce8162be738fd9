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

Usage::

    settings = Settings(backend="openai", llm_base_url="http://127.0.0.1:8080/v1")
    answerer = LLMAnswerer.from_settings(settings)
    answer = answerer.answer("Which firms got licences?", passages)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import BackendError, ConfigError
from ..types import Answer, AnswerDelta, Passage
from .prompt import build_messages
from .verify import abstain, verify_reply

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from ..config import Settings

__all__ = [
    "BACKEND_CLASSES",
    "LLMAnswerer",
    "call_chat_model",
    "endpoint_of",
    "make_chat_model",
    "message_text",
]

BACKEND_CLASSES: dict[str, tuple[str, str]] = {
    "openai": ("langchain_openai", "ChatOpenAI"),
    "ollama": ("langchain_ollama", "ChatOllama"),
}
"""Backend name -> (module, class) of its LangChain chat model; imported only when used."""

_T = TypeVar("_T")
_CONNECTION_ERRORS = frozenset(
    {"APIConnectionError", "APITimeoutError", "ConnectError", "ConnectTimeout", "TimeoutException"}
)


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


def make_chat_model(settings: Settings, *, max_retries: int = 2) -> BaseChatModel:
    """The LangChain chat model for ``settings.backend`` ("openai" or "ollama").

    Building the model does no network I/O; the first request does. ``max_retries``
    applies to the OpenAI client (connection errors and 5xx are retried with backoff).
    """
    backend = settings.backend
    if backend not in BACKEND_CLASSES:
        raise ConfigError(
            f"backend={backend!r} is not an LLM backend; use one of {sorted(BACKEND_CLASSES)}"
        )
    cls = _chat_class(backend)
    if backend == "openai":
        return cls(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key,
            temperature=settings.llm_temperature,
            timeout=settings.llm_timeout_s,
            max_retries=max_retries,
            # OpenAI-compatible servers speak Chat Completions, not the Responses API.
            use_responses_api=False,
        )
    return cls(
        model=settings.llm_model,
        base_url=settings.ollama_base_url,
        temperature=settings.llm_temperature,
        client_kwargs={"timeout": settings.llm_timeout_s},
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


def _is_connection_error(exc: BaseException) -> bool:
    names = {cls.__name__ for cls in type(exc).__mro__}
    return bool(names & _CONNECTION_ERRORS) or isinstance(exc, ConnectionError | TimeoutError)


def call_chat_model(name: str, endpoint: str, call: Callable[[], _T]) -> _T:
    """Run ``call`` (a chat model request), turning client failures into BackendError.

    The message names the backend and the URL, so "connection refused" says where.
    """
    where = endpoint or "its default server"
    try:
        return call()
    except BackendError:
        raise
    except Exception as exc:
        if _is_connection_error(exc):
            raise BackendError(
                f"The '{name}' backend cannot reach {where}: {exc}. Is the server running, "
                "and is the base URL setting right?"
            ) from exc
        status = getattr(exc, "status_code", None)
        detail = f"HTTP {status}: {exc}" if status else f"{type(exc).__name__}: {exc}"
        raise BackendError(f"The '{name}' backend at {where} failed ({detail})") from exc


def message_text(content: Any) -> str:
    """Plain text of a LangChain message ``content`` (a string or a list of content parts)."""
    if isinstance(content, str):
        return content
    parts = []
    for part in content or ():
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict) and part.get("type") == "text":
            parts.append(str(part.get("text", "")))
    return "".join(parts)


class LLMAnswerer:
    """The Answerer protocol over a LangChain ``BaseChatModel``, with verified citations.

    Args:
        chat_model: any LangChain chat model (see :func:`make_chat_model`).
        name: the backend name reported in ``Answer.backend`` and in errors.
        flag_unsupported: keep unsupported sentences with ``supported=False`` instead of
            dropping them.
        max_words: the length asked of the model.
        nearest_k: sources listed when abstaining.
        endpoint: the server URL for error messages (read from the model when omitted).
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
    ) -> None:
        self.chat_model = chat_model
        self.name = name
        self.flag_unsupported = flag_unsupported
        self.max_words = max_words
        self.nearest_k = nearest_k
        self.endpoint = endpoint if endpoint is not None else endpoint_of(chat_model)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, chat_model: BaseChatModel | None = None
    ) -> LLMAnswerer:
        """The answerer for ``settings.backend``, building the chat model unless given."""
        model = chat_model if chat_model is not None else make_chat_model(settings)
        return cls(
            model,
            name=settings.backend,
            flag_unsupported=settings.llm_flag_unsupported,
            max_words=settings.max_answer_words,
        )

    def _no_passages(self, question: str) -> Answer:
        return abstain(
            question,
            (),
            reason=f"{self.name}: no passages were retrieved, so the model was not asked.",
            backend=self.name,
        )

    def _verify(self, question: str, reply: str, passages: Sequence[Passage]) -> Answer:
        return verify_reply(
            question,
            reply,
            passages,
            backend=self.name,
            flag_unsupported=self.flag_unsupported,
            nearest_k=self.nearest_k,
        )

    def answer(self, question: str, passages: Sequence[Passage]) -> Answer:
        """Ask the model once and return its verified, cited Answer."""
        if not passages:
            return self._no_passages(question)
        messages = build_messages(question, passages, max_words=self.max_words)
        message = call_chat_model(
            self.name, self.endpoint, lambda: self.chat_model.invoke(messages)
        )
        return self._verify(question, message_text(message.content), passages)

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[AnswerDelta | Answer]:
        """Yield the raw reply text as tokens arrive, then the verified final Answer.

        The final Answer may differ from the streamed text (markers renumbered,
        unsupported sentences dropped); front ends replace the streamed text with it.
        """
        if not passages:
            yield self._no_passages(question)
            return
        messages = build_messages(question, passages, max_words=self.max_words)
        chunks = call_chat_model(
            self.name, self.endpoint, lambda: iter(self.chat_model.stream(messages))
        )
        pieces: list[str] = []
        while True:
            chunk = call_chat_model(self.name, self.endpoint, lambda: next(chunks, None))
            if chunk is None:
                break
            piece = message_text(chunk.content)
            if piece:
                pieces.append(piece)
                yield AnswerDelta(piece)
        yield self._verify(question, "".join(pieces), passages)
