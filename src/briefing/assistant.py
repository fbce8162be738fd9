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

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .answering.base import Answerer, QueryRewriter
from .config import Settings
from .errors import BriefingError, ConfigError, QuestionError, UploadError
from .index.embeddings import LazyEmbeddings
from .index.ingest import Indexer
from .index.store import ChromaStore
from .index.uploads import UploadJob, stage_upload
from .retrieval.hybrid import HybridRetriever
from .retrieval.rewrite import HeuristicRewriter
from .retrieval.sources import SourceProfile, profiles_from_chunks

if TYPE_CHECKING:
    from .briefings import Briefing
    from .briefings.briefer import Briefer

from .types import (
    Answer,
    AnswerDelta,
    Chunk,
    Citation,
    DocumentInfo,
    IndexStatus,
    IngestReport,
    Passage,
    RetrievalFilter,
    Turn,
)

log = logging.getLogger(__name__)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


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
        self._ingest_lock = threading.RLock()  # one ingest at a time; questions never wait
        self._ready = False
        #: Problems the start-up ingest met and carried on from (skipped files, a corpus
        #: error that left the index as it was); front ends show them.
        self.warnings: list[str] = []
        self.upload_jobs: list[UploadJob] = []  # uploads of this process, oldest first
        # Torch threads: one for answering (stays fast beside other busy processes);
        # batch ingest passes settings.ingest_threads.
        self.embeddings = LazyEmbeddings(
            self.settings, threads=self.settings.query_threads if threads is None else threads
        )
        self._store: ChromaStore | None = None
        self._indexer: Indexer | None = None
        self._profiles: tuple[str, list[SourceProfile]] | None = None
        self._briefer: Briefer | None = None

    # -- composition (lazy) ---------------------------------------------------------------
    @property
    def indexer(self) -> Indexer:
        if self._indexer is None:
            with self._lock:
                if self._indexer is None:
                    self._store = ChromaStore(self.settings, self.embeddings)
                    # The record manager opens on first write: answering needs none.
                    self._indexer = Indexer(self.settings, self._store)
        return self._indexer

    @property
    def answerer(self) -> Answerer:
        if self._answerer is None:
            self._build_backend_once()
        assert self._answerer is not None
        return self._answerer

    @property
    def rewriter(self) -> QueryRewriter:
        if self._rewriter is None:
            self._build_backend_once()
        assert self._rewriter is not None
        return self._rewriter

    def _build_backend_once(self) -> None:
        with self._lock:
            if self._answerer is None or self._rewriter is None:
                self._build_backend()

    def _build_backend(self) -> None:
        """The answerer and the follow-up rewriter the settings ask for (one LLM client)."""
        settings = self.settings
        if settings.backend == "offline":
            from .answering.offline import OfflineAnswerer

            self._answerer = self._answerer or OfflineAnswerer(
                self.embeddings, max_words=settings.max_answer_words
            )
            self._rewriter = self._rewriter or HeuristicRewriter(
                self.embeddings.embed_documents, lists_for=self._name_lists
            )
            return
        from .answering.llm import LLMAnswerer, make_chat_model
        from .retrieval.llm_rewrite import LLMQueryRewriter

        chat_model = make_chat_model(settings)
        self._answerer = self._answerer or LLMAnswerer.from_settings(
            settings, chat_model=chat_model, embeddings=self.embeddings
        )
        self._rewriter = self._rewriter or LLMQueryRewriter(chat_model)

    def _name_lists(self, name: str) -> list[list[str]]:
        """Enumerations of names in the passages that mention ``name`` most (for the
        rewriter's "the other two")."""
        from .retrieval.rewrite import name_lists

        hits = self.indexer.view().lexical_search(name, 5, None)
        return [items for chunk, _ in hits for items in name_lists(chunk.text)]

    def _ensure_ready(self) -> None:
        if self._ready:
            return
        with self._ingest_lock:
            if self._ready:
                return
            indexer = self.indexer
            if self._auto_ingest and self.settings.corpus_dir.is_dir():
                self.warnings.extend(_auto_ingest(indexer))
            elif indexer.store.count() == 0:
                raise ConfigError(
                    f"the index is empty and corpus_dir {self.settings.corpus_dir} is not a "
                    "folder: set BRIEFING_CORPUS_DIR or run `briefing ingest PATHS`."
                )
            self.indexer.refresh_lexical()
            self._ready = True

    def warm_up(self) -> None:
        """Check or build the index, load the model and the answerer now, so the first
        question of a server is as fast as the rest (servers call this before listening)."""
        self._ensure_ready()
        self.embeddings.embed_query("warm up")
        _ = self.answerer, self.rewriter

    def _retriever(self, mode: str | None = None) -> HybridRetriever:
        view = self.indexer.view()  # one index version for the whole question
        embeddings = self.embeddings
        vectors: dict[str, list[float]] = {}  # the source ranking searches the same query again

        def dense(query: str, k: int, where: RetrievalFilter | None) -> list[tuple[Chunk, float]]:
            if query not in vectors:
                vectors[query] = embeddings.embed_query(query)
            return view.dense(vectors[query], k, where)

        def profiles() -> list[SourceProfile]:
            lexical = view.lexical
            if lexical is None:
                return []
            # Once per index version, not per question (a scan of every chunk).
            cached = self._profiles
            if cached is None or cached[0] != lexical.fingerprint:
                cached = self._profiles = (lexical.fingerprint, profiles_from_chunks(view.chunks()))
            return cached[1]

        return HybridRetriever(
            dense,
            view.lexical_search,
            top_k=self.settings.top_k,
            candidate_k=self.settings.candidate_k,
            rrf_k=self.settings.rrf_k,
            mode=mode or self.settings.retriever,
            profiles=profiles,
        )

    # -- questions ----------------------------------------------------------------------
    def check_question(self, question: object) -> str:
        """The question, cleaned; QuestionError when it is unusable."""
        if not isinstance(question, str):
            raise QuestionError(f"the question must be text, got {type(question).__name__}")
        bad = _SURROGATE.search(question)
        if bad is not None:  # undecodable input (a terminal's latin-1 bytes, broken JSON)
            raise QuestionError(
                f"the question is not valid text: undecodable character at position "
                f"{bad.start()}; type it again in UTF-8"
            )
        cleaned = _CONTROL.sub(" ", question).strip()
        if not cleaned:
            raise QuestionError("the question is empty: type a question about the corpus")
        limit = self.settings.max_question_chars
        if len(cleaned) > limit:
            raise QuestionError(
                f"the question is {len(cleaned)} characters long; the limit is {limit} "
                "(setting max_question_chars, env BRIEFING_MAX_QUESTION_CHARS)"
            )
        return cleaned

    def retrieve(
        self, question: str, *, k: int | None = None, filters: RetrievalFilter | None = None
    ) -> list[Passage]:
        """The passages retrieval finds for ``question`` as written (no rewriting)."""
        question = self.check_question(question)
        self._ensure_ready()
        return self._retriever().retrieve(question, k=k, where=filters)

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
        started = time.perf_counter()
        question = self.check_question(question)
        self._ensure_ready()
        timings: dict[str, float] = {}

        briefed = self._briefing_answer(question, history)  # "summarize ...", "timeline of ..."
        if briefed is not None:
            if stream:
                yield AnswerDelta(briefed.text)
            yield replace(briefed, timings_ms={**briefed.timings_ms, "total": _ms(started)})
            return

        t = time.perf_counter()
        standalone = self.rewriter.rewrite(question, history) if history else question
        timings["rewrite"] = _ms(t)

        t = time.perf_counter()
        passages = self._retriever().retrieve(standalone, where=filters)
        timings["retrieve"] = _ms(t)

        t = time.perf_counter()
        final: Answer | None = None
        if stream:
            for event in self.answerer.stream(standalone, passages):
                if isinstance(event, Answer):
                    final = event
                else:
                    yield event
        else:
            final = self.answerer.answer(standalone, passages)
        assert final is not None, "answerer produced no final Answer"
        timings["answer"] = _ms(t)
        timings["total"] = _ms(started)
        yield replace(
            final,
            question=question,
            standalone_question=standalone,
            timings_ms=timings,
            passages=tuple(passages),
        )

    # -- briefings ---------------------------------------------------------------------
    def brief(
        self,
        topic: str | None = None,
        *,
        kind: str = "summary",
        since: object = None,
        until: object = None,
        doc_ids: Sequence[str] | None = None,
        max_points: int | None = None,
    ) -> Briefing:
        """A briefing: the key points (``summary``), dated events in order
        (``timeline``), what is new since a date (``changes``) or where the sources
        disagree (``disagreements``), of the corpus, a topic or some documents.

        Every point is a verbatim corpus sentence with exact citations::

            assistant.brief("the general licences", kind="timeline", since="2025-10-01")
            assistant.brief(doc_ids=["busan-summit"]).to_markdown()

        Bad input (unknown kind or document, a date that is not one) raises
        BriefRequestError naming the field.
        """
        from .briefings import make_scope

        scope = make_scope(
            topic, kind=kind, since=since, until=until, doc_ids=doc_ids, max_points=max_points
        )
        self._ensure_ready()
        retriever = self._retriever()
        return self.briefer.brief(
            self.indexer.view(),
            scope,
            lambda query, k, where: retriever.retrieve(query, k=k, where=where),
        )

    def _briefing_answer(self, question: str, history: Sequence[Turn]) -> Answer | None:
        """The chat's answer to a briefing-style request, or None for a question."""
        from .briefings.chat import briefing_answer, request_for, resolve

        request = request_for(question, history)
        if request is None:
            return None
        inventory = self.briefer.inventory(self.indexer.view())
        briefing = self.brief(**resolve(request, inventory, self.briefer.cache))
        return replace(briefing_answer(question, briefing), timings_ms=dict(briefing.timings_ms))

    @property
    def briefer(self) -> Briefer:
        if self._briefer is None:
            from .briefings.briefer import Briefer

            with self._lock:
                if self._briefer is None:
                    self._briefer = Briefer(self.embeddings)
        return self._briefer

    def conversation(self) -> Conversation:
        """A conversation that keeps its own history (one per user or chat window)."""
        return Conversation(self)

    def passage_context(self, citation: Citation) -> tuple[str, str, str]:
        """(before, quote, after): the cited quote inside its chunk, for highlighting."""
        self._ensure_ready()
        chunk = self.indexer.view().chunk(citation.chunk_id)
        if chunk is None or not (chunk.start <= citation.start <= citation.end <= chunk.end):
            return "", citation.quote, ""
        a, b = citation.start - chunk.start, citation.end - chunk.start
        return chunk.text[:a], chunk.text[a:b], chunk.text[b:]

    # -- the index ----------------------------------------------------------------------
    def ingest(
        self,
        paths: Sequence[Path] | None = None,
        *,
        rebuild: bool = False,
        progress: bool = False,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> IngestReport:
        """Bring the index in step with ``paths`` (default: the corpus folder)."""
        with self._ingest_lock:
            report = self.indexer.ingest(
                paths, rebuild=rebuild, progress=progress, on_progress=on_progress
            )
            self.indexer.refresh_lexical()
            self._ready = True
            return report

    def status(self) -> IndexStatus:
        """Where the index lives and what it holds (no ingest, no model load)."""
        return self.indexer.status()

    def documents(self) -> list[DocumentInfo]:
        """The indexed documents, one row each (title, kind, date, source, chunks)."""
        self._ensure_ready()
        return self.indexer.documents()

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
        self.settings.corpus_dir.mkdir(parents=True, exist_ok=True)
        self._ensure_ready()
        known = {d.doc_id for d in self.indexer.documents()}
        target = stage_upload(self.settings, filename, data, known)
        job = UploadJob(name=target.name)
        self.upload_jobs.append(job)
        threading.Thread(
            target=self._index_upload, args=(job, target), name=f"upload-{job.id}", daemon=True
        ).start()
        return job

    def _index_upload(self, job: UploadJob, target: Path) -> None:
        try:
            job.finish(self.ingest(on_progress=job.progress))
        except Exception as exc:  # the job reports it; the corpus must stay loadable
            log.warning("indexing the upload %s failed: %s", job.name, exc)
            target.unlink(missing_ok=True)
            try:
                self.ingest()
            except Exception:
                log.exception("re-ingest after a failed upload failed")
            shown = (
                exc
                if isinstance(exc, BriefingError)
                else UploadError(
                    f"{job.name!r}: indexing failed ({type(exc).__name__}); the file was removed"
                )
            )
            job.fail(shown)

    def as_retriever(self, *, k: int | None = None, filters: RetrievalFilter | None = None):  # type: ignore[no-untyped-def]
        """This assistant's hybrid retriever as a LangChain ``BaseRetriever``."""
        from .retrieval.langchain_retriever import BriefingRetriever

        return BriefingRetriever(source=self, k=k or self.settings.top_k, filters=filters)

    def close(self) -> None:
        with self._lock:
            if self._indexer is not None:
                self._indexer.close()


class Conversation:
    """A question-and-answer history bound to one Assistant; safe to use from one user."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.history: list[Turn] = []
        self._lock = threading.Lock()

    def ask(self, question: str, *, filters: RetrievalFilter | None = None) -> Answer:
        with self._lock:
            answer = self.assistant.ask(question, history=tuple(self.history), filters=filters)
            self.history.append(Turn(question=answer.question, answer=answer))
            return answer

    def stream(
        self, question: str, *, filters: RetrievalFilter | None = None
    ) -> Iterator[AnswerDelta | Answer]:
        with self._lock:
            for event in self.assistant.stream(
                question, history=tuple(self.history), filters=filters
            ):
                if isinstance(event, Answer):
                    self.history.append(Turn(question=event.question, answer=event))
                yield event

    def reset(self) -> None:
        with self._lock:
            self.history.clear()


def _auto_ingest(indexer: Indexer) -> list[str]:
    """The ingest ``ask``/``serve`` run on start: a bad corpus file never stops them.

    With an author error (bad front matter, duplicate id) the intact index is left as it
    is and keeps answering; an empty index is built from the files that load. Returns
    the warnings to show (``briefing ingest`` stays strict and exits non-zero).
    """
    from .errors import CorpusError

    try:
        report = indexer.ingest()
    except CorpusError as exc:
        if indexer.store.count() > 0:
            log.warning("index not updated: %s", exc)
            return [
                f"the index was not updated ({exc}); answering from the existing index. "
                "Fix the file and run `briefing ingest`."
            ]
        report = indexer.ingest(strict=False)
    warnings = [f"skipped {line}" for line in report.skipped]
    for line in warnings:
        log.warning("%s", line)
    return warnings


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
