"""From uploaded tables and a RunConfig to leakage-proof train / validation / test samples.

The rules of the design live here: targets use only rows after t, macro and sentiment enter
through as-of backward joins, the split is one calendar cut for all entities with an embargo of
`horizon` steps, preprocessing is fitted on training rows only, and windows are never
materialised: a sample is just the index of its last row, and batches slice the row matrix.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from riskcore.config import RunConfig, check_columns
from riskcore.errors import DataValidationError
from riskcore.joins import join_macro, join_sentiment, to_times
from riskcore.macro import column_lags
from riskcore.preprocess import BLOCKS, Preprocessor
from riskcore.targets import (
    derive,
    forward_drawdown,
    forward_log_return,
    forward_return,
    forward_volatility,
    one_step_log_return,
)

SPLITS = ("train", "validation", "test")
TABULAR_STATS = ("last", "mean", "std", "min", "max")


# ---- the transformed panel ---------------------------------------------------------------
@dataclass
class Panel:
    """Model inputs for every primary row, ordered by entity then time.

    Memory grows with rows x features only: a sample is the index of its window's last row.
    """

    blocks: dict[str, np.ndarray]
    names: dict[str, list[str]]
    y: np.ndarray
    time: np.ndarray | None
    entity: np.ndarray
    label_end: np.ndarray | None
    window: int

    @property
    def input_names(self) -> list[str]:
        """Model input blocks present in this panel, in the order the model expects."""
        return [b for b in BLOCKS if self.blocks[b].shape[1] > 0 and self._uses(b)]

    def _uses(self, block: str) -> bool:
        return not (block == "sequence" and self.time is None)

    def windows(self, ends: np.ndarray) -> np.ndarray:
        """(len(ends), window, n_sequence) float32: the naive slice of rows end-window+1..end."""
        offsets = np.arange(-self.window + 1, 1)
        return self.blocks["sequence"][np.asarray(ends)[:, None] + offsets]

    def inputs(self, ends: np.ndarray) -> dict[str, np.ndarray]:
        """The model's named inputs for these samples."""
        out = {}
        for block in self.input_names:
            out[block] = self.windows(ends) if block == "sequence" else self.blocks[block][ends]
        return out

    def tabular(self, ends: np.ndarray, chunk: int = 8192) -> tuple[np.ndarray, list[str]]:
        """Baseline features from the same windows: last, mean, std, min, max, plus the rest."""
        seq_names = self.names["sequence"] if self._uses("sequence") else []
        names = [f"{n}_{s}" for s in TABULAR_STATS for n in seq_names]
        for block in ("macro", "sentiment", "static"):
            names += self.names[block]
        parts = []
        for start in range(0, len(ends), chunk):
            idx = ends[start : start + chunk]
            cols = []
            if seq_names:
                w = self.windows(idx)
                cols += [w[:, -1], w.mean(1), w.std(1), w.min(1), w.max(1)]
            cols += [self.blocks[b][idx] for b in ("macro", "sentiment", "static")]
            parts.append(np.hstack(cols))
        if not parts:
            return np.zeros((0, len(names)), dtype=np.float32), names
        return np.vstack(parts).astype(np.float32), names


