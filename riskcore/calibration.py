"""Scores that mean probabilities: each model's calibration, fitted on the validation split.

Class weights and oversampling push a network's scores upward (a 0.8 can mean a 50% event rate),
so risk bands, expected costs and "probability" deltas would mislead on raw scores. Every
classification model of a run gets a calibrator fitted on validation rows only (never test):
Platt scaling (a logistic regression on the raw score's log-odds, monotone increasing, so
ranking metrics stay exactly as they were: a score that ranks the wrong way on validation is
shifted to the event rate, never flipped) or isotonic regression (also monotone, but it merges
scores into steps). The fitted state is a few numbers saved as JSON beside the run, never a
pickle, and one function applies it wherever a score is produced: training, scoring, scenarios.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

METHODS = ("platt", "isotonic", "identity")
LOGIT_CLIP = 1e-6  # a raw score of exactly 0 or 1 would have an infinite log-odds
ECE_BINS = 10


def logit(score: ArrayLike) -> np.ndarray:
    p = np.clip(np.asarray(score, dtype=float), LOGIT_CLIP, 1 - LOGIT_CLIP)
    return np.log(p / (1 - p))


@dataclass(frozen=True)
class Calibrator:
    """A fitted map from raw score to probability; `identity` for regression and old runs."""

    method: str = "identity"
    params: dict = field(default_factory=dict)

    def apply(self, raw: ArrayLike) -> np.ndarray:
        s = np.asarray(raw, dtype=float)
        if self.method == "platt":
            z = self.params["slope"] * logit(s) + self.params["intercept"]
            return 1.0 / (1.0 + np.exp(-z))
        if self.method == "isotonic":
            return np.interp(s, self.params["x"], self.params["y"])
        return s

    def to_dict(self) -> dict:
        return {"method": self.method, **self.params}

    @classmethod
    def from_dict(cls, data: dict | None) -> Calibrator:
        if not data:
            return cls()
        params = {k: v for k, v in data.items() if k != "method"}
        if data["method"] not in METHODS:
            raise ValueError(f"unknown calibration method {data['method']!r}")
        return cls(data["method"], params)


def _shift(y: np.ndarray, z: np.ndarray) -> float:
    """The log-odds shift b with mean(sigmoid(z + b)) = mean(y): the maximum-likelihood
    intercept with the slope held at 1, so a score that ranks no better than chance keeps its
    own ranking (the ranking metrics, computed on raw scores, describe what is shown) and
    only its level moves to the event rate."""
    from scipy.optimize import brentq

    def gap(b: float) -> float:
        return float(np.mean(1.0 / (1.0 + np.exp(-(z + b)))) - y.mean())

    return float(brentq(gap, -50.0, 50.0))


def fit_calibrator(y: ArrayLike, raw: ArrayLike, method: str = "platt") -> Calibrator:
    """Fit on the validation split. With one class there is nothing to learn: identity."""
    y = np.asarray(y, dtype=float).ravel()
    s = np.asarray(raw, dtype=float).ravel()
    if y.size == 0 or not 0 < y.sum() < y.size:
        return Calibrator()
    if method == "platt":
        fit = LogisticRegression(C=1e6, max_iter=1000).fit(logit(s)[:, None], y)
        slope = float(fit.coef_[0, 0])
        if slope <= 0:  # ranks the wrong way on validation: flipping it would learn on validation
            return Calibrator("platt", {"slope": 1.0, "intercept": _shift(y, logit(s))})
        return Calibrator("platt", {"slope": slope, "intercept": float(fit.intercept_[0])})
    if method == "isotonic":
        fit = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(s, y)
        return Calibrator(
            "isotonic",
            {
                "x": [float(v) for v in fit.X_thresholds_],
                "y": [float(v) for v in fit.y_thresholds_],
            },
        )
    raise ValueError(f"calibration method must be 'platt' or 'isotonic', got {method!r}")


def expected_calibration_error(y: ArrayLike, prob: ArrayLike, bins: int = ECE_BINS) -> float:
    """Row-weighted mean |observed rate - mean score| over equal-width score bins."""
    y = np.asarray(y, dtype=float).ravel()
    p = np.asarray(prob, dtype=float).ravel()
    ids = np.minimum((p * bins).astype(int), bins - 1)
    count = np.bincount(ids, minlength=bins)
    gap = np.abs(np.bincount(ids, y, bins) - np.bincount(ids, p, bins))
    return float(gap.sum() / max(count.sum(), 1))


def calibration_fit(y: ArrayLike, prob: ArrayLike) -> dict[str, float]:
    """Calibration slope and intercept (y on the score's log-odds): 1 and 0 when calibrated;
    a slope below 1 says the scores are too extreme, above 1 too timid."""
    y = np.asarray(y, dtype=float).ravel()
    if y.size == 0 or not 0 < y.sum() < y.size:
        return {"calibration_slope": float("nan"), "calibration_intercept": float("nan")}
    fit = LogisticRegression(C=1e6, max_iter=1000).fit(logit(prob)[:, None], y)
    return {
        "calibration_slope": float(fit.coef_[0, 0]),
        "calibration_intercept": float(fit.intercept_[0]),
    }
