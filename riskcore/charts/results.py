"""Plotly figures of a run's results: training curves, ROC / PR / KS, calibration, timelines.

Pure functions of run results, so pages stay thin and charts testable. Nothing here imports
streamlit or tensorflow. Every string a user sees comes from the `labels` argument, a flat
mapping laid over `DEFAULT_LABELS` (English), so the UI passes one translated dict to every
function; the keys each function reads are listed in its docstring. Legend names that hold
numbers are format templates ("{name} (AUC {auc:.3f})") so a translation can reorder them.
All figures share riskcore.charts.base's `TEMPLATE` and the colours in `COLOURS`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from riskcore import metrics
from riskcore.charts.base import (
    COLOURS,
    DEFAULT_LABELS,
    MARGIN,
    PAIRED_HEIGHT,
    SEQUENCE,
    TEMPLATE,
    date_axis,
    figure,
    legend_below,
    legend_inside,
    level_line,
    message,
    one_class,
    period_band,
    reference,
    unit_axes,
)
from riskcore.store import SPREAD_COLUMN
from riskcore.summaries import Curve, Histogram, score_histogram

ArrayLike = np.ndarray | pd.Series | Sequence[float]

PSI_BANDS = ("stable", "moderate", "major")  # below, between and above PSI_CUTS
PSI_CUTS = (0.1, 0.25)
TRAINING_METRICS = ("auc", "pr_auc", "rmse", "mae")


# ---------------------------------------------------------------- shared helpers


def _labels(labels: Mapping[str, str] | None) -> dict[str, str]:
    return {**DEFAULT_LABELS, **(labels or {})}


def _colour(name: str, position: int) -> str:
    return COLOURS.get(name, SEQUENCE[position % len(SEQUENCE)])


def _threshold_line(fig: go.Figure, value: float, lab: Mapping[str, str], axis: str) -> None:
    """A dark dashed threshold line, vertical (axis="x") or horizontal (axis="y"), labelled."""
    level_line(
        fig,
        axis,
        value,
        line={"color": COLOURS["threshold"], "dash": "dash", "width": 1.5},
        label=lab["threshold_line"].format(value=value),
        right=axis == "x",
        font={"color": COLOURS["threshold"]},
        bgcolor="rgba(255,255,255,0.8)",  # readable where a score line crosses it
    )


# ---------------------------------------------------------------- training


def training_curves(history: pd.DataFrame, labels: Mapping[str, str] | None = None) -> go.Figure:
    """Loss and one metric per epoch, train solid and validation dashed.

    Works on the partial history streamed during training (a single row shows as markers) and on
    an empty one (a "waiting" note), so the live chart can be drawn from the first poll.
    Label keys: training_title, epoch, loss, train, validation, waiting, and the metric's own
    key (auc, pr_auc, rmse or mae).
    """
    lab = _labels(labels)
    if history is None or history.empty:
        return message(figure(lab["training_title"]), lab["waiting"])
    if "member" in history and history["member"].nunique() > 1:  # a seed ensemble: the mean
        history = history.groupby("epoch", as_index=False).mean(numeric_only=True)
    epochs = history["epoch"] if "epoch" in history else pd.Series(range(1, len(history) + 1))
    metric = next((m for m in TRAINING_METRICS if m in history), None)
    panels = ["loss"] + ([metric] if metric else [])
    fig = make_subplots(rows=1, cols=len(panels), horizontal_spacing=0.12)
    fig.update_layout(template=TEMPLATE, title_text=lab["training_title"], margin=MARGIN)
    for col, key in enumerate(panels, start=1):
        for split, dash in (("train", "solid"), ("validation", "dash")):
            column = key if split == "train" else f"val_{key}"
            if column not in history or history[column].isna().all():
                continue
            fig.add_trace(
                go.Scatter(
                    x=epochs,
                    y=history[column],
                    name=lab[split],
                    legendgroup=split,
                    showlegend=col == 1,
                    mode="lines+markers",
                    marker={"size": 5},
                    line={"color": COLOURS["model"], "dash": dash, "width": 2},
                ),
                row=1,
                col=col,
            )
        # whole epochs only: with few epochs plotly would otherwise tick 1.5, 2.5
        fig.update_xaxes(
            title_text=lab["epoch"], dtick=1 if len(history) <= 12 else None, row=1, col=col
        )
        fig.update_yaxes(title_text=lab.get(key, key.upper()), row=1, col=col)
    return fig


# ---------------------------------------------------------------- classification curves
# Each chart has two faces: from raw arrays (y, scores), and from the tables a run's summary
# keeps (riskcore.summaries), which is what the Results page draws. The first computes the
# tables and calls the second, so both draw the same figure.


def roc_trace_of(curve: Curve, name: str, legend: str, colour: str) -> go.Scatter:
    """One model's ROC curve from its table; `legend` is formatted with {name} and {auc}."""
    table, line = curve.table, {"color": colour, "width": 2}
    name = legend.format(name=name, auc=curve.area)
    return go.Scatter(x=table["fpr"], y=table["tpr"], name=name, mode="lines", line=line)


