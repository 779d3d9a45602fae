"""Validating a quantile (VaR / ES) run: its backtests, gated by the var_* and es_backtest
sections of the policy, in place of the classification checks (grades, calibration, Gini, PSI).

On the run's own test split nothing is recomputed: the checks read the backtests stored in
metrics.json (`test.model.backtest.<level>` pooled, `by_entity.model.<level>` per entity). On new
labelled data the same backtests (riskcore.backtests.backtest_panel) are computed on the model's
VaR and ES for those rows, scored with the saved run (riskcore.scoring: no refit).

One check per VaR level, not the lowest level only: a desk reports every level it configures
(99% VaR for the Basel traffic light, 97.5% for the FRTB expected shortfall, whose Z2 critical
values are the ones calibrated), and a model right at 99% but wrong at 97.5% must not pass.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from riskcore.backtests import backtest_panel
from riskcore.quantiles import es_column, level_key, var_column
from riskcore.store import Run
from riskcore.validation import checks as C
from riskcore.validation import policy as P
from riskcore.validation.errors import ValidateError
from riskcore.validation.wording import Phrase, reasoned, word

# the classification checks a quantile run skips, each with why
CLASSIFICATION_CHECKS = (
    "test_gini",
    "comparator",
    "grades",
    "hosmer_lemeshow",
    "spiegelhalter",
    "discrimination",
    "score_psi",
    "input_psi",
    "adverse_impact",
)
SKIP_REASONS = {  # why a classification check does not run (default: skip.not_pd)
    "comparator": "skip.var_comparator",
    "adverse_impact": "skip.var_adverse_impact",
}
TABLE_COLUMNS = [
    "level",
    "scope",
    "pooled",
    "n",
    "breaches",
    "breach_rate",
    "kupiec_p",
    "christoffersen_p",
    "conditional_coverage_p",
    "zone",
    "exceptions",
    "window",
    "es_z2",
    "es_zone",
    "es_mcneil_frey_p",
]
POOLED = "pooled"  # the scope of the pooled row; entities keep their own names


def model_columns(run: Run) -> list[str]:
    """The deep model's var_<level> / es_<level> columns, as predictions.csv and scoring name
    them: what a sample of a quantile run carries beside y_true."""
    return [c for a in run.config.quantiles for c in (var_column(a), es_column(a))]


def levels(run: Run) -> list[str]:
    return [level_key(a) for a in run.quantile_levels]


def stored_backtests(run: Run) -> dict[str, dict]:
    """level key -> {"pooled": ..., "by_entity": {entity: ...}} from metrics.json."""
    metrics = run.metrics
    pooled = metrics.scores("model").get("backtest") or {}
    by_entity = (metrics.get("by_entity") or {}).get("model") or {}
    return {
        key: {"pooled": pooled.get(key) or {}, "by_entity": by_entity.get(key) or {}}
        for key in levels(run)
    }


def computed_backtests(run: Run, rows: pd.DataFrame) -> dict[str, dict]:
    """The same backtests on labelled rows of new data (time, entity, y_true, var_/es_ columns)."""
    known = rows[rows["y_true"].notna()]
    if known.empty:
        raise ValidateError(
            f"none of the {len(rows)} rows has a known forward return yet; validate data that "
            "reaches at least one horizon past its first full window"
        )
    times = known["time"].to_numpy() if known["time"].notna().all() else np.arange(len(known))
    out = {}
    for a in run.config.quantiles:
        out[level_key(a)] = backtest_panel(
            known["y_true"],
            known[var_column(a)],
            known.get(es_column(a)),
            a,
            known["entity"],
            times,
        )
    return out


def backtest_table(tested: dict[str, dict]) -> pd.DataFrame:
    """One row per level and scope (pooled first, then each entity): the numbers the checks
    read, for the page's table and the checks' charts."""
    records = []
    for key, entry in tested.items():
        scopes = [(POOLED, entry.get("pooled") or {})]
        scopes += sorted((entry.get("by_entity") or {}).items())
        for scope, b in scopes:
            if not b:
                continue
            light = b.get("traffic_light") or {}
            records.append(
                {
                    **{k: b.get(k) for k in TABLE_COLUMNS},
                    "level": key,
                    "scope": str(scope),
                    "pooled": scope == POOLED,
                    "zone": light.get("zone"),
                    "exceptions": light.get("exceptions"),
                    "window": light.get("window"),
                }
            )
    return pd.DataFrame(records, columns=TABLE_COLUMNS)


def quantile_checks(
    run: Run, tested: dict[str, dict], policy: P.Policy, kind: str
) -> list[C.Check]:
    """Every enabled VaR / ES check at every level, then the comparator verdict."""
    checks: list[C.Check] = []
    for key, entry in tested.items():
        if policy.var_traffic_light.enabled:
            checks.append(C.traffic_light_check(key, entry, policy.var_traffic_light))
        if policy.var_kupiec.enabled:
            checks.append(C.kupiec_check(key, entry, policy.var_kupiec))
        if policy.var_independence.enabled:
            checks.append(C.independence_check(key, entry, policy.var_independence))
        if policy.var_conditional_coverage.enabled:
            checks.append(C.conditional_coverage_check(key, entry, policy.var_conditional_coverage))
        if policy.es_backtest.enabled:
            checks.append(C.es_check(key, entry, policy.es_backtest))
    if policy.var_comparator.enabled:
        from riskcore.verdict import decide

        where = word("where.test_period") if kind == "new_data" else ""
        checks.append(C.comparator_check(decide(run.metrics), "var_comparator", where))
    return checks


def skipped_checks(policy: P.Policy, segment: str | None) -> list[dict]:
    """The enabled classification checks, each with why a quantile run does not run it."""
    out = []
    for name in CLASSIFICATION_CHECKS:
        if getattr(policy, name).enabled:
            reason = word(SKIP_REASONS.get(name, "skip.not_pd"))
            if name == "adverse_impact" and segment:
                reason = Phrase("skip.segment_unused", {"reason": reason, "segment": segment})
            out.append(reasoned(reason, name=name))
    return out


def data_facts(rows: pd.DataFrame, kind: str, tested: dict[str, dict]) -> dict:
    """What was validated; `events` are the breaches of the lowest VaR level (pooled)."""
    lowest = next(iter(tested.values()), {}).get("pooled") or {}
    times = rows["time"].dropna()
    source = (
        "the backtests stored with the run (metrics.json), not recomputed"
        if kind == "test"
        else "backtests computed on the labelled rows, scored with the run's saved model"
    )
    return {
        "kind": kind,
        "rows": len(rows),
        "with_outcome": int(rows["y_true"].notna().sum()),
        "events": int(lowest.get("breaches") or 0),
        "from": times.min().date().isoformat() if len(times) else None,
        "to": times.max().date().isoformat() if len(times) else None,
        "task": "quantile",
        "levels": list(tested),
        "backtested": int(lowest.get("n") or 0),
        "backtests": "stored" if kind == "test" else "computed",
        "note": source,
    }


def assess(
    run: Run, rows: pd.DataFrame, kind: str, policy: P.Policy, segment: str | None
) -> tuple[list[C.Check], list[dict], pd.DataFrame, dict]:
    """checks, skipped, the backtests table and the data facts of a quantile run."""
    tested = stored_backtests(run) if kind == "test" else computed_backtests(run, rows)
    return (
        quantile_checks(run, tested, policy, kind),
        skipped_checks(policy, segment),
        backtest_table(tested),
        data_facts(rows, kind, tested),
    )


def is_quantile(run: Run) -> bool:
    return run.metrics.task == "quantile"
