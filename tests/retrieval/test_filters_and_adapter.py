"""Metadata filters through the real Chroma store and BM25 index, the facade's retrieve,
and the LangChain BaseRetriever adapter."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever

from briefing.assistant import Assistant
from briefing.config import Settings
from briefing.index.lexical import LexicalIndex
from briefing.types import RetrievalFilter

pytestmark = pytest.mark.slow

# doc id -> (kind, published, body); every body mentions licences so each filter matters.
DOCS = {
    "mofcom-notice": ("official", "2025-12-02", "MOFCOM granted general licences to JL Mag."),
    "reuters-report": ("news", "2025-11-20", "Reuters: licences for magnet exports resumed."),
    "analyst-view": ("analysis", "2025-10-05", "Analysts expect more licences and exports."),
    "undated-note": ("news", "", "A note on licences with no known date."),
}


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("filters")
    corpus = root / "corpus"
    corpus.mkdir()
    for doc_id, (kind, published, body) in DOCS.items():
        (corpus / f"{doc_id}.md").write_text(
            f'---\nid: {doc_id}\ntitle: "{doc_id}"\nkind: {kind}\npublished: "{published}"\n'
            f"---\n{body}\n",
            encoding="utf-8",
        )
    assistant = Assistant(Settings(corpus_dir=corpus, data_dir=root / "data"))
    assistant.embeddings = embeddings  # share the session's model; same code path
    assistant.ingest()
    yield assistant
    assistant.close()


FILTERS = [
    (RetrievalFilter(kinds=("official",)), {"mofcom-notice"}),
    (
        RetrievalFilter(kinds=("news", "analysis")),
        {"reuters-report", "analyst-view", "undated-note"},
    ),
    (RetrievalFilter(doc_ids=("analyst-view", "mofcom-notice")), {"analyst-view", "mofcom-notice"}),
    (RetrievalFilter(published_from="2025-11-01"), {"mofcom-notice", "reuters-report"}),
    (RetrievalFilter(published_to="2025-11-20"), {"reuters-report", "analyst-view"}),
    (
        RetrievalFilter(published_from="2025-10-01", published_to="2025-11-30", kinds=("news",)),
        {"reuters-report"},
    ),
    (RetrievalFilter(), set(DOCS)),
]


@pytest.mark.parametrize(("where", "expected"), FILTERS)
def test_filters_in_store_lexical_and_facade(assistant: Assistant, where, expected) -> None:  # type: ignore[no-untyped-def]
    store = assistant.indexer.store
    dense = store.search(assistant.embeddings.embed_query("licences"), 10, where)
    assert {c.doc_id for c, _ in dense} == expected
    lexical = LexicalIndex.load(assistant.settings.lexical_dir)
    assert lexical is not None
    assert {c.doc_id for c, _ in lexical.search("licences", 10, where)} == expected
    found = assistant.retrieve("licences", k=10, filters=where)
    assert {p.chunk.doc_id for p in found} == expected


def test_retrieve_prefers_the_matching_document(assistant: Assistant) -> None:
    passages = assistant.retrieve("Which company did MOFCOM grant a licence?", k=2)
    assert passages[0].chunk.doc_id == "mofcom-notice"
    assert passages[0].dense_score is not None and passages[0].lexical_score is not None
    assert passages[0].score >= passages[-1].score


def test_as_retriever_returns_langchain_documents(assistant: Assistant) -> None:
    retriever = assistant.as_retriever(k=2)
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("Which company did MOFCOM grant a licence?")
    assert len(docs) == 2
    assert all(isinstance(d, LCDocument) for d in docs)
    assert docs[0].metadata["doc_id"] == "mofcom-notice"
    assert docs[0].page_content == "MOFCOM granted general licences to JL Mag."
    assert {"score", "kind", "published", "heading_path", "start", "end"} <= set(docs[0].metadata)
    assert docs[0].id

    official = assistant.as_retriever(k=5, filters=RetrievalFilter(kinds=("analysis",)))
    assert {d.metadata["doc_id"] for d in official.invoke("licences")} == {"analyst-view"}
