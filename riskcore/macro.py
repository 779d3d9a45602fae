"""Macro files of several frequencies: merging them, detecting each series' frequency, and
publication lags in calendar units.

The one place for these rules. A daily volatility index and a monthly CPI published weeks
later are uploaded as separate files and merged here, at the boundary where files are read,
into one macro frame (an outer join on the date); the rest of the product sees one macro
table. Each column then gets a publication lag in calendar units ("0D", "45D", "1M", "1Q"):
a value dated d is used at time t only when d + lag <= t (riskcore.joins.join_macro). Without
a configured lag a column's lag is one period of its own frequency for monthly, quarterly and
annual series (a month's figure is published during the next month) and 0D for daily and
weekly ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from riskcore.errors import DataValidationError
from riskcore.joins import to_times
from riskcore.roles import guess_time

if TYPE_CHECKING:
    from riskcore.config import DataConfig

LAG_FORMS = "0D, 1D, 45D, 1M or 1Q"
_LAG = re.compile(r"\s*(\d{1,4})\s*([DWMQY])\s*", re.IGNORECASE)
_MONTHS = {"M": 1, "Q": 3, "Y": 12}

# Frequency by the median gap between a series' dates, in days (inclusive bounds); a series is
# regular when most of its gaps fall in the same band. Business days (gaps of 1 and 3) are daily.
BANDS = {
    "daily": (1, 4),
    "weekly": (5, 10),
    "monthly": (25, 35),
    "quarterly": (80, 100),
    "annual": (350, 380),
}
REGULAR_SHARE = 0.75
PERIOD_UNIT = {
    "daily": "D",
    "business daily": "D",
    "weekly": "W",
    "monthly": "M",
    "quarterly": "Q",
    "annual": "Y",
    "irregular": "D",  # treated as daily
}
PUBLISHED_LATE = ("monthly", "quarterly", "annual")  # default lag: one period


# ---- lags ------------------------------------------------------------------------------------
def parse_lag(text: object) -> tuple[int, str]:
    """(count, unit) of a lag such as "45D" or "1m" (unit D, W, M, Q or Y, upper case): the one
    parser of lags, used by the config's validation, the join and the Data page."""
    match = _LAG.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise DataValidationError(f"{text!r} is not a lag; write it like {LAG_FORMS}")
    return int(match[1]), match[2].upper()


def normal_lag(text: object) -> str:
    """The lag in its canonical spelling ("1m " -> "1M")."""
    n, unit = parse_lag(text)
    return f"{n}{unit}"


def lag_offset(text: str) -> pd.DateOffset:
    """The calendar offset a lag adds to a value's date to give the first time it may be used."""
    n, unit = parse_lag(text)
    if unit in _MONTHS:
        return pd.DateOffset(months=n * _MONTHS[unit])
    return pd.DateOffset(weeks=n) if unit == "W" else pd.DateOffset(days=n)


def check_lag(text: str) -> str:
    """RunConfig's validator of a lag: its canonical spelling, or a ValueError that pydantic
    words with the key and the value given."""
    try:
        return normal_lag(text)
    except DataValidationError:
        raise ValueError(f"not a lag; write it like {LAG_FORMS}") from None


def period_lag(periods: int, frequency: str) -> str:
    """`periods` periods of a frequency as a calendar lag (0 is always "0D")."""
    return f"{periods}{PERIOD_UNIT[frequency]}" if periods else "0D"


def default_lag(frequency: str) -> str:
    """One period for monthly, quarterly and annual series, published after the period they
    describe; 0D for daily and weekly ones (and irregular ones, treated as daily)."""
    return period_lag(1 if frequency in PUBLISHED_LATE else 0, frequency)


# ---- frequencies -----------------------------------------------------------------------------
def detect_frequency(dates: np.ndarray | pd.Series) -> str:
    """daily, business daily, weekly, monthly, quarterly, annual, or irregular (fewer than two
    dates, or gaps of no one frequency)."""
    days = np.unique(np.asarray(dates, dtype="datetime64[D]"))
    if len(days) < 2:
        return "irregular"
    gaps = np.diff(days).astype(np.int64)
    median = float(np.median(gaps))
    for name, (low, high) in BANDS.items():
        if low <= median <= high:
            if np.mean((gaps >= low) & (gaps <= high)) < REGULAR_SHARE:
                return "irregular"
            weekdays = pd.DatetimeIndex(days).day_of_week
            business = name == "daily" and bool((weekdays < 5).all()) and median == 1
            return "business daily" if business and (gaps == 3).any() else name
    return "irregular"


def median_gap(dates: np.ndarray | pd.Series) -> float | None:
    """Median days between distinct dates, for saying why a series looks irregular."""
    days = np.unique(np.asarray(dates, dtype="datetime64[D]"))
    return float(np.median(np.diff(days).astype(np.int64))) if len(days) > 1 else None


