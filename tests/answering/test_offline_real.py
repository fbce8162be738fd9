"""The offline answerer with the real MiniLM model on real corpus chunks (slow)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from briefing.answering.offline import OfflineAnswerer
from briefing.corpus import chunk_document, load_file
from briefing.types import Chunk, Document, Passage

REPO = Path(__file__).resolve().parents[2]
FILES = ("first-general-licences.md", "licensed-companies.md", "china-suspension-notices.md")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus() -> tuple[dict[str, Document], list[Chunk]]:
    docs = [load_file(REPO / "corpus" / name, REPO / "corpus") for name in FILES]
    by_id = {d.id: d for d in docs if d is not None}
    chunks = [c for d in by_id.values() for c in chunk_document(d)]
    return by_id, chunks


def retrieve(
    embeddings: Embeddings, chunks: list[Chunk], question: str, k: int = 6
) -> list[Passage]:
    """Plain dense ranking, enough to hand the answerer realistic passages."""
    vectors = np.asarray(embeddings.embed_documents([c.text for c in chunks]))
    scores = vectors @ np.asarray(embeddings.embed_query(question))
    order = np.argsort(-scores)[:k]
    return [Passage(chunks[i], float(scores[i]), float(scores[i])) for i in order]


@pytest.fixture(scope="module")
def answerer(embeddings: Embeddings) -> OfflineAnswerer:
    return OfflineAnswerer(embeddings)


def test_list_of_licensed_companies(answerer, embeddings, corpus) -> None:
    docs, chunks = corpus
    question = "Which companies received the first general licences?"
    answer = answerer.answer(question, retrieve(embeddings, chunks, question))
    assert not answer.abstained
    for name in ("JL Mag", "Ningbo Yunsheng", "Zhong Ke San Huan"):
        assert name in answer.text
    for c in answer.citations:
        assert docs[c.doc_id].text[c.start : c.end] == c.quote


def test_suspension_end_date(answerer, embeddings, corpus) -> None:
    _, chunks = corpus
    question = "Until when does the suspension under Announcement No. 70 run?"
    answer = answerer.answer(question, retrieve(embeddings, chunks, question))
    assert not answer.abstained
    assert "10 November 2026" in answer.statements[0].text


def test_licence_validity_shows_both_figures(answerer, embeddings, corpus) -> None:
    _, chunks = corpus
    question = "How long are the general licences valid?"
    answer = answerer.answer(question, retrieve(embeddings, chunks, question))
    assert not answer.abstained
    assert "one year" in answer.text and "three years" in answer.text


@pytest.mark.parametrize(
    "question", ["What is the capital of France?", "Who won the 2022 football World Cup?"]
)
def test_out_of_scope_abstains(answerer, embeddings, corpus, question: str) -> None:
    _, chunks = corpus
    answer = answerer.answer(question, retrieve(embeddings, chunks, question))
    assert answer.abstained and not answer.citations and answer.nearest
