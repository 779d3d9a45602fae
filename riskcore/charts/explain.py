"""Plotly figures of SHAP explanations: pure functions of explanation tables.

They share riskcore.charts.base's template, colours and label mechanism, so the Explain page looks
like the rest of the app and every text can be translated. Charts of SHAP values name their unit
(riskcore.explain.units_of): a classifier's models are all explained in log-odds (the network's
logit, the boosting model's and the logistic's margin); explanations saved before that held the
network's values in probability points and still carry their own unit. A quantile
run's VaR is explained in return units (var_labels renames the axes: a negative value pushes the
VaR further into the tail, i.e. more risk).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from riskcore.charts.base import COLOURS, DEFAULT_LABELS, figure, level_line, message

EXPLAIN_LABELS: dict[str, str] = {
    "importance_title": "What drives the score (mean |SHAP|)",
    "baseline_importance_title": "Gradient boosting (TreeExplainer)",
    "mean_abs_shap": "Mean |SHAP|",
    "mean_abs_shap_probability": "Mean |SHAP| (probability points of the raw model score)",
    "mean_abs_shap_log_odds": "Mean |SHAP| (log-odds)",
    "mean_abs_shap_score": "Mean |SHAP| (score units)",
    "modality_title": "Share by input",
    "share": "Share",
    "beeswarm_title": "SHAP value vs feature value",
    "shap_value": "SHAP value (effect on the score)",
    "value_low": "low",
    "value_high": "high",
    "feature_value": "Feature value (low → high)",
    "lag_title": "Which days of the window matter",
    "steps_back": "Steps before the prediction (0 = latest)",
    "attention_title": "Attention weights beside the SHAP lag profile",
    "attention": "Attention weight",
    "shap_profile": "SHAP lag profile (share)",
    "waterfall_title": "From the average score to this prediction",
    "base": "Average score",
    "prediction": "This prediction",
    "others": "{n} other features",
    "residual_bar": "Other inputs and approximation",
    "residual_bar_hover": "{n} other features {rest:+.4f}<br>Approximation gap {gap:+.4f}",
    "raw_score": "Raw model score (before calibration)",
    "waterfall_gap": "Additivity gap of this row (score − average − all SHAP): {gap:+.4f}",
    "dependence_title": "Dependence: {feature}",
    "modality_sequence": "Sequence",
    "modality_macro": "Macro",
    "modality_sentiment": "Sentiment",
    "modality_static": "Static",
    # a quantile run's VaR (var_labels lays these over the keys above)
    "importance_title_var": "What drives the {level} VaR (mean |SHAP|)",
    "baseline_importance_title_var": "Gradient boosting, quantile loss (TreeExplainer)",
    "mean_abs_shap_return": "Mean |SHAP| (return units of the VaR)",
    "shap_value_var": "SHAP value (effect on the VaR, return; negative = more risk)",
    "waterfall_title_var": "From the average {level} VaR to this prediction's",
    "base_var": "Average VaR",
    "prediction_var": "This prediction's VaR",
    "var_axis": "{level} VaR (return; more negative = more risk)",
}
VAR_KEYS = {  # base key -> its quantile-run key
    "importance_title": "importance_title_var",
    "baseline_importance_title": "baseline_importance_title_var",
    "shap_value": "shap_value_var",
    "waterfall_title": "waterfall_title_var",
    "base": "base_var",
    "prediction": "prediction_var",
    "score": "var_axis",
}
MODALITY_COLOURS = {
    "sequence": COLOURS["model"],
    "macro": COLOURS["gbm"],
    "sentiment": "#16a085",
    "static": COLOURS["logistic"],
}


def _lab(labels: Mapping[str, str] | None) -> dict[str, str]:
    return {**DEFAULT_LABELS, **EXPLAIN_LABELS, **(labels or {})}


def var_labels(labels: Mapping[str, str] | None, level: str) -> dict[str, str]:
    """Labels for the charts of a VaR explanation: titles and axes name the VaR at `level`
    (e.g. "99%") and say that negative values mean more risk."""
    lab = _lab(labels)
    return {**lab, **{key: lab[var].replace("{level}", level) for key, var in VAR_KEYS.items()}}


def importance_bars(
    importance: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    top: int = 15,
    title_key: str = "importance_title",
    unit: str | None = None,
) -> go.Figure:
    """Horizontal bars of mean |SHAP| per feature, largest on top, coloured by modality.

    unit ("probability", "log_odds", "score") names the axis's unit: the network's and the
    boosting baseline's values are in different units, so each chart says which.
    """
    lab = _lab(labels)
    data = importance.nlargest(top, "mean_abs_shap").iloc[::-1]
    axis = lab.get(f"mean_abs_shap_{unit}", lab["mean_abs_shap"]) if unit else lab["mean_abs_shap"]
    fig = figure(lab[title_key], axis, "", height=max(360, 90 + 24 * len(data)))
    if data.empty:
        return message(fig, lab["no_data"])
    modality = data["modality"] if "modality" in data else pd.Series("static", index=data.index)
    fig.add_trace(
        go.Bar(
            x=data["mean_abs_shap"],
            y=data["feature"].astype(str),
            orientation="h",
            marker={"color": [MODALITY_COLOURS.get(m, COLOURS["model"]) for m in modality]},
            hovertext=[lab.get(f"modality_{m}", m) for m in modality],
            showlegend=False,
        )
    )
    fig.update_yaxes(categoryorder="array", categoryarray=data["feature"].astype(str).tolist())
    return fig


def modality_share(modality: pd.DataFrame, labels: Mapping[str, str] | None = None) -> go.Figure:
    """Share of the total attribution that each input (sequence, macro...) carries."""
    lab = _lab(labels)
    fig = figure(lab["modality_title"], lab["share"], "", height=260)
    fig.add_trace(
        go.Bar(
            x=modality["share"],
            y=[lab.get(f"modality_{m}", m) for m in modality["modality"]],
            orientation="h",
            marker={
                "color": [MODALITY_COLOURS.get(m, COLOURS["model"]) for m in modality["modality"]]
            },
            text=[f"{s:.0%}" for s in modality["share"]],
            textposition="auto",
            showlegend=False,
        )
    )
    # past 1 a little, so the 100% tick shows; the tools stand to the right, not over the
    # title (this chart sits in a narrow column, and its Chinese title is long)
    fig.update_xaxes(tickformat=".0%", range=[0, 1.04], ticklabeloverflow="allow", dtick=0.25)
    fig.update_layout(modebar={"orientation": "v"})
    return fig


def _ranks(values: pd.Series) -> np.ndarray:
    """Feature values as 0..1 ranks, so one colour scale serves every feature."""
    v = pd.to_numeric(values, errors="coerce")
    return (v.rank(pct=True).fillna(0.5)).to_numpy()


def beeswarm(
    shap_rows: pd.DataFrame,
    feature_values: pd.DataFrame,
    features: Sequence[str],
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """One row of dots per feature: SHAP value on x, coloured by the feature's value."""
    lab = _lab(labels)
    fig = figure(
        lab["beeswarm_title"], lab["shap_value"], "", height=max(360, 90 + 36 * len(features))
    )
    rng = np.random.default_rng(0)
    for i, feature in enumerate(reversed(list(features))):
        x = shap_rows[feature].to_numpy(dtype=float)
        colour = (
            _ranks(feature_values[feature]) if feature in feature_values else np.full(len(x), 0.5)
        )
        fig.add_trace(
            go.Scattergl(
                x=x,
                y=i + rng.uniform(-0.28, 0.28, len(x)),
                mode="markers",
                marker={
                    "size": 5,
                    "color": colour,
                    "colorscale": "RdBu_r",
                    "cmin": 0,
                    "cmax": 1,
                    "showscale": i == 0,
                    "colorbar": {
                        "title": {"text": lab["feature_value"], "side": "right"},
                        "tickvals": [0, 1],
                        "ticktext": [lab["value_low"], lab["value_high"]],
                    },
                },
                name=feature,
                showlegend=False,
                hovertemplate=f"{feature}: %{{x:.3f}}<extra></extra>",
            )
        )
    fig.update_yaxes(tickvals=list(range(len(features))), ticktext=list(reversed(list(features))))
    level_line(fig, "x", 0, line={"color": COLOURS["reference"], "width": 1})
    return fig


