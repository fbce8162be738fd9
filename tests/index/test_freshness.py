"""The cheap change check: stat against the last ingest's manifest, hash only what changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefing.config import Settings
from briefing.index import freshness, ingest


@pytest.fixture
def settings(tiny_corpus: Path, tmp_path: Path) -> Settings:
    return Settings(corpus_dir=tiny_corpus, data_dir=tmp_path / "data")


def stamps_of(corpus: Path) -> dict[str, freshness.Stamp]:
    return freshness.scan([corpus])


def old_manifest(corpus: Path) -> freshness.Manifest:
    """A manifest whose scan is long past, so unchanged stamps are trusted without hashing."""
    return freshness.Manifest(key="k", files=stamps_of(corpus), scanned_at_ns=2**62)


def age(path: Path, seconds: int = 3600) -> None:
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - seconds * 10**9))


def test_unchanged_files_are_trusted_by_their_stamp(tiny_corpus: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for path in tiny_corpus.iterdir():
        age(path)
    manifest = old_manifest(tiny_corpus)
    monkeypatch.setattr(freshness, "_sha256", lambda path: pytest.fail(f"hashed {path}"))
    assert freshness.files_unchanged(manifest, [tiny_corpus])


def test_a_touched_file_is_hashed_and_still_unchanged(tiny_corpus: Path) -> None:
    manifest = old_manifest(tiny_corpus)
    target = tiny_corpus / "summit.md"
    target.write_bytes(target.read_bytes())  # new mtime, same bytes
    assert freshness.files_unchanged(manifest, [tiny_corpus])


def test_edits_additions_and_removals_are_changes(tiny_corpus: Path) -> None:
    manifest = old_manifest(tiny_corpus)
    target = tiny_corpus / "summit.md"
    original = target.read_bytes()
    target.write_bytes(original.replace(b"Busan", b"Seoul"))  # same size, other bytes
    assert not freshness.files_unchanged(manifest, [tiny_corpus])
    target.write_bytes(original)
    assert freshness.files_unchanged(manifest, [tiny_corpus])
    (tiny_corpus / "new.md").write_text("# New\n\nA new document.\n")
    assert not freshness.files_unchanged(manifest, [tiny_corpus])
    (tiny_corpus / "new.md").unlink()
    (tiny_corpus / "exports.md").unlink()
    assert not freshness.files_unchanged(manifest, [tiny_corpus])


def test_a_same_size_edit_within_the_mtime_tick_is_caught(tiny_corpus: Path) -> None:
    """git's racily-clean case: stamps equal, bytes differ, the scan was just now."""
    target = tiny_corpus / "summit.md"
    before = target.stat()
    manifest = freshness.Manifest(
        key="k", files=stamps_of(tiny_corpus), scanned_at_ns=before.st_mtime_ns
    )
    target.write_bytes(target.read_bytes().replace(b"Busan", b"Seoul"))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # same stamp as recorded
    assert not freshness.files_unchanged(manifest, [tiny_corpus])


