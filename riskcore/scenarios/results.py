"""Scenario results: base and stressed score of every prediction, and their place in the run.

A ScenarioResult is what applying a scenario gives (riskcore.scenarios.apply) and what the CLI
writes as CSV; its summary (score distribution before and after, expected events, the entities
moved most) is what the page and the report show. save_scenarios keeps results with the run in
scenarios.json, so the Scenarios page, the report and a restarted server read the same results.

A quantile run's table also holds the VaR and ES at each level, base and stressed
(var_<level>_base, var_<level>_scenario, var_<level>_delta, the same for es_<level>); `score_*`
is then the VaR at the lowest level. VaR and ES are returns: a negative change (stressed minus
base) moves them further into the tail, i.e. more risk; var_summary and var_by_entity give the
change in basis points, pooled and per entity.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from riskcore.quantiles import es_column, level_key, var_column
from riskcore.scenarios.spec import Scenario, parse_scenario
from riskcore.store import Run, RunStore

SCENARIOS_FILE = "scenarios.json"
BP = 1e4  # basis points per unit of return
VAR_BASE = re.compile(r"^var_(.+)_base$")


def value_columns(name: str) -> tuple[str, str, str]:
    """A reported value's base, scenario and change columns in a result table: score ->
    score_base, score_scenario, delta; var_0.01 -> var_0.01_base, ..._scenario, ..._delta."""
    if name == "score":
        return "score_base", "score_scenario", "delta"
    return f"{name}_base", f"{name}_scenario", f"{name}_delta"


def _extra_values(table: pd.DataFrame) -> list[str]:
    """Reported values beyond the score held by a table (a quantile run's VaR and ES)."""
    return [c[: -len("_base")] for c in table.columns if c.endswith("_base") and c != "score_base"]


def _var_stats(t: pd.DataFrame, level: float) -> dict:
    """Mean VaR and ES at `level`, base and stressed, and their changes in bp."""
    var_delta = value_columns(var_column(level))[2]
    out: dict = {"predictions": len(t), "affected": int((t[var_delta] != 0).sum())}
    for kind, column in (("var", var_column(level)), ("es", es_column(level))):
        base, scenario, delta = value_columns(column)
        out[f"{kind}_base"] = float(t[base].mean()) if len(t) else math.nan
        out[f"{kind}_scenario"] = float(t[scenario].mean()) if len(t) else math.nan
        out[f"{kind}_change_bp"] = float(t[delta].mean() * BP) if len(t) else math.nan
    return out


def _score_stats(scores: pd.Series, threshold: float) -> dict:
    s = scores.to_numpy(dtype=float)
    p50, p90, p99 = np.quantile(s, [0.5, 0.9, 0.99]) if len(s) else (math.nan,) * 3
    return {
        "mean": float(s.mean()) if len(s) else math.nan,
        "p50": float(p50),
        "p90": float(p90),
        "p99": float(p99),
        "share_above": float((s >= threshold).mean()) if len(s) else math.nan,
        "expected_events": float(s.sum()),
    }


@dataclass
class ScenarioResult:
    """Base and scenario score of every prediction: the CLI's scenario CSV is `table`."""

    name: str
    table: pd.DataFrame  # time, entity, score_base, score_scenario, delta
    scenario: Scenario | None = None

    def summary(self, threshold: float = 0.5) -> dict:
        """Score distribution before and after, events expected, and the entities moved most."""
        t = self.table
        movers = self.top_movers(10)
        return {
            "name": self.name,
            "threshold": float(threshold),
            "predictions": len(t),
            "affected": int((t["delta"] != 0).sum()),
            "base": _score_stats(t["score_base"], threshold),
            "scenario": _score_stats(t["score_scenario"], threshold),
            "mean_delta": float(t["delta"].mean()) if len(t) else math.nan,
            "top_entities": [
                {"entity": str(r.entity), "mean_delta": float(r.mean_delta)}
                for r in movers.itertuples()
            ],
            **(
                {"var": {level_key(a): self.var_summary(a) for a in self.levels}}
                if self.levels
                else {}
            ),
        }

    @property
    def levels(self) -> list[float]:
        """The VaR levels of a quantile run's result, ascending (empty otherwise)."""
        found = (VAR_BASE.match(c) for c in self.table.columns)
        return sorted(float(m.group(1)) for m in found if m)

    def var_summary(self, level: float) -> dict:
        """Pooled over every prediction: mean VaR and ES at `level`, base and stressed, and the
        change in bp (stressed minus base; negative = further into the tail, more risk)."""
        return {"level": level, **_var_stats(self.table, level)}

    def var_by_entity(self, level: float) -> pd.DataFrame:
        """var_summary per entity: entity, predictions, affected, var_base, var_scenario,
        var_change_bp, es_base, es_scenario, es_change_bp; the most risk added first."""
        rows = [
            {"entity": str(entity), **_var_stats(group, level)}
            for entity, group in self.table.groupby("entity", sort=True)
        ]
        out = pd.DataFrame(rows)
        if out.empty:
            return out
        order = out["var_change_bp"].sort_values(kind="stable").index
        return out.loc[order].reset_index(drop=True)

    def top_movers(self, n: int = 10) -> pd.DataFrame:
        """Entities whose mean score moved most (either way): entity, means, delta, rows."""
        grouped = self.table.groupby("entity", sort=True)
        out = pd.DataFrame(
            {
                "mean_base": grouped["score_base"].mean(),
                "mean_scenario": grouped["score_scenario"].mean(),
                "mean_delta": grouped["delta"].mean(),
                "predictions": grouped.size(),
            }
        ).reset_index()
        order = out["mean_delta"].abs().sort_values(ascending=False, kind="stable").index
        return out.loc[order].head(n).reset_index(drop=True)


# ---- stored with the run -----------------------------------------------------------------------
def _result_json(result: ScenarioResult, threshold: float) -> dict:
    t = result.table
    times = [None if pd.isna(v) else pd.Timestamp(v).isoformat() for v in t["time"]]
    return {
        "name": result.name,
        "scenario": result.scenario.model_dump(mode="json", by_alias=True)
        if result.scenario
        else None,
        "summary": result.summary(threshold),
        "table": {
            "time": times,
            "entity": t["entity"].astype(str).tolist(),
            "score_base": np.round(t["score_base"].to_numpy(dtype=float), 6).tolist(),
            "score_scenario": np.round(t["score_scenario"].to_numpy(dtype=float), 6).tolist(),
            **{  # returns: 8 decimals keep a hundredth of a basis point
                column: np.round(t[column].to_numpy(dtype=float), 8).tolist()
                for name in _extra_values(t)
                for column in value_columns(name)[:2]
            },
        },
    }


def save_scenarios(
    store: RunStore, run_id: str, results: list[ScenarioResult], threshold: float = 0.5
) -> None:
    """Keep results with the run for the report; a saved scenario of the same name is replaced."""
    old = (store.load(run_id).json(SCENARIOS_FILE) or {}).get("scenarios", [])
    new = [_result_json(r, threshold) for r in results]
    names = {s["name"] for s in new}
    kept = [s for s in old if s.get("name") not in names]
    store.add_files(run_id, {SCENARIOS_FILE: {"version": 1, "scenarios": kept + new}})


def _result_from_json(item: dict) -> ScenarioResult:
    t = item["table"]
    table = pd.DataFrame(
        {
            "time": pd.to_datetime(pd.Series(t["time"], dtype=object)),
            "entity": pd.Series(t["entity"], dtype=object).astype(str),
            "score_base": np.asarray(t["score_base"], dtype=float),
            "score_scenario": np.asarray(t["score_scenario"], dtype=float),
        }
    )
    table["delta"] = table["score_scenario"] - table["score_base"]
    for name in [k[: -len("_base")] for k in t if k.endswith("_base") and k != "score_base"]:
        base, stressed, delta = value_columns(name)
        table[base] = np.asarray(t[base], dtype=float)
        table[stressed] = np.asarray(t[stressed], dtype=float)
        table[delta] = table[stressed] - table[base]
    scenario = parse_scenario(item["scenario"], item["name"]) if item.get("scenario") else None
    return ScenarioResult(item["name"], table, scenario)


def load_scenarios(run: Run) -> list[ScenarioResult]:
    """Scenario results saved with the run (empty when none were)."""
    stored = run.json(SCENARIOS_FILE) or {}
    return [_result_from_json(item) for item in stored.get("scenarios", [])]