def lag_heatmap(lag: pd.DataFrame, labels: Mapping[str, str] | None = None) -> go.Figure:
    """Mean |SHAP| per (steps back, feature): which days of the window the model reads."""
    lab = _lab(labels)
    fig = figure(lab["lag_title"], lab["steps_back"], "")
    if lag.empty:
        return message(fig, lab["no_data"])
    grid = lag.pivot_table(index="feature", columns="lag", values="mean_abs_shap", aggfunc="sum")
    grid = grid.loc[grid.sum(axis=1).sort_values().index]
    fig.add_trace(
        go.Heatmap(
            z=grid.to_numpy(),
            x=grid.columns.to_numpy(),
            y=grid.index.astype(str),
            colorscale="Blues",
            colorbar={"title": {"text": lab["mean_abs_shap"]}},
        )
    )
    fig.update_xaxes(autorange="reversed")
    fig.update_layout(height=max(300, 90 + 28 * len(grid)))
    return fig


def attention_profile(
    attention: pd.DataFrame, lag: pd.DataFrame, labels: Mapping[str, str] | None = None
) -> go.Figure:
    """Mean attention weight per step beside the SHAP lag profile (both as shares)."""
    lab = _lab(labels)
    fig = figure(lab["attention_title"], lab["steps_back"], lab["share"])
    fig.add_trace(
        go.Scatter(
            x=attention["lag"],
            y=attention["mean_weight"],
            name=lab["attention"],
            mode="lines+markers",
            line={"color": COLOURS["gbm"]},
        )
    )
    profile = lag.groupby("lag")["mean_abs_shap"].sum()
    if profile.sum() > 0:
        profile = profile / profile.sum()
        fig.add_trace(
            go.Scatter(
                x=profile.index,
                y=profile.to_numpy(),
                name=lab["shap_profile"],
                mode="lines+markers",
                line={"color": COLOURS["model"], "dash": "dash"},
            )
        )
    fig.update_xaxes(autorange="reversed")
    return fig


