"""Nothing a user offers is executed: models load with Keras safe_mode, no user pickle is read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from riskcore.errors import RunStoreError
from riskcore.store import Run

ROOT = Path(__file__).resolve().parent.parent


def _hostile_run(tmp_path: Path, kind: str) -> Run:
    import keras

    inp = keras.Input((3,), name="static")
    if kind == "lambda":
        x = keras.layers.Lambda(lambda t: t * 2.0, name="doubling")(inp)
    else:

        @keras.saving.register_keras_serializable(package="hostile")
        class Sneaky(keras.layers.Layer):
            def call(self, t):
                return t + 1.0

        x = Sneaky(name="sneaky")(inp)
    out = keras.layers.Dense(1, activation="sigmoid", name="risk_score")(x)
    folder = tmp_path / "runs" / f"20260101-000000-{kind[:6]:0<6}"
    folder.mkdir(parents=True)
    keras.Model(inp, out).save(folder / "model.keras")
    if kind != "lambda":  # a fresh process would not know the class: forget it here too
        keras.saving.get_custom_objects().clear()
    return Run(folder.name, folder)


@pytest.mark.parametrize("kind", ["lambda", "custom"])
def test_a_model_file_with_code_is_refused(tmp_path, kind) -> None:
    run = _hostile_run(tmp_path, kind)
    with pytest.raises(RunStoreError, match=r"cannot be loaded safely.*retrain the run") as info:
        run.load_model()
    message = str(info.value)
    assert "\n" not in message and len(message) < 300  # one line for the CLI and st.error


def test_no_user_data_is_ever_unpickled() -> None:
    """The only unpickling is riskcore.jobs reading its own worker pipe."""
    risky = re.compile(r"pickle\.loads?\(|allow_pickle\s*=\s*True|joblib|dill|cloudpickle")
    hits = []
    for path in [*ROOT.glob("riskcore/**/*.py"), *ROOT.glob("ui/*.py"), *ROOT.glob("pages/*.py")]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if risky.search(line):
                hits.append(f"{path.relative_to(ROOT)}: {line.strip()}")
    assert hits == ["riskcore/jobs.py: message = pickle.loads(conn.recv_bytes())"], hits
