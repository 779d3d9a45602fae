"""The scenario file and its checks: what a scenario may say, and whether it fits a run.

A Scenario (pydantic) holds shocks of numeric inputs in raw units, or a replay of a past period;
parse_scenario / load_scenario read one from JSON and name the field of every mistake.
validate_scenario rejects what cannot apply to a run (an unknown or categorical feature, a
replay without macro or sentiment inputs) and, given the prepared inputs of
riskcore.scenarios.apply, what selects nothing in the data. Nothing here scores a model.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from pydantic import (
    Field,
    FiniteFloat,
    field_validator,
    model_validator,
)

from riskcore.dataset import saved_preprocessor
from riskcore.errors import ConfigError, DataValidationError
from riskcore.parsing import Hints, Strict, parse_model
from riskcore.phrases import Phrase, register, word
from riskcore.preprocess import BLOCKS, ColumnState, Preprocessor
from riskcore.store import Run

if TYPE_CHECKING:  # annotations only: apply imports this module, never the other way round
    from riskcore.scenarios.apply import ScenarioInputs

NO_NEWS = "no_news"


# ---- the scenario file ----------------------------------------------------------------------
def _check_period(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and start > end:
        raise ValueError(f"'from' {start} is after 'to' {end}; swap them")


class Shock(Strict):
    """One change of one numeric input; `entities` and `from`/`to` limit the samples it hits."""

    feature: str = Field(min_length=1)
    op: Literal["add", "multiply", "set"]
    value: FiniteFloat
    unit: Literal["raw", "std"] = "raw"
    last_steps: int | None = Field(default=None, ge=1)
    entities: list[str] | None = Field(default=None, min_length=1)
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None

    @field_validator("entities", mode="before")
    @classmethod
    def _entity_text(cls, value: Any) -> Any:
        """Entity ids are compared as text, as the data holds them: 1001 and "1001" match."""
        if isinstance(value, list):
            return [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Shock:
        if self.op == "multiply" and self.unit == "std":
            raise ValueError("unit 'std' applies to add and set; a multiply factor has no unit")
        _check_period(self.from_, self.to)
        return self

    def describe(self, language: str = "en") -> str:
        """One line for tables and reports, e.g. "credit_spread add +2 sd, last 5 steps"
        ("credit_spread 加 +2 个标准差，最后 5 步")."""
        sign = "+" if self.op == "add" and self.value >= 0 else ""
        values = {"feature": self.feature, "value": f"{sign}{self.value:g}"}
        values["unit"] = word("unit.sd") if self.unit == "std" else ""
        where: list[Phrase] = []
        if self.last_steps:
            where.append(Phrase("shock.last", {"n": self.last_steps}))
        if self.entities:
            where.append(Phrase("shock.entities", {"items": list(self.entities)}))
        if self.from_ or self.to:
            period = {"start": str(self.from_ or "..."), "end": str(self.to or "...")}
            where.append(Phrase("shock.period", period))
        text = Phrase(f"shock.{self.op}", values)
        for part in where:  # "..., last 5 steps, entities A, B": a comma before each part
            text = Phrase("shock.where", {"text": text, "where": part})
        return text.say(language)


SHOCK_PHRASES = {
    "shock.add": ("{feature} add {value}{unit}", "{feature} 加 {value}{unit}"),
    "shock.multiply": ("{feature} multiply {value}{unit}", "{feature} 乘以 {value}{unit}"),
    "shock.set": ("{feature} set {value}{unit}", "{feature} 设为 {value}{unit}"),
    "unit.sd": (" sd", " 个标准差"),
    "shock.last": ("last {n} steps", "最后 {n} 步"),
    "shock.entities": ("entities {items}", "实体 {items}"),
    "shock.period": ("{start} to {end}", "{start} 至 {end}"),
    "shock.where": ("{text}, {where}", "{text}，{where}"),
}
register(SHOCK_PHRASES)


class Replay(Strict):
    """A past period whose macro and sentiment path replaces today's; with `sequence`, each
    entity's own sequence inputs of the period (returns, volatility...) replace its windows."""

    from_: date = Field(alias="from")
    to: date
    sequence: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> Replay:
        _check_period(self.from_, self.to)
        return self