def pr_trace_of(curve: Curve, name: str, legend: str, colour: str) -> go.Scatter:
    """One model's precision-recall curve from its table; `legend` gets {name} and {ap}."""
    table, line = curve.table, {"color": colour, "width": 2, "shape": "hv"}
    name = legend.format(name=name, ap=curve.area)
    return go.Scatter(x=table["recall"], y=table["precision"], name=name, mode="lines", line=line)


def roc_of(y: np.ndarray, score: ArrayLike) -> Curve:
    """The thinned ROC table and the ROC-AUC of all rows."""
    return Curve(*metrics.roc_curve_summary(y, score))


def pr_of(y: np.ndarray, score: ArrayLike) -> Curve:
    """The thinned precision-recall table and the average precision of all rows."""
    return Curve(*metrics.pr_curve_summary(y, score))


def roc_trace(y: np.ndarray, score: ArrayLike, name: str, legend: str, colour: str) -> go.Scatter:
    """One model's ROC curve; `legend` is formatted with its {name} and {auc}."""
    return roc_trace_of(roc_of(y, score), name, legend, colour)


def pr_trace(y: np.ndarray, score: ArrayLike, name: str, legend: str, colour: str) -> go.Scatter:
    """One model's precision-recall curve; `legend` is formatted with its {name} and {ap}."""
    return pr_trace_of(pr_of(y, score), name, legend, colour)


def _named(curves: Mapping[str, Any], lab: Mapping[str, str]) -> Iterator[tuple[str, Any, str]]:
    """(display name, value, colour) per model key, in the caller's order."""
    for i, (key, value) in enumerate(curves.items()):
        yield lab.get(key, key), value, _colour(key, i)


def roc_curves(
    y: ArrayLike, scores: Mapping[str, ArrayLike], labels: Mapping[str, str] | None = None
) -> go.Figure:
    """One ROC curve per model with its AUC in the legend, against the chance diagonal.

    Label keys: roc_title, fpr, tpr, chance, roc_legend ({name}, {auc}), one_class, and each
    model name (model, logistic, gbm; other names are shown as given).
    """
    y = np.asarray(y, dtype=float)
    if one_class(y):
        return roc_chart({}, labels, one_class=True)
    return roc_chart({m: roc_of(y, s) for m, s in scores.items()}, labels)


def roc_chart(
    curves: Mapping[str, Curve], labels: Mapping[str, str] | None = None, one_class: bool = False
) -> go.Figure:
    """roc_curves from each model's Curve (riskcore.summaries), in the caller's order."""
    lab = _labels(labels)
    fig = figure(lab["roc_title"], lab["fpr"], lab["tpr"])
    if one_class:
        return message(fig, lab["one_class"])
    fig.add_trace(reference([0, 1], [0, 1], lab["chance"]))
    for name, curve, colour in _named(curves, lab):
        fig.add_trace(roc_trace_of(curve, name, lab["roc_legend"], colour))
    unit_axes(fig)
    legend_inside(fig, "bottom right")
    return fig


def pr_curves(
    y: ArrayLike, scores: Mapping[str, ArrayLike], labels: Mapping[str, str] | None = None
) -> go.Figure:
    """One precision-recall curve per model, against the event rate (what guessing achieves).

    The legend's AP (average precision) is the PR-AUC of metrics.json.
    Label keys: pr_title, recall, precision, pr_baseline ({rate}), pr_legend ({name}, {ap}),
    one_class, and each model name.
    """
    y = np.asarray(y, dtype=float)
    rate = float(np.mean(y == 1))
    if one_class(y):
        return pr_chart({}, rate, labels, one_class=True)
    return pr_chart({m: pr_of(y, s) for m, s in scores.items()}, rate, labels)


