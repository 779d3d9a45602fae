"""Tuning: the search space is validated with messages naming the parameter; each trial is a
stored run judged on validation; the seeded sampler repeats itself; budgets and failures."""

from __future__ import annotations

import time
from typing import get_args

import pandas as pd
import pytest

import riskcore.train
from riskcore.compare import compare_runs
from riskcore.config import ModelConfig, field_spec, parse_config
from riskcore.errors import TuningError
from riskcore.store import RunStore
from riskcore.train import train_run
from riskcore.tuning import (
    DEFAULT_SPACE,
    TUNABLE,
    apply_params,
    check_space,
    parse_space,
    tune,
    tuning_task,
)
from tests.test_scenarios import _sources, planted_panel

BASE = {
    "data": {
        "time": "date",
        "entity": "ent",
        "sequence_features": ["f1", "f2"],
        "macro_features": ["m1"],
        "target": {"kind": "column", "column": "event"},
    },
    "window": 5,
    "horizon": 1,
    "model": {"units": [8, 4], "dense_units": 4, "tower_units": 4, "dropout": 0.0},
    "training": {"epochs": 2, "batch_size": 64, "patience": 0, "learning_rate": 0.01},
}
SMALL = {"units": {"low": 4, "high": 12}, "learning_rate": {"low": 1e-3, "high": 1e-2, "log": True}}


@pytest.fixture(scope="module")
def config():
    return parse_config(BASE)


# ---- the search space ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"momentum": {"low": 0, "high": 1}}, ["'momentum'", "learning_rate", "dropout"]),
        ({"dropout": {"low": 0.5, "high": 0.1}}, ["'dropout'", "swap"]),
        ({"dropout": {"low": 0.0, "high": 1.5}}, ["'dropout'", "0..0.95", "narrow"]),
        ({"l2": {"low": 0, "high": 0.1, "log": True}}, ["'l2'", "log scale", "above 0"]),
        ({"units": {"low": 4.5, "high": 16}}, ["'units'", "whole number"]),
        ({"units": {"low": 4}}, ["'units'", "low and high"]),
        ({"cell": {"choices": ["lstm", "rnn"]}}, ["'cell'", "'rnn'", "gru"]),
        ({"dropout": {"choices": ["a"]}}, ["'dropout'", "low and high"]),
        (
            {"batch_size": {"low": 16, "high": 64, "log": True, "step": 16}},
            ["'batch_size'", "step"],
        ),
    ],
)
def test_a_bad_range_names_the_parameter_and_what_to_do(params, words) -> None:
    with pytest.raises(TuningError) as err:
        parse_space({"params": params})
    for word in words:
        assert word in str(err.value), str(err.value)


def test_the_search_limits_are_the_config_fields_own() -> None:
    """TUNABLE restates nothing: limits, integer-ness, choices and the Tune tab's starting range
    come from the RunConfig field (its bounds, narrowed only by its own search hints)."""
    for name, tunable in TUNABLE.items():
        spec = field_spec(tunable.path)
        if tunable.kind == "choice":
            assert tunable.choices == spec.choices, name
            continue
        assert (tunable.low, tunable.high) == spec.search_limits, name
        assert tunable.kind == ("int" if spec.integer else "float"), name
        assert spec.allows(tunable.low) and spec.allows(tunable.high), name
        assert tunable.start == spec.search_start, name
    dropout = ModelConfig.model_fields["dropout"].metadata
    assert TUNABLE["dropout"].low == next(m.ge for m in dropout if hasattr(m, "ge"))
    assert TUNABLE["cell"].choices == get_args(ModelConfig.model_fields["cell"].annotation)
    assert (TUNABLE["units"].low, TUNABLE["units"].high) == (1, 1024)  # per item of model.units


def test_structural_mistakes_name_the_field() -> None:
    with pytest.raises(TuningError, match="trials"):
        parse_space({"params": SMALL, "trials": 0})
    with pytest.raises(TuningError, match="timeout_s"):
        parse_space({"params": SMALL, "timeout_s": -5})
    with pytest.raises(TuningError, match="unknown key"):
        parse_space({"params": {"units": {"low": 4, "hi": 8}}})
    with pytest.raises(TuningError, match="not valid JSON"):
        parse_space("{oops", "space.json")


def test_sequence_parameters_are_refused_for_a_cross_sectional_config() -> None:
    flat = parse_config(
        {
            "data": {
                "time": None,
                "entity": None,
                "static_features": ["a"],
                "target": {"kind": "column", "column": "y"},
            }
        }
    )
    with pytest.raises(TuningError, match=r"'window'.*cross-sectional"):
        check_space(parse_space({"params": {"window": {"low": 5, "high": 10}}}), flat)
    check_space(parse_space({"params": {"dropout": {"low": 0, "high": 0.3}}}), flat)


