"""HTML main text: trafilatura (the [html] extra, installed with [dev]) and the built-in
fallback used without it or when trafilatura finds no main text."""

from __future__ import annotations

import sys

import pytest

from briefing.corpus.html_text import html_to_document_parts

PAGE = """<!doctype html><html><head><title>Rare earths: China suspends controls</title>
<meta property="article:published_time" content="2025-11-08T09:30:00Z">
<meta property="og:site_name" content="Example Wire"></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article>
<h1>China suspends the October export controls</h1>
<p>China's Ministry of Commerce suspended the October 9 measures for one year, starting
10 November 2025, after the leaders met in Busan.</p>
<h2>What the licences cover</h2>
<p>The general licences cover gallium, germanium and antimony exports to US end users,
officials said on Saturday.</p>
<div class="comments"><h3>Comments (0)</h3><p>Please sign in to comment.</p></div>
<div class="related"><p>ALSO READ | Beijing's new rules for magnet makers</p></div>
<p>Analysts expect shipments to recover within months, according to Reuters, though
exporters still need a licence for each military end user.</p>
</article>
<footer>Copyright 2025 Example Wire</footer></body></html>"""
STORY = (
    "China's Ministry of Commerce suspended the October 9 measures",
    "The general licences cover gallium, germanium and antimony",
    "Analysts expect shipments to recover within months",
)


def test_trafilatura_drops_the_boilerplate_inside_the_article() -> None:
    import trafilatura  # noqa: F401  (the [html] extra is a dev dependency: CI runs this)

    parts = html_to_document_parts(PAGE)
    assert parts.title == "Rare earths: China suspends controls"
    assert parts.published == "2025-11-08"
    assert parts.publisher == "Example Wire"
    assert "## What the licences cover" in parts.text
    for sentence in STORY:
        assert " ".join(sentence.split()) in " ".join(parts.text.split())
    for furniture in ("Comments (0)", "sign in", "ALSO READ", "Home", "Copyright"):
        assert furniture not in parts.text


def test_trafilatura_emphasis_is_plain_text() -> None:
    page = PAGE.replace("suspended the October 9", "<b>suspended</b> the <i>October 9</i>")
    text = html_to_document_parts(page).text
    assert "suspended the October 9 measures" in text
    assert "*" not in text


def test_without_trafilatura_the_built_in_extractor_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # as if the extra were missing
    parts = html_to_document_parts(PAGE)
    assert parts.title == "Rare earths: China suspends controls"
    assert parts.text.startswith("# China suspends the October export controls\n\n")
    for sentence in STORY:
        assert " ".join(sentence.split()) in " ".join(parts.text.split())
    # Tags name no boilerplate here, so the built-in extractor keeps it; the answerer's
    # and the briefings' page-furniture filter drops such sentences later.
    assert "### Comments (0)" in parts.text
    assert "ALSO READ | Beijing's new rules" in parts.text
    assert "Home" not in parts.text and "Copyright" not in parts.text


def test_a_page_trafilatura_finds_no_text_in_falls_back() -> None:
    parts = html_to_document_parts("<html><body><div><p>Antimony notes.</p></div></body></html>")
    assert parts.text == "Antimony notes."
