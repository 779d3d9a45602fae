"""What every chart of the app shares: colours, the Plotly template, English labels, helpers.

The figure factories of riskcore.charts (results, explain, compare, scenarios, monitor) all draw
on this module and on nothing of each other's, apart from compare's palette, which the scenario
charts reuse: one template so every chart looks like the others, one colour per model and
class, and one flat label mapping (DEFAULT_LABELS, English) that a caller's translated labels
are laid over. The helpers start a figure, say why it is empty, and draw reference lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

COLOURS: dict[str, str] = {
    "model": "#1f4e79",
    "logistic": "#8c96a3",
    "gbm": "#e08a1e",
    "benchmark": "#16a085",
    "model_raw": "#7fa7cf",
    "event": "#c0392b",
    "non_event": "#3a7ca5",
    "reference": "#a0a7b1",
    "threshold": "#374151",
    "validation": "#f4d58d",
    "test": "#c9b6e4",
    "stable": "#2e8b57",
    "moderate": "#e6a23c",
    "major": "#c0392b",
}
# Colours by position, for model names other than model / logistic / gbm (e.g. translated ones):
# the UI passes the three in that order, so they keep their colours.
SEQUENCE: tuple[str, ...] = (
    COLOURS["model"],
    COLOURS["logistic"],
    COLOURS["gbm"],
    "#16a085",
    "#8e44ad",
    "#2c3e50",
)

# Margins that hold an axis's tick labels and title. Set on each figure's own layout, not only
# its template: Streamlit's theme replaces the template's margins with 0 at the sides, and
# Plotly's automargin then draws every chart twice (once to measure the labels, once to make
# room for them), which doubled the cost of each redraw of the risk timeline.
MARGIN = {"l": 88, "r": 24, "t": 72, "b": 72}

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": "Inter, 'Noto Sans SC', 'Microsoft YaHei', sans-serif", "size": 12},
        colorway=list(SEQUENCE),
        paper_bgcolor="white",
        plot_bgcolor="white",
        height=380,
        margin=MARGIN,
        title={"x": 0.01, "xanchor": "left", "y": 0.97, "yanchor": "top", "font": {"size": 15}},
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.02,
            "yanchor": "bottom",
            "bgcolor": "rgba(0,0,0,0)",
        },
        xaxis={"gridcolor": "#eceff3", "linecolor": "#c8ced6", "zeroline": False},
        yaxis={"gridcolor": "#eceff3", "linecolor": "#c8ced6", "zeroline": False},
        hoverlabel={"font": {"size": 12}},
    )
)

DEFAULT_LABELS: dict[str, str] = {
    # shared
    "model": "Deep model",
    "logistic": "Logistic regression",
    "gbm": "Gradient boosting",
    "benchmark": "Best single input",
    "historical": "Historical simulation",
    "garch": "GARCH(1,1)-t",
    "fhs": "Filtered historical simulation",
    "model_raw": "Deep model, raw score",
    "event": "Event",
    "non_event": "No event",
    "train": "Train",
    "validation": "Validation",
    "test": "Test",
    "score": "Risk score",
    "threshold_line": "Threshold {value:.2f}",
    "count": "Count",
    "no_data": "No data to show",
    "date_day": "%b %-d",
    "date_month": "%b %Y",
    "date_year": "%Y",
    "date_hover": "%Y-%m-%d",
    "one_class": "Needs both events and non-events",
    # metric names
    "roc_auc": "ROC-AUC",
    "pr_auc": "PR-AUC",
    "ks": "KS",
    "gini": "Gini",
    "brier": "Brier score",
    "log_loss": "Log loss",
    "auc": "AUC",
    "rmse": "RMSE",
    "mae": "MAE",
    "r2": "R²",
    # training_curves
    "training_title": "Training curves",
    "epoch": "Epoch",
    "loss": "Loss",
    "waiting": "Waiting for the first epoch",
    # roc_curves
    "roc_title": "ROC curve",
    "fpr": "False positive rate",
    "tpr": "True positive rate",
    "chance": "Chance",
    "roc_legend": "{name} (AUC {auc:.3f})",
    # pr_curves
    "pr_title": "Precision–recall",
    "recall": "Recall",
    "precision": "Precision",
    "pr_baseline": "Event rate {rate:.1%}",
    "pr_legend": "{name} (AP {ap:.3f})",
    # ks_curve
    "ks_title": "KS curve",
    "threshold": "Score threshold",
    "cum_share": "Cumulative share",
    "cum_events": "Events",
    "cum_non_events": "Non-events",
    "ks_marker": "KS {ks:.3f}",
    # calibration_curve
    "calibration_title": "Calibration",
    "mean_score": "Mean predicted score",
    "event_rate": "Observed event rate",
    "perfect": "Perfect calibration",
    # score_distribution
    "distribution_title": "Score distribution",
    "class_share": "Share of class (%)",
    # lift_chart
    "gains_title": "Cumulative gains",
    "population_share": "Share of population, riskiest first",
    "events_captured": "Share of events captured",
    "gains": "Model",
    "random": "Random",
    "lift": "Lift",
    # confusion_matrix
    "confusion_title": "Confusion matrix",
    "predicted": "Predicted",
    "actual": "Actual",
    # metric_comparison
    "comparison_title": "Test metrics, 95% CI",
    "metric": "Metric",
    "value": "Value",
    # risk_timeline
    "timeline_title": "Risk over time: {entity}",
    "time": "Date",
    "actual_event": "Actual event",
    "model_uncertainty": "Score ± spread across networks",
    # predicted_vs_actual, residuals
    "pva_title": "Predicted vs actual",
    "predictions": "Predictions",
    "identity": "Perfect prediction",
    "residuals_title": "Residuals",
    "residual": "Actual − predicted",
    # psi_bars
    "psi_title": "Feature drift (PSI)",
    "psi": "PSI",
    "feature": "Feature",
    "psi_stable": "Stable (< 0.1)",
    "psi_moderate": "Moderate (0.1–0.25)",
    "psi_major": "Major (≥ 0.25)",
}


def figure(title: str, x_title: str = "", y_title: str = "", **layout: Any) -> go.Figure:
    """A figure in the shared template, so every chart looks like the others."""
    fig = go.Figure(
        layout={
            "template": TEMPLATE,
            "title": {"text": title},
            "margin": MARGIN,
            "xaxis": {"title": {"text": x_title}},
            "yaxis": {"title": {"text": y_title}},
        }
    )  # in one go: each update_* call costs about a millisecond, on every rerun that draws
    if layout:
        fig.update_layout(**layout)
    return fig


def level_line(
    fig: go.Figure,
    axis: str,
    value: float,
    line: dict,
    label: str = "",
    right: bool = False,
    below: bool = False,
    **annotation: Any,
) -> None:
    """A line across the plot at `value` on `axis` ("x": vertical, "y": horizontal), its label at
    the top (a horizontal line's: above it, or `below`), left or right of it: what
    fig.add_vline / add_hline draw, as plain shapes. Those helpers take about 5 ms a line to
    work out the axes they span, on every redraw of the risk timeline and the threshold
    charts; here they are named."""
    across = {"x": "y", "y": "x"}[axis]
    fig.add_shape(
        type="line",
        line=line,
        **{f"{axis}ref": axis, f"{axis}0": value, f"{axis}1": value},
        **{f"{across}ref": f"{across} domain", f"{across}0": 0, f"{across}1": 1},
    )
    if not label:
        return
    if axis == "x":  # at the top, beside the line
        place = {"x": value, "xref": "x", "xanchor": "left" if right else "right"}
        place |= {"y": 1, "yref": "y domain", "yanchor": "top"}
    else:  # above the line, at one end
        place = {
            "x": 1 if right else 0,
            "xref": "x domain",
            "xanchor": "right" if right else "left",
        }
        place |= {"y": value, "yref": "y", "yanchor": "top" if below else "bottom"}
    fig.add_annotation(text=label, showarrow=False, **place, **annotation)


def period_band(fig: go.Figure, x0: Any, x1: Any, colour: str, label: str = "", **style) -> None:
    """A shaded span of x under the data, its label at its top left (fig.add_vrect's drawing,
    without its cost: see level_line)."""
    band = {"fillcolor": colour, "layer": "below", "line": {"width": 0}} | style
    fig.add_shape(type="rect", xref="x", x0=x0, x1=x1, yref="y domain", y0=0, y1=1, **band)
    if label:
        place = {"x": x0, "xref": "x", "xanchor": "left", "y": 1, "yref": "y domain"}
        fig.add_annotation(text=label, showarrow=False, yanchor="top", **place)


def message(fig: go.Figure, text: str) -> go.Figure:
    """Put a centred note on a figure that has nothing to plot (yet), with the axes hidden."""
    fig.add_annotation(
        text=text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font={"size": 14}
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def reference(x: Sequence[float], y: Sequence[float], name: str) -> go.Scatter:
    """A grey dashed reference line (chance, perfect calibration, identity)."""
    return go.Scatter(
        x=list(x),
        y=list(y),
        name=name,
        mode="lines",
        line={"color": COLOURS["reference"], "dash": "dash", "width": 1.5},
        hoverinfo="skip",
    )


def one_class(y: np.ndarray) -> bool:
    """Ranking curves are undefined when the split holds only events or only non-events."""
    return np.unique(y[np.isfinite(y)]).size < 2


def unit_axes(fig: go.Figure, percent: bool = False) -> None:
    """Both axes over [0, 1], ticked every 0.2 (every 20%) up to and with the top tick: a
    range ending at 1 exactly lets Plotly drop the 1 (or 100%) that a reader looks for, so
    the range reaches a little beyond both ends."""
    ticks = {"tick0": 0, "dtick": 0.2, "tickformat": ".0%" if percent else None}
    # "100%" is wider than the room right of the plot; Plotly hides a label that overflows
    fig.update_xaxes(range=[-0.01, 1.015], constrain="domain", ticklabeloverflow="allow", **ticks)
    fig.update_yaxes(range=[-0.01, 1.03], **ticks)


# Plotly writes dates in English ("Jan 2021") whatever the page's language: date axes are
# formatted from labels instead, at each zoom level (Plotly's tickformatstops).


def date_axis(fig: go.Figure, labels: dict[str, str], axis: str = "x") -> None:
    """Date ticks and hover dates in the labels' language (keys date_day, date_month,
    date_year, date_hover)."""
    stops = [
        {"dtickrange": [None, "M1"], "value": labels["date_day"]},
        {"dtickrange": ["M1", "M12"], "value": labels["date_month"]},
        {"dtickrange": ["M12", None], "value": labels["date_year"]},
    ]
    update = fig.update_xaxes if axis == "x" else fig.update_yaxes
    update(type="date", tickformatstops=stops, hoverformat=labels["date_hover"])


PAIRED_HEIGHT = 480  # a chart with its legend below, and the chart beside it on the page


def legend_below(fig: go.Figure) -> go.Figure:
    """The legend under the plot, for a chart with no corner its data always leave empty
    (calibration points can sit anywhere in the unit square) or with names too long for the
    space above it (run ids, scenario names)."""
    fig.update_layout(
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -0.22, "yanchor": "top"},
        margin={"t": 48, "b": 200},  # two rows of legend under the axis title
        height=PAIRED_HEIGHT,
    )
    return fig


def legend_inside(fig: go.Figure, corner: str) -> None:
    """A legend of four or five models above the plot runs into the title: put it in the
    corner of the unit square that the curves leave empty."""
    right, bottom = "right" in corner, "bottom" in corner
    fig.update_layout(
        legend={
            "orientation": "v",
            "x": 0.98 if right else 0.02,
            "xanchor": "right" if right else "left",
            "y": 0.02 if bottom else 0.98,
            "yanchor": "bottom" if bottom else "top",
            "bgcolor": "rgba(255,255,255,0.85)",
        },
        margin={"t": 48},
    )
