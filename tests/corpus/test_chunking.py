"""Chunking invariants: exact offsets, whole sentences, heading paths, stable ids, sizes."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from briefing.corpus import chunk_document, load_corpus, sentence_spans
from briefing.corpus.sentences import MAX_SENTENCE_CHARS
from briefing.types import Chunk, Document, SourceRef

REPO_CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SEED_LIKE = """China's rare earth export restrictions have long been a flashpoint. For months, \
Beijing kept tight controls.
The October 30 summit in Busan marked a turning point.
What Triggered China's Rare Earth Controls in the First Place
China had escalated its export restrictions on rare earth magnets in October 2025.
These measures responded directly to mounting tariff pressures.
Did you know?
China controls approximately 85 to 90 percent of the world's rare earth refining capacity.
How the Agreement Changes the Landscape
The Busan summit resulted in a suspension of the October restrictions for one full year.
"""


def make_doc(text: str, **kw: object) -> Document:
    fields: dict[str, object] = {
        "id": "doc",
        "title": "A title",
        "kind": "analysis",
        "published": "2025-12-02",
        "sources": (SourceRef("Reuters", "https://reuters.com/x"),),
        "text": text,
        "path": "doc.md",
    }
    fields.update(kw)
    return Document(**fields)  # type: ignore[arg-type]


def sentence(i: int, words: int) -> str:
    body = " ".join(f"word{i}x{j}" for j in range(words))
    return f"Sentence {i} says {body}."


def random_markdown(rng: random.Random) -> str:
    parts: list[str] = []
    n = 0
    for _ in range(rng.randint(1, 6)):
        level = rng.randint(1, 3)
        parts.append("#" * level + f" Section {n}")
        for _ in range(rng.randint(0, 4)):
            lines = []
            for _ in range(rng.randint(1, 8)):
                n += 1
                text = sentence(n, rng.randint(1, 60))
                lines.append(("- " + text) if rng.random() < 0.2 else text)
            joiner = "\n" if rng.random() < 0.5 else " "
            parts.append(joiner.join(lines))
    return "\n\n".join(parts) + "\n"


def check_invariants(doc: Document, chunks: list[Chunk], chunk_size: int, chunk_min: int) -> None:
    text = doc.text
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    assert len({c.id for c in chunks}) == len(chunks)
    for c in chunks:
        assert c.text == text[c.start : c.end]
        assert c.text == c.text.strip() and c.text
        assert c.doc_id == doc.id
    for a, b in zip(chunks, chunks[1:], strict=False):
        assert a.end <= b.start  # in order, no overlap
    # Never mid-sentence: every sentence lies inside one chunk or outside all chunks.
    for s, e in sentence_spans(text):
        inside = [c for c in chunks if c.start < e and s < c.end]
        assert len(inside) <= 1, text[s:e]
        if inside:
            assert inside[0].start <= s and e <= inside[0].end, text[s:e]
    # Everything that is not a heading line is in some chunk.
    covered = [False] * len(text)
    for c in chunks:
        covered[c.start : c.end] = [True] * (c.end - c.start)
    headings = {h for c in chunks for h in c.heading_path}
    for line_match in re.finditer(r"[^\n]+", text):
        line = line_match.group(0)
        if re.match(r" {0,3}#{1,6} ", line) or line.strip() in headings:
            continue
        for i in range(line_match.start(), line_match.end()):
            assert covered[i] or text[i].isspace(), line
    # Size: over chunk_size only for a single long sentence or a merged small tail.
    for c in chunks:
        if len(c.text) > chunk_size + chunk_min:
            assert len(sentence_spans(c.text)) == 1, c.text
    # Greedy packing: two neighbours of one section could not have been one chunk.
    for a, b in zip(chunks, chunks[1:], strict=False):
        if a.heading_path == b.heading_path:
            assert b.end - a.start > chunk_size


def test_markdown_heading_paths_outermost_first() -> None:
    text = (
        "# Part\n\nIntro text here.\n\n## Sub\n\nSub text.\n\n### Deep\n\nDeep text.\n\n"
        "## Other\n\nOther text.\n\n# Next\n\nNext text.\n"
    )
    chunks = chunk_document(make_doc(text))
    assert [(c.heading_path, c.text) for c in chunks] == [
        (("Part",), "Intro text here."),
        (("Part", "Sub"), "Sub text."),
        (("Part", "Sub", "Deep"), "Deep text."),
        (("Part", "Other"), "Other text."),
        (("Next",), "Next text."),
    ]


def test_text_before_first_heading_has_empty_path_and_code_fences_are_not_headings() -> None:
    text = "Lead paragraph.\n\n## Section\n\n```\n# not a heading\n```\n\nAfter code.\n"
    chunks = chunk_document(make_doc(text))
    assert chunks[0].heading_path == ()
    assert chunks[0].text == "Lead paragraph."
    assert chunks[1].heading_path == ("Section",)
    assert "# not a heading" in chunks[1].text


def test_plain_text_headings_like_the_source_article() -> None:
    doc = make_doc(SEED_LIKE)
    chunks = chunk_document(doc, chunk_size=900)
    paths = [c.heading_path for c in chunks]
    assert paths == [
        (),
        ("What Triggered China's Rare Earth Controls in the First Place",),
        ("How the Agreement Changes the Landscape",),
    ]
    assert "Did you know?" in chunks[1].text  # ends with '?': content, not a heading
    assert all("What Triggered" not in c.text for c in chunks)
    check_invariants(doc, chunks, 900, 250)


def test_paragraphs_are_packed_whole_up_to_chunk_size() -> None:
    paras = [" ".join(sentence(i * 10 + k, 8) for k in range(3)) for i in range(8)]
    doc = make_doc("\n\n".join(paras))
    chunks = chunk_document(doc, chunk_size=600, chunk_min=100)
    assert len(chunks) > 1
    for c in chunks:
        assert len(c.text) <= 600
        # whole paragraphs only: every chunk starts and ends at a paragraph edge
        assert any(c.text.startswith(p) for p in paras)
        assert any(c.text.endswith(p) for p in paras)
    check_invariants(doc, chunks, 600, 100)


def test_long_paragraph_splits_only_at_sentence_boundaries() -> None:
    sentences = [sentence(i, 12) for i in range(20)]
    doc = make_doc(" ".join(sentences))
    chunks = chunk_document(doc, chunk_size=400, chunk_min=100)
    assert len(chunks) > 2
    rebuilt = " ".join(c.text for c in chunks)
    assert rebuilt == doc.text
    for c in chunks:
        assert c.text.startswith("Sentence ") and c.text.endswith(".")
    check_invariants(doc, chunks, 400, 100)


def test_a_pathological_line_is_hard_split_into_bounded_chunks() -> None:
    # A 1 MB line with no sentence end (and one with no space at all) used to become one
    # chunk, and a question about it quoted the whole megabyte back.
    spaced = " ".join(f"w{i}" for i in range(200_000))
    solid = "x" * 300_000
    for line in (spaced, solid):
        doc = make_doc(line)
        chunks = chunk_document(doc, chunk_size=900, chunk_min=250)
        assert len(chunks) > 100
        assert max(len(c.text) for c in chunks) <= 900 + 250
        assert all(doc.text[c.start : c.end] == c.text for c in chunks)
        assert "".join(c.text for c in chunks).replace(" ", "") == line.replace(" ", "")
    spans = sentence_spans(spaced[:5000])
    assert max(e - s for s, e in spans) <= MAX_SENTENCE_CHARS
    assert all(not spaced[s:e].startswith(" ") for s, e in spans)


def test_sentence_longer_than_chunk_size_is_its_own_chunk() -> None:
    long = sentence(1, 50)
    doc = make_doc(f"{sentence(0, 20)} {long} {sentence(2, 20)} {sentence(3, 20)}")
    chunks = chunk_document(doc, chunk_size=300, chunk_min=50)
    assert 300 < len(long) <= MAX_SENTENCE_CHARS
    assert long in [c.text for c in chunks]
    # a small tail never merges onto an over-long sentence
    chunks = chunk_document(
        make_doc(f"{sentence(0, 20)} {long} Tail."), chunk_size=300, chunk_min=50
    )
    assert [c.text for c in chunks][-2:] == [long, "Tail."]


def test_small_tail_merges_into_previous_chunk_of_same_section() -> None:
    doc = make_doc(f"## A\n\n{sentence(0, 40)} {sentence(1, 40)} Tail.\n\n## B\n\nShort B.\n")
    chunks = chunk_document(doc, chunk_size=400, chunk_min=50)
    assert [c.heading_path for c in chunks] == [("A",), ("A",), ("B",)]
    assert chunks[1].text.endswith("Tail.") and chunks[1].text != "Tail."
    assert chunks[2].text == "Short B."  # a small section is not merged across headings


def test_metadata_is_copied_and_publisher_is_fallback_source() -> None:
    chunk = chunk_document(make_doc("Some text."))[0]
    assert (chunk.title, chunk.kind, chunk.published) == ("A title", "analysis", "2025-12-02")
    assert (chunk.source, chunk.url) == ("Reuters", "https://reuters.com/x")
    chunk = chunk_document(make_doc("Some text.", sources=(), publisher="Desk"))[0]
    assert (chunk.source, chunk.url) == ("Desk", "")


def test_ids_are_stable_and_survive_edits_elsewhere() -> None:
    paras = [
        f"## S{i}\n\n" + " ".join(sentence(i * 10 + k, 10) for k in range(3)) for i in range(5)
    ]
    doc = make_doc("\n\n".join(paras))
    before = chunk_document(doc)
    assert [c.id for c in chunk_document(doc)] == [c.id for c in before]
    edited = paras.copy()
    edited[2] = edited[2].replace("Sentence 20", "Sentence twenty, rewritten,")
    edited.insert(0, "A new opening paragraph.")
    after = chunk_document(make_doc("\n\n".join(edited)))
    before_ids = {c.text: c.id for c in before}
    after_ids = {c.text: c.id for c in after}
    unchanged = set(before_ids) & set(after_ids)
    assert len(unchanged) == 4
    assert all(before_ids[t] == after_ids[t] for t in unchanged)
    changed = next(c for c in after if "twenty" in c.text)
    assert changed.id not in before_ids.values()
    assert all(c.id.startswith("doc:") for c in after)


def test_repeated_text_gets_distinct_ids() -> None:
    doc = make_doc("## A\n\nSame words here.\n\n## B\n\nSame words here.\n")
    chunks = chunk_document(doc)
    assert chunks[0].text == chunks[1].text
    assert chunks[0].id != chunks[1].id
    assert chunks[1].id == chunks[0].id + "-2"


def test_same_text_in_other_document_gets_other_id() -> None:
    a = chunk_document(make_doc("Same words here."))[0]
    b = chunk_document(make_doc("Same words here.", id="other"))[0]
    assert a.id != b.id


def test_empty_document_has_no_chunks() -> None:
    assert chunk_document(make_doc("## Only a heading\n\n")) == []


def test_bad_sizes_are_rejected() -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        chunk_document(make_doc("Text."), chunk_size=0)


@pytest.mark.parametrize("seed", range(25))
def test_invariants_on_generated_markdown(seed: int) -> None:
    rng = random.Random(seed)
    doc = make_doc(random_markdown(rng))
    size = rng.choice([200, 500, 900])
    check_invariants(
        doc, chunk_document(doc, chunk_size=size, chunk_min=size // 4), size, size // 4
    )


@pytest.mark.skipif(not REPO_CORPUS.is_dir(), reason="no corpus/ folder in this checkout")
@pytest.mark.parametrize("size", [300, 900])
def test_invariants_on_the_real_corpus(size: int) -> None:
    result = load_corpus(REPO_CORPUS)
    assert result.documents and result.skipped == ()
    for doc in result.documents:
        chunks = chunk_document(doc, chunk_size=size, chunk_min=size // 4)
        assert chunks, doc.id
        check_invariants(doc, chunks, size, size // 4)
