"""As-of backward joins of macro indicators and news sentiment onto the primary rows.

Rule 1 of the design: a value dated after t (minus its publication lag) never reaches the row
at t. Both joins work on sorted numpy arrays with searchsorted, so they are vectorised and
obviously backward-looking. The sentiment join's work is linear in rows + news (rows are
grouped by entity once, not compared with each entity in turn).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from riskcore.errors import DataValidationError


def to_times(series: pd.Series, file_role: str, column: str) -> np.ndarray:
    """The column as datetime64[ns], or an error naming the file, column and first bad row."""
    if not pd.api.types.is_datetime64_any_dtype(series):
        try:
            series = pd.to_datetime(series)
        except (ValueError, TypeError):
            raise DataValidationError(
                f"{file_role} file: column '{column}' does not hold dates; "
                "map the time column to a date column"
            ) from None
    if series.isna().any():
        row = int(np.flatnonzero(series.isna().to_numpy())[0]) + 1
        raise DataValidationError(
            f"{file_role} file: column '{column}' has an empty or unreadable date at data row "
            f"{row}; fill it or remove the row"
        )
    return series.to_numpy(dtype="datetime64[ns]")


def macro_row_index(macro_times: np.ndarray, times: np.ndarray, lag: int) -> np.ndarray:
    """Index of the macro row used at each time: latest row at or before t, then `lag` rows back.

    -1 where no such row exists (the value is then missing and imputed).
    """
    idx = np.searchsorted(macro_times, times, side="right") - 1 - lag
    idx[idx < 0] = -1
    return idx


def join_macro(
    times: np.ndarray,
    macro: pd.DataFrame,
    time_col: str,
    features: list[str],
    lags: int | Mapping[str, pd.DateOffset],
) -> pd.DataFrame:
    """Macro features known at each primary time (NaN before the first usable release).

    lags (riskcore.macro.column_lags): an int counts rows of the macro file, the legacy
    config's meaning (a NaN cell in the row it picks stays NaN); a mapping gives each feature a
    calendar lag applied to that column's own dated values, so in files of several frequencies
    merged on the date a value dated d is used at t only when d + lag <= t.
    """
    macro = macro.assign(_t=to_times(macro[time_col], "macro", time_col))
    macro = macro.sort_values("_t", kind="stable")
    if macro["_t"].duplicated().any():
        dup = macro.loc[macro["_t"].duplicated(), "_t"].iloc[0]
        raise DataValidationError(
            f"macro file has two rows for {pd.Timestamp(dup).date()} in column '{time_col}'; "
            "keep one row per date"
        )
    dates = macro["_t"].to_numpy()
    values = macro[features].to_numpy(dtype=float)
    out = np.full((len(times), len(features)), np.nan)
    if isinstance(lags, int):
        idx = macro_row_index(dates, times, lags)
        ok = idx >= 0
        out[ok] = values[idx[ok]]
        return pd.DataFrame(out, columns=features)
    for j, col in enumerate(features):
        known = ~np.isnan(values[:, j])
        released = (pd.DatetimeIndex(dates[known]) + lags[col]).to_numpy(dtype="datetime64[ns]")
        idx = np.searchsorted(released, times, side="right") - 1  # released is sorted with d
        ok = idx >= 0
        out[ok, j] = values[known, j][idx[ok]]
    return pd.DataFrame(out, columns=features)


def _daily_sums(
    sentiment: pd.DataFrame, entity_col: str | None, features: list[str]
) -> pd.DataFrame:
    """Per (entity, day): sum of each score and number of articles."""
    keys = ["_e", "_day"]
    frame = (
        sentiment[features]
        .astype(float)
        .assign(
            _e=sentiment[entity_col].astype(str) if entity_col else "",
            _day=sentiment["_t"].dt.normalize(),
            _n=1.0,
        )
    )
    frame[features] = frame[features].where(frame[features].notna(), np.nan)
    grouped = frame.groupby(keys, sort=True)
    sums = grouped[features].sum(min_count=1).fillna(0.0)
    sums["_n"] = grouped[features[0]].count()
    return sums.reset_index()


def _rows_by_key(keys: np.ndarray) -> dict[str, np.ndarray]:
    """Row positions (ascending) per key, from one factorize and one stable sort: linear in
    the rows, where comparing every row with each key in turn grew with entities x rows."""
    codes, uniques = pd.factorize(keys)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    return {str(key): order[bounds[i] : bounds[i + 1]] for i, key in enumerate(uniques)}


def join_sentiment(
    times: np.ndarray,
    entities: np.ndarray | None,
    sentiment: pd.DataFrame,
    time_col: str,
    entity_col: str | None,
    features: list[str],
    lag_days: int,
    window_days: int,
) -> pd.DataFrame:
    """Mean news score per row over the days (t - lag - window, t - lag], plus a no-news flag.

    Scores are aggregated per (entity, day) first so that a day with ten articles does not
    count ten times. Rows with no news in the span get NaN scores (the preprocessor fills a
    neutral training value) and `no_news` = 1. A sentiment file without an entity column is
    market-wide and applies to every entity.
    """
    sentiment = sentiment.assign(_t=to_times(sentiment[time_col], "sentiment", time_col))
    use_entity = entity_col is not None and entity_col in sentiment.columns and entities is not None
    daily = _daily_sums(sentiment, entity_col if use_entity else None, features)
    row_days = pd.DatetimeIndex(times).normalize().to_numpy() - np.timedelta64(lag_days, "D")
    row_keys = entities.astype(str) if use_entity else np.full(len(times), "", dtype=object)
    rows_of = _rows_by_key(row_keys)
    means = np.full((len(times), len(features)), np.nan)
    counts = np.zeros(len(times))
    for key, group in daily.groupby("_e", sort=False):
        rows = rows_of.get(key)
        if rows is None:
            continue
        days = group["_day"].to_numpy()
        csum = np.vstack([np.zeros(len(features)), np.cumsum(group[features].to_numpy(), 0)])
        cnum = np.concatenate([[0.0], np.cumsum(group["_n"].to_numpy())])
        hi = np.searchsorted(days, row_days[rows], side="right")
        lo = np.searchsorted(days, row_days[rows] - np.timedelta64(window_days, "D"), "right")
        n = cnum[hi] - cnum[lo]
        with np.errstate(invalid="ignore", divide="ignore"):
            means[rows] = (csum[hi] - csum[lo]) / n[:, None]
        counts[rows] = n
    out = pd.DataFrame(means, columns=features)
    out.loc[counts == 0, features] = np.nan
    out["no_news"] = (counts == 0).astype(float)
    return out
