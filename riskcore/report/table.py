"""The prediction table: every prediction with its risk band, flag, drivers and stressed scores.

It joins the run's predictions with its optional artefacts, explanations.json (the top drivers
of each prediction) and scenarios.json (stressed scores). The CSV export is this table made
safe for spreadsheets by riskcore.csvfile, as every CSV RiskLens writes: formula-like text
escaped, a BOM (Excel then reads Chinese text as UTF-8). The PDF's sections read the
same table, so the CSV and the PDF never disagree about a prediction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from riskcore.artefacts import DISPLAY_ORDER
from riskcore.csvfile import FORMULA_PREFIXES as FORMULA_PREFIXES  # the report's face shows them
from riskcore.csvfile import csv_bytes
from riskcore.csvfile import escape_cell as escape_cell
from riskcore.explain import Explanation, load_explanation
from riskcore.quantiles import es_column, level_key, var_column
from riskcore.reasons import REASON_COLUMNS, coverage_note, explanation_reasons, load_catalogue
from riskcore.reasons import run_columns as reason_sources
from riskcore.report.bands import band_cuts, risk_band, risk_sign
from riskcore.report.options import check_scope, check_threshold
from riskcore.scenarios.results import ScenarioResult
from riskcore.scenarios.results import load_scenarios as load_stored_scenarios
from riskcore.store import Run

DRIVERS = 3


# ---- optional artefacts ---------------------------------------------------------------------
def _keyed(frame: pd.DataFrame) -> pd.DataFrame:
    """time as datetime and entity as str, so artefacts join the predictions exactly."""
    out = frame.copy()
    out["time"] = pd.to_datetime(out["time"]) if "time" in out else pd.NaT
    out["entity"] = out["entity"].astype("string").fillna("").astype(str) if "entity" in out else ""
    return out


def load_explanations(run: Run) -> Explanation | None:
    """The run's SHAP explanations, keyed to join the predictions, or None."""
    exp = load_explanation(run)
    return None if exp is None else replace(exp, rows=_keyed(exp.rows))


def load_scenarios(run: Run) -> list[ScenarioResult]:
    """The run's stress scenarios, keyed to join the predictions."""
    return [replace(s, table=_with_delta(s.table)) for s in load_stored_scenarios(run)]


def _with_delta(table: pd.DataFrame) -> pd.DataFrame:
    out = _keyed(table)
    if "delta" not in out:
        out["delta"] = out["score_scenario"] - out["score_base"]
    return out


# ---- the prediction table (CSV rows; the PDF reads it too) ----------------------------------
def _drivers(exp: Explanation) -> pd.DataFrame:
    """The DRIVERS largest contributions by absolute size of each explained prediction."""
    features = np.asarray(exp.features, dtype=object)
    out = exp.rows.drop(columns=list(features)).reset_index(drop=True)
    if not len(features):
        return out
    values = exp.rows[list(features)].to_numpy(dtype=float)
    order = np.argsort(-np.abs(np.nan_to_num(values)), axis=1, kind="stable")
    for k in range(DRIVERS):
        have = k < order.shape[1]
        out[f"driver_{k + 1}"] = features[order[:, k]] if have else ""
        out[f"driver_{k + 1}_contribution"] = (
            np.take_along_axis(values, order[:, k : k + 1], axis=1)[:, 0] if have else np.nan
        )
    return out


def _reasons(run: Run, exp: Explanation, language: str) -> pd.DataFrame:
    """reason_1..reason_4 ("R03: Recent returns (ret_1d) over the last 14 days") of each
    explained prediction: its largest risk-raising inputs, from the run's reason catalogue."""
    columns = [c for block in reason_sources(run).values() for c in block]
    return explanation_reasons(exp, load_catalogue(run, exp), language, columns)


def reasons_note(table: pd.DataFrame, language: str = "en") -> str:
    """How many predictions of the table have reasons, and how to compute more."""
    have = int((table["reason_1"].fillna("") != "").sum()) if "reason_1" in table else 0
    return coverage_note(have, len(table), language)


