"""Loaders: each format, skip reasons, front-matter errors, duplicate ids."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest

from briefing.corpus import LoadResult, content_hash, load_corpus, load_file
from briefing.errors import CorpusError
from briefing.types import SourceRef

MD = """---
id: april-controls
title: "April 2025 controls"
kind: official
published: 2025-04-04
publisher: Test desk
sources:
  - name: MOFCOM
    url: https://english.mofcom.gov.cn
  - name: Reuters
region: China
as_of: 2025-05-01
---
# April controls

Seven elements were listed.
"""


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def minimal_pdf(lines: list[str], title: str = "") -> bytes:
    """A valid one-page PDF with ``lines`` of Helvetica text and an optional Info title."""
    ops = ["BT", "/F1 12 Tf", "72 720 Td", "14 TL"]
    for line in lines:
        ops.append(
            "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T*"
        )
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title (" + title.encode("latin-1") + b") >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


# --- formats -------------------------------------------------------------------------


def test_markdown_front_matter_and_exact_body(tmp_path: Path) -> None:
    path = write(tmp_path / "april.md", MD)
    doc = load_file(path, root=tmp_path)
    assert doc is not None
    assert doc.id == "april-controls"
    assert doc.title == "April 2025 controls"
    assert doc.kind == "official"
    assert doc.published == "2025-04-04"  # YAML date -> ISO string
    assert doc.publisher == "Test desk"
    assert doc.sources == (
        SourceRef("MOFCOM", "https://english.mofcom.gov.cn"),
        SourceRef("Reuters", ""),
    )
    assert doc.extra == {"region": "China", "as_of": "2025-05-01"}
    assert doc.text == "# April controls\n\nSeven elements were listed.\n"
    assert doc.path == "april.md"


def test_markdown_published_string_and_absent(tmp_path: Path) -> None:
    text = MD.replace("published: 2025-04-04", 'published: "2025-04-04"')
    assert load_file(write(tmp_path / "a.md", text)).published == "2025-04-04"  # type: ignore[union-attr]
    text = MD.replace("published: 2025-04-04\n", "")
    assert load_file(write(tmp_path / "b.md", text)).published == ""  # type: ignore[union-attr]


def test_markdown_without_front_matter_falls_back_to_stem(tmp_path: Path) -> None:
    doc = load_file(write(tmp_path / "Plain Notes.md", "# Notes\n\nSome text.\n"))
    assert doc is not None
    assert (doc.id, doc.title, doc.kind) == ("plain-notes", "Notes", "news")


def test_txt(tmp_path: Path) -> None:
    text = "\n  Rare Earth Update \nChina granted licences.\r\nMore text.\n"
    doc = load_file(write(tmp_path / "Rare Earth_Update.txt", text))
    assert doc is not None
    assert doc.id == "rare-earth-update"
    assert doc.title == "Rare Earth Update"
    assert doc.kind == "news"
    assert doc.text == "\n  Rare Earth Update \nChina granted licences.\nMore text.\n"


def test_html_main_text_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The built-in extractor (the fallback without the [html] extra; see test_html_text).
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    html = """<!doctype html><html><head><title>Licences granted</title>
    <meta property="article:published_time" content="2025-12-02T08:00:00Z">
    <meta property="og:site_name" content="Example News">
    <style>p { color: red }</style><script>var x = "tracking";</script></head>
    <body><nav>Home | World</nav><header>Site header</header>
    <main><h1>China grants licences</h1><p>Three firms got <b>general</b> licences.<br>
    More to come.</p><h2>Who</h2><ul><li>JL Mag</li><li>Ningbo Yunsheng</li></ul>
    <aside>Related: other story</aside></main>
    <footer>Copyright</footer></body></html>"""
    doc = load_file(write(tmp_path / "news.html", html))
    assert doc is not None
    assert doc.id == "news"
    assert doc.title == "Licences granted"
    assert doc.published == "2025-12-02"
    assert doc.publisher == "Example News"
    assert doc.text == (
        "# China grants licences\n\nThree firms got general licences. More to come.\n\n"
        "## Who\n\n- JL Mag\n\n- Ningbo Yunsheng"
    )
    for noise in ("tracking", "color", "Home", "Site header", "Related", "Copyright"):
        assert noise not in doc.text


def test_html_title_falls_back_to_h1(tmp_path: Path) -> None:
    doc = load_file(write(tmp_path / "x.htm", "<body><h1>Heading one</h1><p>Body.</p></body>"))
    assert doc is not None and doc.title == "Heading one"


def test_pdf_text_and_title(tmp_path: Path) -> None:
    pdf = minimal_pdf(["China granted general licences.", "They last one year."], "PDF title")
    doc = load_file(write(tmp_path / "brief.pdf", pdf))
    assert doc is not None
    assert doc.id == "brief"
    assert doc.title == "PDF title"
    assert "China granted general licences." in doc.text
    assert "They last one year." in doc.text


def test_pdf_title_falls_back_to_first_line(tmp_path: Path) -> None:
    doc = load_file(write(tmp_path / "b.pdf", minimal_pdf(["First line here", "Second."])))
    assert doc is not None and doc.title == "First line here"


# --- skipping ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("data.docx", "text", "unsupported file type '.docx'"),
        ("noext", "text", "unsupported file type '(none)'"),
        ("bin.txt", b"abc\x00def", "binary"),
        ("latin.txt", "caf\xe9 cr\xe8me".encode("latin-1"), "not UTF-8"),
        ("empty.txt", "", "empty"),
        ("blank.md", " \n\t\n", "empty"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "PDF"),
        ("body.md", "---\nid: a\ntitle: A\nkind: news\n---\n\n", "no text after"),
    ],
)
def test_unusable_files_are_skipped_with_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str, content: str | bytes, reason: str
) -> None:
    path = write(tmp_path / name, content)
    with caplog.at_level(logging.WARNING, logger="briefing.corpus"):
        assert load_file(path) is None
    assert name in caplog.text and reason in caplog.text
    result = load_corpus(tmp_path)
    assert result.documents == ()
    assert len(result.skipped) == 1
    assert result.skipped[0][0] == str(path) and reason in result.skipped[0][1]


def test_walk_is_sorted_recursive_and_ignores_readme_and_hidden(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", "Bee\nText b.\n")
    write(tmp_path / "a.txt", "Ay\nText a.\n")
    write(tmp_path / "sub" / "c.txt", "Cee\nText c.\n")
    write(tmp_path / "README.md", "# How to add documents\n")
    write(tmp_path / ".hidden.txt", "Hidden\n")
    write(tmp_path / ".git" / "d.txt", "In a hidden dir\n")
    write(tmp_path / "sub" / "readme.md", "# Sub readme\n")
    result = load_corpus(tmp_path)
    assert isinstance(result, LoadResult)
    assert [d.id for d in result.documents] == ["a", "b", "c"]
    assert [d.path for d in result.documents] == ["a.txt", "b.txt", "sub/c.txt"]
    assert result.skipped == ()


def test_several_paths_and_single_file(tmp_path: Path) -> None:
    one = write(tmp_path / "one" / "x.txt", "X\nText.\n")
    write(tmp_path / "two" / "y.txt", "Y\nText.\n")
    result = load_corpus([one, tmp_path / "two"])
    assert [d.id for d in result.documents] == ["x", "y"]


def test_missing_corpus_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="nope"):
        load_corpus(tmp_path / "nope")


def test_vanished_file_is_skipped_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path / "ok.txt", "Ok\nText.\n")
    # A dangling symlink is listed by the walk but cannot be read: the same path as a
    # file deleted between listing and reading.
    (tmp_path / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    result = load_corpus(tmp_path)
    assert [d.id for d in result.documents] == ["ok"]
    assert result.skipped == ((str(tmp_path / "gone.txt"), "file vanished while loading"),)
    assert load_file(tmp_path / "gone.txt") is None


def test_duplicate_ids_name_both_files(tmp_path: Path) -> None:
    write(tmp_path / "a.md", MD)
    write(tmp_path / "b.md", MD)
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path)
    message = str(info.value)
    assert "april-controls" in message and "a.md" in message and "b.md" in message


def test_duplicate_stem_ids_across_formats(tmp_path: Path) -> None:
    write(tmp_path / "note.txt", "Note\nText.\n")
    write(tmp_path / "note.html", "<p>Text.</p>")
    with pytest.raises(CorpusError, match="note.html.*note.txt|note.txt.*note.html"):
        load_corpus(tmp_path)


# --- malformed front matter -------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("kind: official", "kind: blog", "field 'kind' must be one of news, official"),
        ("kind: official\n", "", "missing required field 'kind'"),
        ('title: "April 2025 controls"\n', "", "missing required field 'title'"),
        ("id: april-controls", "id: [a, b]", "field 'id' must be a non-empty string"),
        ("id: april-controls", "id: 'has space'", "field 'id' may hold only"),
        ("published: 2025-04-04", "published: 2025-13-45", "field 'published'"),
        ("published: 2025-04-04", "published: last spring", "got 'last spring'"),
        ("  - name: Reuters", "  - 42", "field 'sources[1]'"),
        ("  - name: MOFCOM", "  - name: ''", "field 'sources[0].name'"),
        ("sources:", "sources: Reuters\nx:", "field 'sources' must be a list"),
        ("publisher: Test desk", "publisher: [1]", "field 'publisher'"),
        ("region: China", "region: [unclosed", "not valid YAML"),
    ],
)
def test_malformed_front_matter_names_file_and_field(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    assert old in MD
    path = write(tmp_path / "x.md", MD.replace(old, new, 1))
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_front_matter_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path / "x.md", "---\n- a\n- b\n---\nBody.\n")
    with pytest.raises(CorpusError, match="must be a mapping"):
        load_file(path)


# --- content hash -----------------------------------------------------------------------


def test_content_hash_changes_with_text_and_metadata(tmp_path: Path) -> None:
    base = load_file(write(tmp_path / "a.md", MD))
    same = load_file(write(tmp_path / "b.md", MD))
    edited = load_file(write(tmp_path / "c.md", MD.replace("Seven", "Eight")))
    retitled = load_file(write(tmp_path / "d.md", MD.replace('"April 2025', '"April')))
    assert base and same and edited and retitled
    assert content_hash(base) == content_hash(same)
    assert content_hash(base) != content_hash(edited)
    assert content_hash(base) != content_hash(retitled)
