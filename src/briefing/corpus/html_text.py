"""Main text of an HTML page as Markdown-ish plain text.

Drops scripts, styles, navigation, headers, footers and asides; prefers ``<main>`` or
``<article>`` when present. Headings become ``## `` lines, list items ``- `` lines, and
blocks are separated by blank lines, so the chunker sees the same structure as in
Markdown files. Uses BeautifulSoup with the built-in ``html.parser`` (no lxml needed).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from bs4.element import Declaration, Doctype, ProcessingInstruction

__all__ = ["HtmlParts", "html_to_document_parts"]

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


def html_to_document_parts(html: str) -> HtmlParts:
    """Title, main text and date/publisher metadata of an HTML page."""
    soup = BeautifulSoup(html, "html.parser")
    title_tag = soup.find("title")
    title = " ".join(title_tag.get_text().split()) if title_tag else ""
    if not title:
        h1 = soup.find("h1")
        title = " ".join(h1.get_text().split()) if h1 else ""
    published = _iso_date(_meta(soup, "article:published_time", "date", "dc.date"))
    publisher = _meta(soup, "og:site_name", "publisher")
    for tag in soup.find_all(_DROP):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.find("body") or soup
    collector = _Collector()
    collector.walk(root)  # type: ignore[arg-type]
    collector.flush()
    return HtmlParts(
        title=title, text="\n\n".join(collector.blocks), published=published, publisher=publisher
    )
