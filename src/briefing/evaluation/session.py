"""One ``briefing eval`` invocation: validate every input first, then run the QA splits
(and with ``compare`` both retrievers), the briefing splits, write the reports and gate
on the thresholds.

The front end (``commands/eval_cmds.py``) builds an :class:`EvalRequest` from its
options and passes the factories for the assistant and the judge; nothing here builds
a concrete assistant or chat model. Heavy modules are imported when a run starts.

Usage::

    code = run_session(EvalRequest(split=["dev"]), console, echo=print,
                       make_assistant=Assistant, make_judge=None)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "BRIEFINGS_DIR",
    "DEFAULT_THRESHOLDS",
    "SPLITS_DIR",
    "EvalRequest",
    "resolve_splits",
    "run_session",
]

SPLITS_DIR = Path("evals/qa")
BRIEFINGS_DIR = Path("evals/briefings")  # briefing splits, labelled briefings-<stem>
DEFAULT_THRESHOLDS = Path("evals/thresholds.yaml")
BRIEFING_PREFIX = "briefings-"


@dataclass
class EvalRequest:
    """What the user asked for: the ``briefing eval`` options, by the same names
    (a repeatable option given no value arrives as None and becomes ``[]``)."""

    split: list[str] | None = None
    dataset: list[Path] | None = None
    backend: str | None = None
    retriever: str | None = None
    baseline: Path | None = None
    fail_under: list[str] | None = None
    thresholds: Path | None = None
    no_thresholds: bool = False
    out: Path | None = None
    compare: bool = False
    judge: bool = False
    tag: list[str] | None = None
    limit: int | None = None
    progress: bool = True

    def __post_init__(self) -> None:
        self.split = self.split or []
        self.dataset = self.dataset or []
        self.fail_under = self.fail_under or []
        self.tag = self.tag or []


@dataclass
class _Plan:
    """Everything validated before the (slow) runs start."""

    settings: Any
    datasets: dict[str, Path]
    cases: dict[str, list[Any]]
    briefings: dict[str, Path]
    documents: list[Any]
    gates: dict[str, dict[str, float]]
    extra_gate: dict[str, float]
    baseline: dict[str, Any]
    judge: Any
    out_dir: Path


def _pick(available: Mapping[str, Path], wanted: list[str], where: str) -> dict[str, Path]:
    """The wanted labels (every one when none is named); DatasetError for an unknown one."""
    from ..errors import DatasetError

    if not wanted:
        return dict(available)
    unknown = [s for s in wanted if s not in available]
    if unknown:
        stem = unknown[0].removeprefix(BRIEFING_PREFIX)
        raise DatasetError(
            f"--split {unknown[0]!r}: no file {where}/{stem}.yaml; "
            f"known splits: {', '.join(available) or '(none)'}"
        )
    return {s: available[s] for s in wanted}


def resolve_splits(splits: list[str], files: list[Path]) -> tuple[dict[str, Path], dict[str, Path]]:
    """(QA label -> dataset file, briefing label -> cases file) for the request.

    Explicit ``files`` replace the QA splits and run no briefing split; named splits
    run only themselves; with neither, every split in ``evals/qa/`` and
    ``evals/briefings/`` runs.
    """
    from ..errors import DatasetError

    qa = [s for s in splits if not s.startswith(BRIEFING_PREFIX)]
    briefing = [s for s in splits if s.startswith(BRIEFING_PREFIX)]
    qa_files: dict[str, Path] = {}
    if files:
        qa_files = {path.stem: path for path in files}
    elif qa or not splits:
        available = {p.stem: p for p in sorted(SPLITS_DIR.glob("*.yaml"))}
        if not available and not qa:
            raise DatasetError(f"no splits found: {SPLITS_DIR}/*.yaml (run from the repo root)")
        qa_files = _pick(available, qa, str(SPLITS_DIR))
    briefing_files: dict[str, Path] = {}
    if not files and (briefing or not splits):
        found = {f"{BRIEFING_PREFIX}{p.stem}": p for p in sorted(BRIEFINGS_DIR.glob("*.yaml"))}
        briefing_files = _pick(found, briefing, str(BRIEFINGS_DIR))
    return qa_files, briefing_files


def _load_cases(request: EvalRequest, datasets: dict[str, Path], documents: list[Any]) -> dict:
    """Label -> validated cases (evidence checked against the corpus, --tag / --limit)."""
    from ..errors import DatasetError
    from .dataset import check_evidence, load_dataset

    cases_by_label = {}
    for label, path in datasets.items():
        cases = load_dataset(path)
        if documents:
            check_evidence(cases, documents)
        if request.tag:
            cases = [c for c in cases if set(request.tag or []) & set(c.tags)]
        if request.limit is not None:
            cases = cases[: request.limit]
        if not cases:
            raise DatasetError(
                f"{path}: no cases left after --tag {request.tag} / --limit {request.limit}"
            )
        cases_by_label[label] = cases
    return cases_by_label


def _plan(request: EvalRequest, make_judge: Callable[[Any], Any] | None) -> _Plan:
    """Validate every input (datasets, evidence, thresholds, baseline, judge) up front."""
    from ..config import load_settings
    from ..corpus import load_corpus
    from .baseline import load_baseline, load_thresholds, parse_fail_under
    from .briefing_cases import load_briefing_cases
    from .dataset import check_evidence
    from .report import default_out_dir

    settings = load_settings(backend=request.backend, retriever=request.retriever)
    datasets, briefings = resolve_splits(request.split or [], request.dataset or [])
    corpus = settings.corpus_dir
    documents = load_corpus(corpus).documents if corpus.is_dir() else []
    for path in briefings.values():
        briefing_cases = load_briefing_cases(path)
        if documents:
            check_evidence(briefing_cases, documents)  # type: ignore[arg-type]
    gates: dict[str, dict[str, float]] = {}
    if request.thresholds is not None:
        gates = load_thresholds(request.thresholds)
    elif not request.no_thresholds and DEFAULT_THRESHOLDS.is_file():
        gates = load_thresholds(DEFAULT_THRESHOLDS)
    return _Plan(
        settings=settings,
        datasets=datasets,
        cases=_load_cases(request, datasets, documents),
        briefings=briefings,
        documents=documents,
        gates=gates,
        extra_gate=parse_fail_under(request.fail_under or []),
        baseline=load_baseline(request.baseline) if request.baseline is not None else {},
        judge=make_judge(settings) if request.judge and make_judge else None,
        out_dir=request.out or default_out_dir(),
    )


def _run_qa(plan: _Plan, request: EvalRequest, console: Any, make_assistant: Callable) -> dict:
    """Every QA split (per retriever with ``compare``): report folders and the side by side."""
    from .baseline import compare_to_baseline
    from .compare import print_compare, write_compare
    from .report import print_summary, provenance, write_report
    from .runner import run_eval

    retrievers = ("hybrid", "dense") if request.compare else (plan.settings.retrieval.mode,)
    # One run writes straight into out_dir; several get a folder each (<split>[/<retriever>]).
    nested = len(retrievers) * len(plan.cases) > 1
    runs = {}
    for retriever_name in retrievers:
        assistant = make_assistant(plan.settings.updated(retriever=retriever_name))
        try:
            for label, cases in plan.cases.items():
                name = f"{label}/{retriever_name}" if request.compare else label
                run = run_eval(
                    assistant, cases, progress=request.progress, judge=plan.judge, label=name
                )
                run.config.update(provenance(plan.datasets[label], plan.settings.corpus_dir))
                run.config["split"] = label
                base_run = plan.baseline.get(label) or plan.baseline.get("")
                deltas = compare_to_baseline(run.aggregates, base_run) if base_run else []
                if request.baseline is not None:
                    run.extra["baseline_path"] = str(request.baseline)
                paths = write_report(run, plan.out_dir / name if nested else plan.out_dir, deltas)
                print_summary(run, console, deltas)
                console.print(f"report: {paths['html']}  (run.json, cases.jsonl, summary.md)")
                runs[name] = run
        finally:
            assistant.close()
    if len(runs) > 1:
        title = "splits and retrievers" if request.compare else "splits side by side"
        print_compare(runs, console, title=title)
        paths = write_compare(runs, plan.out_dir, title=title)
        console.print(f"side by side: {paths['compare_md']}")
    return runs


def _run_briefings(plan: _Plan, request: EvalRequest, console: Any, make_assistant: Callable):
    """Each briefing split (own report folder), then them side by side (briefings.md)."""
    if not plan.briefings:
        return []
    from .briefing_cases import load_briefing_cases
    from .briefing_runner import render_briefing_compare, run_briefings, write_briefing_report

    texts = {doc.id: doc.text for doc in plan.documents}
    assistant = make_assistant(plan.settings)
    runs = []
    try:
        for label, path in plan.briefings.items():
            cases = load_briefing_cases(path)
            run = run_briefings(
                assistant, cases, texts, label=label, dataset=str(path), progress=request.progress
            )
            paths = write_briefing_report(run, plan.out_dir / label)
            console.print(f"briefings report: {paths['summary']}")
            runs.append(run)
    finally:
        assistant.close()
    table = render_briefing_compare(runs)
    plan.out_dir.mkdir(parents=True, exist_ok=True)
    (plan.out_dir / "briefings.md").write_text(table, encoding="utf-8")
    console.print(table)
    return runs


def _gate(
    plan: _Plan, request: EvalRequest, runs: dict, briefing_runs: list
) -> tuple[list[str], int]:
    """Every ``FAIL [split] ...`` line, and how many thresholds were checked."""
    from .baseline import check_thresholds
    from .briefing_metrics import BRIEFING_METRICS

    tables = []
    for brun in briefing_runs:
        extra = {k: v for k, v in plan.extra_gate.items() if k in brun.metrics}
        tables.append((brun.label, brun.metrics, {**plan.gates.get(brun.label, {}), **extra}))
    for name, run in runs.items():
        if request.compare and not name.endswith(f"/{plan.settings.retrieval.mode}"):
            continue  # in --compare mode the gate applies to the configured retriever
        label, metrics = run.config["split"], run.aggregates.metrics
        gate = {**plan.gates.get(label, plan.gates.get("", {})), **plan.extra_gate}
        gate = {k: v for k, v in gate.items() if k in metrics or k not in BRIEFING_METRICS}
        tables.append((label, metrics, gate))
    failures = [
        f"FAIL [{label}] {failure.message}"
        for label, metrics, gate in tables
        for failure in check_thresholds(metrics, gate)
    ]
    return failures, sum(len(gate) for _, _, gate in tables)


def run_session(
    request: EvalRequest,
    console: Any,
    *,
    echo: Callable[[str], None],
    make_assistant: Callable[[Any], Any],
    make_judge: Callable[[Any], Any] | None = None,
) -> int:
    """Run the request; 0 = done and every threshold met, 1 = a metric missed one.

    ``echo`` prints a failed threshold (to stderr in the CLI); BriefingError subclasses
    (bad dataset, unknown metric, unreadable baseline, ...) propagate before any run.
    """
    plan = _plan(request, make_judge)
    runs = _run_qa(plan, request, console, make_assistant)
    briefing_runs = _run_briefings(plan, request, console, make_assistant)
    failures, checked = _gate(plan, request, runs, briefing_runs)
    for line in failures:
        echo(line)
    if failures:
        return 1
    if checked:
        console.print(f"all {checked} thresholds met")
    return 0
