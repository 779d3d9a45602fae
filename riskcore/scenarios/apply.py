"""Applying scenarios to a saved run: the unshocked inputs, the edits, and one scoring path.

The run's saved preprocessing and model are applied, never refitted. Shocks are stated in raw
units (what an analyst reads in the data, e.g. a policy rate in percent) and applied per scored
sample: the sample's raw inputs are gathered from the joined frame (its window of sequence rows;
its macro, sentiment and static values at t), changed, and pushed through the run's own column
transform. Working per sample instead of on the shared row matrix is what keeps `last_steps`
and entity / date restrictions exact: windows overlap, so one row can be the last step of one
window and an early step of the next, or belong to an affected and an unaffected sample.

Only affected samples are re-scored; base scores are computed once per data set and shared by
every scenario over it (`ScenarioInputs`). What is scored is what the run reports
(riskcore.scoring.reported): the score, and for a quantile run the VaR and ES at every level.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from riskcore.dataset import Panel
from riskcore.errors import ConfigError, DataValidationError
from riskcore.joins import join_macro, join_sentiment
from riskcore.macro import column_lags
from riskcore.preprocess import BLOCKS, ColumnState, Preprocessor
from riskcore.scenarios.results import ScenarioResult, value_columns
from riskcore.scenarios.spec import (
    NO_NEWS,
    Replay,
    Scenario,
    Shock,
    day,
    shock_hits,
    shockable_features,
    validate_scenario,
)
from riskcore.scoring import reported, saved_inputs
from riskcore.store import Run

WHICH = ("test", "latest", "all")
CHUNK = 16384  # samples gathered and scored at a time: bounds memory for any data size
EAGER_MAX = 512  # below this, calling the model beats model.predict's set-up cost


# ---- unshocked inputs, shared by scenarios ---------------------------------------------------
@dataclass
class ScenarioInputs:
    """The data prepared once: raw joined frame, transformed panel, samples and base values
    (one column per reported value: `score`, and a quantile run's var_<level>, es_<level>)."""

    run: Run
    model: Any
    frame: pd.DataFrame
    panel: Panel
    ends: np.ndarray
    preprocessor: Preprocessor
    macro: pd.DataFrame | None = None
    sentiment: pd.DataFrame | None = None
    base: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"score": []}))
    _raw: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def base_scores(self) -> np.ndarray:
        """The run's one score per sample (a quantile run: the VaR at the lowest level)."""
        return self.base["score"].to_numpy()

    @cached_property
    def times(self) -> np.ndarray | None:
        return self.panel.time[self.ends] if self.panel.time is not None else None

    @cached_property
    def entities(self) -> np.ndarray:
        return self.panel.entity[self.ends].astype(str)

    def date_range(self) -> str:
        if self.times is None:
            return "without dates"
        return f"{day(self.times.min())} to {day(self.times.max())}"

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
    saved = saved_inputs(run, primary, macro, sentiment, with_target=False)
    ends = _select(run, saved.frame, saved.ends, which)
    model = model if model is not None else run.load_model()
    inputs = ScenarioInputs(
        run, model, saved.frame, saved.panel, ends, saved.preprocessor, macro, sentiment
    )
    inputs.base = _score(inputs, [], np.arange(len(ends)))
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
    return Edit(
        shock.feature, shock_hits(inputs, shock), _raw_change(shock, state), shock.last_steps
    )


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
    macro_time = d.macro_time or d.time
    lags = column_lags(d, macro, macro_time)
    joined = join_macro(path, macro, macro_time, d.macro_features, lags)
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


