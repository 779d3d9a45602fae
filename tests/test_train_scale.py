"""The training job at scale (issue 18): the sentiment join against a brute-force reference,
and the seeded sample of training scores that a large classification run stores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from riskcore import train as T
from riskcore.config import parse_config
from riskcore.dataset import SPLITS, prepare
from riskcore.joins import join_sentiment
from tests.panels import config_dict, random_panel


def _brute_sentiment(times, entities, news, lag: int, window: int) -> pd.DataFrame:
    """Row by row: mean of the per-(entity, day) sums over days (t - lag - window, t - lag]."""
    daily = news.assign(day=news["date"].dt.normalize()).groupby(["ent", "day"])["s"]
    sums, counts = daily.sum(), daily.count()
    out = []
    for t, e in zip(pd.DatetimeIndex(times), entities, strict=True):
        hi = t.normalize() - pd.Timedelta(days=lag)
        lo = hi - pd.Timedelta(days=window)
        if e in sums.index.get_level_values(0):
            s, n = sums.loc[e], counts.loc[e]
            keep = (s.index > lo) & (s.index <= hi)
            total, k = float(s[keep].sum()), int(n[keep].sum())
        else:
            total, k = 0.0, 0
        out.append((total / k if k else np.nan, float(k == 0)))
    return pd.DataFrame(out, columns=["s", "no_news"])


@pytest.mark.parametrize("lag,window", [(0, 5), (2, 1), (1, 30)])
def test_sentiment_join_matches_row_by_row_means_across_many_entities(lag, window) -> None:
    rng = np.random.default_rng(lag + window)
    days = pd.bdate_range("2021-01-04", periods=40)
    entities = np.array([f"E{i}" for i in range(60)] + ["NO_NEWS"])
    grid = pd.MultiIndex.from_product([entities, days], names=["ent", "date"]).to_frame(False)
    grid = grid.sample(frac=1.0, random_state=1).reset_index(drop=True)  # rows in any order
    n = 900
    news = pd.DataFrame(
        {  # news for entities absent from the rows too, and at any hour of a day
            "date": days[0]
            - pd.Timedelta(days=10)
            + pd.to_timedelta(rng.integers(0, 60 * 24, n), unit="h"),
            "ent": rng.choice([f"E{i}" for i in range(70)], n),
            "s": rng.normal(size=n),
        }
    )
    times = grid["date"].to_numpy("datetime64[ns]")
    got = join_sentiment(times, grid["ent"].to_numpy(), news, "date", "ent", ["s"], lag, window)
    want = _brute_sentiment(times, grid["ent"], news, lag, window)
    pd.testing.assert_frame_equal(got, want, rtol=1e-12, atol=1e-12)
    assert got.loc[grid["ent"].eq("NO_NEWS").to_numpy(), "no_news"].eq(1.0).all()


def test_market_wide_sentiment_applies_to_every_entity() -> None:
    days = pd.bdate_range("2021-01-04", periods=10)
    times = np.tile(days.to_numpy("datetime64[ns]"), 3)
    entities = np.repeat(np.array(["A", "B", "C"]), 10)
    news = pd.DataFrame({"date": days, "s": np.arange(10.0)})
    got = join_sentiment(times, entities, news, "date", None, ["s"], 0, 1)
    np.testing.assert_array_equal(got["s"].to_numpy(), np.tile(np.arange(10.0), 3))


@pytest.fixture(scope="module")
def ds():
    primary, macro, news = random_panel(3, 6, 120, 160)
    raw = config_dict(10, 2, {"kind": "column", "column": "event"})
    raw["task"] = "classification"
    config = parse_config(raw)
    return prepare(config, primary, macro, news)


def test_small_training_splits_are_scored_whole(ds) -> None:
    n = len(ds.splits["train"])
    assert n <= T.TRAIN_SCORED
    assert T.scored_positions(ds.config, "train", n) is None


def test_a_large_training_split_scores_a_seeded_sample_holding_the_reference(monkeypatch, ds):
    monkeypatch.setattr(T, "TRAIN_SCORED", 200)
    config = ds.config
    n = len(ds.splits["train"])
    pos = T.scored_positions(config, "train", n)
    assert len(pos) == 200 == len(np.unique(pos)) and np.all(np.diff(pos) > 0)
    np.testing.assert_array_equal(pos, T.scored_positions(config, "train", n))  # seeded
    for name in ("validation", "test"):
        assert T.scored_positions(config, name, 10**7) is None
    regression = config.model_copy(update={"task": "regression"})
    assert T.scored_positions(regression, "train", n) is None  # band cuts read all of them
    # the drift reference is the same with scores of every training sample or of the sample
    full = np.random.default_rng(0).random(n).astype(np.float32)
    whole = T.reference_sample(ds, full, config.training.seed, size=150)
    sampled = T.reference_sample(ds, full[pos], config.training.seed, size=150)
    pd.testing.assert_frame_equal(whole, sampled)
    with pytest.raises(ValueError, match="outside the scored"):
        T.reference_sample(ds, full[pos], config.training.seed + 1, size=150)


def test_predictions_hold_the_scored_training_sample_and_every_other_sample(monkeypatch, ds):
    monkeypatch.setattr(T, "TRAIN_SCORED", 200)
    split = ds.splits
    scores = {}
    for name in SPLITS:
        pos = T.scored_positions(ds.config, name, len(split[name]))
        ends = split[name] if pos is None else split[name][pos]
        raw = ends.astype(float)  # a score that names its row
        scores[name] = {"model": (raw, raw / 10)}
    p = T._predictions(ds, split, scores, "classification")
    by = p.groupby("split")["row"].agg(list)
    assert len(by["train"]) == 200
    assert set(by["train"]) <= set(split["train"])
    for name in ("validation", "test"):
        assert sorted(by[name]) == sorted(split[name])
    np.testing.assert_array_equal(p["score_raw"], p["row"])


def test_a_small_run_stores_every_training_score_and_says_so(tiny_run) -> None:
    from riskcore.scoring import training_scored

    scored, total = training_scored(tiny_run)
    assert scored == total == tiny_run.metrics.rows["train"] > 0
    train = tiny_run.predictions[tiny_run.predictions["split"] == "train"]
    assert train["score"].notna().all()


def test_explain_refits_the_comparators_on_every_training_row_when_only_a_sample_was_scored(
    monkeypatch, tiny_run
) -> None:
    from riskcore import explain as E
    from riskcore import scoring

    inputs = E.RunInputs.of(tiny_run)
    whole_x, whole_y = E._training_table(tiny_run, inputs)  # from predictions.csv
    # a run that stored a sample of its training scores: the split is rebuilt instead
    monkeypatch.setattr(scoring, "training_scored", lambda run: (10, len(whole_y)))
    rebuilt_x, rebuilt_y = E._training_table(tiny_run, inputs)
    rows = tiny_run.predictions.query("split == 'train'")["row"].to_numpy()
    order = np.argsort(rows)
    assert rebuilt_x.shape == whole_x.shape
    np.testing.assert_allclose(rebuilt_x, whole_x[order], rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(rebuilt_y, whole_y[order])
