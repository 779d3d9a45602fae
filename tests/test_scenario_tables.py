"""The Scenarios page's pure parts: shock-table rows <-> scenarios, scenario files, summaries,
and the scenario / comparison / tuning figures (no model, no browser)."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from riskcore.charts.compare import (
    COMPARE_LABELS,
    pr_overlay,
    roc_overlay,
    training_overlay,
    tuning_parallel,
)
from riskcore.charts.scenarios import (
    SCENARIO_LABELS,
    attribution_bars,
    entity_deltas,
    scenario_distributions,
)
from riskcore.errors import ConfigError
from riskcore.scenarios import ScenarioResult, parse_scenario
from riskcore.scenarios.tables import (
    dump_scenarios,
    parse_scenarios,
    scenario_from_rows,
    scenario_rows,
    summary_table,
)
from ui.i18n import TEXT

ROWS = pd.DataFrame(
    [
        {
            "feature": "ret_1d",
            "op": "multiply",
            "value": 2.0,
            "unit": None,
            "last_steps": 5.0,
            "entities": "ACME, BOLT",
            "from": pd.Timestamp("2024-01-02"),
            "to": pd.NaT,
        },
        {"feature": None, "op": None, "value": np.nan},  # a blank row the editor adds
        {"feature": "credit_spread", "op": "add", "value": 2.0, "unit": "std"},
    ]
)


def test_editor_rows_become_a_scenario_and_back() -> None:
    scenario = scenario_from_rows("stress", ROWS)
    first, second = scenario.shocks
    assert (first.feature, first.op, first.value, first.unit) == ("ret_1d", "multiply", 2.0, "raw")
    assert first.last_steps == 5 and first.entities == ["ACME", "BOLT"]
    assert first.from_ == date(2024, 1, 2) and first.to is None
    assert (second.feature, second.unit, second.last_steps) == ("credit_spread", "std", None)
    back = scenario_rows(scenario)
    assert list(back["feature"]) == ["ret_1d", "credit_spread"]
    assert scenario_from_rows("stress", back) == scenario


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        ([{"feature": "x", "op": "add", "value": None}], ["shocks[0].value"]),
        ([{"feature": "x", "op": "pow", "value": 1}], ["shocks[0].op"]),
        ([{"feature": "x", "op": "add", "value": 1, "last_steps": 2.5}], ["last_steps"]),
        ([{"feature": None, "op": None, "value": None}], ["no shock", "at least one row"]),
    ],
)
def test_a_bad_row_names_the_row_and_field(rows, words) -> None:
    with pytest.raises(ConfigError) as err:
        scenario_from_rows("s", rows)
    for word in words:
        assert word in str(err.value)


def test_scenario_files_hold_one_or_many_and_round_trip() -> None:
    one = parse_scenario({"name": "a", "shocks": [{"feature": "x", "op": "add", "value": 1}]})
    two = parse_scenario({"name": "b", "replay": {"from": "2020-03-01", "to": "2020-05-31"}})
    assert json.loads(dump_scenarios([one]))["name"] == "a"  # the design's single object
    assert parse_scenarios(dump_scenarios([one, two])) == [one, two]
    assert parse_scenarios(json.dumps({"scenarios": [json.loads(one.to_json())]})) == [one]
    with pytest.raises(ConfigError, match="two scenarios 'a'"):
        parse_scenarios(json.dumps([json.loads(one.to_json())] * 2), "f.json")
    with pytest.raises(ConfigError, match=r"f\.json"):
        parse_scenarios(b"\xff\xfe", "f.json")
    with pytest.raises(ConfigError, match=r"f\.json #2.*feature"):
        parse_scenarios(json.dumps([{"name": "ok"}, {"name": "bad", "shocks": [{}]}]), "f.json")


def _result(name: str, delta: float) -> ScenarioResult:
    base = np.array([0.1, 0.2, 0.6, 0.8])
    table = pd.DataFrame(
        {
            "time": pd.to_datetime(["2024-01-01"] * 2 + ["2024-01-02"] * 2),
            "entity": ["A", "B", "A", "B"],
            "score_base": base,
            "score_scenario": base + [delta, 0, delta, 0],
        }
    )
    table["delta"] = table["score_scenario"] - table["score_base"]
    return ScenarioResult(name, table)


def test_the_summary_table_has_one_row_per_scenario() -> None:
    table = summary_table([_result("up", 0.45), _result("down", -0.1)], threshold=0.5)
    assert list(table["scenario"]) == ["up", "down"]
    up = table.iloc[0]
    assert (up["predictions"], up["affected"]) == (4, 2)
    assert up["mean_delta"] == pytest.approx(0.225)
    assert up["share_above_base"] == 0.5 and up["share_above_scenario"] == 0.75
    assert up["events_scenario"] - up["events_base"] == pytest.approx(0.9)


def test_scenario_figures_show_every_scenario_and_rank_entities() -> None:
    results = [_result("up", 0.1), _result("down", -0.3)]
    dist = scenario_distributions(results)
    assert [t.name for t in dist.data] == ["Base", "up", "down"]
    bars = entity_deltas(results)
    assert [t.name for t in bars.data] == ["up", "down"]
    assert list(bars.data[0].y) == ["A", "B"]  # A moved, B did not: A on top
    assert bars.data[0].orientation == "h" and bars.layout.yaxis.autorange == "reversed"
    shap = attribution_bars(pd.Series({"credit_spread": -0.2, "ret_1d": 0.01, "m": 0.0}), "ACME")
    assert list(shap.data[0].y)[-1] == "credit_spread"  # largest on top
    assert "ACME" in shap.layout.title.text
    empty = scenario_distributions([])
    assert not empty.data and empty.layout.annotations


def test_comparison_figures_draw_one_trace_per_run() -> None:
    rng = np.random.default_rng(0)
    y = (rng.random(200) < 0.3).astype(float)
    curves = {"run1": (y, y * 0.5 + rng.random(200) * 0.5), "run2": (y, rng.random(200))}
    roc = roc_overlay(curves)
    assert [t.name.split(" ")[0] for t in roc.data[1:]] == ["run1", "run2"]
    assert len(pr_overlay(curves).data) == 2
    one_class = roc_overlay({"r": (np.zeros(5), np.arange(5.0))})
    assert one_class.layout.annotations
    history = pd.DataFrame({"epoch": [1, 2], "loss": [0.7, 0.6], "val_loss": [0.72, 0.65]})
    assert len(training_overlay({"run1": history, "run2": history}).data) == 4
    table = pd.DataFrame(
        {
            "trial": [1, 2, 3],
            "units": [8, 16, 32],
            "cell": ["lstm", "gru", "lstm"],
            "value": [0.6, 0.7, np.nan],
            "run_id": ["a", "b", None],
            "state": ["complete", "complete", "fail"],
            "error": [None, None, "boom"],
        }
    )
    par = tuning_parallel(table, "roc_auc")
    dims = par.data[0].dimensions
    assert isinstance(par.data[0], go.Parcoords)
    assert [d.label for d in dims] == ["Trial", "units", "cell", "ROC-AUC"]
    assert list(dims[2].ticktext) == ["gru", "lstm"]
    assert len(dims[0].values) == 2  # the failed trial is left out


def test_every_scenario_chart_label_is_translated() -> None:
    for key in {**SCENARIO_LABELS, **COMPARE_LABELS}:
        assert f"chart.{key}" in TEXT, key
    for key in ("stage.scenarios", "stage.tuning"):
        assert key in TEXT
    presets = [k for k in TEXT if k.startswith("preset.")]
    from riskcore.scenarios import PRESETS

    assert sorted(presets) == sorted(f"preset.{p}" for p in PRESETS)
