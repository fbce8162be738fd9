"""Settings in sections: every environment name of the flat settings still works, the
section paths work too, and the README's settings table is the one the model generates."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from briefing.config import FLAT_NAMES, Settings, load_settings
from briefing.config_doc import iter_fields, settings_table
from briefing.errors import ConfigError

README = Path(__file__).resolve().parents[1] / "README.md"

# Every field of the flat Settings before the sections (read from that config.py),
# a non-default value for it as an environment string, and where it lives now.
OLD_ENV = [
    ("BRIEFING_CORPUS_DIR", "/srv/docs", "corpus_dir", Path("/srv/docs")),
    ("BRIEFING_DATA_DIR", "/srv/data", "data_dir", Path("/srv/data")),
    ("BRIEFING_COLLECTION", "other", "index.collection", "other"),
    ("BRIEFING_CHROMA_HOST", "chroma.internal", "index.chroma_host", "chroma.internal"),
    ("BRIEFING_CHROMA_PORT", "8123", "index.chroma_port", 8123),
    ("BRIEFING_SENTENCE_VECTORS", "false", "index.sentence_vectors", False),
    ("BRIEFING_MAX_FILE_BYTES", "1234", "corpus.max_file_bytes", 1234),
    ("BRIEFING_EMBEDDING_MODEL", "/models/x", "embedding.model", "/models/x"),
    ("BRIEFING_EMBEDDING_RUNTIME", "torch", "embedding.runtime", "torch"),
    ("BRIEFING_MODEL_CACHE_DIR", "/cache", "embedding.cache_dir", Path("/cache")),
    ("BRIEFING_EMBEDDING_BATCH_SIZE", "16", "embedding.batch_size", 16),
    ("BRIEFING_QUERY_THREADS", "2", "embedding.query_threads", 2),
    ("BRIEFING_INGEST_THREADS", "3", "embedding.ingest_threads", 3),
    ("BRIEFING_CHUNK_SIZE", "700", "corpus.chunk_size", 700),
    ("BRIEFING_CHUNK_MIN", "100", "corpus.chunk_min", 100),
    ("BRIEFING_RETRIEVER", "dense", "retrieval.mode", "dense"),
    ("BRIEFING_TOP_K", "4", "retrieval.top_k", 4),
    ("BRIEFING_CANDIDATE_K", "30", "retrieval.candidate_k", 30),
    ("BRIEFING_RRF_K", "10", "retrieval.rrf_k", 10),
    ("BRIEFING_BACKEND", "openai", "backend", "openai"),
    ("BRIEFING_MAX_ANSWER_WORDS", "90", "answer.max_words", 90),
    ("BRIEFING_MAX_QUESTION_CHARS", "500", "answer.max_question_chars", 500),
    ("BRIEFING_LLM_BASE_URL", "http://x/v1", "llm.base_url", "http://x/v1"),
    ("BRIEFING_LLM_MODEL", "m", "llm.model", "m"),
    ("BRIEFING_LLM_API_KEY", "sk-1", "llm.api_key", SecretStr("sk-1")),
    ("BRIEFING_LLM_TEMPERATURE", "0.5", "llm.temperature", 0.5),
    ("BRIEFING_LLM_TIMEOUT_S", "9", "llm.timeout_s", 9.0),
    ("BRIEFING_LLM_MAX_RETRIES", "0", "llm.max_retries", 0),
    ("BRIEFING_LLM_RETRY_ON_TIMEOUT", "true", "llm.retry_on_timeout", True),
    ("BRIEFING_LLM_MIN_RELEVANCE", "0.2", "llm.min_relevance", 0.2),
    ("BRIEFING_LLM_FLAG_UNSUPPORTED", "true", "llm.flag_unsupported", True),
    ("BRIEFING_OLLAMA_BASE_URL", "http://o:1", "llm.ollama_base_url", "http://o:1"),
    ("BRIEFING_LOG_LEVEL", "debug", "log_level", "debug"),
    ("BRIEFING_HOST", "0.0.0.0", "web.host", "0.0.0.0"),
    ("BRIEFING_PORT", "8080", "web.port", 8080),
    ("BRIEFING_WEB_USERNAME", "staff", "web.username", "staff"),
    ("BRIEFING_WEB_PASSWORD", "pw", "web.password", SecretStr("pw")),
    ("BRIEFING_MAX_UPLOAD_BYTES", "99", "web.max_upload_bytes", 99),
    ("BRIEFING_ALLOW_UPLOADS", "true", "web.allow_uploads", True),
    ("BRIEFING_LOGIN_ATTEMPTS", "2", "web.login_attempts", 2),
    ("BRIEFING_LOGIN_LOCKOUT_S", "5", "web.login_lockout_s", 5.0),
    ("BRIEFING_WEB_CONCURRENCY", "3", "web.concurrency", 3),
]


def get(settings: Settings, dotted: str) -> object:
    value: object = settings
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    import os

    for name in list(os.environ):
        if name.startswith("BRIEFING_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env file
    return monkeypatch


@pytest.mark.parametrize(("env", "raw", "dotted", "value"), OLD_ENV, ids=[e[0] for e in OLD_ENV])
def test_every_old_env_name_sets_its_field(clean_env, env, raw, dotted, value) -> None:
    assert get(Settings(), dotted) != value  # the sample is not the default
    clean_env.setenv(env, raw)
    assert get(Settings(), dotted) == value


def test_the_old_names_are_all_the_flat_names() -> None:
    top = {"corpus_dir", "data_dir", "backend", "log_level"}
    assert {e[0] for e in OLD_ENV} == {f"BRIEFING_{n.upper()}" for n in {*FLAT_NAMES, *top}}
    assert sorted(env for _, env, _ in iter_fields()) == sorted(e[0] for e in OLD_ENV)


def test_section_paths_and_flat_names_in_code(clean_env) -> None:
    clean_env.setenv("BRIEFING_TOP_K", "4")
    clean_env.setenv("BRIEFING_RETRIEVAL__TOP_K", "5")
    assert Settings().retrieval.top_k == 5  # the section path wins over the flat name
    assert Settings(top_k=3).retrieval.top_k == 3  # code wins over the environment
    assert Settings(retrieval={"top_k": 2}).retrieval.top_k == 2
    copy = Settings().updated(retriever="dense", llm_temperature=0.7)
    assert (copy.retrieval.mode, copy.llm.temperature, copy.retrieval.top_k) == ("dense", 0.7, 5)


def test_dotenv_file_takes_flat_names(clean_env, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("BRIEFING_TOP_K=6\nBRIEFING_WEB__PORT=9000\n")
    settings = Settings()
    assert (settings.retrieval.top_k, settings.web.port) == (6, 9000)
    plain = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (plain.retrieval.top_k, plain.web.port) == (8, 7860)


def test_a_bad_value_names_the_setting(clean_env) -> None:
    clean_env.setenv("BRIEFING_TOP_K", "many")
    with pytest.raises(ConfigError, match=r"top_k='many' \(retrieval.top_k, env BRIEFING_TOP_K\)"):
        load_settings()
    clean_env.delenv("BRIEFING_TOP_K")
    with pytest.raises(ConfigError, match="retrieval.topk"):
        load_settings(retrieval={"topk": 1})  # a typo inside a section is not ignored


def test_every_field_has_a_description() -> None:
    for dotted, _, info in iter_fields():
        assert info.description, dotted


def test_readme_settings_table_is_generated_from_the_model() -> None:
    """Fails when a setting changed without `python -m briefing.config --write-readme`."""
    text = README.read_text(encoding="utf-8")
    assert settings_table() in text, "README settings table is stale: run " + (
        "`python -m briefing.config --write-readme`"
    )
