"""`briefing ingest`, `status`, `ask` and `chat`: thin commands over the Assistant."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import BriefingError

BackendOption = Annotated[str | None, typer.Option(help="offline (default), openai or ollama.")]


def _assistant(**overrides: object):  # type: ignore[no-untyped-def]
    """The Assistant for these settings; a bad setting exits 2 naming it."""
    from ..assistant import Assistant
    from ..config import load_settings

    try:
        return Assistant(load_settings(**overrides))
    except BriefingError as exc:
        raise fail(str(exc)) from None


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a user error (no traceback) and return the Exit to raise."""
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def print_answer(answer, *, show_standalone: bool = True) -> None:  # type: ignore[no-untyped-def]
    """An answer for the terminal: text, then its numbered sources."""
    if show_standalone and answer.standalone_question != answer.question:
        typer.secho(f"(searched for: {answer.standalone_question})", dim=True)
    typer.echo(answer.text)
    listed = answer.nearest if answer.abstained else answer.citations
    if listed:
        typer.echo("")
        typer.secho("Nearest sources:" if answer.abstained else "Sources:", bold=True)
    for c in listed:
        label = "-" if answer.abstained else f"[{c.marker}]"
        date = f", {c.published}" if c.published else ""
        typer.echo(f"  {label} {c.title} ({c.source}{date}) — {c.doc_id}:{c.start}-{c.end}")
        typer.secho(f'      "{c.quote}"', dim=True)


def _show_warnings(assistant) -> None:  # type: ignore[no-untyped-def]
    """Print (once) what the start-up ingest skipped or could not apply."""
    while assistant.warnings:
        typer.secho(f"warning: {assistant.warnings.pop(0)}", err=True, fg=typer.colors.YELLOW)


def register(app: typer.Typer) -> None:
    for command in (ingest, status, ask, chat):
        app.command()(command)


def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders to index (default: the corpus folder)."),
    ] = None,
    rebuild: Annotated[bool, typer.Option(help="Drop the index and build it anew.")] = False,
    data_dir: Annotated[Path | None, typer.Option(help="Index location.")] = None,
    threads: Annotated[
        int | None, typer.Option(help="Torch threads for embedding (0 = all cores).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Index the corpus: adds new, replaces changed and deletes removed documents."""
    from ..assistant import Assistant
    from ..config import load_settings

    try:
        settings = load_settings(data_dir=data_dir)
        ingest_threads = settings.embedding.ingest_threads if threads is None else threads
        assistant = Assistant(settings, threads=ingest_threads)
        report = assistant.ingest(paths or None, rebuild=rebuild, progress=not quiet)
    except BriefingError as exc:
        raise fail(str(exc)) from None
    for line in report.skipped:
        typer.secho(f"skipped {line}", fg=typer.colors.YELLOW, err=True)
    took = f"{report.seconds:.1f} s"
    if report.sentences:
        took += f", {report.sentence_seconds:.1f} s of it embedding {report.sentences} sentences"
    typer.echo(
        f"{report.documents} documents, {report.chunks} chunks: {report.added} added, "
        f"{report.deleted} deleted, {report.unchanged} unchanged ({took})"
    )


def status(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    data_dir: Annotated[Path | None, typer.Option(help="Index location.")] = None,
) -> None:
    """What the index holds: documents, chunks, last ingest, location, embedding model."""
    assistant = _assistant(data_dir=data_dir)
    try:
        info = assistant.status()
    except BriefingError as exc:
        raise fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps(info.to_dict(), indent=2))
        return
    for key, value in info.to_dict().items():
        typer.echo(f"{key.replace('_', ' '):>16}: {value}")


def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the Answer as JSON.")] = False,
    backend: BackendOption = None,
) -> None:
    """Ask one question; prints a cited answer (or says the corpus does not hold it)."""
    assistant = _assistant(backend=backend)
    try:
        answer = assistant.ask(question)
    except BriefingError as exc:
        raise fail(str(exc)) from None
    finally:
        _show_warnings(assistant)
    if as_json:
        typer.echo(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
    else:
        print_answer(answer)


def chat(backend: BackendOption = None) -> None:
    """A conversation in the terminal. Empty line or Ctrl-D quits; '/new' starts over."""
    assistant = _assistant(backend=backend)
    conversation = assistant.conversation()
    # A line in another encoding (latin-1 from an old terminal) must not end the chat:
    # undecodable bytes become surrogates, which the facade rejects with a QuestionError.
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="surrogateescape")
    interactive = sys.stdin.isatty()
    if interactive:
        typer.secho("Ask about the corpus. '/new' starts over; empty line quits.", dim=True)
    while True:
        try:
            line = input("you> " if interactive else "")
        except (EOFError, KeyboardInterrupt):
            break
        if not line.strip():
            break
        if line.strip() == "/new":
            conversation.reset()
            typer.secho("(new conversation)", dim=True)
            continue
        try:
            print_answer(conversation.ask(line))
        except BriefingError as exc:
            typer.secho(f"error: {exc}", err=True, fg=typer.colors.RED)
        _show_warnings(assistant)
        typer.echo("")
