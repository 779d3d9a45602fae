"""Stability: PSI of the score and of each input per period against training, and the grade
migration matrix of a panel between two dates.

PSI is riskcore.drift's (same precision on both sides, edges between distinct training values);
the training side is the run's reference.csv (inputs at each sample's last row, and the
calibrated training score), the other side the same columns of the validated rows
(riskcore.train.feature_frame).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from riskcore import drift as D

WHOLE = "all"  # the period label of the whole validated split


def psi_table(
    reference: pd.DataFrame, current: pd.DataFrame, periods: ArrayLike | None = None
) -> pd.DataFrame:
    """period, feature, psi, reading, n: first the whole split (period "all"), then each period.

    `current` holds the score (column "score") and the inputs, one row per validated sample;
    `periods` each row's period label (None for cross-sectional data).
    """
    parts = [_psi_rows(reference, current, WHOLE)]
    if periods is not None:
        labels = np.asarray(periods)
        for label in np.unique(labels):
            parts.append(_psi_rows(reference, current[labels == label], str(label)))
    return pd.concat(parts, ignore_index=True)


def _psi_rows(reference: pd.DataFrame, current: pd.DataFrame, label: str) -> pd.DataFrame:
    table = D.feature_psi(reference, current.reset_index(drop=True))
    table.insert(0, "period", label)
    table["n"] = len(current)
    return table


def migration_matrix(
    times: ArrayLike,
    entities: ArrayLike,
    grades: ArrayLike,
    size: int,
    start=None,
    end=None,
) -> tuple[pd.DataFrame, dict]:
    """Counts of entities by grade at `start` (rows) and at `end` (columns), and a summary.

    An entity's grade at a date is that of its latest row on or before the date (the default
    dates are the first and the last of `times`); entities without a row by `start`, or
    without a later row by `end`, are left out.
    """
    frame = pd.DataFrame(
        {
            "time": pd.to_datetime(np.asarray(times)),
            "entity": np.asarray(entities, dtype=object),
            "grade": np.asarray(grades, dtype=int),
        }
    ).sort_values(["entity", "time"], kind="stable")
    start = pd.Timestamp(start) if start is not None else frame["time"].min()
    end = pd.Timestamp(end) if end is not None else frame["time"].max()
    before = frame[frame["time"] <= start].groupby("entity").last()
    after = frame[frame["time"] <= end].groupby("entity").last()
    both = before.merge(after, on="entity", suffixes=("_from", "_to"), how="inner")
    both = both[both["time_to"] > both["time_from"]]
    labels = list(range(1, size + 1))
    matrix = pd.crosstab(both["grade_from"], both["grade_to"]).reindex(
        index=labels, columns=labels, fill_value=0
    )
    matrix.index.name, matrix.columns.name = "from_grade", "to_grade"
    n = len(both)
    moved = both["grade_to"] - both["grade_from"]

    def share(mask) -> float:
        return float(mask.sum() / n) if n else math.nan

    summary = {
        "start": start.date().isoformat() if pd.notna(start) else None,
        "end": end.date().isoformat() if pd.notna(end) else None,
        "entities": n,
        "stable": share(moved == 0),
        "downgraded": share(moved > 0),  # to a grade of higher PD
        "upgraded": share(moved < 0),
        "moved_two_or_more": share(moved.abs() >= 2),
        # the counts behind the shares, so a reader sees both ("75% (9)")
        "stable_count": int((moved == 0).sum()),
        "downgraded_count": int((moved > 0).sum()),
        "upgraded_count": int((moved < 0).sum()),
    }
    return matrix.astype(int), summary
