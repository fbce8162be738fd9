"""Scale benchmark (not a test): ingest and query at 1k, 10k and 100k chunks.

Usage::

    .venv/bin/python benchmarks/scale.py                       # 1k, 10k, 100k chunks
    .venv/bin/python benchmarks/scale.py --sizes 1000 10000 --json

For each size a generated corpus (the corpus's own sentences recombined, as in
``benchmarks/ingest.py``) is indexed in a fresh data folder by one child process, and
queried by another, so each peak RSS belongs to one role:

- ingest: full-ingest seconds and chunks/s (embedding included), the median of three
  no-op re-ingests, the ingest process's peak RSS;
- query: the first question's wall time in a fresh process (index check included), then
  per-stage p50/p95 over the first turns of the gold questions: query embedding, dense
  (Chroma) search, BM25 search, the whole hybrid retrieval, the answer and the total, and
  the query process's peak RSS. The ONNX export of the model is kept in
``--cache-dir`` too, so no child exports it.

Vectors: corpora up to ``--unique-chunks`` (default 10k) are prefixes of one generated
corpus; larger ones are that corpus several times over (same titles and text, other
document ids), so their chunks' vectors are ones already computed. Every computed vector
goes into a cache in ``--cache-dir`` (text digest -> vector, saved as .npz); an ingest
that embeds nothing ("embedded": 0) measures Chroma, the record manager and BM25 alone;
its chunks/s is not an embedding figure (``benchmarks/ingest.py`` measures that).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CHUNKS_PER_DOC = 4.86  # what the generator averages (benchmarks/ingest.py scale run)


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[rank], 2)


def summary(values: list[float]) -> dict[str, float]:
    return {"p50": pct(values, 50), "p95": pct(values, 95)}


# -- corpora ----------------------------------------------------------------------------
def build_corpus(target: Path, chunks: int, base: Path, unique: int) -> None:
    """``chunks`` worth of documents: a prefix of the base corpus, or copies of all of it."""
    target.mkdir(parents=True, exist_ok=True)
    files = sorted(base.glob("*.md"))
    if chunks <= unique:
        for path in files[: max(1, round(len(files) * chunks / unique))]:
            shutil.copy(path, target / path.name)
        return
    for copy in range(round(chunks / unique)):
        for path in files:
            text = path.read_text(encoding="utf-8")
            doc_id = path.stem
            text = text.replace(f"id: {doc_id}\n", f"id: {doc_id}-c{copy}\n", 1)
            (target / f"{doc_id}-c{copy}.md").write_text(text, encoding="utf-8")


def base_corpus(root: Path, unique: int) -> Path:
    sys.path.insert(0, str(HERE))
    from ingest import corpus_sentences, generate_corpus  # benchmarks/ingest.py

    base = root / "base"
    generate_corpus(base, round(unique / CHUNKS_PER_DOC), corpus_sentences(REPO / "corpus"))
    return base


# -- vector cache -----------------------------------------------------------------------
class CachedEmbeddings:
    """Embeddings that remember every document vector by text digest, across processes."""

    def __init__(self, inner, path: Path) -> None:  # type: ignore[no-untyped-def]
        import numpy as np

        self.inner, self.path, self.np = inner, path, np
        self.vectors: dict[str, list[float]] = {}
        self.embedded = 0
        if path.is_file():
            data = np.load(path)
            self.vectors = dict(zip(data["keys"].tolist(), data["vectors"].tolist(), strict=True))

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        keys = [self._key(t) for t in texts]
        missing = sorted(
            {k: t for k, t in zip(keys, texts, strict=True) if k not in self.vectors}.items()
        )
        if missing:
            found = self.inner.embed_documents([t for _, t in missing])
            self.vectors.update(zip((k for k, _ in missing), found, strict=True))
            self.embedded += len(missing)
        return [self.vectors[k] for k in keys]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)

    def save(self) -> None:
        np = self.np
        keys = list(self.vectors)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(keys), vectors=np.array([self.vectors[k] for k in keys]))
        os.replace(tmp, self.path)


# -- child processes --------------------------------------------------------------------
def child_ingest(corpus: Path, data: Path, cache: Path, models: Path) -> dict[str, object]:
    from langchain_core.embeddings import Embeddings

    from briefing.config import Settings
    from briefing.index.embeddings import load_embeddings
    from briefing.index.ingest import Indexer
    from briefing.index.store import ChromaStore

    settings = Settings(corpus_dir=corpus, data_dir=data, model_cache_dir=models)
    cached = CachedEmbeddings(
        load_embeddings(settings, threads=settings.embedding.ingest_threads), cache
    )
    Embeddings.register(CachedEmbeddings)
    indexer = Indexer(settings, ChromaStore(settings, cached))  # type: ignore[arg-type]
    report = indexer.ingest()
    cached.save()
    noops = []
    for _ in range(3):
        fresh = Indexer(settings, ChromaStore(settings, cached))  # type: ignore[arg-type]
        again = fresh.ingest()
        assert again.added == again.deleted == 0, "a no-op re-ingest did work"
        noops.append(again.seconds)
        fresh.close()
    indexer.close()
    return {
        "documents": report.documents,
        "chunks": report.chunks,
        "embedded": cached.embedded,
        "ingest_s": report.seconds,
        "chunks_per_s": round(report.added / report.seconds, 1),
        "noop_reingest_s": round(statistics.median(noops), 3),
        "ingest_peak_rss_mb": peak_rss_mb(),
    }


def child_query(corpus: Path, data: Path, models: Path, limit: int) -> dict[str, object]:
    from briefing.assistant import Assistant
    from briefing.config import Settings
    from briefing.evaluation.dataset import load_dataset

    questions = [
        case.turns[0]
        for path in sorted((REPO / "evals" / "qa").glob("*.yaml"))
        for case in load_dataset(path)
    ][:limit]
    t = time.perf_counter()
    assistant = Assistant(Settings(corpus_dir=corpus, data_dir=data, model_cache_dir=models))
    assistant.ask(questions[0])
    first = time.perf_counter() - t
    stages: dict[str, list[float]] = {
        k: [] for k in ("embed", "dense", "bm25", "retrieve", "answer", "total")
    }
    store, k = assistant.indexer.store, assistant.settings.retrieval.candidate_k
    for question in questions:
        answer = assistant.ask(question)
        if "retrieve" not in answer.timings_ms:
            continue  # routed to a briefing, or refused before retrieval: not a search
        for stage in ("retrieve", "answer", "total"):
            stages[stage].append(answer.timings_ms[stage])
        t = time.perf_counter()
        vector = assistant.embeddings.model.embed_query(question)  # past the query cache
        stages["embed"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        store.search(vector, k)
        stages["dense"].append((time.perf_counter() - t) * 1000)
        lexical = assistant.indexer.lexical
        t = time.perf_counter()
        lexical.search(question, k)  # type: ignore[union-attr]
        stages["bm25"].append((time.perf_counter() - t) * 1000)
    assistant.close()
    return {
        "questions": len(questions),
        "first_question_s": round(first, 2),
        "query_ms": {stage: summary(values) for stage, values in stages.items()},
        "query_peak_rss_mb": peak_rss_mb(),
    }


def run_child(*args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, timeout=7200
    )
    if done.returncode != 0:
        raise SystemExit(f"child {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--questions", type=int, default=60, help="gold questions asked")
    parser.add_argument(
        "--unique-chunks",
        type=int,
        default=10_000,
        help="chunks with their own text; larger corpora repeat them (and their vectors)",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "briefing-scale-cache",
        help="vector cache, kept between runs (delete it to embed everything again)",
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", choices=["ingest", "query"], help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    from briefing.config import apply_runtime_defaults

    apply_runtime_defaults()
    if args.child == "ingest":
        vectors, models = args.cache_dir / "vectors.npz", args.cache_dir / "models"
        print(json.dumps(child_ingest(args.corpus, args.data, vectors, models)))
        return 0
    if args.child == "query":
        models = args.cache_dir / "models"
        print(json.dumps(child_query(args.corpus, args.data, models, args.questions)))
        return 0

    args.cache_dir.mkdir(parents=True, exist_ok=True)
    results: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="briefing-scale-") as tmp:
        root = Path(tmp)
        base = base_corpus(root, args.unique_chunks)
        for size in sorted(args.sizes):
            corpus, data = root / f"corpus-{size}", root / f"data-{size}"
            build_corpus(corpus, size, base, args.unique_chunks)
            common = ["--corpus", str(corpus), "--data", str(data)]
            common += ["--cache-dir", str(args.cache_dir)]
            row: dict[str, object] = {"target_chunks": size}
            row.update(run_child("--child", "ingest", *common))
            row.update(run_child("--child", "query", *common, "--questions", str(args.questions)))
            results.append(row)
            if not args.json:
                print_row(row)
            shutil.rmtree(data, ignore_errors=True)
            shutil.rmtree(corpus, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


def print_row(row: dict[str, object]) -> None:
    q = row["query_ms"]
    stages = "  ".join(f"{s} {v['p50']}/{v['p95']}" for s, v in q.items())  # type: ignore[union-attr]
    print(
        f"{row['chunks']} chunks ({row['documents']} docs): ingest {row['ingest_s']} s, "
        f"{row['chunks_per_s']} chunks/s ({row['embedded']} embedded), no-op re-ingest "
        f"{row['noop_reingest_s']} s, ingest RSS {row['ingest_peak_rss_mb']} MB; first "
        f"question {row['first_question_s']} s; query ms p50/p95: {stages}; query RSS "
        f"{row['query_peak_rss_mb']} MB",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
