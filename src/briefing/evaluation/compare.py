"""Side-by-side tables of runs: the splits of one ``briefing eval`` (dev next to test),
and with ``--compare`` the hybrid retriever (dense + BM25, RRF) against the plain
dense-only one. Each run has its own report folder; this module renders the table that
puts their headline metrics next to each other.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .aggregate import HEADLINE_METRICS, LOWER_IS_BETTER
from .runner import EvalRun
from .stats import MetricValue

__all__ = ["compare_rows", "print_compare", "render_compare_markdown", "write_compare"]

TITLE = "retriever comparison"


def _cell(m: MetricValue, name: str, *, compact: bool = False) -> str:
    if m.value is None:
        return f"n/a (n={m.n})"
    digits = 1 if name.endswith("_ms") else 3
    ci_digits = 0 if compact and digits == 1 else (2 if compact else digits)
    if m.ci_low is None or m.ci_high is None:
        return f"{m.value:.{digits}f}"
    return f"{m.value:.{digits}f} [{m.ci_low:.{ci_digits}f}, {m.ci_high:.{ci_digits}f}]"


def compare_rows(runs: Mapping[str, EvalRun]) -> list[dict[str, object]]:
    """One row per headline metric: name, per-run value/ci/n, and the first-minus-second delta."""
    labels = list(runs)
    rows: list[dict[str, object]] = []
    for name in HEADLINE_METRICS:
        row: dict[str, object] = {"metric": name, "lower_is_better": name in LOWER_IS_BETTER}
        values = []
        for label in labels:
            m = runs[label].aggregates.metrics.get(name, MetricValue(None, 0))
            row[label] = m.to_dict()
            values.append(m.value)
        if len(values) == 2 and None not in values:
            row["delta"] = values[0] - values[1]  # type: ignore[operator]
        else:
            row["delta"] = None
        rows.append(row)
    return rows


def render_compare_markdown(runs: Mapping[str, EvalRun], title: str = TITLE) -> str:
    """A Markdown table: metric | run A (value [CI]) | run B | A - B."""
    labels = list(runs)
    lines = [
        f"# {title[:1].upper()}{title[1:]}",
        "",
        "Values with 95% intervals.",
        "",
        "| metric | "
        + " | ".join(labels)
        + (f" | {labels[0]} - {labels[1]} |" if len(labels) == 2 else " |"),
        "|---|" + "---|" * len(labels) + ("---|" if len(labels) == 2 else ""),
    ]
    for name in HEADLINE_METRICS:
        cells = [
            _cell(runs[label].aggregates.metrics.get(name, MetricValue(None, 0)), name)
            for label in labels
        ]
        line = f"| {name} | " + " | ".join(cells) + " |"
        if len(labels) == 2:
            a = runs[labels[0]].aggregates.metrics.get(name, MetricValue(None, 0)).value
            b = runs[labels[1]].aggregates.metrics.get(name, MetricValue(None, 0)).value
            digits = 1 if name.endswith("_ms") else 3
            line += f" {a - b:+.{digits}f} |" if a is not None and b is not None else " n/a |"
        lines.append(line)
    return "\n".join(lines) + "\n"


def write_compare(
    runs: Mapping[str, EvalRun], out_dir: Path, title: str = TITLE
) -> dict[str, Path]:
    """compare.md and compare.json in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    md = out_dir / "compare.md"
    js = out_dir / "compare.json"
    md.write_text(render_compare_markdown(runs, title), encoding="utf-8")
    js.write_text(
        json.dumps(
            {
                "runs": {label: run.config for label, run in runs.items()},
                "rows": compare_rows(runs),
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
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
    for row in compare_rows(runs):
        name = str(row["metric"])
        cells = [
            _cell(MetricValue.from_dict(row[label]), name, compact=True)  # type: ignore[arg-type]
            for label in labels
        ]
        if len(labels) == 2:
            delta = row["delta"]
            digits = 1 if name.endswith("_ms") else 3
            cells.append("n/a" if delta is None else f"{delta:+.{digits}f}")  # type: ignore[str-format]
        table.add_row(name, *cells)
    console.print(table)
