"""A self-contained HTML report: inline CSS and SVG drawn here, no scripts, no CDN.

Charts: headline scores with their 95% intervals, per-tag score bars, and a histogram
of total answer latency. Every text from the run is HTML-escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from .aggregate import HEADLINE_METRICS, LOWER_IS_BETTER, STAGES
from .baseline import Delta
from .runner import EvalRun
from .stats import MetricValue

__all__ = ["bar_chart_svg", "histogram_svg", "render_html"]

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem;color:#1d2330;
max-width:1100px}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #dde}
table{border-collapse:collapse;margin:.5rem 0}td,th{padding:.25rem .6rem;border-bottom:1px solid
#e6e8ef;text-align:right;vertical-align:top}td:first-child,th:first-child{text-align:left}
td.why{text-align:left;font-size:12px;color:#4a5163}.better{color:#177a3c}.worse{color:#b3261e}
.meta{color:#4a5163}.legend span{display:inline-block;margin-right:1rem}
.sw{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
svg text{font:11px system-ui,sans-serif;fill:#1d2330}
"""
_COLOURS = ("#3b6fd4", "#e08a2c", "#2f9e6f", "#9b59b6", "#c0392b", "#7f8c8d")


def _num(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def bar_chart_svg(
    rows: Sequence[tuple[str, Sequence[MetricValue]]],
    series: Sequence[str],
    *,
    width: int = 760,
) -> str:
    """Horizontal grouped bars on a 0..1 scale, with CI whiskers; n/a values are labelled."""
    label_w, bar_h, gap = 190, 12, 10
    group_h = bar_h * len(series) + gap
    height = group_h * len(rows) + 30
    plot_w = width - label_w - 100
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="scores by {escape(", ".join(series))}">'
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        x = label_w + tick * plot_w
        parts.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 20}" stroke="#e6e8ef"/>'
            f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle">{tick:g}</text>'
        )
    for i, (label, values) in enumerate(rows):
        y0 = i * group_h + 4
        parts.append(f'<text x="4" y="{y0 + group_h / 2:.1f}">{escape(label)}</text>')
        for j, m in enumerate(values):
            y = y0 + j * bar_h
            colour = _COLOURS[j % len(_COLOURS)]
            if m.value is None:
                parts.append(
                    f'<text x="{label_w + 4}" y="{y + bar_h - 2}" fill="#888">n/a (n=0)</text>'
                )
                continue
            w = max(0.0, min(1.0, m.value)) * plot_w
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" '
                f'fill="{colour}"><title>{escape(series[j])}: {m.format()}</title></rect>'
            )
            if m.ci_low is not None and m.ci_high is not None:
                x1 = label_w + max(0.0, m.ci_low) * plot_w
                x2 = label_w + min(1.0, m.ci_high) * plot_w
                yc = y + (bar_h - 2) / 2
                parts.append(
                    f'<line x1="{x1:.1f}" y1="{yc:.1f}" x2="{x2:.1f}" y2="{yc:.1f}" '
                    'stroke="#1d2330" stroke-width="1"/>'
                )
            parts.append(
                f'<text x="{label_w + plot_w + 6}" y="{y + bar_h - 2}">'
                f"{m.value:.2f} (n={m.n})</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def histogram_svg(values: Sequence[float], *, bins: int = 20, width: int = 760) -> str:
    """A histogram of ``values`` (ms) with p50/p95 lines; a note when there are none."""
    if not values:
        return "<p>No latency measurements.</p>"
    height, left, bottom = 200, 40, 30
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - lo) / span * bins))] += 1
    top = max(counts)
    plot_w, plot_h = width - left - 10, height - bottom - 10
    bw = plot_w / bins
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'role="img" aria-label="total latency histogram">'
    ]
    for i, c in enumerate(counts):
        h = c / top * plot_h
        x = left + i * bw
        parts.append(
            f'<rect x="{x:.1f}" y="{10 + plot_h - h:.1f}" width="{bw - 1:.1f}" height="{h:.1f}" '
            f'fill="#3b6fd4"><title>{lo + i * span / bins:.0f}-{lo + (i + 1) * span / bins:.0f}'
            f" ms: {c}</title></rect>"
        )
    ordered = sorted(values)
    for q, colour in ((50, "#2f9e6f"), (95, "#c0392b")):
        # nearest-rank percentile is enough to place a marker line
        v = ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]
        x = left + (v - lo) / span * plot_w
        parts.append(
            f'<line x1="{x:.1f}" y1="10" x2="{x:.1f}" y2="{10 + plot_h}" stroke="{colour}" '
            f'stroke-dasharray="4 3"/><text x="{x + 3:.1f}" y="20" fill="{colour}">'
            f"p{q} {v:.0f} ms</text>"
        )
    parts.append(
        f'<text x="{left}" y="{height - 8}">{lo:.0f} ms</text>'
        f'<text x="{width - 10}" y="{height - 8}" text-anchor="end">{hi:.0f} ms</text>'
        f'<text x="4" y="20">{top}</text><text x="4" y="{10 + plot_h}">0</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _headline_table(run: EvalRun, deltas: Sequence[Delta]) -> str:
    by_name = {d.name: d for d in deltas}
    head = "<tr><th>metric</th><th>value</th><th>95% CI</th><th>n</th>"
    head += "<th>baseline</th><th>delta</th></tr>" if deltas else "</tr>"
    rows = [head]
    for name in HEADLINE_METRICS:
        m = run.aggregates.metrics.get(name, MetricValue(None, 0))
        digits = 1 if name.endswith("_ms") else 3
        ci = (
            f"[{m.ci_low:.{digits}f}, {m.ci_high:.{digits}f}]"
            if m.value is not None and m.ci_low is not None and m.ci_high is not None
            else ""
        )
        label = name + (" &#8595;" if name in LOWER_IS_BETTER else "")
        row = f"<tr><td>{label}</td><td>{_num(m.value, digits)}</td><td>{ci}</td><td>{m.n}</td>"
        if deltas:
            d = by_name.get(name)
            if d is None or d.delta is None:
                row += f"<td>{_num(d.baseline if d else None, digits)}</td><td>n/a</td>"
            else:
                cls = "" if d.better is None else ("better" if d.better else "worse")
                star = " *" if d.beyond_ci else ""
                row += (
                    f"<td>{_num(d.baseline, digits)}</td>"
                    f'<td class="{cls}">{d.delta:+.{digits}f}{star}</td>'
                )
        rows.append(row + "</tr>")
    return "<table>" + "".join(rows) + "</table>"


def render_html(run: EvalRun, deltas: Sequence[Delta] = ()) -> str:
    """The whole report page as one string."""
    agg = run.aggregates
    cfg = run.config
    quality = [n for n in HEADLINE_METRICS if not n.endswith("_ms")]
    headline_chart = bar_chart_svg(
        [(n, [agg.metrics.get(n, MetricValue(None, 0))]) for n in quality], ["value"]
    )
    tag_series = ["key_fact_recall", "citation_precision", "abstention_correct", "hit_at_k"]
    tag_chart = bar_chart_svg(
        [(tag, [values[s] for s in tag_series]) for tag, values in agg.per_tag.items()],
        tag_series,
    )
    legend = "".join(
        f'<span><i class="sw" style="background:{_COLOURS[i]}"></i>{escape(s)}</span>'
        for i, s in enumerate(tag_series)
    )
    totals = [t["total"] for r in run.results for t in r.timings_ms if "total" in t]
    latency_rows = "".join(
        f"<tr><td>{s}</td><td>{_num(agg.metrics[f'latency_{s}_p50_ms'].value, 1)}</td>"
        f"<td>{_num(agg.metrics[f'latency_{s}_p95_ms'].value, 1)}</td>"
        f"<td>{agg.metrics[f'latency_{s}_p50_ms'].n}</td></tr>"
        for s in STAGES
    )
    case_rows = "".join(
        f"<tr><td>{escape(r.id)}</td><td>{escape(', '.join(r.tags))}</td>"
        f"<td>{'yes' if r.abstained else ''}</td>"
        f"<td>{_num(r.scores.get('key_fact_recall'), 2)}</td>"
        f"<td>{_num(r.scores.get('citation_precision'), 2)}</td>"
        f"<td>{_num(r.scores.get('citation_recall'), 2)}</td>"
        f'<td class="why">{"<br>".join(escape(w) for w in r.why) or "&#10003;"}</td></tr>'
        for r in run.results
    )
    counts = "".join(f"<tr><td>{escape(k)}</td><td>{v}</td></tr>" for k, v in agg.counts.items())
    meta = (
        f"backend <b>{escape(str(cfg.get('backend')))}</b>, retriever "
        f"<b>{escape(str(cfg.get('retriever')))}</b>, k={escape(str(cfg.get('k')))}; dataset "
        f"{escape(str(cfg.get('dataset', '?')))}; corpus hash "
        f"{escape(str(cfg.get('corpus_hash'))[:12])}; git "
        f"{escape(str(cfg.get('git_revision'))[:12])}; {run.seconds:.1f} s"
    )
    star_note = (
        "<p class='meta'>* = baseline value outside this run's 95% interval.</p>" if deltas else ""
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>briefing eval {escape(run.started_at)}</title>
<style>{_CSS}</style></head><body>
<h1>briefing evaluation, {escape(run.started_at)}</h1>
<p class="meta">{meta}</p>
<p class="meta">Support check: {escape(str(cfg.get("support_rule", "")))}.<br>
{escape(str(cfg.get("retrieval_method", "")))}.</p>
<h2>Headline metrics</h2>{_headline_table(run, deltas)}{star_note}
<h2>Scores (bars: value, line: 95% interval)</h2>{headline_chart}
<h2>Per-tag scores</h2><p class="legend">{legend}</p>{tag_chart}
<h2>Latency</h2>
<table><tr><th>stage</th><th>p50 ms</th><th>p95 ms</th><th>n</th></tr>{latency_rows}</table>
<p class="meta">Total latency per turn asked:</p>{histogram_svg(totals)}
<h2>Counts</h2><table>{counts}</table>
<h2>Cases</h2>
<table><tr><th>case</th><th>tags</th><th>abstained</th><th>facts</th><th>cit. prec.</th>
<th>cit. rec.</th><th>why</th></tr>{case_rows}</table>
</body></html>
"""
