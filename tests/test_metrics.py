"""Metrics agree with scikit-learn and with small cases worked by hand, and survive edge cases."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.stats import ks_2samp
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    log_loss,
    mean_absolute_error,
    mean_squared_error,
    precision_recall_curve,
    r2_score,
    roc_auc_score,
    roc_curve,
)

from riskcore import bootstrap as B
from riskcore import metrics as M


def _scored(n: int, seed: int = 0, rate: float = 0.2, decimals: int | None = 2):
    """Scores that separate the classes imperfectly; rounding makes ties, as real models do."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < rate).astype(int)
    s = np.clip(0.3 + 0.25 * y + rng.normal(0.0, 0.2, n), 0.01, 0.99)
    return y, (np.round(s, decimals) if decimals is not None else s)


# --------------------------------------------------------------------------- point scores


def test_classification_scores_match_sklearn() -> None:
    y, s = _scored(2000)
    got = M.classification_scores(y, s)
    auc = roc_auc_score(y, s)
    assert got["roc_auc"] == pytest.approx(auc)
    assert got["pr_auc"] == pytest.approx(average_precision_score(y, s))
    assert got["gini"] == pytest.approx(2 * auc - 1)
    assert got["ks"] == pytest.approx(ks_2samp(s[y == 1], s[y == 0]).statistic)
    assert got["brier"] == pytest.approx(brier_score_loss(y, s))
    assert got["log_loss"] == pytest.approx(log_loss(y, np.clip(s, 1e-15, 1 - 1e-15)))
    assert got["event_rate"] == pytest.approx(y.mean())
    assert got["n"] == 2000
    assert all(type(v) in (float, int) for v in got.values())


def test_ks_and_auc_of_a_six_row_example_worked_by_hand() -> None:
    # riskiest first: E E N E N N. Share of events / non-events caught after each row:
    # 1/3-0, 2/3-0, 2/3-1/3, 1-1/3, 1-2/3, 1-1 -> widest gap 2/3.
    # Pairs (event above non-event): 3 + 3 + 2 of 9 -> AUC 8/9.
    y = [1, 1, 0, 1, 0, 0]
    s = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]
    got = M.classification_scores(y, s)
    assert got["ks"] == pytest.approx(2 / 3)
    assert got["roc_auc"] == pytest.approx(8 / 9)
    assert got["gini"] == pytest.approx(7 / 9)
    table = M.ks_curve_table(y, s)
    assert table.attrs["ks"] == pytest.approx(2 / 3)
    assert table.attrs["ks_threshold"] == 0.8  # first threshold reaching the widest gap
    assert table.loc[table["is_ks"], "gap"].item() == pytest.approx(2 / 3)


def test_one_class_gives_nan_ranking_metrics_not_an_error() -> None:
    y, s = np.zeros(50), np.linspace(0.0, 0.5, 50)
    got = M.classification_scores(y, s)
    for name in ("roc_auc", "pr_auc", "ks", "gini"):
        assert math.isnan(got[name])
    assert got["brier"] == pytest.approx(np.mean(s**2))
    assert math.isfinite(got["log_loss"])
    ci = B.bootstrap_intervals(y, s, "classification", n_boot=20)
    assert all(math.isnan(v) for v in ci["roc_auc"])
    assert all(math.isfinite(v) for v in ci["brier"])
    result = B.evaluate(y, s, "classification", n_boot=20)
    json.dumps(result)  # NaN is allowed in metrics.json


@pytest.mark.parametrize(
    ("y", "s", "message"),
    [
        ([], [], "empty"),
        ([0, 1], [0.2, float("nan")], "NaN"),
        ([0, 1], [0.2], "rows"),
        ([0, 2], [0.2, 0.3], "only 0 and 1"),
        ([0, 1], [0.2, 1.3], r"\[0, 1\]"),
    ],
)
def test_bugs_upstream_raise_value_error(y, s, message) -> None:
    with pytest.raises(ValueError, match=message):
        M.classification_scores(y, s)


