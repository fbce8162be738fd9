"""A self-contained HTML report: inline CSS and SVG, no scripts, no CDN.

Rendered from the Jinja2 templates ``report.html`` and ``charts.html`` (autoescaped:
every text from the run is escaped by Jinja). This module computes the chart geometry:
headline scores with their 95% intervals, per-tag score bars, and a histogram of total
answer latency.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from .baseline import Delta
from .context import report_context
from .metric import TAG_CHART
from .qa_metrics import QA_METRICS
from .runner import EvalRun
from .stats import MetricValue, percentile
from .templating import macro, render

__all__ = ["bar_chart_svg", "histogram_svg", "render_html"]

COLOURS = ("#3b6fd4", "#e08a2c", "#2f9e6f", "#9b59b6", "#c0392b", "#7f8c8d")


def _bar(m: MetricValue, x0: float, plot_w: float) -> dict[str, Any]:
    def at(v: float) -> float:
        return x0 + max(0.0, min(1.0, v)) * plot_w

    bar: dict[str, Any] = {"m": m, "width": at(m.value or 0.0) - x0, "ci": None}
    if m.value is not None and m.ci_low is not None and m.ci_high is not None:
        bar["ci"] = (at(m.ci_low), at(m.ci_high))
    return bar


def bar_chart_svg(
    rows: Sequence[tuple[str, Sequence[MetricValue]]],
    series: Sequence[str],
    *,
    width: int = 760,
) -> Markup:
    """Horizontal grouped bars on a 0..1 scale, with CI whiskers; n/a values are labelled."""
    label_w, bar_h, gap = 190, 12, 10
    group_h = bar_h * len(series) + gap
    height = group_h * len(rows) + 30
    plot_w = width - label_w - 100
    groups = [
        {
            "label": label,
            "y": i * group_h + 4,
            "bars": [_bar(m, label_w, plot_w) for m in values],
        }
        for i, (label, values) in enumerate(rows)
    ]
    ticks = [(tick, label_w + tick * plot_w) for tick in (0, 0.25, 0.5, 0.75, 1.0)]
    return macro("charts.html", "bar_chart")(
        groups=groups, series=list(series), colours=COLOURS, width=width, height=height,
        label_w=label_w, plot_w=plot_w, bar_h=bar_h, group_h=group_h, ticks=ticks,
    )  # fmt: skip


def histogram_svg(values: Sequence[float], *, bins: int = 20, width: int = 760) -> Markup:
    """A histogram of ``values`` (ms) with p50/p95 lines; a note when there are none."""
    if not values:
        return Markup("<p>No latency measurements.</p>")
    height, left, bottom = 200, 40, 30
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - lo) / span * bins))] += 1
    top = max(counts)
    plot_w, plot_h = width - left - 10, height - bottom - 10
    bw = plot_w / bins
    bars = [
        {"x": left + i * bw, "h": c / top * plot_h, "count": c,
         "lo": lo + i * span / bins, "hi": lo + (i + 1) * span / bins}
        for i, c in enumerate(counts)
    ]  # fmt: skip
    marks = []
    for q, colour in ((50, "#2f9e6f"), (95, "#c0392b")):
        v = float(percentile(values, q))
        marks.append({"q": q, "v": v, "x": left + (v - lo) / span * plot_w, "colour": colour})
    return macro("charts.html", "histogram")(
        bars=bars, marks=marks, width=width, height=height, left=left, plot_h=plot_h,
        bw=bw, lo=lo, hi=hi, top=top,
    )  # fmt: skip


def render_html(run: EvalRun, deltas: Sequence[Delta] = ()) -> str:
    """The whole report page as one string."""
    agg = run.aggregates
    quality = [m.name for m in QA_METRICS.headline if m.unit != "ms"]
    series = [m.case_key for m in QA_METRICS.tagged(TAG_CHART)]
    return render(
        "report.html",
        headline_chart=bar_chart_svg(
            [(n, [agg.metrics.get(n, MetricValue(None, 0))]) for n in quality], ["value"]
        ),
        tag_series=series,
        tag_chart=bar_chart_svg(
            [(tag, [values[s] for s in series]) for tag, values in agg.per_tag.items()], series
        ),
        colours=COLOURS,
        latency_chart=histogram_svg(
            [t["total"] for r in run.results for t in r.timings_ms if "total" in t]
        ),
        **report_context(run, deltas),
    )
