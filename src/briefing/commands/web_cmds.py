"""`briefing serve` (the staff web chat) and `briefing feedback export`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import BriefingError
from .corpus_cmds import fail


def serve(
    host: Annotated[
        str | None, typer.Option(help="Bind address (default 127.0.0.1, setting host).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 7860, setting port).")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Index and feedback location.")] = None,
    corpus_dir: Annotated[Path | None, typer.Option(help="Corpus folder.")] = None,
) -> None:
    """Start the web chat for staff (login when BRIEFING_WEB_USERNAME/PASSWORD are set)."""
    from ..config import load_settings
    from ..web.app import serve as run_server

    try:
        settings = load_settings(data_dir=data_dir, corpus_dir=corpus_dir)
        run_server(settings, host=host, port=port)
    except BriefingError as exc:
        raise fail(str(exc)) from None


def export(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the YAML here (default: stdout).")
    ] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Where feedback.jsonl lives.")] = None,
) -> None:
    """Turn thumbs-down answers into draft evaluation cases (dataset.yaml schema)."""
    from ..config import load_settings
    from ..feedback import FeedbackStore, export_yaml

    try:
        settings = load_settings(data_dir=data_dir)
        records = FeedbackStore(settings.feedback_path).records()
    except BriefingError as exc:
        raise fail(str(exc)) from None
    text = export_yaml(records)
    count = sum(1 for r in records if r.rating == "down")
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        typer.secho(f"{count} draft case(s) written to {out}", err=True)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    feedback = typer.Typer(help="Staff feedback collected by the web chat.", no_args_is_help=True)
    feedback.command("export")(export)
    app.add_typer(feedback, name="feedback")