def waterfall(
    base: float,
    contributions: pd.Series,
    score: float,
    labels: Mapping[str, str] | None = None,
    top: int = 8,
    probability: bool = True,
    zero: bool = True,
    digits: int = 3,
    lower_is_riskier: bool = False,
) -> go.Figure:
    """From the average score to this prediction: the largest contributions, then one residual.

    The residual bar ("other inputs and approximation") is score - base - the shown
    contributions: the features not shown plus the row's additivity gap (score - base - all
    contributions, Monte-Carlo error of expected gradients), both in its hover text. So the bars
    end exactly at the score, and the last bar is drawn at the score itself. The y axis spans what
    the bars need (from zero unless zero=False: a VaR's contributions are small beside its
    level); for a probability it runs above 1 only when a running total does. digits: decimals
    of the bar texts. Red marks what raises the risk: falling bars when lower_is_riskier (a VaR).
    """
    lab = _lab(labels)
    values_all = contributions.astype(float)
    order = values_all.abs().sort_values(ascending=False, kind="stable").index
    shown = values_all[order[:top]]
    rest = float(values_all[order[top:]].sum())
    gap = float(score - base - values_all.sum())
    residual = float(score - base - shown.sum())
    names = [lab["base"], *[str(n) for n in shown.index], lab["residual_bar"], lab["prediction"]]
    values = [float(base), *shown.to_numpy(dtype=float), residual, float(score)]
    measures = ["absolute", *["relative"] * len(shown), "relative", "absolute"]
    hover = [
        f"{float(base):.{digits + 1}f}",
        *[f"{v:+.{digits + 1}f}" for v in shown],
        lab["residual_bar_hover"].format(n=len(order) - len(shown), rest=rest, gap=gap),
        f"{float(score):.{digits + 1}f}<br>" + lab["waterfall_gap"].format(gap=gap),
    ]
    fig = figure(
        lab["waterfall_title"],
        "",
        lab["raw_score"] if probability else lab["score"],
        height=420,
    )
    up, down = "event", "non_event"  # colours of a rise and a fall in risk
    fig.add_trace(
        go.Waterfall(
            x=names,
            y=values,
            measure=measures,
            increasing={"marker": {"color": COLOURS[down if lower_is_riskier else up]}},
            decreasing={"marker": {"color": COLOURS[up if lower_is_riskier else down]}},
            totals={"marker": {"color": COLOURS["model"]}},
            text=[
                f"{v:.{digits}f}" if m != "relative" else f"{v:+.{digits}f}"
                for v, m in zip(values, measures, strict=True)
            ],
            hovertext=hover,
            hoverinfo="x+text",
            textposition="outside",
            cliponaxis=False,
            showlegend=False,
        )
    )
    running = np.concatenate(
        [[0.0] if zero else [], [base], base + np.cumsum([*shown.to_numpy(), residual])]
    )
    low, high = float(running.min()), float(running.max())
    pad = 0.08 * ((high - low) or abs(high) or 1.0)
    top_end = high + pad
    if probability and high <= 1.0:
        top_end = min(top_end, 1.0)
    fig.update_yaxes(range=[low - pad if low < 0 or not zero else 0.0, top_end])
    return fig


def dependence(
    values: pd.Series,
    shap_values: pd.Series,
    feature: str,
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """SHAP value of one feature against its value: the shape of its effect."""
    lab = _lab(labels)
    fig = figure(lab["dependence_title"].format(feature=feature), feature, lab["shap_value"])
    fig.add_trace(
        go.Scattergl(
            x=pd.to_numeric(values, errors="coerce"),
            y=shap_values,
            mode="markers",
            marker={"size": 6, "color": COLOURS["model"], "opacity": 0.6},
            showlegend=False,
        )
    )
    level_line(fig, "y", 0, line={"color": COLOURS["reference"], "width": 1})
    return fig
