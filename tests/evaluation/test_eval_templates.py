"""The report templates ship in the wheel and render from the installed package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(p.name for p in (ROOT / "src/briefing/evaluation/templates").iterdir())
RENDER = """
import briefing, sys
from briefing.evaluation.html_report import histogram_svg
from briefing.evaluation.templating import render
assert briefing.__file__.startswith(sys.argv[1]), briefing.__file__
print(histogram_svg([5.0, 7.0]))
from briefing.evaluation import BRIEFING_METRICS
print(render("briefings.md", runs=[], metrics=BRIEFING_METRICS))
"""


@pytest.mark.slow
def test_templates_ship_in_the_wheel_and_render_installed(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(wheels), str(ROOT)],
        check=True,
    )  # fmt: skip
    wheel = next(wheels.glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert [n for n in TEMPLATES if f"briefing/evaluation/templates/{n}" not in names] == []
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
         str(wheel)],
        check=True,
    )  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", RENDER, str(target)],
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "<svg" in done.stdout and "p95" in done.stdout
    assert "# Briefing splits side by side" in done.stdout
