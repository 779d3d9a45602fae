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
from riskcore.phrases import ModelName
from riskcore.quantiles import confidence
from riskcore.validation import policy as P
from riskcore.validation.grades import tested_p
from riskcore.validation.stability import WHOLE
from riskcore.validation.wording import Phrase, model, reading, word
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
    phrase: Phrase | None = None  # the detail as a key and values, to say it in any language

    def __post_init__(self) -> None:
        if self.phrase is not None and not self.detail:
            self.detail = self.phrase.say()  # English: the CLI's, and an old reader's

    def detail_in(self, language: str = "en", model_name: ModelName | None = None) -> str:
        """The detail in `language`; a check read from an older validation.json has only its
        English sentence."""
        return self.phrase.say(language, model_name) if self.phrase else self.detail

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
        out["phrase"] = self.phrase.to_dict() if self.phrase else None
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
        check = cls(**{k: data.get(k) for k in keys if k in data})
        check.phrase = Phrase.from_dict(data.get("phrase"))
        return check


def _thresholded(name: str, value, rule: P.LowIsBad | P.HighIsBad, phrase: Phrase, chart: dict):
    d = rule.describe()
    return Check(
        name,
        _num(value),
        d["threshold"],
        rule.light(_num(value)),
        d["amber"],
        d["rule"],
        chart=chart,
        phrase=phrase,
    )


def _interval(lo: float | None, hi: float | None, key: str = "ci") -> Phrase | str:
    """ " (95% CI lo to hi)", or nothing when an end is missing."""
    return Phrase(key, {"lo": lo, "hi": hi}) if lo is not None and hi is not None else ""


def gini_check(value: float, ci, rule: P.GiniCheck, where: Phrase) -> Check:
    lo, hi = (_num(v) for v in (ci or [None, None])[:2])
    phrase = Phrase("detail.gini", {"value": value, "interval": _interval(lo, hi), "where": where})
    chart = {"kind": "interval", "value": _num(value), "lo": lo, "hi": hi}  # titled by the check
    return _thresholded("test_gini", value, rule, phrase, chart)


def comparator_check(verdict: Verdict, name: str = "comparator", where: Phrase | str = "") -> Check:
    """Red when the comparator is better beyond the paired interval (its upper end below 0),
    amber when the comparator is ahead within it, green when the model is ahead. The numbers
    of the detail are shown as findings shows them (the pinball loss in basis points)."""
    lo, hi = verdict.advantage_ci
    scale = DISPLAY_SCALE.get(verdict.metric, 1.0)
    unit = word("unit.bp") if scale == 1e4 else ""
    if verdict.outcome == "undefined":
        light, phrase = "amber", word("detail.comparator_undefined")
    else:
        beyond = math.isfinite(hi) and hi < 0
        light = "red" if beyond else "amber" if verdict.outcome == "worse" else "green"
        metric = verdict.metric
        phrase = Phrase(
            "detail.comparator",
            {
                "model": verdict.model_value * scale,
                "unit": unit,
                "comparator": model(verdict.comparator),
                "other": verdict.comparator_value * scale,
                "metric": word(f"metric.{metric}") if metric == "pinball" else display_name(metric),
                "advantage": verdict.advantage * scale,
                "lo": lo * scale,
                "hi": hi * scale,
                "outcome": word(f"outcome.{verdict.outcome}"),
                "where": where,
            },
        )
    chart = {
        "kind": "interval",
        "value": _num(verdict.advantage),
        "lo": _num(lo),
        "hi": _num(hi),
        "reference": 0.0,
    }
    return Check(
        name, _num(verdict.advantage), 0.0, light, None, "verdict", chart=chart, phrase=phrase
    )


def grades_check(grades: pd.DataFrame, rule: P.GradesPolicy) -> Check:
    tested = grades[grades["n"] > 0]
    p = tested_p(tested, rule)
    value = float(p.min()) if len(p) else math.nan
    bad = tested[tested["light"].isin(["red", "amber"])]
    pairs = zip(bad.itertuples(), p[bad.index], strict=True)
    listed = [
        Phrase("grade", {"grade": g.grade, "light": word(f"light.{g.light}"), "p": pv})
        for g, pv in pairs
    ]
    phrase = Phrase(
        "detail.grades",
        {
            "test": word(f"term.test.{rule.test}"),
            "side": word("side.under" if rule.side == "under" else "side.both"),
            "listed": listed or Phrase("grades.green", {"n": len(tested)}),
        },
    )
    chart = {
        "kind": "bars",
        "title": "grades",  # ui/i18n.py validate.chart.<title>: what the chart draws
        "table": "grades",
        "x": "grade",
        "y": ["mean_pd", "observed_rate"],
        "light": "light",
    }
    check = _thresholded("grades", value, rule, phrase, chart)
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
    phrase = Phrase(
        "detail.hosmer_lemeshow",
        {
            "h": summary["hosmer_lemeshow"],
            "df": summary["hosmer_lemeshow_df"],
            "groups": rule.groups,
            "mean_pd": summary["mean_pd"],
            "observed": summary["observed_rate"],
        },
    )
    chart = dict(CALIBRATION_CHART)
    return _thresholded("hosmer_lemeshow", summary["hosmer_lemeshow_p"], rule, phrase, chart)


