"""Source-aware retrieval: which documents a question names as its source.

"According to the news article, ...", "per Reuters", "What did the USGS report ...":
the question asks for one source's account, but dense and BM25 rankings look only at
the topic, so another document covering the same topic often ranks first. This module
finds the named source phrase and the documents whose metadata (title, source, kind)
it names; the hybrid retriever then adds those documents' chunks as a third ranking
to the fusion (a soft boost, never a filter).

Matching is by content words. A word found in a document's title or source counts 1;
a generic word that only names the document's kind ("article" or "story" for news,
"notice" for official, ...) counts half, so "the news article" prefers the document
whose source says "source article" over every other news document, and kind words
alone ("the story") single nothing out. Only the best
scoring documents of each phrase match, and only when they are a minority of the
corpus: a phrase that fits most documents ("China says ...") says nothing about which
one is meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..text import content_words
from ..types import Chunk

# Generic nouns (stemmed) that name a kind of document rather than a publisher.
KIND_WORDS: dict[str, str] = {
    "news": "news",
    "article": "news",
    "story": "news",
    "piece": "news",
    "coverage": "news",
    "official": "official",
    "announcement": "official",
    "notice": "official",
    "statement": "official",
    "alert": "official",
    "analysis": "analysis",
    "profile": "profile",
    "timeline": "timeline",
    "chronology": "timeline",
}
_DOC_NOUNS = (
    r"article|story|piece|report|coverage|alert|notice|notices|announcement|announcements"
    r"|statement|profile|profiles|timeline|chronology|analysis|summary"
)
_STOP = r"[,.;:?!()\"]"
_PATTERNS = (
    # "according to the news article, ...", "..., according to Reuters?"
    re.compile(rf"\baccording to (?P<x>[^,.;:?!()\"]+?)(?={_STOP}|$)", re.IGNORECASE),
    # "per the article", "per Reuters", "citing the IEA"
    re.compile(rf"\b(?:per|citing) (?P<x>[^,.;:?!()\"]+?)(?={_STOP}|$)", re.IGNORECASE),
    # "in the Reuters report", "from the source article"
    re.compile(
        rf"\b(?:in|from|by) (?P<x>the (?:[\w&'-]+ ){{0,3}}(?:{_DOC_NOUNS}))\b", re.IGNORECASE
    ),
    # "Reuters reported ...", "What did the USGS say about ..."
    re.compile(
        r"(?P<x>\b[\w&'-]+(?: [\w&'-]+){0,2}) (?:say|says|said|report|reports|reported"
        r"|write|writes|wrote|state|states|stated|claim|claims|claimed|agree|agrees"
        r"|confirm|confirms|confirmed|dispute|disputes|disputed|deny|denies|denied)\b",
        re.IGNORECASE,
    ),
)
_POSSESSIVE = re.compile(r"['\u2019]s\b", re.IGNORECASE)
_MAX_WORDS = 6  # a source phrase longer than this is a clause, not a name


@dataclass(frozen=True, slots=True)
class SourceProfile:
    """The metadata that names a document's origin.

    Fields:
        doc_id: the document's id.
        title: its title.
        source: its first source's name ("Reuters, 2 December 2025").
        kind: news | official | analysis | profile | timeline.
    """

    doc_id: str
    title: str
    source: str
    kind: str


def profiles_from_chunks(chunks: Iterable[Chunk]) -> list[SourceProfile]:
    """One profile per document, in first-seen order (chunks copy the document's metadata)."""
    seen: dict[str, SourceProfile] = {}
    for c in chunks:
        if c.doc_id not in seen:
            seen[c.doc_id] = SourceProfile(c.doc_id, c.title, c.source, c.kind)
    return list(seen.values())


def source_phrases(question: str) -> list[str]:
    """The phrases of ``question`` that name a source ("the news article", "Reuters")."""
    phrases: list[str] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(question):
            words = m.group("x").split()[:_MAX_WORDS]
            if words:
                phrases.append(" ".join(words))
    return phrases


def _words(text: str) -> list[str]:
    """Stemmed content words, possessives dropped ("China's" -> "china")."""
    return content_words(_POSSESSIVE.sub("", text))


def _score(words: Sequence[str], profile: SourceProfile) -> float:
    named = set(_words(f"{profile.title} {profile.source}"))
    score = 0.0
    for w in dict.fromkeys(words):
        if w in named:
            score += 1.0
        elif KIND_WORDS.get(w) == profile.kind:
            score += 0.5
    return score


def match_sources(question: str, profiles: Sequence[SourceProfile]) -> tuple[str, ...]:
    """Ids of the documents the question names as its source; () when it names none.

    Each source phrase matches its best-scoring documents when at least one of its
    words is in their title or source and they are at most half the corpus. A question
    naming two sources ("One article claims ...; does Reuters agree?") matches the
    documents of both, in corpus order.
    """
    matched: set[str] = set()
    for phrase in source_phrases(question):
        words = _words(phrase)
        if not words:
            continue
        scores = {p.doc_id: _score(words, p) for p in profiles}
        top = max(scores.values(), default=0.0)
        ids = [d for d, s in scores.items() if s == top]
        if top >= 1.0 and 2 * len(ids) <= len(profiles):
            matched.update(ids)
    return tuple(p.doc_id for p in profiles if p.doc_id in matched)
