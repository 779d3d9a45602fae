"""The comparators' fits: class weights where they are cheap, none where they cost the fit."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from riskcore.baselines import fit_baselines


@pytest.fixture(scope="module")
def imbalanced() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3000, 4)).astype(np.float32)
    y = (x[:, 0] + rng.normal(size=3000) > 2.0).astype(float)  # ~8% events
    return x, y


@pytest.mark.parametrize("balanced", [True, False])
def test_gbm_is_fitted_unweighted_and_the_logistic_as_asked(imbalanced, balanced) -> None:
    x, y = imbalanced
    models = fit_baselines("classification", x, y, seed=7, balanced=balanced)
    assert models["gbm"].get_params()["class_weight"] is None
    linear = models["logistic"].steps[-1][1]
    assert linear.get_params()["class_weight"] == ("balanced" if balanced else None)


def test_gbm_bins_are_the_unweighted_quantiles(imbalanced) -> None:
    """No sample weights reach the binning (the slow weighted-percentile path): the bin edges
    are those of an unweighted fit, and differ from a class-weighted one's."""
    x, y = imbalanced
    gbm = fit_baselines("classification", x, y, seed=7)["gbm"]
    params = {k: v for k, v in gbm.get_params().items() if k != "class_weight"}
    plain = HistGradientBoostingClassifier(**params).fit(x, y)
    weighted = HistGradientBoostingClassifier(**params, class_weight="balanced").fit(x, y)

    def edges(model):
        return np.concatenate(model._bin_mapper.bin_thresholds_)

    np.testing.assert_array_equal(edges(gbm), edges(plain))
    assert not np.array_equal(edges(gbm), edges(weighted))
    np.testing.assert_allclose(gbm.predict_proba(x), plain.predict_proba(x))
