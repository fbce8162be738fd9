"""Staff feedback on answers: a durable JSONL log and its export as draft eval cases.

Each thumbs up/down is one JSON line in ``settings.feedback_path``. Adding a comment
later appends the same record again (same ``id``) with the comment; readers keep the
last line per id, so the file stays append-only and a crash never corrupts earlier
feedback. Writes take a thread lock and a file lock (several server workers or
processes may share the file), append one line, flush and fsync.

Example::

    store = FeedbackStore(settings.feedback_path)
    record = FeedbackRecord.for_answer(answer, rating="down", history=["earlier question"])
    store.add(record)
    store.add(record.with_comment("the date is wrong"))
    cases = draft_eval_cases(store.records())
"""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from filelock import FileLock

from .errors import FeedbackError
from .types import Answer

log = logging.getLogger(__name__)

Rating = Literal["up", "down"]


@dataclass(frozen=True, slots=True)
class FeedbackRecord:
    """One rating of one answer.

    Fields:
        id: random id; a later line with the same id (adding a comment) replaces it.
        timestamp: ISO-8601 UTC time of the rating (or of the comment).
        rating: "up" or "down".
        comment: optional free text from the staff member.
        question: the question as asked.
        standalone_question: the question used for retrieval (rewritten follow-up).
        history: earlier questions of the same conversation, oldest first.
        answer_text: the answer text with ``[n]`` markers (or the abstention message).
        abstained: whether the assistant abstained.
        citations: the answer's citations as dicts (``Citation.to_dict()``).
        backend: the answerer that produced the answer.
    """

    id: str
    timestamp: str
    rating: Rating
    question: str
    answer_text: str
    comment: str = ""
    standalone_question: str = ""
    history: tuple[str, ...] = ()
    abstained: bool = False
    citations: tuple[dict[str, Any], ...] = ()
    backend: str = ""

    @classmethod
    def for_answer(
        cls, answer: Answer, *, rating: Rating, history: Sequence[str] = (), comment: str = ""
    ) -> FeedbackRecord:
        """A new record rating ``answer``, stamped now."""
        return cls(
            id=uuid.uuid4().hex,
            timestamp=_now(),
            rating=rating,
            comment=comment,
            question=answer.question,
            standalone_question=answer.standalone_question,
            history=tuple(history),
            answer_text=answer.text,
            abstained=answer.abstained,
            citations=tuple(c.to_dict() for c in answer.citations),
            backend=answer.backend,
        )

    def with_comment(self, comment: str) -> FeedbackRecord:
        """The same record (same id) carrying ``comment``, re-stamped."""
        return replace(self, comment=comment, timestamp=_now())

    def with_rating(self, rating: Rating) -> FeedbackRecord:
        """The same record (same id) with a changed rating, re-stamped."""
        return replace(self, rating=rating, timestamp=_now())

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["history"] = list(self.history)
        data["citations"] = list(self.citations)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeedbackRecord:
        if data.get("rating") not in ("up", "down"):
            raise ValueError(f"rating must be 'up' or 'down', got {data.get('rating')!r}")
        return cls(
            id=str(data["id"]),
            timestamp=str(data["timestamp"]),
            rating=data["rating"],
            comment=str(data.get("comment", "")),
            question=str(data["question"]),
            standalone_question=str(data.get("standalone_question", "")),
            history=tuple(str(q) for q in data.get("history", ())),
            answer_text=str(data.get("answer_text", "")),
            abstained=bool(data.get("abstained", False)),
            citations=tuple(dict(c) for c in data.get("citations", ())),
            backend=str(data.get("backend", "")),
        )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class FeedbackStore:
    """Append-only JSONL feedback log at ``path`` (normally ``settings.feedback_path``)."""

    path: Path
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self.path = Path(self.path)

    def add(self, record: FeedbackRecord) -> None:
        """Append ``record`` durably (locked, flushed and fsynced before returning)."""
        line = json.dumps(record.to_dict(), ensure_ascii=False) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with (
                self._lock,
                FileLock(str(self.path) + ".lock"),
                self.path.open("a", encoding="utf-8") as fh,
            ):
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise FeedbackError(f"cannot write feedback to {self.path}: {exc}") from exc

    def records(self) -> list[FeedbackRecord]:
        """Every rating, the last line per id winning, in order of first appearance.

        A line that is not valid JSON (a torn write after a crash) is skipped with a
        warning rather than hiding all other feedback.
        """
        if not self.path.exists():
            return []
        latest: dict[str, FeedbackRecord] = {}
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise FeedbackError(f"cannot read feedback from {self.path}: {exc}") from exc
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = FeedbackRecord.from_dict(json.loads(line))
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("skipping malformed feedback line %s:%d (%s)", self.path, number, exc)
                continue
            latest[record.id] = record
        return list(latest.values())


