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
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..errors import DatasetError
from ..types import Document

__all__ = [
    "Aliases",
    "EvalCase",
    "Evidence",
    "case_error",
    "check_evidence",
    "dataset_hash",
    "load_dataset",
    "parse_dataset",
    "read_yaml",
]


def _checked(ok: Any, message: str, *, list_or_none: bool = False) -> BeforeValidator:
    """A before-validator: the raw value must pass ``ok`` (else ``message``, which the
    error names with the field); ``list_or_none`` reads None as an empty list."""

    def check(value: Any) -> Any:
        if list_or_none and value is None:
            value = []
        if not ok(value):
            raise ValueError(message)
        return value

    return BeforeValidator(check)


def _str_list(message: str, *, non_empty: bool) -> BeforeValidator:
    """A list of non-empty strings (None = empty; ``non_empty``: at least one)."""

    def ok(value: Any) -> bool:
        strings = all(isinstance(v, str) and v.strip() for v in value or ())
        return isinstance(value, list) and (bool(value) or not non_empty) and strings

    return _checked(ok, message, list_or_none=True)


def _list(message: str) -> BeforeValidator:
    return _checked(lambda v: isinstance(v, list), message, list_or_none=True)


#: a fact or key point: a non-empty list of accepted aliases
Aliases = Annotated[
    tuple[str, ...], _str_list("must be a non-empty list of strings", non_empty=True)
]


class Evidence(BaseModel):
    """Where the answer is in the corpus.

    Fields:
        doc_id: the document holding the answer.
        quote: a short exact substring of that document's text; a retrieved chunk is
            relevant when it contains it (so relevance survives re-chunking).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    doc_id: str
    quote: str

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, raw: Any) -> Any:
        if (
            not isinstance(raw, dict)
            or set(raw) != {"doc_id", "quote"}
            or not all(isinstance(raw[k], str) and raw[k].strip() for k in raw)
        ):
            raise ValueError("must be a mapping with non-empty 'doc_id' and 'quote'")
        return raw


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

    An answerable case needs facts and evidence; an unanswerable one has neither.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Annotated[
        str, _checked(lambda v: isinstance(v, str) and v.strip(), "must be a non-empty string")
    ]
    turns: Annotated[
        tuple[str, ...],
        _str_list("must be a non-empty list of non-empty strings", non_empty=True),
    ]
    answerable: Annotated[bool, _checked(lambda v: isinstance(v, bool), "must be true or false")]
    required_facts: Annotated[
        tuple[Aliases, ...], _list("must be a list of facts (each a list of aliases)")
    ] = ()
    must_not_contain: Annotated[
        tuple[str, ...], _str_list("must be a list of non-empty strings", non_empty=False)
    ] = ()
    reference_answer: Annotated[str, _checked(lambda v: isinstance(v, str), "must be a string")] = (
        ""
    )
    evidence: Annotated[tuple[Evidence, ...], _list("must be a list of {doc_id, quote}")] = ()
    tags: Annotated[
        tuple[str, ...], _str_list("must be a list of non-empty strings", non_empty=False)
    ] = ()

    @model_validator(mode="after")
    def _answerable_has_facts_and_evidence(self) -> EvalCase:
        for field in ("required_facts", "evidence"):
            if self.answerable and not getattr(self, field):
                raise _rule(field, "must not be empty for an answerable case")
            if not self.answerable and getattr(self, field):
                raise _rule(field, "must be empty for an unanswerable case")
        return self

    @property
    def question(self) -> str:
        """The question that is scored (the last turn)."""
        return self.turns[-1]

    def to_dict(self) -> dict[str, Any]:
        """The case as it is written in a dataset file (lists, not tuples)."""
        return _CASE.dump_python(self, mode="json")

    @classmethod
    def from_dict(cls, data: Any) -> EvalCase:
        """Validate one raw case (pydantic ValidationError on bad input)."""
        return _CASE.validate_python(data)


_CASE: TypeAdapter[EvalCase] = TypeAdapter(EvalCase)
_FIELDS = tuple(EvalCase.model_fields)


def _rule(field: str, message: str) -> PydanticCustomError:
    """A cross-field rule's error, located at ``field`` (pydantic locates it at the model)."""
    return PydanticCustomError("case_rule", message, {"field": field})


def _location(loc: Sequence[int | str]) -> str:
    """``('required_facts', 1)`` -> ``'required_facts'[1]``; ``('evidence', 0, 'quote')``
    -> ``'evidence'[0].quote``."""
    parts = [f"'{loc[0]}'"]
    parts += [f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[1:]]
    return "".join(parts)


def case_error(exc: ValidationError, raw: Any, index: int, fields: Sequence[str] = _FIELDS) -> str:
    """One readable message for a case's validation errors: the case and the field
    (``fields``: the allowed field names, listed for an unknown one)."""
    errors = exc.errors()
    case_id = raw.get("id") if isinstance(raw, dict) else None
    valid_id = isinstance(case_id, str) and case_id.strip() and errors[0]["loc"] != ("id",)
    where = f"case {case_id!r}" if valid_id else f"case #{index}"
    unknown = sorted(str(e["loc"][0]) for e in errors if e["type"] == "extra_forbidden"
                     and len(e["loc"]) == 1)  # fmt: skip
    if unknown:
        return f"{where}: unknown field(s) {unknown}; allowed: {list(fields)}"
    err = errors[0]
    if err["type"] == "model_type":
        return f"{where}: must be a mapping, got {type(raw).__name__}"
    field = _location((err["ctx"]["field"],) if err["type"] == "case_rule" else err["loc"])
    message = "is required" if err["type"] == "missing" else err["msg"]
    message = message.removeprefix("Value error, ")
    return f"{where}: field {field} {message[:1].lower()}{message[1:]}"


def parse_dataset(data: Any, *, source: str = "dataset") -> list[EvalCase]:
    """Validate an already-parsed dataset mapping (``{"version": 1, "cases": [...]}``);
    DatasetError names the source (file), the case and the field."""
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
        try:
            case = EvalCase.from_dict(raw)
        except ValidationError as exc:
            raise DatasetError(f"{source}: {case_error(exc, raw, index)}") from None
        if case.id in seen:
            raise DatasetError(
                f"{source}: case {case.id!r}: field 'id' is duplicated "
                f"(cases #{seen[case.id]} and #{index})"
            )
        seen[case.id] = index
        cases.append(case)
    return cases


def read_yaml(path: Path, *, error: type[Exception], cannot_read: str, where: str) -> Any:
    """The parsed YAML of ``path``; ``error`` (a BriefingError type) names the file:
    ``"<cannot_read>: <reason>"`` or ``"<where>: not valid YAML: <detail>"``."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{cannot_read}: {exc.strerror or exc}") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise error(f"{where}: not valid YAML: {exc}") from exc


def load_dataset(path: Path) -> list[EvalCase]:
    """Read and validate a YAML (or JSON) dataset file; DatasetError names the culprit."""
    data = read_yaml(
        path, error=DatasetError, cannot_read=f"cannot read dataset {path}", where=str(path)
    )
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
