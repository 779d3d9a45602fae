"""Scenario speed: prepare_inputs (join, transform, base scoring) and apply_scenario, separately.

    .venv/bin/python bench/bench_scenarios.py [--predictions 10000] [--repeats 3]

Default architecture (LSTM 64 -> 32 -> Dense 16, towers of 32), window 30, 5 sequence, 3 macro
and 1 sentiment feature, 20 entities. The run is trained for one epoch (its weights do not
matter for speed). Every prediction is scored (which="all"); the shock scenario hits all of
them (a sequence feature x2 on the last 10 steps plus a macro shock), so all are re-scored.
Budget: one scenario over 10,000 predictions in under 5 s on 2 cores. Medians of the repeats.
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

WINDOW, ENTITIES, SEQUENCE, MACRO = 30, 20, 5, 3


def panel(predictions: int):
    """Primary, macro and news frames giving exactly `predictions` full windows."""
    rng = np.random.default_rng(0)
    per = predictions // ENTITIES + WINDOW - 1
    dates = pd.bdate_range("2015-01-01", periods=per)
    primary = pd.DataFrame(
        rng.normal(size=(per * ENTITIES, SEQUENCE)), columns=[f"f{i}" for i in range(SEQUENCE)]
    )
    primary.insert(0, "date", np.tile(dates, ENTITIES))
    primary.insert(1, "entity", np.repeat([f"E{i}" for i in range(ENTITIES)], per))
    primary["event"] = (rng.random(len(primary)) < 0.2).astype(float)
    months = pd.date_range(dates[0] - pd.Timedelta(days=40), dates[-1], freq="MS")
    macro = pd.DataFrame(rng.normal(size=(len(months), MACRO)), columns=["m0", "m1", "m2"])
    macro.insert(0, "date", months)
    news = pd.DataFrame(
        {
            "date": dates[rng.integers(0, per, per * ENTITIES // 2)],
            "entity": rng.choice([f"E{i}" for i in range(ENTITIES)], per * ENTITIES // 2),
            "s": rng.normal(size=per * ENTITIES // 2),
        }
    )
    return primary, macro, news


def train(frames, home: str):
    from riskcore.config import parse_config
    from riskcore.store import RunStore
    from riskcore.train import train_run

    config = parse_config(
        {
            "data": {
                "time": "date",
                "entity": "entity",
                "sequence_features": [f"f{i}" for i in range(SEQUENCE)],
                "macro_features": ["m0", "m1", "m2"],
                "sentiment_features": ["s"],
                "target": {"kind": "column", "column": "event"},
            },
            "window": WINDOW,
            "horizon": 1,
            "training": {"epochs": 1, "batch_size": 256, "patience": 0},
        }
    )
    store = RunStore(home)
    return store.load(train_run(config, *frames, store=store))


def timed(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    from riskcore.scenarios import apply_scenario, parse_scenario, prepare_inputs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--predictions", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    frames = panel(args.predictions)
    with tempfile.TemporaryDirectory() as home:
        run = train(frames, home)
        model = run.load_model()
        shock = parse_scenario(
            {
                "name": "vol x2, m0 +2 sd",
                "shocks": [
                    {"feature": "f0", "op": "multiply", "value": 2, "last_steps": 10},
                    {"feature": "m0", "op": "add", "value": 2, "unit": "std"},
                ],
            }
        )
        replay = parse_scenario(
            {"name": "replay", "replay": {"from": "2016-01-01", "to": "2016-06-30"}}
        )
        apply_scenario(run, shock, *frames, model=model)  # warm-up: traces predict once
        prep_s, inputs = timed(
            lambda: prepare_inputs(run, *frames, model=model, which="all"), args.repeats
        )
        shock_s, result = timed(lambda: apply_scenario(run, shock, base=inputs), args.repeats)
        replay_s, replayed = timed(lambda: apply_scenario(run, replay, base=inputs), args.repeats)
    n = len(inputs.ends)
    print(f"predictions: {n}, window {WINDOW}, units [64, 32], medians of {args.repeats}")
    print(f"prepare_inputs (join, transform, base scores):  {prep_s:6.2f} s")
    print(f"apply_scenario, shocks ({result.summary()['affected']} re-scored): {shock_s:6.2f} s")
    affected = replayed.summary()["affected"]
    print(f"apply_scenario, replay ({affected} re-scored):  {replay_s:6.2f} s")
    total = prep_s + shock_s
    print(f"prepare + one scenario: {total:.2f} s (budget 5 s): {'ok' if total < 5 else 'OVER'}")


if __name__ == "__main__":
    main()
