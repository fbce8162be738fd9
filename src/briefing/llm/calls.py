"""Calling a chat model: failures told apart, retries, token-limit stops, reply text.

* :func:`call_chat_model` runs one request and turns client failures into
  :class:`~briefing.errors.BackendError` whose message says whether the server could not
  be reached (connection refused, DNS, connect timeout: "Is the server running?") or is
  running but did not answer within the read timeout ("raise BRIEFING_LLM_TIMEOUT_S").
* :class:`RetryPolicy` retries connection failures and HTTP 429/5xx with backoff, but not
  a read timeout unless asked: the server is still computing the first request, and a
  retry would only queue behind it.
* :func:`stopped_at_limit` reads a reply's response metadata for a token-limit stop.

A reply's plain text is langchain-core's ``message.text`` (a property since 1.0).

Usage::

    reply = call_chat_model("openai", url, lambda: model.invoke(messages), retry=RetryPolicy(2))
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ..errors import BackendError

__all__ = ["NO_RETRY", "RetryPolicy", "call_chat_model", "stopped_at_limit"]

log = logging.getLogger(__name__)

_T = TypeVar("_T")
# Exception class names (anywhere in the cause chain) by what they mean for the user.
_UNREACHABLE = frozenset(
    {
        "APIConnectionError",
        "ConnectError",
        "ConnectTimeout",
        "ConnectionError",
        "RemoteProtocolError",
    }
)
_TOO_SLOW = frozenset({"ReadTimeout", "WriteTimeout", "PoolTimeout", "APITimeoutError"})


def _cause_names(exc: BaseException) -> set[str]:
    """Class names of ``exc`` and of every exception it was raised from or during."""
    names: set[str] = set()
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        names.update(cls.__name__ for cls in type(current).__mro__)
        current = current.__cause__ or current.__context__
    return names


def _failure_kind(exc: BaseException) -> str:
    """ "unreachable", "slow" (read timeout), "status" (HTTP error) or "other"."""
    names = _cause_names(exc)
    if "ConnectTimeout" in names or "ConnectError" in names:
        return "unreachable"
    if names & _TOO_SLOW or isinstance(exc, TimeoutError):
        return "slow"
    if names & _UNREACHABLE or isinstance(exc, ConnectionError):
        return "unreachable"
    return "status" if getattr(exc, "status_code", None) else "other"


class RetryPolicy:
    """Which failed requests are retried, and how often.

    Args:
        retries: attempts after the first one (connection failures, HTTP 429 and 5xx).
        on_timeout: also retry after a read timeout (off by default: the server is still
            busy with the first request, so a retry waits behind it).
        backoff_s: wait before the first retry; doubled for each further one (max 8 s).
    """

    def __init__(self, retries: int = 2, *, on_timeout: bool = False, backoff_s: float = 0.5):
        self.retries = retries
        self.on_timeout = on_timeout
        self.backoff_s = backoff_s

    def should_retry(self, exc: BaseException, attempt: int) -> bool:
        if attempt >= self.retries or isinstance(exc, BackendError):
            return False
        kind = _failure_kind(exc)
        if kind == "slow":
            return self.on_timeout
        if kind == "status":
            status = int(getattr(exc, "status_code", 0))
            return status == 429 or status >= 500
        return kind == "unreachable"

    def wait(self, attempt: int) -> None:
        time.sleep(min(self.backoff_s * 2**attempt, 8.0))


NO_RETRY = RetryPolicy(0)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text.rstrip(". ")


def _backend_error(
    name: str, where: str, exc: BaseException, timeout_s: float | None
) -> BackendError:
    kind = _failure_kind(exc)
    if kind == "unreachable":
        return BackendError(
            f"The '{name}' backend cannot reach {where} ({_first_line(exc)}). Is the server "
            "running, and is the base URL setting right?"
        )
    if kind == "slow":
        within = f" within {timeout_s:g} s" if timeout_s else " in time"
        return BackendError(
            f"The '{name}' backend at {where} is running but did not answer{within} (read "
            "timeout). Small local models on a CPU take 24-120 s per answer; raise "
            "BRIEFING_LLM_TIMEOUT_S or use a smaller or faster model."
        )
    status = getattr(exc, "status_code", None)
    detail = (
        f"HTTP {status}: {_first_line(exc)}"
        if status
        else f"{type(exc).__name__}: {_first_line(exc)}"
    )
    return BackendError(f"The '{name}' backend at {where} failed ({detail}).")


def call_chat_model(
    name: str,
    endpoint: str,
    call: Callable[[], _T],
    *,
    retry: RetryPolicy = NO_RETRY,
    timeout_s: float | None = None,
) -> _T:
    """Run ``call`` (a chat model request), turning client failures into BackendError.

    The message names the backend and the URL and says whether the server could not be
    reached or was too slow (``timeout_s`` is quoted). ``retry`` decides what is retried.
    """
    where = endpoint or "its default server"
    attempt = 0
    while True:
        try:
            return call()
        except BackendError:
            raise
        except Exception as exc:
            if not retry.should_retry(exc, attempt):
                raise _backend_error(name, where, exc, timeout_s) from exc
            log.info(
                "%s request failed (%s); retry %d of %d",
                name,
                _first_line(exc),
                attempt + 1,
                retry.retries,
            )
            retry.wait(attempt)
            attempt += 1


def stopped_at_limit(metadata: Mapping[str, Any] | None) -> bool:
    """True when a reply's response metadata says it stopped at the token limit
    (OpenAI ``finish_reason="length"``, Ollama ``done_reason="length"``)."""
    metadata = metadata or {}
    return (
        metadata.get("finish_reason") in ("length", "max_tokens")
        or metadata.get("done_reason") == "length"
        or metadata.get("stop_reason") == "max_tokens"
    )
