"""Summaries: the central, non-redundant sentences of a scope, most important first.

Extractive multi-document summarisation in three steps:

1. centrality: biased LexRank over the MiniLM similarities of the sentences in scope
   (:func:`~briefing.briefings.rank.biased_lexrank`); the walk restarts at sentences in
   proportion to their relevance to the topic times how many specifics (figures, dates,
   names) they state, so "The stakes extend far beyond rare earths" does not outrank
   "JL Mag Rare Earth emerged as the first major beneficiary";
2. sub-topic coverage: a document's sections are its sub-topics; MMR picks the next
   point, and a section gives a second point only after every section with a
   candidate of comparable score has given one;
3. near-duplicates (the same fact in two notes) are merged: the point keeps one
   sentence and cites the others too.

Why not ``sumy``: see ``benchmarks/briefing_libraries.py`` and the README. sumy's
LexRank, TextRank and LSA summarisers are bag-of-words, need NLTK's ``punkt`` data for
their tokenizer (not downloadable here; our own sentence splitter can stand in), and
scored lower key-point recall on the dev briefings than this ranker, which reuses the
MiniLM vectors the index already depends on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..briefing_records import EventDate
from .inventory import Inventory, Sentence, VectorCache
from .rank import RankLimits, biased_lexrank, mmr_select, near_duplicate, top_rows
from .scope import Scoped

__all__ = ["Pick", "duplicates_of", "summarise"]


@dataclass(slots=True)
class Pick:
    """A chosen sentence, its score, the sentences it stands for (near-duplicates in
    other places, cited with it) and the date it is shown with (timelines)."""

    sentence: Sentence
    score: float
    also: list[Sentence]
    date: EventDate | None = None


def informativeness(sentence: Sentence) -> float:
    """1 for a sentence without specifics, growing slowly with each figure, date or name
    (log: the tenth name adds less than the first)."""
    return 1.0 + math.log1p(sentence.specifics)


def duplicates_of(
    picks: list[int], rows: list[Sentence], similarity: np.ndarray, limits: RankLimits
) -> dict[int, list[Sentence]]:
    """For each picked row, the unpicked rows that say the same thing."""
    out: dict[int, list[Sentence]] = {i: [] for i in picks}
    taken = set(picks)
    for j, sentence in enumerate(rows):
        if j in taken:
            continue
        best = max(
            picks,
            key=lambda i: similarity[i, j],
            default=None,
        )
        if best is not None and near_duplicate(
            float(similarity[best, j]), rows[best].keys, sentence.keys, limits
        ):
            out[best].append(sentence)
    return out


def summarise(
    scoped: Scoped,
    inventory: Inventory,
    cache: VectorCache,
    max_points: int,
    limits: RankLimits | None = None,
    *,
    topical: bool = False,
) -> list[Pick]:
    """Up to ``max_points`` picks, most central first (``topical``: the scope has a topic)."""
    limits = limits or RankLimits()
    rows = scoped.sentences
    if not rows:
        return []
    # Without a topic the documents' own structure leads: a section's first sentence
    # states its point (the lead of news writing, the topic sentence of a note). With a
    # topic, relevance to it leads instead, wherever the sentence stands.
    decay = 0.0 if topical else limits.lead_decay
    bias = scoped.relevance * np.array([informativeness(s) / (1 + decay * s.place) for s in rows])
    keep = top_rows(bias)
    rows, bias = [rows[i] for i in keep], bias[keep]
    vectors = inventory.vectors(cache)[np.array([s.index for s in rows])]
    similarity = np.clip(vectors @ vectors.T, 0.0, 1.0)
    centrality = biased_lexrank(similarity, bias, limits)
    scores = centrality * bias  # central *and* on the request

    sections = [s.section for s in rows]
    n_sections = len(set(sections))

    def allowed(i: int, chosen: list[int]) -> bool:
        # A section's second point waits until every section has given one, or until
        # no candidate of another section scores at least half as well.
        used = {sections[c] for c in chosen}
        if sections[i] not in used or len(used) >= n_sections:
            return True
        return not any(
            sections[j] not in used and scores[j] >= 0.5 * scores[i] for j in range(len(rows))
        )

    picked = mmr_select(scores, similarity, [s.keys for s in rows], max_points, limits, allowed)
    also = duplicates_of(picked, rows, similarity, limits)
    return [Pick(rows[i], float(scores[i]), also[i]) for i in picked]
