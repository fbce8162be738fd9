"""Logging for the entry points (CLI, web server); libraries only get loggers.

:func:`configure_logging` gives the ``briefing`` loggers a stderr handler at the level of
``Settings.log_level``. Third-party loggers (httpx, openai) are left alone, so a debug run
shows our prompt and raw-reply records, not request headers. Called by the CLI, never on
import.
"""

from __future__ import annotations

import logging
import sys

__all__ = ["configure_logging"]

_HANDLER_NAME = "briefing-cli"


def configure_logging(level: str = "warning") -> logging.Logger:
    """Set the ``briefing`` logger to ``level`` with one stderr handler (idempotent).

    The handler writes to the *current* ``sys.stderr`` on every call, so a command run
    in-process (typer's ``CliRunner`` swaps the streams) logs where its output goes.
    """
    logger = logging.getLogger("briefing")
    logger.setLevel(level.upper())
    for old in [h for h in logger.handlers if h.get_name() == _HANDLER_NAME]:
        logger.removeHandler(old)  # its stream may be closed: never flush it
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    return logger
