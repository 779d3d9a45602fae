"""Parent (server) memory over consecutive training jobs run through riskcore.jobs.

    .venv/bin/python bench/bench_jobs_memory.py [--jobs 20] [--budget-mb 50]

One JobManager with the real TensorFlow preload runs `--jobs` jobs one after another; each job
builds and fits a tiny Keras LSTM on random data in the worker and streams its epochs back.
Prints the parent's RSS after each job and the growth from the first job to the last (the
budget: under 50 MB over 20 jobs), plus the worker's own RSS, which is what grows and what
recycling after max_jobs_per_worker bounds. Exits 1 when the parent grows past the budget.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TASK = "bench.bench_jobs_memory:tiny_fit_task"
MB = 1024 * 1024


def tiny_fit_task(payload: dict, emit) -> dict:
    """Runs in the worker: a small LSTM fitted for a few epochs on random windows."""
    import keras
    import numpy as np

    rng = np.random.default_rng(payload["seed"])
    x = rng.normal(size=(512, 10, 4)).astype("float32")
    y = (rng.random(512) < 0.3).astype("float32")
    inputs = keras.Input((10, 4), name="sequence")
    hidden = keras.layers.LSTM(16, name="lstm")(inputs)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="score")(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy")

    class Progress(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            logs = {k: float(v) for k, v in (logs or {}).items()}
            emit({"type": "epoch", "epoch": epoch + 1, "logs": logs})

    history = model.fit(x, y, epochs=3, batch_size=64, verbose=0, callbacks=[Progress()])
    return {
        "loss": float(history.history["loss"][-1]),
        "pid": os.getpid(),
        "rss_mb": psutil.Process().memory_info().rss / MB,
    }


def noop_task(payload: dict, emit) -> int:
    return os.getpid()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--budget-mb", type=float, default=50.0)
    args = parser.parse_args()

    from riskcore.jobs import JobManager

    me = psutil.Process()
    t0 = time.perf_counter()
    manager = JobManager(preload=("tensorflow",))
    try:
        manager.wait(manager.submit("bench.bench_jobs_memory:noop_task", {}), timeout=120)
        print(f"worker warm (tensorflow imported) after {time.perf_counter() - t0:.1f} s")
        print(f"parent RSS before jobs: {me.memory_info().rss / MB:.1f} MB")
        print(f"{'job':>4} {'seconds':>8} {'events':>6} {'parent MB':>10} {'worker MB':>10} pid")
        rss = []
        for i in range(args.jobs):
            start = time.perf_counter()
            status = manager.wait(manager.submit(TASK, {"seed": i}), timeout=300)
            if status.state != "done":
                print(f"job {i + 1} {status.state}: {status.error}", file=sys.stderr)
                return 1
            rss.append(me.memory_info().rss / MB)
            r = status.result
            print(
                f"{i + 1:>4} {time.perf_counter() - start:>8.2f} {len(status.events):>6} "
                f"{rss[-1]:>10.1f} {r['rss_mb']:>10.1f} {r['pid']}"
            )
    finally:
        manager.shutdown()
    growth = rss[-1] - rss[0]
    verdict = "within" if growth < args.budget_mb else "OVER"
    print(f"parent RSS growth job 1 -> job {len(rss)}: {growth:+.1f} MB ({verdict} budget)")
    return 0 if growth < args.budget_mb else 1


if __name__ == "__main__":
    sys.exit(main())