def _aligned(inputs: ScenarioInputs, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Which samples a path of `length` dates covers, laid over the last scoring dates, and
    each one's index into the path (valid where hit)."""
    scoring = np.unique(inputs.times)
    span = min(length, len(scoring))
    offset = np.searchsorted(scoring, inputs.times) - (len(scoring) - span)
    return offset >= 0, np.clip(offset, 0, None) + (length - span)


def _take(values: np.ndarray) -> Change:
    return lambda _, samples: values[samples]


def _sequence_path(
    inputs: ScenarioInputs, replay: Replay, entities: np.ndarray
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Each entity's own sequence values over the period, on the data's dates in it, with the
    window - 1 dates before it in front (a window ending on the period's first day reaches
    back): the path's dates, and (len(entities), window - 1 + len(path)) per column.

    An entity without a value on a date (not listed then) takes the cross-entity mean of that
    date, as sentiment does; missing everywhere stays missing (imputed as in training)."""
    frame = inputs.frame
    dates = np.unique(frame["_time"].to_numpy())
    start, end = np.datetime64(replay.from_), np.datetime64(replay.to) + np.timedelta64(1, "D")
    inside = np.flatnonzero((dates >= start) & (dates < end))
    if len(inside) == 0:
        raise DataValidationError(
            f"replay period {replay.from_} to {replay.to} holds no date of the primary data, so "
            "its sequence inputs cannot be replayed; choose a period inside the primary file"
        )
    lead = inputs.panel.window - 1
    first = inside[0] - lead
    span = dates[max(first, 0) : inside[-1] + 1]
    pad = max(0, -first)  # dates the data does not reach back to: missing
    where = np.searchsorted(entities, frame["_entity"].astype(str).to_numpy())
    known = (where < len(entities)) & (
        entities[np.minimum(where, len(entities) - 1)] == (frame["_entity"].astype(str).to_numpy())
    )
    at = np.searchsorted(span, frame["_time"].to_numpy())
    dated = (at < len(span)) & (span[np.minimum(at, len(span) - 1)] == frame["_time"].to_numpy())
    keep = known & dated
    out = {}
    for column in shockable_features(inputs.run)["sequence"]:
        values = np.full((len(entities), pad + len(span)), np.nan)
        raw = frame[column].to_numpy(dtype=float, na_value=np.nan)
        values[where[keep], pad + at[keep]] = raw[keep]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a date missing for every entity
            mean = np.nanmean(values, axis=0)
        out[column] = np.where(np.isfinite(values), values, mean[None, :])
    return dates[inside], out


def _window_take(values: np.ndarray, who: np.ndarray, step: np.ndarray, window: int) -> Change:
    """Each hit sample's window from its entity's replayed path ending at its path step."""
    lags = np.arange(window)

    def change(raw: np.ndarray, samples: np.ndarray) -> np.ndarray:
        taken = values[who[samples][:, None], step[samples][:, None] + lags]
        return taken[:, -raw.shape[1] :] if raw.ndim == 2 else taken[:, -1]

    return change


def _replay_edits(inputs: ScenarioInputs, replay: Replay) -> list[Edit]:
    """Lay the period's path over the last len(path) scoring dates (see apply_scenario)."""
    edits = []
    if replay.sequence:
        entities, who = np.unique(inputs.entities, return_inverse=True)
        dates, paths = _sequence_path(inputs, replay, entities)
        hits, step = _aligned(inputs, len(dates))
        for column, values in paths.items():
            edits.append(Edit(column, hits, _window_take(values, who, step, inputs.panel.window)))
    d = inputs.run.config.data
    if not (d.macro_features or d.sentiment_features):
        return edits
    path = _replay_dates(inputs, replay)
    hits, step = _aligned(inputs, len(path))
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
    """(n,) scores, or (n, quantiles) for a quantile model."""
    n = len(next(iter(x.values())))
    if n <= EAGER_MAX:
        out = np.asarray(model(x, training=False), dtype=np.float32)
    else:
        out = np.asarray(model.predict(x, batch_size=4096, verbose=0), dtype=np.float32)
    out = out.reshape(n, -1)
    return out[:, 0] if out.shape[1] == 1 else out


def _score(inputs: ScenarioInputs, edits: list[Edit], samples: np.ndarray) -> pd.DataFrame:
    """What the run reports for these samples (riskcore.scoring.reported): calibrated scores
    (probabilities for classification runs); a quantile run's VaR and ES at each level."""
    parts = []
    for start in range(0, len(samples), CHUNK):
        part = samples[start : start + CHUNK]
        raw = _predict(inputs.model, _gather(inputs, edits, part))
        parts.append(pd.DataFrame(reported(inputs.run, raw)))
    if not parts:
        return inputs.base.iloc[:0].astype(float)
    return pd.concat(parts, ignore_index=True).astype(float)


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


def _table(inputs: ScenarioInputs, values: pd.DataFrame) -> pd.DataFrame:
    """time, entity, score_base, score_scenario, delta; then <value>_base, _scenario, _delta
    for each other reported value (a quantile run's var_<level>, es_<level>)."""
    columns: dict[str, Any] = {
        "time": inputs.times if inputs.times is not None else pd.NaT,
        "entity": inputs.entities,
    }
    for name in values.columns:
        base = inputs.base[name].to_numpy(dtype=float)
        new = values[name].to_numpy(dtype=float)
        b, s, d = value_columns(name)
        columns.update({b: base, s: new, d: new - base})
    table = pd.DataFrame(columns)
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
    With `replay.sequence` each entity's own sequence inputs of the period (its returns,
    volatility, volume...) replace its windows the same way, step by step on the data's dates:
    a window ending on the path's k-th date holds the entity's values of the window dates up
    to it. Static inputs are never replayed.
    """
    inputs = base if base is not None else _inputs_for(run, primary, macro, sentiment, model)
    if inputs.run.run_id != run.run_id:
        raise ValueError(f"inputs were prepared for run {inputs.run.run_id}, not {run.run_id}")
    validate_scenario(scenario, run, inputs)
    edits = scenario_edits(inputs, scenario)
    affected = _affected(inputs, edits)
    values = inputs.base.copy()
    if len(affected):
        values.iloc[affected] = _score(inputs, edits, affected)[values.columns].to_numpy()
    return ScenarioResult(scenario.name, _table(inputs, values), scenario)


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
