"""Crash safety: an ingest killed with a real SIGKILL at several points leaves an index that
still answers, and the next ingest repairs it to exactly the corpus.

A child process (the real package, real model, real Chroma) re-indexes a changed corpus of
150 small documents; the test kills it at chosen moments (during start-up, after the first
batch of records, half-way, near the end) by polling the record manager's SQLite file.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from briefing.assistant import Assistant
from briefing.config import Settings
from briefing.corpus import chunk_document, load_corpus
from briefing.index.lexical import LexicalIndex

pytestmark = pytest.mark.slow

DOCS = 150
CHILD = (
    "from briefing.config import Settings, apply_runtime_defaults\n"
    "apply_runtime_defaults()\n"
    "from briefing.assistant import Assistant\n"
    "Assistant(Settings(), auto_ingest=False).ingest()\n"
)
SUBJECTS = ["gallium", "germanium", "dysprosium", "terbium", "graphite", "antimony"]


def write_corpus(corpus: Path, version: int, skip: set[int] = frozenset()) -> None:
    """DOCS small documents; every document's text depends on ``version``."""
    for old in corpus.glob("*.md"):
        old.unlink()
    for i in range(DOCS + version):  # each version adds one more document
        if i in skip:
            continue
        subject = SUBJECTS[i % len(SUBJECTS)]
        body = (
            f"# Note {i}\n\nRevision {version} of note {i}: exporters of {subject} filed "
            f"{i * 7 + version} licence applications, officials said. Shipments to buyer "
            f"number {i} resumed in week {version + 1} after customs checks."
        )
        (corpus / f"note-{i:03d}.md").write_text(
            f'---\nid: note-{i:03d}\ntitle: "Note {i}"\nkind: news\n'
            f'published: "2025-11-{1 + i % 28:02d}"\n---\n{body}\n',
            encoding="utf-8",
        )


def expected_ids(settings: Settings) -> set[str]:
    docs = load_corpus(settings.corpus_dir).documents
    return {
        c.id
        for d in docs
        for c in chunk_document(
            d, chunk_size=settings.corpus.chunk_size, chunk_min=settings.corpus.chunk_min
        )
    }


def records_since(path: Path, since: float) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as db:
            return db.execute(
                "SELECT COUNT(*) FROM records WHERE updated_at > ?", [since]
            ).fetchone()[0]
    except sqlite3.Error:
        return 0


def fresh_chroma() -> None:
    """Forget cached Chroma clients so this process re-reads what the child wrote."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def kill_when(settings: Settings, ready: Callable[[float, int], bool]) -> int:
    """Run the child ingest; SIGKILL it once ``ready(elapsed_s, new_records)``. Returns rc."""
    env = {
        **os.environ,
        "BRIEFING_DATA_DIR": str(settings.data_dir),
        "BRIEFING_CORPUS_DIR": str(settings.corpus_dir),
        "BRIEFING_QUERY_THREADS": "1",
    }
    started = time.time()
    child = subprocess.Popen([sys.executable, "-c", CHILD], env=env, stderr=subprocess.PIPE)
    try:
        while child.poll() is None:
            elapsed = time.time() - started
            if ready(elapsed, records_since(settings.records_path, started)):
                child.send_signal(signal.SIGKILL)
                break
            if elapsed > 120:
                pytest.fail("child ingest did not reach the kill point in 120 s")
            time.sleep(0.005)
        rc = child.wait(timeout=60)
        stderr = child.stderr.read().decode(errors="replace") if child.stderr else ""
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert rc in (0, -signal.SIGKILL), stderr[-2000:]
    return rc


def check_answers(settings: Settings, embeddings) -> None:  # type: ignore[no-untyped-def]
    """The killed index still answers queries (no exception, something found)."""
    fresh_chroma()
    assistant = Assistant(settings, auto_ingest=False)
    assistant.embeddings = embeddings  # share the loaded model; the code path is unchanged
    try:
        passages = assistant.retrieve("Which exporters of gallium filed licence applications?")
        assert passages
        assert all(p.chunk.text for p in passages)
    finally:
        assistant.close()


def check_exact(settings: Settings, indexer) -> None:  # type: ignore[no-untyped-def]
    expected = expected_ids(settings)
    stored_ids = [rid for rid, _ in indexer.store.records()]
    chunk_ids = [chunk.id for _, chunk in indexer.store.records()]
    assert len(stored_ids) == len(set(stored_ids)) == indexer.store.count()
    assert len(chunk_ids) == len(set(chunk_ids)), "a chunk is stored twice"
    assert set(chunk_ids) == expected, (
        f"missing {len(expected - set(chunk_ids))}, extra {len(set(chunk_ids) - expected)}"
    )
    assert set(indexer.records.list_keys()) == set(stored_ids)
    assert indexer.lexical_in_step()
    lexical = LexicalIndex.load(settings.lexical_dir)
    assert lexical is not None and {c.id for c in lexical.chunks} == expected


def test_sigkill_at_several_points_then_repair(tmp_path: Path, embeddings, make_indexer) -> None:  # type: ignore[no-untyped-def]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "data")
    write_corpus(corpus, version=0)
    make_indexer(settings, embeddings).ingest()
    total = DOCS  # about one chunk per document and every document changes per version

    kill_points: list[tuple[str, Callable[[float, int], bool]]] = [
        ("during start-up", lambda s, n: s >= 0.5),
        ("after the first batch", lambda s, n: n >= 1),
        ("half-way", lambda s, n: n >= total // 2),
        ("after all adds (cleanup / lexical)", lambda s, n: n >= total),
    ]
    killed_mid_write = 0
    for version, (label, ready) in enumerate(kill_points, start=1):
        write_corpus(corpus, version, skip={version * 3, version * 5})
        rc = kill_when(settings, ready)
        if rc == -signal.SIGKILL and label != "during start-up":
            killed_mid_write += 1
        check_answers(settings, embeddings)
        fresh_chroma()
        indexer = make_indexer(settings, embeddings)
        report = indexer.ingest()
        assert report.chunks == len(expected_ids(settings)), label
        check_exact(settings, indexer)
        # And the repaired index is stable: nothing left to do.
        again = indexer.ingest()
        assert (again.added, again.deleted) == (0, 0), label
    assert killed_mid_write >= 2, "the child finished before most kill points"