@dataclass
class Dataset:
    """A prepared run: the panel, the sample indices per split, and the fitted state."""

    config: RunConfig
    panel: Panel
    splits: dict[str, np.ndarray]
    preprocessor: Preprocessor
    target_state: dict = field(default_factory=dict)
    cuts: dict[str, str | None] = field(default_factory=dict)
    folds: list[dict[str, np.ndarray]] = field(default_factory=list)
    returns: np.ndarray | None = None  # one-step returns per row (quantile task comparators)
    # rows inside data.start / data.end (None: all rows). The panel keeps every row, so a
    # sample's `row` indexes the same panel that a saved run's transform rebuilds.
    rows_used: np.ndarray | None = None

    def fit_rows(self) -> np.ndarray:
        """Rows dated before the validation cut (and inside the date range): the training
        period, where every fitted comparator (GARCH) learns its parameters."""
        cut = np.datetime64(pd.Timestamp(self.cuts["validation"]))
        rows = self.panel.time < cut
        return rows if self.rows_used is None else rows & self.rows_used

    def summary(self) -> dict:
        """Counts and event rates per split: the live preview on the Data page."""
        used = self.rows_used if self.rows_used is not None else slice(None)
        out: dict = {
            "rows": len(self.panel.y[used]),
            "entities": len(set(self.panel.entity[used])),
        }
        for name, idx in self.splits.items():
            y = self.panel.y[idx]
            out[name] = {"samples": len(idx)}
            if self.config.task == "classification" and len(idx):
                out[name]["event_rate"] = float(np.mean(y))
            if self.config.task == "quantile" and len(idx):
                out[name]["return_sd"] = float(np.std(y))
            if self.panel.time is not None and len(idx):
                times = self.panel.time[idx]
                out[name]["from"] = str(pd.Timestamp(times.min()).date())
                out[name]["to"] = str(pd.Timestamp(times.max()).date())
        out["cuts"] = self.cuts
        out["features"] = {b: len(self.panel.names[b]) for b in self.panel.input_names}
        out["window"] = self.panel.window
        return out

    def state(self) -> dict:
        """Everything scoring needs besides the model, as JSON."""
        return {
            "preprocessor": self.preprocessor.to_dict(),
            "target": self.target_state,
            "cuts": self.cuts,
            "feature_names": self.panel.names,
            "inputs": self.panel.input_names,
        }


# ---- building the row frame -----------------------------------------------------------------
def _numeric(frame: pd.DataFrame, col: str, role: str) -> pd.Series:
    """The column as floats, or an error naming its first non-numeric value and row."""
    s = frame[col]
    if pd.api.types.is_bool_dtype(s):
        return s.astype(float)
    if pd.api.types.is_float_dtype(s):  # keep float32 as is: memory scales with the data
        values = s.to_numpy()
        return s.mask(np.isinf(values)) if np.isinf(values).any() else s
    if pd.api.types.is_numeric_dtype(s):
        return s.astype(float)
    conv = pd.to_numeric(s, errors="coerce")
    bad = conv.isna() & s.notna() & (s.astype("string").str.strip() != "")
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataValidationError(
            f"{role} file: column '{col}' should be numeric but holds {s.iloc[pos]!r} at data "
            f"row {pos + 1}; fix the value, or map the column to another role"
        )
    return conv.astype(float)


def order_rows(primary: pd.DataFrame, config: RunConfig) -> pd.DataFrame:
    """Sorted by entity then time, with _time, _entity and _pos (row number within entity).

    The panel's row order: a sample's `row` (in predictions.csv) indexes these rows.
    """
    d = config.data
    frame = primary.copy()
    frame["_entity"] = frame[d.entity].astype("string").fillna("").astype(str) if d.entity else ""
    if d.time is None:
        frame["_pos"] = np.arange(len(frame))
        return frame.reset_index(drop=True)
    frame["_time"] = to_times(frame[d.time], "primary", d.time)
    frame = frame.sort_values(["_entity", "_time"], kind="stable").reset_index(drop=True)
    dup = frame.duplicated(["_entity", "_time"])
    if dup.any():
        row = frame.loc[dup].iloc[0]
        who = f" for {d.entity} '{row['_entity']}'" if d.entity else ""
        raise DataValidationError(
            f"primary file has two rows at {row['_time']}{who}; keep one row per "
            f"(time, entity): aggregate the duplicates or map a finer entity column"
        )
    frame["_pos"] = frame.groupby("_entity").cumcount().to_numpy()
    return frame


def _per_entity(frame: pd.DataFrame, values: np.ndarray, fn) -> np.ndarray:
    """Apply fn to each entity's values in time order (frame is sorted by entity)."""
    out = np.empty(len(values))
    bounds = np.flatnonzero(np.r_[True, frame["_pos"].to_numpy()[1:] == 0, True])
    for a, b in itertools.pairwise(bounds):
        out[a:b] = fn(values[a:b])
    return out


