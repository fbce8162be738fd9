"""The Jinja2 environments the reports render with (templates ship as package data in
``briefing/evaluation/templates``).

HTML templates (``*.html``) are autoescaped, so every text from a run (case ids, tags,
answers, config values) is escaped by Jinja, not by hand; Markdown templates are not.

Usage::

    render("summary.md", run=run, metrics=QA_METRICS)
"""

from __future__ import annotations

from functools import cache
from typing import Any

__all__ = ["macro", "render"]


@cache
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("briefing.evaluation", "templates"),
        autoescape=select_autoescape(["html", "svg"], default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **context: Any) -> str:
    """Render ``templates/<template>`` with ``context``."""
    return _environment().get_template(template).render(**context)


def macro(template: str, name: str) -> Any:
    """A macro of ``templates/<template>`` as a callable returning escaped Markup."""
    return getattr(_environment().get_template(template).module, name)
