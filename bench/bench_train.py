"""Training throughput with lazy windows vs model.fit on a pre-materialised array; scoring speed.

    .venv/bin/python bench/bench_train.py [--samples 20000] [--epochs 3] [--repeats 3]

Default architecture (LSTM 64 -> 32 -> Dense 16), window 30, 20 sequence features, batch 256.
Steady state = epochs after the first (which pays tracing). Both sides train the same model
from the same weights in one process, alternating, and the medians are reported. Scoring:
100,000 windows through model.predict vs calling the model on batches (riskcore's choice).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WINDOW, FEATURES, BATCH = 30, 20, 256


def panel_dataset(samples: int, entities: int = 20):
    from riskcore.config import parse_config
    from riskcore.dataset import prepare

    rng = np.random.default_rng(0)
    per = samples // entities + WINDOW + 60
    frame = pd.DataFrame(
        rng.normal(size=(per * entities, FEATURES)).astype("float32"),
        columns=[f"f{i}" for i in range(FEATURES)],
    )
    frame.insert(0, "date", np.tile(pd.bdate_range("2000-01-03", periods=per), entities))
    frame.insert(1, "entity", np.repeat([f"E{i}" for i in range(entities)], per))
    frame["event"] = (rng.random(len(frame)) < 0.2).astype("float32")
    cfg = parse_config(
        {
            "data": {
                "time": "date",
                "entity": "entity",
                "sequence_features": [f"f{i}" for i in range(FEATURES)],
                "target": {"kind": "column", "column": "event"},
            },
            "window": WINDOW,
            "horizon": 1,
            "split": {"validation": 0.05, "test": 0.05},
            "training": {"batch_size": BATCH},
        }
    )
    return cfg, prepare(cfg, frame)


class EpochTimer:
    def __init__(self):
        import keras

        class _T(keras.callbacks.Callback):
            def on_train_begin(inner, logs=None):
                inner.times = []

            def on_epoch_begin(inner, epoch, logs=None):
                inner.t0 = time.perf_counter()

            def on_epoch_end(inner, epoch, logs=None):
                inner.times.append(time.perf_counter() - inner.t0)

        self.cb = _T()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--samples", type=int, default=20000)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    import keras

    from riskcore.batches import WindowBatches, predict_scores
    from riskcore.model import build_model, input_shapes

    cfg, ds = panel_dataset(a.samples)
    train = ds.splits["train"][: a.samples]
    n = len(train)
    shapes = input_shapes(ds.panel.names, ds.panel.input_names, WINDOW)
    x_full = ds.panel.windows(train)  # the plain reference: a materialised 3-D array
    y_full = ds.panel.y[train].astype("float32")
    ours, ref = [], []
    for r in range(a.repeats):
        keras.utils.set_random_seed(r)
        model = build_model(cfg, shapes)
        weights = model.get_weights()
        timer = EpochTimer()
        model.fit(
            WindowBatches(ds.panel, train, BATCH, shuffle=True, seed=r),
            epochs=a.epochs,
            verbose=0,
            callbacks=[timer.cb],
        )
        ours.append(n / np.median(timer.cb.times[1:]))
        model = build_model(cfg, shapes)
        model.set_weights(weights)
        timer = EpochTimer()
        model.fit(
            {"sequence": x_full},
            y_full,
            batch_size=BATCH,
            epochs=a.epochs,
            shuffle=True,
            verbose=0,
            callbacks=[timer.cb],
        )
        ref.append(n / np.median(timer.cb.times[1:]))
        print(f"repeat {r + 1}: lazy {ours[-1]:,.0f} samples/s, array {ref[-1]:,.0f} samples/s")
    print(
        f"training samples/s (median): lazy {np.median(ours):,.0f}, materialised "
        f"{np.median(ref):,.0f}, ratio {np.median(ours) / np.median(ref):.2f} (budget >= 0.9)"
    )
    # scoring 100,000 windows
    ends = np.resize(ds.splits["train"], 100_000)
    t_batches, t_predict = [], []
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        for start in range(0, len(ends), 4096):
            model(ds.panel.inputs(ends[start : start + 4096]), training=False)
        t_batches.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        predict_scores(model, ds.panel, ends)  # riskcore's choice: model.predict
        t_predict.append(time.perf_counter() - t0)
    print(
        f"scoring 100,000 windows (median): model on batches {np.median(t_batches):.2f} s, "
        f"model.predict {np.median(t_predict):.2f} s (budget <= 10 s)"
    )


if __name__ == "__main__":
    main()
