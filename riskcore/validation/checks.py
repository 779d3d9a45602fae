"""The checks of a validation: one value each, its thresholds from the policy, and a light.

Each check also names the result table and columns that draw its chart (`chart`), so the
Validate page and the report draw the same picture from validation.json without recomputing.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from riskcore.charts.base import DEFAULT_LABELS
from riskcore.findings import DISPLAY_SCALE
from riskcore.quantiles import confidence
from riskcore.validation import policy as P
from riskcore.validation.grades import tested_p
from riskcore.validation.stability import WHOLE
from riskcore.validation.terms import scale_term
from riskcore.verdict import Verdict

LABELS = {
    "test_gini": "Test Gini of the deep model",
    "comparator": "Deep model vs best comparator (ROC-AUC, paired interval)",
    "grades": "Per-grade calibration (smallest p-value)",
    "hosmer_lemeshow": "Hosmer-Lemeshow p-value",
    "spiegelhalter": "Spiegelhalter p-value",
    "discrimination": "Periods with ROC-AUC below the whole-test value",
    "score_psi": "PSI of the score against training",
    "input_psi": "Largest PSI of an input against training",
    "adverse_impact": "Adverse-impact shortfall (1 - ratio)",
    # quantile (VaR / ES) runs: one check per VaR level (riskcore.validation.quantile)
    "var_traffic_light": "Basel traffic light",
    "var_kupiec": "Kupiec breach-rate p-value",
    "var_independence": "Christoffersen independence p-value",
    "var_conditional_coverage": "Conditional-coverage p-value",
    "es_backtest": "ES backtest (Acerbi-Szekely Z2)",
    "var_comparator": "Deep model vs best comparator (pinball loss, paired interval)",
}


def display_name(key: str) -> str:
    """A metric or model key as the charts name it ("roc_auc" -> "ROC-AUC"): a detail sentence
    is read by people, not parsers; an unknown key (a data column) stays as it is."""
    return DEFAULT_LABELS.get(key, key)


def _num(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


@dataclass
class Check:
    name: str
    value: float | None
    threshold: float | None  # where the check turns red (None: it never does)
    light: str
    amber: float | None = None  # where it turns amber
    rule: str = "below"  # below / above: bad when low / high; verdict, zone: see detail
    detail: str = ""
    chart: dict = field(default_factory=dict)
    level: str | None = None  # the VaR level of a quantile run's check ("0.01"), else None

    @property
    def label(self) -> str:
        label = LABELS.get(self.name, self.name)
        return f"{label} at {confidence(self.level)}" if self.level else label

    def threshold_text(self) -> str:
        if self.rule == "verdict":
            return "paired 95% CI above 0"
        if self.rule == "zone":
            return "red zone red, yellow zone amber"
        sign = "<" if self.rule == "below" else ">"
        parts = [f"red {sign} {self.threshold:g}"] if self.threshold is not None else []
        if self.amber is not None:
            parts.append(f"amber {sign} {self.amber:g}")
        return ", ".join(parts) or "-"

    def to_dict(self) -> dict:
        out = asdict(self)
        if self.level is None:  # a classification check's JSON stays as it was
            del out["level"]
        out["label"] = self.label
        out["value"], out["threshold"], out["amber"] = (
            _num(self.value),
            _num(self.threshold),
            _num(self.amber),
        )
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Check:
        keys = ("name", "value", "threshold", "light", "amber", "rule", "detail", "chart", "level")
        return cls(**{k: data.get(k) for k in keys if k in data})


def _thresholded(name: str, value, rule: P.LowIsBad | P.HighIsBad, detail: str, chart: dict):
    d = rule.describe()
    return Check(
        name,
        _num(value),
        d["threshold"],
        rule.light(_num(value)),
        d["amber"],
        d["rule"],
        detail,
        chart,
    )


def gini_check(value: float, ci, rule: P.GiniCheck, where: str) -> Check:
    lo, hi = (_num(v) for v in (ci or [None, None])[:2])
    interval = f" (95% CI {lo:.3f} to {hi:.3f})" if lo is not None and hi is not None else ""
    detail = f"Gini {value:.3f}{interval} on {where}"
    chart = {"kind": "interval", "value": _num(value), "lo": lo, "hi": hi}  # titled by the check
    return _thresholded("test_gini", value, rule, detail, chart)


def comparator_check(verdict: Verdict, name: str = "comparator", where: str = "") -> Check:
    """Red when the comparator is better beyond the paired interval (its upper end below 0),
    amber when the comparator is ahead within it, green when the model is ahead. The numbers
    of the detail are shown as findings shows them (the pinball loss in basis points)."""
    lo, hi = verdict.advantage_ci
    scale = DISPLAY_SCALE.get(verdict.metric, 1.0)
    unit = " bp" if scale == 1e4 else ""
    if verdict.outcome == "undefined":
        light, detail = "amber", "no comparator metric to compare with (undefined verdict)"
    else:
        beyond = math.isfinite(hi) and hi < 0
        light = "red" if beyond else "amber" if verdict.outcome == "worse" else "green"
        detail = (
            f"deep model {verdict.model_value * scale:.3f}{unit} vs "
            f"{display_name(verdict.comparator)} {verdict.comparator_value * scale:.3f}{unit} "
            f"({display_name(verdict.metric)}); advantage "
            f"{verdict.advantage * scale:+.3f}{unit} (95% CI {lo * scale:+.3f} to "
            f"{hi * scale:+.3f}); verdict {verdict.outcome}{where}"
        )
    chart = {
        "kind": "interval",
        "value": _num(verdict.advantage),
        "lo": _num(lo),
        "hi": _num(hi),
        "reference": 0.0,
    }
    return Check(name, _num(verdict.advantage), 0.0, light, None, "verdict", detail, chart)


def grades_check(grades: pd.DataFrame, rule: P.GradesPolicy) -> Check:
    tested = grades[grades["n"] > 0]
    p = tested_p(tested, rule)
    value = float(p.min()) if len(p) else math.nan
    bad = tested[tested["light"].isin(["red", "amber"])]
    pairs = zip(bad.itertuples(), p[bad.index], strict=True)
    listed = ", ".join(f"grade {g.grade} {g.light} (p {pv:.3g})" for g, pv in pairs)
    test = scale_term("test", rule.test)
    test = test[:1].upper() + test[1:]  # it starts the sentence: "Binomial test, ..."
    detail = f"{test} test, {'one-sided' if rule.side == 'under' else 'both tails'}; " + (
        listed or f"all {len(tested)} non-empty grades green"
    )
    chart = {
        "kind": "bars",
        "title": "grades",  # ui/i18n.py validate.chart.<title>: what the chart draws
        "table": "grades",
        "x": "grade",
        "y": ["mean_pd", "observed_rate"],
        "light": "light",
    }
    check = _thresholded("grades", value, rule, detail, chart)
    check.light = P.worst(tested["light"])
    return check


# Both portfolio calibration tests point at the Hosmer-Lemeshow groups' calibration chart.
CALIBRATION_CHART = {
    "kind": "calibration",
    "title": "calibration",
    "table": "hosmer_lemeshow",
    "x": "mean_pd",
    "y": "observed_rate",
}


def hosmer_lemeshow_check(summary: dict, rule: P.HosmerLemeshowCheck) -> Check:
    detail = (
        f"H {summary['hosmer_lemeshow']:.2f} on {summary['hosmer_lemeshow_df']} df "
        f"({rule.groups} groups); mean PD {summary['mean_pd']:.4f} vs observed "
        f"{summary['observed_rate']:.4f}"
    )
    chart = dict(CALIBRATION_CHART)
    return _thresholded("hosmer_lemeshow", summary["hosmer_lemeshow_p"], rule, detail, chart)


def spiegelhalter_check(summary: dict, rule: P.PValueCheck) -> Check:
    detail = (
        f"z {summary['spiegelhalter_z']:+.2f}; calibration slope "
        f"{summary['calibration_slope']:.2f}, intercept {summary['calibration_intercept']:+.2f}"
    )
    chart = dict(CALIBRATION_CHART)
    return _thresholded("spiegelhalter", summary["spiegelhalter_p"], rule, detail, chart)


def discrimination_check(
    periods: pd.DataFrame, overall: float, rule: P.DiscriminationCheck
) -> Check:
    flagged = periods[periods["flagged"]]
    eligible = int(periods["eligible"].sum())
    names = ", ".join(flagged["period"].astype(str))
    detail = (
        f"{len(flagged)} of {eligible} periods with enough rows have their ROC-AUC interval "
        f"below the whole-test {overall:.3f}" + (f": {names}" if names else "")
    )
    chart = {
        "kind": "line",
        "title": "roc_auc_by_period",
        "table": "periods",
        "x": "period",
        "y": "roc_auc",
        "band": ["roc_auc_lo", "roc_auc_hi"],
        "reference": _num(overall),
        "flag": "flagged",
    }
    return _thresholded("discrimination", len(flagged), rule, detail, chart)


def _psi_value(
    stability: pd.DataFrame, features: list[str], rule: P.PsiCheck, min_rows: int
) -> tuple[float, str]:
    rows = stability[stability["feature"].isin(features)]
    if rule.over == "split":
        rows = rows[rows["period"] == WHOLE]
    else:
        rows = rows[(rows["period"] != WHOLE) & (rows["n"] >= min_rows)]
    rows = rows[np.isfinite(rows["psi"])]
    if rows.empty:
        return math.nan, "no rows to compare"
    top = rows.loc[rows["psi"].idxmax()]
    where = "the whole split" if top["period"] == WHOLE else f"period {top['period']}"
    return float(top["psi"]), f"{top['feature']} in {where}: {top['psi']:.3f} ({top['reading']})"


SCORE_PSI_CHART = {  # also drawn on the Validate page's Over time tab
    "kind": "line",
    "title": "score_psi_by_period",
    "table": "stability",
    "filter": {"feature": "score"},
    "x": "period",
    "y": "psi",
}


def score_psi_check(stability: pd.DataFrame, rule: P.PsiCheck, min_rows: int) -> Check:
    value, where = _psi_value(stability, ["score"], rule, min_rows)
    chart = dict(SCORE_PSI_CHART)
    return _thresholded("score_psi", value, rule, f"largest: {where}", chart)


def input_psi_check(stability: pd.DataFrame, rule: P.InputPsiCheck, min_rows: int) -> Check:
    inputs = [f for f in stability["feature"].unique() if f != "score"]
    value, where = _psi_value(stability, inputs, rule, min_rows)
    chart = {
        "kind": "heatmap",
        "title": "input_psi_by_period",
        "table": "stability",
        "x": "period",
        "y": "feature",
        "z": "psi",
    }
    return _thresholded("input_psi", value, rule, f"largest: {where}", chart)


def adverse_impact_check(segments: pd.DataFrame, rule: P.AdverseImpactCheck, info: dict) -> Check:
    rows = segments[segments["eligible"] & np.isfinite(segments["adverse_impact_ratio"])]
    if rows.empty:
        value, detail = math.nan, f"no segment of '{info['column']}' with enough rows"
    else:
        low = rows.loc[rows["adverse_impact_ratio"].idxmin()]
        best = rows.loc[rows["approval_rate"].idxmax()]
        value = 1.0 - float(low["adverse_impact_ratio"])
        failed = ", ".join(rows.loc[rows["four_fifths_flag"], "segment"].astype(str))
        detail = (
            f"{info['column']}: '{low['segment']}' approved {low['approval_rate']:.1%} vs "
            f"'{best['segment']}' {best['approval_rate']:.1%} (ratio "
            f"{low['adverse_impact_ratio']:.2f}) at threshold {info['threshold']:.3g}"
            + (f"; four-fifths rule failed by {failed}" if failed else "")
        )
    chart = {
        "kind": "bars",
        "title": "adverse_impact_ratio",
        "table": "segments",
        "x": "segment",
        "y": ["adverse_impact_ratio"],
        "reference": 0.8,
    }
    return _thresholded("adverse_impact", value, rule, detail, chart)


# ---- quantile (VaR / ES) runs: the backtests of one VaR level --------------------------------
ZONE_LIGHT = {"green": "green", "yellow": "amber", "red": "red"}  # Basel zone -> light
ZONE_RANK = {"green": 0, "yellow": 1, "red": 2}


def _level_chart(level: str, column: str, reference: float | None) -> dict:
    """Bars of one backtest column, pooled and per entity, from the result's backtests table."""
    return {
        "kind": "bars",
        "title": f"{column}_by_scope",
        "table": "backtests",
        "filter": {"level": level},
        "x": "scope",
        "y": [column],
        "reference": _num(reference),
    }


