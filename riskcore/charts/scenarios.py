"""Plotly figures of what-if scenarios: pure functions of ScenarioResult tables.

They share riskcore.charts.base's template, colours and label mechanism (a flat `labels`
mapping laid over the defaults), so the Scenarios page looks like the rest of the app and every
text is translated by the UI (keys "chart.<key>" in ui/i18n.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from riskcore.charts.base import COLOURS, DEFAULT_LABELS, figure, message
from riskcore.charts.compare import PALETTE, legend_below
from riskcore.scenarios.results import ScenarioResult

SCENARIO_LABELS: dict[str, str] = {
    "scenario_distribution_title": "Score distribution: base and scenarios",
    "share_of_predictions": "Share of predictions (%)",
    "base_case": "Base",
    "entity_delta_title": "Mean score change per entity",
    "mean_delta": "Mean change in score",
    "entity": "Entity",
    "attribution_title": "Which inputs moved the score: {entity}",
    "contribution": "Contribution to the score change",
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
    fig = figure(
        lab["scenario_distribution_title"],
        lab["score"],
        lab["share_of_predictions"],
        barmode="overlay",
    )
    if not results or results[0].table.empty:
        return message(fig, lab["no_data"])
    series = [(lab["base_case"], results[0].table["score_base"], COLOURS["reference"])]
    series += [(r.name, r.table["score_scenario"], _colour(i)) for i, r in enumerate(results)]
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
    fig = figure(lab["entity_delta_title"], lab["entity"], lab["mean_delta"], barmode="group")
    if not results or all(r.table.empty for r in results):
        return message(fig, lab["no_data"])
    means = pd.DataFrame(
        {r.name: r.table.groupby("entity", sort=True)["delta"].mean() for r in results}
    )
    order = means.abs().max(axis=1).sort_values(ascending=False, kind="stable").index[:top]
    means = means.loc[order]
    for i, name in enumerate(means.columns):
        fig.add_trace(
            go.Bar(
                x=means.index.astype(str),
                y=means[name],
                name=name,
                marker={"color": _colour(i)},
            )
        )
    fig.update_xaxes(type="category")
    fig.add_hline(0, line={"color": COLOURS["threshold"], "width": 1})
    return legend_below(fig)


def attribution_bars(
    contributions: pd.Series,
    entity: str,
    labels: Mapping[str, str] | None = None,
    top: int = 12,
) -> go.Figure:
    """SHAP contributions of each input to a scenario's score change, largest on top.

    Red raises the score, blue lowers it. Label keys: attribution_title ({entity}),
    contribution, feature, no_data.
    """
    lab = _lab(labels)
    fig = figure(
        lab["attribution_title"].format(entity=entity), lab["contribution"], lab["feature"]
    )
    values = pd.Series(contributions, dtype=float).dropna()
    if values.empty:
        return message(fig, lab["no_data"])
    values = values.reindex(values.abs().sort_values(ascending=False).index[:top])[::-1]
    colours = [COLOURS["event"] if v > 0 else COLOURS["non_event"] for v in values]
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
