"""Per-stage wall times of one question (``Answer.timings_ms``)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["Stopwatch"]


class Stopwatch:
    """Milliseconds per named stage, and the total since it was made::

    watch = Stopwatch()
    with watch.stage("retrieve"):
        ...
    watch.timings()  # {"retrieve": 12.3, "total": 12.5}
    """

    def __init__(self) -> None:
        self._started = time.perf_counter()
        self._stages: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self._stages[name] = _ms(started)

    def timings(self, **extra: float) -> dict[str, float]:
        """The stages so far (and ``extra``), with ``total`` last."""
        return {**extra, **self._stages, "total": _ms(self._started)}


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
