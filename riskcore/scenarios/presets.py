"""Preset scenarios: named shocks and a replay that an analyst binds to one of the run's inputs.

Each preset is a template (an op, a value, the blocks it may apply to, name patterns to guess the
column); build_preset turns one into a valid Scenario, scaled by the page's size slider, and
worst_period finds the months a replay of the worst period should take.
"""

from __future__ import annotations

import math
import re
from datetime import date

import numpy as np
import pandas as pd

from riskcore.errors import ConfigError
from riskcore.scenarios.spec import (
    Replay,
    Scenario,
    Shock,
    listing,
    replay_problem,
    shockable_features,
    validate_scenario,
)
from riskcore.store import Run

PRESETS: dict[str, dict] = {
    "policy_rate_up_200bp": {
        "description": "Policy rate +200 bp (adds 2.0 to a rate quoted in percent)",
        "shock": {"op": "add", "value": 2.0, "unit": "raw"},
        "blocks": ["macro", "sequence", "static"],
        "patterns": [r"policy.*rate|政策利率|基准利率", r"rate|利率"],
    },
    "credit_spread_up_2sd": {
        "description": "Credit spread +2 training standard deviations",
        "shock": {"op": "add", "value": 2.0, "unit": "std"},
        "blocks": ["macro", "sequence", "static"],
        "patterns": [r"credit.*spread|信用利差", r"spread|利差"],
    },
    "sentiment_crash_2sd": {
        "description": "News sentiment -2 training standard deviations",
        "shock": {"op": "add", "value": -2.0, "unit": "std"},
        "blocks": ["sentiment", "macro", "sequence"],
        "patterns": [r"sentiment|情绪|舆情|tone"],
    },
    "volatility_x2_last_10": {
        "description": "Returns (or volatility) x2 over the last 10 steps of each window",
        "shock": {"op": "multiply", "value": 2.0, "last_steps": 10},
        "blocks": ["sequence"],
        "patterns": [
            r"volatil|波动",
            r"(^|_)vol(_|$|\d)",
            r"(^|_)(ret|return|returns)(_|$|\d)|收益率|涨跌",
        ],
    },
    "replay_worst_3_months": {
        "description": "Replay the 3 months with the highest realised event rate in the run",
        "replay_months": 3,
    },
}


def _preset(name: str) -> dict:
    if name not in PRESETS:
        raise ConfigError(f"unknown scenario preset '{name}'; use one of {', '.join(PRESETS)}")
    return PRESETS[name]


def guess_column(preset: str, run: Run) -> str | None:
    """The run's feature a preset most likely means, by name; None if none fits (or a replay)."""
    template = _preset(preset)
    if "patterns" not in template:
        return None
    features = shockable_features(run)
    candidates = [c for b in template["blocks"] for c in features.get(b, [])]
    for pattern in template["patterns"]:
        for column in candidates:
            if re.search(pattern, column, flags=re.IGNORECASE):
                return column
    return None


SKIPS = ("no_time", "no_inputs", "no_block", "no_column")  # why a preset does not apply


def preset_problem(preset: str, run: Run) -> tuple[str, str] | None:
    """Why a preset does not apply to this run's columns, None when it does: (code, detail).

    no_time: a replay needs dated predictions; no_inputs: nothing a replay could replace (no
    macro, sentiment or numeric sequence input); no_block: none of the blocks the shock may
    change (detail: the blocks); no_column: no input there is named as the preset means
    (detail: the inputs searched). The page lists skipped presets with these reasons."""
    template = _preset(preset)
    features = shockable_features(run)
    if "replay_months" in template:
        if run.config.cross_sectional:
            return "no_time", ""
        if replay_problem(run, sequence=bool(features.get("sequence"))):
            return "no_inputs", ""
        return None
    if guess_column(preset, run) is not None:
        return None
    blocks = [b for b in template["blocks"] if features.get(b)]
    if not blocks:
        return "no_block", ", ".join(template["blocks"])
    return "no_column", ", ".join(c for b in blocks for c in features[b])


def _scaled(op: str, value: float, magnitude: float) -> float:
    """Magnitude scales the size of the shock: the added amount, or a factor's distance to 1."""
    return 1.0 + (value - 1.0) * magnitude if op == "multiply" else value * magnitude


def build_preset(
    preset: str,
    column: str | None,
    run: Run,
    magnitude: float = 1.0,
    label: str | None = None,
    replay_sequence: bool = False,
    language: str = "en",
) -> Scenario:
    """A valid scenario from a preset bound to `column`; magnitude is the UI's size slider.

    `label` names it as the analyst reads it (the UI passes the preset's translated name);
    the preset's key otherwise. `replay_sequence`: a replay preset replays the period's
    sequence inputs too (Replay.sequence), not only macro and sentiment.
    """
    template = _preset(preset)
    if not math.isfinite(magnitude):
        raise ConfigError(f"scenario magnitude must be a finite number, not {magnitude!r}")
    if "replay_months" in template:
        start, end = worst_period(run, template["replay_months"])
        replay = Replay(from_=start, to=end, sequence=replay_sequence)
        scenario = Scenario(name=label or preset, replay=replay)
    else:
        if not column:
            features = listing(shockable_features(run))
            raise ConfigError(f"preset '{preset}' needs a feature; pick one of {features}")
        shock = dict(template["shock"], feature=column)
        shock["value"] = _scaled(shock["op"], shock["value"], magnitude)
        if "last_steps" in shock:
            shock["last_steps"] = min(shock["last_steps"], run.config.window)
        size = f" x{magnitude:g}" if magnitude != 1.0 else ""
        bound = f"（{column}）" if language == "zh" else f" ({column})"  # the label's brackets
        name = f"{label or preset}{bound}{size}"
        scenario = Scenario(name=name, shocks=[Shock.model_validate(shock)])
    validate_scenario(scenario, run)
    return scenario


def worst_period(run: Run, months: int = 3) -> tuple[date, date]:
    """First and last prediction dates of the `months` consecutive calendar months with the
    highest realised event rate (ties, and targets unknown: the highest mean score).

    For a quantile run, whose target is a return and whose score is its VaR, the worst months
    are those of the lowest mean realised return (ties: the lowest mean VaR)."""
    p = run.predictions
    if "time" not in p or p["time"].isna().all():
        raise ConfigError("a replay needs dated predictions, and this run has no time column")
    if run.config.task == "quantile":  # losses and VaR are negative: the worst is the lowest
        p = p.assign(y_true=-p["y_true"], score=-p["score"])
    month = p["time"].dt.to_period("M")
    grouped = p.assign(_m=month).groupby("_m")
    per_month = pd.DataFrame(
        {
            "events": grouped["y_true"].sum(),
            "known": grouped["y_true"].count(),
            "score": grouped["score"].sum(),
            "rows": grouped.size(),
        }
    )
    full = pd.period_range(month.min(), month.max(), freq="M")
    per_month = per_month.reindex(full, fill_value=0)
    span = max(1, min(months, len(full)))
    rolled = per_month.rolling(span).sum().iloc[span - 1 :]
    rank = pd.DataFrame(
        {
            "rate": rolled["events"] / rolled["known"].where(rolled["known"] > 0),
            "score": rolled["score"] / rolled["rows"].where(rolled["rows"] > 0),
        }
    ).fillna(-np.inf)
    last = rank.sort_values(["rate", "score"], ascending=False, kind="stable").index[0]
    inside = (month <= last) & (month > last - span)
    times = p.loc[inside, "time"]
    return times.min().date(), times.max().date()
