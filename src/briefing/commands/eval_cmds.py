"""`briefing eval`: score the assistant on the gold splits, write reports, gate on thresholds.

Briefing cases (``evals/briefings/<stem>.yaml``, split labels ``briefings-<stem>``) run
after the QA splits, each with its own report folder and threshold table, and a
side-by-side table of them (``briefings.md``); see ``evaluation.briefing_runner``.

By default every split in ``evals/qa/`` is run (``dev.yaml``: the cases the answerer was
tuned on; ``test.yaml``: blind cases written without reading the code or the dev cases),
each with its own report folder, and a side-by-side table of the splits is printed and
written to ``splits.md``. ``evals/thresholds.yaml`` holds one threshold table per split.

Exit codes: 0 = done (and every threshold met), 1 = a metric missed its threshold,
2 = a user error (bad dataset, unknown metric, unreadable baseline, ...), printed
without a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

SPLITS_DIR = Path("evals/qa")
BRIEFINGS_DIR = Path("evals/briefings")  # briefing splits, labelled briefings-<stem>
DEFAULT_THRESHOLDS = Path("evals/thresholds.yaml")


def register(app: typer.Typer) -> None:
    """Add the `eval` command to ``app``."""
    app.command("eval")(eval_command)


def eval_command(
    split: Annotated[
        list[str] | None,
        typer.Option(
            help=f"Split to run: a file stem in {SPLITS_DIR}/ (dev, test) or briefings-<stem> "
            f"for {BRIEFINGS_DIR}/<stem>.yaml. Repeatable; default: every split."
        ),
    ] = None,
    dataset: Annotated[
        list[Path] | None,
        typer.Option(help="A gold dataset file (YAML) instead of the splits. Repeatable."),
    ] = None,
    backend: Annotated[
        str | None, typer.Option(help="Answer backend: offline, openai or ollama.")
    ] = None,
    retriever: Annotated[str | None, typer.Option(help="Retriever: hybrid or dense.")] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(help="A previous run folder or run.json: show deltas against it."),
    ] = None,
    fail_under: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-under",
            help=(
                "metric=value; exit 1 when the metric misses it on any split (a minimum; a "
                "maximum for forbidden_rate, over_refusal_rate and latency). Repeatable; "
                "overrides --thresholds."
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
        briefing_splits = _briefing_splits(split or [], dataset or [])
        qa_splits = [s for s in split or [] if not s.startswith("briefings-")]
        code = _run(
            console,
            datasets=_datasets(qa_splits, dataset or []) if qa_splits or not split else {},
            briefing_splits=briefing_splits,
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


def _datasets(splits: list[str], files: list[Path]) -> dict[str, Path]:
    """Label -> dataset file: the explicit files, else the named (or all) splits."""
    from ..errors import DatasetError

    if files:
        return {path.stem: path for path in files}
    available = {p.stem: p for p in sorted(SPLITS_DIR.glob("*.yaml"))}
    if not splits:
        if not available:
            raise DatasetError(f"no splits found: {SPLITS_DIR}/*.yaml (run from the repo root)")
        return available
    unknown = [s for s in splits if s not in available]
    if unknown:
        raise DatasetError(
            f"--split {unknown[0]!r}: no file {SPLITS_DIR / (unknown[0] + '.yaml')}; "
            f"known splits: {', '.join(available) or '(none)'}"
        )
    return {s: available[s] for s in splits}


def _briefing_splits(splits: list[str], files: list[Path]) -> dict[str, Path]:
    """Label -> briefing cases file: the named briefings-<stem> splits, or every one
    when no split and no dataset file is given."""
    from ..errors import DatasetError

    available = {f"briefings-{p.stem}": p for p in sorted(BRIEFINGS_DIR.glob("*.yaml"))}
    wanted = [s for s in splits if s.startswith("briefings-")]
    if files or (splits and not wanted):
        return {}
    if not wanted:
        return available
    unknown = [s for s in wanted if s not in available]
    if unknown:
        raise DatasetError(
            f"--split {unknown[0]!r}: no file {BRIEFINGS_DIR}/{unknown[0][10:]}.yaml; "
            f"known briefing splits: {', '.join(available) or '(none)'}"
        )
    return {s: available[s] for s in wanted}


def _run(
    console: Any,
    *,
    datasets: dict[str, Path],
    briefing_splits: dict[str, Path] | None = None,
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
    from ..config import load_settings
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

    settings = load_settings(backend=backend, retriever=retriever)

    # Validate everything the user passed before the (slow) runs start.
    documents = load_corpus(settings.corpus_dir).documents if settings.corpus_dir.is_dir() else []
    from ..evaluation.briefing_cases import load_briefing_cases

    for path in (briefing_splits or {}).values():
        bcases = load_briefing_cases(path)
        if documents:
            check_evidence(bcases, documents)  # type: ignore[arg-type]
    cases_by_label = {}
    for label, path in datasets.items():
        cases = load_dataset(path)
        if documents:
            check_evidence(cases, documents)
        if tags:
            cases = [c for c in cases if set(tags) & set(c.tags)]
        if limit is not None:
            cases = cases[:limit]
        if not cases:
            raise DatasetError(f"{path}: no cases left after --tag {tags} / --limit {limit}")
        cases_by_label[label] = cases
    gates: dict[str, dict[str, float]] = {}
    if thresholds is not None:
        gates = load_thresholds(thresholds)
    elif not no_thresholds and DEFAULT_THRESHOLDS.is_file():
        gates = load_thresholds(DEFAULT_THRESHOLDS)
    extra_gate = parse_fail_under(fail_under)
    base = load_baseline(baseline) if baseline is not None else {}
    the_judge = LLMJudge.from_settings(settings) if judge else None

    out_dir = out or default_out_dir()
    retrievers = ("hybrid", "dense") if compare else (settings.retrieval.mode,)
    # One run writes straight into out_dir; several get a folder each (<split>[/<retriever>]).
    nested = len(retrievers) * len(cases_by_label) > 1
    runs = {}
    for retriever_name in retrievers:
        variant = settings.updated(retriever=retriever_name)
        assistant = Assistant(variant)
        try:
            for label, cases in cases_by_label.items():
                name = f"{label}/{retriever_name}" if compare else label
                run = run_eval(assistant, cases, progress=progress, judge=the_judge, label=name)
                run.config.update(provenance(datasets[label], settings.corpus_dir))
                run.config["split"] = label
                base_run = base.get(label) or base.get("")
                deltas = compare_to_baseline(run.aggregates, base_run) if base_run else []
                if baseline is not None:
                    run.extra["baseline_path"] = str(baseline)
                paths = write_report(run, out_dir / name if nested else out_dir, deltas)
                print_summary(run, console, deltas)
                console.print(f"report: {paths['html']}  (run.json, cases.jsonl, summary.md)")
                runs[name] = run
        finally:
            assistant.close()
    if len(runs) > 1:
        title = "splits and retrievers" if compare else "splits side by side"
        print_compare(runs, console, title=title)
        paths = write_compare(runs, out_dir, title=title)
        console.print(f"side by side: {paths['compare_md']}")

    briefing_runs = _run_briefing_splits(
        console, briefing_splits or {}, settings, documents, out_dir, progress
    )

    failed = False
    checked = 0
    for brun in briefing_runs:
        gate = {**gates.get(brun.label, {}), **{k: v for k, v in extra_gate.items()
                                                if k in brun.metrics}}  # fmt: skip
        checked += len(gate)
        for failure in check_thresholds(brun.metrics, gate):
            typer.echo(f"FAIL [{brun.label}] {failure.message}", err=True)
            failed = True
    for name, run in runs.items():
        if compare and not name.endswith(f"/{settings.retrieval.mode}"):
            continue  # in --compare mode the gate applies to the configured retriever
        label = run.config["split"]
        gate = {**gates.get(label, gates.get("", {})), **extra_gate}
        gate = {k: v for k, v in gate.items() if k in run.aggregates.metrics or k not in
                _briefing_metric_names()}  # fmt: skip
        checked += len(gate)
        for failure in check_thresholds(run.aggregates.metrics, gate):
            typer.echo(f"FAIL [{label}] {failure.message}", err=True)
            failed = True
    if failed:
        return 1
    if checked:
        console.print(f"all {checked} thresholds met")
    return 0


def _briefing_metric_names() -> tuple[str, ...]:
    from ..evaluation.briefing_runner import BRIEFING_METRICS

    return BRIEFING_METRICS


def _run_briefing_splits(
    console: Any,
    splits: dict[str, Path],
    settings: Any,
    documents: list[Any],
    out_dir: Path,
    progress: bool,
) -> list[Any]:
    """Run each briefing split (own report folder), print and write them side by side."""
    if not splits:
        return []
    from ..assistant import Assistant
    from ..evaluation.briefing_cases import load_briefing_cases
    from ..evaluation.briefing_runner import (
        render_briefing_compare,
        run_briefings,
        write_briefing_report,
    )

    texts = {doc.id: doc.text for doc in documents}
    assistant = Assistant(settings)
    runs = []
    try:
        for label, path in splits.items():
            run = run_briefings(
                assistant,
                load_briefing_cases(path),
                texts,
                label=label,
                dataset=str(path),
                progress=progress,
            )
            paths = write_briefing_report(run, out_dir / label)
            console.print(f"briefings report: {paths['summary']}")
            runs.append(run)
    finally:
        assistant.close()
    table = render_briefing_compare(runs)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "briefings.md").write_text(table, encoding="utf-8")
    console.print(table)
    return runs
