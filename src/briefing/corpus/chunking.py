"""Structure-aware chunking: headings -> paragraphs -> sentences, with exact offsets.

A document is cut into sections at its headings (Markdown ``#`` lines, or -- in a document
without any -- short title-like lines, as in the source article). Within a section whole
paragraphs are packed up to ``chunk_size`` characters; a longer paragraph is cut at
sentence boundaries (:func:`~briefing.corpus.sentences.sentence_spans`), never inside a
sentence, and a single sentence longer than ``chunk_size`` is a chunk of its own. A
trailing piece shorter than ``chunk_min`` joins the previous chunk of its section.

Heading lines are not part of any chunk: they go to ``Chunk.heading_path``, so every
sentence in a chunk is content. ``chunk.text == doc.text[chunk.start:chunk.end]`` always.

Chunk ids hash the document id and the chunk text, so a chunk keeps its id when other
parts of the document change (its offsets and ordinal may still move).

LangChain's splitters were not used: MarkdownHeaderTextSplitter drops offsets, and
RecursiveCharacterTextSplitter cuts at character budgets, not sentence boundaries.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from briefing.corpus.sentences import is_block_marker_line, sentence_spans
from briefing.types import Chunk, Document

__all__ = ["chunk_document", "chunk_id"]

_MD_HEADING = re.compile(r"[ \t]{0,3}(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"[ \t]{0,3}(```|~~~)")
_PLAIN_HEADING_MAX = 90
_SENTENCE_END = re.compile(r"[.!?:;,][\"'”’)\]]*$")


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    text: str


@dataclass(slots=True)
class _Section:
    heading_path: tuple[str, ...]
    paragraphs: list[tuple[int, int]]


def chunk_id(doc_id: str, text: str, occurrence: int = 1) -> str:
    """Stable chunk id; ``occurrence`` > 1 disambiguates repeated text in one document."""
    digest = hashlib.sha1(f"{doc_id}\x00{text}".encode()).hexdigest()[:12]
    return f"{doc_id}:{digest}" if occurrence == 1 else f"{doc_id}:{digest}-{occurrence}"


def _lines(text: str) -> list[_Line]:
    lines, pos = [], 0
    for raw in text.split("\n"):
        lines.append(_Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return lines


def _markdown_headings(lines: list[_Line]) -> dict[int, tuple[int, str]]:
    """Line index -> (level, heading text) for ATX headings outside code fences."""
    found: dict[int, tuple[int, str]] = {}
    in_fence = False
    for i, line in enumerate(lines):
        if _FENCE.match(line.text):
            in_fence = not in_fence
            continue
        match = None if in_fence else _MD_HEADING.match(line.text)
        if match:
            found[i] = (len(match.group(1)), match.group(2).strip())
    return found


def _plain_headings(lines: list[_Line]) -> dict[int, tuple[int, str]]:
    """Short title-like lines in text without Markdown headings (all level 1).

    A heading is under 90 characters, starts with a capital or digit, has no final
    sentence punctuation, is not the first line and is followed by a longer line.
    """
    nonblank = [i for i, line in enumerate(lines) if line.text.strip()]
    found: dict[int, tuple[int, str]] = {}
    for pos, i in enumerate(nonblank[1:-1], start=1):
        text = lines[i].text.strip()
        following = lines[nonblank[pos + 1]].text.strip()
        if (
            len(text) < _PLAIN_HEADING_MAX
            and (text[:1].isupper() or text[:1].isdigit())
            and not _SENTENCE_END.search(text)
            and not is_block_marker_line(text)
            and len(following) > len(text)
        ):
            found[i] = (1, text)
    return found


def _sections(doc_text: str) -> list[_Section]:
    lines = _lines(doc_text)
    headings = _markdown_headings(lines) or _plain_headings(lines)
    sections: list[_Section] = [_Section((), [])]
    stack: list[tuple[int, str]] = []
    para_start: int | None = None
    para_end = 0

    def close_paragraph() -> None:
        nonlocal para_start
        if para_start is not None:
            sections[-1].paragraphs.append((para_start, para_end))
            para_start = None

    for i, line in enumerate(lines):
        if i in headings:
            close_paragraph()
            level, title = headings[i]
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, title))
            sections.append(_Section(tuple(t for _, t in stack), []))
        elif not line.text.strip():
            close_paragraph()
        else:
            if para_start is None:
                para_start = line.start + len(line.text) - len(line.text.lstrip())
            para_end = line.start + len(line.text.rstrip())
    close_paragraph()
    return [s for s in sections if s.paragraphs]


def _sentence_units(doc_text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A paragraph cut at sentence starts; units cover it (markers stay with their line)."""
    cuts = []
    for s, _ in sentence_spans(doc_text[start:end]):
        cut = start + s
        line_start = doc_text.rfind("\n", start, cut) + 1
        if line_start and not doc_text[line_start:cut].strip(" \t#>*+-0123456789.)"):
            cut = line_start
        cuts.append(cut)
    cuts = sorted({start, *cuts[1:]})
    units = []
    for a, b in zip(cuts, [*cuts[1:], end], strict=True):
        b = a + len(doc_text[a:b].rstrip())
        if b > a:
            units.append((a, b))
    return units


def _pack(units: list[tuple[int, int]], chunk_size: int, chunk_min: int) -> list[list[int]]:
    pieces: list[list[int]] = []
    for a, b in units:
        if pieces and b - pieces[-1][0] <= chunk_size:
            pieces[-1][1] = b
        else:
            pieces.append([a, b])
    if (
        len(pieces) > 1
        and pieces[-1][1] - pieces[-1][0] < chunk_min
        and pieces[-1][1] - pieces[-2][0] <= chunk_size + chunk_min  # not onto a long sentence
    ):
        last = pieces.pop()
        pieces[-1][1] = last[1]
    return pieces


def chunk_document(doc: Document, *, chunk_size: int = 900, chunk_min: int = 250) -> list[Chunk]:
    """Cut ``doc`` into chunks of about ``chunk_size`` characters, in document order.

    Example::

        chunks = chunk_document(doc)
        assert all(doc.text[c.start:c.end] == c.text for c in chunks)
    """
    if chunk_size < 1 or chunk_min < 0:
        raise ValueError(
            f"chunk_size must be >= 1 and chunk_min >= 0; got {chunk_size}, {chunk_min}"
        )
    text = doc.text
    first = doc.sources[0] if doc.sources else None
    source = first.name if first else doc.publisher
    url = first.url if first else ""
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for section in _sections(text):
        units: list[tuple[int, int]] = []
        for start, end in section.paragraphs:
            if end - start <= chunk_size:
                units.append((start, end))
            else:
                units.extend(_sentence_units(text, start, end))
        for start, end in _pack(units, chunk_size, chunk_min):
            body = text[start:end]
            seen[body] = seen.get(body, 0) + 1
            chunks.append(
                Chunk(
                    id=chunk_id(doc.id, body, seen[body]),
                    doc_id=doc.id,
                    text=body,
                    start=start,
                    end=end,
                    heading_path=section.heading_path,
                    ordinal=len(chunks),
                    title=doc.title,
                    kind=doc.kind,
                    published=doc.published,
                    source=source,
                    url=url,
                )
            )
    return chunks