def test_the_default_space_is_valid_and_trial_values_land_in_the_config(config) -> None:
    assert parse_space(DEFAULT_SPACE).trials == 20
    tuned = apply_params(
        config, {"units": 16, "learning_rate": 0.003, "cell": "gru", "window": 7, "l2": 0.0}
    )
    assert tuned.model.units == [16, 8]  # later layers keep their ratio to the first
    assert tuned.training.learning_rate == 0.003
    assert (tuned.model.cell, tuned.window, tuned.model.l2) == ("gru", 7, 0.0)
    assert config.model.units == [8, 4]  # the base config is not changed


# ---- searching (a fake trainer: proposals and budgets without training) ------------------------
@pytest.fixture
def fake_train(monkeypatch, run, store):
    """train_run returning the fixture's run, so the study logic runs in milliseconds."""
    seen = []

    def fake(trial_config, *args, **kwargs):
        seen.append(trial_config)
        time.sleep(0.05)
        return run.run_id

    monkeypatch.setattr(riskcore.train, "train_run", fake)
    return seen


def test_the_seeded_sampler_proposes_the_same_trials(config, data, store, fake_train) -> None:
    def proposals(seed: int) -> pd.DataFrame:
        space = parse_space({"params": SMALL, "trials": 4, "seed": seed})
        table = tune(config, *data, space=space, store=store).table
        return table[["units", "learning_rate"]]

    first, again, other = proposals(3), proposals(3), proposals(4)
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)
    assert len(fake_train) == 12


def test_the_time_budget_stops_new_trials(config, data, store, fake_train) -> None:
    space = parse_space({"params": SMALL, "trials": 50, "timeout_s": 0.25})
    result = tune(config, *data, space=space, store=store)
    # trials take 0.05 s plus the study's writes: no trial starts after 0.25 s, and the one
    # running when the budget passes still finishes
    assert 1 <= len(result.table) <= 6
    assert set(result.table["state"]) == {"complete"}


def test_a_first_trial_that_fails_stops_the_search_with_its_message(config, data, store) -> None:
    space = parse_space({"params": {"window": {"low": 900, "high": 1000}}, "trials": 5})
    with pytest.raises(TuningError, match="no tuning trial finished") as err:
        tune(config, *data, space=space, store=store)
    assert "rows of history" in str(err.value) or "window" in str(err.value)
    assert all(store.load(i).config.window < 900 for i in store.ids())  # nothing half-saved


# ---- real trials: one stored run each ------------------------------------------------------------
@pytest.fixture(scope="module")
def data():
    return planted_panel(entities=4, days=220)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return RunStore(tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="module")
def run(config, data, store):
    return store.load(train_run(config, *data, store=store, sources=_sources(data)))


@pytest.mark.slow
def test_the_task_stores_a_run_per_trial_and_picks_the_best_on_validation(run, store) -> None:
    before = set(store.ids())
    events = []
    space = parse_space({"params": SMALL, "trials": 2, "seed": 1})
    result = tuning_task(
        {"home": str(store.root.parent), "run_id": run.run_id, "space": space.to_json()},
        events.append,
    )
    table = result.table
    assert list(table["trial"]) == [1, 2] and set(table["state"]) == {"complete"}
    assert set(table["run_id"]) == set(store.ids()) - before
    for row in table.itertuples():
        trial_run = store.load(row.run_id)
        assert trial_run.metrics["validation"]["model"]["roc_auc"] == pytest.approx(row.value)
        assert trial_run.config.model.units[0] == row.units
        assert trial_run.config.training.learning_rate == pytest.approx(row.learning_rate)
    assert result.metric == "roc_auc" and result.direction == "maximize"
    assert result.best_value == table["value"].max()
    assert result.best_run_id == table.loc[table["value"].idxmax(), "run_id"]
    assert result.best_config == store.load(result.best_run_id).config.model_dump(mode="json")
    # progress: a stage event before each trial, a trial event after it
    trials = [e for e in events if e["type"] == "trial"]
    stages = [e for e in events if e["type"] == "stage"]
    assert [e["trial"] for e in trials] == [1, 2]
    assert [(e["done"], e["total"]) for e in stages] == [(0, 2), (1, 2)]
    # trials are trained on the base run's data: the comparison says they compare
    best = store.load(result.best_run_id)
    assert compare_runs([run, best])["comparable"]
