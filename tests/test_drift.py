"""PSI drift: the binning mechanism, and no false alarm on a run's own training data."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcore import drift as D
from riskcore.cli import main
from riskcore.config import parse_config
from riskcore.io import read_table
from riskcore.scoring import score
from riskcore.store import RunStore
from riskcore.train import feature_frame, train_run

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


def _monthly_on_daily(seed: int = 0, months: int = 60, days: int = 250) -> np.ndarray:
    """A macro indicator forward-filled onto daily rows: each value repeats `days` times, so
    quantile edges of the training data fall exactly on repeated values."""
    steps = np.random.default_rng(seed).normal(0.0, 0.3, months).cumsum() + 2.0
    return np.repeat(steps, days).astype(np.float32).astype(float)


def _via_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as the run's files hold it: pandas' CSV text, read back."""
    return pd.read_csv(io.StringIO(frame.to_csv(index=False)))


# --------------------------------------------------------------------------- mechanism


def test_rounding_makes_csv_and_float32_values_equal() -> None:
    fresh = np.random.default_rng(1).normal(size=2000).astype(np.float32)
    stored = _via_csv(pd.DataFrame({"f": fresh}))["f"].to_numpy()
    assert not np.array_equal(stored, fresh.astype(float))  # text changed the floats
    assert np.array_equal(D.rounded(stored), D.rounded(fresh.astype(float)))
    special = np.array([0.0, np.nan, np.inf, -np.inf, 1e-310, -123456789.0])
    got = D.rounded(special)
    assert got[0] == 0.0 and np.isnan(got[1]) and got[2] == np.inf and got[3] == -np.inf
    assert got[4] == 0.0 and got[5] == -123457000.0  # tiny values round to 0, no overflow
    assert D.rounded(np.array([0.12254902]))[0] == 0.122549


def test_repeated_values_perturbed_by_float_noise_keep_their_bins() -> None:
    """Monthly values repeated 250 times, moved by 1e-8 relative: it once read PSI 5."""
    x = _monthly_on_daily()
    rng = np.random.default_rng(2)
    nudged = x * (1.0 + 1e-8 * rng.choice([-1.0, 1.0], x.size))
    e_codes, a_codes, _ = D._drift_bins(x, nudged, 10)
    assert np.array_equal(e_codes, a_codes)  # no row changed bin
    assert D.psi(x, nudged) < 0.01
    assert D.psi(x, x * (1.0 + 1e-8)) < 0.01 and D.psi(x, x * (1.0 - 1e-8)) < 0.01
    sample = rng.permutation(x.size)[:5000]  # the reference is a sample of training rows
    assert D.psi(x[sample], nudged) < 0.01


def test_a_repeated_value_lies_wholly_on_one_side_of_an_edge() -> None:
    x = _monthly_on_daily(seed=3)
    codes, _, _ = D._drift_bins(x, x, 10)
    per_value = pd.Series(codes).groupby(x).nunique()
    assert (per_value == 1).all()


