"""Hostile or odd corpus files: each is refused or loaded safely, with a message naming it.

Issue 10 items 2 (YAML alias expansion), 4 (file and chunk sizes), 7 (non-Latin names,
lenient loading), 8 (deep HTML), 9 (symlinks) and the lesser ones (UTF-16, unclosed
front matter).
"""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from briefing.corpus import load_corpus, load_file, parse_file
from briefing.corpus.loaders import SkipFile, slugify
from briefing.errors import CorpusError
from fakes.hostile import billion_laughs

GOOD = "---\nid: good\ntitle: Good\nkind: news\n---\nA good document about gallium.\n"


def test_yaml_aliases_are_refused_fast_and_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "laughs.md"
    path.write_text(billion_laughs(), encoding="utf-8")
    assert path.stat().st_size < 700
    tracemalloc.start()
    try:
        with pytest.raises(CorpusError) as info:
            load_file(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(path) in str(info.value)
    assert "anchor or alias" in str(info.value) and "line 5" in str(info.value)
    assert peak < 5_000_000  # bytes: nothing was expanded


def test_a_single_alias_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_text(
        "---\nid: x\ntitle: &t Title\nkind: news\nextra: *t\n---\nBody.\n", encoding="utf-8"
    )
    with pytest.raises(CorpusError, match="anchor or alias"):
        load_file(path)


def test_huge_front_matter_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_text(
        "---\nid: x\ntitle: T\nkind: news\nnote: " + "y" * 30_000 + "\n---\nBody.\n",
        encoding="utf-8",
    )
    with pytest.raises(CorpusError, match="front matter is 30,0"):
        load_file(path)


def test_unclosed_front_matter_is_an_error_not_a_document_titled_dashes(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_text("---\nid: x\ntitle: T\nkind: news\n\nThe body.\n", encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        load_file(path)
    assert str(path) in str(info.value) and "never closed" in str(info.value)


def test_files_over_the_size_limit_are_skipped_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("Gallium exports rose. " * 2_000, encoding="utf-8")
    with pytest.raises(SkipFile, match="over the limit of 10,000 per file"):
        parse_file(big, max_bytes=10_000)
    result = load_corpus(tmp_path, max_file_bytes=10_000)
    assert result.documents == ()
    assert result.skipped[0][0] == str(big) and "max_file_bytes" in result.skipped[0][1]
    assert load_corpus(tmp_path).documents  # the default limit (5 MB) admits it


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_loads(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "note.txt"
    text = "Gallium exports fell 12% in October — customs data.\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    doc = load_file(path)
    assert doc is not None and doc.text == text


def test_utf16_without_a_byte_order_mark_is_named_not_binary(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes("Gallium exports fell in October.".encode("utf-16-le"))
    with pytest.raises(SkipFile, match="UTF-16 text without a byte-order mark"):
        parse_file(path)
    (tmp_path / "bin.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(SkipFile, match="binary file"):
        parse_file(tmp_path / "bin.txt")


def test_non_latin_file_names_get_distinct_readable_ids(tmp_path: Path) -> None:
    for name in ("中文.txt", "日本語.txt", "中問.txt"):
        (tmp_path / name).write_text(f"Text of {name}: gallium.\n", encoding="utf-8")
    docs = load_corpus(tmp_path).documents
    ids = sorted(d.id for d in docs)
    assert len(set(ids)) == 3
    assert any(i.startswith("zhongwen-") for i in ids)
    assert any(i.startswith("ribenyu-") for i in ids)
    assert slugify("中文") == slugify("中文")  # stable
    assert slugify("licences-2025") == "licences-2025"  # ASCII names unchanged
    assert slugify("Café Notes").startswith("cafe-notes-")


def test_deeply_nested_html_is_walked_without_recursion(tmp_path: Path) -> None:
    depth = 5_000
    html = (
        "<html><head><title>Deep</title></head><body>"
        + "<div><span>" * depth
        + "Gallium exports fell in October."
        + "</span></div>" * depth
        + "<nav>"
        + "<div>" * depth
        + "menu</nav></body></html>"
    )
    path = tmp_path / "deep.html"
    path.write_text(html, encoding="utf-8")
    doc = load_file(path)
    assert doc is not None
    assert doc.text == "Gallium exports fell in October."


def test_symlinks_out_of_the_corpus_are_skipped_with_a_warning(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("The admin password is hunter2.\n", encoding="utf-8")
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "notes.txt").write_text("Private notes.\n", encoding="utf-8")
    (corpus / "good.md").write_text(GOOD, encoding="utf-8")
    (corpus / "inside.txt").write_text("Inside the corpus.\n", encoding="utf-8")
    os.symlink(secret, corpus / "leak.txt")
    os.symlink(tmp_path / "private", corpus / "private")
    os.symlink(corpus / "inside.txt", corpus / "alias.txt")  # stays inside: allowed
    result = load_corpus(corpus)
    assert sorted(d.id for d in result.documents) == ["alias", "good", "inside"]
    assert all("hunter2" not in d.text for d in result.documents)
    reasons = dict(result.skipped)
    assert "outside the corpus folder" in reasons[str(corpus / "leak.txt")]
    assert "not followed" in reasons[str(corpus / "private")]


def test_lenient_loading_leaves_out_bad_files_and_reports_them(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "twin.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "laughs.md").write_text(billion_laughs(), encoding="utf-8")
    with pytest.raises(CorpusError):
        load_corpus(tmp_path)
    result = load_corpus(tmp_path, strict=False)
    assert [d.id for d in result.documents] == ["good"]
    assert len(result.errors) == 2
    assert any("duplicate document id 'good'" in e for e in result.errors)
    assert any("laughs.md" in e and "alias" in e for e in result.errors)