def _raw_target(frame: pd.DataFrame, config: RunConfig) -> np.ndarray:
    """Target values per row (before any threshold fitted on training rows)."""
    t = config.data.target
    h = config.horizon
    if t.kind == "column":
        return _column_target(frame, config)
    values = _numeric(frame, t.column, "primary").to_numpy()
    if t.kind == "drawdown":
        return _per_entity(frame, values, lambda v: forward_drawdown(v, h))
    if t.kind == "tail_loss":
        return _per_entity(frame, values, lambda v: forward_return(v, h))
    if t.kind == "forward_return":
        if return_kind(values, t.column_is) == "price":
            return _per_entity(frame, values, lambda v: forward_log_return(v, h))
        return _per_entity(frame, values, lambda v: forward_return(v, h))
    return _per_entity(frame, values, lambda v: forward_volatility(v, h))


def return_kind(values: np.ndarray, column_is: str) -> str:
    """ "price" or "return": a column with any negative value cannot be a price level."""
    if column_is != "auto":
        return column_is
    finite = values[np.isfinite(values)]
    return "return" if (finite < 0).any() else "price"


def _column_target(frame: pd.DataFrame, config: RunConfig) -> np.ndarray:
    t = config.data.target
    s = frame[t.column]
    if t.positive is not None:
        text = s.astype("string")
        if not (text == t.positive).any():
            seen = ", ".join(repr(v) for v in text.dropna().unique()[:5])
            raise DataValidationError(
                f"target column '{t.column}' never equals target.positive {t.positive!r} "
                f"(values seen: {seen}); set positive to the label of the risk event"
            )
        return np.where(text.isna(), np.nan, (text == t.positive).astype(float))
    if not pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        seen = ", ".join(repr(v) for v in s.dropna().unique()[:5])
        raise DataValidationError(
            f"target column '{t.column}' holds text ({seen}); set target.positive to the "
            "label that marks the risk event"
        )
    y = s.astype(float).to_numpy()
    if np.isinf(y).any():  # else dropped as "unknown" without a word
        pos = int(np.flatnonzero(np.isinf(y))[0])
        raise DataValidationError(
            f"target column '{t.column}' holds an infinite value ({y[pos]:g}) at data row "
            f"{pos + 1}; fix or remove the row"
        )
    if config.task == "classification":
        bad = np.isfinite(y) & (y != 0) & (y != 1)
        if bad.any():
            raise DataValidationError(
                f"target column '{t.column}' holds {y[bad][0]:g} but a classification target "
                "must be 0 or 1; choose task 'regression' or recode the column"
            )
    return y


def _label_end(frame: pd.DataFrame, horizon: int) -> np.ndarray:
    """Time of the last row each label can look at: row i+horizon of the same entity.

    Near an entity's end the calendar of all entities stands in, so the embargo still holds.
    """
    times = frame["_time"].to_numpy()
    pos = frame["_pos"].to_numpy()
    sizes = frame.groupby("_entity")["_pos"].transform("size").to_numpy()
    ahead = np.arange(len(frame)) + horizon
    inside = pos + horizon < sizes
    out = np.empty(len(frame), dtype=times.dtype)
    out[inside] = times[ahead[inside]]
    grid = np.unique(times)
    rank = np.searchsorted(grid, times[~inside])
    out[~inside] = grid[np.minimum(rank + horizon, len(grid) - 1)]
    return out


