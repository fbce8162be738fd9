"""Load benchmark (not a test): N concurrent gradio_client users against `briefing serve`.

Usage::

    .venv/bin/python benchmarks/load.py                    # N = 1, 8, 50
    .venv/bin/python benchmarks/load.py --users 1 8 --concurrency 2 4 --json
    PYTHONPATH=/path/to/other/checkout/src .venv/bin/python benchmarks/load.py  # other code

The index is built once (untimed) in a temporary data folder from corpus/; then, for each
server concurrency in ``--concurrency``, one ``briefing serve`` process is started on a
free 127.0.0.1 port (``BRIEFING_WEB_CONCURRENCY``), and for each N in ``--users``, N
threads, each with its own ``gradio_client.Client`` (its own conversation), ask the gold
questions' first turns through ``/ask``. Bounded and self-stopping: each user asks at
most ``--requests`` questions, every round stops at ``--deadline`` seconds, every call
has a timeout, and the server is terminated at the end. Reports per round: requests,
errors, p50/p95 latency and requests/s (completed requests / wall time of the round).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[rank], 3)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def questions() -> list[str]:
    from briefing.evaluation.dataset import load_dataset

    return [
        case.turns[0]
        for path in sorted((REPO / "evals" / "qa").glob("*.yaml"))
        for case in load_dataset(path)
    ]


def start_server(env: dict[str, str], port: int) -> tuple[subprocess.Popen, str]:
    exe = Path(sys.executable).with_name("briefing")
    server = subprocess.Popen(
        [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited {server.returncode}: {server.stderr.read()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, url
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("server did not start in 300 s")


def stop(server: subprocess.Popen) -> None:
    """SIGTERM, up to 30 s to finish, then SIGKILL (harmless if it already exited)."""
    server.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=30)
    server.kill()
    server.wait()


def one_round(url: str, users: int, asked: list[str], per_user: int, deadline_s: float):  # type: ignore[no-untyped-def]
    import ssl

    import certifi
    from gradio_client import Client

    # gradio_client makes a new httpx client for every request, and httpx builds a new
    # TLS context for it (loading the whole CA bundle: ~10 ms of CPU) even for a plain
    # http URL. On 2 cores that load generator then outweighs the server it measures,
    # so every user shares one context, made once with the same CA bundle.
    tls = ssl.create_default_context(cafile=certifi.where())
    with ThreadPoolExecutor(max_workers=min(users, 16)) as pool:
        clients = list(pool.map(lambda _: Client(url, verbose=False, ssl_verify=tls), range(users)))
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + deadline_s

    def user(index: int) -> None:
        client = clients[index]
        for i in range(per_user):
            if time.monotonic() > stop_at:
                return
            question = asked[(index * per_user + i) % len(asked)]
            t = time.perf_counter()
            try:
                job = client.submit(question, api_name="/ask")
                answer = job.result(timeout=max(1.0, stop_at - time.monotonic() + 30))
                ok = isinstance(answer, dict) and answer.get("text")
                problem = None if ok else f"bad answer: {str(answer)[:120]}"
            except Exception as exc:  # a failed request is counted, not fatal
                problem = f"{type(exc).__name__}: {exc}"[:200]
            elapsed = time.perf_counter() - t
            with lock:
                if problem:
                    errors.append(problem)
                else:
                    latencies.append(elapsed)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=users) as pool:
        wait([pool.submit(user, i) for i in range(users)])
    wall = time.perf_counter() - started
    for client in clients:
        client.close()
    return {
        "users": users,
        "requests": len(latencies),
        "errors": len(errors),
        "first_errors": errors[:3],
        "p50_s": pct(latencies, 50),
        "p95_s": pct(latencies, 95),
        "mean_s": round(statistics.fmean(latencies), 3) if latencies else None,
        "requests_per_s": round(len(latencies) / wall, 2),
        "wall_s": round(wall, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, nargs="+", default=[1, 8, 50])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[None], help="server")
    parser.add_argument("--requests", type=int, default=6, help="questions per user, at most")
    parser.add_argument("--min-requests", type=int, default=160, help="per round, at least")
    parser.add_argument("--deadline", type=float, default=120.0, help="seconds per round")
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from briefing.config import Settings, apply_runtime_defaults

    apply_runtime_defaults()
    # One ONNX export of the model for every benchmark and test run (not per temp folder).
    os.environ.setdefault("BRIEFING_MODEL_CACHE_DIR", str(REPO / ".briefing" / "models"))
    from briefing.assistant import Assistant

    asked = questions()
    results = []
    with tempfile.TemporaryDirectory(prefix="briefing-load-") as tmp:
        data = Path(tmp) / "data"
        Assistant(Settings(corpus_dir=args.corpus, data_dir=data)).ingest()
        for concurrency in args.concurrency:
            env = {
                **os.environ,
                "BRIEFING_CORPUS_DIR": str(args.corpus),
                "BRIEFING_DATA_DIR": str(data),
            }
            if concurrency:
                env["BRIEFING_WEB_CONCURRENCY"] = str(concurrency)
            server, url = start_server(env, free_port())
            try:
                for users in args.users:
                    per_user = max(args.requests, -(-args.min_requests // users))
                    row = one_round(url, users, asked, per_user, args.deadline)
                    row["server_concurrency"] = concurrency or "default"
                    results.append(row)
                    if not args.json:
                        print(
                            f"concurrency {row['server_concurrency']}, N={users}: "
                            f"{row['requests']} requests, {row['errors']} errors, p50 "
                            f"{row['p50_s']} s, p95 {row['p95_s']} s, "
                            f"{row['requests_per_s']} req/s",
                            flush=True,
                        )
            finally:
                stop(server)
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
