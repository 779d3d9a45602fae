"""The Keras model: named inputs, parameter count without TensorFlow, safe loading."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from riskcore.config import parse_config
from riskcore.errors import RunStoreError
from riskcore.model import OUTPUT_LAYER, build_model, parameter_count
from riskcore.store import Run

SHAPES = {"sequence": (12, 5), "macro": (3,), "sentiment": (2,), "static": (7,)}


def _config(**model) -> object:
    raw = {
        "data": {
            "time": "d",
            "sequence_features": ["a"],
            "target": {"kind": "column", "column": "y"},
        },
        "model": model,
    }
    return parse_config(raw)


@pytest.mark.parametrize(
    "model",
    [
        {},
        {"cell": "gru", "units": [16, 8, 4]},
        {"attention": True, "batch_norm": True, "units": [8]},
        {"dropout": 0.0, "l1": 0.01, "noise_std": 0.1},
    ],
)
def test_parameter_count_matches_keras(model: dict) -> None:
    config = _config(**model)
    assert parameter_count(config, SHAPES) == build_model(config, SHAPES).count_params()


def test_cross_sectional_model_is_a_dense_network() -> None:
    config = parse_config(
        {"data": {"time": None, "static_features": ["a"], "target": {"column": "y"}}}
    )
    model = build_model(config, {"static": (9,)})
    assert [i.name for i in model.inputs] == ["static"]
    assert not any(isinstance(layer, keras.layers.LSTM) for layer in model.layers)
    assert parameter_count(config, {"static": (9,)}) == model.count_params()


def test_reference_architecture_and_cudnn_eligible_cells() -> None:
    model = build_model(_config(), SHAPES)
    assert [i.name for i in model.inputs] == list(SHAPES)
    lstms = [layer for layer in model.layers if isinstance(layer, keras.layers.LSTM)]
    assert [layer.units for layer in lstms] == [64, 32]
    for layer in lstms:
        assert layer.activation.__name__ == "tanh"
        assert layer.recurrent_activation.__name__ == "sigmoid"
        assert layer.recurrent_dropout == 0 and not layer.unroll
    assert model.get_layer(OUTPUT_LAYER).activation.__name__ == "sigmoid"


def test_mixed_precision_keeps_a_float32_head() -> None:
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        model = build_model(_config(units=[4]), SHAPES)
        x = {k: np.zeros((2, *s), dtype="float32") for k, s in SHAPES.items()}
        assert model(x).dtype == "float32"
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_saved_model_loads_safely_and_lambda_models_are_refused(tmp_path) -> None:
    model = build_model(_config(units=[4]), SHAPES)
    (tmp_path / "ok").mkdir()
    model.save(tmp_path / "ok" / "model.keras")
    loaded = Run("20240101-000000-abcdef", tmp_path / "ok").load_model()
    x = {k: np.ones((3, *s), dtype="float32") for k, s in SHAPES.items()}
    np.testing.assert_allclose(loaded(x), model(x), rtol=1e-6)
    inp = keras.Input((3,))
    hostile = keras.Model(inp, keras.layers.Lambda(lambda v: v * 2)(inp))
    (tmp_path / "bad").mkdir()
    hostile.save(tmp_path / "bad" / "model.keras")
    with pytest.raises(RunStoreError, match="cannot be loaded safely"):
        Run("20240101-000000-abcdef", tmp_path / "bad").load_model()


@pytest.mark.parametrize("levels", [[0.01], [0.01, 0.025, 0.05]])
def test_parameter_count_of_a_quantile_head_matches_keras(levels: list[float]) -> None:
    """The Train page's count of a VaR model (top, softplus gaps, fixed cumulative steps)."""
    raw = {
        "data": {
            "time": "d",
            "sequence_features": ["a"],
            "target": {"kind": "forward_return", "column": "close"},
        },
        "task": "quantile",
        "quantiles": levels,
        "model": {"units": [8]},
    }
    config = parse_config(raw)
    assert (
        parameter_count(config, SHAPES) == build_model(config, SHAPES, (0.0, 0.02)).count_params()
    )
