"""The facade: the one place that builds concrete parts and wires them together.

Usage::

    from briefing import Assistant, Settings

    assistant = Assistant()  # or Assistant(Settings(corpus_dir=..., data_dir=...))
    answer = assistant.ask("Which firms got licences?")
    print(answer.text)                            # "... [1] ... [2]"
    for c in answer.citations:
        print(c.marker, c.title, c.quote)

    chat = assistant.conversation()
    chat.ask("What does the suspension cover?")
    chat.ask("And for how long?").standalone_question

Everything heavy (model load, index check) happens on first use, under a lock, so
``Assistant()`` is cheap and one instance can serve many threads. An ingest (or upload)
never blocks questions: they read the previous index version until it is done, and a
server follows ingests made by other processes (see ``briefing.index.generation``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .answering.base import Answerer, QueryRewriter, final_answer
from .config import Settings
from .conversation import Conversation
from .index.embeddings import LazyEmbeddings
from .index.ingest import Indexer
from .index.live import LiveIndex
from .index.text_vectors import open_text_vectors
from .index.uploads import UploadJob
from .input import check_question
from .registry import make_backend
from .retrieval.hybrid import HybridRetriever
from .retrieval.index_search import index_retriever
from .timing import Stopwatch
from .types import (
    Answer,
    AnswerDelta,
    Citation,
    DocumentInfo,
    IndexStatus,
    IngestReport,
    Passage,
    RetrievalFilter,
    Turn,
)

__all__ = ["Assistant", "Conversation"]

if TYPE_CHECKING:
    from .briefings import Briefing
    from .briefings.briefer import Briefer


class Assistant:
    """Grounded, cited answers over the corpus: ask, stream, converse, ingest."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        answerer: Answerer | None = None,
        rewriter: QueryRewriter | None = None,
        auto_ingest: bool = True,
        threads: int | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self._answerer = answerer
        self._rewriter = rewriter
        self._auto_ingest = auto_ingest
        self._lock = threading.RLock()  # lazy construction only: held for microseconds
        # Torch threads: one for answering (stays fast beside other busy processes);
        # batch ingest passes settings.embedding.ingest_threads.
        self.embeddings = LazyEmbeddings(
            self.settings,
            threads=self.settings.embedding.query_threads if threads is None else threads,
        )
        self._index: LiveIndex | None = None
        self._retriever: HybridRetriever | None = None
        self._briefer: Briefer | None = None

    # -- composition (lazy: tests may swap ``embeddings`` before first use) ---------------
    @property
    def index(self) -> LiveIndex:
        """The live index: start-up ingest, current version, uploads."""
        return self._once(
            "_index",
            lambda: LiveIndex(self.settings, self.embeddings, auto_ingest=self._auto_ingest),
        )

    def _once(self, attr: str, build: Callable[[], Any]) -> Any:
        """``self.<attr>``, built on first use under the lock (then read lock-free)."""
        value = getattr(self, attr)
        if value is None:
            with self._lock:
                value = getattr(self, attr)
                if value is None:
                    value = build()
                    setattr(self, attr, value)
        return value

    @property
    def indexer(self) -> Indexer:
        return self.index.indexer

    @property
    def retriever(self) -> HybridRetriever:
        """The hybrid retriever, built once; each question reads one index version."""
        return self._once(
            "_retriever",
            lambda: index_retriever(self.settings, self.index.view, self.embeddings.embed_query),
        )

    @property
    def warnings(self) -> list[str]:
        """Problems the start-up ingest met and carried on from; front ends show them."""
        return self.index.warnings

    @property
    def upload_jobs(self) -> list[UploadJob]:
        """Uploads of this process, oldest first."""
        return self.index.upload_jobs

    @property
    def answerer(self) -> Answerer:
        return self._backend()[0]

    @property
    def rewriter(self) -> QueryRewriter:
        return self._backend()[1]

    def _backend(self) -> tuple[Answerer, QueryRewriter]:
        if self._answerer is None or self._rewriter is None:
            with self._lock:
                if self._answerer is None or self._rewriter is None:
                    self._build_backend()
        assert self._answerer is not None and self._rewriter is not None
        return self._answerer, self._rewriter

    def _build_backend(self) -> None:
        """The answerer and the follow-up rewriter the settings ask for (one LLM client)."""
        self._answerer, self._rewriter = make_backend(
            self.settings,
            embeddings=self.embeddings,
            lists_for=self._name_lists,
            answerer=self._answerer,
            rewriter=self._rewriter,
        )

    def _name_lists(self, name: str) -> list[list[str]]:
        """Enumerations of names in the passages that mention ``name`` most (for the
        rewriter's "the other two")."""
        from .retrieval.rewrite import name_lists

        hits = self.index.view().lexical_search(name, 5, None)
        return [items for chunk, _ in hits for items in name_lists(chunk.text)]

    def warm_up(self) -> None:
        """Check or build the index, load the model and the answerer now, so the first
        question of a server is as fast as the rest (servers call this before listening)."""
        self.index.ensure_ready()
        self.embeddings.embed_query("warm up")
        _ = self.answerer, self.rewriter

    # -- questions ----------------------------------------------------------------------
    def check_question(self, question: object) -> str:
        """The question, cleaned; QuestionError when it is unusable."""
        return check_question(question, max_chars=self.settings.answer.max_question_chars)

    def retrieve(
        self, question: str, *, k: int | None = None, filters: RetrievalFilter | None = None
    ) -> list[Passage]:
        """The passages retrieval finds for ``question`` as written (no rewriting)."""
        question = self.check_question(question)
        self.index.ensure_ready()
        return self.retriever.retrieve(question, k=k, where=filters)

    def ask(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        filters: RetrievalFilter | None = None,
    ) -> Answer:
        """Answer one question (a follow-up when ``history`` is given)."""
        final: Answer | None = None
        for event in self._run(question, history, filters, stream=False):
            if isinstance(event, Answer):
                final = event
        assert final is not None
        return final

    def stream(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        filters: RetrievalFilter | None = None,
    ) -> Iterator[AnswerDelta | Answer]:
        """Yield ``AnswerDelta`` pieces as they are produced, then the final ``Answer``."""
        question = self.check_question(question)  # fail before the generator starts
        return self._run(question, history, filters, stream=True)

    def _run(
        self,
        question: str,
        history: Sequence[Turn],
        filters: RetrievalFilter | None,
        *,
        stream: bool,
    ) -> Iterator[AnswerDelta | Answer]:
        watch = Stopwatch()
        question = self.check_question(question)
        self.index.ensure_ready()
        briefed = self._briefing_answer(question, history)  # "summarize ...", "timeline of ..."
        if briefed is not None:
            if stream:
                yield AnswerDelta(briefed.text)
            yield replace(briefed, timings_ms=watch.timings(**briefed.timings_ms))
            return
        with watch.stage("rewrite"):
            standalone = self.rewriter.rewrite(question, history) if history else question
        with watch.stage("retrieve"):
            passages = self.retriever.retrieve(standalone, where=filters)
        final: Answer | None = None
        with watch.stage("answer"):
            if stream:
                for event in self.answerer.stream(standalone, passages):
                    if isinstance(event, Answer):
                        final = event
                    else:
                        yield event
            else:
                final = final_answer(self.answerer.stream(standalone, passages), self.answerer.name)
        assert final is not None, "answerer produced no final Answer"
        yield replace(
            final,
            question=question,
            standalone_question=standalone,
            timings_ms=watch.timings(),
            passages=tuple(passages),
        )

    # -- briefings ---------------------------------------------------------------------
    def brief(self, topic: str | None = None, **scope: Any) -> Briefing:
        """A briefing: the key points (``summary``), dated events in order
        (``timeline``), what is new since a date (``changes``) or where the sources
        disagree (``disagreements``), of the corpus, a topic or some documents.

        Every point is a verbatim corpus sentence with exact citations::

            assistant.brief("the general licences", kind="timeline", since="2025-10-01")
            assistant.brief(doc_ids=["busan-summit"]).to_markdown()

        ``scope``: ``kind`` (default summary), ``since``, ``until``, ``doc_ids``,
        ``max_points`` (see ``briefings.make_scope``). Bad input (unknown kind or
        document, a date that is not one) raises BriefRequestError naming the field.
        """
        from .briefings import make_scope

        request = make_scope(topic, **scope)
        self.index.ensure_ready()
        retriever = self.retriever
        return self.briefer.brief(
            self.index.view(),
            request,
            lambda query, k, where: retriever.retrieve(query, k=k, where=where),
        )

    def _briefing_answer(self, question: str, history: Sequence[Turn]) -> Answer | None:
        """The chat's answer to a briefing-style request, or None for a question."""
        from .briefings.chat import briefing_answer, request_for, resolve

        request = request_for(question, history)
        if request is None:
            return None
        inventory = self.briefer.inventory(self.index.view())
        briefing = self.brief(**resolve(request, inventory, self.briefer.cache))
        return replace(briefing_answer(question, briefing), timings_ms=dict(briefing.timings_ms))

    @property
    def briefer(self) -> Briefer:
        from .briefings.briefer import Briefer

        return self._once(
            "_briefer", lambda: Briefer(self.embeddings, store=open_text_vectors(self.settings))
        )

    def conversation(self) -> Conversation:
        """A conversation that keeps its own history (one per user or chat window)."""
        return Conversation(self)

    def passage_context(self, citation: Citation) -> tuple[str, str, str]:
        """(before, quote, after): the cited quote inside its chunk, for highlighting."""
        return self.index.view().citation_context(citation)

    # -- the index ----------------------------------------------------------------------
    def ingest(self, paths: Sequence[Path] | None = None, **options: Any) -> IngestReport:
        """Bring the index in step with ``paths`` (default: the corpus folder); options
        ``rebuild``, ``progress``, ``on_progress(done, total)`` as in ``LiveIndex.ingest``."""
        return self.index.ingest(paths, **options)

    def status(self) -> IndexStatus:
        """Where the index lives and what it holds (no ingest, no model load)."""
        return self.index.status()

    def documents(self) -> list[DocumentInfo]:
        """The indexed documents, one row each (title, kind, date, source, chunks)."""
        return self.index.documents()

    def add_document(self, filename: str, data: bytes) -> IngestReport:
        """Save an uploaded file into the corpus folder and ingest it (waits until done).

        Rejects (UploadError) unknown types, empty or oversized files, unsafe names,
        unreadable files and ids already in use; a file that fails to index is removed
        again so the corpus stays loadable.
        """
        return self.submit_document(filename, data).wait()

    def submit_document(self, filename: str, data: bytes) -> UploadJob:
        """Check and save an upload now, index it in the background; questions keep
        answering from the previous index version meanwhile. The job shows progress."""
        return self.index.submit_upload(filename, data)

    def as_retriever(self, *, k: int | None = None, filters: RetrievalFilter | None = None):  # type: ignore[no-untyped-def]
        """This assistant's hybrid retriever as a LangChain ``BaseRetriever``."""
        from .retrieval.langchain_retriever import BriefingRetriever

        return BriefingRetriever(source=self, k=k or self.settings.retrieval.top_k, filters=filters)

    def close(self) -> None:
        with self._lock:
            if self._index is not None:
                self._index.close()
