"""Sensible first guesses for the column mapping, so the Data page starts pre-filled."""

from __future__ import annotations

import re

import pandas as pd

TARGET_NAMES = re.compile(r"(^|_)(event|default|label|target|bad|fraud|y)($|_|\d)", re.I)
ENTITY_NAMES = re.compile(r"(ticker|symbol|code|id|borrower|account|entity|name|代码|名称)", re.I)


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
    if time is None:
        static, sequence = static + sequence, []
    data = {
        "time": time,
        "entity": entity,
        "sequence_features": sequence,
        "static_features": static,
        "macro_features": [],
        "sentiment_features": [],
        "target": {"kind": "column", "column": target} if target else None,
    }
    if macro is not None:
        data["macro_features"] = numeric_columns(macro, [guess_time(macro)])
    if sentiment is not None:
        st_time = guess_time(sentiment)
        data["sentiment_features"] = numeric_columns(sentiment, [st_time, entity])
    return data
