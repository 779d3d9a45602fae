"""RunConfig: defaults, round trips, and messages that name the field."""

from __future__ import annotations

import json
from typing import get_args

import pandas as pd
import pytest

from riskcore.config import (
    DrawdownTarget,
    TrainingConfig,
    check_columns,
    field_spec,
    load_config,
    parse_config,
    save_config,
)
from riskcore.errors import ConfigError, DataValidationError

MINIMAL = {
    "data": {
        "time": "date",
        "entity": "ticker",
        "sequence_features": ["ret_1d"],
        "target": {"kind": "column", "column": "event"},
    }
}


def test_minimal_config_gets_the_design_defaults() -> None:
    cfg = parse_config(MINIMAL)
    assert (cfg.task, cfg.window, cfg.horizon) == ("classification", 30, 20)
    assert cfg.split.scheme == "time"
    assert cfg.model.units == [64, 32] and cfg.model.cell == "lstm"
    assert cfg.training.class_weight == "balanced" and cfg.resolved_loss == "binary_crossentropy"


def test_round_trip_through_json(tmp_path) -> None:
    cfg = parse_config({**MINIMAL, "model": {"cell": "gru", "units": [8]}})
    path = tmp_path / "c.json"
    save_config(cfg, path)
    assert load_config(path) == cfg
    assert json.loads(path.read_text())["model"]["cell"] == "gru"


def test_forward_volatility_implies_regression_and_cross_section_is_stratified() -> None:
    raw = json.loads(json.dumps(MINIMAL))
    raw["data"]["target"] = {"kind": "forward_volatility", "column": "ret_1d"}
    assert parse_config(raw).task == "regression"
    cross = parse_config(
        {"data": {"time": None, "static_features": ["a"], "target": {"column": "y"}}}
    )
    assert cross.split.scheme == "stratified" and cross.cross_sectional
    assert "window" not in json.loads(cross.to_json())


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ({"model": {"dropout": 1.0}}, "model.dropout"),
        ({"training": {"epochs": -3}}, "training.epochs"),
        ({"model": {"colour": "red"}}, "model.colour: unknown key"),
        (
            {"data": {**MINIMAL["data"], "target": {"kind": "moon", "column": "x"}}},
            "unknown target kind 'moon'",
        ),
        (
            {
                "data": {
                    **MINIMAL["data"],
                    "target": {"kind": "drawdown", "column": "p", "threshold": 1.5},
                }
            },
            "data.target.threshold",
        ),
        ({"task": "regression", "training": {"loss": "focal"}}, "'focal' is for classification"),
        ({"data": {**MINIMAL["data"], "static_features": ["ret_1d"]}}, "listed in both"),
        ({"split": {"validation": 0.45, "test": 0.45}}, "at least 20%"),
    ],
)
def test_impossible_values_name_the_field(patch: dict, expected: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({**MINIMAL, **patch}, "my.json")
    assert expected in str(err.value)
    assert "'my.json'" in str(err.value)


def test_malformed_json_and_missing_file(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"data": {', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"not valid JSON at line 1"):
        load_config(bad)
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.json")


def test_check_columns_lists_every_missing_column_by_file() -> None:
    raw = json.loads(json.dumps(MINIMAL))
    raw["data"]["macro_features"] = ["rate", "spread"]
    cfg = parse_config(raw)
    primary = pd.DataFrame({"date": [], "ticker": [], "event": []})
    macro = pd.DataFrame({"date": [], "rate": []})
    with pytest.raises(DataValidationError) as err:
        check_columns(cfg, {"primary": primary, "macro": macro})
    msg = str(err.value)
    assert "primary file lacks column(s) ['ret_1d']" in msg
    assert "macro file lacks column(s) ['spread']" in msg
    with pytest.raises(DataValidationError, match="no macro file was given"):
        check_columns(cfg, {"primary": primary.assign(ret_1d=[])})


# ---- field specs: every bound, default and choice read from the fields ------------------------
def test_field_spec_reads_bounds_defaults_and_choices_from_the_fields() -> None:
    dropout = field_spec("model.dropout")
    assert (dropout.low, dropout.high, dropout.low_open, dropout.high_open) == (0, 1, False, True)
    assert dropout.default == 0.2 and not dropout.integer
    assert dropout.allows(0.0) and dropout.allows(0.99) and not dropout.allows(1.0)
    rate = field_spec("training.learning_rate")
    assert rate.low_open and not rate.allows(0.0) and rate.allows(1.0)
    units = field_spec("model.units")
    assert (units.low, units.high, units.length, units.default) == (1, 1024, (1, 4), [64, 32])
    assert units.integer and units.allows([36, 18]) and not units.allows([8] * 5)
    units.default.append(1)  # a caller's copy: the next spec is untouched
    assert field_spec("model.units").default == [64, 32]
    loss = field_spec("training.loss")
    assert loss.kind == "choice" and loss.default == "auto"
    assert loss.choices == get_args(TrainingConfig.model_fields["loss"].annotation)
    task = field_spec("task")
    assert task.choices == ("classification", "regression", "quantile") and task.nullable
    assert field_spec("threshold", DrawdownTarget).high_open
    with pytest.raises(KeyError, match="no field 'colour'"):
        field_spec("model.colour")


def test_ui_hints_never_reach_past_the_field_and_widen_to_any_valid_value() -> None:
    for path in ("window", "horizon", "model.dropout", "model.noise_std", "training.epochs"):
        spec = field_spec(path)
        low, high = spec.slider_range()
        assert spec.allows(low) and spec.allows(high), path
    window = field_spec("window")
    assert window.slider_range(1) == (1, 250) and window.slider_range(900) == (2, 900)
    assert window.slider_range(5000) == (2, 250)  # not a valid window: not offered
    assert 36 in field_spec("model.units").presets(36, 18)
    assert 0.0016 in field_spec("training.learning_rate").presets(0.0016)
    assert 96 in field_spec("training.batch_size").presets(96)
    for path in ("model.units", "training.batch_size", "training.learning_rate"):
        spec = field_spec(path)
        assert all(spec.allows(p) for p in spec.presets()), path
