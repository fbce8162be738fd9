"""`briefing eval`: score the assistant on the gold dataset, write reports, gate on thresholds.

Exit codes: 0 = done (and every threshold met), 1 = a metric missed its threshold,
2 = a user error (bad dataset, unknown metric, unreadable baseline, ...), printed
without a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

DEFAULT_DATASET = Path("evals/dataset.yaml")
DEFAULT_THRESHOLDS = Path("evals/thresholds.yaml")


def register(app: typer.Typer) -> None:
    """Add the `eval` command to ``app``."""
    app.command("eval")(eval_command)


def eval_command(
    dataset: Annotated[
        Path, typer.Option(help="Gold dataset (YAML).", show_default=True)
    ] = DEFAULT_DATASET,
    backend: Annotated[
        str | None, typer.Option(help="Answer backend: offline, openai or ollama.")
    ] = None,
    retriever: Annotated[str | None, typer.Option(help="Retriever: hybrid or dense.")] = None,
    baseline: Annotated[
        Path | None, typer.Option(help="A previous run.json: show deltas against it.")
    ] = None,
    fail_under: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-under",
            help=(
                "metric=value; exit 1 when the metric misses it (a minimum; a maximum for "
                "forbidden_rate, over_refusal_rate and latency). Repeatable; overrides "
                "--thresholds."
            ),
        ),
    ] = None,
    thresholds: Annotated[
        Path | None,
        typer.Option(help=f"Thresholds YAML (default {DEFAULT_THRESHOLDS} when it exists)."),
    ] = None,
    no_thresholds: Annotated[
        bool, typer.Option("--no-thresholds", help="Ignore the default thresholds file.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option(help="Output folder (default evals/runs/<UTC timestamp>).")
    ] = None,
    compare: Annotated[
        bool, typer.Option("--compare", help="Run hybrid and dense-only retrievers side by side.")
    ] = False,
    judge: Annotated[
        bool, typer.Option("--judge", help="Add LLM-judge claim faithfulness (LLM backend only).")
    ] = False,
    tag: Annotated[
        list[str] | None, typer.Option(help="Only cases with this tag (repeatable).")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Only the first N cases.")] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Run the evaluation and write run.json, cases.jsonl, summary.md and report.html."""
    from rich.console import Console

    from ..errors import BriefingError

    console = Console()
    try:
        code = _run(
            console,
            dataset=dataset,
            backend=backend,
            retriever=retriever,
            baseline=baseline,
            fail_under=fail_under or [],
            thresholds=thresholds,
            no_thresholds=no_thresholds,
            out=out,
            compare=compare,
            judge=judge,
            tags=tag or [],
            limit=limit,
            progress=progress,
        )
    except BriefingError as exc:
        typer.echo(f"error: {exc}", err=True)  # plain: rich would re-wrap the message
        raise typer.Exit(2) from None
    raise typer.Exit(code)


def _settings(backend: str | None, retriever: str | None) -> Any:
    from ..config import load_settings

    return load_settings(backend=backend, retriever=retriever)


def _run(
    console: Any,
    *,
    dataset: Path,
    backend: str | None,
    retriever: str | None,
    baseline: Path | None,
    fail_under: list[str],
    thresholds: Path | None,
    no_thresholds: bool,
    out: Path | None,
    compare: bool,
    judge: bool,
    tags: list[str],
    limit: int | None,
    progress: bool,
) -> int:
    from ..assistant import Assistant
    from ..corpus import load_corpus
    from ..errors import DatasetError
    from ..evaluation.baseline import (
        check_thresholds,
        compare_to_baseline,
        load_baseline,
        load_thresholds,
        parse_fail_under,
    )
    from ..evaluation.compare import print_compare, write_compare
    from ..evaluation.dataset import check_evidence, load_dataset
    from ..evaluation.judge import LLMJudge
    from ..evaluation.report import default_out_dir, print_summary, provenance, write_report
    from ..evaluation.runner import run_eval

    settings = _settings(backend, retriever)

    # Validate everything the user passed before the (slow) run starts.
    cases = load_dataset(dataset)
    if settings.corpus_dir.is_dir():
        check_evidence(cases, load_corpus(settings.corpus_dir).documents)
    if tags:
        cases = [c for c in cases if set(tags) & set(c.tags)]
    if limit is not None:
        cases = cases[:limit]
    if not cases:
        raise DatasetError(f"{dataset}: no cases left after --tag {tags} / --limit {limit}")
    gate: dict[str, float] = {}
    if thresholds is not None:
        gate.update(load_thresholds(thresholds))
    elif not no_thresholds and DEFAULT_THRESHOLDS.is_file():
        gate.update(load_thresholds(DEFAULT_THRESHOLDS))
    gate.update(parse_fail_under(fail_under))
    base = load_baseline(baseline) if baseline is not None else None
    the_judge = LLMJudge.from_settings(settings) if judge else None

    out_dir = out or default_out_dir()
    variants = (
        {
            "hybrid": settings.model_copy(update={"retriever": "hybrid"}),
            "dense": settings.model_copy(update={"retriever": "dense"}),
        }
        if compare
        else {settings.retriever: settings}
    )
    runs = {}
    origin = provenance(dataset, settings.corpus_dir)
    for label, variant in variants.items():
        assistant = Assistant(variant)
        try:
            run = run_eval(assistant, cases, progress=progress, judge=the_judge, label=label)
        finally:
            assistant.close()
        run.config.update(origin)
        deltas = compare_to_baseline(run.aggregates, base) if base is not None else []
        if baseline is not None:
            run.extra["baseline_path"] = str(baseline)
        target = out_dir / label if compare else out_dir
        paths = write_report(run, target, deltas)
        print_summary(run, console, deltas)
        console.print(f"report: {paths['html']}  (run.json, cases.jsonl, summary.md beside it)")
        runs[label] = run
    if compare:
        print_compare(runs, console)
        paths = write_compare(runs, out_dir)
        console.print(f"comparison: {paths['compare_md']}")

    if not gate:
        return 0
    # In --compare mode the gate applies to the configured retriever's run.
    gated = runs.get(settings.retriever) or next(iter(runs.values()))
    failures = check_thresholds(gated.aggregates.metrics, gate)
    if failures:
        for failure in failures:
            typer.echo(f"FAIL {failure.message}", err=True)
        return 1
    console.print(f"all {len(gate)} thresholds met")
    return 0
