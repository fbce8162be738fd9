"""The web login check, with a pause after repeated wrong passwords.

Gradio calls ``auth(username, password)`` for every login attempt. Without a limit a
script can try passwords as fast as the server answers. :class:`LoginGuard` counts wrong
passwords per user name; after ``attempts`` of them within ``lockout_s`` seconds, that
name is refused -- even with the right password -- until the pause is over. It never
sleeps (a sleeping check would tie up Gradio's worker threads). Passwords are compared
in constant time.

Usage::

    guard = LoginGuard("staff", "secret", attempts=5, lockout_s=60)
    demo.launch(auth=guard)
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections.abc import Callable

__all__ = ["LoginGuard"]

log = logging.getLogger(__name__)


class LoginGuard:
    """A Gradio ``auth`` callable for one user name and password, with lockout."""

    def __init__(
        self,
        username: str,
        password: str,
        *,
        attempts: int = 5,
        lockout_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._username = username.encode()
        self._password = password.encode()
        self.attempts = attempts
        self.lockout_s = lockout_s
        self._clock = clock
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def locked(self, username: str) -> bool:
        with self._lock:
            return self._recent(username) >= self.attempts

    def _recent(self, username: str) -> int:
        since = self._clock() - self.lockout_s
        kept = [t for t in self._failures.get(username, []) if t > since]
        if kept:
            self._failures[username] = kept
        else:
            self._failures.pop(username, None)
        return len(kept)

    def __call__(self, username: str, password: str) -> bool:
        name, given = str(username), str(password).encode("utf-8", "replace")
        with self._lock:
            if self._recent(name) >= self.attempts:
                log.warning("login for %r refused: paused after repeated wrong passwords", name)
                return False
            ok = hmac.compare_digest(
                name.encode("utf-8", "replace"), self._username
            ) & hmac.compare_digest(given, self._password)
            if not ok:
                self._failures.setdefault(name, []).append(self._clock())
                if len(self._failures) > 10_000:  # bounded memory under a spray of names
                    self._failures.pop(next(iter(self._failures)))
            return ok