def test_float32_values_read_back_from_csv_do_not_drift() -> None:
    rng = np.random.default_rng(4)
    n = 15000
    fresh = pd.DataFrame(
        {
            "macro": _monthly_on_daily(seed=5, months=60, days=n // 60),
            "returns": rng.normal(0.0, 0.02, n),
            "flag": (rng.random(n) < 0.02) / 0.125 - 0.0153,
            "sentiment": np.round(rng.uniform(-1, 1, n), 2),
        }
    ).astype(np.float32)
    stored = _via_csv(fresh)
    table = D.feature_psi(stored, fresh)
    assert table["feature"].tolist() == list(fresh.columns)
    assert (table["psi"] < 0.01).all(), table
    assert (D.feature_psi(fresh, stored)["psi"] < 0.01).all()


def test_a_shifted_copy_reads_major_shift() -> None:
    rng = np.random.default_rng(6)
    for x in (_monthly_on_daily(seed=7), rng.normal(size=5000)):
        assert D.psi_reading(D.psi(x, x * 1.5 + 0.5)) == "major shift"


def test_missing_values_have_a_bin_of_their_own() -> None:
    x = np.random.default_rng(8).normal(size=1000)
    holes = x.copy()
    holes[::5] = np.nan
    assert D.psi(x, holes) > 0.25  # 20% missing where training had none
    assert D.psi(holes, holes[::-1]) == pytest.approx(0.0, abs=1e-12)  # same missingness
    assert D.psi(holes, np.full(10, np.nan)) > 1  # all missing
    # by hand: ten bins of 9% and 10% missing -> ten bins of 8% and 20% missing
    e = np.r_[np.arange(90.0), [np.nan] * 10]
    a = np.r_[np.arange(0.0, 90.0, 9.0).repeat(8), [np.nan] * 20]  # one value per bin
    pe, pa = np.r_[[0.09] * 10, 0.1], np.r_[[0.08] * 10, 0.2]
    want = float(np.sum((pa - pe) * np.log(pa / pe)))
    assert D.psi(e, a, bins=10) == pytest.approx(want)


def test_few_distinct_values_are_categories_and_unseen_ones_share_a_bin() -> None:
    train = [0.0, 1.0, 2.0] * 100
    # categories 1/3 each -> 1/4 each plus 1/4 on values never seen (2.5 and 7: one bin)
    want = 3 * (0.25 - 1 / 3) * math.log(0.25 / (1 / 3)) + (0.25 - D.PSI_EPS) * math.log(
        0.25 / D.PSI_EPS
    )
    assert D.psi(train, [0.0, 1.0, 2.0, 2.5, 0.0, 1.0, 2.0, 7.0]) == pytest.approx(want)
    # a category is matched at the shared precision: 2.000001 is 2, 2.01 is a new value
    assert D.psi(train, [0.0, 1.0, 2.000001] * 10) < 1e-9
    assert D.psi(train, [0.0, 1.0, 2.01] * 10) > 1


# --------------------------------------------------------------------------- moved from metrics


def test_psi_of_identical_samples_is_zero() -> None:
    x = np.random.default_rng(2).normal(size=1000)
    assert D.psi(x, x) == pytest.approx(0.0, abs=1e-12)
    assert D.psi(x, x.copy()[::-1]) == pytest.approx(0.0, abs=1e-12)


def test_psi_two_bins_by_hand() -> None:
    # categories 0/1: shares 0.5/0.5 -> 0.8/0.2
    want = 0.3 * math.log(0.8 / 0.5) + (-0.3) * math.log(0.2 / 0.5)
    assert D.psi([0] * 50 + [1] * 50, [0] * 80 + [1] * 20) == pytest.approx(want)
    # continuous, two quantile bins split at the median 50.5: shares 0.5/0.5 -> 0.75/0.25
    want = 0.25 * math.log(0.75 / 0.5) + (-0.25) * math.log(0.25 / 0.5)
    got = D.psi(np.arange(1.0, 101.0), [10.0] * 75 + [90.0] * 25, bins=2)
    assert got == pytest.approx(want)


def test_psi_of_a_flag_read_back_from_csv_matches_fresh_float32_values() -> None:
    """The run's reference sample is stored as CSV; fresh data arrive as float32. A scaled 0/1
    flag must land in the same categories (it once read as PSI 18 on the training data)."""
    rng = np.random.default_rng(0)
    flag = ((rng.random(5000) < 0.02).astype(np.float32) - np.float32(0.0153)) / np.float32(0.125)
    stored = _via_csv(pd.DataFrame({"f": flag}))["f"]
    assert not np.array_equal(stored.to_numpy(), flag.astype(float))  # text changed the floats
    assert D.psi(stored, flag) < 1e-9
    assert D.psi(stored, np.r_[flag, flag + 1.0]) > 1  # a value never seen is still drift


def test_psi_sees_unseen_categories_missing_values_and_empty_bins() -> None:
    train = [0, 1] * 50
    assert D.psi(train, [0, 1] * 45 + [2] * 10) > 0.1  # a value never seen in training
    assert D.psi(train, [0, 1] * 45 + [np.nan] * 10) > 0.1  # missingness rose
    assert math.isfinite(D.psi(train, [0] * 100))  # an empty bin costs eps, not infinity
    assert D.psi(np.arange(100.0), np.arange(1000.0, 1100.0)) > 0.25
    with pytest.raises(ValueError):
        D.psi([], [1.0])


@pytest.mark.parametrize(
    ("value", "reading"),
    [(0.0, "stable"), (0.099, "stable"), (0.1, "moderate shift"), (0.25, "major shift")],
)
def test_psi_reading(value: float, reading: str) -> None:
    assert D.psi_reading(value) == reading


def test_feature_psi_covers_shared_numeric_columns_only() -> None:
    rng = np.random.default_rng(4)
    train = pd.DataFrame(
        {"a": rng.normal(size=500), "b": rng.normal(size=500), "name": ["x"] * 500, "only": 1.0}
    )
    new = pd.DataFrame({"b": rng.normal(3.0, 1.0, 300), "a": rng.normal(size=300), "name": "y"})
    table = D.feature_psi(train, new)
    assert table["feature"].tolist() == ["a", "b"]
    assert table.loc[0, "reading"] == "stable"
    assert table.loc[1, "reading"] == "major shift"
    gone = D.feature_psi(train, new.assign(a=None))  # a column that arrives empty is drift
    assert gone.loc[0, "reading"] == "major shift"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=80),
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=80),
    st.integers(1, 12),
)
def test_psi_is_non_negative(expected, actual, bins) -> None:
    assert D.psi(expected, actual, bins) >= 0.0


