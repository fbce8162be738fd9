"""Is a sentence about the question? A small seam and its feature-based implementation.

A true, well-cited sentence can still answer another question ("What was the price of
neodymium oxide?" answered with dysprosium prices). The LLM reply verifier keeps a
sentence only when :meth:`Relevance.score` reaches its threshold
(:data:`RELEVANCE_THRESHOLD` unless configured, ``Settings.llm_min_relevance``).

:class:`FeatureRelevance` scores with the features the offline answerer uses:

    score = 0.6 * similarity + 0.4 * coverage

* ``similarity``: the highest MiniLM cosine between the question and the sentence, the
  sentence with its passage's title and headings in front (an agreement sentence such
  as "China buys 12 million tonnes of US soybeans" only says it is about the Busan summit
  through its heading), or the passage sentence it rests on with the one before it ("The
  firms are JL Mag, ..." after "MOFCOM granted licences to three magnet makers");
* ``coverage``: share of the question's content words and numbers (generic question words
  such as "many", "long" left out) found in the sentence or that title and headings; a
  word found only in the sentence before counts half.

Any object with a ``score(question, sentence, evidence)`` method returning 0..1 can replace
it (a learned model, for instance).

Usage::

    relevance = FeatureRelevance(embeddings)
    relevance.score("Until when does the suspension run?", "It runs until 10 November 2026.")
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np

from ..corpus.sentences import sentence_spans
from .claims import question_terms, word_keys
from .evidence import Evidence

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

__all__ = [
    "RELEVANCE_THRESHOLD",
    "FeatureRelevance",
    "Relevance",
    "question_coverage",
]

RELEVANCE_THRESHOLD = 0.45
"""Default minimum :class:`FeatureRelevance` score of a kept sentence.

Calibrated on the 95 supported sentences of the 34 recorded replies of small local models
(``tests/answering/replay``): the 5 below 0.45 all answer another question (0.24-0.43:
"Reuters sources say EU firms have filed about 2,000 licence applications" for "What does
Announcement No. 70 suspend?"); the least relevant sentence a reader keeps scores 0.51
("Ford's suppliers reportedly received licences" for "Which firms got licences?").
Sentences about the same event that do not answer the question (0.45-0.49) are kept:
the threshold errs towards keeping, and dysprosium prices offered for a neodymium
question (0.56-0.62) are beyond what these features can tell apart.
"""


class Relevance(Protocol):
    """How relevant a sentence is to the question, 0 (unrelated) to 1 (on point)."""

    def score(self, question: str, sentence: str, evidence: Sequence[Evidence] = ()) -> float:
        """Score ``sentence`` as part of an answer to ``question``; ``evidence`` is what it
        cites (its title and headings tell what the passage is about)."""
        ...


def question_coverage(question: str, text: str, nearby: str = "") -> float:
    """Share of the question's content words and numbers found in ``text`` (0..1); a word
    found only in ``nearby`` text (the sentence before) counts half."""
    terms = question_terms(question)
    if not terms:
        return 0.0
    keys = word_keys(text)
    near = word_keys(nearby) if nearby else set()
    hits = sum(1.0 if t in keys else 0.5 if t in near else 0.0 for t in terms)
    return hits / len(terms)


def _window(sentence: str, evidence: Evidence) -> str:
    """The passage sentence closest to ``sentence``, with the one before it ("The firms are
    JL Mag, ..." only says which firms after "MOFCOM granted licences to three firms")."""
    spans = sentence_spans(evidence.text)
    if not spans:
        return ""
    wanted = word_keys(sentence)
    best = max(
        range(len(spans)), key=lambda i: len(wanted & word_keys(evidence.text[slice(*spans[i])]))
    )
    start = spans[max(best - 1, 0)][0]
    return evidence.text[start : spans[best][1]]


class FeatureRelevance:
    """:class:`Relevance` from MiniLM similarity and question-term coverage (see module).

    Args:
        embeddings: LangChain ``Embeddings`` (the assistant's MiniLM).
        weights: weights of similarity and coverage (they sum to 1, so the score is 0..1).
        cache_size: embeddings kept by text (questions and sentences repeat while streaming
            and replaying).
    """

    def __init__(
        self,
        embeddings: Embeddings,
        *,
        weights: tuple[float, float] = (0.6, 0.4),
        cache_size: int = 2048,
    ) -> None:
        self._embeddings = embeddings
        self.weights = weights
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def _vectors(self, texts: Sequence[str]) -> list[np.ndarray]:
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            fresh = self._embeddings.embed_documents(missing)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    array = np.asarray(vector, dtype=np.float32)
                    norm = float(np.linalg.norm(array))
                    self._cache[text] = array / norm if norm else array
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        with self._lock:
            return [self._cache[t] if t in self._cache else self._fresh(t) for t in texts]

    def _fresh(self, text: str) -> np.ndarray:
        array = np.asarray(self._embeddings.embed_query(text), dtype=np.float32)
        norm = float(np.linalg.norm(array))
        return array / norm if norm else array

    def features(
        self, question: str, sentence: str, evidence: Sequence[Evidence] = ()
    ) -> tuple[float, float]:
        """``(similarity, coverage)`` of ``sentence`` for ``question`` (see the module)."""
        contexts = list(dict.fromkeys(e.context for e in evidence if e.context))
        windows = [w for w in (_window(sentence, e) for e in evidence) if w]
        views = [sentence, *(f"{c}. {sentence}" for c in contexts), *windows]
        question_vector, *vectors = self._vectors([question, *views])
        similarity = max(float(v @ question_vector) for v in vectors)
        coverage = question_coverage(
            question, " ".join([sentence, *contexts]), nearby=" ".join(windows)
        )
        return similarity, coverage

    def score(self, question: str, sentence: str, evidence: Sequence[Evidence] = ()) -> float:
        similarity, coverage = self.features(question, sentence, evidence)
        w_sim, w_cov = self.weights
        return min(1.0, max(0.0, w_sim * similarity + w_cov * coverage))
