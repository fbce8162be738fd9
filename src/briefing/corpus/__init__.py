"""Corpus files -> Documents -> Chunks: loading, sentence spans and chunking (pure, no I/O
beyond reading the files; nothing happens at import time)."""

from briefing.corpus.chunking import chunk_document, chunk_id
from briefing.corpus.loaders import (
    LoadResult,
    SkipFile,
    content_hash,
    load_corpus,
    load_file,
    parse_file,
)
from briefing.corpus.sentences import (
    in_section,
    section_heading,
    sentence_spans,
    split_paragraphs,
    titled_heading,
)

__all__ = [
    "LoadResult",
    "SkipFile",
    "chunk_document",
    "chunk_id",
    "in_section",
    "content_hash",
    "load_corpus",
    "load_file",
    "parse_file",
    "section_heading",
    "sentence_spans",
    "split_paragraphs",
    "titled_heading",
]
