"""The gold evaluation set: schema, loader and evidence check.

``evals/qa/dev.yaml`` looks like::

    version: 1
    cases:
      - id: licences-first-firms
        turns: ["Which companies got the first general licences?"]
        answerable: true
        required_facts: [["JL Mag"], ["Ningbo Yunsheng"], ["Zhong Ke San Huan", "San Huan"]]
        must_not_contain: ["Paris"]
        reference_answer: "JL Mag, Ningbo Yunsheng and Beijing Zhong Ke San Huan."
        evidence: [{doc_id: first-general-licences, quote: "three magnet makers"}]
        tags: [list]

Facts are checked on the answer to the *last* turn; earlier turns are asked first in
the same conversation. A fact is a list of accepted aliases; it is found when any alias
occurs in the answer. Unanswerable cases have no facts and no evidence.

Usage::

    cases = load_dataset(Path("evals/qa/dev.yaml"))
    check_evidence(cases, load_corpus(Path("corpus")).documents)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

from ..errors import DatasetError
from ..types import Document

__all__ = ["EvalCase", "Evidence", "check_evidence", "dataset_hash", "load_dataset"]

_FIELDS = (
    "id",
    "turns",
    "answerable",
    "required_facts",
    "must_not_contain",
    "reference_answer",
    "evidence",
    "tags",
)


class Evidence(BaseModel):
    """Where the answer is in the corpus.

    Fields:
        doc_id: the document holding the answer.
        quote: a short exact substring of that document's text; a retrieved chunk is
            relevant when it contains it (so relevance survives re-chunking).
    """

    model_config = ConfigDict(frozen=True)

    doc_id: str
    quote: str


class EvalCase(BaseModel):
    """One gold case.

    Fields:
        id: unique case id.
        turns: the questions, asked in order in one conversation; scored on the last.
        answerable: False when the corpus cannot answer (the assistant should abstain).
        required_facts: each fact is a tuple of accepted aliases (any one counts).
        must_not_contain: strings that must not appear in the answer.
        reference_answer: a short model answer (for token F1).
        evidence: where the answer is in the corpus.
        tags: free labels for per-tag scores (multi-turn, unanswerable, list, ...).
    """

    model_config = ConfigDict(frozen=True)

    id: str
    turns: tuple[str, ...]
    answerable: bool
    required_facts: tuple[tuple[str, ...], ...] = ()
    must_not_contain: tuple[str, ...] = ()
    reference_answer: str = ""
    evidence: tuple[Evidence, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def question(self) -> str:
        """The question that is scored (the last turn)."""
        return self.turns[-1]


def _is_str_list(value: Any, *, non_empty: bool) -> bool:
    return (
        isinstance(value, list)
        and (bool(value) or not non_empty)
        and all(isinstance(v, str) and v.strip() for v in value)
    )


def _validate_case(raw: Any, index: int) -> EvalCase:
    """Check one raw case; raise DatasetError naming the case and the field."""
    if not isinstance(raw, dict):
        raise DatasetError(f"case #{index}: must be a mapping, got {type(raw).__name__}")
    case_id = raw.get("id")
    if not isinstance(case_id, str) or not case_id.strip():
        raise DatasetError(f"case #{index}: field 'id' must be a non-empty string")
    where = f"case {case_id!r}"

    def fail(field: str, message: str) -> DatasetError:
        return DatasetError(f"{where}: field {field} {message}")

    unknown = sorted(set(raw) - set(_FIELDS))
    if unknown:
        raise DatasetError(f"{where}: unknown field(s) {unknown}; allowed: {list(_FIELDS)}")
    for name in ("turns", "answerable"):
        if name not in raw:
            raise fail(f"'{name}'", "is required")
    if not _is_str_list(raw["turns"], non_empty=True):
        raise fail("'turns'", "must be a non-empty list of non-empty strings")
    if not isinstance(raw["answerable"], bool):
        raise fail("'answerable'", "must be true or false")
    answerable: bool = raw["answerable"]

    facts = raw.get("required_facts", []) or []
    if not isinstance(facts, list):
        raise fail("'required_facts'", "must be a list of facts (each a list of aliases)")
    for i, fact in enumerate(facts):
        if not _is_str_list(fact, non_empty=True):
            raise fail(f"'required_facts'[{i}]", "must be a non-empty list of strings")
    for name in ("must_not_contain", "tags"):
        value = raw.get(name, []) or []
        if not _is_str_list(value, non_empty=False):
            raise fail(f"'{name}'", "must be a list of non-empty strings")
    reference = raw.get("reference_answer", "")
    if not isinstance(reference, str):
        raise fail("'reference_answer'", "must be a string")

    evidence = raw.get("evidence", []) or []
    if not isinstance(evidence, list):
        raise fail("'evidence'", "must be a list of {doc_id, quote}")
    for i, item in enumerate(evidence):
        if (
            not isinstance(item, dict)
            or set(item) != {"doc_id", "quote"}
            or not all(isinstance(item[k], str) and item[k].strip() for k in item)
        ):
            raise fail(f"'evidence'[{i}]", "must be a mapping with non-empty 'doc_id' and 'quote'")

    if answerable and not facts:
        raise fail("'required_facts'", "must not be empty for an answerable case")
    if answerable and not evidence:
        raise fail("'evidence'", "must not be empty for an answerable case")
    if not answerable and facts:
        raise fail("'required_facts'", "must be empty for an unanswerable case")
    if not answerable and evidence:
        raise fail("'evidence'", "must be empty for an unanswerable case")

    return EvalCase(
        id=case_id,
        turns=tuple(raw["turns"]),
        answerable=answerable,
        required_facts=tuple(tuple(f) for f in facts),
        must_not_contain=tuple(raw.get("must_not_contain", []) or []),
        reference_answer=reference,
        evidence=tuple(Evidence(doc_id=e["doc_id"], quote=e["quote"]) for e in evidence),
        tags=tuple(raw.get("tags", []) or []),
    )


def parse_dataset(data: Any, *, source: str = "dataset") -> list[EvalCase]:
    """Validate an already-parsed dataset mapping (``{"version": 1, "cases": [...]}``)."""
    if not isinstance(data, dict):
        raise DatasetError(f"{source}: top level must be a mapping with 'version' and 'cases'")
    if data.get("version") != 1:
        raise DatasetError(f"{source}: field 'version' must be 1, got {data.get('version')!r}")
    raw_cases = data.get("cases")
    if not isinstance(raw_cases, list) or not raw_cases:
        raise DatasetError(f"{source}: field 'cases' must be a non-empty list")
    cases: list[EvalCase] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_cases):
        case = _validate_case(raw, index)
        if case.id in seen:
            raise DatasetError(
                f"case {case.id!r}: field 'id' is duplicated (cases #{seen[case.id]} and #{index})"
            )
        seen[case.id] = index
        cases.append(case)
    return cases


def load_dataset(path: Path) -> list[EvalCase]:
    """Read and validate a YAML (or JSON) dataset file; DatasetError names the culprit."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DatasetError(f"cannot read dataset {path}: {exc.strerror or exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DatasetError(f"{path}: not valid YAML: {exc}") from exc
    return parse_dataset(data, source=str(path))


def dataset_hash(path: Path) -> str:
    """sha256 of the dataset file's bytes (recorded in run.json)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def check_evidence(cases: Sequence[EvalCase], documents: Iterable[Document]) -> None:
    """Check every evidence item against the corpus.

    Each ``doc_id`` must be a document id and each ``quote`` an exact substring of that
    document's text. Raises DatasetError listing every problem (case id and field).
    """
    texts = {doc.id: doc.text for doc in documents}
    problems: list[str] = []
    for case in cases:
        for i, item in enumerate(case.evidence):
            text = texts.get(item.doc_id)
            if text is None:
                problems.append(
                    f"case {case.id!r}: field 'evidence'[{i}].doc_id {item.doc_id!r} "
                    "is not a corpus document"
                )
            elif item.quote not in text:
                problems.append(
                    f"case {case.id!r}: field 'evidence'[{i}].quote {item.quote!r} "
                    f"is not in document {item.doc_id!r}"
                )
    if problems:
        raise DatasetError(
            f"{len(problems)} evidence problem(s):\n" + "\n".join(f"  {p}" for p in problems)
        )
