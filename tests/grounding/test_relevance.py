"""Relevance of a sentence to the question: the seam, the feature score, the threshold
(real MiniLM through the project's Embeddings)."""

from __future__ import annotations

import pytest

from briefing.config import Settings
from briefing.grounding import RELEVANCE_THRESHOLD, Evidence, FeatureRelevance, question_coverage

SUMMIT_AGREEMENT = Evidence(
    "China buys 12 million tonnes of US soybeans in late 2025 under the deal.",
    title="The Busan summit (30 October 2025) and what each side agreed",
    headings=("What China does",),
)
LICENCES = Evidence(
    "MOFCOM granted general export licences to three rare-earth magnet makers on "
    "1 December 2025. The firms are JL Mag, Ningbo Yunsheng and Zhong Ke San Huan.",
    title="MOFCOM notice",
)


@pytest.fixture(scope="module")
def relevance(embeddings) -> FeatureRelevance:
    return FeatureRelevance(embeddings)


def test_threshold_is_stated_once():
    assert RELEVANCE_THRESHOLD == 0.45
    assert Settings(_env_file=None).llm.min_relevance == RELEVANCE_THRESHOLD


def test_question_coverage_ignores_question_words():
    question = "How long are the first general licences valid?"
    assert question_coverage(question, "The first general licences are valid for a year.") == 1.0
    assert question_coverage(question, "Exports fell in October.") == 0.0


def test_on_point_sentence_scores_high(relevance):
    question = "What did Trump say would happen to the tariffs on Chinese goods after Busan?"
    score = relevance.score(
        question, "Trump said the overall tariff rate on Chinese goods would fall to 47%."
    )
    assert 0.7 < score <= 1.0


def test_sentence_answering_another_question_is_below_the_threshold(relevance):
    # Recorded from Qwen2.5-Coder-0.5B for this question (replay/replies.jsonl, reply 12).
    score = relevance.score(
        "What does Announcement No. 70 suspend?",
        "Reuters sources say EU firms have filed about 2,000 licence applications, just "
        "over half approved.",
    )
    assert 0.0 <= score < RELEVANCE_THRESHOLD


def test_passage_headings_tell_what_a_sentence_is_about(relevance):
    question = "What did the Busan summit agree?"
    bare = relevance.score(question, SUMMIT_AGREEMENT.text)
    placed = relevance.score(question, SUMMIT_AGREEMENT.text, [SUMMIT_AGREEMENT])
    assert bare < RELEVANCE_THRESHOLD <= placed


def test_the_sentence_before_gives_a_list_its_subject(relevance):
    question = "Which firms got export licences?"
    sentence = "The firms are JL Mag, Ningbo Yunsheng and Zhong Ke San Huan."
    bare = relevance.score(question, sentence)
    placed = relevance.score(question, sentence, [LICENCES])
    assert bare < placed and placed >= RELEVANCE_THRESHOLD
