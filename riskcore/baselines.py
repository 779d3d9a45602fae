"""Honest comparison (design rule 3): two scikit-learn models on tabular window features.

Every run trains a logistic (or ridge) regression and a gradient-boosting model on the same
split as the deep model, from the same windows (last, mean, std, min, max of each sequence
feature plus the macro, sentiment and static inputs), so a deep model that does not beat them
is visible at once.
"""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

BASELINES = ("logistic", "gbm")


def fit_baselines(
    task: str, x: np.ndarray, y: np.ndarray, seed: int, balanced: bool = True
) -> dict[str, object]:
    """Fitted baselines by name ("logistic" is a ridge regression for regression tasks)."""
    weight = "balanced" if balanced else None
    if task == "classification":
        linear = LogisticRegression(max_iter=2000, class_weight=weight, C=1.0)
        gbm = HistGradientBoostingClassifier(
            max_iter=200,
            learning_rate=0.05,
            early_stopping=True,
            random_state=seed,
            class_weight=weight,
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


def baseline_scores(models: dict[str, object], x: np.ndarray, task: str) -> dict[str, np.ndarray]:
    """Event probabilities (classification) or predictions (regression) per baseline."""
    if task == "classification":
        return {name: m.predict_proba(x)[:, 1] for name, m in models.items()}
    return {name: m.predict(x) for name, m in models.items()}
