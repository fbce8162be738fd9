"""End to end in a real browser: Debian's chromium driven by Playwright.

Never downloads a browser: it launches /usr/bin/chromium and FAILS when that or
Playwright is missing (CI must not pass without the browser tests; deselect them
knowingly with ``-m "not browser"``). Screenshots go to ``test-output/``; with
``BRIEFING_UPDATE_SCREENSHOT=1`` the main view is also written to docs/screenshot.png.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from webkit import OUTPUT, REPO, Served

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
FIRST = "Which companies received the first general licences?"
FOLLOW_UP = "How long do those licences last?"
ANSWER_WAIT_MS = 240_000  # the first answer loads the embedding model


def browser_missing(chromium: Path = CHROMIUM) -> str:
    """Why the browser tests cannot run here, or "" when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed: pip install -e '.[dev]' (make setup-dev)"
    if not chromium.exists():
        return (
            f"Debian chromium is not installed at {chromium}: make browser "
            "(apt-get install chromium), or deselect with -m 'not browser'"
        )
    return ""


def test_a_missing_chromium_fails_the_run_instead_of_skipping(tmp_path: Path) -> None:
    assert "chromium is not installed" in browser_missing(tmp_path / "no-chromium")
    assert browser_missing() == ""  # here, and in CI, the real browser is present


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    missing = browser_missing()
    if missing:
        pytest.fail(missing, pytrace=False)
    from playwright import sync_api

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, served: Served):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(served.url)
    page.wait_for_selector("#question textarea", timeout=60_000)
    page.js_errors = errors  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()


def ask(page, question: str, n_answers: int) -> object:  # type: ignore[no-untyped-def]
    """Type ``question``, press Enter, wait for the n-th final answer and return it."""
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")
    finals = page.locator("#chat [data-testid=bot] :is(.answer, .abstain)")
    finals.nth(n_answers - 1).wait_for(timeout=ANSWER_WAIT_MS)
    return page.locator("#chat [data-testid=bot]").nth(n_answers - 1)


def test_chat_citations_follow_up_and_feedback(page, served: Served) -> None:  # type: ignore[no-untyped-def]
    OUTPUT.mkdir(exist_ok=True)

    # 1. A question gets a cited answer naming the licensed firms.
    first = ask(page, FIRST, 1)
    assert "JL Mag" in first.inner_text()
    markers = first.locator("a.cite-link")
    assert markers.count() >= 1
    sources = page.locator("#sources")
    assert "Which companies received" in sources.inner_text()

    # 2. Clicking a marker opens and highlights its passage in the sources panel.
    marker = markers.nth(0)
    target = marker.get_attribute("href")
    assert target and target.startswith("#src-1-")
    passage = page.locator(f"{target}")
    assert not passage.evaluate("el => el.open")
    marker.click()
    page.wait_for_function(
        "id => { const el = document.getElementById(id);"
        " return el && el.open && el.classList.contains('active'); }",
        arg=target[1:],
        timeout=10_000,
    )
    highlighted = passage.locator("mark")
    assert highlighted.is_visible()
    quote = highlighted.inner_text().strip()
    assert quote and quote[:40] in " ".join(first.inner_text().split())
    page.screenshot(path=str(OUTPUT / "web-answer.png"))
    if os.environ.get("BRIEFING_UPDATE_SCREENSHOT") == "1":
        (REPO / "docs").mkdir(exist_ok=True)
        shutil.copy(OUTPUT / "web-answer.png", REPO / "docs" / "screenshot.png")

    # 3. A follow-up is answered in context; the rewritten question shows under it.
    second = ask(page, FOLLOW_UP, 2)
    standalone = second.locator(".standalone")
    assert standalone.is_visible()
    searched = standalone.inner_text()
    assert "Searched for" in searched and "general licence" in searched.lower()
    assert "Q2" in sources.inner_text()

    # 4. Thumbs down on the follow-up with a comment lands in the feedback log.
    page.locator("#chat button[aria-label='Dislike']").nth(1).click()
    page.locator("#feedback-comment textarea:visible").wait_for(timeout=30_000)
    assert "not helpful" in page.locator("#feedback-status:visible").inner_text()
    page.fill("#feedback-comment textarea:visible", "should give the validity period")
    page.click("#feedback-send:visible")
    page.get_by_text("Comment saved for answer 2").wait_for(timeout=30_000)
    page.screenshot(path=str(OUTPUT / "web-follow-up-feedback.png"), full_page=True)

    lines = served.settings.feedback_path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    last = records[-1]
    assert last["rating"] == "down"
    assert last["comment"] == "should give the validity period"
    assert last["question"] == FOLLOW_UP
    assert last["history"] == [FIRST]
    assert last["answer_text"]
    assert {r["id"] for r in records} == {last["id"]}  # the rating, then the same id + comment
    assert page.js_errors == []