def test_scan_reuses_trusted_hashes(tiny_corpus: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for path in tiny_corpus.iterdir():
        age(path)
    previous = old_manifest(tiny_corpus)
    (tiny_corpus / "summit.md").write_text("# Summit\n\nChanged.\n")
    hashed: list[str] = []
    real = freshness._sha256
    monkeypatch.setattr(freshness, "_sha256", lambda p: hashed.append(Path(p).name) or real(p))
    stamps = freshness.scan([tiny_corpus], previous)
    assert hashed == ["summit.md"]
    assert stamps.keys() == previous.files.keys()


def test_the_settings_key_follows_chunking_and_model(tmp_path: Path) -> None:
    roots = [tmp_path]
    base = freshness.settings_key(Settings(), roots)
    assert freshness.settings_key(Settings(), roots) == base
    assert freshness.settings_key(Settings(chunk_size=500), roots) != base
    assert freshness.settings_key(Settings(embedding_model=str(tmp_path)), roots) != base
    assert freshness.settings_key(Settings(), [tmp_path / "other"]) != base


@pytest.mark.slow
def test_a_no_op_ingest_reads_no_corpus_and_a_change_does(
    settings: Settings, tiny_corpus: Path, counting_embeddings, make_indexer, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    indexer = make_indexer(settings, counting_embeddings)
    first = indexer.ingest()
    manifest = freshness.read_manifest(settings)
    assert manifest is not None and manifest.chunks == first.chunks
    real_load = ingest.load_corpus
    monkeypatch.setattr(ingest, "load_corpus", lambda roots: pytest.fail("corpus loaded"))
    again = indexer.ingest()
    assert (again.added, again.deleted, again.unchanged) == (0, 0, first.chunks)
    assert again.documents == first.documents
    # Another process opening the same index trusts the manifest's BM25 version.
    other = make_indexer(settings, counting_embeddings)
    monkeypatch.setattr(other.store, "ids", lambda: pytest.fail("listed every id"))
    other.ingest()
    assert other.refresh_lexical().fingerprint == manifest.lexical
    monkeypatch.setattr(ingest, "load_corpus", real_load)
    (tiny_corpus / "summit.md").write_text(
        "---\nid: summit\ntitle: Summit\nkind: news\n---\n# Summit\n\nThey met in Seoul.\n"
    )
    counting_embeddings.reset()
    changed = indexer.ingest()
    # One chunk, plus its new sentences for the answerer (the unchanged ones are stored).
    assert changed.added == 1
    assert counting_embeddings.documents_embedded == 1 + changed.sentences


@pytest.mark.slow
def test_an_ingest_that_fails_midway_leaves_no_manifest(
    settings: Settings, tiny_corpus: Path, embeddings, make_indexer, doc_writer
) -> None:  # type: ignore[no-untyped-def]
    from langchain_core.embeddings import Embeddings

    class Failing(Embeddings):
        def embed_documents(self, texts):  # type: ignore[no-untyped-def]
            raise RuntimeError("killed")

        def embed_query(self, text):  # type: ignore[no-untyped-def]
            raise RuntimeError("killed")

    make_indexer(settings, embeddings).ingest()
    assert freshness.read_manifest(settings) is not None
    doc_writer(tiny_corpus, "more.md", "more", "# More\n\nAnother note.")
    with pytest.raises(RuntimeError, match="killed"):
        make_indexer(settings, Failing()).ingest()
    assert freshness.read_manifest(settings) is None
    report = make_indexer(settings, embeddings).ingest()
    assert report.added == 1
    assert freshness.read_manifest(settings) is not None


@pytest.mark.slow
def test_a_collection_changed_behind_the_manifest_is_not_fresh(
    settings: Settings, tiny_corpus: Path, embeddings, make_indexer
) -> None:  # type: ignore[no-untyped-def]
    indexer = make_indexer(settings, embeddings)
    indexer.ingest()
    assert indexer.fresh_manifest([tiny_corpus]) is not None
    indexer.store.delete([next(iter(indexer.store.ids()))])
    assert indexer.fresh_manifest([tiny_corpus]) is None
    assert indexer.ingest().added == 1
    assert indexer.fresh_manifest([tiny_corpus]) is not None
    assert indexer.fresh_manifest([tiny_corpus, settings.data_dir]) is None  # other roots


@pytest.mark.slow
def test_an_ingest_lists_the_collection_ids_once(
    settings: Settings, tiny_corpus: Path, embeddings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Issue 12: the BM25 refresh ran twice per ingest, each listing every id in Chroma.
    Now the ingest's reconcile lists them once, a changed collection rebuilds BM25 from
    its records directly, and the assistant trusts the ingest's manifest afterwards."""
    from briefing.assistant import Assistant
    from briefing.index.store import ChromaStore

    listed: list[int] = []
    real_ids = ChromaStore.ids
    monkeypatch.setattr(ChromaStore, "ids", lambda self: listed.append(1) or real_ids(self))
    assistant = Assistant(settings)
    assistant.embeddings = embeddings
    try:
        assistant.ingest()  # a first ingest: everything is new
        assert len(listed) == 1
        (tiny_corpus / "summit.md").write_text(
            "---\nid: summit\ntitle: Summit\nkind: news\n---\n# Summit\n\nThey met in Seoul.\n"
        )
        listed.clear()
        assistant.ingest()  # a change
        assert len(listed) == 1
        listed.clear()
        assert assistant.retrieve("Where did they meet?")  # start-up check: manifest trusted
        assert listed == []
    finally:
        assistant.close()
