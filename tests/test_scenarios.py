"""Scenarios on tiny runs: planted drivers move scores, raw-unit shocks, restrictions, replay,
presets, run comparison and storage; plus the documented driver of the sample market data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from riskcore.compare import compare_runs
from riskcore.config import parse_config
from riskcore.errors import ConfigError, DataValidationError
from riskcore.io import read_table
from riskcore.scenarios import (
    PRESETS,
    ScenarioResult,
    apply_scenario,
    build_preset,
    guess_column,
    load_scenarios,
    parse_scenario,
    prepare_inputs,
    run_scenarios,
    save_scenarios,
    shocked_inputs,
    validate_scenario,
    worst_period,
)
from riskcore.store import RunStore, RunWriter, new_run_id
from riskcore.train import describe_source, train_run
from tests.panels import planted_panel

pytestmark = pytest.mark.slow
SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
TABLE_COLUMNS = ["time", "entity", "score_base", "score_scenario", "delta"]
TINY = {"units": [8], "dense_units": 4, "tower_units": 4, "dropout": 0.0}


def _sources(frames) -> list[dict]:
    roles = ("primary", "macro", "sentiment")
    return [
        describe_source(role, f"{role}.csv", f.to_csv(index=False).encode())
        for role, f in zip(roles, frames, strict=True)
    ]


@pytest.fixture(scope="module")
def data():
    return planted_panel()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return RunStore(tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="module")
def run(data, store):
    config = parse_config(
        {
            "data": {
                "time": "date",
                "entity": "ent",
                "sequence_features": ["f1", "f2"],
                "macro_features": ["m1", "m2"],
                "sentiment_features": ["s"],
                "static_features": ["size", "sector", "const"],
                "target": {"kind": "column", "column": "event"},
            },
            "window": 5,
            "horizon": 1,
            "model": TINY,
            "training": {"epochs": 8, "batch_size": 32, "patience": 0, "learning_rate": 0.01},
        }
    )
    return store.load(train_run(config, *data, store=store, sources=_sources(data)))


@pytest.fixture(scope="module")
def inputs(run, data):
    return prepare_inputs(run, *data)


def _shock(feature: str, **shock) -> dict:
    return {"name": f"{feature} shock", "shocks": [{"feature": feature, **shock}]}


def _apply(run, inputs, scenario: dict):
    return apply_scenario(run, parse_scenario(scenario), base=inputs)


def _column(inputs, name: str) -> tuple[str, int]:
    block = inputs.block_of(name)
    return block, inputs.panel.names[block].index(name)


def _scaled(inputs, name: str, raw: np.ndarray) -> np.ndarray:
    state = inputs.preprocessor.numeric[name]
    return (raw - state.mean) / state.std


# ---- planted drivers -----------------------------------------------------------------------------
def test_driver_shocks_raise_scores_and_noise_shocks_barely_move_them(run, inputs) -> None:
    up = {f: _apply(run, inputs, _shock(f, op="add", value=2, unit="std")) for f in ("f1", "f2")}
    up |= {f: _apply(run, inputs, _shock(f, op="add", value=2, unit="std")) for f in ("m1", "m2")}
    mean = {f: r.table["delta"].mean() for f, r in up.items()}
    assert mean["f1"] > 0.05 and mean["m1"] > 0.05, mean
    assert abs(mean["f2"]) < 0.3 * mean["f1"], mean
    assert abs(mean["m2"]) < 0.3 * mean["m1"], mean
    down = _apply(run, inputs, _shock("m1", op="add", value=-2, unit="std"))
    assert down.table["delta"].mean() < 0


def test_set_and_multiply_work_in_raw_units(run, inputs) -> None:
    scenario = parse_scenario(
        {
            "name": "raw",
            "shocks": [
                {"feature": "m1", "op": "multiply", "value": 3},
                {"feature": "f1", "op": "set", "value": 1.5},
                {"feature": "size", "op": "add", "value": 10},
                {"feature": "s", "op": "set", "value": 0.5, "unit": "std"},
            ],
        }
    )
    pos, x = shocked_inputs(inputs, scenario)
    assert len(pos) == len(inputs.ends)
    rows = inputs.ends[pos]
    frame = inputs.frame
    expected = {
        "m1": _scaled(inputs, "m1", 3 * frame["m1"].to_numpy()[rows]),
        "size": _scaled(inputs, "size", frame["size"].to_numpy()[rows] + 10),
        "s": np.full(len(rows), 0.5),  # set in std units: mean + 0.5 sd, i.e. 0.5 scaled
    }
    for name, want in expected.items():
        block, j = _column(inputs, name)
        np.testing.assert_allclose(x[block][:, j], want, rtol=1e-5, atol=1e-5)
    block, j = _column(inputs, "f1")
    np.testing.assert_allclose(x[block][:, :, j], _scaled(inputs, "f1", 1.5), atol=1e-6)


def test_last_steps_changes_only_the_last_steps_of_each_window(run, inputs) -> None:
    scenario = parse_scenario(_shock("f1", op="add", value=5, last_steps=2))
    pos, x = shocked_inputs(inputs, scenario)
    base = inputs.panel.inputs(inputs.ends[pos])
    diff = x["sequence"] - base["sequence"]
    _, j = _column(inputs, "f1")
    assert np.all(diff[:, :-2, :] == 0)  # overlapping windows: earlier steps untouched
    others = [k for k in range(diff.shape[2]) if k != j]
    assert np.all(diff[:, :, others] == 0)
    step = 5 / inputs.preprocessor.numeric["f1"].std
    np.testing.assert_allclose(diff[:, -2:, j], step, rtol=1e-4)
    for block in ("macro", "sentiment", "static"):
        np.testing.assert_array_equal(x[block], base[block])


def test_entities_and_dates_restrict_the_affected_rows(run, inputs) -> None:
    times = np.unique(inputs.times)
    start, end = pd.Timestamp(times[10]).date(), pd.Timestamp(times[30]).date()
    scenario = _shock(
        "m1", op="add", value=2, unit="std", entities=["E1", "E3"], **{"from": str(start)}
    )
    scenario["shocks"][0]["to"] = str(end)
    table = _apply(run, inputs, scenario).table
    day = table["time"].dt.date
    hit = table["entity"].isin(["E1", "E3"]) & (day >= start) & (day <= end)
    assert hit.sum() == 2 * 21
    assert (table.loc[~hit, "delta"] == 0).all()
    assert (table.loc[hit, "delta"] != 0).mean() > 0.9


def test_result_table_is_the_scenario_csv_and_the_primary_path_matches(run, inputs, data) -> None:
    scenario = parse_scenario(_shock("f1", op="add", value=1, unit="std"))
    result = apply_scenario(run, scenario, *data)  # prepares its own inputs
    assert list(result.table.columns) == TABLE_COLUMNS
    assert len(result.table) == len(inputs.ends)
    assert result.table["time"].is_monotonic_increasing
    shared = apply_scenario(run, scenario, base=inputs)
    pd.testing.assert_frame_equal(result.table, shared.table)
    s = result.summary(threshold=0.5)
    assert s["base"]["expected_events"] == pytest.approx(result.table["score_base"].sum())
    assert s["scenario"]["share_above"] == pytest.approx(
        (result.table["score_scenario"] >= 0.5).mean()
    )
    assert s["base"]["p50"] <= s["base"]["p90"] <= s["base"]["p99"]
    assert len(s["top_entities"]) == 6
    movers = result.top_movers(3)
    assert len(movers) == 3 and movers["mean_delta"].abs().is_monotonic_decreasing
    json.dumps(s)


def test_empty_scenario_gives_zero_delta_everywhere(run, inputs) -> None:
    result = _apply(run, inputs, {"name": "base case"})
    assert (result.table["delta"] == 0).all()
    s = result.summary(0.5)
    assert s["affected"] == 0 and s["base"] == s["scenario"]


def test_latest_scores_each_entity_once_and_scenarios_share_one_base(run, data) -> None:
    scenarios = [parse_scenario(_shock(f, op="add", value=2, unit="std")) for f in ("m1", "f1")]
    results = run_scenarios(run, scenarios, *data, which="latest")
    assert [r.name for r in results] == ["m1 shock", "f1 shock"]
    for r in results:
        assert sorted(r.table["entity"]) == [f"E{e}" for e in range(6)]
        assert r.table["time"].nunique() == 1
    np.testing.assert_array_equal(results[0].table["score_base"], results[1].table["score_base"])


# ---- replay --------------------------------------------------------------------------------------
def test_replay_lays_the_period_over_the_latest_scoring_dates(run, inputs, data) -> None:
    _, macro, _ = data
    scenario = parse_scenario(
        {"name": "spring", "replay": {"from": "2021-03-01", "to": "2021-04-30"}}
    )
    table = apply_scenario(run, scenario, base=inputs).table
    path = pd.bdate_range("2021-03-01", "2021-04-30")
    dates = np.sort(table["time"].unique())
    overlaid = table["time"].isin(dates[-len(path) :])
    assert (table.loc[~overlaid, "delta"] == 0).all()
    assert (table.loc[overlaid, "delta"] != 0).mean() > 0.9
    pos, _ = shocked_inputs(inputs, scenario)
    last = pos[inputs.times[pos] == dates[-1]]
    _, x_last = shocked_inputs(inputs, scenario, last)
    known = macro.loc[macro["date"] <= path[-1], "m1"].iloc[-1]  # as of the period's last day
    block, j = _column(inputs, "m1")
    np.testing.assert_allclose(x_last[block][:, j], _scaled(inputs, "m1", known), atol=1e-5)
    base = inputs.panel.inputs(inputs.ends[last])
    np.testing.assert_array_equal(x_last["sequence"], base["sequence"])
    assert len(pos) == overlaid.sum()


def test_replay_outside_the_macro_data_is_rejected(run, inputs) -> None:
    scenario = parse_scenario(
        {"name": "2008", "replay": {"from": "2008-09-01", "to": "2008-12-31"}}
    )
    with pytest.raises(DataValidationError, match="outside the macro data"):
        apply_scenario(run, scenario, base=inputs)


def test_worst_period_holds_the_highest_event_rate(run) -> None:
    start, end = worst_period(run, 3)
    p = run.predictions
    inside = (p["time"].dt.date >= start) & (p["time"].dt.date <= end)
    assert (end - start).days < 95
    assert p.loc[inside, "y_true"].mean() > p["y_true"].mean()


# ---- mistakes ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("scenario", "match"),
    [
        (_shock("f1", op="mul", value=1), r"shocks\[0\]\.op.*'mul'"),
        (_shock("f1", op="add", value="lots"), r"shocks\[0\]\.value.*'lots'"),
        (_shock("f1", op="add", value=float("nan")), r"shocks\[0\]\.value"),
        (_shock("f1", op="add", value=1, last_steps=0), r"shocks\[0\]\.last_steps"),
        (_shock("f1", op="add", value=1, scale=2), r"shocks\[0\]\.scale: unknown key"),
        (_shock("f1", op="multiply", value=2, unit="std"), "unit 'std' applies to add and set"),
        (_shock("f1", op="add", value=1, **{"from": "2021-05-01", "to": "2021-01-01"}), "swap"),
        ({"shocks": []}, "name: required"),
        ({"name": "x", "replay": {"from": "2021-01-01"}}, r"replay\.to: required"),
        (
            {
                **_shock("f1", op="add", value=1),
                "replay": {"from": "2021-01-01", "to": "2021-02-01"},
            },
            "either shocks or a replay",
        ),
    ],
)
def test_malformed_scenarios_raise_config_errors_naming_the_field(scenario, match) -> None:
    with pytest.raises(ConfigError, match=match):
        parse_scenario(scenario, "s.json")


def test_bad_json_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="not valid JSON"):
        parse_scenario(b'{"name": ', "s.json")


@pytest.mark.parametrize(
    ("scenario", "match"),
    [
        (_shock("nope", op="add", value=1), r"unknown feature 'nope'.*f1, f2.*m1, m2.*s.*size"),
        (_shock("sector", op="set", value=1), "'sector' is a categorical feature"),
        (_shock("m1", op="add", value=1, last_steps=2), "last_steps applies to sequence"),
        (_shock("f1", op="add", value=1, last_steps=9), "exceeds the run's window of 5"),
        (_shock("const", op="add", value=1, unit="std"), "'const' was constant"),
    ],
)
def test_scenarios_that_do_not_fit_the_run_raise_config_errors(run, scenario, match) -> None:
    with pytest.raises(ConfigError, match=match):
        validate_scenario(parse_scenario(scenario), run)


def test_unknown_entities_and_empty_selections_name_the_value(run, inputs) -> None:
    with pytest.raises(DataValidationError, match="entity 'E99'"):
        _apply(run, inputs, _shock("m1", op="add", value=1, entities=["E99"]))
    with pytest.raises(DataValidationError, match="select none"):
        _apply(run, inputs, _shock("m1", op="add", value=1, to="2021-01-10"))
    with pytest.raises(ConfigError, match="which must be one of"):
        prepare_inputs(run, pd.DataFrame(), which="newest")


# ---- presets -------------------------------------------------------------------------------------
def test_presets_need_a_fitting_column(run) -> None:
    assert guess_column("policy_rate_up_200bp", run) is None
    assert guess_column("replay_worst_3_months", run) is None
    with pytest.raises(ConfigError, match="needs a feature"):
        build_preset("credit_spread_up_2sd", None, run)
    with pytest.raises(ConfigError, match="unknown scenario preset 'crash'"):
        build_preset("crash", "m1", run)
    zh = build_preset(
        "credit_spread_up_2sd", "m1", run, label="信用利差 +2 个标准差", language="zh"
    )
    assert zh.name == "信用利差 +2 个标准差（m1）"
    scenario = build_preset("credit_spread_up_2sd", "m1", run, magnitude=0.5)
    assert scenario.shocks[0].value == 1.0 and scenario.shocks[0].unit == "std"
    assert scenario.shocks[0].describe() == "m1 add +1 sd"
    vol = build_preset("volatility_x2_last_10", "f1", run, magnitude=2)
    assert vol.shocks[0].value == 3.0 and vol.shocks[0].last_steps == 5  # clipped to window


@pytest.fixture(scope="module")
def market(store):
    """A tiny run on the sample market data (read as an analyst would upload it)."""
    frames = [read_table(SAMPLE / f"market_{n}.csv")[0] for n in ("prices", "macro", "sentiment")]
    raw = json.loads((SAMPLE / "market_config.json").read_text())
    raw["data"]["sequence_features"] = ["ret_1d"]
    raw["window"] = 5
    raw["model"] = {**TINY, "tower_units": 8}
    raw["training"] = {"epochs": 4, "batch_size": 512, "patience": 0, "learning_rate": 0.01}
    run = store.load(train_run(parse_config(raw), *frames, store=store))
    return run, prepare_inputs(run, *frames)


def test_presets_find_the_sample_market_columns_and_build_valid_scenarios(market) -> None:
    run, inputs = market
    guessed = {name: guess_column(name, run) for name in PRESETS}
    assert guessed == {
        "policy_rate_up_200bp": "policy_rate",
        "credit_spread_up_2sd": "credit_spread",
        "sentiment_crash_2sd": "sentiment",
        "volatility_x2_last_10": "ret_1d",
        "replay_worst_3_months": None,
    }
    for name, column in guessed.items():
        scenario = build_preset(name, column, run)
        result = apply_scenario(run, scenario, base=inputs)
        assert len(result.table) == len(inputs.ends)
    replay = build_preset("replay_worst_3_months", None, run).replay
    assert (replay.from_, replay.to) == worst_period(run, 3)


def test_credit_spread_up_2sd_raises_the_mean_score_on_sample_market_data(market) -> None:
    run, inputs = market
    spread = apply_scenario(
        run, build_preset("credit_spread_up_2sd", "credit_spread", run), base=inputs
    )
    noise = _apply(run, inputs, _shock("noise_macro", op="add", value=2, unit="std"))
    assert spread.table["delta"].mean() > 0.02
    assert abs(noise.table["delta"].mean()) < 0.3 * spread.table["delta"].mean()


# ---- comparing runs and storing results ----------------------------------------------------------
def _copy_run(store: RunStore, run, config=None, files=None):
    path = store.root / new_run_id()
    shutil.copytree(run.path, path)
    if config is not None:
        (path / "config.json").write_text(json.dumps(config))
    if files is not None:
        meta = json.loads((path / "meta.json").read_text()) | {"files": files}
        (path / "meta.json").write_text(json.dumps(meta))
    RunWriter(path, path.name).seal()  # saved that way, as a retrained run would be
    return store.load(path.name)


def test_compare_runs_lists_metrics_and_differing_fields_and_flags_other_data(run, store) -> None:
    config = run.config.model_dump(mode="json")
    config["model"]["units"] = [16]
    config["training"]["epochs"] = 3
    same_data = _copy_run(store, run, config=config)
    result = compare_runs([run, same_data])
    assert result["comparable"] and result["reason"] == ""
    diff = result["config_diff"].set_index("field")
    assert list(diff.index) == ["model.units", "training.epochs"]
    assert diff.loc["model.units", same_data.run_id] == "[16]"
    m = result["metrics"]
    assert list(m.columns) == ["run", "model", "metric", "value", "lo", "hi"]
    assert set(m["run"]) == {run.run_id, same_data.run_id}
    assert set(m["model"]) == {"model", "logistic", "gbm", "benchmark"}
    auc = m[(m["metric"] == "roc_auc") & (m["model"] == "model")].iloc[0]
    assert auc["lo"] <= auc["value"] <= auc["hi"]
    files = [dict(f) for f in run.meta["files"]]
    files[0]["sha256"] = "0" * 64
    other = _copy_run(store, run, files=files)
    result = compare_runs([run, same_data, other])
    assert not result["comparable"]
    assert "different data (primary file differs)" in result["reason"]
    with pytest.raises(ConfigError, match="2 to 4 runs"):
        compare_runs([run])


def test_saved_scenarios_round_trip_and_replace_by_name(run, inputs, store) -> None:
    first = _apply(run, inputs, _shock("m1", op="add", value=2, unit="std"))
    second = _apply(run, inputs, {"name": "base case"})
    save_scenarios(store, run.run_id, [first, second])
    save_scenarios(store, run.run_id, [first])  # same name again: replaced, not doubled
    loaded = load_scenarios(store.load(run.run_id))
    assert [r.name for r in loaded] == ["base case", "m1 shock"]
    back = loaded[1]
    assert isinstance(back, ScenarioResult) and back.scenario == first.scenario
    pd.testing.assert_frame_equal(back.table, first.table, atol=1e-6, check_dtype=False)
    assert (loaded[0].table["delta"] == 0).all()
    stored = store.load(run.run_id).json("scenarios.json")["scenarios"][1]["summary"]
    assert stored["mean_delta"] == pytest.approx(first.summary()["mean_delta"])


def test_a_shock_is_described_in_english_and_chinese() -> None:
    from riskcore.scenarios.spec import Shock

    shock = Shock.model_validate(
        {"feature": "credit_spread", "op": "add", "value": 2, "unit": "std", "last_steps": 5,
         "entities": ["A", "B"], "from": "2024-01-01", "to": "2024-03-31"}
    )  # fmt: skip
    assert shock.describe() == (
        "credit_spread add +2 sd, last 5 steps, entities A, B, 2024-01-01 to 2024-03-31"
    )
    assert shock.describe("zh") == (
        "credit_spread 加 +2 个标准差，最后 5 步，实体 A、B，2024-01-01 至 2024-03-31"
    )
    factor = Shock.model_validate({"feature": "ret_1d", "op": "multiply", "value": 2})
    assert (factor.describe(), factor.describe("zh")) == ("ret_1d multiply 2", "ret_1d 乘以 2")
