"""Small hand-made records shared by the evaluation tests (no mocks of our code)."""

from __future__ import annotations

from briefing.types import Answer, Chunk, Citation, Passage, Statement


def chunk(doc_id: str, text: str, ordinal: int = 0) -> Chunk:
    return Chunk(
        id=f"{doc_id}-{ordinal}",
        doc_id=doc_id,
        text=text,
        start=0,
        end=len(text),
        heading_path=(),
        ordinal=ordinal,
        title=doc_id,
        kind="news",
        published="2025-12-02",
        source="test",
        url="",
    )


def passage(doc_id: str, text: str, ordinal: int = 0, score: float = 1.0) -> Passage:
    return Passage(chunk=chunk(doc_id, text, ordinal), score=score)


def citation(marker: int, quote: str, doc_id: str = "doc") -> Citation:
    return Citation(
        marker=marker,
        doc_id=doc_id,
        title=doc_id,
        source="test",
        published="",
        url="",
        chunk_id=f"{doc_id}-0",
        quote=quote,
        start=0,
        end=len(quote),
    )


def answer(
    text: str,
    statements: tuple[Statement, ...] = (),
    citations: tuple[Citation, ...] = (),
    *,
    abstained: bool = False,
    question: str = "q",
    timings: dict[str, float] | None = None,
) -> Answer:
    return Answer(
        question=question,
        standalone_question=question,
        text=text,
        statements=statements,
        citations=citations,
        abstained=abstained,
        timings_ms=timings or {"rewrite": 1.0, "retrieve": 2.0, "answer": 3.0, "total": 6.0},
    )
