"""Architecture options of issue 16: wide and deep, the temporal-convolution tower."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from riskcore.config import parse_config
from riskcore.model import WINDOW_STATISTICS, build_model, parameter_count

SHAPES = {"sequence": (12, 5), "macro": (3,), "static": (7,)}


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
        {"wide": True},
        {"cell": "tcn", "units": [8, 8, 4]},
        {"cell": "tcn", "units": [8], "attention": True, "wide": True},
        {"cell": "gru", "units": [4], "wide": True, "batch_norm": True},
    ],
)
def test_parameter_count_matches_keras(model: dict) -> None:
    config = _config(**model)
    assert parameter_count(config, SHAPES) == build_model(config, SHAPES).count_params()


def test_cross_sectional_wide_model_counts_its_inputs() -> None:
    config = parse_config(
        {
            "data": {"time": None, "static_features": ["a"], "target": {"column": "y"}},
            "model": {"wide": True},
        }
    )
    model = build_model(config, {"static": (9,)})
    assert model.get_layer("fusion").output.shape[-1] == config.model.dense_units + 9
    assert parameter_count(config, {"static": (9,)}) == model.count_params()


def test_wide_statistics_are_the_baselines_window_features() -> None:
    """The fusion layer holds last, mean, variance, min, max and mean |x| of each feature and
    the other inputs themselves: what the logistic baseline sees, up to the spread's form."""
    model = build_model(_config(wide=True, units=[4]), SHAPES)
    fusion = model.get_layer("fusion")
    probe = keras.Model(model.inputs, fusion.output)
    rng = np.random.default_rng(0)
    x = {
        "sequence": rng.normal(size=(3, 12, 5)).astype("float32"),
        "macro": rng.normal(size=(3, 3)).astype("float32"),
        "static": rng.normal(size=(3, 7)).astype("float32"),
    }
    out = probe.predict(x, verbose=0)
    towers = 16 + 32 + 32  # sequence dense, macro and static towers
    assert out.shape[1] == towers + WINDOW_STATISTICS * 5 + 3 + 7
    seq = x["sequence"]
    expected = np.concatenate(
        [
            seq[:, -1],
            seq.mean(axis=1),
            seq.var(axis=1),
            seq.min(axis=1),
            seq.max(axis=1),
            np.abs(seq).mean(axis=1),
            x["macro"],
            x["static"],
        ],
        axis=1,
    )
    np.testing.assert_allclose(out[:, towers:], expected, rtol=1e-4, atol=1e-5)


def test_tcn_is_causal_and_has_no_recurrent_layer() -> None:
    """Changing the last row of the window changes no earlier step of the convolution."""
    model = build_model(_config(cell="tcn", units=[4, 4]), SHAPES)
    assert not any(isinstance(layer, keras.layers.RNN) for layer in model.layers)
    conv = keras.Model(model.inputs, model.get_layer("tcn_2").output)
    rng = np.random.default_rng(1)
    x = {k: rng.normal(size=(1, *s)).astype("float32") for k, s in SHAPES.items()}
    changed = {k: v.copy() for k, v in x.items()}
    changed["sequence"][0, -1] += 5.0
    a, b = conv.predict(x, verbose=0), conv.predict(changed, verbose=0)
    np.testing.assert_allclose(a[0, :-1], b[0, :-1])
    assert not np.allclose(a[0, -1], b[0, -1])


@pytest.mark.parametrize("model", [{"wide": True}, {"cell": "tcn", "units": [4]}])
def test_options_save_and_load_with_safe_mode(tmp_path, model: dict) -> None:
    built = build_model(_config(**model), SHAPES)
    path = tmp_path / "model.keras"
    built.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True, compile=False)
    rng = np.random.default_rng(2)
    x = {k: rng.normal(size=(4, *s)).astype("float32") for k, s in SHAPES.items()}
    np.testing.assert_allclose(loaded.predict(x, verbose=0), built.predict(x, verbose=0))


def test_vol_scaled_return_is_the_value_over_its_trailing_std_known_at_t() -> None:
    from riskcore.config import DerivedFeature
    from riskcore.targets import derive

    rng = np.random.default_rng(3)
    x = rng.normal(scale=np.r_[np.full(40, 0.01), np.full(40, 0.05)])
    spec = DerivedFeature(name="z", kind="vol_scaled", column="r", window=10)
    z = derive(x, spec)
    assert np.isnan(z[:9]).all()
    t = 30
    np.testing.assert_allclose(z[t], x[t] / x[t - 9 : t + 1].std(ddof=1))
    later = x.copy()
    later[t + 1 :] *= 100.0  # the future changes, the past scaled values do not
    np.testing.assert_array_equal(derive(later, spec)[: t + 1], z[: t + 1])
    # both regimes come out on one scale: that is the point of the option
    assert 0.5 < np.nanstd(z[10:40]) / np.nanstd(z[50:]) < 2.0


def test_new_configs_are_wide_and_runs_saved_before_are_not() -> None:
    """wide became the default (bench/bench_quality.py); a run saved without the key was a
    plain network and its config must still say so."""
    import json

    from riskcore.store import _as_saved

    assert _config().model.wide is True
    saved = {"data": _config().data.model_dump(mode="json"), "model": {"units": [4]}}
    old = parse_config(_as_saved(json.dumps(saved).encode()))
    assert old.model.wide is False and old.model.units == [4]
    saved["model"]["wide"] = True
    assert parse_config(_as_saved(json.dumps(saved).encode())).model.wide is True
