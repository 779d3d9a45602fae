"""VaR / ES backtests agree with formulas written out here, hand counts, the Basel table and
simulations where the right answer is known."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binom, chi2, chi2_contingency, norm

from riskcore import backtests as B
from riskcore.errors import ConfigError, DataValidationError

BACKTEST_KEYS = [
    "n",
    "breaches",
    "breach_rate",
    "kupiec_lr",
    "kupiec_p",
    "christoffersen_lr",
    "christoffersen_p",
    "conditional_coverage_lr",
    "conditional_coverage_p",
    "traffic_light",
    "es_z2",
    "es_zone",
    "es_mcneil_frey_p",
    "es_exceedances",
]
TRAFFIC_KEYS = {"zone", "exceptions", "n", "plus_factor", "cumulative_probability", "window"}

# Basel Committee (1996), supervisory framework for backtesting, table 2: 250 days at 99%.
# exceptions: (zone, plus factor, published cumulative probability in %)
BASEL_TABLE = {
    0: ("green", 0.00, 8.11),
    1: ("green", 0.00, 28.58),
    2: ("green", 0.00, 54.32),
    3: ("green", 0.00, 75.81),
    4: ("green", 0.00, 89.22),
    5: ("yellow", 0.40, 95.88),
    6: ("yellow", 0.50, 98.63),
    7: ("yellow", 0.65, 99.60),
    8: ("yellow", 0.75, 99.89),
    9: ("yellow", 0.85, 99.97),
    10: ("red", 1.00, 99.99),
    11: ("red", 1.00, 100.00),
    12: ("red", 1.00, 100.00),
}

P_VALUES = st.floats(min_value=0.001, max_value=0.499)
HIT_SERIES = st.lists(st.lists(st.booleans(), min_size=1, max_size=40), min_size=1, max_size=6)


def kupiec_lr_by_hand(x: int, n: int, p: float) -> float:
    """-2 log of the binomial likelihood ratio, with the 0 * log 0 cases written out."""
    if x == 0:
        return -2.0 * n * math.log(1 - p)
    if x == n:
        return -2.0 * n * math.log(p)
    phat = x / n
    null = (n - x) * math.log(1 - p) + x * math.log(p)
    alt = (n - x) * math.log(1 - phat) + x * math.log(phat)
    return -2.0 * (null - alt)


def normal_var_es(mu, sigma, level):
    """Exact VaR and ES (as returns) of N(mu, sigma^2): mu + sigma z, mu - sigma phi(z) / a."""
    z = norm.ppf(level)
    return mu + sigma * z, mu - sigma * norm.pdf(z) / level


@pytest.fixture(scope="module")
def normal_sim():
    """A long heteroskedastic normal series with its exact 97.5% VaR and ES per day."""
    rng = np.random.default_rng(20140101)
    n, level, mu = 40_000, 0.025, 0.0002
    sigma = 0.01 * np.exp(0.4 * rng.standard_normal(n))
    y = mu + sigma * rng.standard_normal(n)
    var, es = normal_var_es(mu, sigma, level)
    return {"y": y, "var": var, "es": es, "mu": mu, "sigma": sigma, "level": level}


def assert_plain(value) -> None:
    """Only builtin types, so the result goes straight into JSON."""
    if isinstance(value, dict):
        for v in value.values():
            assert_plain(v)
    else:
        assert type(value) in (int, float, str, type(None)), (value, type(value))


# --------------------------------------------------------------------------- pinball, hits


def test_pinball_loss_on_a_hand_example():
    # level 0.1, q = -0.02; y - q = 0.02, -0.03, 0.04 (the NaN row is ignored):
    # 0.1 * 0.02 = 0.002; (0.1 - 1) * -0.03 = 0.027; 0.1 * 0.04 = 0.004 -> mean 0.033 / 3
    y = [0.0, -0.05, 0.02, np.nan, 0.3]
    q = [-0.02, -0.02, -0.02, -0.02, np.nan]
    assert B.pinball_loss(y, q, 0.1) == pytest.approx(0.011, abs=1e-15)
    assert isinstance(B.pinball_loss(y, q, 0.1), float)


def test_pinball_loss_is_nan_without_any_observed_row():
    assert math.isnan(B.pinball_loss([np.nan, 1.0], [0.0, np.nan], 0.05))


def test_pinball_loss_is_lowest_at_the_true_quantile(normal_sim):
    y, level = normal_sim["y"][:5000], 0.05
    true_q = np.quantile(y, level)
    losses = [B.pinball_loss(y, np.full(y.size, true_q + d), level) for d in (-0.005, 0, 0.005)]
    assert losses[1] < losses[0] and losses[1] < losses[2]


def test_hits_are_strict_breaches_and_nan_is_no_hit():
    got = B.hits([-0.03, -0.02, 0.01, np.nan], [-0.02, -0.02, -0.02, -0.02])
    assert got.dtype == bool
    assert got.tolist() == [True, False, False, False]


# --------------------------------------------------------------------------- Kupiec


@pytest.mark.parametrize(
    ("x", "n", "level"), [(0, 250, 0.01), (1, 250, 0.01), (10, 250, 0.01), (250, 250, 0.01),
                          (7, 100, 0.05), (30, 1000, 0.025), (3, 3, 0.2)]
)  # fmt: skip
def test_kupiec_matches_the_formula_written_out(x, n, level):
    got = B.kupiec(x, n, level)
    lr = kupiec_lr_by_hand(x, n, level)
    assert got["lr"] == pytest.approx(lr, rel=1e-10, abs=1e-12)
    assert got["p"] == pytest.approx(chi2.sf(lr, 1), rel=1e-10, abs=1e-300)


def test_kupiec_rejects_far_too_many_breaches():
    assert B.kupiec(10, 250, 0.01)["p"] < 0.01
    assert B.kupiec(0, 1000, 0.01)["p"] < 0.001  # too few is rejected as well


@settings(max_examples=120, deadline=None)
@given(n=st.integers(1, 5000), frac=st.floats(0, 1), level=P_VALUES)
def test_kupiec_p_is_a_probability(n, frac, level):
    got = B.kupiec(round(frac * n), n, level)
    assert got["lr"] >= 0.0
    assert 0.0 <= got["p"] <= 1.0


@settings(max_examples=120, deadline=None)
@given(n=st.integers(3, 5000), data=st.data())
def test_kupiec_is_exactly_1_when_the_rate_equals_the_level(n, data):
    k = data.draw(st.integers(1, (n - 1) // 2))
    level = k / n
    got = B.kupiec(round(level * n), n, level)
    assert got["lr"] == 0.0
    assert got["p"] == 1.0


# --------------------------------------------------------------------------- Christoffersen


def test_christoffersen_on_a_hand_counted_series():
    # hits 0 0 1 1 0 1 0 0 0 1; transitions, day by day:
    # 0->0, 0->1, 1->1, 1->0, 0->1, 1->0, 0->0, 0->0, 0->1
    # n00 = 3, n01 = 3, n10 = 2, n11 = 1 (9 transitions from 10 days)
    h = np.array([0, 0, 1, 1, 0, 1, 0, 0, 0, 1], dtype=bool)
    got = B.christoffersen([h])
    assert (got["n00"], got["n01"], got["n10"], got["n11"]) == (3, 3, 2, 1)
    # pi01 = 3/6, pi11 = 1/3, pi = 4/9
    alt = 3 * math.log(0.5) + 3 * math.log(0.5) + 2 * math.log(2 / 3) + 1 * math.log(1 / 3)
    null = 5 * math.log(5 / 9) + 4 * math.log(4 / 9)
    lr = -2 * (null - alt)
    assert got["lr_ind"] == pytest.approx(lr, rel=1e-12)
    assert got["p_ind"] == pytest.approx(chi2.sf(lr, 1), rel=1e-12)


def test_christoffersen_never_counts_a_transition_across_entities():
    # entity A: 0 1 1 -> 0->1, 1->1; entity B: 1 0 0 1 -> 1->0, 0->0, 0->1
    # n00 = 1, n01 = 2, n10 = 1, n11 = 1; glued together, A's last 1 and B's first 1 would
    # add a 1->1 that never happened
    a, b = np.array([0, 1, 1], bool), np.array([1, 0, 0, 1], bool)
    got = B.christoffersen([a, b])
    assert (got["n00"], got["n01"], got["n10"], got["n11"]) == (1, 2, 1, 1)
    assert B.christoffersen([np.concatenate([a, b])])["n11"] == 2


def test_christoffersen_detects_clustered_breaches():
    h = np.zeros(1000, dtype=bool)
    for start in range(50, 1000, 100):
        h[start : start + 3] = True  # 10 clusters of 3 breaches in a row
    assert B.christoffersen([h])["p_ind"] < 0.001


@pytest.mark.parametrize(
    "series",
    [
        [np.zeros(300, bool)],  # no breach at all
        [np.r_[np.zeros(299, bool), True]],  # the only breach on the last day: nothing follows
        [np.ones(50, bool)],  # every day a breach: no transition out of a non-breach
        [np.array([True]), np.array([False])],  # single days: no transition at all
    ],
)
def test_christoffersen_degenerate_counts_give_lr_0_p_1(series):
    got = B.christoffersen(series)
    assert (got["lr_ind"], got["p_ind"]) == (0.0, 1.0)


@settings(max_examples=120, deadline=None)
@given(series=HIT_SERIES)
def test_christoffersen_counts_sum_to_n_minus_entities(series):
    got = B.christoffersen([np.array(s, bool) for s in series])
    n = sum(len(s) for s in series)
    assert got["n00"] + got["n01"] + got["n10"] + got["n11"] == n - len(series)
    assert got["n01"] + got["n11"] == sum(sum(s[1:]) for s in series)
    assert 0.0 <= got["p_ind"] <= 1.0


@settings(max_examples=150, deadline=None)
@given(series=HIT_SERIES)
def test_christoffersen_equals_the_g_test_of_the_transition_table(series):
    got = B.christoffersen([np.array(s, bool) for s in series])
    table = np.array([[got["n00"], got["n01"]], [got["n10"], got["n11"]]])
    if (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
        assert (got["lr_ind"], got["p_ind"]) == (0.0, 1.0)
        return
    g, p, _, _ = chi2_contingency(table, correction=False, lambda_="log-likelihood")
    assert got["lr_ind"] == pytest.approx(g, rel=1e-8, abs=1e-9)
    # near lr 0, chi2.sf has an infinite slope, so rounding noise of 1e-14 in lr moves p by 1e-7
    assert got["p_ind"] == pytest.approx(p, rel=1e-8, abs=1e-6)


def test_conditional_coverage_adds_the_two_lrs_on_2_dof():
    got = B.conditional_coverage(3.1, 2.4)
    assert got["lr"] == pytest.approx(5.5)
    assert got["p"] == pytest.approx(chi2.sf(5.5, 2))


@settings(max_examples=100, deadline=None)
@given(lr_pof=st.floats(0, 1e4), lr_ind=st.floats(0, 1e4))
def test_conditional_coverage_p_is_a_probability(lr_pof, lr_ind):
    assert 0.0 <= B.conditional_coverage(lr_pof, lr_ind)["p"] <= 1.0


# --------------------------------------------------------------------------- traffic light


@pytest.mark.parametrize("x", sorted(BASEL_TABLE))
def test_traffic_light_reproduces_the_basel_table(x):
    zone, plus, percent = BASEL_TABLE[x]
    got = B.traffic_light(x)
    assert got["zone"] == zone
    assert got["plus_factor"] == plus
    assert (got["exceptions"], got["n"]) == (x, 250)
    assert got["cumulative_probability"] == pytest.approx(binom.cdf(x, 250, 0.01), rel=1e-12)
    assert 100 * got["cumulative_probability"] == pytest.approx(percent, abs=0.005)


def test_traffic_light_elsewhere_uses_the_binomial_rule_without_a_plus_factor():
    for x in range(40):
        got = B.traffic_light(x, n=1000, level=0.01)
        cum = binom.cdf(x, 1000, 0.01)
        assert got["zone"] == ("green" if cum < 0.95 else "yellow" if cum < 0.9999 else "red")
        assert got["plus_factor"] is None
    assert B.traffic_light(3, n=250, level=0.025)["plus_factor"] is None


# --------------------------------------------------------------------------- ES backtests


def test_z2_on_a_hand_example():
    # T = 4, level 0.25, var -2, es -2.5: breaches on rows 0 and 3 (y < -2)
    # Z2 = 1 - (-3 / -2.5 + -2.5 / -2.5) / (4 * 0.25) = 1 - 2.2 = -1.2 -> yellow
    got = B.acerbi_szekely_z2([-3.0, -1.0, 0.5, -2.5], [-2.0] * 4, [-2.5] * 4, 0.25)
    assert got["z2"] == pytest.approx(-1.2)
    assert got["zone"] == "yellow"


def test_z2_is_about_0_for_a_correct_normal_model(normal_sim):
    s = normal_sim
    got = B.acerbi_szekely_z2(s["y"], s["var"], s["es"], s["level"])
    assert abs(got["z2"]) < 0.15
    assert got["zone"] == "green"


def test_z2_is_about_minus_1_when_es_alone_is_halved(normal_sim):
    # right VaR, ES half as deep: E[y I] / (level * es / 2) = 2, so Z2 = 1 - 2 = -1
    s = normal_sim
    half_es = s["mu"] + (s["es"] - s["mu"]) / 2
    got = B.acerbi_szekely_z2(s["y"], s["var"], half_es, s["level"])
    assert got["z2"] == pytest.approx(-1.0, abs=0.15)
    assert got["zone"] == "yellow"


def test_z2_is_red_when_the_risk_is_understated_by_half(normal_sim):
    # the model's sigma is half the true one, so both VaR and ES are half as deep
    s = normal_sim
    var, es = normal_var_es(s["mu"], s["sigma"] / 2, s["level"])
    got = B.acerbi_szekely_z2(s["y"], var, es, s["level"])
    assert got["z2"] <= -1.8
    assert got["zone"] == "red"


def test_z2_is_undefined_where_a_breach_day_es_is_not_a_loss():
    got = B.acerbi_szekely_z2([-3.0, 1.0], [-2.0, -2.0], [0.0, -2.5], 0.1)
    assert math.isnan(got["z2"]) and got["zone"] is None


def test_mcneil_frey_accepts_a_correct_es_and_rejects_a_shallow_one(normal_sim):
    s = normal_sim
    right = B.mcneil_frey(s["y"], s["var"], s["es"])
    shallow = B.mcneil_frey(s["y"], s["var"], s["mu"] + (s["es"] - s["mu"]) / 2)
    hit = s["y"] < s["var"]
    assert right["n_exceedances"] == shallow["n_exceedances"] == int(hit.sum())
    assert right["mean_residual"] == pytest.approx(np.mean(s["y"][hit] - s["es"][hit]))
    assert right["p"] > 0.05
    assert shallow["p"] < 0.01
    assert shallow["mean_residual"] < 0


def test_mcneil_frey_is_deterministic_given_the_seed(normal_sim):
    s = normal_sim
    args = (s["y"][:4000], s["var"][:4000], s["es"][:4000])
    assert B.mcneil_frey(*args, n_boot=500, seed=3) == B.mcneil_frey(*args, n_boot=500, seed=3)
    p = {B.mcneil_frey(*args, n_boot=500, seed=seed)["p"] for seed in range(4)}
    assert len(p) > 1  # the seed does drive the resampling


def test_mcneil_frey_p_is_nan_with_fewer_than_2_exceedances():
    one = B.mcneil_frey([-3.0, 1.0, 0.0], [-2.0] * 3, [-2.5] * 3)
    assert one["n_exceedances"] == 1
    assert one["mean_residual"] == pytest.approx(-0.5)
    assert math.isnan(one["p"])
    none = B.mcneil_frey([1.0, 1.0], [-2.0] * 2, [-2.5] * 2)
    assert none["n_exceedances"] == 0 and math.isnan(none["mean_residual"])


# --------------------------------------------------------------------------- full reports


def test_backtest_keys_and_values_match_the_parts(normal_sim):
    s = normal_sim
    y, var, es, level = s["y"][:2000], s["var"][:2000], s["es"][:2000], s["level"]
    got = B.backtest(y, var, es, level)
    assert list(got) == BACKTEST_KEYS
    assert set(got["traffic_light"]) == TRAFFIC_KEYS
    hit = y < var
    x = int(hit.sum())
    assert (got["n"], got["breaches"], got["breach_rate"]) == (2000, x, x / 2000)
    lr_pof = kupiec_lr_by_hand(x, 2000, level)
    assert got["kupiec_lr"] == pytest.approx(lr_pof)
    assert got["kupiec_p"] == pytest.approx(chi2.sf(lr_pof, 1))
    cc = lr_pof + got["christoffersen_lr"]
    assert got["conditional_coverage_lr"] == pytest.approx(cc)
    assert got["conditional_coverage_p"] == pytest.approx(chi2.sf(cc, 2))
    tl = got["traffic_light"]
    assert (tl["window"], tl["n"], tl["exceptions"]) == ("last 250", 250, int(hit[-250:].sum()))
    assert got["es_exceedances"] == x
    assert got["es_z2"] == pytest.approx(1 - np.sum(y[hit] / es[hit]) / (2000 * level))
    assert_plain(got)
    json.dumps(got)


def test_backtest_without_es_leaves_the_es_keys_none():
    got = B.backtest([-0.03, 0.01, -0.01], [-0.02] * 3, None, 0.05)
    assert [got[k] for k in BACKTEST_KEYS[-4:]] == [None] * 4
    assert got["traffic_light"]["window"] == "all"  # fewer than 250 rows
    assert got["traffic_light"]["n"] == 3


def test_backtest_drops_rows_without_a_return_or_var():
    y = [-0.03, np.nan, 0.01, -0.05, 0.02]
    var = [-0.02, -0.02, np.nan, -0.02, -0.02]
    got = B.backtest(y, var, None, 0.05)
    assert (got["n"], got["breaches"]) == (3, 2)
    with pytest.raises(DataValidationError, match="no row"):
        B.backtest([np.nan], [0.0], None, 0.05)


def test_backtest_pools_entities_over_all_rows():
    h_a = [True, False, True]
    got = B.backtest([-1.0, 0, -1.0, -1.0, 0], [-0.5] * 5, None, 0.2, hit_groups=list("AAABB"))
    tl = got["traffic_light"]
    assert (tl["window"], tl["n"], tl["exceptions"]) == ("all", 5, 3)
    # A: T F T -> 1->0, 0->1; B: T F -> 1->0. Same as christoffersen on the split lists.
    want = B.christoffersen([np.array(h_a), np.array([True, False])])
    assert got["christoffersen_lr"] == want["lr_ind"]


def panel_frame(seed: int = 7, n_entities: int = 4, days: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = n_entities * days
    frame = pd.DataFrame(
        {
            "entity": np.repeat([f"desk{i}" for i in range(n_entities)], days),
            "time": np.tile(pd.date_range("2020-01-01", periods=days).to_numpy(), n_entities),
            "sigma": 0.01 * np.exp(0.3 * rng.standard_normal(rows)),
        }
    )
    frame["y"] = frame["sigma"] * rng.standard_normal(rows)
    frame["var"], frame["es"] = normal_var_es(0.0, frame["sigma"], 0.05)
    frame.loc[rng.choice(rows, 25, replace=False), "y"] = np.nan
    return frame.sample(frac=1.0, random_state=seed)  # shuffled: the panel sorts it


def test_backtest_panel_sorts_groups_and_matches_an_independent_split():
    frame = panel_frame()
    got = B.backtest_panel(
        frame["y"], frame["var"], frame["es"], 0.05, frame["entity"], frame["time"]
    )
    clean = frame.dropna(subset=["y", "var"]).sort_values(["entity", "time"])
    assert sorted(got["by_entity"]) == sorted(clean["entity"].unique())
    series = [(g["y"] < g["var"]).to_numpy() for _, g in clean.groupby("entity")]
    want = B.christoffersen(series)
    pooled = got["pooled"]
    assert pooled["n"] == len(clean)
    assert pooled["christoffersen_lr"] == pytest.approx(want["lr_ind"], abs=1e-12)
    assert want["n00"] + want["n01"] + want["n10"] + want["n11"] == len(clean) - 4
    assert pooled["traffic_light"]["window"] == "all"
    for name, g in clean.groupby("entity"):
        one = B.backtest(g["y"], g["var"], g["es"], 0.05)
        assert got["by_entity"][name] == one
        assert one["traffic_light"]["window"] == "last 250"
    assert_plain(pooled)
    json.dumps(got)


def test_backtest_panel_rejects_two_rows_for_one_entity_and_time():
    with pytest.raises(DataValidationError, match="more than one row"):
        B.backtest_panel([0.0, 0.1], [-1.0, -1.0], None, 0.05, ["a", "a"], [1, 1])


def test_backtest_panel_leaves_out_an_entity_with_no_observed_row():
    got = B.backtest_panel(
        [0.0, -2.0, np.nan], [-1.0, -1.0, -1.0], None, 0.05, [1, 1, 2], [1, 2, 1]
    )
    assert list(got["by_entity"]) == ["1"]
    assert got["by_entity"]["1"]["breaches"] == 1


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.floats(-5, 5), st.floats(-3, 0), st.floats(0, 3), st.integers(0, 3)),
        min_size=1,
        max_size=60,
    ),
    level=P_VALUES,
)
def test_backtest_p_values_are_probabilities_or_nan(rows, level):
    y, var, depth, group = map(np.array, zip(*rows, strict=True))
    got = B.backtest(y, var, var - depth, level, hit_groups=group)
    for key in ("kupiec_p", "christoffersen_p", "conditional_coverage_p"):
        assert 0.0 <= got[key] <= 1.0
    mf = got["es_mcneil_frey_p"]
    assert math.isnan(mf) or 0.0 < mf <= 1.0
    assert 0.0 <= got["traffic_light"]["cumulative_probability"] <= 1.0


# --------------------------------------------------------------------------- user errors


@pytest.mark.parametrize("level", [0.0, 0.5, -0.01, 0.9, float("nan"), "high"])
def test_a_level_outside_0_to_half_is_a_config_error(level):
    with pytest.raises(ConfigError, match="level"):
        B.kupiec(1, 10, level)
    with pytest.raises(ConfigError, match="level"):
        B.backtest([0.0], [-1.0], None, level)


def test_mismatched_lengths_name_the_columns():
    with pytest.raises(DataValidationError, match=r"lengths differ.*'y': 3.*'var': 2"):
        B.backtest([0.0, 1.0, 2.0], [0.0, 1.0], None, 0.01)
    with pytest.raises(DataValidationError, match="es"):
        B.acerbi_szekely_z2([0.0, 1.0], [0.0, 1.0], [0.0], 0.01)
    with pytest.raises(DataValidationError, match="entities"):
        B.backtest_panel([0.0, 1.0], [0.0, 1.0], None, 0.01, ["a"], [1, 2])


@pytest.mark.parametrize(("x", "n"), [(11, 10), (-1, 10), (0, 0), (1.5, 10)])
def test_impossible_counts_are_data_errors(x, n):
    with pytest.raises(DataValidationError, match="n"):
        B.kupiec(x, n, 0.01)
    with pytest.raises(DataValidationError):
        B.traffic_light(x, n)


def test_other_malformed_inputs_are_user_errors():
    with pytest.raises(DataValidationError, match="list of hit arrays"):
        B.christoffersen(np.array([True, False]))
    with pytest.raises(DataValidationError, match="shape"):
        B.pinball_loss(np.zeros((2, 2)), np.zeros((2, 2)), 0.01)
    with pytest.raises(DataValidationError, match="not numbers"):
        B.hits(["a", "b"], [0.0, 0.0])
    with pytest.raises(ConfigError, match="n_boot"):
        B.mcneil_frey([0.0], [0.0], [0.0], n_boot=0)
