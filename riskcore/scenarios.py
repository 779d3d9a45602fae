"""What-if scenarios on a saved run: shocks, historical replays, and side-by-side run comparison.

The run's saved preprocessing and model are applied, never refitted. Shocks are stated in raw
units (what an analyst reads in the data, e.g. a policy rate in percent) and applied per scored
sample: the sample's raw inputs are gathered from the joined frame (its window of sequence rows;
its macro, sentiment and static values at t), changed, and pushed through the run's own column
transform. Working per sample instead of on the shared row matrix is what keeps `last_steps`
and entity / date restrictions exact: windows overlap, so one row can be the last step of one
window and an early step of the next, or belong to an affected and an unaffected sample.

Only affected samples are re-scored; base scores are computed once per data set and shared by
every scenario over it (`ScenarioInputs`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    FiniteFloat,
    ValidationError,
    field_validator,
    model_validator,
)

from riskcore.dataset import Panel, _check_levels, build_frame, eligible_ends, make_panel
from riskcore.errors import ConfigError, DataValidationError
from riskcore.joins import join_macro, join_sentiment
from riskcore.metrics import CLASSIFICATION_METRICS, REGRESSION_METRICS
from riskcore.preprocess import BLOCKS, ColumnState, Preprocessor
from riskcore.scoring import _check_types
from riskcore.store import Run, RunStore

WHICH = ("test", "latest", "all")
CHUNK = 16384  # samples gathered and scored at a time: bounds memory for any data size
EAGER_MAX = 512  # below this, calling the model beats model.predict's set-up cost
SCENARIOS_FILE = "scenarios.json"
NO_NEWS = "no_news"


# ---- the scenario file ----------------------------------------------------------------------
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def _check_period(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and start > end:
        raise ValueError(f"'from' {start} is after 'to' {end}; swap them")


class Shock(_Strict):
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

    def describe(self) -> str:
        """One line for tables and reports, e.g. "credit_spread add +2 sd, last 5 steps"."""
        sign = "+" if self.op == "add" and self.value >= 0 else ""
        unit = " sd" if self.unit == "std" else ""
        where = [f"last {self.last_steps} steps"] if self.last_steps else []
        if self.entities:
            where.append("entities " + ", ".join(self.entities))
        if self.from_ or self.to:
            where.append(f"{self.from_ or '...'} to {self.to or '...'}")
        text = f"{self.feature} {self.op} {sign}{self.value:g}{unit}"
        return ", ".join([text, *where])


class Replay(_Strict):
    """A past period whose macro and sentiment path replaces today's."""

    from_: date = Field(alias="from")
    to: date

    @model_validator(mode="after")
    def _ordered(self) -> Replay:
        _check_period(self.from_, self.to)
        return self


class Scenario(_Strict):
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


