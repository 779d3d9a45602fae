"""Targets from future rows and derived features from past rows, one entity at a time.

Every function here takes the values of ONE entity in time order. Targets look strictly after
row i (rows i+1..i+horizon); derived features look at rows up to i only. Keeping the two apart
in one small module makes the no-look-ahead rule easy to read and to test.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from riskcore.config import DerivedFeature


def _forward_windows(values: np.ndarray, horizon: int, include_current: bool) -> np.ndarray:
    """Rows i..i+horizon (or i+1..i+horizon) as a view; only rows with a full future."""
    width = horizon + 1
    if len(values) < width:
        return np.empty((0, width if include_current else horizon))
    view = sliding_window_view(values, width)
    return view if include_current else view[:, 1:]


def _pad_tail(result: np.ndarray, n: int) -> np.ndarray:
    """Rows without a full future get NaN: their label is unknown, not zero."""
    out = np.full(n, np.nan)
    out[: len(result)] = result
    return out


def forward_drawdown(price: np.ndarray, horizon: int) -> np.ndarray:
    """Maximum drawdown from the running peak over prices i..i+horizon (peak starts at i)."""
    w = _forward_windows(price.astype(float), horizon, include_current=True)
    if len(w) == 0:
        return np.full(len(price), np.nan)
    peak = np.maximum.accumulate(w, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        dd = 1.0 - w / peak
    return _pad_tail(np.nanmax(dd, axis=1), len(price))


def forward_return(returns: np.ndarray, horizon: int) -> np.ndarray:
    """Sum of one-step (log) returns over rows i+1..i+horizon."""
    w = _forward_windows(returns.astype(float), horizon, include_current=False)
    return _pad_tail(w.sum(axis=1), len(returns))


def forward_log_return(price: np.ndarray, horizon: int) -> np.ndarray:
    """log(price[i+horizon] / price[i]): the forward return of the quantile task from prices."""
    p = price.astype(float)
    p[~(p > 0)] = np.nan  # a price that is not positive has no log return
    out = np.full(len(p), np.nan)
    if len(p) > horizon:
        with np.errstate(divide="ignore", invalid="ignore"):
            out[: len(p) - horizon] = np.log(p[horizon:] / p[:-horizon])
    out[~np.isfinite(out)] = np.nan
    return out


def one_step_log_return(price: np.ndarray) -> np.ndarray:
    """log(price[i] / price[i-1]); NaN at the first row and where a price is not positive."""
    return forward_log_return(np.concatenate([[np.nan], price.astype(float)]), 1)[:-1]


def forward_volatility(returns: np.ndarray, horizon: int) -> np.ndarray:
    """Standard deviation of the one-step returns over rows i+1..i+horizon."""
    w = _forward_windows(returns.astype(float), horizon, include_current=False)
    if horizon < 2:
        return _pad_tail(np.abs(w[:, 0]), len(returns))
    return _pad_tail(w.std(axis=1, ddof=1), len(returns))


def derive(values: np.ndarray, spec: DerivedFeature) -> np.ndarray:
    """One derived sequence feature from the past of a single entity's column."""
    x = values.astype(float)
    prev = np.concatenate([[np.nan], x[:-1]])
    with np.errstate(divide="ignore", invalid="ignore"):
        if spec.kind == "log_return":
            out = np.log(x / prev)
        elif spec.kind == "pct_change":
            out = x / prev - 1.0
        elif spec.kind == "diff":
            out = x - prev
        else:  # rolling_vol: trailing std of the column's values over `window` rows
            out = np.full(len(x), np.nan)
            if len(x) >= spec.window:
                view = sliding_window_view(x, spec.window)
                out[spec.window - 1 :] = view.std(axis=1, ddof=1)
            if spec.kind == "vol_scaled":  # the value in units of that trailing std
                out = x / out
    out[~np.isfinite(out)] = np.nan
    return out