def _flagged_entities(tested: dict, key: str, below: float | None) -> str:
    """The entities whose own value is under `below`, named for the detail ("" for none)."""
    if below is None:
        return ""
    names = [
        entity
        for entity, entry in (tested.get("by_entity") or {}).items()
        if _num(entry.get(key)) is not None and entry[key] < below
    ]
    return f"; below {below:g} for {len(names)} entities: {', '.join(names)}" if names else ""


def _missing(name: str, level: str) -> Check:
    detail = f"no backtest of the {confidence(level)} VaR stored or computed"
    return Check(name, None, None, "amber", None, "below", detail, level=level)


def traffic_light_check(level: str, tested: dict, rule: P.VarTrafficLightCheck) -> Check:
    """The Basel zone as a light (red red, yellow amber), pooled or of the worst entity."""
    pooled = (tested.get("pooled") or {}).get("traffic_light")
    if not pooled:
        return _missing("var_traffic_light", level)
    zones = {e: b["traffic_light"] for e, b in (tested.get("by_entity") or {}).items()}
    if rule.over == "worst_entity" and zones:
        entity = max(
            zones, key=lambda e: (ZONE_RANK.get(zones[e]["zone"], 1), zones[e]["exceptions"])
        )
        light, where = zones[entity], f"worst entity {entity}"
    else:
        light, where = pooled, f"pooled over {max(len(zones), 1)} entities"
    counts = {z: sum(v["zone"] == z for v in zones.values()) for z in ZONE_RANK}
    plus = light.get("plus_factor")
    detail = (
        f"{where}: {light['exceptions']} exceptions in {light['n']} rows "
        f"({light.get('window', 'all')}), zone {light['zone']}, P(X <= x) "
        f"{light['cumulative_probability']:.4f}"
        + (f", plus factor {plus:.2f}" if plus is not None else "")
        + (
            f"; entities (last 250 rows) red {counts['red']}, yellow {counts['yellow']}, "
            f"green {counts['green']}"
            if zones
            else ""
        )
    )
    chart = _level_chart(level, "breach_rate", float(level))
    zone_light = ZONE_LIGHT.get(light["zone"], "amber")
    return Check(
        "var_traffic_light",
        _num(light["exceptions"]),
        None,
        zone_light,
        None,
        "zone",
        detail,
        chart,
        level,
    )