# --------------------------------------------------------------------------- sample runs

# sample -> config, primary, macro, sentiment, an input to shift
SAMPLES = {
    "market": (
        "market_config.json",
        "market_prices.csv",
        "market_macro.csv",
        "market_sentiment.csv",
        "credit_spread",
    ),
    "credit": (
        "credit_config.json",
        "credit_payments.csv",
        "credit_macro.csv",
        None,
        "unemployment",
    ),
    "credit_wide": ("credit_wide_config.json", "credit_wide.csv", None, None, "LIMIT_BAL"),
}
CREDIT_BORROWERS = 600  # of 3,000: the baselines on all of them take most of a minute
TINY_MODEL = {"units": [8], "dense_units": 4, "tower_units": 4, "dropout": 0.0}


def _frames(sample: str) -> list[pd.DataFrame | None]:
    frames = [read_table(SAMPLE / f)[0] if f else None for f in SAMPLES[sample][1:4]]
    if sample == "credit":
        ids = frames[0]["borrower_id"]
        frames[0] = frames[0][ids.isin(ids.unique()[:: 3000 // CREDIT_BORROWERS])]
    return frames


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def trained(home):
    """sample -> (run, frames): a tiny run on one sample dataset with its own config (smaller
    model and window, one epoch), trained once per module."""
    cache: dict[str, tuple] = {}

    def get(sample: str):
        if sample not in cache:
            raw = json.loads((SAMPLE / SAMPLES[sample][0]).read_text())
            if "window" in raw:
                raw["window"] = min(raw["window"], 10)
            raw["model"] = {**raw["model"], **TINY_MODEL}
            raw["training"] = {**raw["training"], "epochs": 1, "batch_size": 512, "patience": 0}
            store, frames = RunStore(home), _frames(sample)
            cache[sample] = store.load(train_run(parse_config(raw), *frames, store=store)), frames
        return cache[sample]

    return get


@pytest.fixture(params=sorted(SAMPLES))
def sample_run(request, trained):
    return request.param, *trained(request.param)


def _training_rows(run, frames) -> pd.DataFrame:
    """The training file scored with the run, kept to the training samples: their feature frame
    (with the score) read back through the run's saved files."""
    scored = score(run, *frames)
    saved = run.predictions
    train = saved[saved["split"] == "train"].set_index("row")["score"]
    keep = np.isin(scored.ends, train.index.to_numpy())
    assert keep.sum() == len(train)
    fresh = scored.predictions["score"].to_numpy()[keep]
    np.testing.assert_allclose(fresh, train.loc[scored.ends[keep]].to_numpy(), atol=1e-5)
    return feature_frame(scored.panel, scored.ends[keep]).assign(score=fresh)


@pytest.mark.slow
def test_training_rows_read_back_through_the_run_files_do_not_drift(sample_run) -> None:
    """Issue 11.5: for every sample dataset and every input, PSI(training rows, training rows
    read back through the run's files) < 0.01."""
    sample, run, frames = sample_run
    reference = pd.read_csv(run.path / "reference.csv")
    table = D.feature_psi(reference, _training_rows(run, frames))
    assert set(table["feature"]) == set(reference.columns)
    assert (table["psi"] < 0.01).all(), f"{sample}:\n{table}"


@pytest.mark.slow
def test_scoring_the_training_period_reports_no_drift(sample_run) -> None:
    """What `score` and `watch` print for a re-delivery of the training period."""
    sample, run, frames = sample_run
    primary = frames[0]
    time = run.config.data.time
    if time is not None:  # panel data: the file up to the last training sample's date
        to = pd.Timestamp(run.meta["summary"]["train"]["to"])
        primary = primary[pd.to_datetime(primary[time]) <= to]
    else:  # cross-sectional: the training rows of the file
        saved = run.predictions
        primary = primary.iloc[saved.loc[saved["split"] == "train", "row"].to_numpy()]
    drift = score(run, primary, *frames[1:]).drift
    assert set(drift["feature"]) == set(pd.read_csv(run.path / "reference.csv").columns)
    assert (drift["psi"] < 0.01).all(), f"{sample}:\n{drift}"


@pytest.mark.slow
def test_a_shifted_input_still_reads_major_shift(sample_run) -> None:
    sample, run, frames = sample_run
    column = SAMPLES[sample][4]
    shifted = [f.copy() if f is not None else None for f in frames]
    holder = next(f for f in shifted if f is not None and column in f)
    holder[column] = holder[column] * 1.5 + 0.5
    drift = score(run, shifted[0], *shifted[1:]).drift.set_index("feature")
    assert drift.loc[column, "reading"] == "major shift", drift


@pytest.mark.slow
def test_watch_raises_no_alert_for_the_training_period(
    home, trained, tmp_path, monkeypatch, capsys
) -> None:
    """`watch` on the sample market's training period: no drift alert (policy_rate once read
    PSI 5.2 here); the same file against a shifted credit_spread still alerts."""
    run, frames = trained("market")
    to = pd.Timestamp(run.meta["summary"]["train"]["to"])
    prices = frames[0]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    prices[pd.to_datetime(prices["date"]) <= to].to_csv(inbox / "train.csv", index=False)
    shifted = frames[1].assign(credit_spread=frames[1]["credit_spread"] * 1.5 + 0.5)
    shifted.to_csv(tmp_path / "shifted_macro.csv", index=False)
    monkeypatch.setenv("RISKCORE_HOME", str(home))

    def watch(macro: Path, out: str) -> tuple[str, list[dict]]:
        args = ["watch", str(inbox), "--run", run.run_id, "--macro", str(macro)]
        args += ["--sentiment", str(SAMPLE / "market_sentiment.csv"), "--out", str(tmp_path / out)]
        assert main([*args, "--once", "--threshold", "2"]) == 0  # no entity crosses 2
        log = (tmp_path / out / "watch-log.jsonl").read_text().splitlines()
        return capsys.readouterr().err, [json.loads(line) for line in log]

    err, log = watch(SAMPLE / "market_macro.csv", "plain")
    assert "alert" not in err and len(log) == 1 and not log[0]["error"]
    assert log[0]["drifted"] == {} and max(log[0]["psi"].values()) < 0.01, log[0]["psi"]
    err, log = watch(tmp_path / "shifted_macro.csv", "shifted")
    assert "alert: train.csv: drift at or above" in err and "credit_spread" in err
    assert set(log[0]["drifted"]) >= {"credit_spread"}
