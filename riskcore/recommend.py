"""Which of a run's models the analyst should use, chosen on the validation split only.

The rule a validator would apply: the model with the best validation score, unless a simpler
one is within noise of it. Simplicity runs one-number benchmark < logistic < gradient boosting
< deep model (for VaR: historical simulation < GARCH < filtered HS < gradient boosting < deep
model). "Within noise": the paired block-bootstrap interval of the best model's advantage over
the simpler one (same resamples of the validation dates) includes zero. Test is never read, so
the test metrics of the recommended model stay an honest estimate of what it will do.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from riskcore.bootstrap import Resampling, mean_resamples, percentile_interval
from riskcore.metrics import LOWER_BETTER

SIMPLEST_FIRST = ("benchmark", "historical", "logistic", "garch", "fhs", "gbm", "model")


def headline_resamples(
    task: str, y: np.ndarray, scores: Mapping[str, np.ndarray], resampling: Resampling
) -> dict[str, np.ndarray]:
    """The headline metric of each model on every resample (the same resamples for all):
    ROC-AUC for classification, RMSE for regression. Quantile runs pass per-row pinball
    losses to `mean_resamples` instead."""
    if task == "classification":
        from riskcore.validation.discrimination import resampled_auc

        return {name: resampled_auc(y, s, resampling) for name, s in scores.items()}
    squared = {name: (np.asarray(s, dtype=float) - y) ** 2 for name, s in scores.items()}
    return {name: np.sqrt(v) for name, v in mean_resamples(squared, resampling).items()}


def recommend(
    metric: str, validation: Mapping[str, float], samples: Mapping[str, np.ndarray]
) -> dict | None:
    """metrics.json's `recommended`: the model, why, and the numbers behind it.

    `validation`: each model's validation value of `metric`; `samples`: its value on each
    resample. None when no model has a finite validation score.
    """
    sign = -1.0 if metric in LOWER_BETTER else 1.0  # advantage > 0: the better one
    finite = {m: v for m, v in validation.items() if np.isfinite(v) and m in samples}
    if not finite:
        return None
    best = max(finite, key=lambda m: sign * finite[m])
    for name in sorted(finite, key=_simplicity):
        if name == best:
            break
        advantage = sign * (finite[best] - finite[name])
        lo, hi = percentile_interval(sign * (samples[best] - samples[name]))
        if np.isfinite(lo) and lo <= 0.0:
            return _entry(name, best, metric, finite, advantage, (lo, hi), "simpler_within_noise")
    simpler = [m for m in sorted(finite, key=_simplicity) if _simplicity(m) < _simplicity(best)]
    if not simpler:
        return _entry(best, best, metric, finite, 0.0, (np.nan, np.nan), "simplest_is_best")
    runner_up = max(simpler, key=lambda m: sign * finite[m])  # the best of the simpler ones
    advantage = sign * (finite[best] - finite[runner_up])
    lo, hi = percentile_interval(sign * (samples[best] - samples[runner_up]))
    return _entry(best, runner_up, metric, finite, advantage, (lo, hi), "best_clearly")


def _simplicity(name: str) -> int:
    return SIMPLEST_FIRST.index(name) if name in SIMPLEST_FIRST else len(SIMPLEST_FIRST)


def _entry(
    model: str,
    other: str,
    metric: str,
    values: Mapping[str, float],
    advantage: float,
    interval: tuple[float, float],
    reason: str,
) -> dict:
    """`other`: the best model when a simpler one is chosen, else the best simpler rival;
    `advantage`: how much better the better of the two is, with its paired interval."""
    return {
        "model": model,
        "reason": reason,
        "metric": metric,
        "split": "validation",
        "value": float(values[model]),
        "other": other,
        "other_value": float(values[other]),
        "advantage": float(advantage),
        "advantage_ci": [float(x) for x in interval],
        "validation": {m: float(v) for m, v in values.items()},
    }