def test_sessions_do_not_share_history(browser, served: Served) -> None:  # type: ignore[no-untyped-def]
    pages = []
    for _ in range(2):
        context = browser.new_context()
        pages.append(context.new_page())
        pages[-1].goto(served.url)
        pages[-1].wait_for_selector("#question textarea", timeout=60_000)
    try:
        ask(pages[0], FIRST, 1)
        # The other session asks the follow-up cold: no history, so no rewrite to show.
        lone = ask(pages[1], FOLLOW_UP, 1)
        assert lone.locator(".standalone").count() == 0
        assert "Which companies" not in pages[1].locator("#chat").inner_text()
        # "New conversation" empties the chat and the sources of that session only.
        pages[0].click("#new-conversation")
        pages[0].wait_for_function(
            "() => document.querySelectorAll('#chat [data-testid=bot]').length === 0"
        )
        assert "Sources for each answer appear here" in pages[0].locator("#sources").inner_text()
        assert pages[1].locator("#chat [data-testid=bot]").count() == 1
    finally:
        for p in pages:
            p.context.close()


def test_documents_tab_lists_corpus_and_escapes_uploads(
    page, served: Served, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("tab", name="Documents").click()
    table = page.locator("#documents")
    table.get_by_text("China's first rare-earth general licences").first.wait_for(
        timeout=ANSWER_WAIT_MS
    )

    hostile = tmp_path / "note-<img src=x onerror=window.pwned=1>.md"
    hostile.write_text(
        '---\nid: staff-note\ntitle: "<script>window.pwned=2</script> Staff note"\n'
        "kind: analysis\n"
        'published: "2026-01-05"\n---\nA staff note about cobalt stockpiles in Finland.\n',
        encoding="utf-8",
    )
    page.set_input_files("#upload input[type=file]", str(hostile))
    page.click("#upload-btn")
    page.locator("#upload-message .notice.ok").wait_for(timeout=ANSWER_WAIT_MS)
    assert "Added note-" in page.locator("#upload-message").inner_text()
    table.get_by_text("Staff note").first.wait_for(timeout=30_000)
    assert "<script>window.pwned=2</script> Staff note" in table.inner_text()  # text, not run
    page.screenshot(path=str(OUTPUT / "web-documents.png"), full_page=True)
    assert page.evaluate("() => window.pwned") is None

    # Over the size limit: Gradio refuses the upload itself, with a clear message.
    too_big = tmp_path / "big.txt"
    too_big.write_text("word " * 10_000, encoding="utf-8")  # over the 20 kB test limit
    page.set_input_files("#upload input[type=file]", str(too_big))
    page.get_by_text("exceed the maximum allowed size").wait_for(timeout=30_000)

    # A file the corpus loader refuses: the rejection names the file, escaped.
    broken = tmp_path / "broken<b>.md"
    broken.write_text("---\ntitle: [unclosed\n---\nBody text here.\n", encoding="utf-8")
    page.set_input_files("#upload input[type=file]", str(broken))
    page.click("#upload-btn")
    page.locator("#upload-message .notice.bad").get_by_text("Rejected broken").wait_for(
        timeout=60_000
    )
    assert page.locator("#upload-message b").count() == 0
    assert "Staff note" in table.inner_text()  # the corpus is still there


def test_briefing_tab_generate_footnote_download(page, served: Served, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    OUTPUT.mkdir(exist_ok=True)
    page.get_by_role("tab", name="Briefing").click()
    page.fill("#brief-topic textarea, #brief-topic input", "the suspensions")
    page.locator("#brief-kind input").click()
    page.get_by_role("option", name="Timeline").click()
    page.click("#brief-go")
    points = page.locator("#briefing .briefing-points .point")
    points.first.wait_for(timeout=ANSWER_WAIT_MS)
    assert "Timeline: the suspensions" in page.locator("#briefing").inner_text()
    assert points.count() >= 3
    dates = page.locator("#briefing .point").all_inner_texts()
    assert any("November 2026" in d or "Nov 2026" in d for d in dates)

    # A footnote opens and highlights its passage in the briefing's sources panel.
    marker = page.locator("#briefing a.cite-link").first
    target = marker.get_attribute("href")
    assert target and target.startswith("#src-b-")
    marker.click()
    page.wait_for_function(
        "id => { const el = document.getElementById(id);"
        " return el && el.open && el.classList.contains('active'); }",
        arg=target[1:],
        timeout=10_000,
    )
    quote = page.locator(f"{target} mark").inner_text().strip()
    assert quote and quote[:30] in " ".join(page.locator("#briefing").inner_text().split())
    page.screenshot(path=str(OUTPUT / "web-briefing.png"))
    if os.environ.get("BRIEFING_UPDATE_SCREENSHOT") == "1":
        (REPO / "docs").mkdir(exist_ok=True)
        shutil.copy(OUTPUT / "web-briefing.png", REPO / "docs" / "briefing.png")

    # Download as Markdown: the same points, with footnotes and a sources list.
    with page.expect_download(timeout=30_000) as info:
        page.click("#brief-download")
    saved = tmp_path / "briefing.md"
    info.value.save_as(saved)
    markdown = saved.read_text(encoding="utf-8")
    assert markdown.startswith("# Timeline: the suspensions")
    assert "[^1]:" in markdown and "## Sources" in markdown
    assert page.js_errors == []


def test_documents_tab_shows_three_point_summaries(page, served: Served) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("tab", name="Documents").click()
    summaries = page.locator("#doc-summaries .doc-summary")
    summaries.first.wait_for(timeout=ANSWER_WAIT_MS)
    assert summaries.count() >= 9
    first = summaries.first
    first.locator("> summary").click()
    assert 1 <= first.locator(".point").count() <= 3
    assert first.locator("a.cite-link").count() >= 1
