"""Honest comparison (design rule 3): two scikit-learn models on tabular window features.

Every run trains a logistic (or ridge) regression and a gradient-boosting model on the same
split as the deep model, from the same windows (last, mean, std, min, max of each sequence
feature plus the macro, sentiment and static inputs), so a deep model that does not beat them
is visible at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

BASELINES = ("logistic", "gbm")


def fit_baselines(
    task: str, x: np.ndarray, y: np.ndarray, seed: int, balanced: bool = True
) -> dict[str, object]:
    """Fitted baselines by name ("logistic" is a ridge regression for regression tasks).

    `balanced` weights the classes in the logistic only. The GBM is fitted unweighted: with
    sample weights scikit-learn bins up to 200,000 rows through weighted percentiles, 3-10x the
    whole fit (67,000 windows: ~13 s against ~2 s), while every classification score is
    calibrated on validation afterwards (riskcore.calibration), so the weighting could only
    have changed the GBM's ranking, and on four data sets it did not beyond seed noise
    (bench/README.md, issue 16). The logistic's weighting costs next to nothing.
    """
    weight = "balanced" if balanced else None
    if task == "classification":
        linear = LogisticRegression(max_iter=2000, class_weight=weight, C=1.0)
        gbm = HistGradientBoostingClassifier(
            max_iter=200, learning_rate=0.05, early_stopping=True, random_state=seed
        )
    else:
        linear = Ridge(alpha=1.0)
        gbm = HistGradientBoostingRegressor(
            max_iter=200, learning_rate=0.05, early_stopping=True, random_state=seed
        )
    models = {"logistic": make_pipeline(StandardScaler(), linear), "gbm": gbm}
    for model in models.values():
        model.fit(x, y)
    return models


def fit_quantile_gbm(
    x: np.ndarray, y: np.ndarray, points: np.ndarray, seed: int
) -> list[HistGradientBoostingRegressor]:
    """Gradient boosting with the quantile loss, one model per quantile of the grid."""
    models = []
    for u in points:
        model = HistGradientBoostingRegressor(
            loss="quantile",
            quantile=float(u),
            max_iter=200,
            learning_rate=0.05,
            early_stopping=True,
            random_state=seed,
        )
        models.append(model.fit(x, y))
    return models


def quantile_gbm_predict(models: list, x: np.ndarray) -> np.ndarray:
    """(n, len(points)) quantiles, highest first; sorted per row, since separately fitted
    quantile models can cross and sorting is the rearrangement that can only lower the loss."""
    q = np.column_stack([m.predict(x) for m in models])
    return -np.sort(-q, axis=1)


def baseline_scores(models: dict[str, object], x: np.ndarray, task: str) -> dict[str, np.ndarray]:
    """Event probabilities (classification) or predictions (regression) per baseline."""
    if task == "classification":
        return {name: m.predict_proba(x)[:, 1] for name, m in models.items()}
    return {name: m.predict(x) for name, m in models.items()}


# ---- the one-number benchmark -------------------------------------------------------------------
BENCHMARK_STATS = ("last", "mean", "std")  # of each sequence feature over the window
LEAK_AUC = 0.98  # a single input this good on training rows is more likely a leak than a signal


@dataclass(frozen=True)
class Candidate:
    """One input as a score by itself: a tabular column, its source input and statistic."""

    column: int
    name: str
    input: str
    stat: str | None  # last / mean / std of a sequence feature over the window; None otherwise


def candidates(names: list[str], sequence: list[str]) -> list[Candidate]:
    """Each input's value at t, and for sequence features also the window mean and std."""
    by_name = {n: i for i, n in enumerate(names)}
    out = [
        Candidate(by_name[f"{s}_{stat}"], f"{s}_{stat}", s, stat)
        for s in sequence
        for stat in BENCHMARK_STATS
        if f"{s}_{stat}" in by_name
    ]
    generated = {f"{s}_{stat}" for s in sequence for stat in ("last", "mean", "std", "min", "max")}
    out += [Candidate(i, n, n, None) for i, n in enumerate(names) if n not in generated]
    return out