def build_frame(
    config: RunConfig,
    primary: pd.DataFrame,
    macro: pd.DataFrame | None = None,
    sentiment: pd.DataFrame | None = None,
    with_target: bool = True,
) -> pd.DataFrame:
    """One row per primary row with every raw input column joined and the raw target in _y."""
    d = config.data
    macro = macro.copy() if macro is not None else None
    sentiment = sentiment.copy() if sentiment is not None else None
    frames = {"primary": primary, "macro": macro, "sentiment": sentiment}
    if not with_target:
        frames["primary"] = primary.assign(**{d.target.column: np.nan})
    check_columns(config, frames)
    frame = order_rows(primary, config)
    for col in d.sequence_features + [x.column for x in d.derived]:
        frame[col] = _numeric(frame, col, "primary")
    for spec in d.derived:
        frame[spec.name] = _per_entity(
            frame, frame[spec.column].to_numpy(), lambda v, s=spec: derive(v, s)
        )
    if d.time is not None and frame[d.all_sequence].isna().to_numpy().any():
        grouped = frame.groupby("_entity", sort=False)
        frame[d.all_sequence] = grouped[d.all_sequence].ffill()
    for col in d.static_features:
        if pd.api.types.is_numeric_dtype(frame[col]):
            frame[col] = frame[col].astype(float).replace([np.inf, -np.inf], np.nan)
    times = frame["_time"].to_numpy() if d.time else None
    if d.macro_features:
        for col in d.macro_features:
            macro[col] = _numeric(macro, col, "macro")
        macro_time = d.macro_time or d.time
        lags = column_lags(d, macro, macro_time)
        joined = join_macro(times, macro, macro_time, d.macro_features, lags)
        frame[d.macro_features] = joined.to_numpy()
    if d.sentiment_features:
        for col in d.sentiment_features:
            sentiment[col] = _numeric(sentiment, col, "sentiment")
        joined = join_sentiment(
            times,
            frame["_entity"].to_numpy(),
            sentiment,
            d.sentiment_time or d.time,
            d.sentiment_entity or d.entity,
            d.sentiment_features,
            d.sentiment_lag,
            d.sentiment_window,
        )
        frame[d.sentiment_features + ["no_news"]] = joined.to_numpy()
    if with_target:
        frame["_y"] = _raw_target(frame, config)
    else:
        frame["_y"] = np.nan
    if d.time is not None:
        frame["_label_end"] = _label_end(frame, config.horizon)
    return frame


# ---- splitting -----------------------------------------------------------------------------
def _quantile_time(sorted_times: np.ndarray, share: float) -> np.datetime64:
    return sorted_times[min(int(len(sorted_times) * share), len(sorted_times) - 1)]


def _cut(times: np.ndarray, label_end: np.ndarray, ends: np.ndarray, lo, hi) -> np.ndarray:
    """Samples dated in [lo, hi) whose label period ends before hi (the embargo)."""
    t = times[ends]
    keep = t < hi
    if lo is not None:
        keep &= t >= lo
    keep &= label_end[ends] < hi
    return ends[keep]


def time_split(
    times: np.ndarray, label_end: np.ndarray, ends: np.ndarray, validation: float, test: float
) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """One calendar cut for all entities; labels that reach past a cut are dropped."""
    sorted_t = np.sort(times[ends])
    test_cut = _quantile_time(sorted_t, 1 - test)
    val_cut = _quantile_time(sorted_t, 1 - test - validation)
    splits = {
        "train": _cut(times, label_end, ends, None, val_cut),
        "validation": _cut(times, label_end, ends, val_cut, test_cut),
        "test": ends[times[ends] >= test_cut],
    }
    cuts = {"validation": str(pd.Timestamp(val_cut)), "test": str(pd.Timestamp(test_cut))}
    return splits, cuts


