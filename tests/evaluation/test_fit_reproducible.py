"""`briefing fit` rebuilds the committed answering/model.json from the code and the dev splits.

The committed model must be the one the documented command writes: a refactor that
changes what the fit sees (features, candidates, rewritten follow-ups) shows up here,
not months later when someone refits. Numbers are compared to 1e-4 (the file rounds to
six decimals, and another machine's float arithmetic may move the last digit); the
thresholds, the feature lists and the dataset hashes must be equal.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


def _differences(ours: Any, theirs: Any, where: str = "") -> list[str]:
    if isinstance(ours, dict) and isinstance(theirs, dict):
        out = [f"{where}.{k}: only in one" for k in set(ours) ^ set(theirs)]
        for key in set(ours) & set(theirs):
            out += _differences(ours[key], theirs[key], f"{where}.{key}")
        return out
    if isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            return [f"{where}: {len(ours)} items vs {len(theirs)}"]
        return [
            d
            for i, (a, b) in enumerate(zip(ours, theirs, strict=True))
            for d in _differences(a, b, f"{where}[{i}]")
        ]
    both_numbers = all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in (ours, theirs)
    )
    if both_numbers and ".thresholds." not in f"{where}.":
        return [] if math.isclose(ours, theirs, abs_tol=1e-4) else [f"{where}: {ours} vs {theirs}"]
    return [] if ours == theirs else [f"{where}: {ours!r} vs {theirs!r}"]


def test_briefing_fit_writes_the_committed_model(tmp_path: Path) -> None:
    out = tmp_path / "model.json"
    env = {**os.environ, "BRIEFING_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "briefing"), "fit", "--out", str(out), "--no-progress"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    fitted = json.loads(out.read_text(encoding="utf-8"))
    committed = json.loads((REPO / "src/briefing/answering/model.json").read_text(encoding="utf-8"))
    differences = _differences(fitted, committed)
    assert not differences, "refit and commit answering/model.json:\n" + "\n".join(differences[:20])