def _location(loc: tuple) -> str:
    """pydantic's location as a JSON path: ("shocks", 0, "op") -> shocks[0].op."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")


def _describe(err: ValidationError, label: str) -> str:
    parts = []
    for item in err.errors()[:5]:
        msg = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            msg = "unknown key (check the spelling; a shock has feature, op, value, unit, "
            msg += "last_steps, entities, from, to)"
        elif item["type"] == "missing":
            msg = "required but missing"
        elif not isinstance(item.get("input"), dict | list):
            msg = f"{msg} (got {item['input']!r})"
        where = _location(item["loc"])
        parts.append(f"{where}: {msg}" if where else msg)
    more = f" (and {len(err.errors()) - 5} more)" if len(err.errors()) > 5 else ""
    return f"invalid scenario {label}: " + "; ".join(parts) + more


def parse_scenario(data: dict | str | bytes, source: str = "") -> Scenario:
    """A Scenario from a dict or JSON text; ConfigError naming the field otherwise."""
    label = f"'{source}'" if source else "(JSON)"
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(
                f"scenario {label} is not valid JSON: {exc}; fix the file (see the scenario "
                'JSON format: {"name": ..., "shocks": [...]})'
            ) from None
    if not isinstance(data, dict):
        raise ConfigError(f"scenario {label} must be a JSON object with a 'name'")
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, label)) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario JSON file (the CLI's --scenario)."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"scenario file '{path}' not found; pass the path of a scenario JSON")
    return parse_scenario(p.read_bytes(), str(path))


# ---- checking a scenario against a run ------------------------------------------------------
def _preprocessor(run: Run) -> Preprocessor:
    return Preprocessor.from_dict(run.state["preprocessor"])


def shockable_features(run: Run) -> dict[str, list[str]]:
    """Numeric model inputs a shock may change, per block (categorical statics excluded)."""
    pre = _preprocessor(run)
    return {
        block: [c for c in pre.columns.get(block, []) if c not in pre.categorical and c != NO_NEWS]
        for block in BLOCKS
    }


def _listing(features: dict[str, list[str]]) -> str:
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
            f"or sets a number; shock a numeric feature instead ({_listing(features)})"
        )
    if block is None:
        raise ConfigError(
            f"{label}: unknown feature '{shock.feature}'; run {run.run_id} can shock "
            f"{_listing(features)}"
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


def _check_replay(name: str, run: Run) -> None:
    d = run.config.data
    if run.config.cross_sectional:
        raise ConfigError(f"scenario '{name}': a replay needs a time column, and this run has none")
    if not (d.macro_features or d.sentiment_features):
        raise ConfigError(
            f"scenario '{name}': run {run.run_id} has no macro or sentiment inputs, so a replay "
            "has nothing to replace; shock its features instead"
        )


def validate_scenario(scenario: Scenario, run: Run, inputs: ScenarioInputs | None = None) -> None:
    """Reject what cannot apply to this run (and, given the inputs, to this data)."""
    pre = _preprocessor(run)
    for i, shock in enumerate(scenario.shocks, start=1):
        _check_shock(shock, f"scenario '{scenario.name}', shock {i}", run, pre)
    if scenario.replay is not None:
        _check_replay(scenario.name, run)
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
        if not _hits(inputs, shock).any():
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
                f"({_day(dates[0])} to {_day(dates[-1])}); choose a period inside it or upload "
                f"a {role} file that covers it"
            )


def _day(value: Any) -> str:
    return str(pd.Timestamp(value).date())


# ---- unshocked inputs, shared by scenarios ---------------------------------------------------
@dataclass
class ScenarioInputs:
    """The data prepared once: raw joined frame, transformed panel, samples and base scores."""

    run: Run
    model: Any
    frame: pd.DataFrame
    panel: Panel
    ends: np.ndarray
    preprocessor: Preprocessor
    macro: pd.DataFrame | None = None
    sentiment: pd.DataFrame | None = None
    base_scores: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    _raw: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @cached_property
    def times(self) -> np.ndarray | None:
        return self.panel.time[self.ends] if self.panel.time is not None else None

    @cached_property
    def entities(self) -> np.ndarray:
        return self.panel.entity[self.ends].astype(str)

    def date_range(self) -> str:
        if self.times is None:
            return "without dates"
        return f"{_day(self.times.min())} to {_day(self.times.max())}"

    def block_of(self, column: str) -> str:
        return next(b for b in BLOCKS if column in self.preprocessor.columns.get(b, []))

    def raw_values(self, column: str, samples: np.ndarray) -> np.ndarray:
        """Raw (untransformed) values: (k, window) for a sequence feature, else (k,)."""
        if column not in self._raw:
            self._raw[column] = self.frame[column].to_numpy(dtype=float, na_value=np.nan)
        rows = self.ends[samples]
        if self.block_of(column) == "sequence":
            rows = rows[:, None] + np.arange(-self.panel.window + 1, 1)
        return self._raw[column][rows]

    def write(self, x: dict[str, np.ndarray], column: str, raw: np.ndarray) -> None:
        """Transform raw values exactly as the run's preprocessor does, into the model inputs."""
        block = self.block_of(column)
        state = self.preprocessor.numeric[column]
        single = Preprocessor(columns={block: [column]}, numeric={column: state})
        scaled = single.transform(pd.DataFrame({column: raw.ravel()}))[block]
        j = self.panel.names[block].index(column)
        x[block][..., j : j + scaled.shape[1]] = scaled.reshape(*raw.shape, -1)