def test_regression_scores_match_sklearn() -> None:
    rng = np.random.default_rng(3)
    y = rng.normal(size=500)
    p = y + rng.normal(scale=0.5, size=500)
    got = M.regression_scores(y, p)
    assert got["rmse"] == pytest.approx(math.sqrt(mean_squared_error(y, p)))
    assert got["mae"] == pytest.approx(mean_absolute_error(y, p))
    assert got["r2"] == pytest.approx(r2_score(y, p))
    assert got["n"] == 500


def test_threshold_scores_and_expected_cost_by_hand() -> None:
    y = [1, 1, 0, 1, 0, 0]
    s = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]
    got = M.threshold_scores(y, s, 0.7)  # flags the top three: E E N
    assert (got["tp"], got["fp"], got["tn"], got["fn"]) == (2, 1, 2, 1)
    assert got["precision"] == pytest.approx(2 / 3)
    assert got["recall"] == pytest.approx(2 / 3)
    assert got["f1"] == pytest.approx(2 / 3)
    assert got["flagged_share"] == pytest.approx(0.5)
    # one missed event at 10, one false alarm at 1, over six rows
    assert M.expected_cost(y, s, 0.7, 10.0, 1.0) == pytest.approx(11 / 6)
    nothing = M.threshold_scores(y, s, 0.95)
    assert (nothing["precision"], nothing["recall"], nothing["flagged_share"]) == (0.0, 0.0, 0.0)


# --------------------------------------------------------------------------- bootstrap


def test_vectorised_resample_metrics_equal_sklearn_on_the_resampled_rows() -> None:
    """The weighted one-pass formulas must equal scikit-learn run on each resample itself."""
    y, s = _scored(300, seed=5, decimals=1)  # heavy ties
    rng = np.random.default_rng(0)
    counts = B.Resampling._rows(rng, y.size, 4)
    got = B._weighted_classification(counts, y, s, s)
    for i, c in enumerate(counts):
        yi, si = np.repeat(y, c), np.repeat(s, c)
        want = M.classification_scores(yi, si)
        for name in M.CLASSIFICATION_METRICS:
            assert got[name][i] == pytest.approx(want[name]), name

    yr = rng.normal(size=300)
    pr = yr + rng.normal(size=300)
    got = B._weighted_regression(counts, yr, pr)
    for i, c in enumerate(counts):
        want = M.regression_scores(np.repeat(yr, c), np.repeat(pr, c))
        for name in M.REGRESSION_METRICS:
            assert got[name][i] == pytest.approx(want[name]), name


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_bootstrap_contains_estimate_is_reproducible_and_narrows(task: str) -> None:
    def data(n: int):
        if task == "classification":
            return _scored(n, seed=n)
        rng = np.random.default_rng(n)
        y = rng.normal(size=n)
        return y, y + rng.normal(size=n)

    small, large = data(500), data(5000)
    point = B.evaluate(*small, task, n_boot=200, seed=1)
    ci_small = B.bootstrap_intervals(*small, task, n_boot=200, seed=1)
    ci_large = B.bootstrap_intervals(*large, task, n_boot=200, seed=1)
    assert ci_small == B.bootstrap_intervals(*small, task, n_boot=200, seed=1)
    assert ci_small != B.bootstrap_intervals(*small, task, n_boot=200, seed=2)
    names = M.CLASSIFICATION_METRICS if task == "classification" else M.REGRESSION_METRICS
    assert set(ci_small) == set(names)
    for name in names:
        lo, hi = ci_small[name]
        assert lo <= point[name] <= hi, name
        assert point[f"{name}_ci"] == [lo, hi]
        assert ci_large[name][1] - ci_large[name][0] < 0.6 * (hi - lo), name


def test_evaluate_has_the_metrics_json_shape() -> None:
    y, s = _scored(400)
    result = B.evaluate(y, s, "classification", n_boot=50)
    for name in M.CLASSIFICATION_METRICS:
        assert isinstance(result[name], float)
        lo, hi = result[f"{name}_ci"]
        assert isinstance(lo, float)
        assert lo <= hi
    assert "n_ci" not in result
    assert "event_rate_ci" not in result
    assert json.loads(json.dumps(result)) == result
    with pytest.raises(ValueError, match="task"):
        B.evaluate(y, s, "ranking")


