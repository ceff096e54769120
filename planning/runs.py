"""Every trained model is a run a score can be traced back to: ``runs/<id>/`` holds
``run.json`` (the :class:`~sensing.segments.ModelRun`: parameters, data fingerprint, split,
metrics, calibration table, importance, library versions), ``model.txt`` (LightGBM's own text
format) and ``calibration.json`` (the isotonic knots), so a run can be reloaded to score new
customers exactly as it scored these.

MLflow's tracking would hold the same fields; it was not taken because it brings a web
server, SQLAlchemy, alembic and pandas (hundreds of MB) for what three files in a directory
do here. The run record also goes into the store with the import it scored.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from planning.customers import CustomerTable
from planning.propensity import Calibration, PropensityModel, Trained
from sensing.segments import ModelRun

MODEL_FILE = "model.txt"
CALIBRATION_FILE = "calibration.json"
RUN_FILE = "run.json"


def fingerprint(table: CustomerTable) -> str:
    """SHA-256 of what the model was trained on: feature names, kinds, categories, values
    and labels, in row order (so the same data gives the same print, whatever the file's
    format)."""
    digest = hashlib.sha256()
    for feature in table.features:
        digest.update(json.dumps(feature.describe(), sort_keys=True).encode("utf-8"))
        digest.update(np.ascontiguousarray(feature.values, dtype=np.float64).tobytes())
    digest.update(np.ascontiguousarray(table.label, dtype=np.float64).tobytes())
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    from importlib.metadata import version

    return {name: version(name) for name in ("lightgbm", "scikit-learn", "numpy")}


def new_run(table: CustomerTable, trained: Trained, extra: dict[str, Any] | None = None
            ) -> ModelRun:
    """The record of ``trained``: its id is the time and the data fingerprint, so two runs on
    the same data stay apart and a run's data is recognisable from its id."""
    printed = fingerprint(table)
    now = datetime.now(UTC)
    found = trained.metrics
    return ModelRun(
        id=f"pr-{now:%Y%m%dT%H%M%S%f}-{printed[:8]}", created_at=now,
        library_versions=library_versions(), params=trained.params, data_fingerprint=printed,
        rows=table.rows, labelled_rows=int(table.labelled.sum()),
        positives=int(np.nansum(table.label)), features=trained.model.features,
        split=trained.split.describe(),
        metrics={k: v for k, v in found.items() if k != "calibration"} | (extra or {}),
        calibration=found["calibration"], importance=trained.model.importance(),
        artifacts={"model": MODEL_FILE, "calibration": CALIBRATION_FILE})


def save_run(directory: Path, run: ModelRun, model: PropensityModel) -> Path:
    """Write the run's three files under ``directory/<run id>/`` (renamed into place whole,
    so a run directory is complete or absent)."""
    final = directory / run.id
    partial = directory / f".{run.id}.partial"
    partial.mkdir(parents=True, exist_ok=False)
    model.booster.save_model(str(partial / MODEL_FILE))
    (partial / CALIBRATION_FILE).write_text(json.dumps(model.calibration.to_json()),
                                            encoding="utf-8")
    (partial / RUN_FILE).write_text(run.model_dump_json(indent=2), encoding="utf-8")
    os.replace(partial, final)
    return final


def load_run(directory: Path, run_id: str) -> tuple[ModelRun, PropensityModel]:
    """A saved run and its model, to score with again."""
    import lightgbm as lgb

    path = directory / run_id
    if not (path / RUN_FILE).is_file():
        raise FileNotFoundError(f"no model run {run_id!r} under {directory}")
    run = ModelRun.model_validate_json((path / RUN_FILE).read_text(encoding="utf-8"))
    booster = lgb.Booster(model_file=str(path / MODEL_FILE))
    calibration = Calibration.from_json(
        json.loads((path / CALIBRATION_FILE).read_text(encoding="utf-8")))
    return run, PropensityModel(booster, run.features, calibration)
