"""Write an evaluation run to disk and to the terminal.

An output folder (default ``evals/runs/<UTC timestamp>/``) holds:

- ``run.json``: config (settings subset, backend, retriever, dataset path and hash, git
  revision, corpus hash, support rule), aggregates with n and 95% intervals, counts,
  per-tag scores and baseline deltas;
- ``cases.jsonl``: one scored case per line, with a "why" for every miss;
- ``summary.md``: the same numbers for people;
- ``report.html``: a self-contained page with inline SVG charts (see ``html_report``).
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from .baseline import Delta
from .context import delta_cell, report_context
from .dataset import dataset_hash
from .html_report import render_html
from .qa_metrics import QA_METRICS
from .runner import EvalRun
from .stats import MetricValue
from .templating import render

__all__ = [
    "corpus_hash",
    "default_out_dir",
    "git_revision",
    "provenance",
    "print_summary",
    "render_markdown",
    "run_to_dict",
    "write_report",
]


def default_out_dir(base: Path = Path("evals/runs")) -> Path:
    """``base/<UTC timestamp>`` (e.g. ``evals/runs/20251202T101500Z``)."""
    return base / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def git_revision(cwd: Path | None = None) -> str | None:
    """``git rev-parse HEAD`` of ``cwd``, or None outside a repository or without git."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def corpus_hash(corpus_dir: Path) -> str | None:
    """sha256 over every corpus file's relative name and bytes (sorted; hidden files skipped).

    None when the folder does not exist.
    """
    root = Path(corpus_dir)
    if not root.is_dir():
        return None
    digest = hashlib.sha256()
    files = sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def provenance(dataset_path: Path, corpus_dir: Path) -> dict[str, Any]:
    """Where the numbers come from: dataset, corpus and code versions."""
    return {
        "dataset": str(dataset_path),
        "dataset_sha256": dataset_hash(dataset_path),
        "corpus_hash": corpus_hash(corpus_dir),
        "git_revision": git_revision(),
        "python": platform.python_version(),
    }


def run_to_dict(run: EvalRun, deltas: Sequence[Delta] = ()) -> dict[str, Any]:
    """The content of run.json."""
    data: dict[str, Any] = {
        "schema": 1,
        "started_at": run.started_at,
        "seconds": run.seconds,
        "config": run.config,
        "aggregates": run.aggregates.to_dict(),
    }
    if deltas:
        data["baseline"] = {
            "path": run.extra.get("baseline_path"),
            "deltas": [d.to_dict() for d in deltas],
        }
    return data


def render_markdown(run: EvalRun, deltas: Sequence[Delta] = (), max_misses: int = 40) -> str:
    """summary.md: headline table, counts, latency, per-tag scores, misses."""
    return render("summary.md", max_misses=max_misses, **report_context(run, deltas))


def write_report(run: EvalRun, out_dir: Path, deltas: Sequence[Delta] = ()) -> dict[str, Path]:
    """Write run.json, cases.jsonl, summary.md and report.html into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "run": out_dir / "run.json",
        "cases": out_dir / "cases.jsonl",
        "summary": out_dir / "summary.md",
        "html": out_dir / "report.html",
    }
    paths["run"].write_text(
        json.dumps(run_to_dict(run, deltas), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    with paths["cases"].open("w", encoding="utf-8") as fh:
        for result in run.results:
            fh.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    paths["summary"].write_text(render_markdown(run, deltas), encoding="utf-8")
    paths["html"].write_text(render_html(run, deltas), encoding="utf-8")
    return paths


def print_summary(run: EvalRun, console: Console, deltas: Sequence[Delta] = ()) -> None:
    """The headline table (with baseline deltas when given) on the terminal."""
    title = f"briefing eval: {run.config.get('backend')} / {run.config.get('retriever')}"
    table = Table(title=title)
    for col in ("metric", "value", "95% CI", "n"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    if deltas:
        table.add_column("baseline", justify="right")
        table.add_column("delta", justify="right")
    by_name = {d.name: d for d in deltas}
    for m in QA_METRICS.headline:
        v = run.aggregates.metrics.get(m.name, MetricValue(None, 0))
        row = [m.name, m.value(v.value), m.interval(v), str(v.n)]
        if deltas:
            d = by_name.get(m.name)
            style = "" if not d or d.better is None else ("green" if d.better else "red")
            cell = delta_cell(m, d) if d else ""
            row += [m.value(d.baseline) if d else "", f"[{style}]{cell}[/]" if style else cell]
        table.add_row(*row)
    console.print(table)
    c = run.aggregates.counts
    console.print(
        f"{c.get('cases', 0)} cases ({c.get('answerable', 0)} answerable, "
        f"{c.get('unanswerable', 0)} unanswerable); abstained {c.get('abstained', 0)} "
        f"({c.get('abstained_on_answerable', 0)} over-refusals); "
        f"{sum(1 for r in run.results if r.why)} cases with misses; {run.seconds:.1f} s"
    )
