"""Seed ensembles and learning-rate schedules (issue 16): one model, its spread stored."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from riskcore.config import parse_config
from riskcore.ensemble import MEMBER, member_count, member_scores
from riskcore.scoring import score
from riskcore.store import SPREAD_COLUMN, RunStore
from riskcore.train import schedule_callbacks, train_run
from tests.panels import config_dict, random_panel

MEMBERS = 3


def _config(**training):
    raw = config_dict(10, 5, target={"kind": "column", "column": "event"})
    raw["model"] = {"units": [4], "dense_units": 4, "tower_units": 4, "cell": "tcn", "wide": True}
    raw["training"] = {"epochs": 3, "batch_size": 64, "patience": 2, **training}
    return parse_config(raw)


@pytest.fixture(scope="module")
def panel():
    return random_panel(11, 3, 200, 200)


@pytest.fixture(scope="module")
def ensemble_run(panel, tmp_path_factory):
    store = RunStore(tmp_path_factory.mktemp("ensemble_home"))
    events: list[dict] = []
    config = _config(ensemble=MEMBERS, lr_schedule="plateau")
    run_id = train_run(config, *panel, store=store, emit=events.append)
    return store.load(run_id), events


def test_the_ensemble_is_one_model_scoring_the_mean_of_its_networks(ensemble_run) -> None:
    run, _ = ensemble_run
    model = run.load_model()  # safe_mode: nested member models load without custom objects
    assert member_count(model) == MEMBERS
    rng = np.random.default_rng(0)
    x = [rng.normal(size=(5, *i.shape[1:])).astype("float32") for i in model.inputs]
    members = [model.get_layer(MEMBER.format(i + 1)) for i in range(MEMBERS)]
    each = np.stack([np.asarray(m(x)).ravel() for m in members])
    np.testing.assert_allclose(np.asarray(model(x)).ravel(), each.mean(axis=0), rtol=1e-5)
    assert each.std(axis=0).max() > 0  # different seeds, different networks


def test_spread_is_stored_and_reproduced_by_scoring(ensemble_run, panel) -> None:
    run, _ = ensemble_run
    saved = run.predictions
    assert SPREAD_COLUMN in saved
    assert (saved[SPREAD_COLUMN] >= 0).all() and saved[SPREAD_COLUMN].max() > 0
    scored = score(run, *panel).predictions.set_index(["time", "entity"])[SPREAD_COLUMN]
    mine = saved.set_index(["time", "entity"])[SPREAD_COLUMN]
    common = mine.index.intersection(scored.index)
    assert len(common) == len(mine)
    np.testing.assert_allclose(scored[common].to_numpy(), mine[common].to_numpy(), atol=1e-5)


def test_each_network_reports_its_epochs_and_history(ensemble_run) -> None:
    run, events = ensemble_run
    members = [e["member"] for e in events if e["type"] == "epoch"]
    assert sorted(set(members)) == [1, 2, 3] and members == sorted(members)
    assert all(e["members"] == MEMBERS for e in events if e["type"] == "epoch")
    stages = [e["stage"] for e in events if e["type"] == "stage"]
    assert "training network 2 of 3" in stages
    assert sorted(run.history["member"].unique()) == [1, 2, 3]
    assert "learning_rate" in run.history  # ReduceLROnPlateau logs the rate it set
    assert run.meta["networks"] == MEMBERS


def test_a_single_network_has_no_spread(panel, tmp_path) -> None:
    store = RunStore(tmp_path)
    run = store.load(train_run(_config(epochs=1), *panel, store=store))
    assert SPREAD_COLUMN not in run.predictions
    model = run.load_model()
    assert member_count(model) == 1
    assert member_scores(model, None, np.arange(3)) is None


def test_cosine_schedule_decays_to_zero_over_the_epochs() -> None:
    config = _config(lr_schedule="cosine", epochs=10, learning_rate=0.01)
    callbacks = schedule_callbacks(config)
    (scheduler,) = [c for c in callbacks if isinstance(c, keras.callbacks.LearningRateScheduler)]
    rates = [float(scheduler.schedule(e)) for e in (0, 5, 10)]
    np.testing.assert_allclose(rates, [0.01, 0.005, 0.0], atol=1e-12)
    plateau = schedule_callbacks(_config(lr_schedule="plateau", patience=4))
    (reduce,) = [c for c in plateau if isinstance(c, keras.callbacks.ReduceLROnPlateau)]
    assert reduce.patience == 2 and reduce.factor == 0.5


def test_results_timeline_draws_the_spread_and_the_table_lists_it(ensemble_run) -> None:
    from riskcore.charts.results import risk_timeline
    from riskcore.summaries import riskiest_table_frame

    run, _ = ensemble_run
    pred = run.predictions
    entity = pred["entity"].iloc[0]
    fig = risk_timeline(pred, entity)
    band = [tr for tr in fig.data if tr.legendgroup == "spread"]
    assert len(band) == 2 and band[1].fill == "tonexty"
    rows = pred[pred["entity"] == entity].sort_values("time")
    np.testing.assert_allclose(band[0].y, rows["score"] + rows[SPREAD_COLUMN], rtol=1e-6)
    table = riskiest_table_frame(pred)
    assert SPREAD_COLUMN in table and table[SPREAD_COLUMN].notna().all()


def test_the_ensemble_records_a_recommendation_from_validation(ensemble_run) -> None:
    run, _ = ensemble_run
    rec = run.metrics["recommended"]
    assert rec["split"] == "validation" and rec["metric"] == "roc_auc"
    for name, value in rec["validation"].items():
        assert value == pytest.approx(run.metrics["validation"][name]["roc_auc"])


def test_the_cost_estimate_counts_every_network() -> None:
    from riskcore import cost

    size = cost.DataSize.of_frames(_config(), *random_panel(11, 3, 200, 200))
    one = cost.training_estimate(_config(ensemble=1), size).seconds - cost.RUN_S
    three = cost.training_estimate(_config(ensemble=3), size).seconds - cost.RUN_S
    assert three == pytest.approx(3 * one)


def test_an_ensemble_of_tcn_wide_networks_is_explained(ensemble_run) -> None:
    """SHAP sees one model: attributions add up to the score's distance from the base."""
    from riskcore.explain import explain_run

    run, _ = ensemble_run
    exp = explain_run(run, "random", 20, background=10)
    spread = (exp.rows["score"] - exp.rows["base_value"]).abs().mean()
    assert exp.additivity_gap < 0.2 * spread
    assert exp.importance["mean_abs_shap"].sum() > 0
