"""Plotly figures of the Data page: a column over time per entity, the event rate over time.

Pure functions of the uploaded table (and of riskcore.profile's event-rate table), drawn on
riskcore.charts.base's template and colours, every text from `labels` laid over DATA_LABELS
(English), as the other chart families do. Dates on the time axis are numeric ("2024-03"),
the same in every language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from riskcore.charts.base import COLOURS, DEFAULT_LABELS, SEQUENCE, figure, message, period_band

DATA_LABELS: dict[str, str] = {
    "lines_title": "{column} over time",
    "time": "Date",
    "all_rows": "All rows",
    "outside_range": "Outside the date range",
    "rate_title": "Event rate over time",
    "rate": "Event rate",
    "samples": "Samples",
    "events": "Events",
    "no_data": "No data to show",
}
MAX_LINES = 12  # entities drawn at once: more lines are unreadable


def _lab(labels: Mapping[str, str] | None) -> dict[str, str]:
    return {**DEFAULT_LABELS, **DATA_LABELS, **(labels or {})}


def _date_axis(fig: go.Figure) -> None:
    fig.update_xaxes(type="date", tickformat="%Y-%m", hoverformat="%Y-%m-%d")


def _shade_outside(fig: go.Figure, lo: Any, hi: Any, start: date | None, end: date | None, lab):
    """Grey bands over the dates the range leaves out, so the chart shows what is not used."""
    bands = []
    if start is not None and pd.Timestamp(start) > lo:
        bands.append((lo, pd.Timestamp(start)))
    if end is not None and pd.Timestamp(end) + pd.Timedelta(days=1) < hi:
        bands.append((pd.Timestamp(end) + pd.Timedelta(days=1), hi))
    for i, (x0, x1) in enumerate(bands):
        label = lab["outside_range"] if i == 0 else ""
        period_band(fig, x0, x1, COLOURS["reference"], label, opacity=0.25)


def column_lines(
    frame: pd.DataFrame,
    time: str,
    column: str,
    entity: str | None = None,
    entities: Sequence[Any] = (),
    start: date | None = None,
    end: date | None = None,
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """`column` over `time`, one line per entity (the first MAX_LINES of `entities`; every
    row as one line without an entity column), the dates outside start / end shaded.
    Label keys: lines_title ({column}), time, all_rows, outside_range, no_data."""
    lab = _lab(labels)
    fig = figure(lab["lines_title"].format(column=column), lab["time"], str(column))
    rows = frame[[c for c in (time, entity, column) if c]].copy()
    rows[column] = pd.to_numeric(rows[column], errors="coerce")
    rows[time] = pd.to_datetime(rows[time], errors="coerce")
    rows = rows.dropna(subset=[time]).sort_values(time, kind="stable")
    groups: list[tuple[str, pd.DataFrame]]
    if entity:
        wanted = [str(e) for e in entities][:MAX_LINES]
        keys = rows[entity].astype(str)
        groups = [(e, rows[keys == e]) for e in wanted]
    else:
        groups = [(lab["all_rows"], rows)]
    groups = [(name, part) for name, part in groups if part[column].notna().any()]
    if not groups:
        return message(fig, lab["no_data"])
    for i, (name, part) in enumerate(groups):
        fig.add_trace(
            go.Scatter(
                x=part[time],
                y=part[column],
                name=name,
                mode="lines",
                line={"width": 1.4, "color": SEQUENCE[i % len(SEQUENCE)]},
            )
        )
    _shade_outside(fig, rows[time].min(), rows[time].max(), start, end, lab)
    _date_axis(fig)
    fig.update_layout(showlegend=entity is not None)
    return fig


def event_rate_chart(
    rates: pd.DataFrame,
    cuts: Mapping[str, str | None] | None = None,
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """The event rate per period (riskcore.profile.event_rate_over_time: period, samples,
    events, rate) as a line over the samples per period as bars, the validation and test
    periods shaded from the split's cut dates. Label keys: rate_title, time, rate, samples,
    events, validation, test, no_data."""
    lab = _lab(labels)
    fig = figure(lab["rate_title"], lab["time"], lab["rate"])
    if rates.empty:
        return message(fig, lab["no_data"])
    fig.add_trace(
        go.Bar(
            x=rates["period"],
            y=rates["samples"],
            name=lab["samples"],
            yaxis="y2",
            marker={"color": COLOURS["reference"], "opacity": 0.35},
            hovertemplate=f"{lab['samples']}: %{{y:,}}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=rates["period"],
            y=rates["rate"],
            name=lab["rate"],
            mode="lines+markers",
            line={"color": COLOURS["event"], "width": 1.8},
            marker={"size": 4},
            customdata=rates[["events", "samples"]].to_numpy(),
            hovertemplate=(
                f"{lab['rate']}: %{{y:.1%}}<br>{lab['events']}: %{{customdata[0]:,}} / "
                "%{customdata[1]:,}<extra></extra>"
            ),
        )
    )
    cuts = cuts or {}
    step = rates["period"].diff().median()  # the last bar is centred on its period's start
    last = rates["period"].max() + (step / 2 if pd.notna(step) else pd.Timedelta(0))
    periods = {
        "validation": (cuts.get("validation"), cuts.get("test")),
        "test": (cuts.get("test"), None),
    }
    for split, (lo, hi) in periods.items():
        if lo is None:
            continue
        x1 = pd.Timestamp(hi) if hi is not None else last
        period_band(fig, pd.Timestamp(lo), x1, COLOURS[split], lab[split], opacity=0.35)
    fig.update_layout(
        yaxis={"tickformat": ".0%", "rangemode": "tozero"},
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "showgrid": False,
            "rangemode": "tozero",
            "title": {"text": lab["samples"]},
        },
        margin={"r": 64},
        bargap=0.1,
    )
    _date_axis(fig)
    return fig
