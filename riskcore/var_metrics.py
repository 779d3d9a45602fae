"""metrics.json entries of a quantile (VaR / ES) run: pinball loss, breaches and backtests.

Every model is judged on the same rows: a comparator without a forecast on some rows (too
little history for historical simulation, a GARCH fit that failed for one entity) takes those
rows out for all models, and the entry says how many. The pinball loss and the breach rate get
the dependence-aware interval of design rule 3 (blocks of dates, every entity of a date
together), and the deep model's pinball loss minus each comparator's gets its paired interval
on the same resamples: that interval, through riskcore.verdict, decides "beats GARCH" or not.
"""

from __future__ import annotations

import math

import numpy as np

from riskcore.backtests import backtest_panel, pinball_rows
from riskcore.bootstrap import Resampling, mean_resamples, percentile_interval
from riskcore.quantiles import QuantileForecast, level_key

REFERENCE = "model"


def common_rows(y: np.ndarray, forecasts: dict[str, QuantileForecast]) -> np.ndarray:
    """Rows where the outcome and every model's VaR and ES are known."""
    ok = np.isfinite(y)
    for f in forecasts.values():
        ok &= np.isfinite(f.var).all(axis=1) & np.isfinite(f.es).all(axis=1)
    return ok


def level_pinball(y: np.ndarray, forecast: QuantileForecast, levels: list[float]) -> np.ndarray:
    """(n, len(levels)): each row's pinball loss at each level."""
    return np.column_stack([pinball_rows(y, forecast.var[:, j], a) for j, a in enumerate(levels)])


def evaluate_quantile(
    y: np.ndarray,
    forecasts: dict[str, QuantileForecast],
    levels: list[float],
    entities: np.ndarray,
    times: np.ndarray,
    resampling: Resampling | None,
) -> dict:
    """Per model: pinball loss (overall and per level), breach rate and the backtests per level
    (pooled over entities; per entity under "by_entity"); with `resampling`, 95% intervals and
    the paired differences against the deep model under "paired"."""
    keep = common_rows(y, forecasts)
    y, entities, times = y[keep], entities[keep], times[keep]
    forecasts = {name: f.take(keep) for name, f in forecasts.items()}
    out: dict = {}
    by_entity: dict = {}
    by_level = {name: level_pinball(y, f, levels) for name, f in forecasts.items()}
    losses = {name: loss.mean(axis=1) for name, loss in by_level.items()}  # mean over levels
    for name, f in forecasts.items():
        entry: dict = {
            "n": len(y),
            "excluded": int((~keep).sum()),
            "pinball": float(losses[name].mean()) if len(y) else math.nan,
            "pinball_by_level": {},
            "backtest": {},
        }
        by_entity[name] = {}
        for j, a in enumerate(levels):
            key = level_key(a)
            entry["pinball_by_level"][key] = float(by_level[name][:, j].mean())
            tested = backtest_panel(y, f.var[:, j], f.es[:, j], a, entities, times)
            entry["backtest"][key] = tested["pooled"]
            by_entity[name][key] = tested["by_entity"]
        out[name] = entry
    if resampling is not None and len(y):
        _add_intervals(out, y, forecasts, losses, levels, resampling.subset(keep))
    out["by_entity"] = by_entity
    return out


def _add_intervals(out, y, forecasts, losses, levels, resampling: Resampling) -> None:
    """Pinball and breach-rate intervals per model, and paired pinball differences."""
    values = {f"{name}|pinball": loss for name, loss in losses.items()}
    for name, f in forecasts.items():
        for j, a in enumerate(levels):
            values[f"{name}|{level_key(a)}"] = (y < f.var[:, j]).astype(float)
    samples = mean_resamples(values, resampling)
    for name in forecasts:
        out[name]["pinball_ci"] = list(percentile_interval(samples[f"{name}|pinball"]))
        for a in levels:
            key = level_key(a)
            interval = percentile_interval(samples[f"{name}|{key}"])
            out[name]["backtest"][key]["breach_rate_ci"] = list(interval)
    if REFERENCE not in forecasts:
        return
    out["paired"] = {}
    ref = samples[f"{REFERENCE}|pinball"]
    for name in forecasts:
        if name == REFERENCE:
            continue
        diff = out[REFERENCE]["pinball"] - out[name]["pinball"]
        delta = ref - samples[f"{name}|pinball"]
        out["paired"][name] = {"pinball": diff, "pinball_ci": list(percentile_interval(delta))}
