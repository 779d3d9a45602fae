"""Property tests for the no-look-ahead rules of the design, on random ragged panels."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskcore.config import parse_config
from riskcore.dataset import build_frame, prepare
from riskcore.errors import DataValidationError
from riskcore.joins import macro_row_index
from tests.panels import config_dict, random_panel

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

panels = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 10_000),
        "n_entities": st.integers(1, 4),
        "window": st.integers(1, 8),
        "horizon": st.integers(1, 6),
        "macro_lag": st.integers(0, 2),
        "sentiment_lag": st.integers(0, 3),
    }
)


def _prepare(p: dict):
    primary, macro, news = random_panel(p["seed"], p["n_entities"], 60, 120)
    cfg = parse_config(
        config_dict(
            p["window"],
            p["horizon"],
            macro_lag=p["macro_lag"],
            sentiment_lag=p["sentiment_lag"],
        )
    )
    try:
        return cfg, (primary, macro, news), prepare(cfg, primary, macro, news)
    except DataValidationError:
        return cfg, (primary, macro, news), None  # e.g. one class in a split: a fair refusal


@SETTINGS
@given(panels)
def test_no_training_label_reaches_a_later_split(p: dict) -> None:
    """(i) every label period ends before the next split starts (the embargo)."""
    cfg, _, ds = _prepare(p)
    if ds is None:
        return
    val_cut = np.datetime64(pd.Timestamp(ds.cuts["validation"]))
    test_cut = np.datetime64(pd.Timestamp(ds.cuts["test"]))
    panel = ds.panel
    assert (panel.label_end[ds.splits["train"]] < val_cut).all()
    assert (panel.time[ds.splits["validation"]] >= val_cut).all()
    assert (panel.label_end[ds.splits["validation"]] < test_cut).all()
    assert (panel.time[ds.splits["test"]] >= test_cut).all()
    # the label looks exactly `horizon` rows ahead within the entity
    for end in ds.splits["train"][:50]:
        same = np.flatnonzero(panel.entity == panel.entity[end])
        pos = int(np.searchsorted(same, end))
        assert panel.label_end[end] == panel.time[same[pos + cfg.horizon]]


@SETTINGS
@given(panels)
def test_scaler_and_imputer_statistics_come_from_training_rows_only(p: dict) -> None:
    """(ii) medians, means and stds equal those of the training-period rows alone."""
    cfg, (primary, macro, news), ds = _prepare(p)
    if ds is None:
        return
    frame = build_frame(cfg, primary, macro, news)
    train_rows = frame["_time"] < pd.Timestamp(ds.cuts["validation"])
    for col in ("f1", "f2", "m1", "s"):
        x = frame.loc[train_rows, col].to_numpy(dtype=float)
        finite = x[np.isfinite(x)]
        state = ds.preprocessor.numeric[col]
        filled = np.where(np.isfinite(x), x, np.median(finite))
        assert state.median == np.median(finite)
        assert np.isclose(state.mean, filled.mean())
        assert np.isclose(state.std, filled.std() if filled.std() > 1e-12 else 1.0)


@SETTINGS
@given(panels)
def test_changing_the_future_leaves_training_samples_unchanged(p: dict) -> None:
    """Values after the validation cut never influence a training sample's inputs or label."""
    cfg, (primary, macro, news), ds = _prepare(p)
    if ds is None:
        return
    cut = pd.Timestamp(ds.cuts["validation"])
    later = primary["date"] >= cut
    primary2 = primary.copy()
    primary2.loc[later, ["f1", "f2"]] = 1e6
    primary2.loc[later, "close"] = primary2.loc[later, "close"] * 3
    macro2 = macro.copy()
    macro2.loc[macro2["date"] >= cut, "m1"] = -1e6
    news2 = news.copy()
    news2.loc[news2["date"] >= cut, "s"] = 0.99
    try:
        ds2 = prepare(cfg, primary2, macro2, news2)
    except DataValidationError:
        return
    train = ds.splits["train"]
    np.testing.assert_array_equal(train, ds2.splits["train"])
    for block, a in ds.panel.inputs(train).items():
        np.testing.assert_array_equal(a, ds2.panel.inputs(train)[block], err_msg=block)
    np.testing.assert_array_equal(ds.panel.y[train], ds2.panel.y[train])


@SETTINGS
@given(
    st.lists(st.integers(0, 400), min_size=1, max_size=30, unique=True),
    st.lists(st.integers(-20, 450), min_size=1, max_size=50),
    st.integers(0, 3),
)
def test_asof_join_never_uses_a_later_macro_row(macro_days, row_days, lag) -> None:
    """(iii) the macro row used at t is the latest at or before t, moved `lag` rows back."""
    macro_t = np.sort(np.array(macro_days, dtype="datetime64[D]"))
    times = np.array(row_days, dtype="datetime64[D]")
    idx = macro_row_index(macro_t, times, lag)
    for t, i in zip(times, idx, strict=True):
        at_or_before = np.flatnonzero(macro_t <= t)
        if len(at_or_before) <= lag:
            assert i == -1
        else:
            assert i == at_or_before[-1] - lag
            assert macro_t[i] <= t


@SETTINGS
@given(panels)
def test_sentiment_uses_only_news_published_before_t_minus_lag(p: dict) -> None:
    """(iii) news dated after t - lag never changes the sentiment seen at t."""
    cfg, (primary, macro, news), _ds = _prepare(p)
    frame = build_frame(cfg, primary, macro, news)
    row = frame.iloc[len(frame) // 2]
    t, ent = row["_time"], row["_entity"]
    last_day = t.normalize() - pd.Timedelta(days=cfg.data.sentiment_lag)
    mask = (news["ent"] == ent) & (news["date"].dt.normalize() > last_day)
    news2 = news.copy()
    news2.loc[mask, "s"] = 0.999
    frame2 = build_frame(cfg, primary, macro, news2)
    row2 = frame2.iloc[len(frame) // 2]
    assert row2["_time"] == t
    assert (np.isnan(row["s"]) and np.isnan(row2["s"])) or row["s"] == row2["s"]
    span = news[
        (news["ent"] == ent)
        & (news["date"].dt.normalize() <= last_day)
        & (news["date"].dt.normalize() > last_day - pd.Timedelta(days=cfg.data.sentiment_window))
    ]
    if len(span):
        assert np.isclose(row["s"], span["s"].mean())
        assert row["no_news"] == 0
    else:
        assert row["no_news"] == 1


@SETTINGS
@given(panels)
def test_windows_never_mix_entities_and_equal_the_naive_slice(p: dict) -> None:
    """(iv) and (v): batches are exactly the rows end-window+1..end of one entity."""
    cfg, _, ds = _prepare(p)
    if ds is None:
        return
    panel = ds.panel
    seq = panel.blocks["sequence"]
    for split, ends in ds.splits.items():
        w = panel.windows(ends)
        assert w.shape == (len(ends), cfg.window, seq.shape[1]), split
        for k, end in enumerate(ends[:40]):
            rows = list(range(end - cfg.window + 1, end + 1))
            assert len(set(panel.entity[rows])) == 1
            np.testing.assert_array_equal(w[k], seq[rows])
            assert panel.time[rows[0]] <= panel.time[end]