def column_auc(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """ROC-AUC of each column alone as it stands (a constant column: 0.5). Needs both classes."""
    from sklearn.metrics import roc_auc_score

    return np.array([roc_auc_score(y, col) if np.ptp(col) > 0 else 0.5 for col in x.T])


def univariate_auc(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """ROC-AUC of each column alone, with the better sign (>= 0.5); NaN with one class."""
    if not 0 < y.sum() < y.size:
        return np.full(x.shape[1], np.nan)
    auc = column_auc(x, y)
    return np.maximum(auc, 1.0 - auc)


@dataclass(frozen=True)
class Benchmark:
    """The best single input on validation, as a fitted one-variable model."""

    candidate: Candidate
    sign: int
    mean: float
    scale: float
    slope: float
    intercept: float
    validation_score: float  # ROC-AUC (classification) or RMSE (regression) on validation

    def predict(self, x: np.ndarray, task: str) -> np.ndarray:
        z = (x[:, self.candidate.column].astype(float) - self.mean) / self.scale
        value = self.slope * z + self.intercept
        return 1.0 / (1.0 + np.exp(-value)) if task == "classification" else value

    def describe(self) -> dict:
        """What metrics.json records: which input, which sign, how it was chosen."""
        return {
            "feature": self.candidate.name,
            "input": self.candidate.input,
            "stat": self.candidate.stat,
            "sign": self.sign,
            "validation_score": self.validation_score,
        }


def fit_benchmark(
    task: str,
    x: dict[str, np.ndarray],
    y: dict[str, np.ndarray],
    names: list[str],
    sequence: list[str],
) -> Benchmark | None:
    """Pick the input that ranks (or predicts) best on validation; fit its map on validation.

    Classification: the better-signed validation ROC-AUC picks the input, a logistic fit on
    validation turns it into a probability (monotone, so its ranking is the input's own).
    Regression: a line fitted on training rows, picked by validation RMSE. Test is never used.
    """
    cands = candidates(names, sequence)
    if not cands or len(y["validation"]) == 0:
        return None
    cols = [c.column for c in cands]
    train = x["train"][:, cols].astype(float)  # once: a 1M-row panel's is ~170 MB a copy
    mean = train.mean(axis=0)
    scale = train.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    if task == "classification":
        yv = y["validation"]
        if not 0 < yv.sum() < yv.size:
            return None
        xv = x["validation"][:, cols]
        aucs = column_auc(xv, yv)
        best = int(np.argmax(np.maximum(aucs, 1 - aucs)))
        sign = 1 if aucs[best] >= 0.5 else -1
        z = (xv[:, best].astype(float) - mean[best]) / scale[best]
        fit = LogisticRegression(C=1e6, max_iter=1000).fit(z[:, None], yv)
        return Benchmark(
            cands[best],
            sign,
            float(mean[best]),
            float(scale[best]),
            float(fit.coef_[0, 0]),
            float(fit.intercept_[0]),
            float(max(aucs[best], 1 - aucs[best])),
        )
    best, best_rmse, line = 0, np.inf, (0.0, 0.0)
    zt = (train - mean) / scale
    zv = (x["validation"][:, cols].astype(float) - mean) / scale
    for i in range(len(cands)):
        slope = float(np.mean(zt[:, i] * (y["train"] - y["train"].mean())))  # z has unit variance
        intercept = float(y["train"].mean())
        rmse = float(np.sqrt(np.mean((slope * zv[:, i] + intercept - y["validation"]) ** 2)))
        if rmse < best_rmse:
            best, best_rmse, line = i, rmse, (slope, intercept)
    sign = 1 if line[0] >= 0 else -1
    return Benchmark(
        cands[best], sign, float(mean[best]), float(scale[best]), line[0], line[1], best_rmse
    )


def leak_suspects(x: np.ndarray, y: np.ndarray, names: list[str], sequence: list[str]) -> list:
    """Inputs whose ROC-AUC alone on training rows is >= LEAK_AUC (either sign)."""
    cands = candidates(names, sequence)
    if not cands:
        return []
    auc = univariate_auc(x[:, [c.column for c in cands]].astype(float), y)
    return [
        {"feature": c.name, "input": c.input, "stat": c.stat, "auc": float(a)}
        for c, a in zip(cands, auc, strict=True)
        if np.isfinite(a) and a >= LEAK_AUC
    ]
