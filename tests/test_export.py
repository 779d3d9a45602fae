"""Export for TF Serving: the SavedModel reproduces the run's scores; the JSON describes it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from riskcore.calibration import Calibrator
from riskcore.cli import main
from riskcore.config import parse_config
from riskcore.explain import RunInputs
from riskcore.export import PREPROCESSING, SAVED_MODEL, export_run
from riskcore.store import RunStore
from riskcore.train import train_run
from tests.panels import planted_panel

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    store = RunStore(tmp_path_factory.mktemp("home"))
    config = parse_config(
        {
            "data": {
                "time": "date",
                "entity": "ent",
                "sequence_features": ["f1", "f2"],
                "macro_features": ["m1"],
                "sentiment_features": ["s"],
                "static_features": ["sector"],
                "target": {"kind": "column", "column": "event"},
            },
            "window": 5,
            "horizon": 1,
            "model": {"units": [8], "dense_units": 4, "tower_units": 4},
            "training": {"epochs": 2, "batch_size": 64, "patience": 0},
        }
    )
    return store.load(train_run(config, *planted_panel(days=150), store=store))


def test_saved_model_reproduces_the_run_scores(run, tmp_path) -> None:
    import tensorflow as tf

    out = export_run(run, tmp_path / "export")
    spec = json.loads((out / PREPROCESSING).read_text(encoding="utf-8"))
    assert [i["name"] for i in spec["inputs"]] == run.state["inputs"]
    assert spec["inputs"][0]["shape"] == [None, 5, 2]
    assert spec["preprocessor"] == run.state["preprocessor"]
    assert "sector=bank" in spec["inputs"][-1]["features"]
    served = tf.saved_model.load(str(out / SAVED_MODEL))
    test = run.predictions.query("split == 'test'").head(50)
    x = RunInputs.of(run).x(test["row"].to_numpy())
    scores = np.asarray(served.serve(x)).reshape(-1)
    np.testing.assert_allclose(scores, test["score_raw"].to_numpy(), atol=1e-5)
    calibrated = Calibrator.from_dict(spec["calibration"]).apply(scores)
    assert spec["calibration"]["method"] == "platt"
    np.testing.assert_allclose(calibrated, test["score"].to_numpy(), atol=1e-5)


def test_cli_export_and_a_folder_in_use_is_refused(run, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("RISKCORE_HOME", str(run.path.parent.parent))
    target = tmp_path / "serving"
    assert main(["export", run.run_id, "--out", str(target)]) == 0
    assert (target / SAVED_MODEL / "saved_model.pb").exists()
    capsys.readouterr()
    assert main(["export", run.run_id, "--out", str(target)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and str(target) in err and "\n" not in err