def _select(run: Run, frame: pd.DataFrame, ends: np.ndarray, which: str) -> np.ndarray:
    """The samples to score: the run's test period, each entity's latest date, or all.

    Without a time column the test split is random, so "test" means the row numbers recorded
    in predictions.csv: meaningful only for the training file itself.
    """
    if which == "all":
        return ends
    if run.config.cross_sectional:
        if which == "latest":
            raise ConfigError("which='latest' needs a time column; use 'test' or 'all'")
        p = run.predictions
        chosen = np.intersect1d(ends, p.loc[p["split"] == "test", "row"].to_numpy(np.int64))
        if len(chosen) == 0:
            raise DataValidationError(
                "none of the run's test rows is in this file; use which='all' for new data"
            )
        return chosen
    if which == "test":
        cut = pd.Timestamp(run.state["cuts"]["test"])
        chosen = ends[frame["_time"].to_numpy()[ends] >= np.datetime64(cut)]
        if len(chosen) == 0:
            raise DataValidationError(
                f"no prediction in the data is dated on or after the run's test cut "
                f"{cut.date()}; use which='latest' or 'all', or upload data that reaches it"
            )
        return chosen
    entity = frame["_entity"].to_numpy()[ends]
    return ends[np.r_[entity[1:] != entity[:-1], True]]


def prepare_inputs(
    run: Run,
    primary: pd.DataFrame,
    macro: pd.DataFrame | None = None,
    sentiment: pd.DataFrame | None = None,
    model: Any = None,
    which: str = "test",
) -> ScenarioInputs:
    """Join, transform (saved state, never refit) and score the chosen samples once.

    which: "test" (predictions dated on or after the run's test cut), "latest" (each entity's
    latest date: today's portfolio) or "all" (every sample with a full window).
    """
    if which not in WHICH:
        raise ConfigError(f"which must be one of {', '.join(WHICH)}, not {which!r}")
    config = run.config
    _check_types(run, primary)
    frame = build_frame(config, primary, macro, sentiment, with_target=False)
    pre = _preprocessor(run)
    _check_levels(frame, pre)
    ends = eligible_ends(frame, config, need_target=False)
    if len(ends) == 0:
        raise DataValidationError(
            f"no entity has the {config.window} rows of history a prediction needs; "
            "upload a longer history"
        )
    ends = _select(run, frame, ends, which)
    panel = make_panel(frame, config, pre)
    model = model if model is not None else run.load_model()
    inputs = ScenarioInputs(run, model, frame, panel, ends, pre, macro, sentiment)
    inputs.base_scores = _score(inputs, [], np.arange(len(ends)))
    return inputs


# ---- edits: shocks and replays in raw units ---------------------------------------------------
Change = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (raw values, sample positions) -> new


@dataclass(frozen=True)
class Edit:
    """One change of one feature for the samples where `hits` is True."""

    feature: str
    hits: np.ndarray
    change: Change
    last_steps: int | None = None


def _hits(inputs: ScenarioInputs, shock: Shock) -> np.ndarray:
    hits = np.ones(len(inputs.ends), dtype=bool)
    if shock.entities:
        hits &= np.isin(inputs.entities, shock.entities)
    if shock.from_ is not None:
        hits &= inputs.times >= np.datetime64(shock.from_)
    if shock.to is not None:
        hits &= inputs.times < np.datetime64(shock.to) + np.timedelta64(1, "D")
    return hits


def _raw_change(shock: Shock, state: ColumnState) -> Change:
    """The shock as a function of raw values; missing values stay missing unless `set`."""
    value = shock.value
    if shock.unit == "std":
        value = value * state.std + (state.mean if shock.op == "set" else 0.0)
    if shock.op == "add":
        return lambda x, _: x + value
    if shock.op == "multiply":
        return lambda x, _: x * value
    return lambda x, _: np.full_like(x, value)


