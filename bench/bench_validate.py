"""Validation speed: `validate_run` on a run with 100,000 test predictions.

    .venv/bin/python bench/bench_validate.py [--predictions 100000] [--repeats 3]

The run folder is written directly with RunStore's writer (no training): a credit-like panel of
monthly rows (4 sequence, 2 static and 1 macro input), its preprocessing fitted by
riskcore.dataset.prepare, synthetic calibrated PDs with outcomes drawn from them, reference.csv
from riskcore.train.reference_sample, metrics.json with every comparator and the paired block.
Timed end to end from the run folder: predictions and inputs read, the test inputs rebuilt
(transform_new), 7 grades, Hosmer-Lemeshow, Spiegelhalter, ROC-AUC with 200 bootstrap
resamples per period, PSI of the score and each input per period, the migration matrix and a
segment column (region) with block-bootstrap intervals. Budget: under 10 s on 2 cores. Medians.
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

MONTHS = 36
CONFIG = {
    "data": {
        "time": "month",
        "entity": "borrower",
        "sequence_features": ["balance", "utilisation", "days_past_due", "payment_ratio"],
        "static_features": ["age", "region"],
        "macro_features": ["unemployment"],
        "macro_lag": 1,
        "target": {"kind": "column", "column": "default_12m"},
    },
    "window": 3,
    "horizon": 3,
}


def frames(predictions: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A panel whose last 24 months hold about `predictions` samples."""
    rng = np.random.default_rng(0)
    entities = int(np.ceil(predictions / 24))
    months = pd.date_range("2019-01-01", periods=MONTHS, freq="MS")
    n = entities * MONTHS
    primary = pd.DataFrame(
        {
            "month": np.tile(months, entities),
            "borrower": np.repeat([f"B{i:06d}" for i in range(entities)], MONTHS),
            "balance": rng.gamma(2.0, 2000.0, n),
            "utilisation": rng.uniform(0, 1.2, n),
            "days_past_due": rng.choice([0, 0, 0, 0, 30, 60], n).astype(float),
            "payment_ratio": rng.uniform(0, 2, n),
            "age": np.repeat(rng.integers(21, 75, entities), MONTHS).astype(float),
            "region": np.repeat(rng.choice(["North", "South", "East", "West"], entities), MONTHS),
            "default_12m": (rng.uniform(size=n) < 0.05).astype(float),
        }
    )
    macro = pd.DataFrame(
        {
            "month": pd.date_range("2018-12-01", periods=MONTHS + 1, freq="MS"),
            "unemployment": 4 + np.cumsum(rng.normal(0, 0.1, MONTHS + 1)),
        }
    )
    return primary, macro


def write_run(home: str, predictions: int) -> str:
    from riskcore.config import parse_config
    from riskcore.dataset import prepare
    from riskcore.store import RunStore
    from riskcore.train import reference_sample

    config = parse_config(CONFIG)
    primary, macro = frames(predictions)
    ds = prepare(config, primary, macro)
    rng = np.random.default_rng(1)
    panel = ds.panel
    ends = np.sort(np.r_[ds.splits["train"], ds.splits["validation"], ds.splits["test"]])
    order = ends[np.argsort(panel.time[ends], kind="stable")]
    test, validation = order[-predictions:], order[-predictions - 10_000 : -predictions]
    train = np.setdiff1d(ends, np.r_[test, validation])
    x = panel.blocks["sequence"][:, 1] + 0.5 * panel.blocks["sequence"][:, 2]

    def pd_of(rows: np.ndarray) -> np.ndarray:
        z = -3.2 + 0.8 * x[rows] + rng.normal(0, 0.8, rows.size)
        return 1 / (1 + np.exp(-z))

    parts = []
    for split, rows in (("train", train), ("validation", validation), ("test", test)):
        p = pd_of(rows)
        parts.append(
            pd.DataFrame(
                {
                    "time": panel.time[rows],
                    "entity": panel.entity[rows],
                    "split": split,
                    "y_true": (rng.uniform(size=rows.size) < p).astype(float),
                    "score": p,
                    "score_raw": p,
                    "score_logistic": np.clip(p + rng.normal(0, 0.02, p.size), 0, 1),
                    "row": rows,
                }
            )
        )
    ds.splits["train"] = train
    entry = {"roc_auc": 0.80, "gini": 0.60, "gini_ci": [0.57, 0.63], "roc_auc_ci": [0.78, 0.82]}
    metrics = {
        "task": "classification",
        "rows": {"train": train.size, "validation": validation.size, "test": test.size},
        "test": {"model": entry, "logistic": {**entry, "roc_auc": 0.79}, "gbm": {"roc_auc": 0.78}},
        "paired": {
            "logistic": {"roc_auc": 0.01, "roc_auc_ci": [-0.01, 0.03]},
            "gbm": {"roc_auc": 0.02, "roc_auc_ci": [0.0, 0.04]},
        },
    }
    with RunStore(home).writer() as w:
        w.write_json("config.json", config.model_dump(mode="json"))
        w.write_json("preprocessing.json", ds.state())
        w.write_json("metrics.json", metrics)
        w.write_csv("predictions.csv", pd.concat(parts, ignore_index=True))
        w.write_csv("reference.csv", reference_sample(ds, pd_of(train), seed=7))
        w.write_inputs({"primary": primary, "macro": macro, "sentiment": None})
        return w.run_id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--predictions", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    from riskcore.store import RunStore
    from riskcore.validation import validate_run

    with tempfile.TemporaryDirectory() as home:
        t0 = time.perf_counter()
        run_id = write_run(home, args.predictions)
        print(f"run folder written in {time.perf_counter() - t0:.1f} s")
        times = []
        for _ in range(args.repeats):
            run = RunStore(home).load(run_id)  # fresh: nothing cached between repeats
            t = time.perf_counter()
            result = validate_run(run, segment="region")
            times.append(time.perf_counter() - t)
            print(
                f"validate: {times[-1]:.2f} s ({result.data['with_outcome']:,} predictions, "
                f"{len(result.checks)} checks, {len(result.periods)} periods, "
                f"{len(result.stability)} PSI values, light {result.light})"
            )
        median = statistics.median(times)
        print(f"median of {args.repeats}: {median:.2f} s (budget 10 s)")


if __name__ == "__main__":
    main()
