"""Typed records shared by every layer and front end.

Data flows one way::

    corpus files -> Document -> Chunk -> index -> Passage -> answerer -> Answer

All records are plain frozen dataclasses; ``to_dict()`` gives JSON-serialisable output.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .briefing_records import Briefing


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a document's facts come from.

    Fields:
        name: publisher or author ("Reuters", "MOFCOM", "unknown publisher").
        url: link to the original, or "" when there is none.
    """

    name: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    """One corpus file after loading.

    Fields:
        id: unique, stable id (front matter ``id`` or the file stem).
        title: human title.
        kind: news | official | analysis | profile | timeline.
        published: ISO date (``2025-12-02``) or "" when unknown.
        sources: where the facts come from; the first one is shown as "the source".
        text: the body text (front matter removed); chunk offsets index into it.
        path: the file it came from, relative to the corpus folder when possible.
        publisher: who published the document itself ("" when unknown).
        extra: any other front-matter fields, kept for display.
    """

    id: str
    title: str
    kind: str
    published: str
    sources: tuple[SourceRef, ...]
    text: str
    path: str
    publisher: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Chunk:
    """A retrievable piece of a document, never split mid-sentence.

    Fields:
        id: stable id derived from document id and content (same text -> same id).
        doc_id: the parent document's id.
        text: the chunk text, exactly ``document.text[start:end]``.
        start, end: character offsets into the document text.
        heading_path: the headings above the chunk, outermost first.
        ordinal: position of the chunk within its document (0-based).
        title, kind, published, source, url: copied from the document for display
            and filtering (``source``/``url`` from its first SourceRef).
    """

    id: str
    doc_id: str
    text: str
    start: int
    end: int
    heading_path: tuple[str, ...]
    ordinal: int
    title: str
    kind: str
    published: str
    source: str
    url: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class RetrievalFilter:
    """Metadata filters for retrieval; an empty field does not filter.

    Fields:
        kinds: keep only documents of these kinds.
        published_from, published_to: ISO dates, inclusive bounds on ``published``.
        doc_ids: keep only these documents.
    """

    kinds: tuple[str, ...] = ()
    published_from: str = ""
    published_to: str = ""
    doc_ids: tuple[str, ...] = ()

    def accepts(self, chunk: Chunk) -> bool:
        if self.kinds and chunk.kind not in self.kinds:
            return False
        if self.doc_ids and chunk.doc_id not in self.doc_ids:
            return False
        if self.published_from and (not chunk.published or chunk.published < self.published_from):
            return False
        return not (
            self.published_to and (not chunk.published or chunk.published > self.published_to)
        )


@dataclass(frozen=True, slots=True)
class Passage:
    """A chunk returned by retrieval, with the evidence of why.

    Fields:
        chunk: the retrieved chunk.
        score: fused score (higher is better; comparable only within one query).
        dense_score: cosine similarity to the question (0..1), None if not a dense hit.
        lexical_score: BM25 score, None if not a lexical hit.
    """

    chunk: Chunk
    score: float
    dense_score: float | None = None
    lexical_score: float | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    """One numbered citation; ``marker`` n matches ``[n]`` in the answer text.

    Fields:
        marker: the number used in the answer text.
        doc_id, title, source, published, url: the cited document.
        chunk_id: the chunk the quote comes from.
        quote: the exact supporting text, ``document.text[start:end]``.
        start, end: character span of the quote in the document text.
    """

    marker: int
    doc_id: str
    title: str
    source: str
    published: str
    url: str
    chunk_id: str
    quote: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Statement:
    """One sentence of an answer and the citation markers that support it.

    Fields:
        text: the sentence, without markers.
        markers: citation numbers supporting it (may be empty for connective text).
        supported: True when every cited passage was checked to support the sentence;
            False when a check failed (the sentence is kept but flagged); None unchecked.
    """

    text: str
    markers: tuple[int, ...] = ()
    supported: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Answer:
    """What every front end receives.

    Fields:
        question: the question as asked.
        standalone_question: the question rewritten with the conversation's context
            (equal to ``question`` when no rewrite was needed).
        text: the answer with ``[n]`` markers, or the abstention message.
        statements: the answer split into sentences with their markers.
        citations: numbered citations referenced by the markers.
        abstained: True when the corpus does not support an answer.
        reason: why the assistant abstained, or notes on dropped/flagged sentences.
        nearest: when abstaining, the closest passages as citations (never in the text).
        backend: which answerer produced it ("offline", "openai", ..., "briefing").
        timings_ms: per stage: rewrite, retrieve, answer, total.
        briefing: the Briefing when the question asked for one ("summarize ...",
            "timeline of ..."); its points are the statements. None otherwise.
        passages: the ranked passages the answerer received (retrieved for
            ``standalone_question``); empty for a briefing. The evidence record for
            scoring and debugging; ``to_dict`` leaves it out (front ends show citations).
    """

    question: str
    standalone_question: str
    text: str
    statements: tuple[Statement, ...] = ()
    citations: tuple[Citation, ...] = ()
    abstained: bool = False
    reason: str = ""
    nearest: tuple[Citation, ...] = ()
    backend: str = "offline"
    timings_ms: dict[str, float] = field(default_factory=dict)
    briefing: Briefing | None = None
    passages: tuple[Passage, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The answer as JSON-ready data (web ``/ask``, ``briefing ask --json``), without
        ``passages``: whole chunk texts would swamp the payload the citations describe."""
        data = asdict(replace(self, passages=()))
        del data["passages"]
        if self.briefing is not None:
            data["briefing"] = self.briefing.to_dict()
        return data

    def citation(self, marker: int) -> Citation | None:
        """The citation with this marker, or None."""
        return next((c for c in self.citations if c.marker == marker), None)


@dataclass(frozen=True, slots=True)
class AnswerDelta:
    """A piece of streamed answer text; the stream ends with the final ``Answer``."""

    text: str


@dataclass(frozen=True, slots=True)
class Turn:
    """One exchange of a conversation."""

    question: str
    answer: Answer


@dataclass(slots=True)
class History:
    """The answered exchanges of one conversation, oldest first: the context a
    follow-up is rewritten with. Used by ``Conversation`` and each web session.

    Fields:
        turns: one Turn per answer, under the question as the answer records it.
    """

    turns: list[Turn] = field(default_factory=list)

    def add(self, answer: Answer) -> int:
        """Record ``answer`` as the next turn; its 1-based turn number."""
        self.turns.append(Turn(question=answer.question, answer=answer))
        return len(self.turns)

    def clear(self) -> None:
        self.turns.clear()


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What an ingest did.

    Fields:
        documents: documents in the corpus after the ingest.
        chunks: chunks in the index after the ingest.
        added, deleted, unchanged: chunk counts by outcome (a changed chunk is
            one deletion plus one addition).
        skipped: files skipped, each with the reason.
        seconds: wall time.
        sentences: sentence vectors embedded for the answerer (``index.sentence_vectors``).
        sentence_seconds: the part of ``seconds`` spent embedding them.
    """

    documents: int
    chunks: int
    added: int
    deleted: int
    unchanged: int
    skipped: tuple[str, ...] = ()
    seconds: float = 0.0
    sentences: int = 0
    sentence_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """One indexed document: a row of the web Documents tab (``Assistant.documents()``)."""

    doc_id: str
    title: str
    kind: str
    published: str
    source: str
    url: str
    chunks: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class IndexStatus:
    """Where the index lives and what it holds (``briefing status``)."""

    documents: int
    chunks: int
    last_ingest: str
    location: str
    embedding_model: str
    lexical_in_step: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
