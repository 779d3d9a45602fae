"""Intervals that respect dependence, and paired differences between models (design rule 3).

With a horizon of h steps, neighbouring samples share most of their label window, so resampling
rows as if they were independent makes intervals several times too narrow. For time splits the
resampling unit is a block of consecutive dates (circular block bootstrap, blocks at least
`horizon` dates long, every entity of a date moves with it); cross-sectional data keep the row
bootstrap. All models are scored on the same resamples, so the difference between two models
has its own (paired) interval: that, not whether two separate intervals overlap, decides whether
one model beats another.

Resamples become row-count weights over one sort of the scores, all resamples at once, so 200 of
them fit in a page rerun.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from riskcore.calibration import calibration_fit, expected_calibration_error
from riskcore.metrics import (
    PROB_CLIP,
    TASKS,
    check_arrays,
    classification_scores,
    regression_scores,
)

LEVEL = 0.95
MAX_CELLS = 2_000_000  # bound memory to a few (resamples, rows) float arrays


@dataclass(frozen=True)
class Resampling:
    """How a split is resampled: rows (groups None) or circular blocks of `block` dates.

    `groups` holds each row's date as a code 0..D-1 in time order.
    """

    groups: np.ndarray | None = None
    block: int = 1
    n_boot: int = 200
    seed: int = 0

    @classmethod
    def by_date(cls, times: ArrayLike, horizon: int, n_boot: int = 200, seed: int = 0):
        """Blocks of max(horizon, cube root of the number of dates) consecutive dates."""
        codes = np.unique(np.asarray(times), return_inverse=True)[1].ravel()
        dates = int(codes.max()) + 1 if codes.size else 0
        block = max(int(horizon), round(dates ** (1 / 3)), 1)
        return cls(codes, min(block, max(dates, 1)), n_boot, seed)

    def subset(self, keep: np.ndarray) -> Resampling:
        """The same scheme on the kept rows only (dates re-coded, the block length kept)."""
        if self.groups is None:
            return self
        codes = np.unique(self.groups[keep], return_inverse=True)[1].ravel()
        dates = int(codes.max()) + 1 if codes.size else 1
        return Resampling(codes, min(self.block, dates), self.n_boot, self.seed)

    def describe(self) -> dict:
        """What metrics.json and the report say about the intervals."""
        if self.groups is None:
            return {"method": "row", "n_boot": self.n_boot, "level": LEVEL}
        return {
            "method": "block",
            "block_dates": self.block,
            "dates": int(self.groups.max()) + 1 if self.groups.size else 0,
            "n_boot": self.n_boot,
            "level": LEVEL,
        }

    def counts(self, n: int) -> Iterator[np.ndarray]:
        """(k, n) matrices: how often each row is drawn in each resample, in chunks."""
        rng = np.random.default_rng(self.seed)
        chunk = max(1, min(self.n_boot, MAX_CELLS // max(n, 1)))
        for first in range(0, self.n_boot, chunk):
            k = min(chunk, self.n_boot - first)
            yield self._rows(rng, n, k) if self.groups is None else self._blocks(rng, k)

    @staticmethod
    def _rows(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
        idx = rng.integers(0, n, size=(k, n)) + (np.arange(k) * n)[:, None]
        return np.bincount(idx.ravel(), minlength=k * n).reshape(k, n)

    def _blocks(self, rng: np.random.Generator, k: int) -> np.ndarray:
        dates = int(self.groups.max()) + 1
        n_blocks = math.ceil(dates / self.block)
        starts = rng.integers(0, dates, size=(k, n_blocks))
        drawn = ((starts[:, :, None] + np.arange(self.block)) % dates).reshape(k, -1)[:, :dates]
        flat = drawn + (np.arange(k) * dates)[:, None]
        per_date = np.bincount(flat.ravel(), minlength=k * dates).reshape(k, dates)
        return per_date[:, self.groups]


# ---- metrics of every resample at once ---------------------------------------------------------
def _ranks(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Descending order and where each distinct score starts: ties as scikit-learn treats them."""
    order = np.argsort(-raw, kind="stable")
    ordered = raw[order]
    return order, np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])


