"""Side-by-side tables of runs: the splits of one ``briefing eval`` (dev next to test),
and with ``--compare`` the hybrid retriever (dense + BM25, RRF) against the plain
dense-only one. Each run has its own report folder; this module renders the table that
puts their headline metrics next to each other.

With two runs over the same cases (hybrid vs dense) the difference gets a *paired*
bootstrap 95% interval: both runs' cases are resampled together, so the interval is
that of the per-case difference (:meth:`Metric.paired`). An interval that excludes 0
is a difference the case sample supports.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from .metric import Metric
from .qa_metrics import QA_METRICS
from .runner import EvalRun
from .stats import MetricValue
from .templating import render

__all__ = ["compare_rows", "print_compare", "render_compare_markdown", "write_compare"]

TITLE = "retriever comparison"


def _paired(metric: Metric, a: EvalRun, b: EvalRun) -> MetricValue | None:
    """The paired difference A - B, or None when the runs are not over the same cases."""
    if [r.id for r in a.results] != [r.id for r in b.results] or not a.results:
        return None
    return metric.paired(a.results, b.results)


def compare_rows(runs: Mapping[str, EvalRun]) -> list[dict[str, Any]]:
    """One row per headline metric: name, per-run value/ci/n, the first-minus-second
    delta and (same cases) its paired 95% interval ``delta_ci``."""
    labels = list(runs)
    rows: list[dict[str, Any]] = []
    for metric in QA_METRICS.headline:
        row: dict[str, Any] = {"metric": metric.name, "lower_is_better": metric.lower_is_better}
        values = [runs[label].aggregates.metrics.get(metric.name, MetricValue(None, 0))
                  for label in labels]  # fmt: skip
        row.update({label: m.to_dict() for label, m in zip(labels, values, strict=True)})
        row["delta"] = row["delta_ci"] = None
        if len(values) == 2 and values[0].value is not None and values[1].value is not None:
            row["delta"] = values[0].value - values[1].value
            paired = _paired(metric, runs[labels[0]], runs[labels[1]])
            if paired is not None and paired.ci_low is not None:
                row["delta_ci"] = [paired.ci_low, paired.ci_high]
        rows.append(row)
    return rows


def _delta_cells(metric: Metric, row: dict[str, Any], *, compact: bool = False) -> list[str]:
    ci = row["delta_ci"]
    interval = "" if ci is None else metric.interval(
        MetricValue(row["delta"], 0, ci[0], ci[1]), compact=compact, signed=True
    )  # fmt: skip
    return [metric.delta(row["delta"]), interval]


def _table(runs: Mapping[str, EvalRun], *, compact: bool) -> list[list[str]]:
    """metric | per-run cells | (two runs) delta | paired interval."""
    labels = list(runs)
    table = []
    for row in compare_rows(runs):
        metric = QA_METRICS[row["metric"]]
        cells = [metric.cell(MetricValue.from_dict(row[label]), compact=compact)
                 for label in labels]  # fmt: skip
        if len(labels) == 2:
            cells += _delta_cells(metric, row, compact=compact)
        table.append([metric.name, *cells])
    return table


def render_compare_markdown(runs: Mapping[str, EvalRun], title: str = TITLE) -> str:
    """A Markdown table: metric | run A (value [CI]) | run B | A - B | paired CI."""
    return render("compare.md", title=title, labels=list(runs), rows=_table(runs, compact=False))


def write_compare(
    runs: Mapping[str, EvalRun], out_dir: Path, title: str = TITLE
) -> dict[str, Path]:
    """compare.md and compare.json in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    md = out_dir / "compare.md"
    js = out_dir / "compare.json"
    md.write_text(render_compare_markdown(runs, title), encoding="utf-8")
    data = {"runs": {label: run.config for label, run in runs.items()}, "rows": compare_rows(runs)}
    js.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return {"compare_md": md, "compare_json": js}


def print_compare(runs: Mapping[str, EvalRun], console: Console, title: str = TITLE) -> None:
    """The side-by-side table on the terminal."""
    labels = list(runs)
    table = Table(title=f"{title} (value [95% CI])")
    table.add_column("metric", no_wrap=True)
    for label in labels:
        table.add_column(label, justify="right", no_wrap=True)
    if len(labels) == 2:
        table.add_column("diff", justify="right", no_wrap=True)
        table.add_column("paired CI", justify="right", no_wrap=True)
    for cells in _table(runs, compact=True):
        table.add_row(*cells)
    console.print(table)