def pr_chart(
    curves: Mapping[str, Curve],
    rate: float,
    labels: Mapping[str, str] | None = None,
    one_class: bool = False,
) -> go.Figure:
    """pr_curves from each model's Curve and the test event rate."""
    lab = _labels(labels)
    fig = figure(lab["pr_title"], lab["recall"], lab["precision"])
    if one_class:
        return message(fig, lab["one_class"])
    fig.add_trace(reference([0, 1], [rate, rate], lab["pr_baseline"].format(rate=rate)))
    for name, curve, colour in _named(curves, lab):
        fig.add_trace(pr_trace_of(curve, name, lab["pr_legend"], colour))
    unit_axes(fig)
    legend_inside(fig, "bottom left")
    return fig


def ks_curve(y: ArrayLike, score: ArrayLike, labels: Mapping[str, str] | None = None) -> go.Figure:
    """Cumulative shares of events and non-events by threshold, the KS gap marked where widest.

    Label keys: ks_title, threshold, cum_share, cum_events, cum_non_events, ks_marker ({ks}),
    one_class.
    """
    y = np.asarray(y, dtype=float)
    if one_class(y):
        return ks_chart(None, labels)
    return ks_chart(metrics.ks_curve_table(y, np.asarray(score, dtype=float)), labels)


def ks_chart(table: pd.DataFrame | None, labels: Mapping[str, str] | None = None) -> go.Figure:
    """ks_curve from metrics.ks_curve_table (None: the split has one class)."""
    lab = _labels(labels)
    fig = figure(f"{lab['ks_title']} · {lab['model']}", lab["threshold"], lab["cum_share"])
    if table is None:
        return message(fig, lab["one_class"])
    for column, colour in (("cum_events", "event"), ("cum_non_events", "non_event")):
        fig.add_trace(
            go.Scatter(
                x=table["threshold"],
                y=table[column],
                name=lab[column],
                mode="lines",
                line={"color": COLOURS[colour], "width": 2},
            )
        )
    gap = (table["cum_events"] - table["cum_non_events"]).abs()
    at = table.loc[gap.idxmax()]
    fig.add_trace(
        go.Scatter(
            x=[at["threshold"]] * 2,
            y=[at["cum_events"], at["cum_non_events"]],
            name=lab["ks_marker"].format(ks=gap.max()),
            mode="lines+markers+text",
            text=["", lab["ks_marker"].format(ks=gap.max())],
            textposition="middle right",
            line={"color": COLOURS["threshold"], "dash": "dot", "width": 2},
            marker={"size": 7},
        )
    )
    unit_axes(fig)
    fig.update_layout(height=PAIRED_HEIGHT)  # beside the calibration chart on Results
    return fig