def walk_forward_folds(
    times: np.ndarray,
    label_end: np.ndarray,
    ends: np.ndarray,
    validation: float,
    test: float,
    folds: int,
) -> list[dict[str, np.ndarray]]:
    """Rolling-origin folds: fold k tests on the k-th of `folds` blocks of `test` share each."""
    if 1 - folds * test - validation < 0.1:
        raise DataValidationError(
            f"walk_forward with {folds} folds of test share {test} and validation {validation} "
            "leaves under 10% of the samples for the first training set; use fewer folds or "
            "a smaller split.test"
        )
    sorted_t = np.sort(times[ends])
    t = times[ends]
    out = []
    for k in range(folds):
        lo = 1 - (folds - k) * test
        test_lo = _quantile_time(sorted_t, lo)
        val_lo = _quantile_time(sorted_t, lo - validation)
        test_mask = t >= test_lo
        if k < folds - 1:
            test_hi = _quantile_time(sorted_t, lo + test)
            test_mask &= label_end[ends] < test_hi
        out.append(
            {
                "train": _cut(times, label_end, ends, None, val_lo),
                "validation": _cut(times, label_end, ends, val_lo, test_lo),
                "test": ends[test_mask],
            }
        )
    return out


def stratified_split(
    y: np.ndarray, ends: np.ndarray, validation: float, test: float, seed: int, stratify: bool
) -> dict[str, np.ndarray]:
    """Random split for cross-sectional data, stratified by class for classification."""
    from sklearn.model_selection import train_test_split

    strat = y[ends] if stratify else None
    rest, test_idx = train_test_split(ends, test_size=test, random_state=seed, stratify=strat)
    strat = y[rest] if stratify else None
    train, val = train_test_split(
        rest, test_size=validation / (1 - test), random_state=seed, stratify=strat
    )
    return {"train": np.sort(train), "validation": np.sort(val), "test": np.sort(test_idx)}


# ---- the whole preparation -------------------------------------------------------------------
def eligible_ends(frame: pd.DataFrame, config: RunConfig, need_target: bool = True) -> np.ndarray:
    """Rows that can end a sample: a full window of history and, when needed, a known target."""
    ok = np.ones(len(frame), dtype=bool)
    if not config.cross_sectional:
        ok &= frame["_pos"].to_numpy() >= config.window - 1
    if need_target:
        ok &= np.isfinite(frame["_y"].to_numpy(dtype=float))
    return np.flatnonzero(ok)


def date_range_rows(frame: pd.DataFrame, config: RunConfig) -> np.ndarray | None:
    """Rows dated inside data.start / data.end (both days included); None without a range."""
    d = config.data
    if d.start is None and d.end is None:
        return None
    times = frame["_time"].to_numpy()
    rows = np.ones(len(frame), dtype=bool)
    if d.start is not None:
        rows &= times >= np.datetime64(d.start)
    if d.end is not None:
        rows &= times < np.datetime64(d.end) + np.timedelta64(1, "D")
    return rows


def _window_in_range(ends: np.ndarray, rows: np.ndarray, window: int) -> np.ndarray:
    """Whether each sample's window (rows end-window+1..end of one entity, in time order)
    lies inside the range: its first and last rows do."""
    return rows[ends] & rows[ends - (window - 1)]


def _ends_in_range(
    frame: pd.DataFrame, config: RunConfig, ends: np.ndarray, rows: np.ndarray
) -> np.ndarray:
    """Samples that read only rows of the date range: every row of their window and, for a
    target computed from later rows, the rows up to its label end. (A column target is the
    user's own value at t.)"""
    keep = _window_in_range(ends, rows, config.window)
    if config.data.target.kind != "column" and config.data.end is not None:
        last = np.datetime64(config.data.end) + np.timedelta64(1, "D")
        keep &= frame["_label_end"].to_numpy()[ends] < last
    return ends[keep]


def _range_error(frame: pd.DataFrame, config: RunConfig) -> DataValidationError:
    d, times = config.data, frame["_time"]
    return DataValidationError(
        f"the date range data.start {d.start or '(first row)'} to data.end "
        f"{d.end or '(last row)'} leaves no sample with a full window of {config.window} rows "
        f"and a known target inside it (the data run from {times.min().date()} to "
        f"{times.max().date()}); widen the range or lower window or horizon"
    )


