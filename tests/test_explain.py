"""SHAP explanations: planted drivers rank first, additivity, aggregation, storage, words, CLI;
the waterfall that ends at the score, rows resampled when they do not add up, units per model.

A tiny run on the planted panel (tests.panels: the event log-odds rise with sequence f1 and
macro m1; f2, m2, the news and the statics are noise), and one on the sample market data.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import riskcore.explain as E
from riskcore.charts.explain import importance_bars, waterfall
from riskcore.cli import main
from riskcore.config import parse_config
from riskcore.errors import ConfigError, DataValidationError
from riskcore.explain import (
    EXPLANATIONS_FILE,
    Explanation,
    RunInputs,
    describe,
    explain_run,
    explanation_task,
    load_explanation,
    needs_resample,
    save_explanation,
    scenario_attribution,
    select_rows,
)
from riskcore.io import read_table
from riskcore.store import RunStore
from riskcore.train import train_run
from tests.panels import planted_panel

pytestmark = pytest.mark.slow
SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
TINY = {"units": [8], "dense_units": 4, "tower_units": 4, "dropout": 0.0}
DESIGN_COLUMNS = ["time", "entity", "score", "base_value"]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> RunStore:
    return RunStore(tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="module")
def run(store):
    config = parse_config(
        {
            "data": {
                "time": "date",
                "entity": "ent",
                "sequence_features": ["f1", "f2"],
                "macro_features": ["m1", "m2"],
                "sentiment_features": ["s"],
                "static_features": ["size", "sector"],
                "target": {"kind": "column", "column": "event"},
            },
            "window": 5,
            "horizon": 1,
            "model": {**TINY, "attention": True},
            "training": {"epochs": 8, "batch_size": 32, "patience": 0, "learning_rate": 0.01},
        }
    )
    return store.load(train_run(config, *planted_panel(), store=store))


@pytest.fixture(scope="module")
def explained(run):
    return explain_run(run, "random", 120, background=60)


def test_planted_drivers_rank_above_the_noise(explained) -> None:
    ranked = explained.importance["feature"].tolist()
    for driver in ("f1", "m1"):
        for noise in ("f2", "m2", "s", "size", "sector"):
            assert ranked.index(driver) < ranked.index(noise), ranked
    gbm = explained.baseline_importance["feature"].tolist()
    assert set(gbm[:2]) == {"f1", "m1"}, gbm  # TreeExplainer on the baseline agrees


def test_attributions_add_up_to_the_score(explained) -> None:
    """Expected gradients are complete in expectation; with 200 samples per row the Monte-Carlo
    error stays well under a fifth of the typical distance from the average score."""
    rows = explained.rows
    spread = float((rows["score"] - rows["base_value"]).abs().mean())
    assert spread > 0.05
    assert explained.additivity_gap < 0.2 * spread
    total = rows["base_value"] + rows[explained.features].sum(axis=1)
    assert np.corrcoef(total, rows["score"])[0, 1] > 0.95


def test_scores_are_the_runs_own_and_tables_are_consistent(run, explained) -> None:
    rows = explained.rows
    raw = "score_raw" if "score_raw" in run.predictions else "score"  # the network's own output
    stored = run.predictions.set_index("row").loc[rows["row"], raw].to_numpy()
    # a classifier is explained in log-odds: the log-odds of its own raw score
    np.testing.assert_allclose(1.0 / (1.0 + np.exp(-rows["score"])), stored, atol=1e-5)
    assert list(rows.columns[:5]) == ["time", "entity", "row", "score", "base_value"]
    assert set(explained.features) == {"f1", "f2", "m1", "m2", "s", "no_news", "size", "sector"}
    assert explained.modality["share"].sum() == pytest.approx(1.0)
    assert list(explained.modality["modality"]) == ["sequence", "macro", "sentiment", "static"]
    lag = explained.lag
    assert set(lag["feature"]) == {"f1", "f2"} and sorted(lag["lag"].unique()) == [0, 1, 2, 3, 4]
    per_feature = lag.groupby("feature")["mean_abs_shap"].sum()
    assert per_feature["f1"] > per_feature["f2"]
    assert explained.attention["mean_weight"].sum() == pytest.approx(1.0, abs=1e-4)
    values = explained.feature_values
    assert len(values) == len(rows) and values["sector"].isin(["bank", "retail"]).all()
    frame = RunInputs.of(run).frame
    first = int(rows["row"].iloc[0])
    window = frame["f1"].to_numpy()[first - 4 : first + 1]
    assert explained.window_values["std"]["f1"].iloc[0] == pytest.approx(window.std())
    assert explained.window_values["mean"]["f2"].shape == (len(rows),)
    recent = explained.recent  # latest steps holding 80% of each sequence feature's |SHAP|
    assert list(recent.columns) == ["f1", "f2"] and recent.isin(range(1, 6)).all().all()
    assert recent["f1"].median() < 5  # the planted f1 effect is recent (latest days weigh most)


def test_rules_pick_the_documented_rows(run) -> None:
    p = run.predictions
    test = p[p["split"] == "test"]
    latest = select_rows(p, "latest", 10)
    assert len(latest) == test["entity"].nunique()
    assert (latest.groupby("entity")["time"].max() == test.groupby("entity")["time"].max()).all()
    riskiest = select_rows(p, "riskiest", 7)
    assert sorted(riskiest["score"]) == sorted(test["score"].nlargest(7))
    assert len(select_rows(p, "random", 5, seed=1)) == 5
    mine = select_rows(p, "entity", 4, entity="E2")
    assert (mine["entity"] == "E2").all() and mine["time"].is_monotonic_increasing
    assert mine["time"].max() == test.loc[test["entity"] == "E2", "time"].max()
    with pytest.raises(DataValidationError, match="'NOPE'"):
        select_rows(p, "entity", 4, entity="NOPE")
    with pytest.raises(ConfigError, match="how must be one of"):
        select_rows(p, "best", 4)


def test_stored_with_the_run_and_read_back_unchanged(run, store, explained) -> None:
    save_explanation(store, run, explained)
    again = load_explanation(store.load(run.run_id))
    pd.testing.assert_frame_equal(again.importance, explained.importance)
    np.testing.assert_allclose(
        again.rows[explained.features].to_numpy(), explained.rows[explained.features].to_numpy()
    )
    assert (again.rows["time"] == explained.rows["time"]).all()
    assert again.additivity_gap == pytest.approx(explained.additivity_gap)
    assert again.info["method"].startswith("shap.GradientExplainer")


def test_one_sentence_names_the_main_drivers_with_signs(explained) -> None:
    i = int(explained.rows["score"].to_numpy().argmax())
    row = explained.rows.iloc[i]
    sentence = describe(explained, i)  # a classifier: its probability, the drivers in log-odds
    probability = 1.0 / (1.0 + np.exp(-row["score"]))
    assert sentence.startswith(
        f"Risk {probability:.2f} (log-odds {row['score']:+.2f}) against an average of "
    )
    top = row[explained.features].astype(float).sort_values(ascending=False).index[0]
    steps = int(explained.recent[top].iloc[i]) if top in explained.recent else 5
    when = {1: " on the latest step", 5: ""}.get(steps, f" over the last {steps} steps")
    assert f"{top}{when} (+" in sentence, sentence
    zh = describe(
        explained,
        i,
        {
            "logit_sentence": "风险 {probability:.2f}（对数几率 {score:+.2f}，平均 {base:+.2f}），"
            "主要来自 {drivers}。",
            "joiner": " 和 ",
        },
    )
    assert zh.startswith("风险") and "和" in zh


def test_the_worker_task_stores_it_and_reports_progress(run, store) -> None:
    events: list[dict] = []
    payload = {"home": str(store.root.parent), "run_id": run.run_id, "how": "latest", "n": 50}
    assert explanation_task({**payload, "background": 20}, events.append) == run.run_id
    done = [e for e in events if e.get("stage") == "explaining"]
    assert done[-1]["done"] == done[-1]["total"] == 6  # six entities, one latest date each
    assert len(load_explanation(store.load(run.run_id)).rows) == 6


def test_a_scenario_change_is_split_over_the_shocked_inputs(run) -> None:
    inputs = RunInputs.of(run)
    rows = run.predictions.query("split == 'test'")["row"].to_numpy()[:4]
    base = inputs.panel.inputs(rows)
    shocked = {k: v.copy() for k, v in base.items()}
    shocked["macro"][:, 0] += 1.5  # m1, in training standard deviations
    model = run.load_model()
    parts = scenario_attribution(run, model, shocked, base)
    delta = model.predict(shocked, verbose=0).ravel() - model.predict(base, verbose=0).ravel()
    # integrated gradients by Monte Carlo (200 points on the path): a few percent of the change
    np.testing.assert_allclose(parts.sum(axis=1), delta, rtol=0.1, atol=0.01)
    others = parts.drop(columns="m1").abs().to_numpy()
    assert np.allclose(others, 0.0, atol=1e-6)  # unshocked inputs get nothing


def test_cli_writes_the_design_csv(run, store, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("RISKCORE_HOME", str(store.root.parent))
    out = tmp_path / "shap.csv"
    assert main(["explain", run.run_id, "--rows", "12", "--out", str(out)]) == 0
    frame = pd.read_csv(out)
    assert list(frame.columns[:4]) == DESIGN_COLUMNS
    assert set(frame.columns[4:]) == {"f1", "f2", "m1", "m2", "s", "no_news", "size", "sector"}
    assert len(frame) == 12
    assert frame["time"].is_monotonic_increasing  # sorted as the predictions are
    assert json.loads((run.path / EXPLANATIONS_FILE).read_text())["rows"]


def test_cli_explain_errors_name_the_value(store, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("RISKCORE_HOME", str(store.root.parent))
    code = main(["explain", "20990101-000000-abcdef", "--out", str(tmp_path / "x.csv")])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "20990101-000000-abcdef" in err[0]


@pytest.fixture(scope="module")
def market(store):
    """A small run on the sample market data, read as an analyst would upload it."""
    frames = [read_table(SAMPLE / f"market_{n}.csv")[0] for n in ("prices", "macro", "sentiment")]
    raw = json.loads((SAMPLE / "market_config.json").read_text())
    raw["window"] = 10
    raw["model"] = {**TINY, "units": [16], "tower_units": 8}
    raw["training"] = {"epochs": 4, "batch_size": 256, "patience": 0, "learning_rate": 0.01}
    return store.load(train_run(parse_config(raw), *frames, store=store))


def test_sample_market_drivers_rank_above_its_noise_features(market) -> None:
    """sample_data/README.md: ret_1d, credit_spread and sentiment drive the drawdowns;
    noise_seq and noise_macro are pure noise."""
    exp = explain_run(market, "random", 150, background=60)
    ranked = exp.importance["feature"].tolist()
    for driver in ("ret_1d", "credit_spread", "sentiment"):
        for noise in ("noise_seq", "noise_macro"):
            assert ranked.index(driver) < ranked.index(noise), ranked


def test_a_cross_sectional_one_input_model_is_explained(store) -> None:
    """One static input: shap takes a bare tensor; no time column, so 'latest' is refused."""
    rng = np.random.default_rng(5)
    n = 1500
    table = pd.DataFrame(
        {
            "income": rng.normal(size=n),
            "noise": rng.normal(size=n),
            "product": rng.choice(["card", "loan", "auto"], n),
        }
    )
    logit = -1.0 - 2.0 * table["income"] + np.where(table["product"] == "loan", 1.0, 0.0)
    table["bad"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(float)
    config = parse_config(
        {
            "data": {
                "time": None,
                "entity": None,
                "static_features": ["income", "noise", "product"],
                "target": {"kind": "column", "column": "bad"},
            },
            "model": {"dense_units": 8, "tower_units": 8},
            "training": {"epochs": 15, "batch_size": 64, "patience": 0, "learning_rate": 0.01},
        }
    )
    run = store.load(train_run(config, table, store=store))
    exp = explain_run(run, "random", 80, background=40)
    ranked = exp.importance["feature"].tolist()
    assert ranked[0] == "income" and ranked.index("product") < ranked.index("noise"), ranked
    assert exp.rows["time"].isna().all() and exp.lag.empty and exp.attention is None
    assert list(exp.modality["modality"]) == ["static"]
    with pytest.raises(ConfigError, match="needs a time column"):
        select_rows(run.predictions, "latest", 10)


# ---- the waterfall adds up; rows that do not are explained again; units per model -----------
def _bars(fig) -> tuple[list[str], list[float], list[str]]:
    trace = fig.data[0]
    return list(trace.x), [float(v) for v in trace.y], list(trace.measure)


def test_the_waterfall_ends_exactly_at_the_score_with_a_residual_bar() -> None:
    """The screenshot case: shown contributions run past the score (to 1.08 with these); the
    residual brings the bars back, and the last bar is the score itself, not base + shown."""
    base, score = 0.20, 0.948
    contributions = pd.Series(
        [0.31, 0.22, 0.14, 0.09, 0.07, 0.05, 0.04, -0.03, 0.02, 0.015, -0.01, 0.005],
        index=[f"x{i}" for i in range(12)],
    )
    fig = waterfall(base, contributions, score, top=8)
    names, values, measures = _bars(fig)
    assert names[0] == "Average score" and measures[0] == "absolute" and values[0] == base
    assert names[-1] == "This prediction" and measures[-1] == "absolute"
    assert values[-1] == score  # drawn at the score, not at a computed total
    assert names[-2] == "Other inputs and approximation" and measures[-2] == "relative"
    shown = values[1:-2]
    assert len(shown) == 8 and measures[1:-1] == ["relative"] * 9
    assert values[-2] == pytest.approx(score - base - sum(shown), abs=1e-12)
    assert base + sum(values[1:-1]) == pytest.approx(score, abs=1e-12)  # the bars end there
    gap = score - base - contributions.sum()
    hover = fig.data[0].hovertext
    assert f"{gap:+.4f}" in hover[-2] and f"{gap:+.4f}" in hover[-1]
    assert "4 other features" in hover[-2]
    assert fig.layout.yaxis.title.text == "Raw model score (before calibration)"


def test_the_waterfall_axis_stays_within_what_the_bars_need() -> None:
    contributions = pd.Series([0.4, 0.2, -0.1, 0.05], index=["a", "b", "c", "d"])
    fig = waterfall(0.3, contributions, 0.86)
    low, high = fig.layout.yaxis.range
    assert low == 0.0 and 0.9 <= high <= 1.0  # a probability: no axis above 1 for bars below it
    over = waterfall(0.3, pd.Series([0.6, 0.3, -0.2], index=["a", "b", "c"]), 0.95)
    assert over.layout.yaxis.range[1] > 1.2  # a running total at 1.2 needs the axis above 1
    regression = waterfall(-0.5, pd.Series([-0.7, 0.2], index=["a", "b"]), -1.1, probability=False)
    low, high = regression.layout.yaxis.range
    assert low < -1.2 and high >= 0.0
    assert regression.layout.yaxis.title.text == "Risk score"


def test_rows_whose_gap_is_large_beside_their_move_are_flagged() -> None:
    score = np.array([0.80, 0.80, 0.30, 0.302, 0.10])
    base = 0.30
    total = np.array([0.45, 0.38, 0.04, 0.0, -0.10])  # gaps 0.05, 0.12, -0.04, 0.002, -0.10
    flagged = needs_resample(score, base, total)
    # |gap| against 20% of |score - base|: 0.05 <= 0.1; 0.12 > 0.1; 0.04 > 0 (a row that does
    # not move); 0.002 > 0.0004 but under the floor (1% of the mean move, 0.0024); 0.10 > 0.04
    assert flagged.tolist() == [False, True, True, False, True]


def test_a_row_that_does_not_add_up_is_explained_again_with_more_samples(run, monkeypatch) -> None:
    """Four samples per row on the first pass: many rows miss by more than a fifth of their move
    and are explained again with four times the samples, which brings their gaps down."""
    calls: list[dict] = []
    real = E.expected_gradients

    def spy(model, x, background, emit=E._quiet, seed=0, nsamples=None, stage="explaining"):
        out = real(model, x, background, emit, seed, nsamples=nsamples, stage=stage)
        calls.append({"n": len(x[0]), "nsamples": nsamples or E.NSAMPLES, "out": out})
        return out

    monkeypatch.setattr(E, "NSAMPLES", 4)
    monkeypatch.setattr(E, "expected_gradients", spy)
    exp = explain_run(run, "random", 60, background=30)
    rows = exp.rows
    first, again = calls
    assert first["nsamples"] == 4 and again["nsamples"] == 16
    first_total = sum(v.reshape(len(rows), -1).sum(axis=1) for v in first["out"])
    score, base = rows["score"].to_numpy(), float(rows["base_value"].iloc[0])
    flagged = needs_resample(score, base, first_total)
    assert flagged.sum() == again["n"] == exp.info["resampled"] > 0
    assert rows["resampled"].tolist() == flagged.tolist()
    assert exp.info["resample_nsamples"] == 16
    gaps = exp.gaps()
    total = rows[exp.features].sum(axis=1).to_numpy()
    np.testing.assert_allclose(gaps, score - base - total, atol=1e-9)  # stored with each row
    first_gap = np.abs(E.row_gaps(score, base, first_total))
    assert np.abs(gaps[flagged]).mean() < first_gap[flagged].mean()
    np.testing.assert_allclose(np.abs(gaps[~flagged]), first_gap[~flagged], atol=1e-9)
    assert exp.additivity_gap == pytest.approx(np.abs(gaps).mean())


def test_each_model_names_its_unit_and_an_older_file_still_loads(explained) -> None:
    # one scale for every model of a classifier: log-odds
    assert explained.info["units"] == {"model": "log_odds", "baseline": "log_odds"}
    deep = importance_bars(explained.importance, unit="log_odds")
    gbm = importance_bars(explained.baseline_importance, unit="log_odds")
    assert "log-odds" in deep.layout.xaxis.title.text
    assert "log-odds" in gbm.layout.xaxis.title.text
    assert "additivity_gap" in explained.rows and "resampled" in explained.rows
    assert not {"additivity_gap", "resampled"} & set(explained.features)
    raw = json.loads(json.dumps(explained.to_json()))
    again = Explanation.from_json(raw)
    np.testing.assert_allclose(again.gaps(), explained.gaps())
    assert again.resampled().tolist() == explained.resampled().tolist()
    # a file from before the per-row checks: no gap, resampled flag or units stored
    for record in raw["rows"]:
        del record["additivity_gap"], record["resampled"]
    del raw["info"]["units"]
    old = Explanation.from_json(raw)
    np.testing.assert_allclose(old.gaps(), explained.gaps(), atol=1e-9)
    assert not old.resampled().any()
    assert old.units("classification") == {"model": "probability", "baseline": "log_odds"}
    assert old.units("regression") == {"model": "score", "baseline": "score"}
    bare = Explanation.from_json({"rows": raw["rows"]})  # rows only: features from the columns
    assert set(bare.features) == set(explained.features)
