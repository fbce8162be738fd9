"""`briefing fit`: refit the offline answerer's models on the dev split.

One documented, reproducible command (fixed seed, cross-validated by case) that writes
the small, reviewable ``answering/model.json``. It refuses the blind test split: a
model tuned on the questions that gate it measures memory, not quality.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

SPLITS_DIR = Path("evals/qa")


def _dev_splits() -> list[Path]:
    """Every split in evals/qa/ except the blind test split."""
    return [p for p in sorted(SPLITS_DIR.glob("*.yaml")) if p.stem != "test"]


def register(app: typer.Typer) -> None:
    """Add the `fit` command to ``app``."""
    app.command("fit")(fit_command)


def _packaged_model() -> Path:
    from .. import answering

    return Path(answering.__file__).parent / "model.json"


def fit_command(
    dataset: Annotated[
        list[Path] | None,
        typer.Option(
            help=f"Training cases (repeatable; default: every split in {SPLITS_DIR}/ but test)."
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Where to write the model (default: the packaged one).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the case folds.")] = 0,
    folds: Annotated[int, typer.Option(min=2, help="Cross-validation folds (by case).")] = 5,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Fit the sentence and answerable models and their thresholds; print the CV figures."""
    from ..errors import BriefingError

    try:
        _fit(dataset or _dev_splits(), out or _packaged_model(), seed, folds, progress)
    except BriefingError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def _fit(datasets: list[Path], out: Path, seed: int, folds: int, progress: bool) -> None:
    import json

    from ..answering.offline import OfflineAnswerer
    from ..assistant import Assistant
    from ..config import load_settings
    from ..errors import DatasetError
    from ..evaluation.dataset import dataset_hash, load_dataset
    from ..fitting import fit_twice, prior_model
    from ..index.embeddings import LazyEmbeddings

    if not datasets:
        raise DatasetError(f"no training splits in {SPLITS_DIR}/ (run from the repo root)")
    for path in datasets:
        if path.stem == "test":
            raise DatasetError(f"{path}: refusing to fit on the blind test split")
    cases = [case for path in datasets for case in load_dataset(path)]
    settings = load_settings(backend="offline")
    embeddings = LazyEmbeddings(settings, threads=settings.embedding.query_threads)
    answerer = OfflineAnswerer(embeddings, model=prior_model(), max_words=settings.answer.max_words)
    assistant = Assistant(settings, answerer=answerer)
    provenance = {
        "datasets": [{"path": str(p), "sha256": dataset_hash(p)[:12]} for p in datasets],
        "earlier_turns_answered_by": "the first of two fits",
    }
    try:
        report = fit_twice(
            assistant,
            answerer,
            cases,
            seed=seed,
            folds=folds,
            provenance=provenance,
            progress=progress,
        )
    finally:
        assistant.close()
    report.model.save(out)
    typer.echo(json.dumps(report.cv, indent=1))
    typer.echo(f"wrote {out}")
