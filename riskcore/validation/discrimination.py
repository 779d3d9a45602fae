"""Discriminatory power over time: ROC-AUC and Gini per test period (and per walk-forward fold).

Each period's interval comes from the row bootstrap within the period (a month of monthly data
holds one date, so blocks of dates cannot resample it). A period is flagged when its whole
interval lies below the ROC-AUC of the whole test split: the drop is beyond its noise. Periods
with fewer than `min_rows` rows or one class are shown but never flagged.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.metrics import roc_auc_score

from riskcore.bootstrap import Resampling, percentile_interval

MONTHS_FOR_MONTHLY = 24  # test spans up to this many months are shown by month, longer by quarter
PERIOD_COLUMNS = (
    "period",
    "start",
    "n",
    "events",
    "event_rate",
    "roc_auc",
    "roc_auc_lo",
    "roc_auc_hi",
    "gini",
    "gini_lo",
    "gini_hi",
    "eligible",
    "flagged",
)


def auto_freq(times: ArrayLike) -> str:
    """Monthly periods when the dates span at most MONTHS_FOR_MONTHLY months, else quarters."""
    t = pd.DatetimeIndex(pd.to_datetime(np.asarray(times)))
    if t.empty:
        return "month"
    lo, hi = t.min(), t.max()
    months = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
    return "month" if months <= MONTHS_FOR_MONTHLY else "quarter"


def period_labels(times: ArrayLike, freq: str) -> np.ndarray:
    """Each date's period label, 2024-03 (month) or 2024Q1 (quarter); they sort in time order."""
    code = {"month": "M", "quarter": "Q"}[freq]
    return pd.PeriodIndex(pd.to_datetime(np.asarray(times)), freq=code).astype(str).to_numpy()


def resampled_auc(y: ArrayLike, score: ArrayLike, resampling: Resampling) -> np.ndarray:
    """ROC-AUC on each resample (NaN for a resample with one class).

    The values riskcore.bootstrap.resampled_metrics gives for "roc_auc" on the same resamples
    (ties count one half), without the other metrics: validation computes dozens of these
    intervals (periods, segments) and only needs this one.
    """
    y = np.asarray(y, dtype=float)
    s = np.asarray(score, dtype=float)
    order = np.argsort(s, kind="stable")
    ordered, y_sorted = s[order], y[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    tied = starts.size < ordered.size
    out = []
    for counts in resampling.counts(y.size):
        w = counts[:, order].astype(float)
        pos = w * y_sorted
        neg = w - pos
        if tied:  # one column per distinct score
            pos = np.add.reduceat(pos, starts, axis=1)
            neg = np.add.reduceat(neg, starts, axis=1)
        below = np.cumsum(neg, axis=1) - 0.5 * neg  # negatives scored lower; ties count half
        p, n = pos.sum(axis=1), neg.sum(axis=1)
        ok = (p > 0) & (n > 0)
        auc = (pos * below).sum(axis=1) / np.where(ok, p * n, 1.0)
        out.append(np.where(ok, auc, math.nan))
    return np.concatenate(out) if out else np.zeros(0)


def auc_interval(
    y: ArrayLike, score: ArrayLike, resampling: Resampling
) -> tuple[float, float, float]:
    """(ROC-AUC, lower, upper); NaNs when only one class is present."""
    y = np.asarray(y, dtype=float)
    s = np.asarray(score, dtype=float)
    if y.size == 0 or not 0 < y.sum() < y.size:
        return math.nan, math.nan, math.nan
    auc = float(roc_auc_score(y, s))
    lo, hi = percentile_interval(resampled_auc(y, s, resampling))
    return auc, lo, hi


def period_table(
    times: ArrayLike,
    y: ArrayLike,
    score: ArrayLike,
    freq: str,
    overall_auc: float,
    min_rows: int = 100,
    n_boot: int = 200,
    seed: int = 0,
) -> pd.DataFrame:
    """One row per period (PERIOD_COLUMNS), in time order."""
    t = pd.to_datetime(np.asarray(times))
    y = np.asarray(y, dtype=float)
    s = np.asarray(score, dtype=float)
    labels = period_labels(t, freq)
    rows = []
    for label in np.unique(labels):
        mask = labels == label
        yp, sp = y[mask], s[mask]
        auc, lo, hi = auc_interval(yp, sp, Resampling(None, 1, n_boot, seed))
        eligible = bool(mask.sum() >= min_rows and np.isfinite(auc))
        rows.append(
            {
                "period": str(label),
                "start": pd.Timestamp(t[mask].min()).date().isoformat(),
                "n": int(mask.sum()),
                "events": int(yp.sum()),
                "event_rate": float(yp.mean()),
                "roc_auc": auc,
                "roc_auc_lo": lo,
                "roc_auc_hi": hi,
                "gini": 2 * auc - 1,
                "gini_lo": 2 * lo - 1,
                "gini_hi": 2 * hi - 1,
                "eligible": eligible,
                "flagged": bool(eligible and math.isfinite(overall_auc) and hi < overall_auc),
            }
        )
    return pd.DataFrame(rows, columns=list(PERIOD_COLUMNS))


def fold_table(metrics: dict) -> pd.DataFrame:
    """Test ROC-AUC and Gini of each walk-forward fold and model (no intervals: the folds'
    predictions are not kept with the run)."""
    folds = (metrics.get("walk_forward") or {}).get("folds") or []
    rows = []
    for k, fold in enumerate(folds, start=1):
        for model, entry in fold.items():
            if isinstance(entry, dict) and "roc_auc" in entry:
                rows.append(
                    {
                        "fold": k,
                        "model": model,
                        "roc_auc": entry["roc_auc"],
                        "gini": entry.get("gini", 2 * entry["roc_auc"] - 1),
                        "n": entry.get("n"),
                    }
                )
    return pd.DataFrame(rows, columns=["fold", "model", "roc_auc", "gini", "n"])