class Scenario(Strict):
    """Shocks or a replay (not both). No shocks at all is the base case: every delta is 0."""

    name: str = Field(min_length=1, max_length=200)
    shocks: list[Shock] = Field(default_factory=list)
    replay: Replay | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Scenario:
        if self.shocks and self.replay is not None:
            raise ValueError(
                "a scenario holds either shocks or a replay, not both; split it into two scenarios"
            )
        return self

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json", by_alias=True, exclude_none=True))


SCENARIO_HINTS = Hints(
    shape="a JSON object with a 'name'",
    fix='fix the file (see the scenario JSON format: {"name": ..., "shocks": [...]})',
    unknown_key="check the spelling; a shock has feature, op, value, unit, last_steps, "
    "entities, from, to",
)


def parse_scenario(data: dict | str | bytes, source: str = "") -> Scenario:
    """A Scenario from a dict or JSON text; ConfigError naming the field otherwise."""
    return parse_model(Scenario, data, "scenario", ConfigError, source, SCENARIO_HINTS)


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario JSON file (the CLI's --scenario)."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"scenario file '{path}' not found; pass the path of a scenario JSON")
    return parse_scenario(p.read_bytes(), str(path))


# ---- checking a scenario against a run ------------------------------------------------------
def preprocessor(run: Run) -> Preprocessor:
    return saved_preprocessor(run.state)


def shockable_features(run: Run) -> dict[str, list[str]]:
    """Numeric model inputs a shock may change, per block (categorical statics excluded)."""
    pre = preprocessor(run)
    return {
        block: [c for c in pre.columns.get(block, []) if c not in pre.categorical and c != NO_NEWS]
        for block in BLOCKS
    }


def listing(features: dict[str, list[str]]) -> str:
    return "; ".join(f"{b}: {', '.join(cols)}" for b, cols in features.items() if cols)


def _has_std(state: ColumnState) -> bool:
    """False for a feature constant in training: its std was replaced by 1.0 when fitted."""
    return not (state.std == 1.0 and state.mean == state.median)


def _check_shock(shock: Shock, label: str, run: Run, pre: Preprocessor) -> None:
    features = shockable_features(run)
    block = next((b for b, cols in features.items() if shock.feature in cols), None)
    if shock.feature in pre.categorical:
        raise ConfigError(
            f"{label}: '{shock.feature}' is a categorical feature and a shock adds, multiplies "
            f"or sets a number; shock a numeric feature instead ({listing(features)})"
        )
    if block is None:
        raise ConfigError(
            f"{label}: unknown feature '{shock.feature}'; run {run.run_id} can shock "
            f"{listing(features)}"
        )
    if shock.last_steps is not None:
        if block != "sequence":
            raise ConfigError(
                f"{label}: last_steps applies to sequence features only and '{shock.feature}' "
                f"is a {block} feature (one value per prediction); remove last_steps"
            )
        if shock.last_steps > run.config.window:
            raise ConfigError(
                f"{label}: last_steps {shock.last_steps} exceeds the run's window of "
                f"{run.config.window} steps; use at most {run.config.window}"
            )
    if shock.unit == "std" and not _has_std(pre.numeric[shock.feature]):
        raise ConfigError(
            f"{label}: '{shock.feature}' was constant in the training period, so it has no "
            "training standard deviation; use unit 'raw'"
        )
    if run.config.cross_sectional and (shock.from_ or shock.to):
        raise ConfigError(f"{label}: from/to need a time column, and this run has none")


def replay_problem(run: Run, sequence: bool = False) -> str | None:
    """Why a replay cannot apply to this run (None when it can): the reason the page shows
    beside a skipped replay preset, and the core of the error for a replay scenario."""
    d = run.config.data
    if run.config.cross_sectional:
        return "a replay needs a time column, and this run has none"
    if sequence and not shockable_features(run).get("sequence"):
        return f"run {run.run_id} has no numeric sequence inputs to replay"
    if not (d.macro_features or d.sentiment_features or sequence):
        return (
            f"run {run.run_id} has no macro or sentiment inputs, so a replay has nothing to "
            "replace; replay its sequence inputs too, or shock its features instead"
        )
    return None


def _check_replay(name: str, replay: Replay, run: Run) -> None:
    problem = replay_problem(run, replay.sequence)
    if problem:
        raise ConfigError(f"scenario '{name}': {problem}")


def validate_scenario(scenario: Scenario, run: Run, inputs: ScenarioInputs | None = None) -> None:
    """Reject what cannot apply to this run (and, given the inputs, to this data)."""
    pre = preprocessor(run)
    for i, shock in enumerate(scenario.shocks, start=1):
        _check_shock(shock, f"scenario '{scenario.name}', shock {i}", run, pre)
    if scenario.replay is not None:
        _check_replay(scenario.name, scenario.replay, run)
    if inputs is not None:
        _check_against_data(scenario, inputs)


def _check_against_data(scenario: Scenario, inputs: ScenarioInputs) -> None:
    known = set(inputs.entities)
    for i, shock in enumerate(scenario.shocks, start=1):
        label = f"scenario '{scenario.name}', shock {i} on '{shock.feature}'"
        unknown = [e for e in shock.entities or [] if e not in known]
        if unknown:
            seen = ", ".join(sorted(known)[:10])
            raise DataValidationError(
                f"{label}: entity {unknown[0]!r} is not among the scored predictions "
                f"(entities: {seen}); check the spelling"
            )
        if not shock_hits(inputs, shock).any():
            raise DataValidationError(
                f"{label}: its entities and from/to select none of the {len(inputs.ends)} "
                f"scored predictions (dated {inputs.date_range()}); widen from/to"
            )
    if scenario.replay is not None:
        _check_coverage(scenario.replay, inputs)


def _check_coverage(replay: Replay, inputs: ScenarioInputs) -> None:
    """The replay period must lie inside the macro and sentiment files."""
    d = inputs.run.config.data
    files = (
        ("macro", inputs.macro, d.macro_time or d.time, d.macro_features),
        ("sentiment", inputs.sentiment, d.sentiment_time or d.time, d.sentiment_features),
        ("primary", inputs.frame, "_time", d.sequence_features if replay.sequence else []),
    )
    for role, frame, column, features in files:
        if frame is None or not features:
            continue
        dates = np.unique(pd.to_datetime(frame[column]).to_numpy())
        gap = np.median(np.diff(dates)) if len(dates) > 1 else np.timedelta64(0, "D")
        start, end = np.datetime64(replay.from_), np.datetime64(replay.to)
        if start < dates[0] or end > dates[-1] + gap:
            raise DataValidationError(
                f"replay period {replay.from_} to {replay.to} lies outside the {role} data "
                f"({day(dates[0])} to {day(dates[-1])}); choose a period inside it or upload "
                f"a {role} file that covers it"
            )


# ---- shared with riskcore.scenarios.apply --------------------------------------------------
def day(value: Any) -> str:
    return str(pd.Timestamp(value).date())


def shock_hits(inputs: ScenarioInputs, shock: Shock) -> np.ndarray:
    hits = np.ones(len(inputs.ends), dtype=bool)
    if shock.entities:
        hits &= np.isin(inputs.entities, shock.entities)
    if shock.from_ is not None:
        hits &= inputs.times >= np.datetime64(shock.from_)
    if shock.to is not None:
        hits &= inputs.times < np.datetime64(shock.to) + np.timedelta64(1, "D")
    return hits
