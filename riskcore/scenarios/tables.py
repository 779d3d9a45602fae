"""Scenarios as tables and files: the shock editor's rows, scenario JSON files, summaries.

The Scenarios page edits shocks in a table (one row per shock) and saves / loads scenarios as
JSON; these conversions live here, beside the core, so they are tested without a browser and
every mistake comes back as the core's ConfigError naming the row and field.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pandas as pd

from riskcore.errors import ConfigError
from riskcore.scenarios.results import ScenarioResult
from riskcore.scenarios.spec import Scenario, parse_scenario

SHOCK_COLUMNS = ("feature", "op", "value", "unit", "last_steps", "entities", "from", "to")


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _day(value: Any) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value).strip()


def scenario_from_rows(name: str, rows: pd.DataFrame | list[dict]) -> Scenario:
    """A Scenario from the editor's rows; blank rows are skipped, entities are comma-separated."""
    records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else list(rows)
    shocks = []
    for row in records:
        if all(_blank(row.get(c)) for c in SHOCK_COLUMNS):
            continue
        shock: dict[str, Any] = {
            "feature": None if _blank(row.get("feature")) else str(row["feature"]),
            "op": None if _blank(row.get("op")) else str(row["op"]),
            "value": None if _blank(row.get("value")) else float(row["value"]),
            "unit": "raw" if _blank(row.get("unit")) else str(row["unit"]),
        }
        if not _blank(row.get("last_steps")):
            steps = float(row["last_steps"])
            shock["last_steps"] = int(steps) if steps.is_integer() else steps
        if not _blank(row.get("entities")):
            shock["entities"] = [e.strip() for e in str(row["entities"]).split(",") if e.strip()]
        for key in ("from", "to"):
            if _day(row.get(key)):
                shock[key] = _day(row.get(key))
        shocks.append(shock)
    if not shocks:
        raise ConfigError(
            f"scenario '{name}' has no shock; fill in at least one row (feature, op, value)"
        )
    return parse_scenario({"name": name, "shocks": shocks}, name)


def scenario_rows(scenario: Scenario) -> pd.DataFrame:
    """The editor's rows of a scenario's shocks (the inverse of scenario_from_rows)."""
    rows = [
        {
            "feature": s.feature,
            "op": s.op,
            "value": s.value,
            "unit": s.unit,
            "last_steps": s.last_steps,
            "entities": ", ".join(s.entities) if s.entities else None,
            "from": s.from_,
            "to": s.to,
        }
        for s in scenario.shocks
    ]
    return pd.DataFrame(rows, columns=list(SHOCK_COLUMNS))


def parse_scenarios(data: str | bytes, source: str = "") -> list[Scenario]:
    """Scenarios from a file: one scenario object, a list of them, or {"scenarios": [...]}."""
    label = f"'{source}'" if source else "(JSON)"
    try:
        loaded = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"scenario file {label} is not valid JSON: {exc}; fix the file") from None
    if isinstance(loaded, dict) and "scenarios" in loaded and "name" not in loaded:
        loaded = loaded["scenarios"]
    items = loaded if isinstance(loaded, list) else [loaded]
    if not items:
        raise ConfigError(f"scenario file {label} holds no scenario")
    scenarios = [
        parse_scenario(item, f"{source} #{i}" if len(items) > 1 else source)
        for i, item in enumerate(items, start=1)
    ]
    names = [s.name for s in scenarios]
    twice = next((n for n in names if names.count(n) > 1), None)
    if twice is not None:
        raise ConfigError(
            f"scenario file {label} names two scenarios '{twice}'; give each a different name"
        )
    return scenarios


def dump_scenarios(scenarios: list[Scenario]) -> str:
    """JSON text: one scenario as the design's object (the CLI reads it), several as a list."""
    items = [json.loads(s.to_json()) for s in scenarios]
    return json.dumps(items[0] if len(items) == 1 else items, indent=2, ensure_ascii=False)


def summary_table(results: list[ScenarioResult], threshold: float = 0.5) -> pd.DataFrame:
    """One row per scenario: how many predictions moved, score means, tail, share above the
    threshold and expected events, before and after."""
    rows = []
    for r in results:
        s = r.summary(threshold)
        rows.append(
            {
                "scenario": r.name,
                "predictions": s["predictions"],
                "affected": s["affected"],
                "mean_base": s["base"]["mean"],
                "mean_scenario": s["scenario"]["mean"],
                "mean_delta": s["mean_delta"],
                "p90_base": s["base"]["p90"],
                "p90_scenario": s["scenario"]["p90"],
                "share_above_base": s["base"]["share_above"],
                "share_above_scenario": s["scenario"]["share_above"],
                "events_base": s["base"]["expected_events"],
                "events_scenario": s["scenario"]["expected_events"],
            }
        )
    return pd.DataFrame(rows)


def var_summary_table(results: list[ScenarioResult]) -> pd.DataFrame:
    """A quantile run's results, one row per scenario and VaR level: mean VaR and ES over every
    prediction, base and stressed, and their change in bp (negative = more risk)."""
    rows = [{"scenario": r.name, **r.var_summary(level)} for r in results for level in r.levels]
    return pd.DataFrame(rows)
