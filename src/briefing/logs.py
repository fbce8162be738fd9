"""Logging for the entry points (CLI, web server); libraries only get loggers.

:func:`configure_logging` gives the ``briefing`` loggers a stderr handler at the level of
``Settings.log_level``. Third-party loggers (httpx, openai) are left alone, so a debug run
shows our prompt and raw-reply records, not request headers. Called by the CLI, never on
import.
"""

from __future__ import annotations

import logging

__all__ = ["configure_logging"]

_HANDLER_NAME = "briefing-cli"


def configure_logging(level: str = "warning") -> logging.Logger:
    """Set the ``briefing`` logger to ``level`` with one stderr handler (idempotent)."""
    logger = logging.getLogger("briefing")
    logger.setLevel(level.upper())
    if not any(h.get_name() == _HANDLER_NAME for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.set_name(_HANDLER_NAME)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    return logger
