"""Charts of the validation checks (the Validate page): one factory per kind of check chart.

A check in validation.json names its chart (`kind`, the table it reads and its columns); these
functions draw it. Labels come from the caller's `label(key)` (the app's translations), so
nothing here is English-only.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from riskcore.charts.base import figure, level_line, message

Label = Callable[[str], str]
LIGHT_COLOUR = {"green": "#2e8b57", "amber": "#e6a23c", "red": "#c0392b", "none": "#9ca3af"}
MEAN_COLOUR = "#1f4e79"  # the mean PD beside bars coloured by light: a colour no light has
REFERENCE_COLOUR = "#9ca3af"


def check_chart(
    spec: dict,
    table: pd.DataFrame | None,
    title: str,
    light: str,
    thresholds: tuple,
    label: Label,
) -> go.Figure:
    """The chart of one check: an interval, bars, a calibration plot, a line or a heatmap."""
    kind = spec.get("kind")
    if kind == "interval":
        return interval(spec, title, light, thresholds, label)
    if table is None or table.empty or kind not in DRAW:
        return message(figure(title), label("no_chart"))
    return DRAW[kind](spec, table, title, label)


def interval(spec: dict, title: str, light: str, thresholds: tuple, label: Label) -> go.Figure:
    fig = figure(title)
    value, lo, hi = spec.get("value"), spec.get("lo"), spec.get("hi")
    if value is None:
        return message(fig, label("no_chart"))
    error = {"type": "data", "symmetric": False, "array": [0.0], "arrayminus": [0.0]}
    if lo is not None and hi is not None:
        error.update(array=[hi - value], arrayminus=[value - lo])
    fig.add_trace(
        go.Scatter(
            x=[value],
            y=[title],
            mode="markers",
            error_x=error,
            marker={"size": 12, "color": LIGHT_COLOUR.get(light, "#1f4e79")},
            name=title,
        )
    )
    refs = [r for r in (spec.get("reference"), *thresholds) if r is not None]
    for ref in refs:
        level_line(fig, "x", ref, line={"dash": "dash", "color": REFERENCE_COLOUR})
    ends = [v for v in (value, lo, hi, *refs) if v is not None]
    pad = 0.08 * ((max(ends) - min(ends)) or 1.0)  # a line at an end of the range stays in view
    fig.update_xaxes(range=[min(ends) - pad, max(ends) + pad])
    fig.update_yaxes(visible=False)
    fig.update_layout(height=220, showlegend=False)
    return fig


def bars(spec: dict, table: pd.DataFrame, title: str, label: Label) -> go.Figure:
    x = spec.get("x")
    fig = figure(title, label(f"col.{x}"))
    ys = spec.get("y", [])
    for col in ys:
        if col not in table:
            continue
        lit = spec.get("light") in table and len(ys) > 1 and col != "mean_pd"
        lights = list(table[spec["light"]]) if lit else []
        fig.add_trace(
            go.Bar(
                x=table[x].astype(str),
                y=table[col],
                name=label(f"col.{col}"),
                marker={"color": [LIGHT_COLOUR.get(v, LIGHT_COLOUR["none"]) for v in lights]}
                if lit
                else {"color": MEAN_COLOUR if col == "mean_pd" else None},
                showlegend=not lit,
            )
        )
        if lit:  # a swatch for the lights of the bars drawn (an empty grade draws none)
            drawn = [v for v, y in zip(lights, table[col], strict=True) if pd.notna(y)]
            light_legend(fig, label(f"col.{col}"), drawn, label)
    if spec.get("reference") is not None:
        level_line(fig, "y", spec["reference"], line={"dash": "dash", "color": "#c0392b"})
    fig.update_layout(barmode="group")
    return fig


def light_legend(fig: go.Figure, name: str, lights: list, label: Label) -> None:
    """Bars coloured by their light get one legend swatch per light shown, in that colour, so
    the legend never shows a colour no bar has (scatter markers: the bar groups stay as they
    are)."""
    shown = {v if v in LIGHT_COLOUR else "none" for v in lights}
    for light in (k for k in LIGHT_COLOUR if k in shown):
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={"symbol": "square", "size": 12, "color": LIGHT_COLOUR[light]},
                name=f"{name} · {label(f'light.{light}')}",
            )
        )


def calibration(spec: dict, table: pd.DataFrame, title: str, label: Label) -> go.Figure:
    fig = figure(title, label("col.mean_pd"), label("col.observed_rate"))
    top = float(np.nanmax([table["mean_pd"].max(), table["observed_rate"].max(), 0.01]))
    fig.add_trace(
        go.Scatter(
            x=[0, top], y=[0, top], mode="lines", line={"dash": "dash"}, name=label("diagonal")
        )
    )
    fig.add_trace(
        go.Scatter(
            x=table["mean_pd"],
            y=table["observed_rate"],
            mode="markers+lines",
            name=label("col.observed_rate"),
        )
    )
    return fig


def line(spec: dict, table: pd.DataFrame, title: str, label: Label) -> go.Figure:
    x, y = spec.get("x"), spec.get("y")
    fig = figure(title, label("col.period"), label(f"col.{y}"))
    band = spec.get("band") or []
    if len(band) == 2 and set(band) <= set(table.columns):
        xs = list(table[x].astype(str))
        fig.add_trace(
            go.Scatter(
                x=xs + xs[::-1],
                y=list(table[band[1]]) + list(table[band[0]])[::-1],
                fill="toself",
                line={"width": 0},
                fillcolor="rgba(31,78,121,0.15)",
                name=label("interval"),
            )
        )
    xs = table[x].astype(str)
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=table[y],
            mode="lines+markers",
            line={"color": MEAN_COLOUR},
            name=label(f"col.{y}"),
        )
    )
    if spec.get("reference") is not None:
        reference_line(fig, list(xs), spec["reference"], label("whole_test"))
    # periods as written ("2024-01", "2024Q1"): Plotly would read them as dates and tick
    # them in English ("Jan 2024") on the Chinese page
    fig.update_xaxes(type="category")
    return fig


def reference_line(fig: go.Figure, xs: list, value: float, name: str) -> None:
    """The dashed whole-test value across the periods, as a trace so the legend names it."""
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=[value] * len(xs),
            mode="lines",
            line={"dash": "dash", "color": REFERENCE_COLOUR},
            name=f"{name} {value:.3f}",
            hoverinfo="skip",
        )
    )


def heatmap(spec: dict, table: pd.DataFrame, title: str, label: Label) -> go.Figure:
    grid = table.pivot_table(
        index=spec["y"], columns=spec.get("x"), values=spec["z"], aggfunc="first"
    )
    fig = figure(title, label("col.period"), "")
    fig.add_trace(
        go.Heatmap(
            z=grid.to_numpy(),
            x=[str(c) for c in grid.columns],
            y=[str(i) for i in grid.index],
            colorscale="Reds",
            colorbar={"title": label(f"col.{spec['z']}")},  # the column label of the table
        )
    )
    fig.update_xaxes(type="category")  # periods as written, as in `line`
    return fig


def migration(matrix: pd.DataFrame, title: str, x_title: str, y_title: str) -> go.Figure:
    """Counts of entities from each grade (rows) to each grade (columns) between two dates."""
    fig = figure(title, x_title, y_title)
    fig.add_trace(
        go.Heatmap(
            z=matrix.to_numpy(),
            x=[str(c) for c in matrix.columns],
            y=[str(i) for i in matrix.index],
            colorscale="Blues",
            text=matrix.to_numpy(),
            texttemplate="%{text}",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return fig


DRAW = {"bars": bars, "calibration": calibration, "line": line, "heatmap": heatmap}
