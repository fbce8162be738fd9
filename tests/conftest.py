"""Shared fixtures: a copy of the real corpus, one real embedding model per session, and
tiny corpora for index tests (small so embedding them stays fast on a 2-core machine)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

REPO = Path(__file__).resolve().parents[1]

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}
_session_env = pytest.MonkeyPatch()


def pytest_configure(config: pytest.Config) -> None:
    """The model is always loaded from the local package; never reach for the network.

    Set before collection (test modules may import huggingface_hub, which reads
    HF_HUB_OFFLINE once) and undone when the session ends; values already set win.
    """
    import os

    for name, value in OFFLINE_ENV.items():
        if name not in os.environ:
            _session_env.setenv(name, value)


def pytest_unconfigure(config: pytest.Config) -> None:
    _session_env.undo()


TINY_DOCS = {
    "licences.md": (
        "---\nid: licences\ntitle: First general licences\nkind: official\n"
        'published: "2025-12-02"\nsources:\n  - name: MOFCOM\n    url: https://example.org/m\n---\n'
        "# Licences\n\nMOFCOM granted general export licences to three magnet makers on "
        "1 December 2025. The firms are JL Mag, Ningbo Yunsheng and Zhong Ke San Huan.\n\n"
        "The licences are valid for one year.\n"
    ),
    "exports.md": (
        "---\nid: exports\ntitle: Magnet exports slump\nkind: news\n"
        'published: "2025-11-20"\nsources:\n  - name: Reuters\n---\n'
        "# Exports\n\nRare-earth magnet exports fell 12% in October, customs data showed. "
        "A European trade group put the decline at 15%.\n"
    ),
    "summit.md": (
        "---\nid: summit\ntitle: The Busan summit\nkind: analysis\n"
        'published: "2025-10-30"\nsources:\n  - name: Reuters\n---\n'
        "# Summit\n\nDonald Trump and Xi Jinping met in Busan on 30 October 2025. "
        "China agreed to suspend the October export controls for one year.\n"
    ),
}


def write_doc(corpus: Path, name: str, doc_id: str, body: str, **meta: str) -> Path:
    """Write one Markdown document with front matter into ``corpus``."""
    fields = {
        "title": doc_id.replace("-", " ").title(),
        "kind": "news",
        "published": "2025-12-01",
        **meta,
    }
    front = "\n".join([f"id: {doc_id}", *(f'{k}: "{v}"' for k, v in fields.items())])
    path = corpus / name
    path.write_text(f"---\n{front}\n---\n{body}\n", encoding="utf-8")
    return path


@pytest.fixture
def doc_writer() -> Callable[..., Path]:
    """``write_doc`` as a fixture (test modules cannot import conftest reliably)."""
    return write_doc


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    """Three tiny Markdown documents (one chunk each) in a fresh folder."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in TINY_DOCS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return corpus


@pytest.fixture(scope="session")
def corpus_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the real corpus/ folder (tests may not touch the original)."""
    target = tmp_path_factory.mktemp("real") / "corpus"
    shutil.copytree(REPO / "corpus", target)
    return target


@pytest.fixture(scope="session", autouse=True)
def model_cache() -> Iterator[Path]:
    """One ONNX export of the model for the whole session (and ``briefing eval`` after it).

    Every test builds its index in a fresh data_dir; without a shared model cache each
    would export the model again (~30 s). Subprocesses inherit the variable.
    """
    cache = REPO / ".briefing" / "models"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFING_MODEL_CACHE_DIR", str(cache))
        yield cache


@pytest.fixture(scope="session")
def embeddings(model_cache: Path) -> Embeddings:
    """The real all-MiniLM-L6-v2 model (ONNX Runtime, one thread), loaded once per session."""
    from briefing.config import Settings
    from briefing.index.embeddings import load_embeddings

    return load_embeddings(Settings(), threads=1)


class CountingEmbeddings(Embeddings):
    """Passes through to real embeddings and counts the texts it was asked to embed."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.document_calls = 0
        self.documents_embedded = 0
        self.query_calls = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.document_calls += 1
        self.documents_embedded += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        self.query_calls += 1
        return self.inner.embed_query(text)

    def reset(self) -> None:
        self.document_calls = self.documents_embedded = self.query_calls = 0


@pytest.fixture
def counting_embeddings(embeddings: Embeddings) -> CountingEmbeddings:
    """The shared real model behind a fresh call counter."""
    return CountingEmbeddings(embeddings)


@pytest.fixture
def make_indexer() -> Iterator[Callable]:
    """Build an Indexer (ChromaStore + SQLite records) for settings and embeddings."""
    from briefing.index.ingest import Indexer
    from briefing.index.records import SQLiteRecordManager
    from briefing.index.store import ChromaStore

    built: list[Indexer] = []

    def build(settings, embeddings: Embeddings) -> Indexer:  # type: ignore[no-untyped-def]
        store = ChromaStore(settings, embeddings)
        records = SQLiteRecordManager(f"chroma/{settings.index.collection}", settings.records_path)
        indexer = Indexer(settings, store, records)
        built.append(indexer)
        return indexer

    yield build
    for indexer in built:
        indexer.records.close()