def spiegelhalter_check(summary: dict, rule: P.PValueCheck) -> Check:
    phrase = Phrase(
        "detail.spiegelhalter",
        {
            "z": summary["spiegelhalter_z"],
            "slope": summary["calibration_slope"],
            "intercept": summary["calibration_intercept"],
        },
    )
    chart = dict(CALIBRATION_CHART)
    return _thresholded("spiegelhalter", summary["spiegelhalter_p"], rule, phrase, chart)


def discrimination_check(
    periods: pd.DataFrame, overall: float, rule: P.DiscriminationCheck
) -> Check:
    flagged = periods[periods["flagged"]]
    eligible = int(periods["eligible"].sum())
    names = flagged["period"].astype(str).tolist()
    phrase = Phrase(
        "detail.discrimination",
        {
            "flagged": len(flagged),
            "eligible": eligible,
            "overall": overall,
            "names": Phrase("listed", {"items": names}) if names else "",
        },
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
    return _thresholded("discrimination", len(flagged), rule, phrase, chart)


def _psi_value(
    stability: pd.DataFrame, features: list[str], rule: P.PsiCheck, min_rows: int
) -> tuple[float, Phrase]:
    rows = stability[stability["feature"].isin(features)]
    if rule.over == "split":
        rows = rows[rows["period"] == WHOLE]
    else:
        rows = rows[(rows["period"] != WHOLE) & (rows["n"] >= min_rows)]
    rows = rows[np.isfinite(rows["psi"])]
    if rows.empty:
        return math.nan, word("detail.no_rows")
    top = rows.loc[rows["psi"].idxmax()]
    where = (
        word("psi.whole")
        if top["period"] == WHOLE
        else Phrase("psi.period", {"period": str(top["period"])})
    )
    at = {
        "feature": word("psi.score") if top["feature"] == "score" else str(top["feature"]),
        "where": where,
        "psi": float(top["psi"]),
        "reading": reading(top["reading"]),
    }
    return float(top["psi"]), Phrase("detail.psi", {"where": Phrase("psi.at", at)})


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
    return _thresholded("score_psi", value, rule, where, chart)


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
    return _thresholded("input_psi", value, rule, where, chart)


def adverse_impact_check(segments: pd.DataFrame, rule: P.AdverseImpactCheck, info: dict) -> Check:
    rows = segments[segments["eligible"] & np.isfinite(segments["adverse_impact_ratio"])]
    if rows.empty:
        value, phrase = math.nan, Phrase("detail.no_segment", {"column": str(info["column"])})
    else:
        low = rows.loc[rows["adverse_impact_ratio"].idxmin()]
        best = rows.loc[rows["approval_rate"].idxmax()]
        value = 1.0 - float(low["adverse_impact_ratio"])
        failed = rows.loc[rows["four_fifths_flag"], "segment"].astype(str).tolist()
        phrase = Phrase(
            "detail.adverse_impact",
            {
                "column": str(info["column"]),
                "low": str(low["segment"]),
                "low_rate": float(low["approval_rate"]),
                "best": str(best["segment"]),
                "best_rate": float(best["approval_rate"]),
                "ratio": float(low["adverse_impact_ratio"]),
                "threshold": float(info["threshold"]),
                "failed": Phrase("four_fifths", {"items": failed}) if failed else "",
            },
        )
    chart = {
        "kind": "bars",
        "title": "adverse_impact_ratio",
        "table": "segments",
        "x": "segment",
        "y": ["adverse_impact_ratio"],
        "reference": 0.8,
    }
    return _thresholded("adverse_impact", value, rule, phrase, chart)


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


def _flagged_entities(tested: dict, key: str, below: float | None) -> Phrase | str:
    """The entities whose own value is under `below`, named for the detail ("" for none)."""
    if below is None:
        return ""
    names = [
        str(entity)
        for entity, entry in (tested.get("by_entity") or {}).items()
        if _num(entry.get(key)) is not None and entry[key] < below
    ]
    values = {"below": below, "n": len(names), "items": names}
    return Phrase("entities.below", values) if names else ""


def _missing(name: str, level: str) -> Check:
    phrase = Phrase("detail.no_backtest", {"confidence": confidence(level)})
    return Check(name, None, None, "amber", None, "below", level=level, phrase=phrase)


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
        light, where = zones[entity], Phrase("tl.worst", {"entity": str(entity)})
    else:
        light, where = pooled, Phrase("tl.pooled", {"n": max(len(zones), 1)})
    counts = {z: sum(v["zone"] == z for v in zones.values()) for z in ZONE_RANK}
    plus = light.get("plus_factor")
    phrase = Phrase(
        "detail.traffic_light",
        {
            "where": where,
            "exceptions": light["exceptions"],
            "n": light["n"],
            "window": word(f"window.{light.get('window', 'all')}"),
            "zone": word(f"zone.{light['zone']}"),
            "p": light["cumulative_probability"],
            "plus": Phrase("tl.plus", {"plus": plus}) if plus is not None else "",
            "entities": Phrase("tl.entities", counts) if zones else "",
        },
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
        chart=chart,
        level=level,
        phrase=phrase,
    )


def _p_value(p: float | None) -> Phrase:
    return Phrase("p", {"p": p}) if p is not None else word("undefined")


def _p_check(name: str, key: str, level: str, tested: dict, rule: P.PValueCheck, what: Phrase):
    pooled = tested.get("pooled") or {}
    if key not in pooled:
        return _missing(name, level)
    p = _num(pooled[key])
    flagged = _flagged_entities(tested, key, rule.red_below)
    phrase = Phrase("detail.p", {"what": what, "p": _p_value(p), "flagged": flagged})
    check = _thresholded(name, p, rule, phrase, _level_chart(level, key, rule.red_below))
    check.level = level
    return check


def kupiec_check(level: str, tested: dict, rule: P.PValueCheck) -> Check:
    pooled = tested.get("pooled") or {}
    lo, hi = (_num(v) for v in (pooled.get("breach_rate_ci") or [None, None])[:2])
    what = Phrase(
        "detail.kupiec",
        {
            "breaches": pooled.get("breaches", 0),
            "n": pooled.get("n", 0),
            "rate": pooled.get("breach_rate", math.nan),
            "interval": _interval(lo, hi, "ci.percent"),
            "level": float(level),
            "lr": pooled.get("kupiec_lr", math.nan),
        },
    )
    return _p_check("var_kupiec", "kupiec_p", level, tested, rule, what)


def independence_check(level: str, tested: dict, rule: P.PValueCheck) -> Check:
    lr = (tested.get("pooled") or {}).get("christoffersen_lr", math.nan)
    what = Phrase("detail.independence", {"lr": lr})
    return _p_check("var_independence", "christoffersen_p", level, tested, rule, what)


def conditional_coverage_check(level: str, tested: dict, rule: P.PValueCheck) -> Check:
    lr = (tested.get("pooled") or {}).get("conditional_coverage_lr", math.nan)
    what = Phrase("detail.conditional_coverage", {"lr": lr})
    return _p_check("var_conditional_coverage", "conditional_coverage_p", level, tested, rule, what)


def es_check(level: str, tested: dict, rule: P.EsBacktestCheck) -> Check:
    pooled = tested.get("pooled") or {}
    if "es_z2" not in pooled:
        return _missing("es_backtest", level)
    z2, mf = _num(pooled.get("es_z2")), _num(pooled.get("es_mcneil_frey_p"))
    phrase = Phrase(
        "detail.es",
        {
            "z2": (
                Phrase("es.z2", {"z2": z2, "zone": word(f"zone.{pooled.get('es_zone')}")})
                if z2 is not None
                else word("es.z2_undefined")
            ),
            "p": Phrase("p", {"p": mf}) if mf is not None else word("none"),
            "exceedances": pooled.get("es_exceedances", 0),
            "flagged": _flagged_entities(tested, "es_z2", rule.red_below),
        },
    )
    check = _thresholded(
        "es_backtest", z2, rule, phrase, _level_chart(level, "es_z2", rule.red_below)
    )
    check.level = level
    return check
