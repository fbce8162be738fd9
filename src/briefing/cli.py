"""The `briefing` command: thin commands over the Assistant facade.

Each command group lives in its own module under ``briefing.commands`` and exposes
``register(app)``; this module only assembles them.
"""

from __future__ import annotations

import typer


def build_app() -> typer.Typer:
    from .commands import brief_cmds, corpus_cmds, eval_cmds, fit_cmds, web_cmds

    app = typer.Typer(
        name="briefing",
        help="Grounded, cited answers over a policy corpus.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    app.callback()(_configure_logging)
    for module in (corpus_cmds, brief_cmds, web_cmds, eval_cmds, fit_cmds):
        module.register(app)
    return app


def _configure_logging() -> None:
    """Grounded, cited answers over a policy corpus."""
    from .config import load_settings
    from .errors import ConfigError
    from .logs import configure_logging

    try:
        level = load_settings().log_level
    except ConfigError:
        level = "warning"  # the command itself reports the bad setting, naming it
    configure_logging(level)


def main() -> None:
    from .config import apply_runtime_defaults

    apply_runtime_defaults()
    build_app()()
