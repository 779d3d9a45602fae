"""Plotly figures that put several runs (or tuning trials) side by side: pure functions.

Each run brings its own test labels, so unlike riskcore.charts.results.roc_curves (several
models, one test set) the curves here take one (y, score) pair per run. Same template, colours
and labels mechanism as the results charts (riskcore.charts.base); metric intervals reuse
riskcore.charts.results.metric_comparison.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from riskcore.charts.base import (
    DEFAULT_LABELS,
    SEQUENCE,
    figure,
    legend_below,
    message,
    one_class,
    reference,
    unit_axes,
)
from riskcore.charts.results import pr_trace, roc_trace

COMPARE_LABELS: dict[str, str] = {
    "runs_roc_title": "ROC curves of the runs (test)",
    "runs_pr_title": "Precision–recall of the runs (test)",
    "runs_training_title": "Training curves of the runs (validation solid, train dotted)",
    "tuning_title": "Tuning trials: each line is one trial",
    "trial": "Trial",
}

Curves = Mapping[str, tuple[np.ndarray, np.ndarray]]  # run name -> (y_true, score)


def _lab(labels: Mapping[str, str] | None) -> dict[str, str]:
    return {**DEFAULT_LABELS, **COMPARE_LABELS, **(labels or {})}


# Scenarios by position: blue, orange, green, purple, slate (no grey: the base case is grey)
PALETTE: tuple[str, ...] = tuple(c for i, c in enumerate(SEQUENCE) if i != 1)


def _colour(position: int) -> str:
    """Runs by position, in the colours charts.metric_comparison gives them on the same tab."""
    return SEQUENCE[position % len(SEQUENCE)]


def roc_overlay(curves: Curves, labels: Mapping[str, str] | None = None) -> go.Figure:
    """One ROC curve per run with its AUC in the legend, against the chance diagonal.

    Label keys: runs_roc_title, fpr, tpr, chance, roc_legend ({name}, {auc}), one_class.
    """
    lab = _lab(labels)
    fig = figure(lab["runs_roc_title"], lab["fpr"], lab["tpr"])
    fig.add_trace(reference([0, 1], [0, 1], lab["chance"]))
    return _overlay(fig, curves, roc_trace, lab["roc_legend"], lab)


def pr_overlay(curves: Curves, labels: Mapping[str, str] | None = None) -> go.Figure:
    """One precision-recall curve per run, with its average precision in the legend.

    Label keys: runs_pr_title, recall, precision, pr_legend ({name}, {ap}), one_class.
    """
    lab = _lab(labels)
    fig = figure(lab["runs_pr_title"], lab["recall"], lab["precision"])
    return _overlay(fig, curves, pr_trace, lab["pr_legend"], lab)


def _overlay(fig: go.Figure, curves: Curves, trace, legend: str, lab: dict) -> go.Figure:
    """One curve per run (`trace`: roc_trace or pr_trace) in the run's colour; runs whose test
    split holds one class are left out, and a figure with none says so."""
    drawn = 0
    for i, (name, (y, score)) in enumerate(curves.items()):
        y, score = np.asarray(y, dtype=float), np.asarray(score, dtype=float)
        if one_class(y):
            continue
        fig.add_trace(trace(y, score, name, legend, _colour(i)))
        drawn += 1
    if not drawn:
        return message(fig, lab["one_class"])
    unit_axes(fig)
    return legend_below(fig)


def training_overlay(
    histories: Mapping[str, pd.DataFrame], labels: Mapping[str, str] | None = None
) -> go.Figure:
    """Loss per epoch of every run: validation solid, train dotted, one colour per run.

    Label keys: runs_training_title, epoch, loss, train, validation, no_data.
    """
    lab = _lab(labels)
    fig = figure(lab["runs_training_title"], lab["epoch"], lab["loss"])
    if not any(h is not None and not h.empty for h in histories.values()):
        return message(fig, lab["no_data"])
    for i, (name, history) in enumerate(histories.items()):
        if history is None or history.empty:
            continue
        epochs = history["epoch"] if "epoch" in history else np.arange(1, len(history) + 1)
        for column, dash, split in (("val_loss", "solid", "validation"), ("loss", "dot", "train")):
            if column in history:
                fig.add_trace(
                    go.Scatter(
                        x=epochs,
                        y=history[column],
                        name=f"{name} · {lab[split]}",
                        legendgroup=name,
                        mode="lines+markers",
                        marker={"size": 4},
                        line={"color": _colour(i), "dash": dash, "width": 2},
                    )
                )
    longest = max(len(h) for h in histories.values() if h is not None)
    fig.update_xaxes(dtick=1 if longest <= 12 else None)  # whole epochs only
    return legend_below(fig)


def tuning_parallel(
    table: pd.DataFrame, metric: str, labels: Mapping[str, str] | None = None
) -> go.Figure:
    """Parallel coordinates of the finished trials: one axis per parameter, then the metric.

    `table` is TuningResult.table (trial, params..., value, run_id, state, error); text
    parameters (cell) get one tick per choice. Lines are coloured by the metric.
    Label keys: tuning_title, trial, no_data, and the metric's key (roc_auc or rmse).
    """
    lab = _lab(labels)
    fig = figure(lab["tuning_title"])
    done = table[(table["state"] == "complete") & table["value"].notna()]
    if done.empty:
        return message(fig, lab["no_data"])
    fixed = {"trial", "value", "run_id", "state", "error"}
    dims = [{"label": lab["trial"], "values": done["trial"].to_numpy()}]
    for name in [c for c in table.columns if c not in fixed]:
        column = done[name]
        if not pd.api.types.is_numeric_dtype(column):  # text choices (cell): one tick each
            levels = sorted(column.astype(str).unique())
            codes = column.astype(str).map({v: k for k, v in enumerate(levels)})
            dims.append(
                {
                    "label": name,
                    "values": codes.to_numpy(),
                    "tickvals": list(range(len(levels))),
                    "ticktext": levels,
                }
            )
        else:
            dims.append({"label": name, "values": column.to_numpy(dtype=float)})
    values = done["value"].to_numpy(dtype=float)
    dims.append({"label": lab.get(metric, metric), "values": values})
    fig.add_trace(
        go.Parcoords(
            dimensions=dims,
            line={"color": values, "colorscale": "Viridis", "showscale": True},
        )
    )
    fig.update_layout(margin={"l": 64, "r": 64, "t": 96, "b": 32})
    return fig
