"""The offline answerer: short, cited answers built from the corpus's own sentences.

No generative model is involved, so nothing can be invented. For each question:

1. Every sentence of the retrieved passages becomes a candidate
   (:mod:`~briefing.answering.candidates`).
2. Each candidate gets the features of :mod:`~briefing.answering.features` (MiniLM
   similarity of the sentence and of the sentence under its heading, soft and exact
   coverage of the question's words, answer-type fit, position, ...), and the fitted
   sentence model (:mod:`~briefing.answering.model`) turns them into the probability
   that the sentence states the answer. Sentence embeddings are cached by text, so a
   warm query embeds only the question and its words.
3. Abstention: a name, acronym or number of the question that occurs in no passage
   refuses at once; otherwise the fitted answerable model turns the best sentences'
   probabilities, the off-topic similarity and the fit of the asked-for attribute
   ("Who is its *chairman*?") into P(answerable), refused below the threshold chosen on
   the dev split.
4. Otherwise the most probable sentence and others follow while probable enough
   (:mod:`~briefing.answering.selection`); of those, the one the lead model rates highest
   (it also weighs how well the sentence states what is asked, the question's
   predicate) comes first; a list question leads with a sentence listing the items, or
   with its items gathered from several sentences (:mod:`~briefing.answering.compose`).
   Every statement carries ``[n]`` markers whose citations quote the sentence exactly.

Usage::

    answerer = OfflineAnswerer(embeddings)        # any LangChain Embeddings, normalised
    answer = answerer.answer("When did the suspension start?", passages)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..idioms import plain_wording
from ..index.text_vectors import TextVectors
from ..types import Answer, AnswerDelta, Citation, Passage
from .analysis import (
    Analysis,
    beyond_sources,
    logit,
    past_after_sources,
    ruled_out,
    task_request,
)
from .base import AnswerBackend, abstained_answer
from .candidates import Candidate, build_candidates
from .citations import citation_for_span, passage_citation
from .compose import compose
from .features import FEATURES, candidate_matrix, question_context
from .model import QUESTION_FEATURES, AnswererModel, load_model
from .question import QuestionProfile, analyse_question
from .selection import SelectionLimits, has_conflict, lead_first, select
from .sentence_features import sentence_phrases
from .vector_cache import VectorCache
from .word_cap import cap_words

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

__all__ = ["Analysis", "OfflineAnswerer"]


class OfflineAnswerer(AnswerBackend):
    """Extractive answerer (see the module docstring). Thread-safe; cheap per query.

    Args:
        embeddings: LangChain ``Embeddings`` returning L2-normalised vectors.
        model: the fitted sentence and answerable models (default: the packaged one).
        limits: sentence and word caps and redundancy rules.
        max_words: soft cap on answer length (words), unless the question asks for detail.
        cache_size: embeddings kept in memory (sentences, headings, words).
        store: sentence vectors on disk (the ingest's), read before embedding.
    """

    name = "offline"

    def __init__(
        self,
        embeddings: Embeddings,
        *,
        model: AnswererModel | None = None,
        limits: SelectionLimits | None = None,
        max_words: int = 120,
        cache_size: int = 50_000,
        store: TextVectors | None = None,
    ) -> None:
        self._cache = VectorCache(embeddings, cache_size, store=store)
        self._embeddings = embeddings
        self._model = model
        base = limits or SelectionLimits()
        self.limits = SelectionLimits(**{**_fields(base), "max_words": max_words})

    @property
    def model(self) -> AnswererModel:
        """The fitted models (loaded on first use, so ``briefing fit`` can featurise
        without one)."""
        if self._model is None:
            self._model = load_model()
        return self._model

    def use_model(self, model: AnswererModel) -> None:
        """Answer with ``model`` from now on (``briefing fit`` refits in two passes)."""
        self._model = model

    # --- public API -------------------------------------------------------------------
    def _answer(self, question: str, passages: Sequence[Passage]) -> Answer:
        """Answer ``question`` from ``passages`` (best first), or abstain (``answer`` and
        :meth:`stream` give this)."""
        analysis = self.analyse(question, passages)
        if analysis.refusal is not None:
            return self._abstain(analysis, passages)
        chosen = self.choose(analysis)
        disagreement = len({c.doc_id for c in chosen}) > 1 and has_conflict(chosen, self.limits)
        statements, citations = compose(
            analysis.profile,
            chosen,
            disagreement=disagreement,
            question_names=_question_names(analysis.profile),
        )
        body = " ".join(f"{s.text} {_markers(s.markers)}" for s in statements)
        answer = Answer(
            question=question,
            standalone_question=question,
            text=body,
            statements=statements,
            citations=citations,
            abstained=False,
            reason="sources disagree; both figures shown" if disagreement else "",
            backend=self.name,
        )
        # A hard bound whatever was chosen: the budget select() aims for.
        limits = self.limits
        return cap_words(
            answer, limits.detail_words if analysis.profile.wants_detail else limits.max_words
        )

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[AnswerDelta | Answer]:
        """Yield the answer statement by statement (with markers), then the final Answer."""
        answer = self._answer(question, passages)
        if answer.abstained:
            yield AnswerDelta(answer.text)
        else:
            for index, statement in enumerate(answer.statements):
                piece = f"{statement.text} {_markers(statement.markers)}"
                yield AnswerDelta(piece if index == 0 else " " + piece)
        yield answer

    def analyse(self, question: str, passages: Sequence[Passage]) -> Analysis:
        """Candidates with probabilities, P(answerable) and the refusal, if any."""
        analysis = self.featurise(question, passages)
        if analysis.refusal is None:
            model = self.model
            probabilities = model.sentence.probabilities(analysis.matrix, FEATURES)
            leads = model.lead.probabilities(analysis.matrix, FEATURES)
            self.score(analysis, probabilities, leads)
        return analysis

    def featurise(self, question: str, passages: Sequence[Passage]) -> Analysis:
        """The candidates and their feature matrix, before any model is applied (the
        question read in plain words: "put on hold" as "suspend", as the retriever does)."""
        question = plain_wording(question)
        profile = analyse_question(question)
        candidates = build_candidates(passages)
        if not candidates:
            return Analysis(
                question,
                profile,
                candidates,
                np.zeros((0, len(FEATURES))),
                refusal=(
                    "The corpus has no passage that could answer this question.",
                    "no passages",
                ),
            )
        query = np.asarray(self._embeddings.embed_query(question), dtype=np.float32)
        context = question_context(question, profile, query, self._cache.vectors)
        texts = [c.text for c in candidates]
        for candidate, vector in zip(candidates, self._cache.vectors(texts), strict=True):
            candidate.vector = vector
        context_vectors = np.array(self._cache.vectors([c.context for c in candidates]))
        matrix = candidate_matrix(context, candidates, context_vectors, self._cache.vectors)
        return Analysis(question, profile, candidates, matrix)

    def score(
        self, analysis: Analysis, probabilities: Sequence[float], leads: Sequence[float]
    ) -> None:
        """Set the sentence and lead probabilities, then P(answerable) and the refusal."""
        for candidate, p, lead in zip(analysis.candidates, probabilities, leads, strict=True):
            candidate.probability = float(p)
            candidate.lead = float(lead)
        analysis.question_features = self.question_row(analysis)
        analysis.answerable = float(
            self.model.answerable.probabilities(analysis.question_features[None, :])[0]
        )
        analysis.refusal = self._refusal(analysis)

    def choose(self, analysis: Analysis) -> list[Candidate]:
        """The sentences an answer to a scored, not refused ``analysis`` would quote,
        the lead first."""
        thresholds = self.model.thresholds
        return lead_first(
            select(
                analysis.profile,
                analysis.candidates,
                self.limits,
                extra=thresholds.extra,
                extra_share=thresholds.extra_share,
            ),
            analysis.profile,
            question=analysis.question,
        )

    # --- abstention ---------------------------------------------------------------------
    def question_row(self, analysis: Analysis) -> np.ndarray:
        """The answerable model's inputs (:data:`QUESTION_FEATURES`)."""
        content = [
            i for i, c in enumerate(analysis.candidates) if not c.features.furniture
        ] or list(range(len(analysis.candidates)))
        order = sorted(content, key=lambda i: -analysis.candidates[i].probability)
        col = {name: j for j, name in enumerate(FEATURES)}
        top = analysis.matrix[order[0]]
        p1 = analysis.candidates[order[0]].probability
        p2 = analysis.candidates[order[1]].probability if len(order) > 1 else 0.0
        attribute = analysis.profile.attribute
        # The attribute may be stated by the second or third sentence ("45 working days"
        # for a "turnaround time" under a sentence that names the review).
        fit = (
            self._attribute_fit(attribute, [analysis.candidates[i].text for i in order[:3]])
            if attribute
            else 1.0
        )
        row = {
            "top_logit": logit(p1),
            "second_logit": logit(p2),
            "top_sim": float(analysis.matrix[content, col["sim"]].max()),
            "top_ctx": float(analysis.matrix[content, col["ctx_sim"]].max()),
            "top_coverage": float(top[col["coverage"]]),
            "top_soft_min": float(top[col["soft_min"]]),
            "top_unit_fit": float(top[col["unit_fit"]]),
            "has_attribute": 1.0 if attribute else 0.0,
            "attribute_fit": fit,
            "top_key_cov": float(top[col["key_cov"]]),
            "named_attribute_top": float(top[col["attribute_match"]]),
            "named_attribute_any": float(
                max(analysis.matrix[i, col["attribute_match"]] for i in order[:5])
            ),
            "past_after_sources": past_after_sources(analysis),
            "top_new_words": float(top[col["new_words"]]),
            "task_request": task_request(analysis.question),
            "beyond_sources": beyond_sources(analysis.question),
        }
        return np.array([row[name] for name in QUESTION_FEATURES], dtype=np.float64)

    def _refusal(self, analysis: Analysis) -> tuple[str, str] | None:
        ruled = ruled_out(analysis)
        if ruled is not None:
            return ruled
        threshold = self.model.thresholds.answer
        if analysis.answerable < threshold:
            attribute = analysis.profile.attribute
            fit = analysis.question_features[QUESTION_FEATURES.index("attribute_fit")]
            message = (
                f'The corpus does not state the "{attribute}" this question asks for.'
                if attribute and fit < 0.5
                else "The corpus does not answer this question."
            )
            return (message, f"P(answerable) {analysis.answerable:.2f} < {threshold:.2f}")
        return None

    def _attribute_fit(self, attribute: str, sentences: Sequence[str]) -> float:
        """Best cosine between the asked-for attribute and a 1-3 word phrase of any of
        ``sentences`` (0.0 for a sentence without phrases); one embedding call for all.

        "Who is its chairman?" answered by a sentence about listings and licences has no
        phrase near "chairman"; "How many tonnes" answered by "1,238 t" has one.
        """
        phrases = [sentence_phrases(sentence) for sentence in sentences]
        texts = [attribute, *dict.fromkeys(p for own in phrases for p in own)]
        vectors = dict(zip(texts, self._cache.vectors(texts), strict=True))
        target = vectors[attribute]
        return max(
            (max((float(vectors[p] @ target) for p in own), default=0.0) for own in phrases),
            default=0.0,
        )

    def _abstain(self, analysis: Analysis, passages: Sequence[Passage]) -> Answer:
        nearest: list[Citation] = []
        for passage in passages[:3]:
            own = [
                c for c in analysis.candidates if c.passage is passage and not c.features.furniture
            ]
            marker = len(nearest) + 1
            if own:
                top = max(own, key=lambda c: c.probability)
                nearest.append(citation_for_span(passage, top.start, top.end, marker))
            elif passage.chunk.text.strip():
                nearest.append(passage_citation(passage, marker))
        message, reason = analysis.refusal or ("", "")
        return abstained_answer(
            analysis.question, text=message, reason=reason, nearest=nearest, backend=self.name
        )


# --- helpers --------------------------------------------------------------------------------
def _fields(limits: SelectionLimits) -> dict[str, object]:
    return {name: getattr(limits, name) for name in SelectionLimits.__slots__}


def _markers(markers: Sequence[int]) -> str:
    return "".join(f"[{m}]" for m in markers)


def _question_names(profile: QuestionProfile) -> frozenset[str]:
    return frozenset(profile.key_terms)
