"""Score new data with a saved run: the saved preprocessing and model, never a refit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from riskcore import drift as D
from riskcore.dataset import Panel, transform_new
from riskcore.errors import DataValidationError
from riskcore.store import Run


@dataclass
class Scored:
    predictions: pd.DataFrame  # time, entity, y_true (when known), score (calibrated), score_raw
    drift: pd.DataFrame  # feature, psi, reading (the score included as "score")
    panel: Panel
    ends: np.ndarray


def _check_types(run: Run, primary: pd.DataFrame) -> None:
    """New data must carry the training columns with compatible types, named if not."""
    state = run.state["preprocessor"]
    wanted = [c for block in state["columns"].values() for c in block if c != "no_news"]
    categorical = set(state["categorical"])
    for col in wanted:
        if col in primary.columns and col not in categorical:
            s = primary[col]
            if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)):
                converted = pd.to_numeric(s, errors="coerce")
                if converted.notna().sum() < 0.5 * s.notna().sum():
                    raise DataValidationError(
                        f"column '{col}' was numeric when run {run.run_id} was trained but holds "
                        f"text now (e.g. {s.dropna().iloc[0]!r}); upload data with the same "
                        "columns and types as the training data"
                    )


def score(
    run: Run,
    primary: pd.DataFrame,
    macro: pd.DataFrame | None = None,
    sentiment: pd.DataFrame | None = None,
    model=None,
) -> Scored:
    """Predictions for every sample with a full window, and PSI drift against training."""
    from riskcore.batches import predict_scores
    from riskcore.train import feature_frame

    _check_types(run, primary)
    panel, ends = transform_new(run.config, run.state, primary, macro, sentiment)
    model = model or run.load_model()
    raw = predict_scores(model, panel, ends)
    scores = run.calibrator().apply(raw).astype(np.float32)
    out = pd.DataFrame(
        {
            "time": panel.time[ends] if panel.time is not None else pd.NaT,
            "entity": panel.entity[ends],
            "y_true": panel.y[ends],
            "score": scores,
        }
    )
    if run.metrics.get("task") == "classification" and "calibration" in run.state:
        out["score_raw"] = raw
    if panel.time is None:
        out = out.drop(columns="time")
    reference = pd.read_csv(run.path / "reference.csv")
    current = feature_frame(panel, ends).assign(score=scores)
    drift = D.feature_psi(reference, current)
    return Scored(out, drift, panel, ends)
