"""Query benchmark (not a test): warm per-stage latency, cold start, dense-only baseline.

Usage::

    .venv/bin/python benchmarks/query.py               # one query thread (settings default)
    .venv/bin/python benchmarks/query.py --threads 2 --json

In one run, over every turn of every case in evals/qa/*.yaml (the dev and test splits;
one conversation per case, so follow-ups are rewritten as in real use):

1. warm latency per stage (rewrite, retrieve, answer, total) of ``Assistant.ask``, p50/p95;
2. cold start of ``briefing ask "..."`` as a fresh process, right after the ingest: the
   median wall time of 3 processes, each asking a different question never asked before;
3. whole-corpus briefings (``Assistant.brief()`` of each kind), warm: p50/p95 of 7;
4. the scored question of each case (its standalone form) through our hybrid retriever
   and through a plain dense-only LangChain retriever
   (``langchain_chroma.Chroma(...).as_retriever()`` over the same collection): latency
   p50/p95 and hit@k of both. A retrieved chunk is a hit when it belongs to an evidence
   document and contains that evidence quote.

The index is built once (untimed) in a fresh temporary data folder from corpus/.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COLD_QUESTION = "Which companies got the first general licences?"
# Asked once each by a fresh ``briefing ask`` right after the ingest, before anything else
# is asked in that data folder: a question nobody asked before, as a user's first one.
COLD_QUESTIONS = (
    "Which Chinese magnet makers were the first to receive general licences?",
    "What did MOFCOM put on hold with Announcement No. 70, and until when?",
    "How many rare-earth elements were under Chinese export control after April 2025?",
)


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank), in the values' unit."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[rank], 2)


def summary(values: list[float]) -> dict[str, float]:
    return {"p50": pct(values, 50), "p95": pct(values, 95), "n": len(values)}


def is_hit(texts_and_docs: list[tuple[str, str]], evidence) -> bool:  # type: ignore[no-untyped-def]
    return any(
        doc_id == ev.doc_id and ev.quote in text
        for text, doc_id in texts_and_docs
        for ev in evidence
    )


def cold_start(data_dir: Path, corpus: Path, threads: int) -> dict[str, object]:
    """Median wall time of ``briefing ask`` in a fresh process (index already built), one
    run per question of :data:`COLD_QUESTIONS`."""
    exe = Path(sys.executable).with_name("briefing")
    env = {
        **os.environ,
        "BRIEFING_DATA_DIR": str(data_dir),
        "BRIEFING_CORPUS_DIR": str(corpus),
        "BRIEFING_QUERY_THREADS": str(threads),
    }
    walls = []
    for question in COLD_QUESTIONS:
        t = time.perf_counter()
        done = subprocess.run(
            [str(exe), "ask", question], env=env, capture_output=True, text=True, timeout=300
        )
        walls.append(time.perf_counter() - t)
        if done.returncode != 0:
            return {"error": f"briefing ask exited {done.returncode}: {done.stderr.strip()[-300:]}"}
    return {"median_s": round(statistics.median(walls), 2), "runs": [round(w, 2) for w in walls]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch threads for queries (default: settings.embedding.query_threads = 1)",
    )
    parser.add_argument(
        "--dataset",
        type=Path,
        action="append",
        help="gold dataset file (repeatable; default: every split in evals/qa/)",
    )
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)

    from briefing.config import Settings, apply_runtime_defaults

    apply_runtime_defaults()
    # One ONNX export of the model for every benchmark and test run (not per temp folder).
    os.environ.setdefault("BRIEFING_MODEL_CACHE_DIR", str(REPO / ".briefing" / "models"))
    from langchain_chroma import Chroma

    from briefing.assistant import Assistant
    from briefing.evaluation.dataset import load_dataset

    files = args.dataset or sorted((REPO / "evals" / "qa").glob("*.yaml"))
    cases = [case for path in files for case in load_dataset(path)]
    threads = Settings().embedding.query_threads if args.threads is None else args.threads

    with tempfile.TemporaryDirectory(prefix="briefing-qbench-") as tmp:
        settings = Settings(corpus_dir=args.corpus, data_dir=Path(tmp), query_threads=threads)
        assistant = Assistant(settings)
        assistant.ingest()
        # 2. cold start of the CLI (on the index just built, so no ingest is timed)
        cold = cold_start(Path(tmp), args.corpus, threads)
        k = settings.retrieval.top_k
        assistant.ask(COLD_QUESTION)  # warm up: model, answerer, caches

        # 1. warm per-stage latency, every turn, one conversation per case
        stages: dict[str, list[float]] = {"rewrite": [], "retrieve": [], "answer": [], "total": []}
        scored: list[tuple[str, object]] = []  # (standalone question, case)
        for case in cases:
            chat = assistant.conversation()
            for turn in case.turns:
                answer = chat.ask(turn)
                for stage in stages:
                    if stage in answer.timings_ms:  # a briefing request has no retrieve
                        stages[stage].append(answer.timings_ms[stage])
            scored.append((answer.standalone_question, case))

        # 3. hybrid vs plain dense LangChain retriever on the scored questions
        store = assistant.indexer.store
        dense = Chroma(
            collection_name=settings.index.collection,
            embedding_function=assistant.embeddings,
            client=store.client,
        ).as_retriever(search_kwargs={"k": k})
        hybrid_ms, dense_ms, hybrid_hits, dense_hits, judged = [], [], 0, 0, 0
        for question, case in scored:
            t = time.perf_counter()
            passages = assistant.retrieve(question, k=k)
            hybrid_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            docs = dense.invoke(question)
            dense_ms.append((time.perf_counter() - t) * 1000)
            if case.answerable and case.evidence:
                judged += 1
                hybrid_hits += is_hit(
                    [(p.chunk.text, p.chunk.doc_id) for p in passages], case.evidence
                )
                dense_hits += is_hit(
                    [(d.page_content, d.metadata["doc_id"]) for d in docs], case.evidence
                )
        # 4. briefings, warm (the first one embeds the corpus's sentences once)
        briefing_ms: dict[str, list[float]] = {}
        assistant.brief()
        for kind in ("summary", "timeline", "changes", "disagreements"):
            for _ in range(7):
                t = time.perf_counter()
                assistant.brief(kind=kind, since="2025-11-01" if kind == "changes" else None)
                briefing_ms.setdefault(kind, []).append((time.perf_counter() - t) * 1000)
        assistant.close()

    results = {
        "threads": threads,
        "cpu_count": os.cpu_count(),
        "cases": len(cases),
        "turns": len(stages["total"]),
        "warm_ms": {stage: summary(values) for stage, values in stages.items()},
        "cold_start_briefing_ask": cold,
        "briefing_whole_corpus_warm_ms": {k: summary(v) for k, v in briefing_ms.items()},
        "retrievers": {
            "k": k,
            "judged_cases": judged,
            "hybrid": {**summary(hybrid_ms), f"hit@{k}": round(hybrid_hits / max(judged, 1), 3)},
            "dense_langchain": {
                **summary(dense_ms),
                f"hit@{k}": round(dense_hits / max(judged, 1), 3),
            },
        },
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(
        f"{results['cases']} cases, {results['turns']} turns; torch threads {threads} "
        f"of {results['cpu_count']} cores"
    )
    print("warm latency per stage (ms):")
    for stage, s in results["warm_ms"].items():
        print(f"  {stage:<8} p50 {s['p50']:>8}  p95 {s['p95']:>8}")
    if "error" in cold:
        print(f"cold start of `briefing ask`: not measured ({cold['error']})")
    else:
        print(f"cold start of `briefing ask`: median {cold['median_s']} s of {cold['runs']}")
    print("whole-corpus briefing, warm (ms, 7 runs each):")
    for kind, s in results["briefing_whole_corpus_warm_ms"].items():
        print(f"  {kind:<14} p50 {s['p50']:>8}  p95 {s['p95']:>8}")
    r = results["retrievers"]
    print(f"retrievers over {r['judged_cases']} answerable cases (k={k}):")
    for name in ("hybrid", "dense_langchain"):
        s = r[name]
        print(f"  {name:<16} p50 {s['p50']:>7} ms  p95 {s['p95']:>7} ms  hit@{k} {s[f'hit@{k}']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
