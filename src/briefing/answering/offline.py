"""The offline answerer: short, cited answers built from the corpus's own sentences.

No generative model is involved, so nothing can be invented. For each question:

1. Every sentence of the retrieved passages becomes a candidate (split with
   :func:`briefing.corpus.sentence_spans`).
2. Each candidate is scored: cosine similarity of its embedding to the question's
   (sentence embeddings are cached by text, so a warm query embeds only the question),
   IDF-weighted coverage of the question's content words, fit to the answer type the
   question asks for (a date for "when", a figure for "how many", names for "which",
   a cause for "why"), and the passage's retrieval rank. Page furniture (headings,
   "Did you know?", "Comments (0)") is penalised.
3. Abstention is decided from that evidence: a name, acronym or number of the question
   that occurs in no passage, or a best sentence that is neither similar enough nor
   covers enough of the question, gives ``abstained=True`` with the nearest passages.
4. Otherwise the best sentence is kept, then up to a few more that score close to it
   and add new information; sentences from *different* documents that state different
   figures for the same thing are both kept, each attributed and cited.
5. Sentences are ordered (passages by score, sentences of one passage in document
   order) and each gets a ``[n]`` marker whose citation quotes it exactly.

Usage::

    answerer = OfflineAnswerer(embeddings)        # any LangChain Embeddings, normalised
    answer = answerer.answer("When did the suspension start?", passages)
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from langchain_core.embeddings import Embeddings

from ..corpus import sentence_spans
from ..types import Answer, AnswerDelta, Citation, Passage, Statement
from .citations import CitationBook, citation_for_span, passage_citation
from .question import GENERIC_QUESTION_WORDS, QuestionProfile, analyse_question, name_variants
from .sentence_features import SentenceFeatures, sentence_features
from .support import STOP_WORDS

__all__ = ["OfflineAnswerer"]

_SPACES = re.compile(r"\s+")
_FIGURE_KINDS = ("duration", "number")


def _term_key(term: str) -> str:
    """Match key for a stemmed word: spelling variants and derivations share a key
    (licence/license, suspend/suspension) because they share their first six letters."""
    return term[:6] if len(term) > 6 else term


@dataclass(slots=True)
class _Candidate:
    """One sentence of one passage, with its scores."""

    rank: int
    passage: Passage
    start: int  # offset in the chunk text
    end: int
    text: str  # whitespace-normalised sentence
    features: SentenceFeatures
    keys: frozenset[str]
    heading_keys: frozenset[str]
    vector: np.ndarray = field(default_factory=lambda: np.zeros(0))
    similarity: float = 0.0
    coverage: float = 0.0
    fit: float = 0.0
    score: float = 0.0

    @property
    def doc_id(self) -> str:
        return self.passage.chunk.doc_id


class _VectorCache:
    """A bounded, thread-safe LRU of sentence embeddings keyed by text."""

    def __init__(self, embeddings: Embeddings, size: int) -> None:
        self._embeddings = embeddings
        self._size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def vectors(self, texts: Sequence[str]) -> list[np.ndarray]:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            fresh = self._embeddings.embed_documents(missing)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._vectors[text] = np.asarray(vector, dtype=np.float32)
        with self._lock:
            found = []
            for text in texts:
                vector = self._vectors.get(text)
                if vector is None:  # evicted by another thread meanwhile
                    vector = np.asarray(self._embeddings.embed_query(text), dtype=np.float32)
                else:
                    self._vectors.move_to_end(text)
                found.append(vector)
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)
        return found


class OfflineAnswerer:
    """Extractive answerer (see the module docstring). Thread-safe; cheap per query.

    Args:
        embeddings: LangChain ``Embeddings`` returning L2-normalised vectors.
        max_words: soft cap on answer length (words), unless the question asks for detail.
        detail_words: the cap when the question asks to explain / summarise / describe.
        max_sentences: most sentences in a normal answer (list questions may take
            ``list_sentences``, detailed ones ``detail_sentences``).
        min_similarity: below this best-sentence cosine the question is off-topic:
            abstain whatever the word overlap (default 0.30, calibrated on MiniLM).
        answer_similarity: a best sentence at least this similar answers on its own;
            below it the best sentence must also cover ``min_coverage`` of the
            question's (IDF-weighted) content words (default 0.45).
        min_coverage: see ``answer_similarity`` (default 0.40).
        relative_score: an extra sentence must score at least this share of the best
            sentence's score (default 0.65; lists use ``list_relative_score``, 0.60).
        cache_size: sentence embeddings kept in memory.

    Defaults were calibrated on evals/dataset.yaml with MiniLM and hybrid retrieval.
    """

    name = "offline"

    def __init__(
        self,
        embeddings: Embeddings,
        *,
        max_words: int = 120,
        detail_words: int = 250,
        max_sentences: int = 4,
        list_sentences: int = 6,
        detail_sentences: int = 8,
        min_similarity: float = 0.30,
        answer_similarity: float = 0.45,
        min_coverage: float = 0.40,
        relative_score: float = 0.65,
        list_relative_score: float = 0.60,
        cache_size: int = 20_000,
    ) -> None:
        self._cache = _VectorCache(embeddings, cache_size)
        self._embeddings = embeddings
        self.max_words = max_words
        self.detail_words = detail_words
        self.max_sentences = max_sentences
        self.list_sentences = list_sentences
        self.detail_sentences = detail_sentences
        self.min_similarity = min_similarity
        self.answer_similarity = answer_similarity
        self.min_coverage = min_coverage
        self.relative_score = relative_score
        self.list_relative_score = list_relative_score

    # --- public API -------------------------------------------------------------------
    def answer(self, question: str, passages: Sequence[Passage]) -> Answer:
        """Answer ``question`` from ``passages`` (best first), or abstain."""
        profile = analyse_question(question)
        candidates = self._candidates(passages)
        if candidates:
            self._score(question, profile, candidates)
        refusal = self._abstention(profile, candidates, passages)
        if refusal is not None:
            return self._abstain(question, refusal, candidates, passages)
        chosen = self._select(profile, candidates)
        return self._compose(question, chosen)

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[AnswerDelta | Answer]:
        """Yield the answer sentence by sentence (with markers), then the final Answer."""
        answer = self.answer(question, passages)
        if answer.abstained:
            yield AnswerDelta(answer.text)
        else:
            for index, statement in enumerate(answer.statements):
                piece = f"{statement.text} [{statement.markers[0]}]"
                yield AnswerDelta(piece if index == 0 else " " + piece)
        yield answer

    # --- candidates and scores --------------------------------------------------------
    def _candidates(self, passages: Sequence[Passage]) -> list[_Candidate]:
        seen: set[str] = set()
        candidates: list[_Candidate] = []
        for rank, passage in enumerate(passages):
            chunk = passage.chunk
            heading_keys = frozenset(
                _term_key(w)
                for heading in chunk.heading_path
                for w in sentence_features(heading + ".").content
            )
            for start, end in sentence_spans(chunk.text):
                text = _SPACES.sub(" ", chunk.text[start:end]).strip()
                if not text or text in seen:
                    continue
                seen.add(text)
                features = sentence_features(text)
                candidates.append(
                    _Candidate(
                        rank=rank,
                        passage=passage,
                        start=start,
                        end=end,
                        text=text,
                        features=features,
                        keys=frozenset(_term_key(w) for w in features.content),
                        heading_keys=heading_keys,
                    )
                )
        return candidates

    def _score(self, question: str, profile: QuestionProfile, candidates: list[_Candidate]) -> None:
        query = np.asarray(self._embeddings.embed_query(question), dtype=np.float32)
        vectors = self._cache.vectors([c.text for c in candidates])
        weights = self._term_weights(profile, candidates)
        total = sum(weights.values())
        for candidate, vector in zip(candidates, vectors, strict=True):
            candidate.vector = vector
            candidate.similarity = float(vector @ query)
            if total:
                hit = sum(
                    w if key in candidate.keys else 0.5 * w if key in candidate.heading_keys else 0
                    for key, w in weights.items()
                )
                candidate.coverage = hit / total
            candidate.fit = _type_fit(profile, candidate.features)
            candidate.score = (
                0.50 * candidate.similarity
                + 0.30 * candidate.coverage
                + 0.15 * candidate.fit
                + 0.05 / (1 + candidate.rank)
                - (0.40 if candidate.features.furniture else 0.0)
            )

    @staticmethod
    def _term_weights(profile: QuestionProfile, candidates: list[_Candidate]) -> dict[str, float]:
        """IDF weight (over the candidate sentences) of each question content word."""
        keys = [_term_key(t) for t in profile.terms if t not in GENERIC_QUESTION_WORDS]
        if not keys:
            keys = [_term_key(t) for t in profile.terms]
        n = len(candidates)
        weights: dict[str, float] = {}
        for key in dict.fromkeys(keys):
            df = sum(1 for c in candidates if key in c.keys)
            weights[key] = math.log(1 + (n + 1) / (df + 1))
        return weights

    # --- abstention ---------------------------------------------------------------------
    def _abstention(
        self,
        profile: QuestionProfile,
        candidates: list[_Candidate],
        passages: Sequence[Passage],
    ) -> tuple[str, str] | None:
        """``(message, reason)`` when the evidence does not support an answer, else None."""
        if not passages or not candidates:
            return ("The corpus has no passage that could answer this question.", "no passages")
        haystack = " ".join(c.text for c in candidates).lower()
        missing = [k for k in profile.key_terms if not _mentions(haystack, k)]
        if missing:
            shown = ", ".join(f'"{m}"' for m in missing)
            return (
                f"The corpus does not mention {shown}, so it cannot answer this question.",
                f"key term(s) {shown} occur in none of the retrieved passages",
            )
        best = max((c for c in candidates if not c.features.furniture), default=None, key=_by_sim)
        if best is None:
            return ("The retrieved passages hold no statement that answers this.", "no content")
        if best.similarity < self.min_similarity:
            return (
                "The corpus does not cover this question.",
                f"best sentence similarity {best.similarity:.2f} < {self.min_similarity:.2f}",
            )
        best_cover = max(c.coverage for c in candidates if not c.features.furniture)
        if best.similarity < self.answer_similarity and best_cover < self.min_coverage:
            return (
                "The corpus does not say enough to answer this question.",
                f"best sentence similarity {best.similarity:.2f} < {self.answer_similarity:.2f} "
                f"and question coverage {best_cover:.2f} < {self.min_coverage:.2f}",
            )
        return None

    def _abstain(
        self,
        question: str,
        refusal: tuple[str, str],
        candidates: list[_Candidate],
        passages: Sequence[Passage],
    ) -> Answer:
        nearest: list[Citation] = []
        for passage in passages[:3]:
            own = [c for c in candidates if c.passage is passage and not c.features.furniture]
            marker = len(nearest) + 1
            if own:
                top = max(own, key=_by_sim)
                nearest.append(citation_for_span(passage, top.start, top.end, marker))
            elif passage.chunk.text.strip():
                nearest.append(passage_citation(passage, marker))
        message, reason = refusal
        return Answer(
            question=question,
            standalone_question=question,
            text=message,
            abstained=True,
            reason=reason,
            nearest=tuple(nearest),
            backend=self.name,
        )

    # --- selection ----------------------------------------------------------------------
    def _select(self, profile: QuestionProfile, candidates: list[_Candidate]) -> list[_Candidate]:
        ranked = sorted(
            (c for c in candidates if not c.features.furniture),
            key=lambda c: (-c.score, c.rank, c.start),
        )
        if profile.wants_detail:
            limit, words_cap = self.detail_sentences, self.detail_words
            share = self.list_relative_score
        elif profile.is_list:
            limit, words_cap, share = self.list_sentences, self.max_words, self.list_relative_score
        else:
            limit, words_cap, share = self.max_sentences, self.max_words, self.relative_score
        best = ranked[0]
        chosen = [best]
        words = best.features.words
        covered = set(best.keys)
        for candidate in ranked[1:]:
            if len(chosen) >= limit:
                break
            if candidate.score < share * best.score or candidate.similarity < self.min_similarity:
                break
            if words + candidate.features.words > words_cap:
                continue
            if not _adds_information(candidate, chosen, covered):
                continue
            chosen.append(candidate)
            words += candidate.features.words
            covered |= candidate.keys
        # For "how long / how many" questions a different figure in the same document is
        # also shown (notes often state both sides of a disagreement in one place).
        self._add_disagreements(chosen, ranked, best.score, same_doc=profile.kind in _FIGURE_KINDS)
        return chosen

    def _add_disagreements(
        self,
        chosen: list[_Candidate],
        ranked: list[_Candidate],
        best_score: float,
        *,
        same_doc: bool = False,
    ) -> None:
        """Add sentences from other documents that give different figures for a chosen one."""
        pool = [c for c in ranked if c not in chosen and c.score >= 0.6 * best_score]
        for anchor in list(chosen):
            anchor_units = _figure_units(anchor)
            if not anchor_units:
                continue
            for other in pool:
                if (other.doc_id == anchor.doc_id and not same_doc) or other in chosen:
                    continue
                units = _figure_units(other)
                shared = anchor_units.keys() & units.keys()
                if not any(anchor_units[u] != units[u] for u in shared):
                    continue
                # Same topic: close in meaning, or covering the question as well.
                related = float(anchor.vector @ other.vector) >= 0.55
                if not related and other.coverage < 0.8 * anchor.coverage:
                    continue
                if any(c.doc_id == other.doc_id and _figure_units(c) == units for c in chosen):
                    continue
                chosen.append(other)
                break

    # --- composition --------------------------------------------------------------------
    def _compose(self, question: str, chosen: list[_Candidate]) -> Answer:
        group_score: dict[int, float] = {}
        for c in chosen:
            group_score[c.rank] = max(group_score.get(c.rank, -math.inf), c.score)
        ordered = sorted(chosen, key=lambda c: (-group_score[c.rank], c.rank, c.start))
        docs = {c.doc_id for c in ordered}
        disagreement = len(docs) > 1 and _has_conflict(ordered)
        book = CitationBook()
        statements: list[Statement] = []
        for candidate in ordered:
            marker = book.cite(candidate.passage, candidate.start, candidate.end)
            text = candidate.text
            if disagreement and candidate.features.figures and not candidate.features.attributed:
                text = _attributed(text, candidate.passage)
            statements.append(Statement(text=text, markers=(marker,), supported=True))
        body = " ".join(f"{s.text} [{s.markers[0]}]" for s in statements)
        return Answer(
            question=question,
            standalone_question=question,
            text=body,
            statements=tuple(statements),
            citations=book.citations(),
            abstained=False,
            reason="sources disagree; both figures shown" if disagreement else "",
            backend=self.name,
        )


# --- helpers --------------------------------------------------------------------------------
def _by_sim(candidate: _Candidate) -> float:
    return candidate.similarity


def _mentions(haystack: str, term: str) -> bool:
    """Whether lower-cased ``haystack`` names ``term`` or an equivalent name ("us" for
    "america"), as a word or the start of one ("licen" in "licences")."""
    return any(
        re.search(r"(?<![a-z0-9])" + re.escape(variant), haystack) is not None
        for variant in name_variants(term)
    )


def _type_fit(profile: QuestionProfile, f: SentenceFeatures) -> float:
    kind = profile.kind
    if kind == "date":
        return 1.0 if f.has_date else 0.0
    if kind == "duration":
        return 1.0 if f.has_duration else 0.4 if f.has_date else 0.0
    if kind == "number":
        return 1.0 if f.figures else 0.6 if f.has_figure else 0.0
    if kind == "names":
        return min(1.0, f.names / 3)
    if kind == "reason":
        return 1.0 if f.has_cause else 0.0
    return 0.0


def _adds_information(candidate: _Candidate, chosen: list[_Candidate], covered: set[str]) -> bool:
    """Not a near-duplicate of a chosen sentence, and brings new content words."""
    for other in chosen:
        union = candidate.keys | other.keys
        if union and len(candidate.keys & other.keys) / len(union) > 0.6:
            return False
        if float(candidate.vector @ other.vector) > 0.90:
            return False
    new = candidate.keys - covered
    return len(new) >= 2


def _figure_units(candidate: _Candidate) -> dict[str, frozenset[str]]:
    """The candidate's figures grouped by unit: {"year": {"1"}, "%": {"85-90"}}."""
    units: dict[str, set[str]] = {}
    for figure in candidate.features.figures:
        value, unit = figure.split(" ", 1)
        units.setdefault(unit, set()).add(value)
    return {u: frozenset(v) for u, v in units.items()}


def _has_conflict(chosen: list[_Candidate]) -> bool:
    for i, a in enumerate(chosen):
        for b in chosen[i + 1 :]:
            if a.doc_id == b.doc_id:
                continue
            ua, ub = _figure_units(a), _figure_units(b)
            if any(ua[u] != ub[u] for u in ua.keys() & ub.keys()):
                return True
    return False


def _attributed(text: str, passage: Passage) -> str:
    """``According to <source>, <sentence>``; lower-cases a leading common word only."""
    source = passage.chunk.source or passage.chunk.title or passage.chunk.doc_id
    first, _, rest = text.partition(" ")
    if first.lower() in STOP_WORDS:
        text = first.lower() + (" " + rest if rest else "")
    return f"According to {source}, {text}"
