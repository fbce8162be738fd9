"""Rebuild ``passages.json``: the passages each recorded reply is replayed against.

The replies in ``replies.jsonl`` were written against that day's retrieval, which was
not recorded. For a replay, each reply gets the passages today's hybrid retrieval finds
for its standalone question over ``corpus/`` (top 8, the default ``top_k``), frozen here
as ``(doc_id, first 60 characters of the chunk)`` so the replay tests need no index and
do not move when retrieval changes. Run from the repository root after a corpus change:

    .venv/bin/python tests/answering/replay/build_passages.py
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]


def main() -> None:
    from briefing import Assistant, Settings

    replies = [json.loads(line) for line in (HERE / "replies.jsonl").open(encoding="utf-8")]
    with tempfile.TemporaryDirectory() as data:
        settings = Settings(corpus_dir=REPO / "corpus", data_dir=Path(data), _env_file=None)
        assistant = Assistant(settings)
        frozen = []
        for reply in replies:
            passages = assistant.retrieve(reply["standalone_question"], k=settings.retrieval.top_k)
            frozen.append([[p.chunk.doc_id, p.chunk.text[:60]] for p in passages])
        assistant.close()
    lines = ",\n".join(" " + json.dumps(item, ensure_ascii=False) for item in frozen)
    (HERE / "passages.json").write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    print(f"wrote {len(frozen)} passage lists to {HERE / 'passages.json'}")


if __name__ == "__main__":
    main()
