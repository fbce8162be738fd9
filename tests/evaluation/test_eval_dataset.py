"""Dataset schema: good files load, every malformed field is named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from briefing.errors import DatasetError
from briefing.evaluation.briefing_cases import load_briefing_cases
from briefing.evaluation.dataset import EvalCase, check_evidence, load_dataset
from briefing.types import Document, SourceRef


def good_case(**overrides):
    case = {
        "id": "firms",
        "turns": ["Which firms got licences?"],
        "answerable": True,
        "required_facts": [["JL Mag"], ["Ningbo Yunsheng", "Yunsheng"]],
        "must_not_contain": ["Paris"],
        "reference_answer": "JL Mag and Ningbo Yunsheng.",
        "evidence": [{"doc_id": "licences", "quote": "three magnet makers"}],
        "tags": ["list"],
    }
    case.update(overrides)
    return case


def unanswerable_case(**overrides):
    case = {
        "id": "paris",
        "turns": ["What is the capital of France?"],
        "answerable": False,
        "required_facts": [],
        "must_not_contain": ["Paris"],
        "reference_answer": "",
        "evidence": [],
        "tags": ["unanswerable"],
    }
    case.update(overrides)
    return case


def write(tmp_path: Path, cases, version=1) -> Path:
    path = tmp_path / "dataset.yaml"
    path.write_text(yaml.safe_dump({"version": version, "cases": cases}), encoding="utf-8")
    return path


def test_loads_valid_dataset(tmp_path):
    cases = load_dataset(write(tmp_path, [good_case(), unanswerable_case()]))
    assert [c.id for c in cases] == ["firms", "paris"]
    assert cases[0].required_facts == (("JL Mag",), ("Ningbo Yunsheng", "Yunsheng"))
    assert cases[0].evidence[0].quote == "three magnet makers"
    assert cases[1].question == "What is the capital of France?"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (
            good_case(required_facts=[["JL Mag"], []]),
            "case 'firms': field 'required_facts'[1] must be a non-empty list of strings",
        ),
        (good_case(required_facts=[["JL Mag"], "Yunsheng"]), "'required_facts'[1]"),
        (good_case(turns=[]), "case 'firms': field 'turns'"),
        (good_case(turns=["ok", ""]), "field 'turns'"),
        (good_case(answerable="yes"), "field 'answerable'"),
        (good_case(evidence=[{"doc_id": "x"}]), "field 'evidence'[0]"),
        (good_case(evidence=[]), "field 'evidence' must not be empty"),
        (good_case(required_facts=[]), "field 'required_facts' must not be empty"),
        (good_case(tags="list"), "field 'tags'"),
        (good_case(must_not_contian=["x"]), "unknown field(s) ['must_not_contian']"),
        (unanswerable_case(required_facts=[["x"]]), "case 'paris': field 'required_facts'"),
        (good_case(id=""), "case #0: field 'id'"),
        ("not a mapping", "case #0: must be a mapping"),
    ],
)
def test_rejects_malformed_case_naming_case_and_field(tmp_path, case, message):
    with pytest.raises(DatasetError) as info:
        load_dataset(write(tmp_path, [case]))
    assert message in str(info.value)


def test_rejects_duplicate_ids(tmp_path):
    with pytest.raises(DatasetError, match="case 'firms': field 'id' is duplicated"):
        load_dataset(write(tmp_path, [good_case(), good_case()]))


def test_rejects_bad_top_level(tmp_path):
    with pytest.raises(DatasetError, match="'version' must be 1"):
        load_dataset(write(tmp_path, [good_case()], version=2))
    with pytest.raises(DatasetError, match="cannot read dataset"):
        load_dataset(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("cases: [\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="not valid YAML"):
        load_dataset(bad)


def test_check_evidence_against_documents(tmp_path):
    doc = Document(
        id="licences",
        title="t",
        kind="news",
        published="",
        sources=(SourceRef("x"),),
        text="The licences went to three magnet makers.",
        path="licences.md",
    )
    cases = load_dataset(write(tmp_path, [good_case(), unanswerable_case()]))
    check_evidence(cases, [doc])  # passes
    wrong = load_dataset(
        write(
            tmp_path,
            [
                good_case(evidence=[{"doc_id": "licences", "quote": "four magnet makers"}]),
                good_case(id="b", evidence=[{"doc_id": "nope", "quote": "x"}]),
            ],
        )
    )
    with pytest.raises(DatasetError) as info:
        check_evidence(wrong, [doc])
    text = str(info.value)
    assert "2 evidence problem(s)" in text
    assert "case 'firms': field 'evidence'[0].quote 'four magnet makers'" in text
    assert "case 'b': field 'evidence'[0].doc_id 'nope' is not a corpus document" in text


def test_errors_name_the_file(tmp_path):
    path = write(tmp_path, [good_case(required_facts=[["JL Mag"], []])])
    with pytest.raises(DatasetError, match=r"dataset\.yaml: case 'firms': field 'required_facts'"):
        load_dataset(path)


def test_case_round_trips_through_to_dict(tmp_path):
    case = load_dataset(write(tmp_path, [good_case()]))[0]
    data = case.to_dict()
    assert data["required_facts"] == [["JL Mag"], ["Ningbo Yunsheng", "Yunsheng"]]
    assert data["evidence"] == [{"doc_id": "licences", "quote": "three magnet makers"}]
    assert EvalCase.from_dict(data) == case
    assert load_dataset(write(tmp_path, [data]))[0] == case


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"since": "2025-13-01"}, "case 'b1': field 'since' must be an ISO date"),
        ({"key_points": [["a"], []]}, "case 'b1': field 'key_points'[1] must be a non-empty"),
        ({"evidence": [{"doc_id": "d"}]}, "case 'b1': field 'evidence'[0] must be a mapping"),
        ({"kindd": "x"}, "case 'b1': unknown field(s) ['kindd']"),
        ({"id": ""}, "case #0: field 'id'"),
    ],
)
def test_briefing_case_errors_name_file_case_and_field(tmp_path, override, message):
    case = {
        "id": "b1",
        "request": "When?",
        "kind": "timeline",
        "key_points": [["a"]],
        "evidence": [{"doc_id": "d", "quote": "q"}],
        **override,
    }
    path = tmp_path / "briefings.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "cases": [case]}), encoding="utf-8")
    with pytest.raises(DatasetError) as info:
        load_briefing_cases(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)
