"""`briefing eval`: user errors exit 2 without a traceback; a real 5-case run end to end."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from briefing.commands import eval_cmds

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False)
    eval_cmds.register(app)

    @app.command("noop", hidden=True)
    def _noop() -> None:  # a second command keeps `eval` a subcommand, as in the real CLI
        pass

    return app


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """A working folder with a private corpus copy and data dir (no default thresholds)."""
    shutil.copytree(REPO / "corpus", tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEFING_CORPUS_DIR", str(tmp_path / "corpus"))
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def invoke(app, *args: str):
    return CliRunner().invoke(app, ["eval", *args])


def test_malformed_dataset_exits_2_naming_case_and_field(app, workdir):
    bad = workdir / "bad.yaml"
    bad.write_text(
        yaml.safe_dump(
            {
                "version": 1,
                "cases": [{"id": "x", "turns": ["q?"], "answerable": True, "required_facts": [[]]}],
            }
        )
    )
    result = invoke(app, "--dataset", str(bad))
    assert result.exit_code == 2
    assert "case 'x': field 'required_facts'[0]" in result.output
    assert "Traceback" not in result.output


def test_evidence_not_in_corpus_exits_2(app, workdir):
    data = {
        "version": 1,
        "cases": [
            {
                "id": "x",
                "turns": ["q?"],
                "answerable": True,
                "required_facts": [["a"]],
                "evidence": [{"doc_id": "timeline", "quote": "no such sentence here"}],
            }
        ],
    }
    (workdir / "d.yaml").write_text(yaml.safe_dump(data))
    result = invoke(app, "--dataset", "d.yaml")
    assert result.exit_code == 2
    assert "'evidence'[0].quote 'no such sentence here' is not in document 'timeline'" in (
        result.output
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fail-under", "recal=0.5"], "unknown metric 'recal'"),
        (["--retriever", "sparse"], "retriever='sparse'"),
        (["--backend", "gpt"], "backend='gpt'"),
        (["--baseline", "missing.json"], "--baseline missing.json: cannot read"),
        (["--thresholds", "none.yaml"], "thresholds file none.yaml: cannot read"),
        (["--judge"], "--judge needs an LLM backend"),
        (["--tag", "no-such-tag"], "no cases left"),
    ],
)
def test_user_errors_exit_2(app, workdir, args, message):
    result = invoke(app, "--dataset", str(REPO / "evals/qa/dev.yaml"), *args)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_real_harness_on_five_cases(app, workdir):
    """The real Assistant (offline backend, real index) on a 5-case slice of the dataset."""
    cases = yaml.safe_load((REPO / "evals/qa/dev.yaml").read_text())["cases"]
    multi = next(c for c in cases if len(c["turns"]) > 1)
    unanswerable = next(c for c in cases if not c["answerable"])
    single = [c for c in cases if c["answerable"] and len(c["turns"]) == 1][:3]
    (workdir / "slice.yaml").write_text(
        yaml.safe_dump({"version": 1, "cases": [*single, multi, unanswerable]})
    )
    result = invoke(
        app,
        "--dataset",
        "slice.yaml",
        "--out",
        "run1",
        "--no-progress",
        "--fail-under",
        "key_fact_recall=1.01",
        "--fail-under",
        "latency_total_p95_ms=1e9",
    )
    assert result.exit_code == 1, result.output
    assert "FAIL [slice] key_fact_recall" in result.output  # an unreachable minimum fails
    assert "latency_total_p95_ms" not in result.output.split("FAIL", 1)[1]
    run = json.loads((workdir / "run1/run.json").read_text())
    assert run["config"]["retriever"] == "hybrid" and run["config"]["backend"] == "offline"
    assert len(run["config"]["corpus_hash"]) == 64
    assert run["config"]["dataset"] == "slice.yaml"
    assert run["aggregates"]["counts"] == {
        **run["aggregates"]["counts"],
        "cases": 5,
        "unanswerable": 1,
        "turns": 4 + len(multi["turns"]),
    }
    kfr = run["aggregates"]["metrics"]["key_fact_recall"]
    assert kfr["n"] == 4 and 0.0 <= kfr["value"] <= 1.0
    lines = (workdir / "run1/cases.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == [c["id"] for c in [*single, multi, unanswerable]]
    assert all(r["timings_ms"][-1]["total"] > 0 for r in records)
    assert len(records[3]["timings_ms"]) == len(multi["turns"])
    assert "<svg" in (workdir / "run1/report.html").read_text()

    # the same run against itself as baseline: no delta is beyond the interval
    result = invoke(
        app,
        "--dataset",
        "slice.yaml",
        "--out",
        "run2",
        "--no-progress",
        "--baseline",
        "run1/run.json",
    )
    assert result.exit_code == 0, result.output
    deltas = json.loads((workdir / "run2/run.json").read_text())["baseline"]["deltas"]
    quality = [d for d in deltas if not d["name"].endswith("_ms")]
    assert all(d["delta"] in (0.0, None) and not d["beyond_ci"] for d in quality)