# --------------------------------------------------------------------------- curves


def test_curve_tables_match_sklearn_and_are_thinned() -> None:
    y, s = _scored(100, decimals=None)
    fpr, tpr, _ = roc_curve(y, s)
    roc = M.roc_curve_table(y, s)
    np.testing.assert_allclose(roc["fpr"], fpr)
    np.testing.assert_allclose(roc["tpr"], tpr)
    assert math.isnan(roc["threshold"].iloc[0])
    precision, recall, _ = precision_recall_curve(y, s)
    pr = M.pr_curve_table(y, s)
    np.testing.assert_allclose(pr["recall"], recall[::-1])
    np.testing.assert_allclose(pr["precision"], precision[::-1])

    y, s = _scored(20000, decimals=None)
    for table in (M.roc_curve_table(y, s), M.pr_curve_table(y, s), M.ks_curve_table(y, s)):
        assert 2 < len(table) <= M.MAX_CURVE_POINTS
    roc = M.roc_curve_table(y, s)
    assert roc["fpr"].is_monotonic_increasing
    assert (roc["fpr"].iloc[0], roc["tpr"].iloc[-1]) == (0.0, 1.0)
    ks = M.ks_curve_table(y, s)
    assert ks["is_ks"].sum() == 1
    assert ks.attrs["ks"] == pytest.approx(M.classification_scores(y, s)["ks"])
    assert ks["gap"].max() == pytest.approx(ks.attrs["ks"])


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
def test_calibration_table_matches_sklearn(strategy: str) -> None:
    y, s = _scored(3000, decimals=None)
    table = M.calibration_table(y, s, bins=8, strategy=strategy)
    prob_true, prob_pred = calibration_curve(y, s, n_bins=8, strategy=strategy)
    np.testing.assert_allclose(table["event_rate"], prob_true)
    np.testing.assert_allclose(table["mean_score"], prob_pred)
    assert table["count"].sum() == 3000


def test_calibration_of_calibrated_scores_is_near_the_diagonal() -> None:
    rng = np.random.default_rng(11)
    s = rng.random(20000)
    y = (rng.random(20000) < s).astype(int)
    table = M.calibration_table(y, s, bins=10)
    assert len(table) == 10
    assert (table["event_rate"] - table["mean_score"]).abs().max() < 0.04
    assert table["count"].between(1900, 2100).all()  # quantile bins hold equal shares


def test_lift_table_of_a_perfect_ranking() -> None:
    y = np.r_[np.ones(10), np.zeros(90)]
    s = np.linspace(1.0, 0.0, 100)  # every event scores above every non-event
    table = M.lift_table(y, s, groups=10)
    assert table["decile"].tolist() == list(range(1, 11))
    assert table["count"].tolist() == [10] * 10
    assert table["events"].tolist() == [10] + [0] * 9
    assert table["cum_events_share"].tolist() == [1.0] * 10
    assert table["lift"].iloc[0] == pytest.approx(10.0)
    assert table["cum_lift"].iloc[1] == pytest.approx(5.0)
    assert table["cum_lift"].iloc[-1] == pytest.approx(1.0)


# --------------------------------------------------------------------------- properties

_rows = st.lists(
    st.tuples(st.integers(0, 1), st.floats(0.0, 1.0, allow_nan=False)), min_size=2, max_size=60
)


@settings(max_examples=60, deadline=None)
@given(_rows)
def test_ranking_metric_identities(rows) -> None:
    y, s = map(np.array, zip(*rows, strict=True))
    assume(0 < y.sum() < y.size)
    got = M.classification_scores(y, s)
    assert got["gini"] == pytest.approx(2 * got["roc_auc"] - 1)
    assert 0.0 <= got["ks"] <= 1.0
    assert 0.0 <= got["pr_auc"] <= 1.0
    assert got["roc_auc"] == pytest.approx(roc_auc_score(y, s))
