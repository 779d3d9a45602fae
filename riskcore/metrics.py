"""Scores, curves and bootstrap intervals for a run's predictions (PSI is in drift.py).

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
    auc,
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

# Metrics that get a bootstrap interval, in the order they are reported.
CLASSIFICATION_METRICS = ("roc_auc", "pr_auc", "ks", "gini", "brier", "log_loss")
REGRESSION_METRICS = ("rmse", "mae", "r2")
QUANTILE_METRICS = ("pinball",)  # mean pinball loss over the VaR levels and their ES grid
CALIBRATION_METRICS = ("ece", "calibration_slope", "calibration_intercept")  # not in old runs
# What the Results page and the report tabulate per model, in this order.
REPORTED_METRICS = {
    "classification": (*CLASSIFICATION_METRICS, *CALIBRATION_METRICS),
    "regression": REGRESSION_METRICS,
    "quantile": QUANTILE_METRICS,
}
_RANKING = ("roc_auc", "pr_auc", "ks", "gini")  # undefined with one class present
# The test metric a run is judged by (verdict, report, CLI, tuner), and which way is better.
HEADLINE = {"classification": "roc_auc", "regression": "rmse", "quantile": "pinball"}
LOWER_BETTER = frozenset({"rmse", "mae", "brier", "log_loss", "ece", "pinball"})
IDEAL = {"calibration_slope": 1.0, "calibration_intercept": 0.0}  # best is closest to these
ERROR_METRICS = ("rmse", "mae")  # in the target's units: shown to four significant digits


# --------------------------------------------------------------------------- validation


def check_arrays(y_true: ArrayLike, score: ArrayLike, task: str) -> tuple[np.ndarray, np.ndarray]:
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


def both_classes(y: np.ndarray) -> bool:
    return 0 < y.sum() < y.size


# --------------------------------------------------------------------------- point scores


def classification_scores(
    y_true: ArrayLike, score: ArrayLike, prob: ArrayLike | None = None
) -> dict[str, float]:
    """ROC-AUC, PR-AUC (average precision), KS, Gini, Brier, log loss, event rate and n.

    Ranking metrics come from `score` (raw), Brier and log loss from `prob` (the calibrated
    probability, default `score`): calibration must not be able to move a ranking metric.
    Ranking metrics are NaN when only one class is present: a test split without events is a
    fact to show, not a crash.
    """
    y, s = check_arrays(y_true, score, "classification")
    _, p = check_arrays(y_true, s if prob is None else prob, "classification")
    out: dict[str, float] = dict.fromkeys(_RANKING, math.nan)
    if both_classes(y):
        auc = float(roc_auc_score(y, s))
        fpr, tpr, _ = roc_curve(y, s, drop_intermediate=False)
        out["roc_auc"] = auc
        out["pr_auc"] = float(average_precision_score(y, s))
        out["ks"] = float(np.max(np.abs(tpr - fpr)))
        out["gini"] = 2.0 * auc - 1.0
    out["brier"] = float(brier_score_loss(y, p, pos_label=1))
    out["log_loss"] = float(log_loss(y, np.clip(p, PROB_CLIP, 1 - PROB_CLIP), labels=[0, 1]))
    out["event_rate"] = float(y.mean())
    out["n"] = int(y.size)
    return out


def regression_scores(y_true: ArrayLike, pred: ArrayLike) -> dict[str, float]:
    """RMSE, MAE, R^2 and n."""
    y, p = check_arrays(y_true, pred, "regression")
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
    y, s = check_arrays(y_true, score, "classification")
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


def event_rate_shift(train_rate: float | None, test_rate: float | None) -> bool:
    """True when the test event rate differs from training enough to change what the metrics
    mean (Brier, PR-AUC and calibration move with the base rate): a ratio of 1.5 or more and at
    least two percentage points apart, so a 1% vs 1.4% wobble of a rare event is not flagged."""
    if train_rate is None or test_rate is None:
        return False
    if not (np.isfinite(train_rate) and np.isfinite(test_rate)):
        return False
    low, high = sorted((float(train_rate), float(test_rate)))
    if high - low < 0.02:
        return False
    return low == 0.0 or high / low >= 1.5


THRESHOLD_GRID = np.round(np.arange(1, 100) / 100, 2)  # the UI's 0.01 .. 0.99 slider steps


def cost_optimal_threshold(
    y_true: ArrayLike,
    score: ArrayLike,
    cost_missed_event: float,
    cost_false_alarm: float,
    candidates: ArrayLike | None = None,
) -> float:
    """The threshold with the lowest expected_cost on these rows (pass the validation split's,
    so that choosing it does not peek at test).

    `candidates` defaults to every distinct score plus one just above the highest (flag
    nothing). Among equally cheap candidates next to each other the middle one is returned,
    which keeps the choice away from the scores it only just separates."""
    y, s = check_arrays(y_true, score, "classification")
    if cost_missed_event < 0 or cost_false_alarm < 0:
        raise ValueError("costs must be zero or more")
    if candidates is None:
        distinct = np.unique(s)
        cand = np.append(distinct, np.nextafter(distinct[-1], np.inf))
    else:
        cand = np.unique(np.asarray(candidates, dtype=float).ravel())
        if cand.size == 0:
            raise ValueError("candidates must hold at least one threshold")
    events = np.sort(s[y == 1])
    others = np.sort(s[y != 1])
    missed = np.searchsorted(events, cand, side="left")  # events scored below: not flagged
    alarms = others.size - np.searchsorted(others, cand, side="left")  # others flagged
    cost = (missed * cost_missed_event + alarms * cost_false_alarm) / y.size
    best = np.flatnonzero(np.isclose(cost, cost.min(), rtol=1e-12, atol=0.0))
    run = best[: 1 + int(np.argmax(np.append(np.diff(best) != 1, True)))]  # first tied block
    return float(cand[run[len(run) // 2]])


def rate_matched_threshold(y_true: ArrayLike, score: ArrayLike) -> float:
    """A first threshold before any costs are known: it flags about as many rows as there are
    events (the score quantile at 1 - event rate), snapped to the THRESHOLD_GRID. Pass the
    validation split's rows, as for cost_optimal_threshold."""
    y, s = check_arrays(y_true, score, "classification")
    value = float(np.quantile(s, 1 - max(float(y.mean()), 0.01)))
    return float(THRESHOLD_GRID[np.argmin(np.abs(THRESHOLD_GRID - value))])


