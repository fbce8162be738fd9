"""The corpus's sentences as briefings read them: one inventory per index version.

Every sentence of every chunk of an :class:`~briefing.index.view.IndexView` becomes a
:class:`Sentence` with its exact span (chunk offsets, hence document offsets), its
section (document + heading path), its dates (:mod:`~briefing.briefings.dates`) and its
match keys. Page furniture ("Did you know?", "Comments (0)", "ALSO READ | ...") and text
addressed to the reader or an assistant are marked and never become points.

A compiled timeline line ends with the ids of the documents it comes from ("...
(october-9-measures)."); that tail is left out of the span, so the point is the event
itself, still an exact span of the corpus.

MiniLM vectors of the sentences (and of their section headings) are computed on first
use and kept by text, so a second briefing over the same index embeds nothing.

Usage::

    inventory = Inventory.build(view.chunks())
    matrix = inventory.vectors(embeddings)       # one L2-normalised row per sentence
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..answering.candidates import match_keys
from ..answering.planted import planted_instruction
from ..answering.vector_cache import VectorCache
from ..briefing_records import EventDate
from ..corpus import section_heading, sentence_spans, titled_heading
from ..text import PAGE_FURNITURE, content_words, numbers, squash_spaces
from ..types import Chunk
from .dates import DateMention, find_dates, primary_date

__all__ = ["Inventory", "Sentence", "VectorCache", "match_keys"]

# Notes about the document itself, not about the story.
_META = re.compile(
    r"^(?:each entry names|this (?:note|document|timeline) (?:lists|names|compiles))",
    re.IGNORECASE,
)
_ID_TAIL = re.compile(r"\s*\(([a-z0-9][a-z0-9-]*(?:\s*,\s*[a-z0-9][a-z0-9-]*)*)\)\s*\.?\s*$")
_NAME = re.compile(r"\b[A-Z][A-Za-z&\-]+")


@dataclass(slots=True)
class Sentence:
    """One sentence of the corpus.

    Fields:
        index: its row in the inventory (and in the vector matrix).
        chunk: the chunk it lies in (citations are built from it).
        start, end: its span in ``chunk.text`` (a compiled timeline's id tail excluded).
        text: ``chunk.text[start:end]`` with whitespace runs collapsed (for display and
            matching; the citation quotes the exact span).
        order: its position in its document (0 = first sentence).
        place: its position in its section (0 = the section's lead sentence).
        dates: its date expressions.   date: the date of what it reports, or None.
        keys: match keys (stems and numbers).   specifics: how many numbers, dates and
            names it holds (a sentence of specifics says more than a general one).
        skip: furniture, a note about the document, or text addressed to the reader.
    """

    index: int
    chunk: Chunk
    start: int
    end: int
    text: str
    order: int
    place: int
    dates: tuple[DateMention, ...]
    date: EventDate | None
    keys: frozenset[str]
    specifics: int
    skip: bool

    @property
    def doc_id(self) -> str:
        return self.chunk.doc_id

    @property
    def section(self) -> tuple[str, tuple[str, ...]]:
        return (self.chunk.doc_id, self.chunk.heading_path)

    @property
    def heading(self) -> str:
        return section_heading(self.chunk)

    @property
    def doc_start(self) -> int:
        return self.chunk.start + self.start


def _is_furniture(text: str) -> bool:
    words = text.split()
    if PAGE_FURNITURE.match(text) or _META.match(text) or "|" in text or text.endswith("?"):
        return True
    ends = text.rstrip("\"'”’)]").endswith((".", "!", ";", ":"))
    return (not ends and len(words) <= 8) or len(content_words(text)) < 3


def _default_year(chunks: Sequence[Chunk]) -> int | None:
    """The year that dates "October 30" in a document: its publication year, else the
    year its text names most often."""
    published = next((c.published for c in chunks if c.published[:4].isdigit()), "")
    if published:
        return int(published[:4])
    years = Counter(m.group() for c in chunks for m in re.finditer(r"\b20\d\d\b", c.text))
    return int(years.most_common(1)[0][0]) if years else None


def _trim_id_tail(text: str, start: int, end: int, doc_ids: frozenset[str]) -> int:
    tail = _ID_TAIL.search(text, start, end)
    if tail and all(part.strip() in doc_ids for part in tail.group(1).split(",")):
        return tail.start()
    return end


_QUANTITY = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|"
    r"twenty|fifty|hundred|half)\b(?:\s+\w+)?\s+(?:years?|months?|weeks?|days?|percent|"
    r"elements?|companies|firms|entities|rare earths|kinds|items)\b",
    re.IGNORECASE,
)


def _specifics(text: str, dates: int) -> int:
    """Figures (in digits or words with a unit), dates and names after the first word."""
    names = sum(1 for m in _NAME.finditer(text) if m.start() > 0)
    return len(numbers(text)) + len(_QUANTITY.findall(text)) + dates + names


@dataclass(slots=True)
class Inventory:
    """Every sentence of one index version, in document order.

    Fields:
        sentences: the sentences (``sentences[i].index == i``).
        doc_titles: document id -> title.   doc_published: document id -> ISO date or "".
        key: the index version it was built from (a fingerprint).
    """

    sentences: list[Sentence]
    doc_titles: dict[str, str]
    doc_published: dict[str, str]
    key: str = ""
    _vectors: np.ndarray | None = None
    _known: frozenset[str] | None = None
    _heading_vectors: dict[str, np.ndarray] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def build(cls, chunks: Sequence[Chunk], key: str = "") -> Inventory:
        by_doc: dict[str, list[Chunk]] = {}
        for chunk in sorted(chunks, key=lambda c: (c.doc_id, c.start)):
            by_doc.setdefault(chunk.doc_id, []).append(chunk)
        doc_ids = frozenset(by_doc)
        sentences: list[Sentence] = []
        seen: set[tuple[str, int]] = set()
        for doc_chunks in by_doc.values():
            year = _default_year(doc_chunks)
            order = 0
            places: dict[tuple[str, ...], int] = {}
            for chunk in doc_chunks:
                for start, end in sentence_spans(chunk.text):
                    if (chunk.doc_id, chunk.start + start) in seen:
                        continue  # overlapping chunks: one sentence, once
                    seen.add((chunk.doc_id, chunk.start + start))
                    end = _trim_id_tail(chunk.text, start, end, doc_ids)
                    text = squash_spaces(chunk.text[start:end])
                    if not text:
                        continue
                    mentions = tuple(find_dates(text, year))
                    main = primary_date(list(mentions))
                    sentences.append(
                        Sentence(
                            index=len(sentences),
                            chunk=chunk,
                            start=start,
                            end=end,
                            text=text,
                            order=order,
                            place=places.get(chunk.heading_path, 0),
                            dates=mentions,
                            date=main.date if main else None,
                            keys=match_keys(text),
                            specifics=_specifics(text, len(mentions)),
                            skip=_is_furniture(text) or planted_instruction(text),
                        )
                    )
                    order += 1
                    places[chunk.heading_path] = places.get(chunk.heading_path, 0) + 1
        titles = {doc: cs[0].title for doc, cs in by_doc.items()}
        published = {doc: cs[0].published for doc, cs in by_doc.items()}
        return cls(sentences=sentences, doc_titles=titles, doc_published=published, key=key)

    def known_keys(self) -> frozenset[str]:
        """Every match key of the corpus (computed once)."""
        if self._known is None:
            self._known = frozenset(k for s in self.sentences for k in s.keys)
        return self._known

    def vectors(self, cache: VectorCache) -> np.ndarray:
        """The sentences' MiniLM vectors, one L2-normalised row each (computed once)."""
        if self._vectors is None:
            with self._lock:
                if self._vectors is None:
                    rows = cache.vectors([s.text for s in self.sentences])
                    self._vectors = (
                        np.vstack(rows) if rows else np.zeros((0, 384), dtype=np.float32)
                    )
        return self._vectors

    def heading_vectors(self, cache: VectorCache) -> np.ndarray:
        """One vector per sentence: of its section heading under its document title."""
        texts = [titled_heading(s.chunk) for s in self.sentences]
        missing = [t for t in dict.fromkeys(texts) if t not in self._heading_vectors]
        if missing:
            for text, vector in zip(missing, cache.vectors(missing), strict=True):
                self._heading_vectors[text] = vector
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.vstack([self._heading_vectors[t] for t in texts])
