"""Export a run for production: a TensorFlow SavedModel for TF Serving and its preprocessing.

TF Serving runs the network only; the caller must build its inputs exactly as training did.
So beside the SavedModel goes `preprocessing.json`: the run's fitted state (medians, means and
standard deviations, one-hot levels, feature order per input), the config's data roles, window
and lag rules, and the signature (input names, shapes, dtype) the SavedModel expects. Nothing
in the export needs riskcore to load: tf.saved_model.load and the JSON are enough.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from riskcore.errors import RunStoreError
from riskcore.macro import lag_summary
from riskcore.model import OUTPUT_LAYER
from riskcore.quantiles import QuantileGrid, level_key
from riskcore.store import Run

SAVED_MODEL = "saved_model"
PREPROCESSING = "preprocessing.json"
ENDPOINT = "serve"


def _signature(run: Run) -> list[dict]:
    state = run.state
    window = run.config.window if not run.config.cross_sectional else None
    out = []
    for block in state["inputs"]:
        width = len(state["feature_names"][block])
        shape = [None, window, width] if block == "sequence" else [None, width]
        out.append(
            {
                "name": block,
                "shape": shape,
                "dtype": "float32",
                "features": state["feature_names"][block],
            }
        )
    return out


def _quantile_output(run: Run) -> dict:
    """How a quantile run's outputs become VaR and ES: the network returns the return
    quantiles at `points` (highest first); VaR at a level is one of them, ES the mean of its
    tail's finer ones (riskcore.quantiles.QuantileGrid)."""
    grid = QuantileGrid.of(run.config.quantiles)
    return {
        "levels": list(grid.levels),
        "points": [round(float(u), 12) for u in grid.points],
        "var_index": {level_key(a): grid.var_index(a) for a in grid.levels},
        "es_indices": {level_key(a): grid.es_indices(a) for a in grid.levels},
        "rule": (
            "The SavedModel returns one forward-return quantile per entry of `points`, highest "
            "first, in return units (no calibration). VaR at a level is output[var_index]; ES "
            "is the mean of output[es_indices], capped at the VaR (ES never above VaR). A "
            "breach is a realised return below the VaR."
        ),
    }


def preprocessing_spec(run: Run) -> dict:
    """Everything a serving client needs to turn raw rows into the SavedModel's inputs."""
    config = run.config
    output = {"name": OUTPUT_LAYER, "task": config.task}
    if config.task == "quantile":
        output["quantiles"] = _quantile_output(run)
    return {
        "run_id": run.run_id,
        "endpoint": ENDPOINT,
        "output": output,
        "inputs": _signature(run),
        "data": config.data.model_dump(mode="json"),
        "window": None if config.cross_sectional else config.window,
        "horizon": None if config.cross_sectional else config.horizon,
        "preprocessor": run.state["preprocessor"],
        "rules": (
            "Per input column: missing or non-finite values -> the training median; then "
            "(x - mean) / std; a `<column>_missing` indicator (1 where it was missing) follows "
            "its column when listed; text columns are one-hot over `levels`, unseen levels -> "
            "'other'. Macro rows enter by an as-of backward join at t minus each column's "
            "publication lag (data.macro_lags for that column, else data.macro_lag: a calendar "
            "lag such as 0D or 1M, or a legacy integer counting rows of the macro file; "
            f"here: {lag_summary(config.data)}), sentiment rows at t minus sentiment_lag; "
            "'sequence' holds the entity's last `window` rows, oldest first."
        ),
        "calibration": run.calibrator().to_dict(),
        "calibration_rule": "none: see output.quantiles.rule"
        if config.task == "quantile"
        else (
            "The SavedModel returns the network's raw score. The probability the run reports is "
            "the calibration above applied to it: platt: 1 / (1 + exp(-(slope * logit(p) + "
            "intercept))) with p clipped to [1e-6, 1 - 1e-6]; isotonic: p linearly interpolated "
            "over x -> y (clipped at both ends); identity: p itself."
        ),
    }


def export_run(run: Run, out: str | Path) -> Path:
    """Write DIR/saved_model and DIR/preprocessing.json; an existing non-empty DIR is refused."""
    target = Path(out)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise RunStoreError(
            f"export folder '{target}' already exists and is not empty; pass a new folder"
        )
    model = run.load_model()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        model.export(str(staging / SAVED_MODEL), format="tf_saved_model", verbose=False)
        (staging / PREPROCESSING).write_text(
            json.dumps(preprocessing_spec(run), indent=2, ensure_ascii=False), encoding="utf-8"
        )
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise RunStoreError(f"cannot write the export to '{target}' ({exc.strerror})") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
