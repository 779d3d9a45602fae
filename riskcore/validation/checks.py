"""The checks of a validation: one value each, its thresholds from the policy, and a light.

Each check also names the result table and columns that draw its chart (`chart`), so the
Validate page and the report draw the same picture from validation.json without recomputing.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from riskcore.validation import policy as P
from riskcore.validation.grades import tested_p
from riskcore.validation.stability import WHOLE
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
}


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
    rule: str = "below"  # below: bad when low; above: bad when high; verdict: see detail
    detail: str = ""
    chart: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return LABELS.get(self.name, self.name)

    def threshold_text(self) -> str:
        if self.rule == "verdict":
            return "paired 95% CI above 0"
        sign = "<" if self.rule == "below" else ">"
        parts = [f"red {sign} {self.threshold:g}"] if self.threshold is not None else []
        if self.amber is not None:
            parts.append(f"amber {sign} {self.amber:g}")
        return ", ".join(parts) or "-"

    def to_dict(self) -> dict:
        out = asdict(self)
        out["label"] = self.label
        out["value"], out["threshold"], out["amber"] = (
            _num(self.value),
            _num(self.threshold),
            _num(self.amber),
        )
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Check:
        keys = ("name", "value", "threshold", "light", "amber", "rule", "detail", "chart")
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
    chart = {"kind": "interval", "value": _num(value), "lo": lo, "hi": hi}
    return _thresholded("test_gini", value, rule, detail, chart)


def comparator_check(verdict: Verdict) -> Check:
    """Red when the comparator is better beyond the paired interval (its upper end below 0),
    amber when the comparator is ahead within it, green when the model is ahead."""
    lo, hi = verdict.advantage_ci
    if verdict.outcome == "undefined":
        light, detail = "amber", "no comparator metric to compare with (undefined verdict)"
    else:
        beyond = math.isfinite(hi) and hi < 0
        light = "red" if beyond else "amber" if verdict.outcome == "worse" else "green"
        detail = (
            f"model {verdict.model_value:.3f} vs {verdict.comparator} "
            f"{verdict.comparator_value:.3f} ({verdict.metric}); advantage "
            f"{verdict.advantage:+.3f} (95% CI {lo:+.3f} to {hi:+.3f}); verdict {verdict.outcome}"
        )
    chart = {
        "kind": "interval",
        "value": _num(verdict.advantage),
        "lo": _num(lo),
        "hi": _num(hi),
        "reference": 0.0,
    }
    return Check("comparator", _num(verdict.advantage), 0.0, light, None, "verdict", detail, chart)


def grades_check(grades: pd.DataFrame, rule: P.GradesPolicy) -> Check:
    tested = grades[grades["n"] > 0]
    p = tested_p(tested, rule)
    value = float(p.min()) if len(p) else math.nan
    bad = tested[tested["light"].isin(["red", "amber"])]
    pairs = zip(bad.itertuples(), p[bad.index], strict=True)
    listed = ", ".join(f"grade {g.grade} {g.light} (p {pv:.3g})" for g, pv in pairs)
    detail = f"{rule.test} test, {'one-sided' if rule.side == 'under' else 'both tails'}; " + (
        listed or f"all {len(tested)} non-empty grades green"
    )
    chart = {
        "kind": "bars",
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


def score_psi_check(stability: pd.DataFrame, rule: P.PsiCheck, min_rows: int) -> Check:
    value, where = _psi_value(stability, ["score"], rule, min_rows)
    chart = {
        "kind": "line",
        "table": "stability",
        "filter": {"feature": "score"},
        "x": "period",
        "y": "psi",
    }
    return _thresholded("score_psi", value, rule, f"largest: {where}", chart)


def input_psi_check(stability: pd.DataFrame, rule: P.InputPsiCheck, min_rows: int) -> Check:
    inputs = [f for f in stability["feature"].unique() if f != "score"]
    value, where = _psi_value(stability, inputs, rule, min_rows)
    chart = {"kind": "heatmap", "table": "stability", "x": "period", "y": "feature", "z": "psi"}
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
        "table": "segments",
        "x": "segment",
        "y": ["adverse_impact_ratio"],
        "reference": 0.8,
    }
    return _thresholded("adverse_impact", value, rule, detail, chart)