def _shock_edit(inputs: ScenarioInputs, shock: Shock) -> Edit:
    state = inputs.preprocessor.numeric[shock.feature]
    return Edit(shock.feature, _hits(inputs, shock), _raw_change(shock, state), shock.last_steps)


def _calendar(dates: np.ndarray, start: date, end: date) -> pd.DatetimeIndex:
    """Dates from start to end on the data's own rhythm (business days, weeks, months...)."""
    idx = pd.DatetimeIndex(dates)
    freq = pd.infer_freq(idx[-20:]) if len(idx) >= 3 else None
    if freq is None:
        step = pd.Series(idx).diff().median() if len(idx) > 1 else pd.Timedelta(days=1)
        daily = step <= pd.Timedelta(days=1)
        freq = "B" if daily and (idx.dayofweek < 5).all() else step
    return pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq=freq)


def _replay_dates(inputs: ScenarioInputs, replay: Replay) -> np.ndarray:
    """The replay path's dates: the data's own dates in the period when it covers the period."""
    dates = np.unique(inputs.frame["_time"].to_numpy())
    start, end = np.datetime64(replay.from_), np.datetime64(replay.to) + np.timedelta64(1, "D")
    if dates[0] <= start and dates[-1] >= end - np.timedelta64(1, "D"):
        path = dates[(dates >= start) & (dates < end)]
    else:
        path = _calendar(dates, replay.from_, replay.to).to_numpy(dtype="datetime64[ns]")
    if len(path) == 0:
        raise DataValidationError(
            f"replay period {replay.from_} to {replay.to} holds no date on the data's calendar; "
            "widen it"
        )
    return path


