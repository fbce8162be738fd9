"""A running Assistant follows ingests made by another process (issue 10, item 1), and its
questions never wait for, or mix with, an ingest of its own (item 3).

The other process is the real ``briefing ingest`` command on the same data_dir.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from briefing.assistant import Assistant
from briefing.config import Settings
from briefing.index.generation import read_generation

pytestmark = pytest.mark.slow

BRIEFING = Path(sys.executable).with_name("briefing")
QUESTION = "Which firms received general export licences?"


def cli_ingest(settings: Settings) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "BRIEFING_CORPUS_DIR": str(settings.corpus_dir),
        "BRIEFING_DATA_DIR": str(settings.data_dir),
        "BRIEFING_INGEST_THREADS": "1",
    }
    return subprocess.run(
        [str(BRIEFING), "ingest", "-q"], env=env, capture_output=True, text=True, timeout=300
    )


def fresh_answer(settings: Settings, embeddings, question: str) -> str:  # type: ignore[no-untyped-def]
    """What a newly started process answers (Chroma's client cache cleared first)."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    other = Assistant(settings, auto_ingest=False)
    other.embeddings = embeddings
    try:
        return other.ask(question).text
    finally:
        other.close()


def test_server_follows_an_ingest_from_another_process(tiny_corpus: Path, tmp_path: Path) -> None:
    settings = Settings(corpus_dir=tiny_corpus, data_dir=tmp_path / "data")
    assistant = Assistant(settings)
    try:
        before = assistant.ask(QUESTION)
        assert "JL Mag" in before.text
        generation = read_generation(settings.data_dir)
        assert generation is not None and not generation.writing

        # Another process deletes one document and rewrites another, then ingests.
        (tiny_corpus / "exports.md").unlink()
        licences = tiny_corpus / "licences.md"
        licences.write_text(
            licences.read_text(encoding="utf-8").replace("JL Mag", "Baotou Tianhe"),
            encoding="utf-8",
        )
        errors: list[BaseException] = []
        answers: list[str] = []
        stop = threading.Event()

        def keep_asking() -> None:
            while not stop.is_set():
                try:
                    answers.append(assistant.ask(QUESTION).text)
                except BaseException as exc:  # noqa: BLE001 - the test reports every failure
                    errors.append(exc)
                time.sleep(0.05)

        asker = threading.Thread(target=keep_asking)
        asker.start()
        try:
            done = cli_ingest(settings)
        finally:
            stop.set()
            asker.join(timeout=60)
        assert done.returncode == 0, done.stderr[-2000:]
        assert errors == []
        assert answers, "no question was asked during the ingest"
        assert all(("JL Mag" in a) != ("Baotou Tianhe" in a) for a in answers)

        after = assistant.ask(QUESTION)  # no restart
        assert "Baotou Tianhe" in after.text and "JL Mag" not in after.text
        assert after.text == fresh_answer(settings, assistant.embeddings, QUESTION)
        gone = assistant.retrieve("Rare-earth magnet exports fell 12% in October")
        assert all(p.chunk.doc_id != "exports" for p in gone)
        assert read_generation(settings.data_dir).seq == generation.seq + 2  # type: ignore[union-attr]
    finally:
        assistant.close()


def test_a_stale_client_never_crashes_on_ids_another_process_deleted(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    """The store itself skips ids that come back without metadata (the AttributeError)."""
    settings = Settings(corpus_dir=tiny_corpus, data_dir=tmp_path / "data")
    assistant = Assistant(settings)
    try:
        assistant.ask(QUESTION)
        store = assistant.indexer.store
        vector = assistant.embeddings.embed_query(QUESTION)
        assert any(c.doc_id == "licences" for c, _ in store.search(vector, 3))
        for name in list(TINY_NAMES):
            (tiny_corpus / name).unlink()
        (tiny_corpus / "other.md").write_text(
            "---\nid: other\ntitle: Other\nkind: news\n---\nGallium prices rose.\n",
            encoding="utf-8",
        )
        assert cli_ingest(settings).returncode == 0
        hits = store.search(vector, 3)  # the old client: stale vectors, records gone
        assert all(c.doc_id == "other" for c, _ in hits)
        assert all(c.doc_id == "other" for _, c in store.records())
    finally:
        assistant.close()


TINY_NAMES = ("licences.md", "exports.md", "summit.md")


def test_questions_do_not_wait_for_an_ingest_in_the_same_process(
    tiny_corpus: Path, tmp_path: Path, doc_writer
) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(corpus_dir=tiny_corpus, data_dir=tmp_path / "data")
    assistant = Assistant(settings)
    try:
        expected = assistant.ask(QUESTION).text
        for i in range(40):  # enough chunks that the ingest takes a while
            doc_writer(
                tiny_corpus,
                f"note-{i}.md",
                f"note-{i}",
                f"# Note {i}\n\nGermanium shipment {i} cleared customs in week {i}. " * 6,
            )
        writer = threading.Thread(target=assistant.ingest)
        started = threading.Event()
        original = assistant.indexer.records.update

        def slow_update(*args, **kwargs):  # type: ignore[no-untyped-def]
            started.set()
            time.sleep(0.2)  # each batch of records waits: the ingest is surely running
            return original(*args, **kwargs)

        assistant.indexer.records.update = slow_update  # type: ignore[method-assign]
        writer.start()
        assert started.wait(120)
        during = [assistant.ask(QUESTION).text for _ in range(3)]
        still_running = writer.is_alive()
        writer.join(timeout=300)
        assert still_running, "the ingest finished before the questions: nothing was tested"
        assert during == [expected] * 3  # the previous version, not a half-written one
    finally:
        assistant.close()
