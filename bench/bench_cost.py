"""riskcore.cost's estimate against real trainings on this machine, and the constants it implies.

    .venv/bin/python bench/bench_cost.py [--configs small,medium,large]

Each config is trained end to end with riskcore.train.train_run (in this process, a fresh
temporary run store, early stopping off so every epoch runs) on a synthetic panel, after one
unmeasured warm-up run (a dashboard worker has TensorFlow imported already). Printed per
config: the estimate of the fit (riskcore.cost.fit_seconds) and of the whole run (+ RUN_S),
the measured fit_s (network, baselines, scoring) and total_s from meta.json, the process's CPU
seconds, and the ratios actual / estimate. Last: the non-negative least-squares throughput,
STEP_S, CELL_S and RUN_S that fit the measured totals of the FIT configs ("check" is left out,
to see the estimate on a config it was not fitted to), to set Limits.throughput
(riskcore/settings.py) and the constants in riskcore/cost.py.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# name: (entities, rows per entity, features, window, units, batch, epochs)
CONFIGS = {
    "tiny": (2, 400, 4, 5, [8], 64, 1),  # almost no work: a run's fixed cost
    "small": (4, 800, 4, 2, [16], 4, 2),  # many small batches, short windows: cost per batch
    "long": (4, 800, 4, 60, [8, 8], 32, 2),  # long windows, small layers: cost per time step
    "medium": (8, 1200, 8, 30, [64, 32], 64, 2),  # the default architecture
    "large": (8, 1200, 8, 60, [128, 128], 256, 3),  # compute-bound: sets the throughput
    "check": (6, 1000, 6, 20, [96], 128, 3),  # not in the fit: the estimate out of sample
}
FIT = ("tiny", "small", "long", "medium", "large")


def frame(entities: int, per: int, features: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    x = pd.DataFrame(
        rng.normal(size=(per * entities, features)).astype("float32"),
        columns=[f"f{i}" for i in range(features)],
    )
    x.insert(0, "date", np.tile(pd.bdate_range("2000-01-03", periods=per), entities))
    x.insert(1, "entity", np.repeat([f"E{i}" for i in range(entities)], per))
    x["event"] = (rng.random(len(x)) < 0.2).astype("float32")
    return x


def config(features: int, window: int, units: list[int], batch: int, epochs: int):
    from riskcore.config import parse_config

    return parse_config(
        {
            "data": {
                "time": "date",
                "entity": "entity",
                "sequence_features": [f"f{i}" for i in range(features)],
                "target": {"kind": "column", "column": "event"},
            },
            "window": window,
            "horizon": 1,
            "model": {"units": units},
            "training": {"batch_size": batch, "epochs": epochs, "patience": 0},
        }
    )


def measure(name: str) -> dict:
    from riskcore import cost
    from riskcore.store import RunStore
    from riskcore.train import train_run

    entities, per, features, window, units, batch, epochs = CONFIGS[name]
    primary = frame(entities, per, features)
    cfg = config(features, window, units, batch, epochs)
    size = cost.DataSize.of_frames(cfg, primary)
    estimate = cost.training_estimate(cfg, size)
    work = cost.training_work(cfg, size)
    with tempfile.TemporaryDirectory() as home:
        store = RunStore(home)
        cpu = time.process_time()
        run_id = train_run(cfg, primary, store=store)
        cpu = time.process_time() - cpu
        timings = store.load(run_id).meta.timings
    return {
        "config": name,
        "weights": estimate.parameters,
        "steps": estimate.steps,
        "flops": work.flops,
        "batches": work.batches,
        "cell_steps": estimate.steps * window * len(units),
        "estimate_fit_s": estimate.seconds - cost.RUN_S,
        "actual_fit_s": timings["fit_s"],
        "estimate_total_s": estimate.seconds,
        "actual_total_s": timings["total_s"],
        "cpu_s": cpu,
    }


def fit_constants(rows: list[dict]) -> tuple[float, float, float, float]:
    """Non-negative least squares of total_s = flops / throughput + batches x STEP_S +
    cell_steps x CELL_S + RUN_S over the configs (cell_steps: training batches x window x
    recurrent layers, a fixed cost per time step that riskcore.cost leaves out while it fits
    as nil)."""
    from scipy.optimize import nnls

    a = np.array([[r["flops"], r["batches"], r["cell_steps"], 1.0] for r in rows])
    b = np.array([r["actual_total_s"] for r in rows])
    scale = a.max(axis=0)
    (inv_throughput, step_s, cell_s, run_s), _ = nnls(a / scale, b)
    inv_throughput, step_s, cell_s, run_s = (
        np.array([inv_throughput, step_s, cell_s, run_s]) / scale
    )
    throughput = 1.0 / inv_throughput if inv_throughput > 0 else float("inf")
    return throughput, float(step_s), float(cell_s), float(run_s)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--configs", default=",".join(CONFIGS))
    args = parser.parse_args()
    measure("tiny")  # warm-up, not counted: the worker has TensorFlow imported already
    rows = [measure(name) for name in args.configs.split(",")]
    table = pd.DataFrame(rows)
    table["fit_ratio"] = table["actual_fit_s"] / table["estimate_fit_s"]
    table["total_ratio"] = table["actual_total_s"] / table["estimate_total_s"]
    with pd.option_context("display.width", 200, "display.float_format", "{:.3g}".format):
        print(table.drop(columns=["flops"]).to_string(index=False))
    fitted = [r for r in rows if r["config"] in FIT]
    if len(fitted) >= 4:
        throughput, step_s, cell_s, run_s = fit_constants(fitted)
        print(
            f"fitted: throughput {throughput:.3g} FLOP/s, STEP_S {step_s * 1000:.2f} ms, "
            f"CELL_S {cell_s * 1000:.3f} ms, RUN_S {run_s:.1f} s"
        )
    overhead = statistics.median(r["actual_total_s"] - r["actual_fit_s"] for r in rows)
    print(f"median fixed cost per run (total - fit): {overhead:.1f} s")


if __name__ == "__main__":
    main()