def _numeric_copy(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame.assign(**{c: pd.to_numeric(frame[c], errors="coerce") for c in columns})


def _macro_path(inputs: ScenarioInputs, path: np.ndarray) -> dict[str, np.ndarray]:
    """Macro values known at each path date: (len(path),) per column, lag respected."""
    d = inputs.run.config.data
    macro = _numeric_copy(inputs.macro, d.macro_features)
    joined = join_macro(path, macro, d.macro_time or d.time, d.macro_features, d.macro_lag)
    return {c: joined[c].to_numpy() for c in d.macro_features}


def _sentiment_path(
    inputs: ScenarioInputs, path: np.ndarray, entities: np.ndarray
) -> dict[str, np.ndarray]:
    """Sentiment (and no_news) per entity and path date: (len(entities), len(path)) per column.

    Each entity replays its own news; an entity with no news in the whole period (e.g. one
    that did not exist then) gets the cross-entity mean of each date instead.
    """
    d = inputs.run.config.data
    news = _numeric_copy(inputs.sentiment, d.sentiment_features)
    times = np.tile(path, len(entities))
    who = np.repeat(entities, len(path)).astype(object)
    joined = join_sentiment(
        times,
        who,
        news,
        d.sentiment_time or d.time,
        d.sentiment_entity or d.entity,
        d.sentiment_features,
        d.sentiment_lag,
        d.sentiment_window,
    )
    shape = (len(entities), len(path))
    out = {
        c: np.array(joined[c].to_numpy(dtype=float)).reshape(shape)
        for c in [*d.sentiment_features, NO_NEWS]
    }
    silent = out[NO_NEWS].all(axis=1)
    if silent.any() and not silent.all():
        for c in d.sentiment_features:
            values = out[c][~silent]
            seen = np.isfinite(values)
            count = seen.sum(axis=0)
            mean = np.where(seen, values, 0.0).sum(axis=0) / np.maximum(count, 1)
            out[c][silent] = np.where(count > 0, mean, np.nan)
        out[NO_NEWS][silent] = (~np.isfinite(out[d.sentiment_features[0]][silent])).astype(float)
    return out


def _take(values: np.ndarray) -> Change:
    return lambda _, samples: values[samples]


def _replay_edits(inputs: ScenarioInputs, replay: Replay) -> list[Edit]:
    """Lay the period's path over the last len(path) scoring dates (see apply_scenario)."""
    path = _replay_dates(inputs, replay)
    scoring = np.unique(inputs.times)
    span = min(len(path), len(scoring))
    offset = np.searchsorted(scoring, inputs.times) - (len(scoring) - span)
    hits = offset >= 0
    step = np.clip(offset, 0, None) + (len(path) - span)  # index into path, valid where hits
    edits = []
    d = inputs.run.config.data
    if d.macro_features:
        for column, values in _macro_path(inputs, path).items():
            edits.append(Edit(column, hits, _take(values[step])))
    if d.sentiment_features:
        entities, who = np.unique(inputs.entities, return_inverse=True)
        for column, values in _sentiment_path(inputs, path, entities).items():
            edits.append(Edit(column, hits, _take(values[who, step])))
    return edits


def scenario_edits(inputs: ScenarioInputs, scenario: Scenario) -> list[Edit]:
    """The scenario as raw-unit edits of features for sets of samples."""
    if scenario.replay is not None:
        return _replay_edits(inputs, scenario.replay)
    return [_shock_edit(inputs, shock) for shock in scenario.shocks]


# ---- the one path: gather inputs, apply edits, score -----------------------------------------
def _gather(inputs: ScenarioInputs, edits: list[Edit], samples: np.ndarray) -> dict:
    """Model inputs of these samples (positions in inputs.ends) with the edits applied."""
    x = inputs.panel.inputs(inputs.ends[samples])  # fresh arrays: safe to change in place
    changed: dict[str, np.ndarray] = {}
    for edit in edits:
        hit = edit.hits[samples]
        if not hit.any():
            continue
        if edit.feature not in changed:
            changed[edit.feature] = inputs.raw_values(edit.feature, samples)
        raw = changed[edit.feature]
        index = (hit, slice(-edit.last_steps, None)) if edit.last_steps else hit
        raw[index] = edit.change(raw[index], samples[hit])
    for column, raw in changed.items():
        inputs.write(x, column, raw)
    return x


def _predict(model: Any, x: dict[str, np.ndarray]) -> np.ndarray:
    n = len(next(iter(x.values())))
    if n <= EAGER_MAX:
        return np.asarray(model(x, training=False), dtype=np.float32).reshape(-1)
    return np.asarray(model.predict(x, batch_size=4096, verbose=0), dtype=np.float32).reshape(-1)


def _score(inputs: ScenarioInputs, edits: list[Edit], samples: np.ndarray) -> np.ndarray:
    """Calibrated scores (probabilities for classification runs), as the run reports them."""
    out = np.empty(len(samples), dtype=np.float32)
    calibrate = inputs.run.calibrator().apply
    for start in range(0, len(samples), CHUNK):
        part = samples[start : start + CHUNK]
        raw = _predict(inputs.model, _gather(inputs, edits, part))
        out[start : start + len(part)] = calibrate(raw)
    return out


def _affected(inputs: ScenarioInputs, edits: list[Edit]) -> np.ndarray:
    if not edits:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.logical_or.reduce([e.hits for e in edits]))


