"""`briefing eval`: score the assistant on the gold splits, write reports, gate on thresholds.

Briefing cases (``evals/briefings/<stem>.yaml``, split labels ``briefings-<stem>``) run
after the QA splits, each with its own report folder and threshold table, and a
side-by-side table of them (``briefings.md``); see ``evaluation.briefing_runner``.

By default every split in ``evals/qa/`` is run (``dev.yaml``: the cases the answerer was
tuned on; ``test.yaml``: blind cases written without reading the code or the dev cases),
each with its own report folder, and a side-by-side table of the splits is printed and
written to ``compare.md``. ``evals/thresholds.yaml`` holds one threshold table per split.

This module only parses options and wires the factories; the work is in
``evaluation.session.run_session``.

Exit codes: 0 = done (and every threshold met), 1 = a metric missed its threshold,
2 = a user error (bad dataset, unknown metric, unreadable baseline, ...), printed
without a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..evaluation.session import BRIEFINGS_DIR, DEFAULT_THRESHOLDS, SPLITS_DIR, EvalRequest


def register(app: typer.Typer) -> None:
    """Add the `eval` command to ``app``."""
    app.command("eval")(eval_command)


def make_judge(settings: Any) -> Any:
    """The LLM judge over the configured chat backend at temperature 0 (ConfigError for
    the offline backend). The wiring lives here, in the front end, so the evaluation
    layer imports no answer backend."""
    from ..errors import ConfigError
    from ..evaluation.judge import LLMJudge
    from ..llm import call_chat_model, endpoint_of, make_chat_model

    if settings.backend == "offline":
        raise ConfigError(
            "--judge needs an LLM backend: set backend to 'openai' or 'ollama' "
            "(--backend, env BRIEFING_BACKEND) with llm_base_url / llm_model"
        )
    model = make_chat_model(settings.updated(llm_temperature=0.0))

    def ask(messages: list[tuple[str, str]]) -> str:
        call = lambda: model.invoke(messages)  # noqa: E731
        reply = call_chat_model(settings.backend, endpoint_of(model), call)
        return str(reply.text)

    return LLMJudge(
        ask,
        settings.data_dir / "judge-cache.jsonl",
        model_name=f"{settings.backend}:{settings.llm.model}",
    )


_Split = Annotated[
    list[str] | None,
    typer.Option(
        help=f"Split to run: a file stem in {SPLITS_DIR}/ (dev, test) or briefings-<stem> "
        f"for {BRIEFINGS_DIR}/<stem>.yaml. Repeatable; default: every split."
    ),
]
_Dataset = Annotated[
    list[Path] | None,
    typer.Option(help="A gold dataset file (YAML) instead of the splits. Repeatable."),
]
_Backend = Annotated[str | None, typer.Option(help="Answer backend: offline, openai or ollama.")]
_Retriever = Annotated[str | None, typer.Option(help="Retriever: hybrid or dense.")]
_Baseline = Annotated[
    Path | None, typer.Option(help="A previous run folder or run.json: show deltas against it.")
]
_FailUnder = Annotated[
    list[str] | None,
    typer.Option(
        "--fail-under",
        help=(
            "metric=value; exit 1 when the metric misses it on any split (a minimum; a "
            "maximum for forbidden_rate, over_refusal_rate and latency). Repeatable; "
            "overrides --thresholds."
        ),
    ),
]
_Thresholds = Annotated[
    Path | None,
    typer.Option(help=f"Thresholds YAML (default {DEFAULT_THRESHOLDS} when it exists)."),
]
_NoThresholds = Annotated[
    bool, typer.Option("--no-thresholds", help="Ignore the default thresholds file.")
]
_Out = Annotated[
    Path | None, typer.Option(help="Output folder (default evals/runs/<UTC timestamp>).")
]
_Compare = Annotated[
    bool, typer.Option("--compare", help="Run hybrid and dense-only retrievers side by side.")
]
_Judge = Annotated[
    bool, typer.Option("--judge", help="Add LLM-judge claim faithfulness (LLM backend only).")
]
_Tag = Annotated[list[str] | None, typer.Option(help="Only cases with this tag (repeatable).")]
_Limit = Annotated[int | None, typer.Option(min=1, help="Only the first N cases.")]
_Progress = Annotated[bool, typer.Option(help="Show a progress bar.")]


def eval_command(
    split: _Split = None,
    dataset: _Dataset = None,
    backend: _Backend = None,
    retriever: _Retriever = None,
    baseline: _Baseline = None,
    fail_under: _FailUnder = None,
    thresholds: _Thresholds = None,
    no_thresholds: _NoThresholds = False,
    out: _Out = None,
    compare: _Compare = False,
    judge: _Judge = False,
    tag: _Tag = None,
    limit: _Limit = None,
    progress: _Progress = True,
) -> None:
    """Run the evaluation and write run.json, cases.jsonl, summary.md and report.html."""
    request = EvalRequest(**locals())  # the options, by name

    from rich.console import Console

    from ..assistant import Assistant
    from ..errors import BriefingError
    from ..evaluation.session import run_session

    try:
        code = run_session(
            request,
            Console(),
            echo=lambda line: typer.echo(line, err=True),
            make_assistant=Assistant,
            make_judge=make_judge,
        )
    except BriefingError as exc:
        typer.echo(f"error: {exc}", err=True)  # plain: rich would re-wrap the message
        raise typer.Exit(2) from None
    raise typer.Exit(code)
