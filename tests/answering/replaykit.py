"""The recorded replies of real small LLMs (``replay/``) and the passages to replay them on.

``replay/replies.jsonl`` is a copy of the project's recording (provenance in
``replay/README.md``); ``replay/passages.json`` freezes, per reply, the passages today's
retrieval gives its question (``replay/build_passages.py``); ``replay/expected.jsonl``
says what the verified answer of each must be. Chunks are cut from the real
``corpus/`` with the real chunker, so offsets are real document offsets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from briefing.config import Settings
from briefing.corpus import chunk_document, load_corpus
from briefing.types import Chunk, Passage

REPLAY = Path(__file__).resolve().parent / "replay"
REPO = REPLAY.parents[2]


@dataclass(frozen=True)
class Recorded:
    """One recorded reply and the passages it is replayed against."""

    index: int
    model: str
    question: str
    raw_reply: str
    truncated: bool
    then: dict[str, Any]
    passages: tuple[Passage, ...]


@lru_cache(maxsize=1)
def corpus_chunks() -> tuple[dict[str, str], tuple[Chunk, ...]]:
    """Document texts by id and every chunk of the real corpus (default chunking)."""
    settings = Settings(_env_file=None)
    documents = load_corpus(REPO / "corpus").documents
    chunks = tuple(
        c
        for d in documents
        for c in chunk_document(
            d, chunk_size=settings.corpus.chunk_size, chunk_min=settings.corpus.chunk_min
        )
    )
    return {d.id: d.text for d in documents}, chunks


def _passage(doc_id: str, opening: str, rank: int) -> Passage:
    _, chunks = corpus_chunks()
    found = [c for c in chunks if c.doc_id == doc_id and c.text.startswith(opening)]
    if len(found) != 1:
        raise LookupError(
            f"replay/passages.json: {len(found)} chunks of {doc_id!r} start with {opening!r}; "
            "the corpus changed, rerun tests/answering/replay/build_passages.py"
        )
    return Passage(found[0], score=1.0 / (1 + rank))


@lru_cache(maxsize=1)
def recorded() -> tuple[Recorded, ...]:
    """Every recorded reply, in file order."""
    lines = (REPLAY / "replies.jsonl").read_text(encoding="utf-8").splitlines()
    frozen = json.loads((REPLAY / "passages.json").read_text(encoding="utf-8"))
    assert len(lines) == len(frozen), "one passage list per recorded reply"
    out = []
    for index, (line, refs) in enumerate(zip(lines, frozen, strict=True)):
        data = json.loads(line)
        passages = tuple(_passage(doc, opening, rank) for rank, (doc, opening) in enumerate(refs))
        out.append(
            Recorded(
                index=index,
                model=data["model"],
                question=data["standalone_question"],
                raw_reply=data["raw_reply"],
                truncated=bool(data["truncated"]),
                then=data["project_answer_then"],
                passages=passages,
            )
        )
    return tuple(out)


def expected() -> dict[int, tuple[bool, list[tuple[str, list[str]]], list[str]]]:
    """Reply index -> (abstained, kept statements as (first words, cited doc ids), notes
    that must appear in ``Answer.reason``)."""
    out = {}
    for line in (REPLAY / "expected.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        out[row["reply"]] = (row["abstained"], [tuple(k) for k in row["kept"]], row["notes"])
    return out
