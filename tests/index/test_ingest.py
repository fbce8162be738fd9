"""Incremental, idempotent ingestion into real Chroma + BM25 with the real MiniLM model.

A counting wrapper around the real embeddings proves what was (and was not) embedded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.config import Settings
from briefing.corpus import chunk_document, load_corpus
from briefing.index.lexical import LexicalIndex
from briefing.index.text_vectors import TextVectors, chunk_texts, open_text_vectors

pytestmark = pytest.mark.slow


def expected_ids(settings: Settings) -> set[str]:
    """The chunk ids the corpus folder should produce."""
    loaded = load_corpus(settings.corpus_dir)
    return {
        c.id
        for d in loaded.documents
        for c in chunk_document(
            d, chunk_size=settings.corpus.chunk_size, chunk_min=settings.corpus.chunk_min
        )
    }


def stored_chunks(indexer) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """chunk id -> doc id, from the Chroma collection."""
    return {chunk.id: chunk.doc_id for _, chunk in indexer.store.records()}


def assert_in_step(indexer, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    ids = indexer.store.ids()
    assert ids == set(indexer.records.list_keys())
    chunk_ids = set(stored_chunks(indexer))
    assert chunk_ids == expected_ids(settings)
    assert indexer.store.count() == len(ids)
    assert indexer.lexical_in_step()
    lexical = LexicalIndex.load(settings.lexical_dir)
    assert lexical is not None
    assert {c.id for c in lexical.chunks} == chunk_ids


def lexical_docs(settings: Settings, query: str) -> set[str]:
    lexical = LexicalIndex.load(settings.lexical_dir)
    assert lexical is not None
    return {chunk.doc_id for chunk, _ in lexical.search(query, k=10)}


def test_incremental_and_idempotent(
    tiny_corpus: Path, tmp_path: Path, counting_embeddings, make_indexer, doc_writer
) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(corpus_dir=tiny_corpus, data_dir=tmp_path / "data")
    indexer = make_indexer(settings, counting_embeddings)

    first = indexer.ingest()
    n = len(expected_ids(settings))
    first_counts = (first.documents, first.chunks, first.added, first.deleted, first.unchanged)
    assert first_counts == (3, n, n, 0, 0)
    # The chunks, then every sentence alone and under its heading (for the answerer).
    every_text = chunk_texts(chunk for _, chunk in indexer.store.records())
    assert first.sentences == len(every_text) > n
    assert counting_embeddings.documents_embedded == n + first.sentences
    assert TextVectors(settings.text_vectors_path, model="x").get(every_text) == {}
    assert open_text_vectors(settings).missing(every_text) == []
    assert_in_step(indexer, settings)

    # Unchanged corpus: no embedding work at all, nothing added or deleted.
    counting_embeddings.reset()
    again = indexer.ingest()
    assert counting_embeddings.document_calls == 0
    assert (again.added, again.deleted, again.unchanged, again.chunks) == (0, 0, n, n)

    # A fresh process-like Indexer on the same data dir is just as idle.
    fresh = make_indexer(settings, counting_embeddings)
    assert fresh.ingest().added == 0
    assert counting_embeddings.document_calls == 0

    # Editing one document re-embeds only its changed chunk and deletes the old one.
    before = stored_chunks(indexer)
    old_exports = {cid for cid, doc in before.items() if doc == "exports"}
    path = tiny_corpus / "exports.md"
    path.write_text(path.read_text().replace("fell 12%", "fell 14% (revised)"))
    edited = indexer.ingest()
    # The changed chunk and only its changed sentence (alone and under its heading) and
    # its one new word ("revised").
    assert edited.sentences == 3
    assert counting_embeddings.documents_embedded == len(old_exports) + 3 == 4
    assert (edited.added, edited.deleted, edited.unchanged) == (1, 1, n - 1)
    after = stored_chunks(indexer)
    assert not old_exports & set(after)
    assert {c for c, d in after.items() if d != "exports"} == {
        c for c, d in before.items() if d != "exports"
    }
    assert_in_step(indexer, settings)
    assert lexical_docs(settings, "revised") == {"exports"}

    # Adding a file embeds only its chunks; BM25 finds its unique word.
    counting_embeddings.reset()
    doc_writer(tiny_corpus, "new.md", "newdoc", "# Gallium\n\nZorblatt gallium refiners expanded.")
    added = indexer.ingest()
    assert counting_embeddings.documents_embedded == 1 + added.sentences
    # "Zorblatt gallium refiners expanded.", "Gallium: ...", its four words and the
    # section heading under the document's title (for briefings)
    assert added.sentences == 7
    assert (added.documents, added.added, added.deleted, added.unchanged) == (4, 1, 0, n)
    assert lexical_docs(settings, "zorblatt") == {"newdoc"}
    assert_in_step(indexer, settings)

    # Deleting a file removes its chunks from Chroma, the records and BM25; no embedding.
    counting_embeddings.reset()
    (tiny_corpus / "summit.md").unlink()
    removed = indexer.ingest()
    assert counting_embeddings.document_calls == 0
    assert (removed.documents, removed.added, removed.deleted) == (3, 0, 1)
    assert "summit" not in set(stored_chunks(indexer).values())
    assert lexical_docs(settings, "Busan") == set()
    assert_in_step(indexer, settings)

    status = indexer.status()
    assert (status.documents, status.chunks, status.lexical_in_step) == (3, n, True)
    assert status.last_ingest != "never"


def test_sentence_vectors_can_be_switched_off(
    tiny_corpus: Path, tmp_path: Path, counting_embeddings, make_indexer
) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(
        corpus_dir=tiny_corpus, data_dir=tmp_path / "data", index={"sentence_vectors": False}
    )
    report = make_indexer(settings, counting_embeddings).ingest()
    assert (report.sentences, report.sentence_seconds) == (0, 0.0)
    assert counting_embeddings.documents_embedded == report.added
    assert not settings.text_vectors_path.exists()


def test_rebuild_reembeds_everything(
    tiny_corpus: Path, tmp_path: Path, counting_embeddings, make_indexer
) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(corpus_dir=tiny_corpus, data_dir=tmp_path / "data")
    indexer = make_indexer(settings, counting_embeddings)
    n = indexer.ingest().chunks
    # A stray record in the collection (e.g. from an older layout) must not survive.
    indexer.store.collection.add(
        ids=["stray"],
        documents=["stray"],
        embeddings=[[0.0] * 383 + [1.0]],
        metadatas=[{"chunk_id": "stray", "doc_id": "x", "start": 0, "end": 5}],
    )
    counting_embeddings.reset()
    report = indexer.ingest(rebuild=True)
    assert counting_embeddings.documents_embedded == n
    assert (report.added, report.deleted, report.unchanged, report.chunks) == (n, 0, 0, n)
    assert "stray" not in indexer.store.ids()
    assert_in_step(indexer, settings)


def test_lexical_index_repaired_when_removed(
    tiny_corpus: Path, tmp_path: Path, counting_embeddings, make_indexer
) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(corpus_dir=tiny_corpus, data_dir=tmp_path / "data")
    indexer = make_indexer(settings, counting_embeddings)
    indexer.ingest()
    (settings.lexical_dir / "CURRENT").unlink()
    assert not indexer.lexical_in_step()
    counting_embeddings.reset()
    indexer.ingest()
    assert counting_embeddings.document_calls == 0
    assert_in_step(indexer, settings)


def test_ingest_explicit_paths(
    tiny_corpus: Path, tmp_path: Path, counting_embeddings, make_indexer
) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(corpus_dir=tmp_path / "unused", data_dir=tmp_path / "data")
    indexer = make_indexer(settings, counting_embeddings)
    report = indexer.ingest([tiny_corpus / "licences.md", tiny_corpus / "exports.md"])
    assert report.documents == 2
    assert set(stored_chunks(indexer).values()) == {"licences", "exports"}


def test_reconcile_removes_orphans_and_ghost_records(
    tiny_corpus: Path, tmp_path: Path, counting_embeddings, make_indexer
) -> None:  # type: ignore[no-untyped-def]
    """What a killed run can leave: a vector without a record, a record without a vector."""
    settings = Settings(corpus_dir=tiny_corpus, data_dir=tmp_path / "data")
    indexer = make_indexer(settings, counting_embeddings)
    indexer.ingest()
    victim = next(iter(indexer.store.ids()))
    indexer.store.delete([victim])  # record kept, vector gone
    indexer.store.collection.add(
        ids=["orphan"],
        documents=["orphan text"],
        embeddings=[[1.0] + [0.0] * 383],
        metadatas=[{"chunk_id": "orphan", "doc_id": "gone", "start": 0, "end": 11}],
    )
    indexer.records.update(["ghost"], group_ids=["gone"])  # record, never a vector
    counting_embeddings.reset()
    report = indexer.ingest()
    assert counting_embeddings.documents_embedded == 1  # only the lost chunk comes back
    assert report.added == 1
    assert victim in indexer.store.ids()
    assert "orphan" not in indexer.store.ids()
    assert not indexer.records.exists(["ghost"])[0]
    assert_in_step(indexer, settings)


def test_a_changed_embedding_model_reembeds_everything(
    tiny_corpus: Path, tmp_path: Path, counting_embeddings, make_indexer
) -> None:  # type: ignore[no-untyped-def]
    import json

    settings = Settings(corpus_dir=tiny_corpus, data_dir=tmp_path / "data")
    indexer = make_indexer(settings, counting_embeddings)
    indexer.ingest()
    n = len(expected_ids(settings))
    # The index says it was built with another model: its vectors cannot be reused.
    state = settings.data_dir / "ingest.json"
    state.write_text(json.dumps({**json.loads(state.read_text()), "embedding_model": "other"}))
    assert indexer.status().embedding_model == "other"
    counting_embeddings.reset()
    report = indexer.ingest()
    assert counting_embeddings.documents_embedded == n
    assert (report.added, report.chunks) == (n, n)
    assert indexer.status().embedding_model == settings.resolved_embedding_model()
    assert_in_step(indexer, settings)