def _history_error(frame: pd.DataFrame, config: RunConfig) -> DataValidationError:
    sizes = frame.groupby("_entity").size()
    need = config.window + (config.horizon if config.data.target.kind != "column" else 0)
    longest = sizes.idxmax()
    who = f" ({config.data.entity} '{longest}')" if config.data.entity else ""
    return DataValidationError(
        f"window {config.window} needs at least {need} rows per entity with a known target; "
        f"the longest history has {int(sizes.max())} rows{who}. Lower window or horizon, or "
        "upload a longer history"
    )


def _splits(frame: pd.DataFrame, config: RunConfig, ends: np.ndarray):
    s = config.split
    if config.cross_sectional:
        y = frame["_y"].to_numpy()
        return (
            stratified_split(
                y, ends, s.validation, s.test, config.training.seed, config.task == "classification"
            ),
            {},
            [],
        )
    times = frame["_time"].to_numpy()
    label_end = frame["_label_end"].to_numpy()
    splits, cuts = time_split(times, label_end, ends, s.validation, s.test)
    folds = []
    if s.scheme == "walk_forward":
        folds = walk_forward_folds(times, label_end, ends, s.validation, s.test, s.folds)
    return splits, cuts, folds


def _finish_target(frame: pd.DataFrame, config: RunConfig, train: np.ndarray) -> dict:
    """Turn raw values into labels; a tail-loss quantile is fitted on training samples only."""
    t = config.data.target
    if t.kind == "drawdown":
        frame["_y"] = np.where(frame["_y"].isna(), np.nan, frame["_y"] >= t.threshold)
        return {"threshold": t.threshold}
    if t.kind == "tail_loss":
        q = float(np.quantile(frame["_y"].to_numpy()[train], t.quantile))
        frame["_y"] = np.where(frame["_y"].isna(), np.nan, frame["_y"] < q)
        return {"forward_return_cutoff": q}
    return {}


def _check_classes(y: np.ndarray, splits: dict[str, np.ndarray], column: str) -> None:
    for name in ("train", "test"):
        values = np.unique(y[splits[name]])
        if len(values) < 2:
            raise DataValidationError(
                f"target '{column}' has only the value {values[0]:g} in the {name} split; a risk "
                "model needs both events and non-events: use a longer history, another "
                "threshold, or a different split"
            )


def _block_columns(config: RunConfig, frame: pd.DataFrame) -> tuple[dict[str, list[str]], list]:
    d = config.data
    sentiment = d.sentiment_features + (["no_news"] if d.sentiment_features else [])
    columns = {
        "sequence": d.all_sequence,
        "macro": d.macro_features,
        "sentiment": sentiment,
        "static": d.static_features,
    }
    categorical = [c for c in d.static_features if not pd.api.types.is_numeric_dtype(frame[c])]
    return columns, categorical


def make_panel(frame: pd.DataFrame, config: RunConfig, pre: Preprocessor) -> Panel:
    """Apply fitted preprocessing to a built frame."""
    return Panel(
        blocks=pre.transform(frame),
        names=pre.feature_names(),
        y=frame["_y"].to_numpy(dtype=float),
        time=frame["_time"].to_numpy() if not config.cross_sectional else None,
        entity=frame["_entity"].to_numpy(dtype=object),
        label_end=frame["_label_end"].to_numpy() if not config.cross_sectional else None,
        window=1 if config.cross_sectional else config.window,
    )


