"""Charts of a quantile (VaR / ES) run: the backtest a market-risk desk reads first.

The return series with each model's VaR line, the deep model's expected shortfall and its
breaches, so an analyst sees where the tail was missed; and the breach rate of every model
against the level with its interval, the comparators side by side. Draws on base only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from riskcore.charts.base import (
    COLOURS,
    DEFAULT_LABELS,
    SEQUENCE,
    date_axis,
    figure,
    level_line,
    message,
)
from riskcore.quantiles import es_column, level_key, var_column

VAR_COLOURS: dict[str, str] = {
    "model": COLOURS["model"],
    "historical": "#8c96a3",
    "garch": "#8e44ad",
    "fhs": "#16a085",
    "gbm": COLOURS["gbm"],
}

VAR_LABELS: dict[str, str] = {
    "var_title": "Returns and {level} VaR: {entity}",
    "return": "Forward return",
    "realised": "Realised return",
    "var_line": "VaR {name}",
    "es_line": "ES {name}",
    "breach": "Breach ({name})",
    "breach_title": "Breach rate at the {level} level, 95% CI",
    "breach_rate": "Breach rate",
    "expected_rate": "Level {level}",
    "time": DEFAULT_LABELS["time"],
}


def _lab(labels: Mapping[str, str] | None) -> dict[str, str]:
    return {**DEFAULT_LABELS, **VAR_LABELS, **(labels or {})}


def _colour(name: str, position: int) -> str:
    return VAR_COLOURS.get(name, SEQUENCE[position % len(SEQUENCE)])


def var_backtest(
    pred: pd.DataFrame,
    entity: Any,
    level: float,
    models: Sequence[str] = ("model",),
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """One entity's test-period returns with each model's VaR at `level`, the first model's ES
    (dashed) and its breaches (return below its VaR) in red.

    `pred` holds the predictions.csv columns time, entity, split, y_true and var_/es_ columns;
    only test rows are drawn: the backtest is of the test period. entity None takes every row.
    """
    lab = _lab(labels)
    rows = pred[pred["split"] == "test"]
    if entity is not None:
        rows = rows[rows["entity"].astype(str) == str(entity)]
    rows = rows.assign(time=pd.to_datetime(rows["time"], errors="coerce")).sort_values("time")
    name = "" if entity is None else entity
    fig = figure(
        lab["var_title"].format(level=level_key(level), entity=name), lab["time"], lab["return"]
    )
    models = [m for m in models if var_column(level, m) in rows]
    if rows.empty or not models:
        return message(fig, lab["no_data"])
    fig.add_trace(
        go.Scatter(
            x=rows["time"],
            y=rows["y_true"],
            name=lab["realised"],
            mode="lines",
            line={"color": "#b8c0cc", "width": 1},
        )
    )
    for i, model in enumerate(models):
        shown = lab.get(model, model)
        fig.add_trace(
            go.Scatter(
                x=rows["time"],
                y=rows[var_column(level, model)],
                name=lab["var_line"].format(name=shown),
                mode="lines",
                line={"color": _colour(model, i), "width": 2.0 if i == 0 else 1.3},
            )
        )
    first = models[0]
    shown = lab.get(first, first)
    if es_column(level, first) in rows:
        fig.add_trace(
            go.Scatter(
                x=rows["time"],
                y=rows[es_column(level, first)],
                name=lab["es_line"].format(name=shown),
                mode="lines",
                line={"color": _colour(first, 0), "width": 1.2, "dash": "dash"},
            )
        )
    breached = rows[rows["y_true"] < rows[var_column(level, first)]]
    fig.add_trace(
        go.Scatter(
            x=breached["time"],
            y=breached["y_true"],
            name=lab["breach"].format(name=shown),
            mode="markers",
            marker={"color": COLOURS["event"], "size": 8, "symbol": "x"},
        )
    )
    fig.update_yaxes(tickformat=".1%")
    date_axis(fig, lab)
    fig.update_layout(height=420)
    return fig


def breach_rates(
    test: Mapping[str, Mapping],
    level: float,
    models: Sequence[str],
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """Each model's breach rate at `level` with its 95% interval, the level as a dashed line:
    a bar well above the line is a VaR that misses the tail, well below one that overstates it.

    `test` is metrics.json's test block of a quantile run.
    """
    lab = _lab(labels)
    key = level_key(level)
    fig = figure(lab["breach_title"].format(level=key), "", lab["breach_rate"])
    shown = [m for m in models if key in test.get(m, {}).get("backtest", {})]
    if not shown:
        return message(fig, lab["no_data"])
    rates, lo, hi = [], [], []
    for m in shown:
        bt = test[m]["backtest"][key]
        rate = float(bt["breach_rate"])
        a, b = bt.get("breach_rate_ci") or (np.nan, np.nan)
        rates.append(rate)
        lo.append(rate - a if np.isfinite(a) else 0.0)
        hi.append(b - rate if np.isfinite(b) else 0.0)
    fig.add_trace(
        go.Bar(
            x=[lab.get(m, m) for m in shown],
            y=rates,
            marker_color=[_colour(m, i) for i, m in enumerate(shown)],
            error_y={"type": "data", "array": hi, "arrayminus": lo, "color": "#374151"},
            showlegend=False,
            hovertemplate="%{x}: %{y:.2%}<extra></extra>",
        )
    )
    level_line(
        fig,
        "y",
        float(level),
        line={"color": COLOURS["threshold"], "dash": "dash", "width": 1.5},
        label=lab["expected_rate"].format(level=key),
    )
    fig.update_yaxes(tickformat=".1%", rangemode="tozero")
    return fig
