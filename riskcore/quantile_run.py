"""A quantile (VaR / ES) run's forecasts, metrics and predictions, beside the fitted network.

The comparators are the ones a market-risk desk already trusts, on the same split and the same
rows: historical simulation, GARCH(1,1) with Student-t innovations, filtered historical
simulation (riskcore.var_models), and gradient boosting with the quantile loss on the tabular
window features the classification baselines use. Only rows of the training period fit
anything (the GARCH parameters, the boosting); forecasts at t use returns up to t.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from riskcore.baselines import fit_quantile_gbm, quantile_gbm_predict
from riskcore.bootstrap import Resampling, mean_resamples
from riskcore.dataset import SPLITS, Dataset
from riskcore.quantiles import QuantileForecast, QuantileGrid, es_column, var_column
from riskcore.recommend import recommend
from riskcore.var_metrics import common_rows, evaluate_quantile, level_pinball
from riskcore.var_models import comparators

Forecasts = dict[str, dict[str, QuantileForecast]]  # split -> model -> forecast


def entity_starts(entity: np.ndarray) -> np.ndarray:
    """First row of each entity in the panel (rows are ordered by entity, then time)."""
    return np.flatnonzero(np.r_[True, entity[1:] != entity[:-1]]) if len(entity) else entity


def target_scale(y: np.ndarray, points: np.ndarray) -> tuple[float, float]:
    """Where the network's top quantile starts and the unit its steps are measured in."""
    y = y[np.isfinite(y)]
    return float(np.quantile(y, points[0])), float(np.std(y) or 1.0)


def quantile_forecasts(
    config, ds: Dataset, split: dict[str, np.ndarray], model, emit
) -> tuple[Forecasts, dict]:
    """Every model's VaR and ES per split, and what the comparators report about their fits."""
    from riskcore.batches import predict_scores

    grid = QuantileGrid.of(config.quantiles)
    panel = ds.panel
    out: Forecasts = {}
    for name in SPLITS:
        var, es = grid.split(predict_scores(model, panel, split[name]))
        out[name] = {"model": QuantileForecast(var, es)}
    emit({"type": "stage", "stage": "baselines", "done": 0, "total": 2})
    desk = comparators(
        ds.returns, entity_starts(panel.entity), config.horizon, list(grid.levels), ds.fit_rows()
    )
    info = {name: f.info for name, f in desk.items()}
    for name in SPLITS:
        for comparator, f in desk.items():
            out[name][comparator] = QuantileForecast(f.var[split[name]], f.es[split[name]])
    emit({"type": "stage", "stage": "baselines", "done": 1, "total": 2})
    x = {name: panel.tabular(split[name])[0] for name in SPLITS}
    gbm = fit_quantile_gbm(x["train"], panel.y[split["train"]], grid.points, config.training.seed)
    for name in SPLITS:
        out[name]["gbm"] = QuantileForecast(*grid.split(quantile_gbm_predict(gbm, x[name])))
    return out, info


def quantile_metrics(config, ds: Dataset, forecasts: Forecasts, info: dict, resampling) -> dict:
    """metrics.json of a quantile run (keys documented in README, "Quantile runs")."""
    panel = ds.panel
    levels = list(QuantileGrid.of(config.quantiles).levels)

    def evaluate(name: str, boot: Resampling | None) -> dict:
        ends = ds.splits[name]
        return evaluate_quantile(
            panel.y[ends], forecasts[name], levels, panel.entity[ends], panel.time[ends], boot
        )

    boot = resampling(config, ds, ds.splits["test"])
    test = evaluate("test", boot)
    validation = evaluate("validation", None)
    validation.pop("by_entity")
    recommended = _recommended(config, ds, forecasts["validation"], levels, validation, resampling)
    return {
        "task": "quantile",
        "quantiles": levels,
        "rows": {k: len(v) for k, v in ds.splits.items()},
        "by_entity": test.pop("by_entity"),
        "paired": test.pop("paired", {}),
        "test": test,
        "validation": validation,
        "intervals": boot.describe(),
        "calibration": None,
        "comparators": info,
        "warnings": [],
        "recommended": recommended,
    }


def _recommended(
    config, ds: Dataset, forecasts, levels, validation: dict, resampling
) -> dict | None:
    """The model to use by validation pinball loss (riskcore.recommend), on the rows every
    model forecasts, with the same block resamples of the validation dates for all."""
    ends = ds.splits["validation"]
    y = ds.panel.y[ends]
    keep = common_rows(y, forecasts)
    if not keep.any():
        return None
    losses = {
        name: level_pinball(y[keep], f.take(keep), levels).mean(axis=1)
        for name, f in forecasts.items()
    }
    samples = mean_resamples(losses, resampling(config, ds, ends).subset(keep))
    return recommend("pinball", {m: validation[m]["pinball"] for m in forecasts}, samples)


def quantile_predictions(
    config, ds: Dataset, split: dict[str, np.ndarray], forecasts: Forecasts
) -> pd.DataFrame:
    """predictions.csv: y_true (the forward return), `score` (the deep model's VaR at the
    lowest level), then var_<level>[_<model>] and es_<level>[_<model>] for every model."""
    levels = QuantileGrid.of(config.quantiles).levels
    panel = ds.panel
    parts = []
    for name in SPLITS:
        ends = split[name]
        columns = {
            "time": panel.time[ends],
            "entity": panel.entity[ends],
            "split": name,
            "y_true": panel.y[ends],
            "score": forecasts[name]["model"].headline,
        }
        for model, f in forecasts[name].items():
            for j, a in enumerate(levels):
                columns[var_column(a, model)] = f.var[:, j]
                columns[es_column(a, model)] = f.es[:, j]
        parts.append(pd.DataFrame({**columns, "row": ends}))
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["time", "entity"]).reset_index(drop=True)
