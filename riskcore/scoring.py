"""Score new data with a saved run: the saved preprocessing and model, never a refit.

A quantile run's network gives several quantiles per sample; what is reported from them is its
VaR and ES at each level (QuantileGrid.split), as var_<level> / es_<level> columns beside
`score`, which is the VaR at the lowest level as in the run's predictions.csv.

A run's predictions.csv holds every validation and test sample, and of a large classification
run's training split a seeded sample (training_scored says how many of how many).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from riskcore import drift as D
from riskcore.dataset import Panel, SavedInputs, apply_saved
from riskcore.preprocess import Preprocessor
from riskcore.quantiles import QuantileGrid, es_column, var_column
from riskcore.store import SPREAD_COLUMN, Run


@dataclass
class Scored:
    predictions: pd.DataFrame  # time, entity, y_true (when known), score (calibrated), score_raw;
    # a quantile run: score (VaR at the lowest level), var_<level>, es_<level> per level
    drift: pd.DataFrame  # feature, psi, reading (the score included as "score")
    panel: Panel
    ends: np.ndarray
    preprocessor: Preprocessor | None = None  # the run's saved one, as applied to the panel


def saved_inputs(
    run: Run, *tables: pd.DataFrame | None, with_target: bool | None = None
) -> SavedInputs:
    """The run's saved preprocessing applied to (primary, macro, sentiment): apply_saved for a
    run, whose id the type checks name."""
    primary, macro, sentiment = (*tables, None, None)[:3]
    return apply_saved(
        run.config, run.state, primary, macro, sentiment, with_target, f"run {run.run_id}"
    )


def reported(run: Run, raw: np.ndarray) -> dict[str, np.ndarray]:
    """What a run reports per sample from its network's raw output, by column name.

    `score`: the calibrated probability (classification) or the prediction; for a quantile
    run the VaR at the lowest level, followed by var_<level> and es_<level> of every level,
    from the grid's quantiles (QuantileGrid.split). Scoring and scenarios both read it.
    """
    if run.config.task != "quantile":
        return {"score": run.calibrator().apply(raw).astype(np.float32)}
    grid = QuantileGrid.of(run.config.quantiles)
    var, es = grid.split(np.asarray(raw).reshape(len(raw), -1))
    out = {"score": var[:, 0]}
    for j, level in enumerate(grid.levels):
        out[var_column(level)] = var[:, j]
        out[es_column(level)] = es[:, j]
    return out


def training_scored(run: Run) -> tuple[int, int]:
    """(training samples with scores in predictions.csv, the run's training samples).

    A classification run with more than riskcore.train.TRAIN_SCORED training windows stores
    the scores of a seeded sample of them (scored_positions), so a view of training scores
    says "a sample of n of N" when the two differ; validation and test are always whole."""
    p = run.predictions
    scored = int((p["split"] == "train").sum()) if "split" in p else 0
    return scored, int(run.metrics.rows.get("train", scored))


def score(
    run: Run,
    primary: pd.DataFrame,
    macro: pd.DataFrame | None = None,
    sentiment: pd.DataFrame | None = None,
    model=None,
) -> Scored:
    """Predictions for every sample with a full window, and PSI drift against training."""
    from riskcore.batches import predict_scores
    from riskcore.ensemble import member_scores, spread
    from riskcore.train import feature_frame

    saved = saved_inputs(run, primary, macro, sentiment)
    panel, ends = saved.panel, saved.ends
    model = model or run.load_model()
    raw = predict_scores(model, panel, ends)
    values = reported(run, raw)
    scores = values["score"]
    out = pd.DataFrame(
        {
            "time": panel.time[ends] if panel.time is not None else pd.NaT,
            "entity": panel.entity[ends],
            "y_true": panel.y[ends],
            **values,
        }
    )
    if run.metrics.classification and "calibration" in run.state:
        out["score_raw"] = raw
    if run.config.task != "quantile":
        sd = spread(member_scores(model, panel, ends), run.calibrator().apply)
        if sd is not None:
            out[SPREAD_COLUMN] = sd
    if panel.time is None:
        out = out.drop(columns="time")
    reference = pd.read_csv(run.path / "reference.csv")
    current = feature_frame(panel, ends).assign(score=scores)
    drift = D.feature_psi(reference, current)
    return Scored(out, drift, panel, ends, saved.preprocessor)