# --- export ---------------------------------------------------------------------------


def draft_eval_cases(records: Iterable[FeedbackRecord]) -> list[dict[str, Any]]:
    """Thumbs-down records as draft cases with exactly the ``evals/qa/dev.yaml`` fields.

    The facts, reference answer and evidence are left empty for a curator to fill in
    (the dataset loader rejects an answerable case without them, so a draft cannot slip
    into a run unfinished); ``answerable`` starts as True (the staff member expected an
    answer) and should be checked. ``turns`` replays the conversation up to the rated
    question. The staff comment is not a dataset field: :func:`export_yaml` writes it
    as a YAML comment above the case.
    """
    return [_draft(record) for record in records if record.rating == "down"]


def _case_id(record: FeedbackRecord) -> str:
    return f"feedback-{record.id[:12]}"


def _draft(record: FeedbackRecord) -> dict[str, Any]:
    return {
        "id": _case_id(record),
        "turns": [*record.history, record.question],
        "answerable": True,
        "required_facts": [],
        "must_not_contain": [],
        "reference_answer": "",
        "evidence": [],
        "tags": ["from-feedback"],
    }


def export_yaml(records: Iterable[FeedbackRecord]) -> str:
    """Thumbs-down feedback as a dataset-shaped YAML file of draft cases.

    Each case is preceded by YAML comments carrying the staff comment, the answer that
    was given and the passages it cited, so the curator sees what went wrong.
    """
    out = [
        "# Draft evaluation cases from thumbs-down feedback (`briefing feedback export`).",
        "# For each case: fill in required_facts, reference_answer and evidence, check",
        "# answerable, then move it into evals/qa/dev.yaml (the tuning split; never into",
        "# the blind evals/qa/test.yaml).",
        "version: 1",
        "cases:",
    ]
    drafts = [(r, _draft(r)) for r in records if r.rating == "down"]
    for record, case in drafts:
        out.append("")
        out.append(f"  # rated down {record.timestamp} (backend: {record.backend or '?'})")
        if record.comment:
            out.extend(f"  # staff comment: {line}" for line in _comment_lines(record.comment))
        out.append("  # answer given" + (" (abstained):" if record.abstained else ":"))
        out.extend(f"  #   {line}" for line in _comment_lines(record.answer_text))
        for cite in record.citations:
            quote = " ".join(str(cite.get("quote", "")).split())[:100]
            out.append(f'  #   [{cite.get("marker")}] {cite.get("doc_id")}: "{quote}"')
        dumped = yaml.safe_dump([case], sort_keys=False, allow_unicode=True, width=100)
        out.extend("  " + line for line in dumped.splitlines())
    if not drafts:
        out[-1] = "cases: []"
    return "\n".join(out) + "\n"


def _comment_lines(text: str, width: int = 90) -> list[str]:
    """``text`` on one or more comment-safe lines (newlines folded, wrapped at ``width``)."""
    words = " ".join(text.split()).split(" ")
    lines: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return lines or ["(empty)"]
