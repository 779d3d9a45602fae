"""Segments and fairness: the model's numbers per value of one column, and adverse impact.

A segment column is a primary-file column: text, boolean or a numeric column with at most
CATEGORY_LEVELS distinct values is taken as categories; any other numeric column (age, income)
is cut into quantile bins. Per segment: rows, events, event rate, ROC-AUC with its interval,
mean calibrated PD against the observed rate, and the approval rate at the decision threshold
(approve = score < threshold). The adverse-impact ratio is a segment's approval rate over that
of the most favoured segment (the highest approval rate among segments with at least
`min_rows` rows); below 0.8 it fails the four-fifths rule.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from riskcore import metrics as M
from riskcore.bootstrap import Resampling
from riskcore.validation.discrimination import auc_interval
from riskcore.validation.errors import ValidateError

CATEGORY_LEVELS = 10  # a numeric column with at most this many distinct values is categorical
FOUR_FIFTHS = 0.8
MISSING = "(missing)"
SEGMENT_COLUMNS = (
    "segment",
    "n",
    "events",
    "event_rate",
    "mean_pd",
    "roc_auc",
    "roc_auc_lo",
    "roc_auc_hi",
    "approval_rate",
    "adverse_impact_ratio",
    "four_fifths_flag",
    "eligible",
)


def decision_threshold(predictions: pd.DataFrame) -> float:
    """The run's default decision threshold, as the Results page sets it before an analyst
    picks one: flags about as many validation rows as there are events."""
    for split in ("validation", "train"):
        rows = predictions[predictions["split"] == split] if "split" in predictions else []
        if len(rows) and rows["y_true"].notna().all():
            return M.rate_matched_threshold(rows["y_true"], rows["score"])
    return 0.5


def segment_labels(
    values: pd.Series, column: str, bins: int = 4, max_levels: int = 20
) -> tuple[pd.Categorical, str]:
    """Each row's segment (ordered categories) and the kind: "categorical" or "binned"."""
    s = pd.Series(values).reset_index(drop=True)
    numeric = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
    if numeric and s.nunique(dropna=True) > CATEGORY_LEVELS:
        x = s.astype(float)
        edges = np.unique(np.quantile(x.dropna(), np.linspace(0, 1, bins + 1)))
        if edges.size < 2:
            edges = np.array([x.min(), x.max()])
        names = [f"[{lo:g}, {hi:g})" for lo, hi in itertools.pairwise(edges[:-1])]
        names.append(f"[{edges[-2]:g}, {edges[-1]:g}]")
        codes = np.clip(np.searchsorted(edges, x.to_numpy(), side="right") - 1, 0, len(names) - 1)
        labels = np.where(x.isna(), MISSING, np.asarray(names, dtype=object)[codes])
        order = names + ([MISSING] if x.isna().any() else [])
        return pd.Categorical(labels, categories=order, ordered=True), "binned"
    text = s.astype("string").fillna(MISSING).astype(str)
    levels = sorted(set(text))
    if len(levels) > max_levels:
        raise ValidateError(
            f"segment column '{column}' has {len(levels)} distinct values (at most {max_levels}); "
            "pick a column with fewer levels (a group, not an id), or a numeric column to bin"
        )
    return pd.Categorical(text, categories=levels, ordered=True), "categorical"


def segment_table(
    segments: pd.Categorical,
    y: ArrayLike,
    pd_: ArrayLike,
    rank_score: ArrayLike,
    threshold: float,
    min_rows: int = 30,
    resampling: Callable[[np.ndarray], Resampling] | None = None,
) -> pd.DataFrame:
    """One row per segment (SEGMENT_COLUMNS). `resampling(mask)` gives the bootstrap of a
    segment's rows (blocks of dates for time splits); rows by default."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(pd_, dtype=float)
    r = np.asarray(rank_score, dtype=float)
    codes = np.asarray(segments.codes)
    rows = []
    for k, name in enumerate(segments.categories):
        mask = codes == k
        n = int(mask.sum())
        if n == 0:
            continue
        boot = resampling(mask) if resampling else Resampling()
        auc, lo, hi = auc_interval(y[mask], r[mask], boot)
        rows.append(
            {
                "segment": str(name),
                "n": n,
                "events": int(y[mask].sum()),
                "event_rate": float(y[mask].mean()),
                "mean_pd": float(p[mask].mean()),
                "roc_auc": auc,
                "roc_auc_lo": lo,
                "roc_auc_hi": hi,
                "approval_rate": float((p[mask] < threshold).mean()),
                "eligible": n >= min_rows,
            }
        )
    table = pd.DataFrame(rows)
    if table.empty:
        return pd.DataFrame(columns=list(SEGMENT_COLUMNS))
    table["adverse_impact_ratio"] = adverse_impact_ratios(
        table["approval_rate"].to_numpy(), table["eligible"].to_numpy()
    )
    table["four_fifths_flag"] = table["eligible"] & (table["adverse_impact_ratio"] < FOUR_FIFTHS)
    return table[list(SEGMENT_COLUMNS)]


def adverse_impact_ratios(approval: ArrayLike, eligible: ArrayLike | None = None) -> np.ndarray:
    """Each approval rate over the highest among the eligible segments (NaN when that is 0)."""
    a = np.asarray(approval, dtype=float)
    ok = np.ones(a.size, bool) if eligible is None else np.asarray(eligible, dtype=bool)
    best = a[ok].max() if ok.any() else math.nan
    if not best > 0:
        return np.full(a.size, math.nan)
    return a / best