def _p_check(name: str, key: str, level: str, tested: dict, rule: P.PValueCheck, what: str):
    pooled = tested.get("pooled") or {}
    if key not in pooled:
        return _missing(name, level)
    p = _num(pooled[key])
    shown = f"{p:.3g}" if p is not None else "undefined"
    detail = f"{what}, p {shown}" + _flagged_entities(tested, key, rule.red_below)
    check = _thresholded(name, p, rule, detail, _level_chart(level, key, rule.red_below))
    check.level = level
    return check


def kupiec_check(level: str, tested: dict, rule: P.PValueCheck) -> Check:
    pooled = tested.get("pooled") or {}
    lo, hi = (_num(v) for v in (pooled.get("breach_rate_ci") or [None, None])[:2])
    interval = f" (95% CI {lo:.2%} to {hi:.2%})" if lo is not None and hi is not None else ""
    what = (
        f"{pooled.get('breaches', 0)} breaches in {pooled.get('n', 0)} rows, rate "
        f"{pooled.get('breach_rate', math.nan):.2%}{interval} against {float(level):.2%}; LR "
        f"{pooled.get('kupiec_lr', math.nan):.2f}"
    )
    return _p_check("var_kupiec", "kupiec_p", level, tested, rule, what)


def independence_check(level: str, tested: dict, rule: P.PValueCheck) -> Check:
    lr = (tested.get("pooled") or {}).get("christoffersen_lr", math.nan)
    what = f"breaches one day after another, first-order Markov test, LR {lr:.2f} (1 df)"
    return _p_check("var_independence", "christoffersen_p", level, tested, rule, what)


