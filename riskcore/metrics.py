"""Scores, curves, bootstrap intervals and PSI for a run's predictions.

Point estimates come from scikit-learn so that they match what a model developer computes by
hand. Bootstrap intervals are vectorised (resamples become row-count weights over one sort of the
scores) because 200 resamples of a test split must fit inside a page rerun. Every number returned
is a plain Python float or int, so results go straight into metrics.json; NaN marks a metric that
is undefined for the data (one class present), never an exception.

Inputs here come from our own pipeline, not from a user, so bad inputs (empty, NaN scores,
mismatched lengths) raise ValueError: they are bugs, not user errors.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    log_loss,
    mean_absolute_error,
    mean_squared_error,
    precision_recall_curve,
    precision_score,
    r2_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)

TASKS = ("classification", "regression")
MAX_CURVE_POINTS = 200
PROB_CLIP = 1e-15  # log loss of a confident miss is large but finite
PSI_EPS = 1e-4  # share given to an empty bin, so one empty bin does not make PSI infinite

# Metrics that get a bootstrap interval, in the order they are reported.
CLASSIFICATION_METRICS = ("roc_auc", "pr_auc", "ks", "gini", "brier", "log_loss")
REGRESSION_METRICS = ("rmse", "mae", "r2")
_RANKING = ("roc_auc", "pr_auc", "ks", "gini")  # undefined with one class present


# --------------------------------------------------------------------------- validation


def _arrays(y_true: ArrayLike, score: ArrayLike, task: str) -> tuple[np.ndarray, np.ndarray]:
    """Flatten to float arrays and reject what can only be a bug upstream."""
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    y = np.asarray(y_true, dtype=float).ravel()
    s = np.asarray(score, dtype=float).ravel()
    if y.size == 0:
        raise ValueError("metrics need at least one row; got empty inputs")
    if y.shape != s.shape:
        raise ValueError(f"y_true has {y.size} rows but score has {s.size}")
    if not np.isfinite(s).all():
        raise ValueError(f"score holds {int((~np.isfinite(s)).sum())} NaN or infinite values")
    if not np.isfinite(y).all():
        raise ValueError(f"y_true holds {int((~np.isfinite(y)).sum())} NaN or infinite values")
    if task == "classification":
        if not np.isin(y, (0.0, 1.0)).all():
            raise ValueError("classification y_true must hold only 0 and 1")
        if s.min() < 0.0 or s.max() > 1.0:
            raise ValueError("classification scores must be probabilities in [0, 1]")
    return y, s


def _both_classes(y: np.ndarray) -> bool:
    return 0 < y.sum() < y.size


# --------------------------------------------------------------------------- point scores


def classification_scores(y_true: ArrayLike, score: ArrayLike) -> dict[str, float]:
    """ROC-AUC, PR-AUC (average precision), KS, Gini, Brier, log loss, event rate and n.

    Ranking metrics are NaN when only one class is present: a test split without events is a
    fact to show, not a crash.
    """
    y, s = _arrays(y_true, score, "classification")
    out: dict[str, float] = dict.fromkeys(_RANKING, math.nan)
    if _both_classes(y):
        auc = float(roc_auc_score(y, s))
        fpr, tpr, _ = roc_curve(y, s, drop_intermediate=False)
        out["roc_auc"] = auc
        out["pr_auc"] = float(average_precision_score(y, s))
        out["ks"] = float(np.max(np.abs(tpr - fpr)))
        out["gini"] = 2.0 * auc - 1.0
    out["brier"] = float(brier_score_loss(y, s, pos_label=1))
    out["log_loss"] = float(log_loss(y, np.clip(s, PROB_CLIP, 1 - PROB_CLIP), labels=[0, 1]))
    out["event_rate"] = float(y.mean())
    out["n"] = int(y.size)
    return out


def regression_scores(y_true: ArrayLike, pred: ArrayLike) -> dict[str, float]:
    """RMSE, MAE, R^2 and n."""
    y, p = _arrays(y_true, pred, "regression")
    return {
        "rmse": float(math.sqrt(mean_squared_error(y, p))),
        "mae": float(mean_absolute_error(y, p)),
        "r2": float(r2_score(y, p)) if y.size > 1 else math.nan,
        "n": int(y.size),
    }


def threshold_scores(y_true: ArrayLike, score: ArrayLike, threshold: float) -> dict:
    """Precision, recall, F1 and the confusion matrix when rows with score >= threshold are flagged.

    zero_division=0 so that a threshold above every score reads as "caught nothing", not an error.
    """
    y, s = _arrays(y_true, score, "classification")
    flagged = (s >= threshold).astype(int)
    tn, fp, fn, tp = confusion_matrix(y.astype(int), flagged, labels=[0, 1]).ravel()
    return {
        "threshold": float(threshold),
        "precision": float(precision_score(y, flagged, zero_division=0)),
        "recall": float(recall_score(y, flagged, zero_division=0)),
        "f1": float(f1_score(y, flagged, zero_division=0)),
        "tp": int(tp),
        "fp": int(fp),
        "tn": int(tn),
        "fn": int(fn),
        "flagged_share": float(flagged.mean()),
    }


def expected_cost(
    y_true: ArrayLike,
    score: ArrayLike,
    threshold: float,
    cost_missed_event: float,
    cost_false_alarm: float,
) -> float:
    """Average cost per scored row at a threshold: (fn * missed + fp * false alarm) / n.

    Per row rather than total, so splits of different sizes and new batches compare directly.
    """
    t = threshold_scores(y_true, score, threshold)
    n = t["tp"] + t["fp"] + t["tn"] + t["fn"]
    return float((t["fn"] * cost_missed_event + t["fp"] * cost_false_alarm) / n)


# --------------------------------------------------------------------------- bootstrap


def _resample_counts(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """(k, n) matrix: how often each row is drawn in each of k resamples of n rows."""
    idx = rng.integers(0, n, size=(k, n)) + (np.arange(k) * n)[:, None]
    return np.bincount(idx.ravel(), minlength=k * n).reshape(k, n)


def _weighted_classification(
    counts: np.ndarray, y: np.ndarray, s: np.ndarray, order: np.ndarray, starts: np.ndarray
) -> dict[str, np.ndarray]:
    """Classification metrics for each row of `counts` (row weights), all resamples at once.

    `order` sorts the scores descending and `starts` marks where each distinct score begins, so
    ties are handled as scikit-learn does (one threshold per distinct score).
    """
    w = counts[:, order].astype(float)
    pos_w = w * y[order]
    pos = np.add.reduceat(pos_w, starts, axis=1)  # events per distinct score
    neg = np.add.reduceat(w, starts, axis=1) - pos
    tp, fp = np.cumsum(pos, axis=1), np.cumsum(neg, axis=1)
    p, n = tp[:, -1], fp[:, -1]
    ok = (p > 0) & (n > 0)  # a resample with one class has no ranking metrics
    p_safe, n_safe = np.where(ok, p, 1.0), np.where(ok, n, 1.0)
    auc = (neg * (tp - pos / 2.0)).sum(axis=1) / (p_safe * n_safe)
    flagged = tp + fp
    precision = np.divide(tp, flagged, out=np.ones_like(tp), where=flagged > 0)
    recall_step = pos / p_safe[:, None]
    ap = (recall_step * precision).sum(axis=1)
    ks = np.abs(tp / p_safe[:, None] - fp / n_safe[:, None]).max(axis=1)
    total = counts.sum(axis=1)
    clipped = np.clip(s, PROB_CLIP, 1 - PROB_CLIP)
    row_log_loss = -(y * np.log(clipped) + (1 - y) * np.log1p(-clipped))
    nan = np.full_like(auc, np.nan)
    return {
        "roc_auc": np.where(ok, auc, nan),
        "pr_auc": np.where(ok, ap, nan),
        "ks": np.where(ok, ks, nan),
        "gini": np.where(ok, 2.0 * auc - 1.0, nan),
        "brier": counts @ (s - y) ** 2 / total,
        "log_loss": counts @ row_log_loss / total,
    }


def _weighted_regression(counts: np.ndarray, y: np.ndarray, p: np.ndarray) -> dict[str, np.ndarray]:
    """Regression metrics for each row of `counts`, via matrix products instead of a loop."""
    total = counts.sum(axis=1).astype(float)
    sse = counts @ (y - p) ** 2
    sst = counts @ y**2 - (counts @ y) ** 2 / total
    sst_safe = np.where(sst > 0, sst, 1.0)
    return {
        "rmse": np.sqrt(sse / total),
        "mae": counts @ np.abs(y - p) / total,
        "r2": np.where(sst > 0, 1.0 - sse / sst_safe, np.nan),
    }


def bootstrap_intervals(
    y_true: ArrayLike,
    score: ArrayLike,
    task: str,
    n_boot: int = 200,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap intervals for each metric of the task, resampling rows.

    Resamples with one class give no ranking metrics (ROC-AUC, PR-AUC, KS, Gini) and are skipped
    for those; Brier and log loss stay defined on them and keep them. An interval with no usable
    resample is (NaN, NaN). The same seed gives the same intervals.
    """
    y, s = _arrays(y_true, score, task)
    if n_boot < 1:
        raise ValueError(f"n_boot must be at least 1, got {n_boot}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    rng = np.random.default_rng(seed)
    n = y.size
    chunk = max(1, min(n_boot, 2_000_000 // n))  # bound memory to a few (k, n) float arrays
    if task == "classification":
        order = np.argsort(-s, kind="stable")
        s_sorted = s[order]
        starts = np.flatnonzero(np.r_[True, s_sorted[1:] != s_sorted[:-1]])
    parts: list[dict[str, np.ndarray]] = []
    for first in range(0, n_boot, chunk):
        counts = _resample_counts(rng, n, min(chunk, n_boot - first))
        if task == "classification":
            parts.append(_weighted_classification(counts, y, s, order, starts))
        else:
            parts.append(_weighted_regression(counts, y, s))
    alpha = (1.0 - level) / 2.0
    out: dict[str, tuple[float, float]] = {}
    for name in parts[0]:
        values = np.concatenate([part[name] for part in parts])
        values = values[np.isfinite(values)]
        if values.size == 0:
            out[name] = (math.nan, math.nan)
            continue
        lo, hi = np.quantile(values, [alpha, 1.0 - alpha])
        out[name] = (float(lo), float(hi))
    return out


def evaluate(
    y_true: ArrayLike, score: ArrayLike, task: str, n_boot: int = 200, seed: int = 0
) -> dict:
    """Scores plus "<metric>_ci": [lo, hi] for each: a model's entry in metrics.json."""
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    scores = (
        classification_scores(y_true, score)
        if task == "classification"
        else regression_scores(y_true, score)
    )
    out: dict = dict(scores)
    for name, (lo, hi) in bootstrap_intervals(y_true, score, task, n_boot, seed).items():
        out[f"{name}_ci"] = [lo, hi]
    return out


# --------------------------------------------------------------------------- curves


def _thin(size: int, keep: ArrayLike = ()) -> np.ndarray:
    """At most MAX_CURVE_POINTS indices, evenly spread, always with both ends and `keep`.

    Charts need the shape, not 50,000 points sent to the browser on every rerun.
    """
    if size <= MAX_CURVE_POINTS:
        return np.arange(size)
    keep = np.asarray(keep, dtype=int)
    idx = np.linspace(0, size - 1, MAX_CURVE_POINTS - keep.size).round().astype(int)
    return np.unique(np.r_[idx, keep])


def _require_both_classes(y: np.ndarray, what: str) -> None:
    if not _both_classes(y):
        raise ValueError(f"a {what} needs both events and non-events in y_true")


def roc_curve_table(y_true: ArrayLike, score: ArrayLike) -> pd.DataFrame:
    """ROC curve as fpr, tpr, threshold; the (0, 0) start has threshold NaN (flags nothing)."""
    y, s = _arrays(y_true, score, "classification")
    _require_both_classes(y, "ROC curve")
    fpr, tpr, thr = roc_curve(y, s)
    thr = np.where(np.isfinite(thr), thr, np.nan)
    idx = _thin(fpr.size)
    return pd.DataFrame({"fpr": fpr[idx], "tpr": tpr[idx], "threshold": thr[idx]})


def pr_curve_table(y_true: ArrayLike, score: ArrayLike) -> pd.DataFrame:
    """Precision-recall curve ordered by rising recall; the recall-0 end has threshold NaN."""
    y, s = _arrays(y_true, score, "classification")
    _require_both_classes(y, "precision-recall curve")
    precision, recall, thr = precision_recall_curve(y, s)
    thr = np.r_[thr, np.nan]  # scikit-learn gives no threshold for the (recall 0, precision 1) end
    table = pd.DataFrame({"recall": recall, "precision": precision, "threshold": thr})[::-1]
    return table.iloc[_thin(len(table))].reset_index(drop=True)


def ks_curve_table(y_true: ArrayLike, score: ArrayLike) -> pd.DataFrame:
    """Share of events and of non-events scoring at or above each threshold (riskiest first).

    The KS statistic is the widest gap between the two; that row has is_ks=True and its values
    are also in the table's attrs (ks, ks_threshold), so a chart can mark it.
    """
    y, s = _arrays(y_true, score, "classification")
    _require_both_classes(y, "KS curve")
    fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)
    thr = np.where(np.isfinite(thr), thr, np.nan)
    gap = np.abs(tpr - fpr)
    at = int(np.argmax(gap >= gap.max() - 1e-12))  # first (highest) threshold, despite rounding
    idx = _thin(tpr.size, keep=[at])
    table = pd.DataFrame(
        {
            "threshold": thr[idx],
            "cum_events": tpr[idx],
            "cum_non_events": fpr[idx],
            "gap": gap[idx],
            "is_ks": idx == at,
        }
    ).reset_index(drop=True)
    table.attrs.update(ks=float(gap[at]), ks_threshold=float(thr[at]))
    return table


def calibration_table(
    y_true: ArrayLike, score: ArrayLike, bins: int = 10, strategy: str = "quantile"
) -> pd.DataFrame:
    """Mean score against observed event rate per score bin (non-empty bins only).

    Binning follows sklearn.calibration.calibration_curve, but the table also keeps the row
    count, which says how far to trust each point.
    """
    y, s = _arrays(y_true, score, "classification")
    if bins < 1:
        raise ValueError(f"bins must be at least 1, got {bins}")
    if strategy == "quantile":
        edges = np.quantile(s, np.linspace(0.0, 1.0, bins + 1))
    elif strategy == "uniform":
        edges = np.linspace(0.0, 1.0, bins + 1)
    else:
        raise ValueError(f"strategy must be 'quantile' or 'uniform', got {strategy!r}")
    ids = np.searchsorted(edges[1:-1], s)
    frame = pd.DataFrame({"bin": ids + 1, "score": s, "y": y})
    table = frame.groupby("bin").agg(
        mean_score=("score", "mean"), event_rate=("y", "mean"), count=("y", "size")
    )
    return table.reset_index()


def lift_table(y_true: ArrayLike, score: ArrayLike, groups: int = 10) -> pd.DataFrame:
    """Gains and lift by score group (1 = riskiest), groups of equal row counts.

    Ties across a group boundary are split by a stable sort, so each group has the same size and
    the table is reproducible.
    """
    y, s = _arrays(y_true, score, "classification")
    if groups < 1:
        raise ValueError(f"groups must be at least 1, got {groups}")
    order = np.argsort(-s, kind="stable")
    rows = []
    for part in np.array_split(order, groups):
        if part.size:
            rows.append((part.size, y[part].sum(), s[part].min(), s[part].max()))
    table = pd.DataFrame(rows, columns=["count", "events", "min_score", "max_score"])
    table.insert(0, "decile", np.arange(1, len(table) + 1))
    table["events"] = table["events"].astype(int)
    overall = y.mean()
    total_events = y.sum()
    table["event_rate"] = table["events"] / table["count"]
    cum_events = table["events"].cumsum()
    table["cum_events_share"] = cum_events / total_events if total_events else np.nan
    table["lift"] = table["event_rate"] / overall if overall else np.nan
    table["cum_lift"] = cum_events / table["count"].cumsum() / overall if overall else np.nan
    columns = ["decile", "count", "events", "event_rate", "cum_events_share", "lift", "cum_lift"]
    return table[[*columns, "min_score", "max_score"]]


# --------------------------------------------------------------------------- drift


def _shares(codes: np.ndarray, size: int) -> np.ndarray:
    counts = np.bincount(codes, minlength=size).astype(float)
    shares = counts / counts.sum()
    return np.where(shares > 0, shares, PSI_EPS)


def _drift_bins(e: np.ndarray, a: np.ndarray, bins: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Bin codes of `e` and `a` from `e` alone; the last code of `size` is "missing"."""
    values = np.unique(e[np.isfinite(e)])
    if values.size <= bins:  # categories; values unseen in training share one extra code
        n_finite = values.size + 1

        def code(x: np.ndarray) -> np.ndarray:
            """The nearest category, matched up to float rounding: a training sample read back
            from CSV holds 0.12254902 where fresh float32 data holds 0.1225490197..."""
            if values.size == 0:
                return np.zeros(x.shape, dtype=int)
            right = np.minimum(np.searchsorted(values, x), values.size - 1)
            left = np.maximum(right - 1, 0)
            near = np.where(np.abs(values[left] - x) < np.abs(values[right] - x), left, right)
            same = np.isclose(values[near], x, rtol=1e-6, atol=1e-12)
            return np.where(same, near, values.size)

    else:  # right-closed quantile bins, so a mass point (many zeros) gets a bin of its own
        inner = np.unique(np.quantile(e[np.isfinite(e)], np.linspace(0.0, 1.0, bins + 1))[1:-1])
        n_finite = inner.size + 1

        def code(x: np.ndarray) -> np.ndarray:
            return np.searchsorted(inner, x, side="left")

    def codes(x: np.ndarray) -> np.ndarray:
        ok = np.isfinite(x)
        return np.where(ok, code(np.where(ok, x, 0.0)), n_finite)

    return codes(e), codes(a), n_finite + 1


def psi(expected: ArrayLike, actual: ArrayLike, bins: int = 10) -> float:
    """Population stability index of `actual` against `expected` (the training data).

    Bins are quantiles of `expected`, so each holds about the same share of training rows and the
    index reacts to shifts where the data are. A variable with at most `bins` distinct values is
    treated as categories (values unseen in training share one extra bin). Missing values get a
    bin of their own: a rise in missingness is drift too. Empty bins get a share of PSI_EPS.
    """
    e = pd.to_numeric(pd.Series(np.asarray(expected).ravel()), errors="coerce").to_numpy(float)
    a = pd.to_numeric(pd.Series(np.asarray(actual).ravel()), errors="coerce").to_numpy(float)
    if e.size == 0 or a.size == 0:
        raise ValueError("psi needs at least one expected and one actual value")
    if bins < 1:
        raise ValueError(f"bins must be at least 1, got {bins}")
    e_codes, a_codes, size = _drift_bins(e, a, bins)
    used = np.bincount(e_codes, minlength=size) + np.bincount(a_codes, minlength=size) > 0
    pe, pa = _shares(e_codes, size)[used], _shares(a_codes, size)[used]
    return float(np.sum((pa - pe) * np.log(pa / pe)))


def psi_reading(value: float) -> str:
    """The usual reading of a PSI: "stable" (< 0.1), "moderate shift" (< 0.25), "major shift"."""
    if value is None or math.isnan(value):
        return "unknown"
    if value < 0.1:
        return "stable"
    if value < 0.25:
        return "moderate shift"
    return "major shift"


def feature_psi(expected: pd.DataFrame, actual: pd.DataFrame, bins: int = 10) -> pd.DataFrame:
    """PSI and its reading for each numeric column of `expected` also in `actual`, in order.

    The new batch's column is coerced to numbers, so a column that arrives empty or as text counts
    as missing (a major shift) instead of silently leaving the table.
    """
    rows = []
    for column in expected.columns:
        if column not in actual.columns or not pd.api.types.is_numeric_dtype(expected[column]):
            continue
        e = pd.to_numeric(expected[column], errors="coerce").to_numpy(float, na_value=np.nan)
        a = pd.to_numeric(actual[column], errors="coerce").to_numpy(float, na_value=np.nan)
        value = psi(e, a, bins) if len(e) and len(a) else math.nan
        rows.append((str(column), value, psi_reading(value)))
    return pd.DataFrame(rows, columns=["feature", "psi", "reading"])
