"""Sensible first guesses for the column mapping, so the Data page starts pre-filled."""

from __future__ import annotations

import re

import pandas as pd

TARGET_NAMES = re.compile(r"(^|_)(event|default|label|target|bad|fraud|y)($|_|\d)", re.I)
ENTITY_NAMES = re.compile(r"(ticker|symbol|code|id|borrower|account|entity|name|代码|名称)", re.I)
# A price level (close, adj_close, 收盘价) trends and differs in scale across entities: as a
# model input it mostly tells the model which stock and which year it is. Its return does not.
PRICE_NAMES = re.compile(
    r"((^|_)(adj_?)?(close|price|px|open|high|low|settle)($|_))|收盘|开盘|最高价|最低价|价格|股价",
    re.I,
)
RETURN_NAMES = re.compile(
    r"((^|_)(ret|rets|return|returns|log_?ret|chg|change|pct|pct_?chg)($|_|\d))|涨跌幅|收益率",
    re.I,
)


def _is_binary(s: pd.Series) -> bool:
    values = set(pd.unique(s.dropna()))
    return len(values) == 2 and values <= {0, 1}


def guess_time(frame: pd.DataFrame) -> str | None:
    dates = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
    return dates[0] if dates else None


def guess_entity(frame: pd.DataFrame, time: str | None) -> str | None:
    """A text (or id-named) column that repeats over time: several rows per value."""
    candidates = []
    for col in frame.columns:
        if col == time:
            continue
        s = frame[col]
        numeric = pd.api.types.is_numeric_dtype(s)
        if numeric and not ENTITY_NAMES.search(str(col)):
            continue
        n = s.nunique(dropna=True)
        if 1 < n <= max(2, len(frame) // 3):
            candidates.append((not ENTITY_NAMES.search(str(col)), n, col))
    return sorted(candidates)[0][2] if candidates and time else None


def guess_target(frame: pd.DataFrame) -> str | None:
    named = [c for c in frame.columns if TARGET_NAMES.search(str(c))]
    binary = [c for c in frame.columns if _is_binary(frame[c])]
    for col in named:
        if col in binary:
            return col
    return named[0] if named else (binary[-1] if binary else None)


def numeric_columns(frame: pd.DataFrame, exclude: list[str | None]) -> list[str]:
    """Numeric columns that vary: a constant (a single ticker's code, a unit) carries nothing."""
    return [
        c
        for c in frame.columns
        if c not in exclude
        and pd.api.types.is_numeric_dtype(frame[c])
        and frame[c].nunique(dropna=True) > 1
    ]


def is_price_level(s: pd.Series, name: str) -> bool:
    """A column named like a price whose values are all positive numbers."""
    if not PRICE_NAMES.search(str(name)) or not pd.api.types.is_numeric_dtype(s):
        return False
    x = s.dropna().to_numpy(dtype=float)
    return len(x) > 0 and bool((x > 0).all())


def is_return(s: pd.Series, name: str) -> bool:
    """A column named like a return (ret_1d, pct_chg, 涨跌幅) that goes both ways."""
    if not RETURN_NAMES.search(str(name)) or not pd.api.types.is_numeric_dtype(s):
        return False
    return bool((s.dropna() < 0).any())


def log_return_name(column: str, taken: list[str]) -> str:
    """The derived feature's name: "<column>_log_return", made unique among `taken`."""
    name, k = f"{column}_log_return", 2
    while name in taken:
        name, k = f"{column}_log_return_{k}", k + 1
    return name


def returns_for_prices(primary: pd.DataFrame, sequence: list[str]) -> tuple[list[str], list]:
    """The sequence features without raw price levels, and the derived log returns offered
    in their place (none when the file already has a return column)."""
    prices = [c for c in sequence if is_price_level(primary[c], c)]
    kept = [c for c in sequence if c not in prices]
    if any(is_return(primary[c], c) for c in primary.columns):
        return kept, []
    taken = [str(c) for c in primary.columns]
    derived = []
    for col in prices:
        name = log_return_name(str(col), taken)
        taken.append(name)
        derived.append({"name": name, "kind": "log_return", "column": col})
    return kept, derived


def guess_roles(
    primary: pd.DataFrame, macro: pd.DataFrame | None, sentiment: pd.DataFrame | None
) -> dict:
    """A config `data` section guessed from the tables (the user confirms or edits it)."""
    time = guess_time(primary)
    entity = guess_entity(primary, time)
    target = guess_target(primary)
    numeric = numeric_columns(primary, [time, entity, target])
    if entity:
        per_entity = primary.groupby(entity)[numeric].nunique(dropna=True).max()
        static = [c for c in numeric if per_entity[c] <= 1]
        static += [
            c
            for c in primary.columns
            if c not in (time, entity, target)
            and not pd.api.types.is_numeric_dtype(primary[c])
            and not pd.api.types.is_datetime64_any_dtype(primary[c])
            and primary.groupby(entity)[c].nunique().max() <= 1
        ]
    else:
        static = []
    sequence = [c for c in numeric if c not in static]
    derived: list[dict] = []
    if time is None:
        static, sequence = static + sequence, []
    else:
        sequence, derived = returns_for_prices(primary, sequence)
    data = {
        "time": time,
        "entity": entity,
        "sequence_features": sequence,
        "static_features": static,
        "macro_features": [],
        "sentiment_features": [],
        "derived": derived,
        "target": {"kind": "column", "column": target} if target else None,
    }
    if macro is not None:
        data["macro_features"] = guess_inputs(macro)
    if sentiment is not None:
        data["sentiment_features"] = guess_inputs(sentiment, entity)
    return data


def guess_inputs(frame: pd.DataFrame, entity: str | None = None) -> list[str]:
    """A macro or sentiment file's features: its varying numeric columns but the date (and
    the entity); also for a file that arrives after the mapping was made."""
    return numeric_columns(frame, [guess_time(frame), entity])
