"""Fixtures for the web tests: a real Assistant over a copy of the corpus, served by Gradio."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from webkit import CORPUS, Served, free_port


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The web app over a tmp copy of the real corpus, on a free loopback port."""
    from briefing.assistant import Assistant
    from briefing.config import Settings, apply_runtime_defaults
    from briefing.index.embeddings import set_torch_threads
    from briefing.web.app import launch

    apply_runtime_defaults()
    root = tmp_path_factory.mktemp("web")
    shutil.copytree(CORPUS, root / "corpus")
    settings = Settings(
        corpus_dir=root / "corpus",
        data_dir=root / "data",
        max_upload_bytes=20_000,
        allow_uploads=True,
    )
    set_torch_threads(settings.embedding.query_threads)
    assistant = Assistant(settings)
    running = launch(assistant, settings, host="127.0.0.1", port=free_port(), block=False)
    try:
        yield Served(url=running.url, settings=settings, assistant=assistant)
    finally:
        running.demo.close()
        assistant.close()