def shocked_inputs(
    inputs: ScenarioInputs, scenario: Scenario, samples: np.ndarray | None = None
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Positions (in inputs.ends) of the affected samples, or of `samples`, and their inputs."""
    validate_scenario(scenario, inputs.run, inputs)
    edits = scenario_edits(inputs, scenario)
    samples = _affected(inputs, edits) if samples is None else np.asarray(samples)
    return samples, _gather(inputs, edits, samples)


# ---- results -----------------------------------------------------------------------------------
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
        }

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


def _table(inputs: ScenarioInputs, scores: np.ndarray) -> pd.DataFrame:
    base = inputs.base_scores.astype(float)
    new = scores.astype(float)
    table = pd.DataFrame(
        {
            "time": inputs.times if inputs.times is not None else pd.NaT,
            "entity": inputs.entities,
            "score_base": base,
            "score_scenario": new,
            "delta": new - base,
        }
    )
    keys = ["time", "entity"] if inputs.times is not None else ["entity"]
    return table.sort_values(keys, kind="stable").reset_index(drop=True)


def apply_scenario(
    run: Run,
    scenario: Scenario,
    primary: pd.DataFrame | None = None,
    macro: pd.DataFrame | None = None,
    sentiment: pd.DataFrame | None = None,
    model: Any = None,
    base: ScenarioInputs | None = None,
) -> ScenarioResult:
    """Score the data with the scenario applied; only affected predictions are re-scored.

    Shocks change raw values before the saved preprocessing: a sequence shock changes every step
    of each affected window (with `last_steps`, only its last k steps), a macro, sentiment or
    static shock the value at t; `entities` and `from`/`to` (inclusive days of t) pick the
    affected predictions. Missing raw values stay missing under add / multiply; `set` fills them.

    A replay lays the period's macro and sentiment path over the most recent scoring dates: the
    period's dates (the data's own dates inside it, else a calendar of the data's frequency)
    are aligned by position from the end, so the last scoring date gets the period's last day,
    the one before it the day before, and so on; scoring dates earlier than that span keep their
    own inputs (delta 0), and a period longer than the scoring dates contributes only its last
    days. "Today" is thus the end of the replayed episode, and with which="latest" every entity
    sees its final state. Each value is the as-of join at the path date (lag respected);
    sentiment is the entity's own, or the cross-entity mean for an entity without news then.
    Sequence and static inputs are not replayed.
    """
    inputs = base if base is not None else _inputs_for(run, primary, macro, sentiment, model)
    if inputs.run.run_id != run.run_id:
        raise ValueError(f"inputs were prepared for run {inputs.run.run_id}, not {run.run_id}")
    validate_scenario(scenario, run, inputs)
    edits = scenario_edits(inputs, scenario)
    affected = _affected(inputs, edits)
    scores = inputs.base_scores.copy()
    scores[affected] = _score(inputs, edits, affected)
    return ScenarioResult(scenario.name, _table(inputs, scores), scenario)


def _inputs_for(run: Run, primary, macro, sentiment, model) -> ScenarioInputs:
    if primary is None:
        raise ValueError("apply_scenario needs the primary data or prepared inputs (base=...)")
    return prepare_inputs(run, primary, macro, sentiment, model=model)


def run_scenarios(
    run: Run,
    scenarios: Iterable[Scenario],
    primary: pd.DataFrame,
    macro: pd.DataFrame | None = None,
    sentiment: pd.DataFrame | None = None,
    which: str = "test",
    model: Any = None,
) -> list[ScenarioResult]:
    """Several scenarios over one data set: one transform and one base scoring for all."""
    scenarios = list(scenarios)
    inputs = prepare_inputs(run, primary, macro, sentiment, model=model, which=which)
    return [apply_scenario(run, s, base=inputs) for s in scenarios]


# ---- presets -----------------------------------------------------------------------------------
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


def _scaled(op: str, value: float, magnitude: float) -> float:
    """Magnitude scales the size of the shock: the added amount, or a factor's distance to 1."""
    return 1.0 + (value - 1.0) * magnitude if op == "multiply" else value * magnitude


def build_preset(
    preset: str,
    column: str | None,
    run: Run,
    magnitude: float = 1.0,
    label: str | None = None,
) -> Scenario:
    """A valid scenario from a preset bound to `column`; magnitude is the UI's size slider.

    `label` names it as the analyst reads it (the UI passes the preset's translated name);
    the preset's key otherwise.
    """
    template = _preset(preset)
    if not math.isfinite(magnitude):
        raise ConfigError(f"scenario magnitude must be a finite number, not {magnitude!r}")
    if "replay_months" in template:
        start, end = worst_period(run, template["replay_months"])
        scenario = Scenario(name=label or preset, replay=Replay(from_=start, to=end))
    else:
        if not column:
            features = _listing(shockable_features(run))
            raise ConfigError(f"preset '{preset}' needs a feature; pick one of {features}")
        shock = dict(template["shock"], feature=column)
        shock["value"] = _scaled(shock["op"], shock["value"], magnitude)
        if "last_steps" in shock:
            shock["last_steps"] = min(shock["last_steps"], run.config.window)
        size = f" x{magnitude:g}" if magnitude != 1.0 else ""
        name = f"{label or preset} ({column}){size}"
        scenario = Scenario(name=name, shocks=[Shock.model_validate(shock)])
    validate_scenario(scenario, run)
    return scenario


def worst_period(run: Run, months: int = 3) -> tuple[date, date]:
    """First and last prediction dates of the `months` consecutive calendar months with the
    highest realised event rate (ties, and targets unknown: the highest mean score)."""
    p = run.predictions
    if "time" not in p or p["time"].isna().all():
        raise ConfigError("a replay needs dated predictions, and this run has no time column")
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


# ---- comparing runs ----------------------------------------------------------------------------
def _metric_rows(run: Run) -> list[dict]:
    rows = []
    for model, values in (run.metrics.get("test") or {}).items():
        for metric in (*CLASSIFICATION_METRICS, *REGRESSION_METRICS):
            if metric in values:
                lo, hi = values.get(f"{metric}_ci") or (math.nan, math.nan)
                rows.append(
                    {
                        "run": run.run_id,
                        "model": model,
                        "metric": metric,
                        "value": values[metric],
                        "lo": lo,
                        "hi": hi,
                    }
                )
    return rows


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: value}


