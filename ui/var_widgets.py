"""Results of a quantile (VaR / ES) run as a market-risk desk reads them: the traffic light
first, then the backtests of every model side by side, then the return series with the VaR
lines and the breaches. Every number comes from the run's metrics.json; nothing is refitted."""

from __future__ import annotations

import math
from collections import Counter

import pandas as pd
import streamlit as st

from riskcore.artefacts import DISPLAY_ORDER
from riskcore.charts import var as var_charts
from riskcore.findings import DISPLAY_SCALE, model_label
from riskcore.quantiles import level_key
from riskcore.store import Run
from ui.i18n import chart_labels, level_name, t
from ui.page import relabelled, remembered

ZONE_COLOUR = {"green": "green", "yellow": "orange", "red": "red"}
ZONE_FILL = {"green": "#d9f2e3", "yellow": "#fdf0c9", "red": "#f8d7d3"}  # table cells


def var_models(run: Run) -> list[str]:
    return [m for m in DISPLAY_ORDER if m in run.metrics.test]


def _p(value: object) -> str:
    """A p-value as a validator reads it: three decimals, "<0.001" below that."""
    if not isinstance(value, int | float) or not math.isfinite(value):
        return "–"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _zone(zone: str | None) -> str:
    return "–" if not zone else t(f"var.zone_{zone}")


def _rate(value: float, lo: float, hi: float) -> str:
    """ "1.95%  (1.30–2.70%)": a breach rate reads against its level in percent."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return f"{value:.2%}"
    return f"{value:.2%}  ({100 * lo:.2f}–{hi:.2%})"


def _plus(value: object) -> str:
    """The Basel multiplier add-on; defined only for the 250-row window at the 1% level."""
    return "–" if not isinstance(value, int | float) else f"{value:.2f}"


def _show_zones(frame: pd.DataFrame) -> None:
    """The table with its zone cells (traffic light, ES backtest) filled with their colour:
    it reads like the traffic light above it."""
    columns = [t("var.col_light"), t("var.col_es")]
    fill = {t(f"var.zone_{z}"): f"background-color: {c}" for z, c in ZONE_FILL.items()}

    def colour(value: object) -> str:
        word = str(value).split(" (")[0]
        return fill.get(word, "")

    styled = frame.style.map(colour, subset=[c for c in columns if c in frame])
    st.dataframe(styled, hide_index=True, width="stretch")


def traffic_light(run: Run) -> None:
    """The Basel traffic light of the deep model's VaR at the lowest level, in large type:
    pooled over the test rows, then how many entities are in each zone over their last 250."""
    level = run.quantile_levels[0]
    key = level_key(level)
    bt = run.metrics.test["model"]["backtest"][key]
    light = bt["traffic_light"]
    st.subheader(t("var.light_title", level=level_name(level)))
    left, right = st.columns([2, 3])
    zone = light["zone"]
    left.markdown(f"# :{ZONE_COLOUR[zone]}[● {t(f'var.zone_{zone}')}]")
    left.caption(
        t(
            "var.light_pooled",
            exceptions=light["exceptions"],
            n=light["n"],
            expected=f"{level * light['n']:.1f}",
        )
    )
    entities = run.metrics.get("by_entity", {}).get("model", {}).get(key, {})
    if len(entities) > 1:
        counts = Counter(e["traffic_light"]["zone"] for e in entities.values())
        right.markdown(
            t(
                "var.light_entities",
                n=len(entities),
                green=counts.get("green", 0),
                yellow=counts.get("yellow", 0),
                red=counts.get("red", 0),
            )
        )
        worst = sorted(entities.items(), key=lambda kv: -kv[1]["traffic_light"]["exceptions"])
        right.caption(
            t(
                "var.light_worst",
                names=", ".join(
                    f"{name} ({e['traffic_light']['exceptions']})" for name, e in worst[:3]
                ),
            )
        )
    right.caption(t("var.light_rule"))


def backtest_table(run: Run, level: float) -> pd.DataFrame:
    """One row per model at `level`: pinball loss, breaches against the expected count, the
    coverage and independence tests, the traffic light and the ES backtest."""
    key = level_key(level)
    test = run.metrics.test
    scale = DISPLAY_SCALE["pinball"]
    rows = []
    for name in var_models(run):
        bt = test[name].get("backtest", {}).get(key)
        if bt is None:
            continue
        lo, hi = bt.get("breach_rate_ci") or (math.nan, math.nan)
        rows.append(
            {
                t("var.col_model"): model_label(name, test, t),
                t("var.col_pinball"): f"{scale * test[name]['pinball_by_level'][key]:.3f}",
                t("var.col_breaches"): f"{bt['breaches']} / {bt['n']}",
                t("var.col_expected"): f"{level * bt['n']:.1f}",
                t("var.col_rate"): _rate(bt["breach_rate"], lo, hi),
                t("var.col_kupiec"): _p(bt.get("kupiec_p")),
                t("var.col_christoffersen"): _p(bt.get("christoffersen_p")),
                t("var.col_cc"): _p(bt.get("conditional_coverage_p")),
                t("var.col_light"): _zone(bt["traffic_light"]["zone"]),
                t("var.col_es"): f"{_zone(bt.get('es_zone'))} (Z2 {bt.get('es_z2', math.nan):.2f})",
                t("var.col_mcneil"): _p(bt.get("es_mcneil_frey_p")),
            }
        )
    return pd.DataFrame(rows)


def entity_table(run: Run, model: str, level: float) -> pd.DataFrame:
    """The backtest of one model per entity; the traffic light over each one's last 250 rows."""
    entities = run.metrics.get("by_entity", {}).get(model, {}).get(level_key(level), {})
    rows = []
    for name, bt in entities.items():
        light = bt["traffic_light"]
        rows.append(
            {
                t("var.col_entity"): name,
                t("var.col_breaches"): f"{bt['breaches']} / {bt['n']}",
                t("var.col_rate"): f"{bt['breach_rate']:.2%}",
                t("var.col_kupiec"): _p(bt.get("kupiec_p")),
                t("var.col_christoffersen"): _p(bt.get("christoffersen_p")),
                t("var.col_last"): f"{light['exceptions']} / {light['n']}",
                t("var.col_light"): _zone(light["zone"]),
                t("var.col_plus"): _plus(light.get("plus_factor")),
                t("var.col_es"): _zone(bt.get("es_zone")),
            }
        )
    return pd.DataFrame(rows)


