"""The on-disk sentence vectors: round trip, keyed by model, and a broken file only
costs time (the cache embeds instead)."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from briefing.answering.vector_cache import VectorCache
from briefing.corpus import in_section, titled_heading
from briefing.index.text_vectors import TextVectors, chunk_texts
from briefing.testing import HashingEmbeddings
from briefing.text import soft_words
from briefing.types import Chunk


def _chunk(text: str, headings: tuple[str, ...] = ("Doc", "Terms")) -> Chunk:
    return Chunk(
        id="c1",
        doc_id="d1",
        text=text,
        start=0,
        end=len(text),
        heading_path=headings,
        ordinal=0,
        title="Doc",
        kind="news",
        published="2025-11-01",
        source="",
        url="",
    )


def test_vectors_round_trip_across_instances(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite"
    store = TextVectors(path, model="m1")
    store.put({"one sentence.": [0.5, 0.25], "two": np.array([1.0, 0.0])})
    store.close()
    again = TextVectors(path, model="m1")
    found = again.get(["two", "one sentence.", "absent"])
    assert set(found) == {"one sentence.", "two"}
    assert found["one sentence."].dtype == np.float32
    assert found["one sentence."].tolist() == [0.5, 0.25]
    assert again.missing(["absent", "two", "absent"]) == ["absent"]
    # Another model's vectors are not this model's.
    assert TextVectors(path, model="m2").get(["two"]) == {}


def test_a_broken_file_degrades_to_embedding(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "v.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    store = TextVectors(path, model="m")
    fake = HashingEmbeddings()
    cache = VectorCache(fake, store=store)
    with caplog.at_level(logging.WARNING):
        rows = cache.vectors(["A sentence about licences.", "Another one."])
        store.put({"x": [1.0]})  # switched off: no second error
    assert len(rows) == 2
    assert np.allclose(rows[0], fake.embed_query("A sentence about licences."))
    assert sum("cannot read" in r.message for r in caplog.records) == 1


class Counting(HashingEmbeddings):
    """Records every text it embeds (``Counting.calls``, cleared by each test)."""

    calls: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        type(self).calls.extend(texts)
        return super().embed_documents(texts)


def test_cache_reads_the_store_before_embedding(tmp_path: Path) -> None:
    Counting.calls.clear()
    store = TextVectors(tmp_path / "v.sqlite", model="hashing")
    first = VectorCache(Counting(), store=store)
    first.vectors(["Licences last one year.", "JL Mag got one."])
    assert Counting.calls == ["Licences last one year.", "JL Mag got one."]
    Counting.calls.clear()
    # A new process (a new cache) on the same store embeds only what is new.
    second = VectorCache(Counting(), store=TextVectors(tmp_path / "v.sqlite", model="hashing"))
    rows = second.vectors(["JL Mag got one.", "A new sentence."])
    assert Counting.calls == ["A new sentence."]
    assert np.allclose(rows[0], Counting().embed_query("JL Mag got one."))


@pytest.mark.parametrize("headings", [("Doc", "Terms"), ()])
def test_chunk_texts_are_what_the_answerer_embeds(headings: tuple[str, ...]) -> None:
    from briefing.answering.candidates import build_candidates
    from briefing.types import Passage

    chunk = _chunk("Licences last one year.  They cover\nmagnets. JL Mag got one.", headings)
    texts = chunk_texts([chunk])
    candidates = build_candidates([Passage(chunk=chunk, score=1.0)])
    words = {w for c in candidates for w in soft_words(c.text)}
    wanted = {c.text for c in candidates} | {c.context for c in candidates} | words
    assert wanted | {titled_heading(chunk)} == set(texts)
    assert {"Licences", "cover", "magnets"} <= words
    assert "They cover magnets." in texts  # whitespace-normalised, as candidates are
    assert in_section(chunk, "x") == ("Terms: x" if headings else "Doc: x")


def test_a_briefing_reads_its_heading_vectors_from_the_store(tmp_path: Path) -> None:
    from briefing.briefings.inventory import Inventory

    Counting.calls.clear()
    chunks = [_chunk("Licences last one year. JL Mag got one."), _chunk("It covers magnets.", ())]
    texts = chunk_texts(chunks)
    store = TextVectors(tmp_path / "v.sqlite", model="hashing")
    store.put(dict(zip(texts, HashingEmbeddings().embed_documents(texts), strict=True)))
    inventory = Inventory.build(chunks, "k")
    vectors = inventory.heading_vectors(VectorCache(Counting(), store=store))
    assert Counting.calls == []
    assert len(vectors) == len(inventory.sentences) > 0