def _cell(value: Any) -> str:
    """Config values as text, so one table column can show numbers, lists and names."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _config_diff(runs: list[Run]) -> pd.DataFrame:
    flat = [_flatten(r.config.model_dump(mode="json")) for r in runs]
    fields = list(dict.fromkeys(k for f in flat for k in f))
    rows = []
    for name in fields:
        values = [_cell(f.get(name)) for f in flat]
        if len(set(values)) > 1:
            rows.append({"field": name, **{r.run_id: v for r, v in zip(runs, values, strict=True)}})
    return pd.DataFrame(rows, columns=["field", *[r.run_id for r in runs]])


def _files(run: Run) -> dict[str, str]:
    return {f.get("role", f.get("name", "")): f.get("sha256") for f in run.meta.get("files", [])}


def _comparability(runs: list[Run]) -> str:
    """Why the runs' test metrics cannot be compared side by side ("" when they can)."""
    first, reasons = runs[0], []
    for run in runs:
        if not _files(run):
            reasons.append(f"run {run.run_id} does not record the sha256 of its input files")
    for run in runs[1:]:
        a, b = _files(first), _files(run)
        if a and b and a != b:
            roles = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            reasons.append(
                f"runs {first.run_id} and {run.run_id} were trained on different data "
                f"({', '.join(roles)} file differs)"
            )
        cut_a, cut_b = (r.state.get("cuts", {}).get("test") for r in (first, run))
        if cut_a != cut_b:
            reasons.append(
                f"runs {first.run_id} and {run.run_id} test on different periods "
                f"(test from {cut_a} vs {cut_b})"
            )
        if first.metrics.get("task") != run.metrics.get("task"):
            reasons.append(f"runs {first.run_id} and {run.run_id} solve different tasks")
    return "; ".join(reasons)


def compare_runs(runs: list[Run]) -> dict:
    """Test metrics with intervals, differing config fields, and whether the runs compare."""
    if not 2 <= len(runs) <= 4:
        raise ConfigError(f"compare 2 to 4 runs, not {len(runs)}")
    ids = [r.run_id for r in runs]
    if len(set(ids)) < len(ids):
        raise ConfigError("a run is listed twice; pick different runs to compare")
    metrics = pd.DataFrame(
        [row for r in runs for row in _metric_rows(r)],
        columns=["run", "model", "metric", "value", "lo", "hi"],
    )
    reason = _comparability(runs)
    return {
        "metrics": metrics,
        "config_diff": _config_diff(runs),
        "comparable": not reason,
        "reason": reason,
    }


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
    scenario = parse_scenario(item["scenario"], item["name"]) if item.get("scenario") else None
    return ScenarioResult(item["name"], table, scenario)


def load_scenarios(run: Run) -> list[ScenarioResult]:
    """Scenario results saved with the run (empty when none were)."""
    stored = run.json(SCENARIOS_FILE) or {}
    return [_result_from_json(item) for item in stored.get("scenarios", [])]