def calibration_curve(
    y: ArrayLike,
    scores: Mapping[str, ArrayLike],
    bins: int = 10,
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """Observed event rate against mean score per bin; marker area shows how many rows back it.

    A key ending in "_raw" (the score before calibration) is drawn dotted beside its calibrated
    twin, so the analyst sees what calibration changed.
    Label keys: calibration_title, mean_score, event_rate, perfect, count, and each model name.
    """
    y = np.asarray(y)
    tables = {
        key: metrics.calibration_table(y, np.asarray(score, dtype=float), bins=bins)
        for key, score in scores.items()
    }
    return calibration_chart(tables, labels)


def calibration_chart(
    tables: Mapping[str, pd.DataFrame], labels: Mapping[str, str] | None = None
) -> go.Figure:
    """calibration_curve from each model's metrics.calibration_table."""
    lab = _labels(labels)
    fig = figure(lab["calibration_title"], lab["mean_score"], lab["event_rate"])
    fig.add_trace(reference([0, 1], [0, 1], lab["perfect"]))
    for (key, table), (name, _, colour) in zip(tables.items(), _named(tables, lab), strict=True):
        counts = table["count"].to_numpy(dtype=float)
        fig.add_trace(
            go.Scatter(
                x=table["mean_score"],
                y=table["event_rate"],
                name=name,
                mode="lines+markers",
                line={"color": colour, "width": 2, "dash": "dot" if key.endswith("_raw") else None},
                marker={"size": 5 + 11 * np.sqrt(counts / max(counts.max(), 1)), "opacity": 0.8},
                customdata=counts,
                hovertemplate=(
                    f"{lab['mean_score']}: %{{x:.3f}}<br>{lab['event_rate']}: %{{y:.3f}}"
                    f"<br>{lab['count']}: %{{customdata:,.0f}}<extra>{name}</extra>"
                ),
            )
        )
    unit_axes(fig)
    legend_below(fig)
    return fig


def score_distribution(
    y: ArrayLike,
    score: ArrayLike,
    threshold: float | None = None,
    labels: Mapping[str, str] | None = None,
    bins: int = 40,
) -> go.Figure:
    """Score histograms of events and non-events on shared bins, each as a share of its class,
    so a rare event class stays visible; the threshold shows what a cut-off separates.

    Label keys: distribution_title, score, class_share, event, non_event, threshold_line.
    """
    return distribution_chart(score_histogram(y, score, bins), threshold, labels)


def distribution_chart(
    histogram: Histogram, threshold: float | None = None, labels: Mapping[str, str] | None = None
) -> go.Figure:
    """score_distribution from binned shares: the browser gets 2 x 40 bars, not every score."""
    lab = _labels(labels)
    edges = histogram.edges
    centres, widths = (edges[:-1] + edges[1:]) / 2, np.diff(edges)
    fig = figure(lab["distribution_title"], lab["score"], lab["class_share"], barmode="overlay")
    for value, key in ((0, "non_event"), (1, "event")):
        fig.add_trace(
            go.Bar(
                x=centres,
                y=histogram.shares[value],
                width=widths,
                name=lab[key],
                marker={"color": COLOURS[key], "line": {"width": 0}},
                opacity=0.6,
                customdata=np.c_[edges[:-1], edges[1:]],
                hovertemplate=(
                    f"{lab['score']}: %{{customdata[0]:.3f}}–%{{customdata[1]:.3f}}"
                    f"<br>{lab['class_share']}: %{{y:.1f}}<extra>{lab[key]}</extra>"
                ),
            )
        )
    fig.update_layout(bargap=0)
    if threshold is not None:
        _threshold_line(fig, float(threshold), lab, axis="x")
    return fig


def lift_chart(
    y: ArrayLike, score: ArrayLike, groups: int = 10, labels: Mapping[str, str] | None = None
) -> go.Figure:
    """Cumulative gains: the share of events caught when reviewing the riskiest x% first, against
    random review (the diagonal).

    Label keys: gains_title, population_share, events_captured, gains, random, lift, one_class.
    """
    y = np.asarray(y, dtype=float)
    if one_class(y):
        return gains_chart(None, labels)
    return gains_chart(metrics.lift_table(y, np.asarray(score, dtype=float), groups=groups), labels)


def gains_chart(table: pd.DataFrame | None, labels: Mapping[str, str] | None = None) -> go.Figure:
    """lift_chart from metrics.lift_table (None: the split has one class)."""
    lab = _labels(labels)
    title = f"{lab['gains_title']} · {lab['model']}"  # the deep model's: say so
    fig = figure(title, lab["population_share"], lab["events_captured"])
    if table is None:
        return message(fig, lab["one_class"])
    table = table.sort_values("decile")
    population = table["count"].cumsum() / table["count"].sum()
    fig.add_trace(reference([0, 1], [0, 1], lab["random"]))
    fig.add_trace(
        go.Scatter(
            x=np.r_[0.0, population],
            y=np.r_[0.0, table["cum_events_share"]],
            name=lab["model"],
            mode="lines+markers",
            line={"color": COLOURS["model"], "width": 2},
            customdata=np.r_[np.nan, table["cum_lift"]],
            hovertemplate=(
                f"{lab['population_share']}: %{{x:.0%}}<br>{lab['events_captured']}: %{{y:.1%}}"
                f"<br>{lab['lift']}: %{{customdata:.2f}}<extra></extra>"
            ),
        )
    )
    unit_axes(fig, percent=True)
    legend_inside(fig, "bottom right")
    return fig


def confusion_matrix(
    tp: int, fp: int, tn: int, fn: int, labels: Mapping[str, str] | None = None
) -> go.Figure:
    """Counts and shares of all rows at the chosen threshold; actual classes as rows.

    z is [[tn, fp], [fn, tp]]: rows actual (no event, event), columns predicted (same order).
    Label keys: confusion_title, predicted, actual, event, non_event.
    """
    lab = _labels(labels)
    z = np.array([[tn, fp], [fn, tp]], dtype=float)
    total = max(z.sum(), 1.0)
    text = [[f"{int(c):,}<br>{c / total:.1%}" for c in row] for row in z]
    classes = [lab["non_event"], lab["event"]]
    margin = {"l": 128, "b": 80}  # the class names and the axis title, in either language
    fig = figure(lab["confusion_title"], lab["predicted"], lab["actual"], margin=margin)
    fig.add_trace(
        go.Heatmap(
            z=z,
            x=classes,
            y=classes,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 14},
            colorscale=[[0, "#f3f6fa"], [1, COLOURS["model"]]],
            showscale=False,
            hoverinfo="skip",
        )
    )
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(side="bottom", showgrid=False)
    return fig


