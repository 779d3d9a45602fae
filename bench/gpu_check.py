"""Training speed on whatever device TensorFlow sees: the default model on a synthetic panel.

    .venv/bin/python bench/gpu_check.py                  # 1,000,000 rows: a GPU, under 5 minutes
    .venv/bin/python bench/gpu_check.py --rows 50000     # a quick smoke run on a CPU

The device is picked as `riskcore train` picks it (riskcore.train.choose_device: on a GPU,
memory growth and the mixed_float16 policy), and the network is trained by
riskcore.train.fit_model, the function train_run uses (lazy window batches, balanced class
weights), with the model defaults (LSTM 64 -> 32, Dense 16, towers 32), window 30, no early
stopping. The panel is bench_train's planted one (5 sequence, 2 macro, 2 static inputs), made
here: nothing is downloaded. Prints the device, the time to the first epoch (which traces, and
with XLA on a GPU compiles) and the steady-state training samples/s (epochs after the first),
then one JSON line with all of it.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000, help="windows in the panel")
    p.add_argument("--entities", type=int, default=100)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch", type=int, default=1024)
    a = p.parse_args()
    from bench_train import planted_case

    from riskcore.config import parse_config
    from riskcore.dataset import prepare
    from riskcore.train import choose_device, fit_model, seed_everything

    t = time.perf_counter()
    raw, frames = planted_case(a.rows, entities=a.entities)
    raw["training"] = {"epochs": a.epochs, "batch_size": a.batch, "patience": 0}
    config = parse_config(raw)
    ds = prepare(config, frames["primary"], frames["macro"])
    prepare_s = time.perf_counter() - t
    device = choose_device()
    seed_everything(config.training.seed, deterministic=device["device"] == "CPU")
    print(f"device: {device['device']}; mixed precision: {device['mixed_precision']}")
    n_train = len(ds.splits["train"])
    print(
        f"panel: {len(frames['primary']):,} rows, {n_train:,} training windows; "
        f"prepared in {prepare_s:.1f} s",
        flush=True,
    )
    epochs: list[float] = []

    def emit(event: dict) -> None:
        if event["type"] == "epoch":
            epochs.append(event["elapsed_s"])
            print(
                f"epoch {event['epoch']}: {event['elapsed_s']:.1f} s since the fit began",
                flush=True,
            )

    t = time.perf_counter()
    fit_model(config, ds, ds.splits, emit)
    fit_s = time.perf_counter() - t
    steady = [b - a for a, b in itertools.pairwise(epochs)]
    rate = n_train / statistics.median(steady) if steady else n_train / epochs[0]
    print(
        f"first epoch (tracing included): {epochs[0]:.1f} s; training samples/s "
        f"{'(epochs after the first)' if steady else '(first epoch only)'}: {rate:,.0f}"
    )
    print(
        json.dumps(
            {
                **device,
                "rows": a.rows,
                "train_windows": n_train,
                "batch": a.batch,
                "prepare_s": round(prepare_s, 2),
                "first_epoch_s": round(epochs[0], 2),
                "fit_s": round(fit_s, 2),
                "samples_per_s": round(rate),
            }
        )
    )


if __name__ == "__main__":
    main()
