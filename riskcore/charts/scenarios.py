"""Plotly figures of what-if scenarios: pure functions of ScenarioResult tables.

They share riskcore.charts.base's template, colours and label mechanism (a flat `labels`
mapping laid over the defaults), so the Scenarios page looks like the rest of the app and every
text is translated by the UI (keys "chart.<key>" in ui/i18n.py). A quantile run's charts show its
VaR at one level (`level` a table level, `name` how the page names it, e.g. "99%"): returns,
changes in basis points, a more negative VaR meaning more risk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from riskcore.charts.base import (
    COLOURS,
    DEFAULT_LABELS,
    figure,
    legend_below,
    level_line,
    message,
)
from riskcore.charts.compare import PALETTE
from riskcore.quantiles import var_column
from riskcore.scenarios.results import BP, ScenarioResult, value_columns

SCENARIO_LABELS: dict[str, str] = {
    "scenario_distribution_title": "Score distribution: base and scenarios",
    "share_of_predictions": "Share of predictions (%)",
    "base_case": "Base",
    "entity_delta_title": "Mean score change per entity",
    "mean_delta": "Mean change in score",
    "entity": "Entity",
    "attribution_title": "Which inputs moved the score: {entity}",
    "contribution": "Contribution to the score change",
    # a quantile run's VaR
    "var_distribution_title": "{level} VaR: base and scenarios",
    "var_axis": "{level} VaR (return; more negative = more risk)",
    "var_delta_title": "Change in the {level} VaR per entity (bp)",
    "var_delta": "Mean change in VaR (bp; negative = more risk)",
    "var_stress_title": "Baseline vs stressed {level} VaR: {scenario}",
    "var_baseline": "Baseline VaR",
    "var_stressed": "Stressed VaR",
    "pooled": "All entities",
    "var_attribution_title": "Which inputs moved the {level} VaR: {entity}",
    "var_contribution": "Contribution to the VaR change (bp; negative = more risk)",
}


def _lab(labels: Mapping[str, str] | None) -> dict[str, str]:
    return {**DEFAULT_LABELS, **SCENARIO_LABELS, **(labels or {})}


def _colour(position: int) -> str:
    """Scenario colours; the base case is grey."""
    return PALETTE[position % len(PALETTE)]


def scenario_distributions(
    results: Sequence[ScenarioResult], labels: Mapping[str, str] | None = None, bins: int = 40
) -> go.Figure:
    """Histograms of the base score and of each scenario's score on shared bins, as shares.

    The base is taken from the first result (scenarios run together share it).
    Label keys: scenario_distribution_title, score, share_of_predictions, base_case, no_data.
    """
    lab = _lab(labels)
    return _histograms(
        results, "score", lab["scenario_distribution_title"], lab["score"], lab, bins
    )


def var_distributions(
    results: Sequence[ScenarioResult],
    level: float,
    name: str,
    labels: Mapping[str, str] | None = None,
    bins: int = 40,
) -> go.Figure:
    """scenario_distributions of a quantile run's VaR at `level` (named `name`, e.g. "99%").

    Label keys: var_distribution_title, var_axis ({level}), share_of_predictions, base_case.
    """
    lab = _lab(labels)
    title = lab["var_distribution_title"].format(level=name)
    axis = lab["var_axis"].format(level=name)
    return _histograms(results, var_column(level), title, axis, lab, bins)


def _histograms(
    results: Sequence[ScenarioResult], value: str, title: str, axis: str, lab: dict, bins: int
) -> go.Figure:
    fig = figure(title, axis, lab["share_of_predictions"], barmode="overlay")
    if not results or results[0].table.empty:
        return message(fig, lab["no_data"])
    base, stressed, _ = value_columns(value)
    series = [(lab["base_case"], results[0].table[base], COLOURS["reference"])]
    series += [(r.name, r.table[stressed], _colour(i)) for i, r in enumerate(results)]
    values = np.concatenate([np.asarray(s, dtype=float) for _, s, _ in series])
    edges = np.histogram_bin_edges(values[np.isfinite(values)], bins=bins)
    xbins = {"start": edges[0], "end": edges[-1], "size": max(edges[1] - edges[0], 1e-9)}
    for name, score, colour in series:
        fig.add_trace(
            go.Histogram(
                x=score,
                name=name,
                xbins=xbins,
                histnorm="percent",
                marker={"color": colour, "line": {"width": 0}},
                opacity=0.55,
            )
        )
    return legend_below(fig)


def entity_deltas(
    results: Sequence[ScenarioResult], labels: Mapping[str, str] | None = None, top: int = 20
) -> go.Figure:
    """Mean score change per entity, one bar group per entity and one colour per scenario.

    Entities are ordered by the largest absolute change in any scenario; the `top` shown.
    Label keys: entity_delta_title, entity, mean_delta, no_data.
    """
    lab = _lab(labels)
    return _entity_bars(
        results, "delta", 1.0, lab["entity_delta_title"], lab["mean_delta"], lab, top
    )


def var_entity_deltas(
    results: Sequence[ScenarioResult],
    level: float,
    name: str,
    labels: Mapping[str, str] | None = None,
    top: int = 20,
) -> go.Figure:
    """entity_deltas of a quantile run's VaR at `level`, in bp (negative = more risk).

    Label keys: var_delta_title ({level}), entity, var_delta, no_data.
    """
    lab = _lab(labels)
    delta = value_columns(var_column(level))[2]
    title = lab["var_delta_title"].format(level=name)
    return _entity_bars(results, delta, BP, title, lab["var_delta"], lab, top)


def _entity_bars(
    results: Sequence[ScenarioResult],
    delta: str,
    scale: float,
    title: str,
    axis: str,
    lab: dict,
    top: int,
) -> go.Figure:
    # entities down the side, the most moved on top: their names read level, and the legend
    # below the numeric axis cannot meet them (rotated names under the bars ran into it)
    fig = figure(title, axis, lab["entity"], barmode="group")
    if not results or all(r.table.empty for r in results):
        return message(fig, lab["no_data"])
    means = pd.DataFrame(
        {r.name: r.table.groupby("entity", sort=True)[delta].mean() * scale for r in results}
    )
    order = means.abs().max(axis=1).sort_values(ascending=False, kind="stable").index[:top]
    means = means.loc[order]
    for i, name in enumerate(means.columns):
        fig.add_trace(
            go.Bar(
                x=means[name],
                y=means.index.astype(str),
                name=name,
                orientation="h",
                marker={"color": _colour(i)},
            )
        )
    fig.update_yaxes(type="category", autorange="reversed")
    level_line(fig, "x", 0, line={"color": COLOURS["threshold"], "width": 1})
    return legend_below(fig)


def attribution_bars(
    contributions: pd.Series,
    entity: str,
    labels: Mapping[str, str] | None = None,
    top: int = 12,
    level: str | None = None,
) -> go.Figure:
    """SHAP contributions of each input to a scenario's score change, largest on top.

    Red raises the score, blue lowers it. Label keys: attribution_title ({entity}),
    contribution, feature, no_data.

    With `level` (a quantile run's VaR, named e.g. "99%") the contributions are changes of the
    VaR in return units, shown in bp; red then marks those that lower the VaR (more risk).
    Label keys: var_attribution_title ({level}, {entity}), var_contribution.
    """
    lab = _lab(labels)
    values = pd.Series(contributions, dtype=float).dropna()
    if level is None:
        title = lab["attribution_title"].format(entity=entity)
        axis, risk = lab["contribution"], 1.0
    else:
        title = lab["var_attribution_title"].format(level=level, entity=entity)
        axis, risk, values = lab["var_contribution"], -1.0, values * BP
    fig = figure(title, axis, lab["feature"])
    if values.empty:
        return message(fig, lab["no_data"])
    values = values.reindex(values.abs().sort_values(ascending=False).index[:top])[::-1]
    colours = [COLOURS["event"] if v * risk > 0 else COLOURS["non_event"] for v in values]
    fig.add_trace(
        go.Bar(
            x=values.to_numpy(),
            y=values.index.astype(str),
            orientation="h",
            marker={"color": colours},
            text=[f"{v:+.4f}" for v in values],
            textposition="auto",
            showlegend=False,
        )
    )
    fig.update_layout(height=max(300, 60 + 28 * len(values)))
    return fig


def var_stress(
    result: ScenarioResult,
    level: float,
    name: str,
    labels: Mapping[str, str] | None = None,
    top: int = 20,
) -> go.Figure:
    """Baseline and stressed VaR at `level`, mean per entity and pooled over all of them (first),
    side by side; the change in bp in each hover. Entities: the `top` with the most risk added.

    Label keys: var_stress_title ({level}, {scenario}), var_axis ({level}), var_baseline,
    var_stressed, pooled, entity, no_data.
    """
    lab = _lab(labels)
    fig = figure(
        lab["var_stress_title"].format(level=name, scenario=result.name),
        lab["entity"],
        lab["var_axis"].format(level=name),
        barmode="group",
    )
    if result.table.empty:
        return message(fig, lab["no_data"])
    pooled = pd.DataFrame([{"entity": lab["pooled"], **result.var_summary(level)}])
    data = pd.concat([pooled, result.var_by_entity(level).head(top)], ignore_index=True)
    names = data["entity"].astype(str)
    change = [f"{v:+.1f} bp" for v in data["var_change_bp"]]
    for column, key, colour in (
        ("var_base", "var_baseline", COLOURS["reference"]),
        ("var_scenario", "var_stressed", COLOURS["event"]),
    ):
        fig.add_trace(
            go.Bar(
                x=names,
                y=data[column],
                name=lab[key],
                marker={"color": colour},
                customdata=change,
                hovertemplate="%{x}: %{y:.2%} (%{customdata})<extra>" + lab[key] + "</extra>",
            )
        )
    fig.update_xaxes(type="category")
    fig.update_yaxes(tickformat=".1%")
    return legend_below(fig)
