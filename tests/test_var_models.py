"""VaR / ES comparators (riskcore.var_models): by-hand values, no look-ahead, calibration."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from arch import arch_model
from arch.univariate import GARCH, ConstantMean, StudentsT
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from riskcore import var_models as V
from riskcore.errors import ConfigError, DataValidationError

LEVELS = [0.01, 0.025]
TRUE = {"mu": 0.05, "omega": 0.05, "alpha": 0.08, "beta": 0.9, "nu": 6.0}  # percent units


def simulate(n: int, seed: int) -> np.ndarray:
    """GARCH(1,1)-t one-step log returns (return units) from arch's simulator, NaN first."""
    model = ConstantMean(
        None, volatility=GARCH(1, 0, 1), distribution=StudentsT(seed=np.random.default_rng(seed))
    )
    data = model.simulate(list(TRUE.values()), n - 1, burn=500)["data"].to_numpy()
    return np.r_[np.nan, data / 100.0]


def panel(*series: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    starts = np.cumsum([0, *[len(s) for s in series[:-1]]]).astype(np.int64)
    return np.concatenate(series), starts


def train_prefix(starts: np.ndarray, n: int, rows: int) -> np.ndarray:
    """The first `rows` rows of every entity are the training period."""
    fit = np.zeros(n, dtype=bool)
    for lo in starts:
        fit[lo : lo + rows] = True
    return fit


def every(out: dict[str, V.VarForecast]) -> list[np.ndarray]:
    return [a for f in out.values() for a in (f.var, f.es)]


@pytest.fixture(scope="module")
def long_series() -> np.ndarray:
    return simulate(3000, seed=7)


# ----------------------------------------------------------------------------- historical


def by_hand(r: np.ndarray, starts: np.ndarray, h: int, level: float, window: int, min_obs: int):
    """Row loop: np.quantile and tail mean of the entity's past h-step sums in the window."""
    var, es = np.full(len(r), np.nan), np.full(len(r), np.nan)
    ends = [*starts[1:], len(r)]
    for lo, hi in zip(starts, ends, strict=True):
        sums = np.array([r[j - h + 1 : j + 1].sum() if j - h + 1 >= lo else np.nan
                         for j in range(lo, hi)])  # fmt: skip
        for i in range(lo, hi):
            past = sums[max(0, i - lo - window + 1) : i - lo + 1]
            past = past[np.isfinite(past)]
            if len(past) >= min_obs:
                var[i] = np.quantile(past, level)
                es[i] = past[past <= var[i]].mean()
    return var, es


@pytest.mark.parametrize("h", [1, 3])
def test_historical_equals_numpy_quantile_and_tail_mean_by_hand(h: int) -> None:
    rng = np.random.default_rng(1)
    a, b = rng.standard_t(4, 60) * 0.01, rng.standard_t(4, 45) * 0.02
    a[[0, 17]], b[0] = np.nan, np.nan  # entity starts and one unknown return
    r, starts = panel(a, b)
    got = V.historical(r, starts, h, LEVELS, window=20, min_obs=8)
    for j, level in enumerate(LEVELS):
        var, es = by_hand(r, starts, h, level, window=20, min_obs=8)
        np.testing.assert_allclose(got.var[:, j], var, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(got.es[:, j], es, rtol=1e-12, atol=1e-15)
    assert np.isfinite(got.var).sum() > 100
    assert got.info["nan_rows"][V.REASON_SHORT_WINDOW] == int(np.isnan(got.var[:, 0]).sum())


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    h=st.integers(1, 5),
    window=st.integers(5, 40),
    cut=st.integers(0, 78),
)
def test_historical_never_looks_ahead(seed: int, h: int, window: int, cut: int) -> None:
    rng = np.random.default_rng(seed)
    r = np.r_[np.nan, rng.normal(0, 0.01, 79)]
    base = V.historical(r, np.array([0]), h, LEVELS, window=window, min_obs=3)
    r2 = r.copy()
    r2[cut + 1 :] = rng.normal(0, 0.5, 79 - cut)
    moved = V.historical(r2, np.array([0]), h, LEVELS, window=window, min_obs=3)
    np.testing.assert_array_equal(moved.var[: cut + 1], base.var[: cut + 1])
    np.testing.assert_array_equal(moved.es[: cut + 1], base.es[: cut + 1])


# ----------------------------------------------------------------------------- all models


@pytest.mark.parametrize("h", [1, 4])
def test_no_model_looks_ahead_after_the_training_period(h: int) -> None:
    r, starts = panel(simulate(800, seed=1), simulate(800, seed=2))
    fit = train_prefix(starts, len(r), 400)
    base = V.comparators(r, starts, h, LEVELS, fit)
    rng = np.random.default_rng(3)
    for cut in (420, 555, 690):  # row within each entity; the fit period ends at row 399
        r2 = r.copy()
        for lo, hi in zip(starts, [*starts[1:], len(r)], strict=True):
            r2[lo + cut + 1 : hi] = rng.normal(0, 0.2, hi - lo - cut - 1)
            r2[lo + cut + 5] = np.nan
        moved = V.comparators(r2, starts, h, LEVELS, fit)
        past = np.concatenate([np.arange(lo, lo + cut + 1) for lo in starts])
        for old, new in zip(every(base), every(moved), strict=True):
            assert np.isfinite(old[past[-50:]]).all()
            np.testing.assert_array_equal(new[past], old[past])
        later = np.concatenate([np.arange(lo + cut + 2, lo + cut + 40) for lo in starts])
        assert not np.allclose(moved["garch"].var[later], base["garch"].var[later])  # can fail


def test_entity_boundary_is_respected() -> None:
    first, second = simulate(600, seed=4), simulate(600, seed=5)
    r, starts = panel(first, second)
    fit = train_prefix(starts, len(r), 300)
    base = V.comparators(r, starts, 2, LEVELS, fit)
    other, _ = panel(simulate(600, seed=6) * 3.0, second)
    moved = V.comparators(other, starts, 2, LEVELS, fit)
    for old, new in zip(every(base), every(moved), strict=True):
        np.testing.assert_array_equal(new[600:], old[600:])
        assert not np.allclose(new[550:600], old[550:600])
    hist = base["historical"].var[:, 0]
    # the second entity's first finite forecast needs min_obs=50 of ITS OWN 2-step sums
    assert np.isnan(hist[600:651]).all() and np.isfinite(hist[651])
    garch = base["garch"].var[:, 0]
    assert np.isnan(garch[600]) and np.isfinite(garch[601])  # its first return starts it


def test_es_is_at_or_below_var_everywhere_finite(long_series: np.ndarray) -> None:
    r, starts = panel(long_series[:1500], long_series[1500:])
    fit = train_prefix(starts, len(r), 700)
    for h in (1, 10):
        for name, f in V.comparators(r, starts, h, LEVELS, fit).items():
            ok = np.isfinite(f.var)
            assert ok.sum() > 0.8 * ok.size, name
            assert (np.isfinite(f.es) == ok).all(), name
            assert (f.es[ok] <= f.var[ok]).all(), name
            assert (f.var[ok][:, None] <= 0).mean() > 0.99, name  # return quantiles: negative
            assert (f.var[:, 0][ok[:, 0]] <= f.var[:, 1][ok[:, 0]]).all(), name  # 1% <= 2.5%


# ----------------------------------------------------------------------------- GARCH


def test_fitted_params_near_truth_and_breach_rates_in_band(long_series: np.ndarray) -> None:
    r, starts = long_series, np.array([0])
    fit = np.arange(len(r)) < 1500
    out = V.comparators(r, starts, 1, LEVELS, fit)
    entity = out["garch"].info["entities"][0]
    assert entity["status"] == "ok"
    got = entity["params_percent"]
    assert got["alpha"] == pytest.approx(TRUE["alpha"], abs=0.04)
    assert got["beta"] == pytest.approx(TRUE["beta"], abs=0.05)
    assert got["omega"] == pytest.approx(TRUE["omega"], abs=0.05)
    assert 3.5 < got["nu"] < 12.0
    target = V.target_returns(r, starts, 1)
    test = (np.arange(len(r)) >= 1500) & np.isfinite(target)
    n = int(test.sum())
    for j, level in enumerate(LEVELS):
        low, high = stats.binom.ppf([0.0005, 0.9995], n, level)
        for name in ("garch", "fhs"):
            breaches = int((target[test] < out[name].var[test, j]).sum())
            assert low <= breaches <= high, (name, level, breaches, low, high)
        sigma_half = out["garch"].var[test, j] * 0.6  # a VaR too small by 40%: must fail
        assert (target[test] < sigma_half).sum() > high


def test_garch_and_fhs_compose_the_shared_filter(long_series: np.ndarray) -> None:
    r, starts, h = long_series[:1200], np.array([0]), 3
    fit = np.arange(len(r)) < 600
    filt = V.fit_garch(r, starts, h, fit)
    garch, fhs = V.garch_t_from(filt, LEVELS), V.fhs_from(filt, LEVELS, window=300, min_obs=60)
    nu = filt.entities[0]["params_percent"]["nu"]
    for i in (700, 1000, 1199):
        z = filt.z[i - 299 : i + 1]
        z = z[np.isfinite(z)]
        for j, level in enumerate(LEVELS):
            q = stats.t.ppf(level, nu) * np.sqrt((nu - 2) / nu)
            assert garch.var[i, j] == pytest.approx(filt.mean[i] + filt.sigma[i] * q)
            qz = np.quantile(z, level)
            assert fhs.var[i, j] == pytest.approx(filt.mean[i] + filt.sigma[i] * qz)
            tail = z[z <= qz].mean()
            assert fhs.es[i, j] == pytest.approx(filt.mean[i] + filt.sigma[i] * tail)


def test_filter_is_arch_forecast_with_fixed_params_from_data_up_to_each_row(
    long_series: np.ndarray,
) -> None:
    r, h = long_series[:900], 5
    fit = np.arange(len(r)) < 500
    one, many = V.fit_garch(r, np.array([0]), 1, fit), V.fit_garch(r, np.array([0]), h, fit)
    p = one.entities[0]["params_percent"]
    # independent GARCH(1,1) recursion: the forecast at row i uses r_i and the forecast at i-1
    s2 = (100 * one.sigma) ** 2
    eps2 = (100 * r - p["mu"]) ** 2
    np.testing.assert_allclose(
        s2[2:], p["omega"] + p["alpha"] * eps2[2:] + p["beta"] * s2[1:-1], rtol=1e-9
    )
    np.testing.assert_allclose(one.z[2:], (100 * r[2:] - p["mu"]) / (100 * one.sigma[1:-1]))
    # the h-step variance is arch's own forecast(horizon=h), summed
    res = arch_model(100 * r[1:], mean="Constant", vol="GARCH", p=1, q=1, dist="t", rescale=False)
    fitted = res.fit(last_obs=499, disp="off")
    fc = fitted.forecast(horizon=h, start=0, method="analytic", reindex=False)
    np.testing.assert_allclose(100 * many.sigma[1:], np.sqrt(fc.variance.to_numpy().sum(axis=1)))
    np.testing.assert_allclose(many.mean[1:], h * fitted.params["mu"] / 100)


@pytest.mark.parametrize("nu", [2.5, 4.0, 8.0, 30.0])
@pytest.mark.parametrize("level", [0.01, 0.025, 0.1])
def test_standard_t_es_matches_numerical_integration(nu: float, level: float) -> None:
    dist = stats.t(nu, scale=np.sqrt((nu - 2) / nu))  # unit variance
    assert dist.var() == pytest.approx(1.0)
    q = float(V.standard_t_quantile(level, nu))
    assert dist.cdf(q) == pytest.approx(level, rel=1e-9)
    tail, _ = integrate.quad(lambda x: x * dist.pdf(x), -np.inf, q, epsabs=1e-12, limit=200)
    assert float(V.standard_t_es(level, nu)) == pytest.approx(tail / level, rel=1e-6)
    assert float(V.standard_t_es(level, nu)) < q


def test_too_little_training_data_gives_nan_and_a_reason() -> None:
    r, starts = panel(simulate(600, seed=8), simulate(400, seed=9))
    fit = train_prefix(starts, len(r), 300)
    fit[600 + 101 :] = False  # the second entity has only 100 training returns
    out = V.comparators(r, starts, 1, LEVELS, fit)
    for name in ("garch", "fhs"):
        f = out[name]
        assert np.isnan(f.var[600:]).all() and np.isnan(f.es[600:]).all()
        assert np.isfinite(f.var[400:600]).all()
        first, second = f.info["entities"]
        assert first["status"] == "ok" and second["status"] == "not fitted"
        assert "100 training returns" in second["reason"] and "min_fit=250" in second["reason"]
        assert f.info["nan_rows"][V.REASON_NOT_FITTED] == 400
        json.dumps(f.info, allow_nan=False)
    assert np.isfinite(out["historical"].var[700:]).all()


def test_a_failed_fit_gives_nan_and_warnings_in_info_not_an_exception() -> None:
    r, starts = panel(np.r_[np.nan, np.zeros(399)], simulate(400, seed=10))
    fit = train_prefix(starts, len(r), 400)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing from arch may reach the user
        f = V.garch_t(r, starts, 1, LEVELS, fit)
    bad, good = f.info["entities"]
    assert bad["status"] == "failed" and "converge" in bad["reason"]
    assert good["status"] == "ok"
    assert np.isnan(f.var[:400]).all() and np.isfinite(f.var[401:]).all()
    assert any(w.startswith("entity 0:") for w in f.info["warnings"])
    json.dumps(f.info, allow_nan=False)


# ----------------------------------------------------------------------------- returns


def test_one_step_returns_from_prices_and_returns() -> None:
    prices = np.array([100.0, 110.0, 0.0, 121.0, 50.0, 55.0, np.nan, 60.0, -1.0])
    starts = np.array([0, 4])
    got = V.one_step_returns(prices, starts, is_price=True)
    want = [np.nan, np.log(1.1), np.nan, np.nan, np.nan, np.log(1.1), np.nan, np.nan, np.nan]
    np.testing.assert_allclose(got, want)
    col = np.array([0.01, np.inf, -0.02, 0.03])
    np.testing.assert_array_equal(
        V.one_step_returns(col, np.array([0, 2]), is_price=False), [0.01, np.nan, -0.02, 0.03]
    )


def test_target_is_the_forward_sum_within_the_entity() -> None:
    r, starts = panel(np.array([np.nan, 1.0, 2.0, 3.0]), np.array([np.nan, 10.0, 20.0]))
    np.testing.assert_array_equal(
        V.target_returns(r, starts, 2), [3.0, 5.0, np.nan, np.nan, 30.0, np.nan, np.nan]
    )


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"levels": [0.5]}, ConfigError, "levels"),
        ({"levels": []}, ConfigError, "levels"),
        ({"horizon": 0}, ConfigError, "horizon"),
        ({"starts": np.array([1])}, DataValidationError, "starts"),
        ({"starts": np.array([0, 30, 20])}, DataValidationError, "starts"),
        ({"starts": np.array([0.0])}, DataValidationError, "starts"),
        ({"fit_rows": np.ones(5, dtype=bool)}, DataValidationError, "fit_rows"),
        ({"fit_rows": np.ones(60)}, DataValidationError, "fit_rows"),
        ({"returns": np.r_[np.nan, np.inf, np.zeros(58)]}, DataValidationError, "row 1"),
        ({"min_fit": 3}, ConfigError, "min_fit"),
    ],
)
def test_user_errors_name_the_value(kwargs: dict, error: type, words: str) -> None:
    args = {
        "returns": np.r_[np.nan, np.zeros(59)],
        "starts": np.array([0]),
        "horizon": 1,
        "levels": LEVELS,
        "fit_rows": np.ones(60, dtype=bool),
        "min_fit": 250,
    }
    with pytest.raises(error, match=words):
        V.comparators(**(args | kwargs))


def test_window_errors_and_split_training_period() -> None:
    r = np.r_[np.nan, np.zeros(59)]
    with pytest.raises(ConfigError, match="min_obs=80, window=60"):
        V.historical(r, np.array([0]), 1, LEVELS, window=60, min_obs=80)
    fit = np.ones(60, dtype=bool)
    fit[30] = False
    with pytest.raises(DataValidationError, match="row 30"):
        V.fit_garch(r, np.array([0]), 1, fit, min_fit=20)