@dataclass(frozen=True)
class FileFrequency:
    """What the Data page and the CLI say about one macro file: its date column, the other
    columns, its detected frequency and the lag its columns get when none is configured."""

    name: str
    date_column: str
    columns: list[str]
    frequency: str
    default_lag: str
    gap_days: float | None

    @property
    def irregular(self) -> bool:
        return self.frequency == "irregular"


def file_frequency(name: str, frame: pd.DataFrame, date_col: str | None = None) -> FileFrequency:
    """The detected frequency and default lag of one macro file."""
    column = _date_column(name, frame, date_col)
    times = to_times(frame[column], f"'{name}' macro", column)
    frequency = detect_frequency(times)
    return FileFrequency(
        name=name,
        date_column=column,
        columns=[c for c in frame.columns if c != column],
        frequency=frequency,
        default_lag=default_lag(frequency),
        gap_days=median_gap(times),
    )


def column_lags(
    data: DataConfig, macro: pd.DataFrame, time_col: str
) -> int | dict[str, pd.DateOffset]:
    """What riskcore.joins.join_macro takes for a config: a legacy integer macro_lag as it is
    (rows of the one macro file), else each feature's calendar offset: data.macro_lags[col],
    else a string data.macro_lag, else the default of the frequency of the column's own dated
    values (a monthly column merged with daily ones is still monthly)."""
    if isinstance(data.macro_lag, int):
        return data.macro_lag
    times = None
    out = {}
    for col in data.macro_features:
        lag = data.macro_lags.get(col) or data.macro_lag
        if lag is None:
            if times is None:
                times = to_times(macro[time_col], "macro", time_col)
            lag = default_lag(detect_frequency(times[macro[col].notna().to_numpy()]))
        out[col] = lag_offset(lag)
    return out


def lag_summary(data: DataConfig) -> str:
    """The macro lags of a config in a few words, for reports: "1M", "vix 0D, cpi 1M",
    "1 row(s)" (a legacy config), or each column's default."""
    if isinstance(data.macro_lag, int):
        return f"{data.macro_lag} row(s)"
    default = "default"
    lags = {c: data.macro_lags.get(c) or data.macro_lag or default for c in data.macro_features}
    if len(set(lags.values())) > 1:
        return ", ".join(f"{c} {lag}" for c, lag in lags.items())
    one = next(iter(lags.values()), data.macro_lag or default)
    return "each column's default (monthly: 1M, daily: 0D)" if one == default else one


# ---- merging files ---------------------------------------------------------------------------
def _date_column(name: str, frame: pd.DataFrame, date_col: str | None) -> str:
    """The file's date column: `date_col` when it has one, else the column read as dates."""
    if date_col is not None and date_col in frame.columns:
        return date_col
    found = guess_time(frame)
    if found is None:
        wanted = f"no column '{date_col}' and " if date_col else ""
        raise DataValidationError(
            f"macro file '{name}' has {wanted}no column read as dates; give it a date column "
            f"(`python -m riskcore inspect {name}` shows how it is read)"
        )
    return str(found)


def merge_files(
    files: Sequence[tuple[str, pd.DataFrame]],
    date_col: str | None = None,
    macro_lag: int | str | None = None,
) -> pd.DataFrame:
    """Several macro files (name, frame) as one macro frame: an outer join on the date, each
    file's date column renamed to `date_col` (default: the first file's), NaN where a file has
    no row on a date. One file comes back as it is, so a single file works as it always did.

    macro_lag: the config's; an integer counts rows of one file and is refused for several.
    """
    if len(files) == 1:
        return files[0][1]
    names = ", ".join(f"'{name}'" for name, _ in files)
    if isinstance(macro_lag, int):
        raise DataValidationError(
            f"data.macro_lag {macro_lag} counts rows of one macro file, but {len(files)} macro "
            f'files were given ({names}); write a calendar lag such as "1M" or "0D" (or one '
            "per column in data.macro_lags), or remove macro_lag to use each file's default"
        )
    date_col = date_col or _date_column(*files[0], None)
    owner: dict[str, str] = {}
    parts = []
    for name, frame in files:
        column = _date_column(name, frame, date_col)
        times = pd.DatetimeIndex(to_times(frame[column], f"'{name}' macro", column))
        if times.duplicated().any():
            raise DataValidationError(
                f"macro file '{name}' has two rows for {times[times.duplicated()][0].date()} in "
                f"column '{column}'; keep one row per date"
            )
        values = frame.drop(columns=column).set_axis(times, axis=0)
        for col in values.columns:
            if col in owner:
                raise DataValidationError(
                    f"column '{col}' is in both macro files '{owner[col]}' and '{name}'; rename it "
                    "in one of them (or drop it) so each indicator comes from one file"
                )
            owner[col] = name
        parts.append(values)
    merged = pd.concat(parts, axis=1, join="outer", sort=True)
    return merged.rename_axis(date_col).reset_index()
