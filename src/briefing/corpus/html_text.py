"""Main text of an HTML page as Markdown-ish plain text.

With the ``[html]`` extra installed (``pip install 'briefing-assistant[html]'``), the main
text is trafilatura's: it also drops the boilerplate inside an article's markup that no
tag names (comment counts, "ALSO READ" links, related-story boxes), writing headings as
``# `` lines and list items as ``- `` lines. Without it, or when trafilatura finds no
main text (a tiny page, a pathologically nested one), the built-in extractor runs: it
drops scripts, styles, navigation, headers, footers and asides, prefers ``<main>`` or
``<article>``, and writes the same Markdown-ish structure with BeautifulSoup's built-in
``html.parser`` (no lxml needed). Either way the chunker sees the structure of a Markdown
file. Title, date and publisher always come from the page's ``<title>`` and meta tags.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from bs4.element import Declaration, Doctype, ProcessingInstruction

__all__ = ["HtmlParts", "html_to_document_parts"]

logger = logging.getLogger(__name__)

_DROP = {
    "script",
    "style",
    "nav",
    "header",
    "footer",
    "aside",
    "noscript",
    "template",
    "form",
    "iframe",
    "svg",
    "button",
    "select",
    "head",
}
_BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "body",
    "blockquote",
    "pre",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "figure",
    "figcaption",
    "address",
    "details",
    "summary",
    "hr",
    "html",
}
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_NOT_TEXT = (Comment, Doctype, Declaration, ProcessingInstruction)


@dataclass(frozen=True, slots=True)
class HtmlParts:
    """Fields: title, text (main text), published ("" or YYYY-MM-DD), publisher ("")."""

    title: str
    text: str
    published: str
    publisher: str


class _Collector:
    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.buffer: list[str] = []
        self.prefix = ""

    def flush(self) -> None:
        text = " ".join("".join(self.buffer).split())
        if text:
            self.blocks.append(self.prefix + text)
        self.buffer.clear()
        self.prefix = ""

    def walk(self, root: Tag) -> None:
        """Collect the blocks under ``root`` with an explicit stack: a page nested
        thousands of levels deep must not hit Python's recursion limit."""
        stack: list[tuple[str, object]] = [("children", root)]
        while stack:
            op, arg = stack.pop()
            if op == "flush":
                self.flush()
            elif op == "prefix":
                self.prefix = str(arg)
            elif op == "text":
                self.buffer.append(str(arg))
            else:
                planned = [step for child in arg.children for step in _plan(child)]  # type: ignore[attr-defined]
                stack.extend(reversed(planned))


def _plan(child: object) -> list[tuple[str, object]]:
    """The steps one child node adds, in document order (see ``_Collector.walk``)."""
    if isinstance(child, _NOT_TEXT):
        return []
    if isinstance(child, NavigableString):
        return [("text", child)]
    if not isinstance(child, Tag) or child.name in _DROP:
        return []
    if child.name == "br":
        return [("text", " ")]
    if child.name in _HEADINGS:
        return [("flush", None), ("prefix", "#" * _HEADINGS[child.name] + " "), *_inside(child)]
    if child.name == "li":
        return [("flush", None), ("prefix", "- "), *_inside(child)]
    if child.name in _BLOCK:
        return [("flush", None), *_inside(child)]
    return [("children", child)]


def _inside(tag: Tag) -> list[tuple[str, object]]:
    return [("children", tag), ("flush", None)]


def _meta(soup: BeautifulSoup, *names: str) -> str:
    for name in names:
        tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
        if isinstance(tag, Tag) and tag.get("content"):
            return str(tag["content"]).strip()
    return ""


def _iso_date(value: str) -> str:
    match = re.match(r"\d{4}-\d{2}-\d{2}", value)
    if not match:
        return ""
    try:
        return dt.date.fromisoformat(match.group(0)).isoformat()
    except ValueError:
        return ""


# trafilatura's Markdown marks bold, italic and underlined runs; a quote shows the words.
_EMPHASIS = re.compile(r"(\*\*|__|\*)(?=\S)(.+?)(?<=\S)\1")


def _trafilatura_text(html: str) -> str | None:
    """trafilatura's main text of the page, or None when it is not installed or finds none."""
    try:
        import trafilatura  # the [html] extra: lxml and friends, only for HTML files
        from trafilatura.settings import use_config
    except ImportError:
        return None
    config = use_config()
    # Its defaults discard a main text under 250 characters for a cruder fallback; a
    # corpus note can be that short and our own extractor is the fallback here.
    for key in ("MIN_EXTRACTED_SIZE", "MIN_OUTPUT_SIZE"):
        config.set("DEFAULT", key, "1")
    try:
        text = trafilatura.extract(
            html,
            output_format="markdown",
            include_formatting=True,
            include_comments=False,
            include_tables=True,
            config=config,
        )
    except Exception as exc:  # a parser failure on a hostile page: use the built-in one
        logger.debug("trafilatura failed (%s: %s); using the built-in extractor",
                     type(exc).__name__, exc)  # fmt: skip
        return None
    if not text or not text.strip():
        return None
    return _EMPHASIS.sub(r"\2", text.replace("\r\n", "\n")).strip()


def html_to_document_parts(html: str) -> HtmlParts:
    """Title, main text and date/publisher metadata of an HTML page (main text by
    trafilatura when installed, else by the built-in extractor)."""
    soup = BeautifulSoup(html, "html.parser")
    title_tag = soup.find("title")
    title = " ".join(title_tag.get_text().split()) if title_tag else ""
    if not title:
        h1 = soup.find("h1")
        title = " ".join(h1.get_text().split()) if h1 else ""
    published = _iso_date(_meta(soup, "article:published_time", "date", "dc.date"))
    publisher = _meta(soup, "og:site_name", "publisher")
    text = _trafilatura_text(html)
    if text is None:
        for tag in soup.find_all(_DROP):
            tag.decompose()
        root = soup.find("main") or soup.find("article") or soup.find("body") or soup
        collector = _Collector()
        collector.walk(root)  # type: ignore[arg-type]
        collector.flush()
        text = "\n\n".join(collector.blocks)
    return HtmlParts(title=title, text=text, published=published, publisher=publisher)
