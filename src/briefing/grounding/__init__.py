"""Grounding checks shared by the answerers and the evaluation harness.

Neither ``briefing.answering`` nor ``briefing.evaluation`` imports the other; both import
this package, so the LLM reply verifier and the citation metric apply one rule:

* :func:`check_support` / :func:`is_supported`: numbers, names, dates, attributions and
  wording of a sentence against its cited :class:`Evidence` (rule in :data:`SUPPORT_RULE`);
* :class:`Relevance` (a one-method seam) and :class:`FeatureRelevance`: is the sentence
  about the question (threshold :data:`RELEVANCE_THRESHOLD`).
"""

from __future__ import annotations

from .evidence import Evidence, as_evidence
from .relevance import RELEVANCE_THRESHOLD, FeatureRelevance, Relevance, question_coverage
from .support import SUPPORT_RULE, SupportCheck, check_support, is_supported

__all__ = [
    "RELEVANCE_THRESHOLD",
    "SUPPORT_RULE",
    "Evidence",
    "FeatureRelevance",
    "Relevance",
    "SupportCheck",
    "as_evidence",
    "check_support",
    "is_supported",
    "question_coverage",
]
