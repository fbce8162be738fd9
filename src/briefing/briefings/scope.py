"""Which sentences a briefing may use, and how relevant each is to its topic.

The scope narrows the inventory by document (``doc_ids``) and, with a topic, by
relevance: a sentence belongs to a topic when it names one of the topic's terms
(spelling variants and equivalent names included: "US" finds "the United States"),
or when it is close to the topic in MiniLM space and lies in a passage the hybrid
retriever finds for the topic. Date bounds are applied by each kind (a timeline by
event date, "what changed" by event or publication date), not here.

Usage::

    scoped = scope_sentences(inventory, cache, scope, search)
    scoped.sentences, scoped.relevance          # in document order, relevance 0..1
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..answering.question import ELEMENT_NAMES, name_variants
from ..briefing_records import BriefingScope
from ..types import Passage, RetrievalFilter
from .inventory import Inventory, Sentence, VectorCache, match_keys

__all__ = ["ScopeLimits", "Scoped", "Search", "scope_sentences", "topic_terms"]

#: ``search(query, k, where)``: the hybrid retriever over the same index version.
Search = Callable[[str, int, RetrievalFilter | None], list[Passage]]

# Words of a request that say what kind of briefing is wanted, not what it is about.
_GENERIC = frozenset(
    match_keys(
        "brief briefing summary summarise summarize overview rundown recap key points main "
        "latest news thing things everything corpus source sources document documents note "
        "notes topic story quick short few timeline chronology dates events happened happen "
        "changes changed new update updates side sides each various different all compare "
        "contradict conflicting order chronological milestones takeaways highlights"
    )
)
_WORD = re.compile(r"[A-Za-z][A-Za-z.'\-]*")


@dataclass(frozen=True, slots=True)
class ScopeLimits:
    """Constants of the topic filter (each with its reason).

    Fields:
        passages: passages the retriever returns for a topic: two to three times the
            answerer's 8, since a briefing covers a topic's sub-topics, not one fact.
        min_cosine: MiniLM cosine of a sentence to the topic above which a sentence in
            a retrieved passage belongs to the topic without naming it (sentences the
            dev topics' gold points come from scored 0.35-0.7; unrelated ones 0.0-0.3).
        weights: relevance = w0 x sentence cosine + w1 x heading cosine + w2 x share of
            topic terms in the sentence + w3 x in a retrieved passage; the sentence's own
            words count most, its heading tells the sub-topic.
    """

    passages: int = 20
    min_cosine: float = 0.35
    weights: tuple[float, float, float, float] = (0.4, 0.2, 0.3, 0.1)


@dataclass(frozen=True, slots=True)
class Scoped:
    """The sentences in scope (document order) and their relevance to the topic (0..1;
    all 1 without a topic)."""

    sentences: list[Sentence]
    relevance: np.ndarray


def topic_terms(topic: str) -> tuple[frozenset[str], frozenset[str]]:
    """(match keys, name phrases) of a topic, without the request words ("brief", ...).

    Name phrases are the equivalent names of the topic's country and agency words
    ("us" -> "united states", "washington", ...), matched as whole words.
    """
    keys = match_keys(topic) - _GENERIC
    phrases: set[str] = set()
    for word in _WORD.findall(topic):
        group = name_variants(word.strip(".'"))
        if len(group) > 1:
            phrases |= group
    return keys, frozenset(phrases)


def _named_terms(topic: str) -> list[str]:
    """The topic's element names and acronyms ("praseodymium", "UEL"): words that name
    one thing, unlike its capitalised ordinary words ("Short profile ...", "September")."""
    words = _WORD.findall(topic)
    return [w for w in words if w.lower() in ELEMENT_NAMES or (len(w) > 1 and w.isupper())]


def _never_named(term: str, known: frozenset[str], rows: list[Sentence]) -> bool:
    """Whether no sentence names ``term`` or an equivalent name of it."""
    if match_keys(term) <= known:
        return False
    return not any(_phrase_hit(s.text, name_variants(term.lower())) for s in rows)


def _phrase_hit(text: str, phrases: frozenset[str]) -> bool:
    low = f" {text.lower()} "
    return any(re.search(rf"(?<![a-z]){re.escape(p)}(?![a-z])", low) for p in phrases)


def scope_sentences(
    inventory: Inventory,
    cache: VectorCache,
    scope: BriefingScope,
    search: Search | None,
    limits: ScopeLimits | None = None,
) -> Scoped:
    """The usable sentences of ``scope`` (documents and topic) with their relevance."""
    limits = limits or ScopeLimits()
    wanted = set(scope.doc_ids)
    rows = [s for s in inventory.sentences if not s.skip and (not wanted or s.doc_id in wanted)]
    topic = (scope.topic or "").strip()
    keys, phrases = topic_terms(topic) if topic else (frozenset(), frozenset())
    focus_keys, focus_phrases = _focus_terms(topic)
    if not rows or not topic or (not keys and not phrases):
        return Scoped(rows, np.ones(len(rows)))

    known = inventory.known_keys()
    absent = {k for k in keys if k not in known}
    # A topic naming an element or acronym the corpus never names ("praseodymium
    # prices": the corpus has dysprosium prices) has no sentence in scope either, as a
    # question would be refused for an absent name.
    if any(_never_named(term, known, rows) for term in _named_terms(topic)):
        return Scoped([], np.zeros(0))
    # A topic none of whose words the corpus uses ("the football results", "the 2027
    # talks in Geneva") has no sentence in scope: an empty briefing, not a near one.
    if keys and absent == keys and not any(_phrase_hit(s.text, phrases) for s in rows):
        return Scoped([], np.zeros(0))
    vector = cache.query(topic)
    index = np.array([s.index for s in rows])
    cosine = inventory.vectors(cache)[index] @ vector
    # ... nor one the corpus half ignores and nothing in it is close to ("the football
    # results": "results" occurs, the nearest sentence is at cosine 0.2).
    if keys and 2 * len(absent) >= len(keys) and float(cosine.max()) < limits.min_cosine:
        return Scoped([], np.zeros(0))
    heading = inventory.heading_vectors(cache)[index] @ vector
    retrieved = _retrieved(topic, wanted, search, limits)
    n_terms = len(keys) + (1 if phrases else 0)
    heading_hits: dict[tuple[str, tuple[str, ...]], float] = {}
    keep: list[int] = []
    relevance: list[float] = []
    w = limits.weights
    for i, sentence in enumerate(rows):
        share = _share(sentence.text, sentence.keys, keys, phrases, n_terms)
        section = sentence.section
        if section not in heading_hits:
            context = " ".join((sentence.chunk.title, *sentence.chunk.heading_path))
            heading_hits[section] = _share(context, match_keys(context), keys, phrases, n_terms)
        head_share = heading_hits[section]
        found = sentence.chunk.id in retrieved
        if (focus_keys or focus_phrases) and not _in_focus(sentence, focus_keys, focus_phrases):
            continue
        named = share >= 0.5 or (share > 0 and cosine[i] >= limits.min_cosine - 0.1)
        if not (named or head_share >= 0.5 or (found and cosine[i] >= limits.min_cosine)):
            continue
        keep.append(i)
        relevance.append(
            w[0] * max(0.0, float(cosine[i]))
            + w[1] * max(0.0, float(heading[i]))
            + w[2] * max(share, 0.5 * head_share)
            + w[3] * (1.0 if found else 0.0)
        )
    return Scoped([rows[i] for i in keep], np.array(relevance))


def _focus_terms(topic: str) -> tuple[frozenset[str], frozenset[str]]:
    """The focus of a follow-up topic ("Busan commitments: the US side"): the terms after
    the colon; a sentence must name them, or stand under a heading that does."""
    return topic_terms(topic.rsplit(": ", 1)[1]) if ": " in topic else (frozenset(), frozenset())


def _retrieved(
    topic: str, wanted: set[str], search: Search | None, limits: ScopeLimits
) -> set[str]:
    """Ids of the chunks the retriever finds for ``topic`` (within ``wanted`` documents)."""
    if search is None:
        return set()
    where = RetrievalFilter(doc_ids=tuple(sorted(wanted))) if wanted else None
    return {p.chunk.id for p in search(topic, limits.passages, where)}


def _in_focus(sentence: Sentence, keys: frozenset[str], phrases: frozenset[str]) -> bool:
    """Whether the sentence, or the heading it stands under, names the focus terms."""
    context = f"{sentence.text} {sentence.heading}"
    n_focus = len(keys) + (1 if phrases else 0)
    return (
        _share(context, sentence.keys | match_keys(sentence.heading), keys, phrases, n_focus) != 0
    )


def _share(
    text: str, text_keys: frozenset[str], keys: frozenset[str], phrases: frozenset[str], n: int
) -> float:
    hits = len(keys & text_keys) + (1 if phrases and _phrase_hit(text, phrases) else 0)
    return hits / n if n else 0.0
