"""`briefing brief [TOPIC] [--kind ...] [--since DATE] [--until DATE] [--format ...]`.

A thin command over ``Assistant.brief``: text for the terminal, Markdown (the same
document the web's "Download as Markdown" gives) or the Briefing as JSON.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from ..errors import BriefingError


def print_briefing(briefing) -> None:  # type: ignore[no-untyped-def]
    """A briefing for the terminal: title, sections, dated points with [n], sources."""
    typer.secho(briefing.title, bold=True)
    typer.secho(briefing.scope.describe(), dim=True)
    if briefing.note:
        typer.echo(briefing.note)
    for section in briefing.sections:
        typer.echo("")
        if section.title:
            typer.secho(section.title, bold=True)
        for point in section.points:
            date = f"{point.date_label}: " if point.date_label else ""
            who = f"{point.attribution}: " if point.attribution else ""
            marks = "".join(f"[{m}]" for m in point.markers)
            typer.echo(f"  - {date}{who}{point.text} {marks}")
    if briefing.citations:
        typer.echo("")
        typer.secho("Sources:", bold=True)
        for c in briefing.citations:
            typer.echo(f"  [{c.marker}] {c.title} — {c.doc_id}:{c.start}-{c.end}")


def brief(
    topic: Annotated[str | None, typer.Argument(help="Topic; omit for the whole corpus.")] = None,
    kind: Annotated[
        str, typer.Option(help="summary, timeline, changes or disagreements.")
    ] = "summary",
    since: Annotated[str | None, typer.Option(help="From this date (2025-12-01).")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this date.")] = None,
    doc: Annotated[
        list[str] | None, typer.Option(help="Only this document id (repeatable).")
    ] = None,
    max_points: Annotated[int | None, typer.Option(min=1, help="At most N points.")] = None,
    format: Annotated[str, typer.Option("--format", help="text, md or json.")] = "text",
) -> None:
    """A briefing: key points, a timeline, what changed, or where sources disagree."""
    from .corpus_cmds import _assistant, _show_warnings, fail

    if format not in ("text", "md", "json"):
        raise fail(f"--format {format!r}: use text, md or json")
    try:
        assistant = _assistant()
        briefing = assistant.brief(
            topic, kind=kind, since=since, until=until, doc_ids=doc, max_points=max_points
        )
    except BriefingError as exc:
        raise fail(str(exc)) from None
    _show_warnings(assistant)
    if format == "json":
        typer.echo(json.dumps(briefing.to_dict(), indent=2, ensure_ascii=False))
    elif format == "md":
        typer.echo(briefing.to_markdown())
    else:
        print_briefing(briefing)


def register(app: typer.Typer) -> None:
    app.command()(brief)
