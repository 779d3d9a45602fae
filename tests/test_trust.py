"""The numbers an analyst must be able to trust: target leakage refused or flagged, intervals that
respect overlapping labels, a paired verdict, a one-number benchmark, calibrated probabilities."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from riskcore import bootstrap as B
from riskcore.baselines import candidates, fit_benchmark, leak_suspects
from riskcore.calibration import (
    Calibrator,
    calibration_fit,
    expected_calibration_error,
    fit_calibrator,
)
from riskcore.config import parse_config
from riskcore.errors import ConfigError
from riskcore.findings import verdict_sentence, warning_sentences
from riskcore.metrics import event_rate_shift
from riskcore.report import text
from riskcore.store import RunStore
from riskcore.train import train_run
from riskcore.verdict import decide
from tests.panels import config_dict, planted_panel

TINY = {
    "model": {"units": [8], "dense_units": 4, "tower_units": 4},
    "training": {"epochs": 2, "batch_size": 64, "patience": 0},
}


# ---- 1. leakage -----------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["static_features", "sequence_features", "macro_features"])
def test_the_target_column_is_refused_as_an_input(role: str) -> None:
    raw = config_dict(10, 5, target={"kind": "column", "column": "event"})
    raw["data"]["sequence_features"] = ["f1"]
    raw["data"]["macro_features"] = []
    raw["data"][role] = [*raw["data"].get(role, []), "event"]
    with pytest.raises(ConfigError, match=r"'event' is the target and cannot also be an input"):
        parse_config(raw)


def test_a_feature_derived_from_the_target_column_is_refused() -> None:
    raw = config_dict(10, 5, target={"kind": "column", "column": "event"})
    raw["data"]["derived"] = [{"name": "event_chg", "kind": "diff", "column": "event"}]
    with pytest.raises(ConfigError, match="derived feature 'event_chg'"):
        parse_config(raw)


def test_a_price_target_may_still_use_the_price_history() -> None:
    raw = config_dict(10, 5, target={"kind": "drawdown", "column": "close", "threshold": 0.05})
    raw["data"]["sequence_features"] = ["close", "f1"]
    assert parse_config(raw).data.sequence_features == ["close", "f1"]


def test_an_input_that_alone_separates_the_labels_is_named() -> None:
    rng = np.random.default_rng(0)
    y = (rng.random(500) < 0.3).astype(float)
    x = np.c_[rng.normal(size=500), -y + rng.normal(0, 0.01, 500), rng.normal(size=500)]
    names = ["a_last", "copy", "b"]
    found = leak_suspects(x, y, names, sequence=[])
    assert [f["feature"] for f in found] == ["copy"]  # either sign counts
    assert found[0]["auc"] >= 0.98


@pytest.mark.parametrize(
    ("train", "test", "flag"),
    [(0.27, 0.15, True), (0.10, 0.11, False), (0.01, 0.014, False), (0.0, 0.05, True)],
)
def test_event_rate_shift(train: float, test: float, flag: bool) -> None:
    assert event_rate_shift(train, test) is flag


# ---- 2. intervals and the verdict -----------------------------------------------------------
def _overlapping_panel(dates: int = 400, entities: int = 5, horizon: int = 20, seed: int = 1):
    """Labels that persist over `horizon` dates, and a score that tracks them: neighbouring
    samples are nearly copies, as with a drawdown-within-h target."""
    rng = np.random.default_rng(seed)
    regime = np.repeat(rng.random(dates // horizon + 1) < 0.3, horizon)[:dates].astype(float)
    rows = []
    for e in range(entities):
        noise = np.repeat(rng.normal(0, 1, dates // horizon + 1), horizon)[:dates]
        score = 1 / (1 + np.exp(-(regime * 1.2 + noise)))
        rows.append(pd.DataFrame({"date": np.arange(dates), "e": e, "y": regime, "s": score}))
    return pd.concat(rows, ignore_index=True)


def test_block_bootstrap_moves_whole_dates_and_keeps_the_number_of_dates() -> None:
    times = np.repeat(np.arange(50), 3)
    r = B.Resampling.by_date(times, horizon=5, n_boot=7, seed=3)
    assert r.block == 5
    (counts,) = list(r.counts(times.size))
    assert counts.shape == (7, 150)
    per_date = counts.reshape(7, 50, 3)
    assert (per_date == per_date[:, :, :1]).all()  # every entity of a date together
    assert (per_date[:, :, 0].sum(axis=1) == 50).all()  # as many dates as the split has


def test_block_intervals_are_wider_than_row_intervals_when_labels_overlap() -> None:
    p = _overlapping_panel()
    row = B.bootstrap_intervals(p["y"], p["s"], "classification", n_boot=200, seed=0)
    block = B.bootstrap_intervals(
        p["y"],
        p["s"],
        "classification",
        resampling=B.Resampling.by_date(p["date"], horizon=20, n_boot=200, seed=0),
    )
    width = {k: v["roc_auc"][1] - v["roc_auc"][0] for k, v in (("row", row), ("block", block))}
    assert width["block"] > 2 * width["row"]


def test_identical_models_have_a_zero_paired_difference() -> None:
    p = _overlapping_panel()
    out = B.evaluate_models(
        p["y"], {"model": p["s"], "twin": p["s"]}, "classification", B.Resampling(), "model"
    )
    assert out["paired"]["twin"]["roc_auc_ci"] == [0.0, 0.0]


def test_the_verdict_rests_on_the_paired_interval_not_on_overlap() -> None:
    """A small but consistent improvement: the two intervals overlap widely, yet every resample
    favours the model, so it beats the comparator; the row-overlap rule would say 'not clear'."""
    rng = np.random.default_rng(4)
    n = 600
    y = (rng.random(n) < 0.3).astype(float)
    base = y * 0.8 + rng.normal(0, 1, n)
    better = base + y * 0.1
    scores = {"model": 1 / (1 + np.exp(-better)), "logistic": 1 / (1 + np.exp(-base))}
    test = B.evaluate_models(y, scores, "classification", B.Resampling(seed=1), "model")
    metrics = {"task": "classification", "paired": test.pop("paired"), "test": test}
    lo_model, _ = test["model"]["roc_auc_ci"]
    assert lo_model < test["logistic"]["roc_auc"]  # separate intervals do not clear
    v = decide(metrics)
    assert v.outcome == "better" and v.comparator == "logistic" and v.colour == "green"
    assert v.advantage_ci[0] > 0
    assert "paired 95% interval" in verdict_sentence(v, test, text)


def test_the_verdict_picks_the_strongest_comparator_and_never_contradicts_its_colour() -> None:
    test = {
        "model": {"roc_auc": 0.80},
        "logistic": {"roc_auc": 0.70},
        "gbm": {"roc_auc": 0.79},
        "benchmark": {"roc_auc": 0.81, "feature": "ret_1d_std", "input": "ret_1d", "stat": "std"},
    }
    paired = {"benchmark": {"roc_auc": -0.01, "roc_auc_ci": [-0.05, 0.03]}}
    metrics = {"task": "classification", "test": test, "paired": paired}
    v = decide(metrics)
    assert (v.outcome, v.comparator, v.colour) == ("worse", "benchmark", "red")
    assert "trailing volatility of ret_1d" in verdict_sentence(v, test, text)
    test["model"]["roc_auc"] = 0.82
    paired["benchmark"] = {"roc_auc": 0.01, "roc_auc_ci": [-0.02, 0.04]}
    assert (decide(metrics).outcome, decide(metrics).colour) == ("within", "gray")


def test_a_one_class_test_split_has_no_verdict() -> None:
    y, s = np.zeros(100), np.linspace(0.1, 0.9, 100)
    test = B.evaluate_models(
        y, {"model": s, "gbm": s[::-1]}, "classification", B.Resampling(), "model"
    )
    paired = test.pop("paired")
    assert decide({"task": "classification", "test": test, "paired": paired}).outcome == "undefined"


def test_regression_verdict_prefers_the_lower_error() -> None:
    metrics = {
        "task": "regression",
        "test": {"model": {"rmse": 1.0}, "gbm": {"rmse": 1.2}},
        "paired": {"gbm": {"rmse": -0.2, "rmse_ci": [-0.3, -0.1]}},
    }
    v = decide(metrics)
    assert v.outcome == "better" and v.advantage == pytest.approx(0.2)


# ---- 3. the one-number benchmark ------------------------------------------------------------
def test_the_benchmark_is_chosen_on_validation_never_on_test() -> None:
    rng = np.random.default_rng(5)
    names = ["ret_last", "ret_mean", "ret_std", "ret_min", "ret_max", "vix"]
    x, y = {}, {}
    for split, n in (("train", 800), ("validation", 400), ("test", 400)):
        yy = (rng.random(n) < 0.3).astype(float)
        xx = rng.normal(size=(n, len(names)))
        xx[:, 2] -= 1.5 * yy  # low trailing volatility marks the event (a negative sign)
        if split == "test":
            xx[:, 5] += 5 * yy  # on test only, vix would be perfect: it must not be chosen
        x[split], y[split] = xx, yy
    b = fit_benchmark("classification", x, y, names, sequence=["ret"])
    assert b.describe()["feature"] == "ret_std" and b.describe()["sign"] == -1
    p = b.predict(x["test"], "classification")
    assert roc_auc_score(y["test"], p) == pytest.approx(roc_auc_score(y["test"], -x["test"][:, 2]))
    assert ((p > 0) & (p < 1)).all()


def test_benchmark_candidates_are_value_mean_and_std_of_sequences_and_each_other_input() -> None:
    names = ["r_last", "r_mean", "r_std", "r_min", "r_max", "vix", "sector_bank"]
    got = [(c.name, c.stat) for c in candidates(names, ["r"])]
    assert got == [
        ("r_last", "last"),
        ("r_mean", "mean"),
        ("r_std", "std"),
        ("vix", None),
        ("sector_bank", None),
    ]


# ---- 4. calibration -------------------------------------------------------------------------
def _overconfident(n: int, seed: int):
    """True probabilities p; raw scores pushed up and sharpened as class weights do."""
    rng = np.random.default_rng(seed)
    z = rng.normal(-1.5, 1.0, n)
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float)
    raw = 1 / (1 + np.exp(-(2.0 * z + 2.0)))
    return y, raw


@pytest.mark.parametrize("method", ["platt", "isotonic"])
def test_calibration_fitted_on_validation_makes_a_score_mean_its_event_rate(method: str) -> None:
    y_val, raw_val = _overconfident(8000, 1)
    y_test, raw_test = _overconfident(8000, 2)
    cal = fit_calibrator(y_val, raw_val, method)
    prob = cal.apply(raw_test)
    assert expected_calibration_error(y_test, raw_test) > 0.1
    assert expected_calibration_error(y_test, prob) < 0.03
    high = prob >= 0.5
    assert abs(y_test[high].mean() - prob[high].mean()) < 0.07  # a 0.6 means about 60%
    again = Calibrator.from_dict(cal.to_dict())
    np.testing.assert_allclose(again.apply(raw_test), prob)
    if method == "platt":  # monotone: the ranking is the raw score's
        assert roc_auc_score(y_test, prob) == pytest.approx(roc_auc_score(y_test, raw_test))


def test_calibration_slope_and_intercept_read_one_and_zero_on_calibrated_scores() -> None:
    rng = np.random.default_rng(3)
    p = rng.uniform(0.02, 0.9, 20000)
    y = (rng.random(p.size) < p).astype(float)
    fit = calibration_fit(y, p)
    assert fit["calibration_slope"] == pytest.approx(1.0, abs=0.08)
    assert fit["calibration_intercept"] == pytest.approx(0.0, abs=0.08)


def test_one_class_validation_leaves_scores_as_they_are() -> None:
    cal = fit_calibrator(np.zeros(10), np.linspace(0, 1, 10))
    assert cal.method == "identity"
    np.testing.assert_array_equal(cal.apply([0.2, 0.7]), [0.2, 0.7])


def test_ranking_metrics_ignore_calibration_and_brier_uses_it() -> None:
    y, raw = _overconfident(3000, 7)
    prob = fit_calibrator(y, raw).apply(raw)
    out = B.evaluate_models(y, {"model": (raw, prob)}, "classification", B.Resampling(n_boot=20))
    m = out["model"]
    assert m["roc_auc"] == pytest.approx(roc_auc_score(y, raw))
    assert m["brier"] < m["brier_raw"] and m["ece"] < m["ece_raw"]
    assert np.mean((prob - y) ** 2) == pytest.approx(m["brier"])


# ---- end to end: a run carries all of it --------------------------------------------------
@pytest.fixture(scope="module")
def leaky_run(tmp_path_factory):
    primary, macro, news = planted_panel()
    primary = primary.assign(leak=primary["event"] * 2.0 - 1.0)  # the answer under another name
    raw = config_dict(
        10, 5, target={"kind": "column", "column": "event"}, sequence_features=["f1", "f2"]
    )
    raw["data"]["static_features"] = ["leak"]
    raw["data"]["macro_features"] = ["m1"]
    raw.update(TINY)
    store = RunStore(tmp_path_factory.mktemp("home"))
    return store.load(train_run(parse_config(raw), primary, macro, news, store=store))


def test_a_run_stores_calibrated_and_raw_scores_benchmark_paired_interval_and_warnings(
    leaky_run,
) -> None:
    m, p = leaky_run.metrics, leaky_run.predictions
    assert {"score", "score_raw", "score_logistic_raw", "score_gbm_raw", "score_benchmark"} <= set(
        p.columns
    )
    val = p[p["split"] == "validation"]
    cal = leaky_run.calibrator()
    np.testing.assert_allclose(cal.apply(val["score_raw"]), val["score"], atol=1e-6)
    assert cal.method == "platt"
    assert m["test"]["benchmark"]["feature"] == "leak"
    assert set(m["paired"]) == {"logistic", "gbm", "benchmark"}
    assert m["intervals"]["method"] == "block" and m["intervals"]["block_dates"] >= 5
    kinds = {(w["kind"], w.get("feature", w.get("model"))) for w in m["warnings"]}
    assert ("leak_input", "leak") in kinds
    assert any(kind == "too_good_model" for kind, _ in kinds)
    sentences = warning_sentences(m["warnings"], m["test"], text)
    assert any("leak" in s and "Too good to be true" in s for s in sentences)
    for name in ("model", "logistic", "gbm"):
        assert math.isfinite(m["test"][name]["ece"])


def test_train_on_the_command_line_prints_the_leak_warning_and_the_verdict(
    tmp_path, monkeypatch, capsys
) -> None:
    from riskcore.cli import main

    primary, macro, _ = planted_panel(entities=4, days=200)
    primary.assign(leak=primary["event"]).to_csv(tmp_path / "panel.csv", index=False)
    macro.to_csv(tmp_path / "macro.csv", index=False)
    raw = config_dict(10, 5, target={"kind": "column", "column": "event"})
    raw["data"].update(sequence_features=["f1"], static_features=["leak"], sentiment_features=[])
    raw.update(TINY)
    (tmp_path / "config.json").write_text(json.dumps(raw))
    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    args = ["train", str(tmp_path / "config.json"), "--data", str(tmp_path / "panel.csv")]
    assert main([*args, "--macro", str(tmp_path / "macro.csv")]) == 0
    out = capsys.readouterr()
    said = " ".join((out.out + out.err).split())
    assert "warning: Too good to be true: leak alone separates the training labels" in said
    assert "paired 95% interval" in said
    assert out.out.strip().splitlines()[-1].endswith(tuple("0123456789abcdef"))  # run folder last


def test_a_score_that_ranks_the_wrong_way_on_validation_is_shifted_not_flipped() -> None:
    # a model whose validation ranking is inverted: Platt would learn a negative slope and turn
    # an AUC of 0.27 into 0.73 on the shown scores while the metrics (raw) still said 0.27
    y, raw = _overconfident(4000, 11)
    inverted = 1 - raw
    cal = fit_calibrator(y, inverted)
    prob = cal.apply(inverted)
    assert cal.params["slope"] == 1.0
    assert roc_auc_score(y, prob) == pytest.approx(roc_auc_score(y, inverted))  # same ranking
    assert roc_auc_score(y, prob) < 0.5
    assert prob.mean() == pytest.approx(y.mean(), abs=1e-6)  # its level is the event rate
