"""Plotly figures of a watched folder's record: drift and scores over time, pure functions.

They share riskcore.charts.base's template, colours and label mechanism (every text translatable).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from riskcore.charts.base import COLOURS, DEFAULT_LABELS, SEQUENCE, figure, level_line, message

MONITOR_LABELS: dict[str, str] = {
    "drift_title": "Drift against the training data, file by file (PSI)",
    "data_to": "Latest date in the file",
    "score_label": "Risk score",
    "mean_score_title": "Mean risk score of each file",
    "file_mean_score": "Mean score",
    "moderate": "moderate",
    "major": "major",
}
TOP_FEATURES = 6


def _lab(labels: Mapping[str, str] | None) -> dict[str, str]:
    return {**DEFAULT_LABELS, **MONITOR_LABELS, **(labels or {})}


def _date_axis(fig: go.Figure, when: pd.Series) -> None:
    """Dates on the time axis ("2026-10-30", the same in every language), never a clock: a
    single file, or files that share a date, would otherwise get an axis of hours. A short
    span gets one tick a day and a day of room on either side."""
    days = pd.to_datetime(when).dropna()
    axis: dict = {"type": "date", "tickformat": "%Y-%m-%d", "hoverformat": "%Y-%m-%d"}
    if len(days):
        lo, hi = days.min().normalize(), days.max().normalize()
        if (hi - lo) < pd.Timedelta(days=7):
            day = pd.Timedelta(days=1)
            axis.update(range=[lo - day, hi + day], dtick=86_400_000, tick0=lo)
    fig.update_xaxes(**axis)


def drift_over_time(drift: pd.DataFrame, labels: Mapping[str, str] | None = None) -> go.Figure:
    """PSI of the score and of the most drifted inputs per scored file, with the 0.1 / 0.25
    reading lines; `drift` is Monitor.drift (at, file, feature, psi)."""
    lab = _lab(labels)
    fig = figure(lab["drift_title"], lab["data_to"], lab["psi"], height=420)
    if drift.empty:
        return message(fig, lab["no_data"])
    inputs = drift[drift["feature"] != "score"]
    worst = inputs.groupby("feature")["psi"].max().nlargest(TOP_FEATURES).index.tolist()
    for i, feature in enumerate(["score", *worst]):
        part = drift[drift["feature"] == feature].sort_values("when", kind="stable")
        is_score = feature == "score"
        fig.add_trace(
            go.Scatter(
                x=part["when"],
                y=part["psi"],
                mode="lines+markers",
                name=lab["score_label"] if is_score else feature,
                text=part["file"],
                hovertemplate="%{text}: PSI %{y:.3f}<extra>%{fullData.name}</extra>",
                line={
                    "color": COLOURS["model"] if is_score else SEQUENCE[(i + 1) % len(SEQUENCE)],
                    "width": 3 if is_score else 1.5,
                },
            )
        )
    # the labels sit on the far sides of the gap between the lines (moderate below its line,
    # major above), so they never overlap however the axis is scaled
    for level, key, below in ((0.1, "moderate", True), (0.25, "major", False)):
        level_line(
            fig,
            "y",
            level,
            line={
                "color": COLOURS["event"] if key == "major" else COLOURS["reference"],
                "dash": "dot",
            },
            label=f"{level:g} {lab[key]}",
            below=below,
        )
    fig.update_layout(legend={"orientation": "h", "y": -0.25})
    _date_axis(fig, drift["when"])
    return fig


def mean_score_over_time(log: pd.DataFrame, labels: Mapping[str, str] | None = None) -> go.Figure:
    """The mean score of each scored file: is the portfolio getting riskier?"""
    lab = _lab(labels)
    fig = figure(lab["mean_score_title"], lab["data_to"], lab["file_mean_score"], height=320)
    ok = log.dropna(subset=["mean_score"]) if "mean_score" in log else log.iloc[0:0]
    ok = ok.sort_values("when", kind="stable")
    if ok.empty:
        return message(fig, lab["no_data"])
    fig.add_trace(
        go.Scatter(
            x=ok["when"],
            y=ok["mean_score"],
            mode="lines+markers",
            text=ok["file"],
            hovertemplate="%{text}: %{y:.3f}<extra></extra>",
            line={"color": COLOURS["model"]},
            showlegend=False,
        )
    )
    _date_axis(fig, ok["when"])
    fig.update_yaxes(rangemode="tozero")  # one file: no axis below zero around its point
    return fig
