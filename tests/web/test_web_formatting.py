"""Formatting of answers for the web chat: footnotes, escaping, abstentions, sources."""

from __future__ import annotations

import re

from briefing.types import Answer, Citation, DocumentInfo
from briefing.web import formatting as fmt

SCRIPT = "<script>alert('x')</script>"


def cite(marker: int, **over: object) -> Citation:
    fields: dict[str, object] = {
        "marker": marker,
        "doc_id": f"doc-{marker}",
        "title": f"Title {marker}",
        "source": "Reuters",
        "published": "2025-12-02",
        "url": "https://www.reuters.com/x",
        "chunk_id": f"chunk-{marker}",
        "quote": f"quote number {marker}",
        "start": 10,
        "end": 24,
    }
    fields.update(over)
    return Citation(**fields)  # type: ignore[arg-type]


def answer(text: str, citations: tuple[Citation, ...] = (), **over: object) -> Answer:
    fields: dict[str, object] = {
        "question": "Which firms?",
        "standalone_question": "Which firms?",
        "text": text,
        "citations": citations,
    }
    fields.update(over)
    return Answer(**fields)  # type: ignore[arg-type]


def test_markers_become_footnote_links_to_the_turns_sources() -> None:
    html = fmt.render_answer(answer("A got one [1]. B too [2].", (cite(1), cite(2))), turn=3)
    links = re.findall(r'<a class="cite-link" href="#(src-\d+-\d+)"[^>]*>\[(\d)\]</a>', html)
    assert links == [("src-3-1", "1"), ("src-3-2", "2")]
    assert '<sup class="cite">' in html


def test_grouped_markers_split_into_separate_links() -> None:
    html = fmt.render_answer(answer("Both [1, 2].", (cite(1), cite(2))), turn=1)
    assert 'href="#src-1-1"' in html and 'href="#src-1-2"' in html
    assert "[1, 2]" not in html


def test_marker_without_citation_stays_plain_text() -> None:
    html = fmt.render_answer(answer("Claim [7].", (cite(1),)), turn=1)
    assert "src-1-7" not in html
    assert "&#91;7&#93;" in html  # visible, escaped, not a link


def test_answer_text_is_escaped_including_markdown() -> None:
    html = fmt.render_answer(answer(f"{SCRIPT} **bold** [1]", (cite(1),)), turn=1)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "**" not in html and "&#42;&#42;bold" in html


def test_question_is_escaped_in_user_message_and_standalone_line() -> None:
    assert "<script>" not in fmt.render_user(SCRIPT)
    a = answer("Fine [1].", (cite(1),), question="And them?", standalone_question=SCRIPT)
    html = fmt.render_answer(a, turn=2)
    assert '<div class="standalone">' in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_standalone_line_only_when_the_question_was_rewritten() -> None:
    same = answer("x [1].", (cite(1),), question="Who?", standalone_question="who")
    assert "standalone" not in fmt.render_answer(same, turn=1)
    other = answer("x [1].", (cite(1),), question="Who?", standalone_question="Who got licences?")
    html = fmt.render_answer(other, turn=1)
    assert "Searched for:" in html and "Who got licences?" in html


def test_abstention_is_styled_and_lists_nearest_sources() -> None:
    a = answer(
        "The corpus does not say.",
        abstained=True,
        reason="no passage mentions tariffs",
        nearest=(cite(1, title="Near one"), cite(2, title=SCRIPT)),
    )
    html = fmt.render_answer(a, turn=4)
    assert '<div class="abstain">' in html
    assert "Not in the corpus" in html
    assert "Near one" in html and 'href="#src-4-n1"' in html and 'href="#src-4-n2"' in html
    assert "<script>" not in html
    assert '<div class="answer">' not in html


def test_sources_panel_lists_documents_with_highlighted_quote_in_context() -> None:
    c1 = cite(1, title="First licences", quote="three magnet makers")
    a = answer("Three firms [1].", (c1,))
    view = fmt.SourceView(
        turn=1,
        answer=a,
        contexts={
            fmt.context_key(c1): ("Reuters reported that ", "three magnet makers", " got them.")
        },
    )
    html = fmt.render_sources([view])
    assert 'id="src-1-1"' in html
    assert "First licences" in html and "Reuters" in html and "2025-12-02" in html
    assert 'href="https://www.reuters.com/x"' in html and 'rel="noopener noreferrer"' in html
    assert "Reuters reported that <mark>three magnet makers</mark> got them." in html


def test_sources_panel_escapes_title_quote_and_context_and_drops_unsafe_links() -> None:
    c1 = cite(1, title=SCRIPT, source=SCRIPT, quote=SCRIPT, url="javascript:alert(1)")
    view = fmt.SourceView(
        turn=1,
        answer=answer("x [1].", (c1,)),
        contexts={fmt.context_key(c1): (SCRIPT, SCRIPT, "<img src=x onerror=alert(1)>")},
    )
    html = fmt.render_sources([view])
    assert "<script>" not in html and "<img" not in html
    assert "javascript:" not in html
    assert html.count("&lt;script&gt;") >= 4


def test_sources_panel_groups_by_document_latest_turn_first() -> None:
    a1 = answer("x [1] [2].", (cite(1, doc_id="d"), cite(2, doc_id="d")), question="first")
    a2 = answer("y [1].", (cite(1, doc_id="e"),), question="second")
    html = fmt.render_sources([fmt.SourceView(1, a1), fmt.SourceView(2, a2)])
    assert html.index("second") < html.index("first")
    assert html.count('<section class="src-doc">') == 2  # d once (two passages), e once
    assert 'id="src-1-2"' in html and 'id="src-2-1"' in html


def test_abstention_sources_use_nearest_ids() -> None:
    a = answer("Not known.", abstained=True, nearest=(cite(1),))
    html = fmt.render_sources([fmt.SourceView(5, a)])
    assert 'id="src-5-n1"' in html and "Nearest passages" in html


def test_context_is_trimmed_at_word_breaks() -> None:
    before, after = fmt.trim_context("word " * 200, " tail" * 200, chars=50)
    assert before.startswith("…") and len(before) <= 52
    assert after.endswith("…") and len(after) <= 52


def test_streaming_text_is_escaped() -> None:
    assert "<script>" not in fmt.render_streaming(SCRIPT)


def test_notice_escapes_file_name() -> None:
    html = fmt.render_notice(f"Rejected {SCRIPT}.pdf: too big", ok=False)
    assert "<script>" not in html and 'class="notice bad"' in html


def test_document_rows_are_plain_values_newest_first() -> None:
    rows = fmt.document_rows(
        [
            DocumentInfo("a", "Old", "news", "2024-01-01", "X", "", 3),
            DocumentInfo("b", SCRIPT, "official", "2025-05-05", "Y", "", 4),
        ]
    )
    assert rows[0] == [SCRIPT, "official", "2025-05-05", "Y", 4, "b"]
    assert rows[1][0] == "Old"


def test_safe_url_accepts_only_http() -> None:
    assert fmt.safe_url("https://a.b/c") == "https://a.b/c"
    assert fmt.safe_url("JavaScript:alert(1)") == ""
    assert fmt.safe_url("data:text/html,x") == ""
    assert fmt.safe_url("") == ""


def test_escaping_matches_html_escape_and_never_double_escapes() -> None:
    import html

    plain = 'Ford\'s <b>suppliers</b> & "partners"'
    assert fmt.escape_text(plain) == html.escape(plain, quote=True)
    tricky = "a's #1 [x] *y* _z_ `c` & &amp; \\ ~ | $"
    assert html.unescape(fmt.escape_text(tricky)) == tricky
