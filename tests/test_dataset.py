"""Unit tests of targets, derived features, splits, preprocessing and data validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from riskcore.config import DerivedFeature, parse_config
from riskcore.dataset import prepare, transform_new
from riskcore.errors import DataValidationError
from riskcore.targets import derive, forward_drawdown, forward_return, forward_volatility
from tests.panels import config_dict, random_panel


def test_forward_drawdown_by_hand() -> None:
    price = np.array([100.0, 110.0, 99.0, 120.0, 60.0])
    dd = forward_drawdown(price, horizon=2)
    # from row 0: path 100,110,99 -> peak 110, trough 99 -> 10%
    assert dd[0] == pytest.approx(0.1)
    # from row 1: 110,99,120 -> 10%; row 2: 99,120,60 -> 50%
    assert dd[1] == pytest.approx(0.1)
    assert dd[2] == pytest.approx(0.5)
    assert np.isnan(dd[3:]).all()  # no full future: unknown, not zero


def test_forward_return_and_volatility_look_only_after_t() -> None:
    r = np.array([5.0, 1.0, 2.0, 3.0, 4.0])
    assert forward_return(r, 2)[0] == 3.0  # rows 1 and 2, never row 0 itself
    np.testing.assert_allclose(forward_volatility(r, 3)[:2], [1.0, 1.0])
    assert np.isnan(forward_return(r, 2)[3:]).all()


def test_derived_features_look_only_at_the_past() -> None:
    x = np.array([100.0, 110.0, 99.0, 0.0, 50.0])
    lr = derive(x, DerivedFeature(name="r", kind="log_return", column="x"))
    assert np.isnan(lr[0]) and lr[1] == pytest.approx(np.log(1.1))
    assert np.isnan(lr[4])  # log(50 / 0) is not a number: missing, not inf
    d = derive(x, DerivedFeature(name="d", kind="diff", column="x"))
    assert d[2] == -11.0
    vol = derive(x, DerivedFeature(name="v", kind="rolling_vol", column="x", window=3))
    assert np.isnan(vol[1]) and vol[2] == pytest.approx(np.std(x[:3], ddof=1))


def _market(seed: int = 1, **kw):
    primary, macro, news = random_panel(seed, 3, 150, 150)
    return parse_config(config_dict(10, 5, **kw)), primary, macro, news


def test_summary_counts_and_cuts() -> None:
    cfg, primary, macro, news = _market()
    ds = prepare(cfg, primary, macro, news)
    s = ds.summary()
    assert s["rows"] == 450 and s["entities"] == 3
    assert s["train"]["samples"] > s["validation"]["samples"] > 0
    assert s["train"]["to"] < s["validation"]["from"] < s["test"]["from"]
    assert 0 < s["train"]["event_rate"] < 1


def test_tail_loss_cutoff_is_fitted_on_training_samples_only() -> None:
    cfg, primary, macro, news = _market(
        target={"kind": "tail_loss", "column": "f1", "quantile": 0.1}
    )
    primary["f1"] = primary["f1"].fillna(0.0)
    ds = prepare(cfg, primary, macro, news)
    cutoff = ds.target_state["forward_return_cutoff"]
    # recompute forward returns of the training samples by hand
    frame = primary.sort_values(["ent", "date"]).reset_index(drop=True)
    fwd = frame.groupby("ent")["f1"].transform(lambda s: s[::-1].rolling(5).sum()[::-1].shift(-1))
    assert cutoff == pytest.approx(np.quantile(fwd.to_numpy()[ds.splits["train"]], 0.1))
    assert ds.panel.y[ds.splits["train"]].mean() == pytest.approx(0.1, abs=0.02)


def test_transform_new_reproduces_the_panel_without_refitting() -> None:
    cfg, primary, macro, news = _market()
    ds = prepare(cfg, primary, macro, news)
    shifted = primary.assign(f2=primary["f2"] + 100.0)  # new data, different distribution
    panel, ends = transform_new(cfg, ds.state(), primary, macro, news)
    np.testing.assert_array_equal(panel.blocks["sequence"], ds.panel.blocks["sequence"])
    np.testing.assert_array_equal(panel.y, ds.panel.y)
    panel2, _ = transform_new(cfg, ds.state(), shifted, macro, news)
    col = ds.panel.names["sequence"].index("f2")
    state = ds.preprocessor.numeric["f2"]
    diff = panel2.blocks["sequence"][:, col] - ds.panel.blocks["sequence"][:, col]
    np.testing.assert_allclose(diff, 100.0 / state.std, rtol=1e-4)
    assert set(ds.splits["test"]) <= set(ends)


def test_transform_new_without_target_column_scores_every_full_window() -> None:
    cfg, primary, macro, news = _market(target={"kind": "column", "column": "event"})
    ds = prepare(cfg, primary, macro, news)
    panel, ends = transform_new(cfg, ds.state(), primary.drop(columns="event"), macro, news)
    assert len(ends) == 3 * (150 - cfg.window + 1)
    assert np.isnan(panel.y).all()


def test_cross_sectional_split_is_stratified_and_one_hot_pools_rare_levels() -> None:
    rng = np.random.default_rng(0)
    n = 1000
    table = pd.DataFrame(
        {
            "income": rng.normal(50, 10, n),
            "region": rng.choice(["N", "S", "E"], n),
            "bad": (rng.random(n) < 0.2).astype(int),
        }
    )
    table.loc[:3, "region"] = "Atlantis"  # 4 of 1000 rows: below the 1% floor
    cfg = parse_config(
        {
            "data": {
                "time": None,
                "static_features": ["income", "region"],
                "target": {"kind": "column", "column": "bad"},
            }
        }
    )
    ds = prepare(cfg, table)
    assert ds.panel.input_names == ["static"]
    assert ds.preprocessor.levels["region"] == ["E", "N", "S", "other"]
    rates = [ds.panel.y[ds.splits[s]].mean() for s in ("train", "validation", "test")]
    assert max(rates) - min(rates) < 0.02
    assert sum(len(v) for v in ds.splits.values()) == n
    unseen = table.assign(region="Mars")
    panel, _ = transform_new(cfg, ds.state(), unseen)
    names = ds.panel.names["static"]
    assert (panel.blocks["static"][:, names.index("region=other")] == 1).all()


def test_walk_forward_folds_are_ordered_and_embargoed() -> None:
    cfg, primary, macro, news = _market(target={"kind": "column", "column": "event"})
    cfg = parse_config(
        {
            **config_dict(10, 5, target={"kind": "column", "column": "event"}),
            "split": {"scheme": "walk_forward", "folds": 3, "test": 0.1},
        }
    )
    ds = prepare(cfg, primary, macro, news)
    assert len(ds.folds) == 3
    t, le = ds.panel.time, ds.panel.label_end
    previous_test_start = None
    for fold in ds.folds:
        assert t[fold["train"]].max() < t[fold["validation"]].min()
        assert le[fold["train"]].max() < t[fold["validation"]].min()
        assert le[fold["validation"]].max() < t[fold["test"]].min()
        if previous_test_start is not None:
            assert t[fold["test"]].min() > previous_test_start
        previous_test_start = t[fold["test"]].min()


@pytest.mark.parametrize(
    ("mutate", "config_extra", "message"),
    [
        (lambda p: p.assign(f2=p["f2"].astype(object).where(p.index != 7, "n/a")), {}, "'n/a'"),
        (lambda p: pd.concat([p, p.iloc[:1]]), {}, "two rows at"),
        (
            lambda p: p.assign(event=0.0),
            {"target": {"kind": "column", "column": "event"}},
            "only the value 0",
        ),
        (
            lambda p: p.assign(event=2.0),
            {"target": {"kind": "column", "column": "event"}},
            "must be 0 or 1",
        ),
        (lambda p: p.drop(columns="f1"), {}, "lacks column(s) ['f1']"),
        (lambda p: p, {"window": 400}, "window 400 needs at least"),
        (
            lambda p: p.assign(event=np.where(p["event"] > 0, "bad", "good")),
            {"target": {"kind": "column", "column": "event"}},
            "set target.positive",
        ),
    ],
)
def test_user_mistakes_are_named(mutate, config_extra, message) -> None:
    primary, macro, news = random_panel(3, 2, 100, 100)
    raw = config_dict(10, 5)
    raw["data"].update({k: v for k, v in config_extra.items() if k == "target"})
    raw.update({k: v for k, v in config_extra.items() if k != "target"})
    with pytest.raises(DataValidationError) as err:
        prepare(parse_config(raw), mutate(primary), macro, news)
    assert message in str(err.value)


def test_text_target_with_positive_label() -> None:
    primary, macro, news = random_panel(3, 2, 100, 100)
    primary["status"] = np.where(primary["event"] > 0, "bad", "good")
    raw = config_dict(10, 5, target={"kind": "column", "column": "status", "positive": "bad"})
    ds = prepare(parse_config(raw), primary, macro, news)
    assert set(np.unique(ds.panel.y[ds.splits["train"]])) == {0.0, 1.0}


def test_prepare_does_not_modify_the_callers_frames() -> None:
    cfg, primary, macro, news = _market()
    before = (primary.copy(), macro.copy(), news.copy())
    prepare(cfg, primary, macro, news)
    for a, b in zip(before, (primary, macro, news), strict=True):
        pd.testing.assert_frame_equal(a, b)
