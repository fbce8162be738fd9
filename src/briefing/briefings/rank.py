"""Ranking sentences: biased LexRank centrality, MMR selection, near-duplicate tests.

Centrality is continuous LexRank (Erkan and Radev, 2004) over MiniLM cosine
similarities, biased towards the request (Otterbacher et al., 2005: the random walk
restarts at sentences in proportion to their relevance to the topic and to how many
specifics they state). Selection is maximal marginal relevance (Carbonell and Goldstein,
1998) with a hard near-duplicate filter, so two sources saying the same thing give one
point.

Every constant is here, with its reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["RankLimits", "biased_lexrank", "mmr_select", "near_duplicate", "word_overlap"]


@dataclass(frozen=True, slots=True)
class RankLimits:
    """The ranking constants (one place, each with its reason).

    Fields:
        damping: LexRank's damping: the walk follows similarity links 85% of the time
            and restarts at a relevant sentence 15% (the PageRank value; Erkan and
            Radev found LexRank insensitive to it between 0.1 and 0.2 restart).
        edge_floor: cosine similarities below this are no link. MiniLM puts unrelated
            sentences of one corpus at 0.1-0.25; related ones start near 0.3.
        mmr_lambda: weight of centrality against novelty in MMR (0.7: the common value,
            which keeps the central sentences and still skips paraphrases).
        duplicate_cosine: MiniLM cosine at which two sentences say the same thing
            (paraphrases of one fact across notes scored 0.86-0.97 on the corpus).
        duplicate_overlap: share of the smaller sentence's content words and numbers
            found in the other at which two sentences are near-duplicates.
        lead_decay: the k-th sentence of a section (0 = its lead) starts the walk
            1 / (1 + lead_decay x k) as often, in summaries without a topic (0.5: the
            lead counts double the third sentence; no decay lost the articles' and
            notes' key sentences to general ones on dev, a decay of 1 gained nothing).
    """

    damping: float = 0.85
    edge_floor: float = 0.3
    mmr_lambda: float = 0.7
    duplicate_cosine: float = 0.86
    duplicate_overlap: float = 0.7
    lead_decay: float = 0.5


def biased_lexrank(
    similarity: np.ndarray, bias: np.ndarray, limits: RankLimits, iterations: int = 60
) -> np.ndarray:
    """Stationary distribution of the biased LexRank walk (sums to 1; one per row)."""
    n = similarity.shape[0]
    if n == 0:
        return np.zeros(0)
    weights = np.where(similarity >= limits.edge_floor, similarity, 0.0)
    np.fill_diagonal(weights, 0.0)
    rows = weights.sum(axis=1, keepdims=True)
    restart = bias / bias.sum() if bias.sum() > 0 else np.full(n, 1.0 / n)
    # A sentence with no links restarts (dangling node): its row becomes the bias.
    transition = np.where(rows > 0, weights / np.where(rows > 0, rows, 1.0), restart[None, :])
    rank = restart.copy()
    for _ in range(iterations):
        updated = (1 - limits.damping) * restart + limits.damping * (rank @ transition)
        if np.abs(updated - rank).sum() < 1e-9:
            rank = updated
            break
        rank = updated
    return rank


def word_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the smaller key set found in the other (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def near_duplicate(cosine: float, keys_a: frozenset[str], keys_b: frozenset[str],
                   limits: RankLimits) -> bool:  # fmt: skip
    """Whether two sentences say the same thing (either test suffices)."""
    return cosine >= limits.duplicate_cosine or word_overlap(keys_a, keys_b) >= (
        limits.duplicate_overlap
    )


def mmr_select(
    scores: np.ndarray,
    similarity: np.ndarray,
    keys: Sequence[frozenset[str]],
    k: int,
    limits: RankLimits,
    allowed: Callable[[int, list[int]], bool] | None = None,
) -> list[int]:
    """Up to ``k`` row indexes, best first, by MMR over ``scores`` (scaled to 0..1).

    A row that is a near-duplicate of a chosen one is never chosen; ``allowed(i,
    chosen)`` can veto further rows (a section already covered, ...).
    """
    n = len(scores)
    if n == 0 or k <= 0:
        return []
    top = float(scores.max())
    relevance = scores / top if top > 0 else np.zeros(n)
    chosen: list[int] = []
    blocked = np.zeros(n, dtype=bool)  # chosen, or a near-duplicate of a chosen row
    while len(chosen) < k:
        redundancy = similarity[:, chosen].max(axis=1) if chosen else np.zeros(n)
        value = limits.mmr_lambda * relevance - (1 - limits.mmr_lambda) * redundancy
        value[blocked] = -np.inf
        pick = next(
            (
                int(i)
                for i in np.argsort(-value, kind="stable")
                if np.isfinite(value[i]) and (allowed is None or allowed(int(i), chosen))
            ),
            None,
        )
        if pick is None:
            break
        chosen.append(pick)
        blocked[pick] = True
        for j in np.flatnonzero(~blocked):
            if near_duplicate(float(similarity[pick, j]), keys[pick], keys[j], limits):
                blocked[j] = True
    return chosen


# LexRank and MMR compare every pair of the sentences they rank; a whole-corpus request
# over a big index ranks at most this many (the corpus has ~300 sentences; an index of
# 100k chunks has ~470,000, whose full similarity matrix would need 831 GiB).
MAX_RANKED = 3000


def top_rows(weights: np.ndarray, limit: int | None = None) -> np.ndarray:
    """Indices of the ``limit`` (default :data:`MAX_RANKED`) largest ``weights`` in their
    original (document) order; all of them when there are no more."""
    limit = MAX_RANKED if limit is None else limit
    if len(weights) <= limit:
        return np.arange(len(weights))
    return np.sort(np.argsort(-weights, kind="stable")[:limit])
