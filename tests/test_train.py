"""Training end to end on tiny models: files, metrics, reproducibility, scoring, no false signal."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from riskcore.config import parse_config
from riskcore.scoring import score
from riskcore.store import RunStore
from riskcore.train import train_run
from tests.panels import config_dict, random_panel

TINY = {
    "model": {"units": [8], "dense_units": 4, "tower_units": 4},
    "training": {"epochs": 3, "batch_size": 64, "patience": 0},
}


def _config(**extra):
    raw = config_dict(10, 5, target={"kind": "column", "column": "event"})
    raw.update(TINY)
    raw.update(extra)
    return parse_config(raw)


@pytest.fixture(scope="module")
def panel():
    return random_panel(11, 3, 260, 260)


@pytest.fixture(scope="module")
def run(panel, tmp_path_factory):
    store = RunStore(tmp_path_factory.mktemp("home"))
    events: list[dict] = []
    run_id = train_run(_config(), *panel, store=store, emit=events.append)
    return store.load(run_id), events


def test_run_folder_holds_every_artefact_in_the_design_formats(run) -> None:
    r, _ = run
    names = {p.name for p in r.path.iterdir()}
    assert {
        "config.json",
        "meta.json",
        "metrics.json",
        "history.csv",
        "predictions.csv",
        "model.keras",
        "preprocessing.json",
    } <= names
    m = r.metrics
    assert m["task"] == "classification"
    assert set(m["rows"]) == {"train", "validation", "test"}
    for model in ("model", "logistic", "gbm"):
        test = m["test"][model]
        for key in ("roc_auc", "pr_auc", "ks", "gini", "brier", "log_loss"):
            assert np.isfinite(test[key]), (model, key)
        lo, hi = test["roc_auc_ci"]
        assert lo <= test["roc_auc"] <= hi
    p = r.predictions
    assert list(p.columns[:5]) == ["time", "entity", "split", "y_true", "score"]
    assert p.groupby("split").size().to_dict() == m["rows"]
    assert len(r.history) == 3
    meta = r.meta
    assert meta["device"] == "CPU" and meta["versions"]["tensorflow"]
    assert meta["timings"]["fit_s"] > 0


def test_progress_events_follow_the_protocol(run) -> None:
    _, events = run
    kinds = [e["type"] for e in events]
    assert kinds[0] == "stage" and kinds[-1] == "done"
    epochs = [e for e in events if e["type"] == "epoch"]
    assert [e["epoch"] for e in epochs] == [1, 2, 3]
    assert all(e["epochs"] == 3 and "val_loss" in e["logs"] for e in epochs)
    assert epochs[-1]["eta_s"] == 0


def test_same_seed_gives_the_same_metrics_on_cpu(run, panel, tmp_path) -> None:
    r, _ = run
    again = RunStore(tmp_path).load(train_run(_config(), *panel, store=RunStore(tmp_path)))
    assert again.metrics["test"]["model"] == r.metrics["test"]["model"]
    np.testing.assert_array_equal(again.predictions["score"], r.predictions["score"])


def test_scoring_the_test_rows_reproduces_the_saved_predictions(run, panel) -> None:
    r, _ = run
    scored = score(r, *panel)
    saved = r.predictions.set_index(["time", "entity"])["score"]
    fresh = scored.predictions.set_index(["time", "entity"])["score"]
    common = saved.index.intersection(fresh.index)
    assert len(common) == len(saved)
    assert np.max(np.abs(saved[common].to_numpy() - fresh[common].to_numpy())) < 1e-5
    assert set(scored.drift["feature"]) >= {"f1", "m1", "score"}
    assert scored.drift.loc[scored.drift["feature"] == "score", "psi"].item() < 0.25


def test_features_without_information_give_auc_near_half(tmp_path) -> None:
    rng = np.random.default_rng(5)
    # 1,200 test rows: with 300 (4 entities) one seed of the wide model read 0.61 by chance
    primary, macro, news = random_panel(5, 10, 800, 800)
    primary["event"] = (rng.random(len(primary)) < 0.3).astype(float)
    r = RunStore(tmp_path).load(
        train_run(_config(), primary, macro, news, store=RunStore(tmp_path))
    )
    for model in ("model", "logistic", "gbm"):
        auc = r.metrics["test"][model]["roc_auc"]
        assert abs(auc - 0.5) < 0.1, (model, auc)


def test_walk_forward_reports_each_fold(panel, tmp_path) -> None:
    cfg = _config(
        split={"scheme": "walk_forward", "folds": 2, "test": 0.15},
        training={"epochs": 1, "batch_size": 128, "patience": 0},
    )
    r = RunStore(tmp_path).load(train_run(cfg, *panel, store=RunStore(tmp_path)))
    wf = r.metrics["walk_forward"]
    assert len(wf["folds"]) == 2
    summary = wf["summary"]["gbm"]["roc_auc"]
    aucs = [f["gbm"]["roc_auc"] for f in wf["folds"]]
    assert summary["mean"] == pytest.approx(np.mean(aucs))
    json.dumps(r.metrics)  # JSON-clean


def test_the_run_keeps_its_inputs_for_later_explanations(run, panel) -> None:
    r, _ = run
    inputs = r.inputs()
    pd.testing.assert_frame_equal(
        inputs["primary"],
        panel[0].reset_index(drop=True),
        check_dtype=False,
        check_index_type=False,
    )
    assert inputs["macro"] is not None and inputs["sentiment"] is not None
