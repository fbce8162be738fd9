"""The feedback log (durable JSONL) and its export as draft evaluation cases."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import yaml

from briefing.errors import DatasetError
from briefing.evaluation.dataset import parse_dataset
from briefing.feedback import FeedbackRecord, FeedbackStore, draft_eval_cases, export_yaml
from briefing.types import Answer, Citation


def make_answer(question: str = "Which firms got licences?", text: str = "JL Mag [1].") -> Answer:
    cite = Citation(
        1,
        "first-general-licences",
        "First licences",
        "Reuters",
        "2025-12-02",
        "",
        "c1",
        "JL Mag",
        5,
        11,
    )
    return Answer(question=question, standalone_question=question, text=text, citations=(cite,))


def test_add_appends_one_json_line_with_question_answer_citations_and_time(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "sub" / "feedback.jsonl")
    store.add(FeedbackRecord.for_answer(make_answer(), rating="down", comment="wrong firm"))
    lines = (tmp_path / "sub" / "feedback.jsonl").read_text().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data["rating"] == "down" and data["comment"] == "wrong firm"
    assert data["question"] == "Which firms got licences?"
    assert data["answer_text"] == "JL Mag [1]."
    assert data["citations"][0]["doc_id"] == "first-general-licences"
    assert data["timestamp"].endswith("+00:00")


def test_a_comment_added_later_replaces_the_record_with_the_same_id(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.jsonl")
    record = FeedbackRecord.for_answer(make_answer(), rating="up")
    store.add(record)
    store.add(record.with_rating("down"))
    store.add(record.with_rating("down").with_comment("dates are off"))
    other = FeedbackRecord.for_answer(make_answer("Q2"), rating="up")
    store.add(other)
    records = store.records()
    assert [r.id for r in records] == [record.id, other.id]
    assert records[0].rating == "down" and records[0].comment == "dates are off"
    assert len((tmp_path / "f.jsonl").read_text().splitlines()) == 4  # append-only


def test_a_torn_line_is_skipped_not_fatal(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.jsonl")
    store.add(FeedbackRecord.for_answer(make_answer(), rating="down"))
    with (tmp_path / "f.jsonl").open("a") as fh:
        fh.write('{"id": "half')  # a crash mid-write
    assert len(store.records()) == 1


def test_concurrent_writers_never_interleave_lines(tmp_path: Path) -> None:
    path = tmp_path / "f.jsonl"
    stores = [FeedbackStore(path), FeedbackStore(path)]  # two stores: the file lock matters
    long_comment = "x" * 20_000

    def write(n: int) -> None:
        for _ in range(15):
            stores[n % 2].add(
                FeedbackRecord.for_answer(make_answer(), rating="down", comment=long_comment)
            )

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = path.read_text().splitlines()
    assert len(lines) == 90
    assert all(json.loads(line)["comment"] == long_comment for line in lines)


def test_export_keeps_thumbs_down_in_the_dataset_schema(tmp_path: Path) -> None:
    down = FeedbackRecord.for_answer(
        make_answer("How long do they last?"),
        rating="down",
        history=["Which firms got licences?"],
        comment="should say one year",
    )
    up = FeedbackRecord.for_answer(make_answer(), rating="up")
    cases = draft_eval_cases([down, up])
    assert len(cases) == 1
    case = cases[0]
    assert case["turns"] == ["Which firms got licences?", "How long do they last?"]
    assert case["tags"] == ["from-feedback"]
    assert case["required_facts"] == [] and case["evidence"] == []
    assert case["reference_answer"] == "" and case["answerable"] is True
    assert set(case) == {
        "id",
        "turns",
        "answerable",
        "required_facts",
        "must_not_contain",
        "reference_answer",
        "evidence",
        "tags",
    }

    text = export_yaml([down, up])
    assert "# staff comment: should say one year" in text
    assert "JL Mag [1]." in text  # the bad answer, for the curator
    data = yaml.safe_load(text)
    assert data["version"] == 1 and [c["id"] for c in data["cases"]] == [case["id"]]
    # A draft is not a finished case: the loader refuses it until facts and evidence exist...
    with pytest.raises(DatasetError, match="required_facts"):
        parse_dataset(data)
    # ...and accepts it once the curator fills them in.
    data["cases"][0]["required_facts"] = [["one year"]]
    data["cases"][0]["evidence"] = [{"doc_id": "first-general-licences", "quote": "one year"}]
    assert parse_dataset(data)[0].turns == tuple(case["turns"])


def test_export_with_no_thumbs_down_is_an_empty_case_list() -> None:
    data = yaml.safe_load(export_yaml([FeedbackRecord.for_answer(make_answer(), rating="up")]))
    assert data == {"version": 1, "cases": []}


def test_export_yaml_survives_hostile_comment_text() -> None:
    record = FeedbackRecord.for_answer(
        make_answer(text="a\n- b: [c]\n#d"), rating="down", comment="line1\n  cases: []\n# x"
    )
    data = yaml.safe_load(export_yaml([record]))
    assert len(data["cases"]) == 1