def _weighted_classification(
    counts: np.ndarray, y: np.ndarray, raw: np.ndarray, prob: np.ndarray
) -> dict[str, np.ndarray]:
    """Ranking metrics from `raw`, Brier and log loss from `prob`, one value per resample."""
    order, starts = _ranks(raw)
    w = counts[:, order].astype(float)
    pos = np.add.reduceat(w * y[order], starts, axis=1)  # events per distinct score
    neg = np.add.reduceat(w, starts, axis=1) - pos
    tp, fp = np.cumsum(pos, axis=1), np.cumsum(neg, axis=1)
    p, n = tp[:, -1], fp[:, -1]
    ok = (p > 0) & (n > 0)  # a resample with one class has no ranking metrics
    p_safe, n_safe = np.where(ok, p, 1.0), np.where(ok, n, 1.0)
    auc = (neg * (tp - pos / 2.0)).sum(axis=1) / (p_safe * n_safe)
    flagged = tp + fp
    precision = np.divide(tp, flagged, out=np.ones_like(tp), where=flagged > 0)
    ap = (pos / p_safe[:, None] * precision).sum(axis=1)
    ks = np.abs(tp / p_safe[:, None] - fp / n_safe[:, None]).max(axis=1)
    total = counts.sum(axis=1)
    clipped = np.clip(prob, PROB_CLIP, 1 - PROB_CLIP)
    row_log_loss = -(y * np.log(clipped) + (1 - y) * np.log1p(-clipped))
    nan = np.full_like(auc, np.nan)
    return {
        "roc_auc": np.where(ok, auc, nan),
        "pr_auc": np.where(ok, ap, nan),
        "ks": np.where(ok, ks, nan),
        "gini": np.where(ok, 2.0 * auc - 1.0, nan),
        "brier": counts @ (prob - y) ** 2 / total,
        "log_loss": counts @ row_log_loss / total,
    }


def _weighted_regression(counts: np.ndarray, y: np.ndarray, p: np.ndarray) -> dict[str, np.ndarray]:
    total = counts.sum(axis=1).astype(float)
    sse = counts @ (y - p) ** 2
    sst = counts @ y**2 - (counts @ y) ** 2 / total
    sst_safe = np.where(sst > 0, sst, 1.0)
    return {
        "rmse": np.sqrt(sse / total),
        "mae": counts @ np.abs(y - p) / total,
        "r2": np.where(sst > 0, 1.0 - sse / sst_safe, np.nan),
    }


Scores = dict[str, tuple[np.ndarray, np.ndarray]]  # model -> (raw score, calibrated score)


def _checked(y_true: ArrayLike, scores: dict, task: str) -> tuple[np.ndarray, Scores]:
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    out: Scores = {}
    y = None
    for name, value in scores.items():
        raw, prob = value if isinstance(value, tuple) else (value, value)
        y, r = check_arrays(y_true, raw, task)
        _, p = check_arrays(y_true, prob, task)
        out[name] = (r, p)
    return y, out


def resampled_metrics(
    y_true: ArrayLike, scores: dict, task: str, resampling: Resampling
) -> dict[str, dict[str, np.ndarray]]:
    """model -> metric -> its value on each resample; the same resamples for every model."""
    y, checked = _checked(y_true, scores, task)
    if resampling.n_boot < 1:
        raise ValueError(f"n_boot must be at least 1, got {resampling.n_boot}")
    parts: dict[str, list[dict[str, np.ndarray]]] = {name: [] for name in checked}
    for counts in resampling.counts(y.size):
        for name, (raw, prob) in checked.items():
            if task == "classification":
                parts[name].append(_weighted_classification(counts, y, raw, prob))
            else:
                parts[name].append(_weighted_regression(counts, y, raw))
    return {
        name: {m: np.concatenate([c[m] for c in chunks]) for m in chunks[0]}
        for name, chunks in parts.items()
    }


