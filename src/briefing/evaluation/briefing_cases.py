"""Briefing eval cases (``evals/briefings/*.yaml``): schema and loader.

A case is a briefing request with the gold key points a good briefing of that scope
must contain (each a list of aliases, matched like QA facts)::

    version: 1
    cases:
      - id: bd-timeline-suspensions
        request: "When do the various suspensions run out?"   # as asked in the chat
        kind: timeline                 # summary | timeline | changes | disagreements
        topic: "suspensions"           # or null
        doc_ids: []                    # or the documents it is restricted to
        since: null                    # "YYYY-MM-DD" or null
        until: null
        key_points: [["10 November 2026", "November 10, 2026"], ["No. 72"]]
        topic_terms: ["suspen"]        # any one marks a point as on the topic
        evidence: [{doc_id: china-suspension-notices, quote: "exact words"}]
        tags: [timeline, suspension]

Usage::

    cases = load_briefing_cases(Path("evals/briefings/dev.yaml"))
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import DatasetError
from .dataset import Aliases, Evidence, case_error, read_yaml

__all__ = ["BriefingCase", "load_briefing_cases", "parse_briefing_cases"]


class BriefingCase(BaseModel):
    """One gold briefing case.

    Fields:
        id: unique case id.   request: the request as a staff member types it in chat.
        kind: summary | timeline | changes | disagreements.
        topic: the topic, or None for the whole corpus or the named documents.
        doc_ids: restrict to these documents ([] = all).
        since, until: ISO date bounds or None.
        key_points: each a tuple of aliases; a point is found when any alias occurs.
        topic_terms: a point is on the topic when it contains one of them ([] = any).
        evidence: where the key points are in the corpus.   tags: free labels.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    request: str = Field(min_length=1)
    kind: Literal["summary", "timeline", "changes", "disagreements"]
    topic: str | None = None
    doc_ids: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    key_points: tuple[Aliases, ...] = Field(min_length=1)
    topic_terms: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = Field(min_length=1)
    tags: tuple[str, ...] = ()

    @field_validator("since", "until")
    @classmethod
    def _iso(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from datetime import date

        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            raise ValueError(f"must be an ISO date (YYYY-MM-DD) or null, got {value!r}") from None
        return value


def parse_briefing_cases(data: Any, *, source: str = "briefing cases") -> list[BriefingCase]:
    """Validate a parsed file (``{"version": 1, "cases": [...]}``); DatasetError names
    the case and the field."""
    if not isinstance(data, dict) or data.get("version") != 1:
        raise DatasetError(f"{source}: expected a mapping with 'version: 1' and 'cases'")
    raw = data.get("cases")
    if not isinstance(raw, list) or not raw:
        raise DatasetError(f"{source}: field 'cases' must be a non-empty list")
    cases: list[BriefingCase] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        try:
            case = BriefingCase.model_validate(item)
        except ValidationError as exc:
            message = case_error(exc, item, index, tuple(BriefingCase.model_fields))
            raise DatasetError(f"{source}: {message}") from None
        if case.id in seen:
            raise DatasetError(f"{source}: case {case.id!r}: field 'id' is duplicated")
        seen.add(case.id)
        cases.append(case)
    return cases


def load_briefing_cases(path: Path) -> list[BriefingCase]:
    """Read and validate a briefing cases file (DatasetError names the culprit)."""
    cannot_read = f"cannot read briefing cases {path}"
    data = read_yaml(path, error=DatasetError, cannot_read=cannot_read, where=str(path))
    return parse_briefing_cases(data, source=str(path))