def prepare(
    config: RunConfig,
    primary: pd.DataFrame,
    macro: pd.DataFrame | None = None,
    sentiment: pd.DataFrame | None = None,
) -> Dataset:
    """Fit everything learnable on the training period and return the split samples."""
    frame = build_frame(config, primary, macro, sentiment)
    ends = eligible_ends(frame, config)
    if len(ends) == 0:
        raise _history_error(frame, config)
    rows_used = None if config.cross_sectional else date_range_rows(frame, config)
    if rows_used is not None:
        ends = _ends_in_range(frame, config, ends, rows_used)
        if len(ends) == 0:
            raise _range_error(frame, config)
    splits, cuts, folds = _splits(frame, config, ends)
    for name, idx in splits.items():
        if len(idx) == 0:
            raise DataValidationError(
                f"the {name} split is empty ({len(ends)} samples in all, cuts {cuts}); "
                "use a longer history, a shorter horizon, or larger split shares"
            )
    target_state = _finish_target(frame, config, splits["train"])
    if config.task == "classification":
        _check_classes(frame["_y"].to_numpy(), splits, config.data.target.column)
    columns, categorical = _block_columns(config, frame)
    if config.cross_sectional:
        fit_rows = np.zeros(len(frame), dtype=bool)
        fit_rows[splits["train"]] = True
    else:
        fit_rows = frame["_time"].to_numpy() < np.datetime64(pd.Timestamp(cuts["validation"]))
    full_window = frame["_pos"].to_numpy() >= (0 if config.cross_sectional else config.window - 1)
    if rows_used is not None:  # rows outside the range teach the scalers nothing
        fit_rows &= rows_used
        whole = np.flatnonzero(full_window)
        full_window[whole[~_window_in_range(whole, rows_used, config.window)]] = False
    pre = Preprocessor(columns=columns, categorical=categorical).fit(frame, fit_rows, full_window)
    panel = make_panel(frame, config, pre)
    returns = None
    if config.task == "quantile":  # one-step returns, known at t: what HS and GARCH see
        t = config.data.target
        values = _numeric(frame, t.column, "primary").to_numpy(dtype=float)
        target_state["column_is"] = return_kind(values, t.column_is)
        if target_state["column_is"] == "price":
            returns = _per_entity(frame, values, one_step_log_return)
        else:
            returns = values.copy()
    return Dataset(config, panel, splits, pre, target_state, cuts, folds, returns, rows_used)


# ---- a saved run's preprocessing applied to new data ---------------------------------------
def saved_preprocessor(state: dict) -> Preprocessor:
    """The fitted preprocessing of a run's saved state (Dataset.state())."""
    return Preprocessor.from_dict(state["preprocessor"])


@dataclass
class SavedInputs:
    """New data through a saved run's preprocessing: the one transform that score, explain,
    scenarios, validate and watch use, so they all feed the model the same inputs."""

    frame: pd.DataFrame  # joined raw rows in panel order, with _time, _entity, _pos, _y
    panel: Panel
    ends: np.ndarray  # samples with a full window of history
    preprocessor: Preprocessor


def apply_saved(
    config: RunConfig,
    state: dict,
    primary: pd.DataFrame,
    macro: pd.DataFrame | None = None,
    sentiment: pd.DataFrame | None = None,
    with_target: bool | None = None,
    trained: str = "the model",
) -> SavedInputs:
    """Apply the saved preprocessing to new data; never refits.

    The target is computed when with_target is True, or None and its column is present (so
    scoring the training data reproduces the run), and left unknown otherwise. trained names
    the run in messages about mismatched column types.
    """
    pre = saved_preprocessor(state)
    pre.check_types(primary, trained)
    if with_target is None:
        with_target = config.data.target.column in primary.columns
    frame = build_frame(config, primary, macro, sentiment, with_target=with_target)
    if with_target:
        t = config.data.target
        y = frame["_y"]
        if t.kind == "drawdown":
            frame["_y"] = np.where(y.isna(), np.nan, y >= t.threshold)
        elif t.kind == "tail_loss":
            cutoff = state["target"]["forward_return_cutoff"]
            frame["_y"] = np.where(y.isna(), np.nan, y < cutoff)
    pre.check_levels(frame)
    ends = eligible_ends(frame, config, need_target=False)
    if len(ends) == 0:
        raise _history_error(frame, config)
    return SavedInputs(frame, make_panel(frame, config, pre), ends, pre)


def transform_new(
    config: RunConfig, state: dict, *tables: pd.DataFrame | None
) -> tuple[Panel, np.ndarray]:
    """apply_saved to (primary, macro, sentiment), seen as the panel and its samples."""
    saved = apply_saved(config, state, *tables)
    return saved.panel, saved.ends