def mean_resamples(values: Mapping[str, np.ndarray], resampling: Resampling) -> dict:
    """name -> the weighted mean of its per-row values on each resample (same resamples)."""
    n = len(next(iter(values.values())))
    parts: dict[str, list[np.ndarray]] = {name: [] for name in values}
    for counts in resampling.counts(n):
        total = counts.sum(axis=1).astype(float)
        for name, v in values.items():
            parts[name].append(counts @ np.asarray(v, dtype=float) / total)
    return {name: np.concatenate(chunks) for name, chunks in parts.items()}


def percentile_interval(values: np.ndarray, level: float = LEVEL) -> tuple[float, float]:
    """Percentile interval of the finite values; (NaN, NaN) when there are none."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    values = values[np.isfinite(values)]
    if values.size == 0:
        return (math.nan, math.nan)
    alpha = (1.0 - level) / 2.0
    lo, hi = np.quantile(values, [alpha, 1.0 - alpha])
    return (float(lo), float(hi))


def bootstrap_intervals(
    y_true: ArrayLike,
    score: ArrayLike,
    task: str,
    n_boot: int = 200,
    seed: int = 0,
    level: float = LEVEL,
    resampling: Resampling | None = None,
) -> dict[str, tuple[float, float]]:
    """Percentile interval of each metric of one model (rows resampled unless told otherwise).

    Resamples with one class give no ranking metrics and are skipped for those.
    """
    resampling = resampling or Resampling(n_boot=n_boot, seed=seed)
    values = resampled_metrics(y_true, {"m": score}, task, resampling)["m"]
    return {name: percentile_interval(v, level) for name, v in values.items()}


# ---- a run's metrics.json entries --------------------------------------------------------------
def point_scores(y: np.ndarray, raw: np.ndarray, prob: np.ndarray, task: str) -> dict:
    """Every point metric of one model; for classification also calibration, before and after."""
    if task != "classification":
        return regression_scores(y, raw)
    out = classification_scores(y, raw, prob)
    before = classification_scores(y, raw)
    out["brier_raw"], out["log_loss_raw"] = before["brier"], before["log_loss"]
    out["ece"] = expected_calibration_error(y, prob)
    out["ece_raw"] = expected_calibration_error(y, raw)
    out.update(calibration_fit(y, prob))
    return out


def evaluate(
    y_true: ArrayLike,
    score: ArrayLike,
    task: str,
    n_boot: int = 200,
    seed: int = 0,
    resampling: Resampling | None = None,
) -> dict:
    """One model's scores plus "<metric>_ci": [lo, hi]."""
    return evaluate_models(
        y_true, {"m": score}, task, resampling or Resampling(None, 1, n_boot, seed)
    )["m"]


def evaluate_models(
    y_true: ArrayLike, scores: dict, task: str, resampling: Resampling, reference: str = "m"
) -> dict:
    """Each model's point metrics with intervals, and `paired`: for every other model, the
    difference reference - other of each metric with its paired interval (same resamples)."""
    y, checked = _checked(y_true, scores, task)
    samples = resampled_metrics(y, checked, task, resampling)
    out: dict = {}
    for name, (raw, prob) in checked.items():
        entry = point_scores(y, raw, prob, task)
        for metric, values in samples[name].items():
            entry[f"{metric}_ci"] = list(percentile_interval(values))
        out[name] = entry
    if reference in checked and len(checked) > 1:
        out["paired"] = {}
        for other in checked:
            if other == reference:
                continue
            diffs = {}
            for metric in samples[reference]:
                diffs[metric] = out[reference].get(metric, math.nan) - out[other].get(
                    metric, math.nan
                )
                delta = samples[reference][metric] - samples[other][metric]
                diffs[f"{metric}_ci"] = list(percentile_interval(delta))
            out["paired"][other] = diffs
    return out