def conditional_coverage_check(level: str, tested: dict, rule: P.PValueCheck) -> Check:
    lr = (tested.get("pooled") or {}).get("conditional_coverage_lr", math.nan)
    what = f"breach rate and independence together, LR {lr:.2f} (2 df)"
    return _p_check("var_conditional_coverage", "conditional_coverage_p", level, tested, rule, what)


def es_check(level: str, tested: dict, rule: P.EsBacktestCheck) -> Check:
    pooled = tested.get("pooled") or {}
    if "es_z2" not in pooled:
        return _missing("es_backtest", level)
    z2, mf = _num(pooled.get("es_z2")), _num(pooled.get("es_mcneil_frey_p"))
    detail = (
        (
            f"Z2 {z2:+.2f} (zone {pooled.get('es_zone')})"
            if z2 is not None
            else "Z2 undefined (no row, or an ES on a breach day that is not a loss)"
        )
        + f"; McNeil-Frey p {f'{mf:.3g}' if mf is not None else '-'} over "
        f"{pooled.get('es_exceedances', 0)} exceedances"
        + _flagged_entities(tested, "es_z2", rule.red_below)
    )
    check = _thresholded(
        "es_backtest", z2, rule, detail, _level_chart(level, "es_z2", rule.red_below)
    )
    check.level = level
    return check
