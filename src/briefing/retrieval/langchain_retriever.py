"""The hybrid retriever as a LangChain ``BaseRetriever``, for reuse in other chains."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from ..types import RetrievalFilter


class BriefingRetriever(BaseRetriever):
    """Wraps any object with ``retrieve(question, k=, filters=) -> list[Passage]``.

    Usage::

        retriever = Assistant().as_retriever(k=4)
        docs = retriever.invoke("Which firms got licences?")
        docs[0].metadata["doc_id"], docs[0].metadata["score"]
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    source: Any
    k: int = 6
    filters: RetrievalFilter | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LCDocument]:
        passages = self.source.retrieve(query, k=self.k, filters=self.filters)
        return [
            LCDocument(
                id=p.chunk.id,
                page_content=p.chunk.text,
                metadata={
                    **{k: v for k, v in p.chunk.to_dict().items() if k != "text"},
                    "heading_path": list(p.chunk.heading_path),
                    "score": p.score,
                    "dense_score": p.dense_score,
                    "lexical_score": p.lexical_score,
                },
            )
            for p in passages
        ]