# --------------------------------------------------------------------------- bootstrap
# (intervals and paired differences live in riskcore.bootstrap)


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


def _thin_path(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """At most MAX_CURVE_POINTS indices of a curve in the unit square, evenly spread along its
    length (not its index, which crowds points where scores are dense and cuts corners where
    they are sparse), always with both ends: the thinned ROC curve's area stays within about
    1e-4 of the full curve's, and the first and last points (0, 0) and (1, 1) stay exact."""
    if x.size <= MAX_CURVE_POINTS:
        return np.arange(x.size)
    length = np.r_[0.0, np.cumsum(np.hypot(np.diff(x), np.diff(y)))]
    targets = np.linspace(0.0, length[-1], MAX_CURVE_POINTS - 1)
    idx = np.searchsorted(length, targets, side="left").clip(0, x.size - 1)
    return np.unique(np.r_[0, idx, x.size - 1])


def roc_curve_summary(y_true: ArrayLike, score: ArrayLike) -> tuple[pd.DataFrame, float]:
    """The thinned ROC table and the ROC-AUC of all rows from one sort of the scores: the area
    is sklearn's roc_auc_score (the trapezoids of the full roc_curve, as it computes it)."""
    y, s = check_arrays(y_true, score, "classification")
    _require_both_classes(y, "ROC curve")
    fpr, tpr, thr = roc_curve(y, s)
    area = float(auc(fpr, tpr))
    thr = np.where(np.isfinite(thr), thr, np.nan)
    idx = _thin_path(fpr, tpr)
    return pd.DataFrame({"fpr": fpr[idx], "tpr": tpr[idx], "threshold": thr[idx]}), area


def pr_curve_summary(y_true: ArrayLike, score: ArrayLike) -> tuple[pd.DataFrame, float]:
    """The thinned precision-recall table (rising recall) and the average precision of all
    rows from one sort: sklearn's average_precision_score, the step sum over the full curve."""
    y, s = check_arrays(y_true, score, "classification")
    _require_both_classes(y, "precision-recall curve")
    precision, recall, thr = precision_recall_curve(y, s)
    area = float(-np.sum(np.diff(recall) * precision[:-1]))
    thr = np.r_[thr, np.nan]  # scikit-learn gives no threshold for the (recall 0, precision 1) end
    table = pd.DataFrame({"recall": recall, "precision": precision, "threshold": thr})[::-1]
    idx = _thin_path(table["recall"].to_numpy(), table["precision"].to_numpy())
    return table.iloc[idx].reset_index(drop=True), area


def _require_both_classes(y: np.ndarray, what: str) -> None:
    if not both_classes(y):
        raise ValueError(f"a {what} needs both events and non-events in y_true")


def roc_curve_table(y_true: ArrayLike, score: ArrayLike) -> pd.DataFrame:
    """ROC curve as fpr, tpr, threshold; the (0, 0) start has threshold NaN (flags nothing)."""
    return roc_curve_summary(y_true, score)[0]


def pr_curve_table(y_true: ArrayLike, score: ArrayLike) -> pd.DataFrame:
    """Precision-recall curve ordered by rising recall; the recall-0 end has threshold NaN."""
    return pr_curve_summary(y_true, score)[0]


def ks_curve_table(y_true: ArrayLike, score: ArrayLike) -> pd.DataFrame:
    """Share of events and of non-events scoring at or above each threshold (riskiest first).

    The KS statistic is the widest gap between the two; that row has is_ks=True and its values
    are also in the table's attrs (ks, ks_threshold), so a chart can mark it.
    """
    y, s = check_arrays(y_true, score, "classification")
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
    y, s = check_arrays(y_true, score, "classification")
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
    y, s = check_arrays(y_true, score, "classification")
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