def _join(table: pd.DataFrame, extra: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Left-join artefact columns onto the predictions by (time, entity); a cross-sectional
    run (no time) joins by row number, and not at all when the artefact has none."""
    keys = ["time", "entity"] if table["time"].notna().any() else ["row"]
    if not set(keys) <= set(extra.columns) & set(table.columns):
        return table
    extra = extra[keys + columns].drop_duplicates(keys, keep="last")
    return table.merge(extra, on=keys, how="left")


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def prediction_table(
    run: Run,
    threshold: float | None = None,
    explanations: Explanation | None = None,
    scenarios: Sequence[ScenarioResult] = (),
    cuts: Sequence[float] | None = None,
    language: str = "en",
    scope: str = "all",
) -> pd.DataFrame:
    """Every prediction (only the test split's when `scope` is "test") with its band, optional
    flag, drivers, reasons (in `language`) and scenario scores.

    `score` is the deep model's score as the run stores it: the calibrated probability for a
    classification run (the risk band and the flag read it), with the raw network output in
    `score_raw` where the run has one (runs before calibration and regressions have none)."""
    p = run.predictions
    if check_scope(scope) == "test":  # before the joins: a big run's CSV is mostly training
        p = p[p["split"] == "test"].reset_index(drop=True)
    table = pd.DataFrame(
        {
            "time": p.get("time", pd.NaT),
            "entity": p.get("entity", ""),
            "split": p["split"],
            "actual": p["y_true"],
            "score": p["score"],
        }
    )
    if "score_raw" in p:  # calibrated runs keep the model's raw score beside the probability
        table["score_raw"] = p["score_raw"]
    if run.metrics.task == "quantile":
        table = pd.concat([table, var_columns(run, p)], axis=1)
    if table["time"].isna().all() and "row" in p:  # cross-sectional: the row is the identity
        table.insert(0, "row", p["row"])
    sign = risk_sign(run)
    table["risk_band"] = risk_band(sign * table["score"].to_numpy(), cuts or band_cuts(run))
    if threshold is not None:  # a VaR is flagged at or below the threshold, a score at or above
        table["flagged"] = (sign * table["score"] >= sign * threshold).astype(int)
    if explanations is not None:
        drivers = _drivers(explanations)
        table = _join(table, drivers, [c for c in drivers if c.startswith("driver_")])
        table = _join(table, _reasons(run, explanations, language), REASON_COLUMNS)
        for column in REASON_COLUMNS:  # empty on predictions that were not explained
            if column in table:
                table[column] = table[column].fillna("").astype(str)
    for name, sc in zip(_unique_names([s.name for s in scenarios]), scenarios, strict=True):
        renamed = {"score_scenario": f"score_{name}", "delta": f"delta_{name}"}
        table = _join(table, sc.table.rename(columns=renamed), list(renamed.values()))
    return table


def var_columns(run: Run, p: pd.DataFrame | None = None) -> pd.DataFrame:
    """A quantile run's VaR and ES of every model at every level (predictions.csv's var_ and
    es_ columns, deep model first), and breach_<level>: 1 where the realised return fell below
    the deep model's VaR, 0 where it did not, empty where either is unknown. `p`: the rows of
    predictions.csv to read (all by default)."""
    p = run.predictions if p is None else p
    levels = run.quantile_levels
    names = [m for m in DISPLAY_ORDER if any(var_column(a, m) in p for a in levels)]
    columns = [
        c for m in names for a in levels for c in (var_column(a, m), es_column(a, m)) if c in p
    ]
    out = p[columns].round(10)  # returns to 1e-10: 8+ significant digits, a readable CSV
    for a in levels:
        if var_column(a) in p:
            known = p["y_true"].notna() & p[var_column(a)].notna()
            hit = (p["y_true"] < p[var_column(a)]).astype("Int64")
            out[f"breach_{level_key(a)}"] = hit.where(known, pd.NA)
    return out


def _date_text(times: pd.Series) -> pd.Series:
    """ISO dates, with the clock only when some time in the column has one."""
    if times.isna().all():
        return pd.Series("", index=times.index)
    t = pd.to_datetime(times)
    fmt = "%Y-%m-%d" if (t.dropna() == t.dropna().dt.normalize()).all() else "%Y-%m-%d %H:%M:%S"
    return t.dt.strftime(fmt).fillna("")


def report_csv(
    run: Run, threshold: float | None = None, language: str = "en", scope: str = "test"
) -> bytes:
    """The predictions as CSV for Excel, the test period's by default (`scope` "all": every
    split, a `split` column tells them apart): `score` (the calibrated probability of a
    classification run) and `score_raw` where the run keeps one, drivers and scenario columns
    when the run has them, reason_1..reason_4 (code: text, in `language`) on explained
    predictions, a 0/1 `flagged` column when a threshold is given; formula-like text escaped;
    UTF-8 BOM."""
    threshold = check_threshold(run, threshold)
    explanations, scenarios = load_explanations(run), load_scenarios(run)
    table = prediction_table(
        run, threshold, explanations, scenarios, language=language, scope=check_scope(scope)
    )
    table["time"] = _date_text(table["time"])
    return csv_bytes(table)
