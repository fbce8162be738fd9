"""Ingest and query through a real Chroma server (`chroma run`) on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing.config import Settings
from briefing.types import RetrievalFilter

pytestmark = pytest.mark.slow

CHROMA = Path(sys.executable).with_name("chroma")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[int]:
    """A `chroma run` server on a free loopback port; yields the port."""
    port = free_port()
    log = (tmp_path / "chroma.log").open("wb")
    server = subprocess.Popen(
        [
            str(CHROMA),
            "run",
            "--path",
            str(tmp_path / "server-db"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1
                ) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"chroma run did not come up: {(tmp_path / 'chroma.log').read_text()}")
            time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_ingest_and_query_through_server(
    chroma_server: int, tiny_corpus: Path, tmp_path: Path, counting_embeddings, make_indexer
) -> None:  # type: ignore[no-untyped-def]
    import chromadb

    settings = Settings(
        corpus_dir=tiny_corpus,
        data_dir=tmp_path / "data",
        chroma_host="127.0.0.1",
        chroma_port=chroma_server,
    )
    indexer = make_indexer(settings, counting_embeddings)
    report = indexer.ingest()
    assert report.added == report.chunks > 0
    assert not settings.chroma_dir.exists()  # nothing embedded locally
    assert indexer.status().location == f"chroma server http://127.0.0.1:{chroma_server}"

    # The vectors live in the server: another client sees them.
    other = chromadb.HttpClient(host="127.0.0.1", port=chroma_server)
    assert other.get_collection(settings.index.collection).count() == report.chunks

    hits = indexer.store.search(
        counting_embeddings.embed_query("Which magnet makers received licences?"), 3
    )
    assert hits[0][0].doc_id == "licences"
    only_news = indexer.store.search(
        counting_embeddings.embed_query("licences"), 3, RetrievalFilter(kinds=("news",))
    )
    assert {c.doc_id for c, _ in only_news} == {"exports"}

    counting_embeddings.reset()
    again = indexer.ingest()
    assert counting_embeddings.document_calls == 0
    assert (again.added, again.deleted) == (0, 0)
    assert indexer.lexical_in_step()