def metric_comparison(
    metrics_test: Mapping[str, Mapping[str, Any]],
    metric_keys: Sequence[str] = metrics.CLASSIFICATION_METRICS[:3],
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """The deep model beside its baselines, metric by metric, with bootstrap 95% intervals, so
    an analyst sees at a glance whether the gap is larger than the noise.

    `metrics_test` is the "test" part of metrics.json; models with no numbers are left out and a
    metric without `<key>_ci` gets no error bar.
    Label keys: comparison_title, metric, value, each metric key, and each model name.
    """
    lab = _labels(labels)
    fig = figure(lab["comparison_title"], lab["metric"], lab["value"], barmode="group")
    names = [lab.get(k, k) for k in metric_keys]
    for i, (model, values) in enumerate(metrics_test.items()):
        if not values:
            continue
        point = np.array([_number(values.get(k)) for k in metric_keys])
        ci = np.array([values.get(f"{k}_ci") or [np.nan, np.nan] for k in metric_keys], float)
        fig.add_trace(
            go.Bar(
                x=names,
                y=point,
                name=lab.get(model, model),
                marker={"color": _colour(model, i)},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": np.nan_to_num(ci[:, 1] - point),
                    "arrayminus": np.nan_to_num(point - ci[:, 0]),
                    "color": COLOURS["threshold"],
                    "thickness": 1.2,
                    "width": 4,
                },
                text=[f"{v:.3f}" if np.isfinite(v) else "" for v in point],
                textposition="inside",
                insidetextanchor="start",
            )
        )
    return fig


def _number(value: Any) -> float:
    return float(value) if value is not None else np.nan


# ---------------------------------------------------------------- predictions over time


