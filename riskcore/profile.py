"""A first look at the data before any modelling: a summary per column, the event rate over time.

Pure pandas, so the Data page, a notebook and the tests read the same numbers. Nothing here
changes the data or decides a role; it only describes what was uploaded.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SUMMARY_COLUMNS = ("column", "kind", "missing", "missing_share", "distinct", "min", "median", "max")
# Periods of the event-rate chart by the span of the data: enough points to show a trend,
# few enough that each holds several samples.
PERIODS = ((pd.Timedelta(days=180), "W"), (pd.Timedelta(days=365 * 8), "M"))
LONG_PERIOD = "Q"


def column_kind(s: pd.Series) -> str:
    """number, date, flag (true / false) or text: what a column holds, as the summary says."""
    if pd.api.types.is_bool_dtype(s):
        return "flag"
    if pd.api.types.is_datetime64_any_dtype(s):
        return "date"
    if pd.api.types.is_numeric_dtype(s):
        return "number"
    return "text"


def column_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per column: kind, missing count and share, distinct values, and min / median /
    max (numbers as floats, dates as Timestamps with no median; text has none of the three)."""
    rows = []
    n = len(frame)
    for col in frame.columns:
        s = frame[col]
        kind = column_kind(s)
        missing = int(s.isna().sum())
        row = {
            "column": str(col),
            "kind": kind,
            "missing": missing,
            "missing_share": missing / n if n else 0.0,
            "distinct": int(s.nunique(dropna=True)),
            "min": None,
            "median": None,
            "max": None,
        }
        values = s.dropna()
        if kind == "number" and len(values):
            x = values.astype(float)
            x = x[np.isfinite(x)]
            if len(x):
                row.update(min=float(x.min()), median=float(x.median()), max=float(x.max()))
        elif kind == "date" and len(values):
            row.update(min=values.min(), max=values.max())
        rows.append(row)
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def period_for(times: pd.Series | np.ndarray) -> str:
    """W, M or Q: the period that gives a readable event-rate chart for this span of dates."""
    t = pd.to_datetime(pd.Series(times)).dropna()
    span = t.max() - t.min() if len(t) else pd.Timedelta(0)
    return next((p for limit, p in PERIODS if span <= limit), LONG_PERIOD)


def event_rate_over_time(
    times: np.ndarray | pd.Series, y: np.ndarray | pd.Series, period: str | None = None
) -> pd.DataFrame:
    """Samples, events and the event rate per period (W, M or Q; chosen from the span when
    None), each period dated by its first day. Samples with an unknown label are left out."""
    frame = pd.DataFrame({"time": pd.to_datetime(pd.Series(times)), "y": pd.Series(y, dtype=float)})
    frame = frame.dropna()
    if frame.empty:
        return pd.DataFrame({"period": [], "samples": [], "events": [], "rate": []})
    period = period or period_for(frame["time"])
    start = frame["time"].dt.to_period(period).dt.start_time
    grouped = frame.groupby(start.rename("period"))["y"]
    out = pd.DataFrame({"samples": grouped.size(), "events": grouped.sum()}).reset_index()
    out["events"] = out["events"].astype(int)
    out["rate"] = out["events"] / out["samples"]
    return out


def rows_between(times: pd.Series, start, end) -> int:
    """Rows dated from start to end, both days included (None: no limit on that side)."""
    t = pd.to_datetime(times)
    keep = t.notna()
    if start is not None:
        keep &= t >= pd.Timestamp(start)
    if end is not None:
        keep &= t < pd.Timestamp(end) + pd.Timedelta(days=1)
    return int(keep.sum())


# ---- how a value reads in a table ----------------------------------------------------------
MAX_DECIMALS = 6


def decimals(values: pd.Series) -> int:
    """The fewest decimals (up to MAX_DECIMALS) that show every value of a column exactly:
    28.43 needs 2, a share count none."""
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    x = x[np.isfinite(x)]
    for d in range(MAX_DECIMALS + 1):
        if np.allclose(np.round(x, d), x, rtol=0, atol=10.0 ** -(MAX_DECIMALS + 2)):
            return d
    return MAX_DECIMALS


def only_dates(values: pd.Series) -> bool:
    """Whether a date column holds whole days (no clock time): shown as dates, not midnights."""
    t = pd.to_datetime(values, errors="coerce").dropna()
    return bool((t == t.dt.normalize()).all())


def value_text(value, kind: str) -> str:
    """A summary value as text: numbers with thousands separators ("2,121,200", "0.01293"),
    dates as days, nothing as an em dash."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "—"
    if kind == "date":
        stamp = pd.Timestamp(value)
        return str(stamp.date()) if stamp == stamp.normalize() else str(stamp)
    if kind == "number":
        v = float(value)
        if v == int(v) and abs(v) < 1e15:
            return f"{v:,.0f}"
        if abs(v) >= 1e5:
            return f"{v:,.2f}"
        return f"{v:,.6g}"
    return str(value)