def backtest_section(run: Run) -> None:
    for level in run.quantile_levels:
        st.markdown(f"**{level_name(level)}**")
        _show_zones(backtest_table(run, level))
        st.plotly_chart(
            var_charts.breach_rates(
                run.metrics.test, level, var_models(run), labels=chart_labels()
            ),
            key=f"breach_rates_{level_key(level)}",
        )
    st.caption(t("var.tests_note"))


@st.fragment
def series_section(run: Run) -> None:
    """The return series of one entity with the VaR lines of the models picked."""
    pred = run.predictions
    names = var_models(run)
    c1, c2, c3 = st.columns([1, 1, 2])
    entities = sorted(pred["entity"].astype(str).unique())
    entity = c1.selectbox(t("results.entity"), entities, **remembered("var_entity", entities))
    level = c2.selectbox(
        t("var.level"),
        run.quantile_levels,
        format_func=level_name,
        **remembered("var_level", run.quantile_levels),
    )
    test = run.metrics.test
    shown = c3.multiselect(
        t("var.models"),
        names,
        format_func=lambda m: model_label(m, test, t),
        key=relabelled("var_models", [m for m in ("model", "historical", "garch") if m in names]),
        help=t("var.models_help"),
        placeholder=t("data.choose"),
    )
    models = ["model", *[m for m in shown if m != "model"]]
    st.plotly_chart(
        var_charts.var_backtest(pred, entity, level, models, labels=chart_labels()),
        key="var_series",
    )
    st.markdown(f"**{t('var.by_entity', model=model_label('model', test, t))}**")
    _show_zones(entity_table(run, "model", level))