def _times(pred: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(pred["time"], errors="coerce")


def _spread_band(fig: go.Figure, rows: pd.DataFrame, name: str) -> None:
    """A seed ensemble's score +- the members' spread, as a shaded band."""
    for sign, fill in ((1, None), (-1, "tonexty")):
        fig.add_trace(
            go.Scatter(
                x=rows["time"],
                y=rows["score"] + sign * rows[SPREAD_COLUMN],
                name=name,
                legendgroup="spread",
                showlegend=sign < 0,
                mode="lines",
                line={"width": 0},
                fill=fill,
                fillcolor="rgba(31, 119, 180, 0.18)",
                hoverinfo="skip",
            )
        )


EVENT_STRIP = (0.0, 0.05)  # the timeline's bottom band, where the events are marked


def _event_strip(fig: go.Figure, rows: pd.DataFrame, name: str) -> None:
    """The actual events as a red strip under the plot, one cell per date: the score line stays
    whole, and a run of event days reads as one bar. One image for the browser to draw, where
    a ring per event was an SVG node each (a few hundred per entity on the 1M run)."""
    event = np.where(rows["y_true"].to_numpy(dtype=float) == 1, 1.0, np.nan)
    fig.add_trace(
        go.Heatmap(
            x=rows["time"],
            y=[name],
            z=[event],
            yaxis="y2",
            name=name,
            showlegend=True,
            showscale=False,
            colorscale=[[0, COLOURS["event"]], [1, COLOURS["event"]]],
            hoverinfo="skip",
        )
    )
    fig.update_layout(
        xaxis={"anchor": "y2"},  # the dates under the strip, not across it
        yaxis={"domain": [EVENT_STRIP[1] + 0.04, 1]},
        yaxis2={"domain": list(EVENT_STRIP), "visible": False, "fixedrange": True},
    )


def risk_timeline(
    pred: pd.DataFrame,
    entity: Any,
    threshold: float | None = None,
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """One entity's score over time, its actual events in red, the validation and test periods
    shaded, so an analyst sees whether warnings came before events and where the model was
    tested on unseen dates.

    `pred` has the predictions.csv columns time, entity, split, y_true, score; entity None takes
    every row (a single series). Label keys: timeline_title ({entity}), time, score,
    actual_event, validation, test, threshold_line, no_data, model_uncertainty (the band of
    a seed ensemble's spread, when `pred` has model_sd).
    """
    lab = _labels(labels)
    rows = pred if entity is None else pred[pred["entity"].astype(str) == str(entity)]
    rows = rows.assign(time=_times(rows)).sort_values("time")
    fig = figure(
        lab["timeline_title"].format(entity="" if entity is None else entity),
        lab["time"],
        lab["score"],
        margin={"b": 96},  # the date ticks and title under the event strip
    )
    if rows.empty:
        return message(fig, lab["no_data"])
    if SPREAD_COLUMN in rows:  # a seed ensemble: score +- the networks' spread, drawn below
        _spread_band(fig, rows, lab["model_uncertainty"])
    _event_strip(fig, rows, lab["actual_event"])
    fig.add_trace(
        go.Scatter(
            x=rows["time"],
            y=rows["score"],
            name=lab["score"],
            mode="lines",
            line={"color": COLOURS["model"], "width": 1.8},
        )
    )
    for split in ("validation", "test"):
        period = rows.loc[rows["split"] == split, "time"]
        if not period.empty:
            period_band(fig, period.min(), period.max(), COLOURS[split], lab[split], opacity=0.35)
    if threshold is not None:
        _threshold_line(fig, float(threshold), lab, axis="y")
    date_axis(fig, lab)
    return fig


# ---------------------------------------------------------------- regression


def _scatter(x: np.ndarray, y: np.ndarray, name: str) -> go.Scattergl:
    """Points drawn with WebGL, so a test split of 100k rows stays responsive."""
    return go.Scattergl(
        x=x,
        y=y,
        name=name,
        mode="markers",
        marker={"color": COLOURS["model"], "size": 5, "opacity": 0.45},
    )


def predicted_vs_actual(
    y: ArrayLike, pred: ArrayLike, labels: Mapping[str, str] | None = None
) -> go.Figure:
    """Predictions against actual values, with the identity line a perfect model would sit on.

    Label keys: pva_title, actual, predicted, predictions, identity.
    """
    lab = _labels(labels)
    y, pred = np.asarray(y, dtype=float), np.asarray(pred, dtype=float)
    both = np.r_[y, pred]
    both = both[np.isfinite(both)]
    low, high = (float(both.min()), float(both.max())) if both.size else (0.0, 1.0)
    fig = figure(lab["pva_title"], lab["actual"], lab["predicted"])
    fig.add_trace(reference([low, high], [low, high], lab["identity"]))
    fig.add_trace(_scatter(y, pred, lab["predictions"]))
    return fig


def residuals(y: ArrayLike, pred: ArrayLike, labels: Mapping[str, str] | None = None) -> go.Figure:
    """Residuals (actual minus predicted) against the prediction: a funnel or a curve here means
    the errors depend on the level, which RMSE alone hides.

    Label keys: residuals_title, predicted, residual, predictions.
    """
    lab = _labels(labels)
    y, pred = np.asarray(y, dtype=float), np.asarray(pred, dtype=float)
    fig = figure(lab["residuals_title"], lab["predicted"], lab["residual"])
    fig.add_trace(_scatter(pred, y - pred, lab["predictions"]))
    level_line(fig, "y", 0, line={"color": COLOURS["reference"], "dash": "dash", "width": 1.5})
    return fig


# ---------------------------------------------------------------- drift


def psi_bars(drift: pd.DataFrame, labels: Mapping[str, str] | None = None) -> go.Figure:
    """PSI per feature, largest on top, coloured by the usual bands (< 0.1 stable, 0.1-0.25
    moderate, >= 0.25 major shift) with the two cut-offs drawn.

    Label keys: psi_title, psi, feature, psi_stable, psi_moderate, psi_major.
    """
    lab = _labels(labels)
    data = drift.sort_values("psi", ascending=True)
    band = pd.cut(data["psi"], [-np.inf, *PSI_CUTS, np.inf], right=False, labels=False)
    fig = figure(
        lab["psi_title"],
        lab["psi"],
        lab["feature"],
        height=max(360, 120 + 22 * len(data)),
    )
    for code, name in enumerate(PSI_BANDS):
        part = data[band == code]
        if not part.empty:
            fig.add_trace(
                go.Bar(
                    x=part["psi"],
                    y=part["feature"].astype(str),
                    name=lab[f"psi_{name}"],
                    orientation="h",
                    marker={"color": COLOURS[name]},
                )
            )
    for cut in PSI_CUTS:
        level_line(fig, "x", cut, line={"color": COLOURS["reference"], "dash": "dot", "width": 1})
    fig.update_yaxes(categoryorder="array", categoryarray=data["feature"].astype(str).tolist())
    return fig
