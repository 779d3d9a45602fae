"""Clicking Train to the first epoch event: a training job of the sample market config, sent
through the JobManager the dashboard uses, to a worker that is already warm.

    .venv/bin/python bench/bench_first_epoch.py [--repeats 3] [--preload LIST ...]

Each repeat starts a manager with one worker, waits until the worker is warm (JobManager.
wait_ready; not counted), builds the payload as the Train page does (riskcore.tasks.TRAINING),
submits it and timestamps the job's events as they reach this process: the "preparing" stage
(the job has reached the worker and its task module is imported), "training" (data prepared,
device chosen), the first "batch" event (model built, train step traced, first batch run) and
the first "epoch" event (the rest of epoch 1 and the validation pass). Then the job is
cancelled. Also recorded: the CPU seconds the worker used from submit to the first epoch, the
most an idle machine would need for the same work (fewer where TensorFlow's two threads
overlap), since the worker runs at nice 10 and a loaded machine stretches its wall-clock time.

`--preload` (repeatable; comma-separated "module" or "module:function" entries) sets the
worker's preload list, one variant each, run A B A B; without it, JobManager's default. Then
the seconds are split further in fresh processes and in this one: a cold worker's imports
(TensorFlow; riskcore.train on top of it), and prepare / build_model / the first train step's
trace on the same data.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # light imports only up here: spawned workers import this file

SAMPLE = ROOT / "sample_data"
STEPS = {
    "submitted": "payload build + submit() (checks, cost estimate, pickling)",
    "preparing": "-> in the worker, task module imported ('preparing' event)",
    "training": "-> data prepared, device chosen ('training')",
    "batch": "-> model built, train step traced, first batch ('batch')",
    "epoch": "-> rest of epoch 1 + validation ('epoch')",
}
IMPORTS = """
import json, time
t0 = time.perf_counter(); import tensorflow
t1 = time.perf_counter(); import riskcore.train, riskcore.batches, riskcore.model
t2 = time.perf_counter()
print(json.dumps({"tensorflow": t1 - t0, "riskcore.train": t2 - t1}))
"""


def market_inputs() -> tuple[object, dict, list[dict]]:
    """The sample market config, its three frames and their source records, as uploaded."""
    from riskcore.config import load_config
    from riskcore.io import read_table
    from riskcore.train import describe_source

    config = load_config(SAMPLE / "market_config.json")
    files = {"primary": "market_prices.csv", "macro": "market_macro.csv"}
    files["sentiment"] = "market_sentiment.csv"
    frames, sources = {}, []
    for role, name in files.items():
        frames[role], report = read_table(SAMPLE / name)
        sources.append(describe_source(role, name, SAMPLE / name, rows=report.rows))
    return config, frames, sources


class FirstEpoch(Exception):
    """Raised from the event callback to stop waiting once the first epoch event is in."""


def one_job(manager, config, frames: dict, sources: list[dict], home: str) -> dict[str, float]:
    """Seconds from the click (payload build) to each milestone event of one training job, and
    the worker's CPU seconds over the same span."""
    import psutil

    from riskcore.tasks import TRAINING

    (worker,) = [p for p in psutil.Process().children() if "spawn_main" in " ".join(p.cmdline())]
    cpu0 = sum(worker.cpu_times()[:2])
    marks: dict[str, float] = {}
    t0 = time.perf_counter()
    payload = TRAINING.payload(home=home, config=config.to_json(), sources=sources, **frames)
    job = manager.submit(TRAINING, payload, owner="bench/train")
    marks["submitted"] = time.perf_counter() - t0

    def on_event(event: dict) -> None:
        key = event.get("stage") if event["type"] == "stage" else event["type"]
        if key in STEPS and key not in marks:
            marks[key] = time.perf_counter() - t0
        if event["type"] == "epoch":
            marks["worker CPU s"] = sum(worker.cpu_times()[:2]) - cpu0
            raise FirstEpoch

    try:
        status = manager.wait(job, timeout=600, on_event=on_event)
        raise RuntimeError(f"the job ended before its first epoch: {status.state} {status.error}")
    except FirstEpoch:
        manager.cancel(job)
    return marks


def import_times(repeats: int) -> list[dict[str, float]]:
    """What a cold worker's imports cost, each in a fresh interpreter."""
    out = []
    for _ in range(repeats):
        done = subprocess.run(
            [sys.executable, "-c", IMPORTS], capture_output=True, text=True, cwd=ROOT, check=True
        )
        out.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return out


def local_breakdown(config, frames: dict) -> dict[str, float]:
    """prepare, choose_device, build_model and the first train step's trace, in this process."""
    import keras

    from riskcore.batches import WindowBatches
    from riskcore.dataset import prepare
    from riskcore.model import build_model, input_shapes
    from riskcore.train import choose_device, seed_everything

    out: dict[str, float] = {}
    t = time.perf_counter()
    ds = prepare(config, frames["primary"], frames["macro"], frames["sentiment"])
    out["prepare"] = time.perf_counter() - t
    t = time.perf_counter()
    device = choose_device()
    seed_everything(config.training.seed, deterministic=device["device"] == "CPU")
    out["choose_device + seed"] = time.perf_counter() - t
    panel = ds.panel
    t = time.perf_counter()
    model = build_model(config, input_shapes(panel.names, panel.input_names, panel.window))
    out["build_model"] = time.perf_counter() - t
    batches = WindowBatches(panel, ds.splits["train"], config.training.batch_size, shuffle=True)
    steps = []
    for _ in range(2):  # the first fit traces the train step; the second reuses it
        t = time.perf_counter()
        model.fit(batches, epochs=1, steps_per_epoch=1, verbose=0)
        steps.append(time.perf_counter() - t)
    out["trace of the train step"] = steps[0] - steps[1]
    out["one step once traced"] = steps[1]
    t = time.perf_counter()
    model.fit(batches, epochs=1, verbose=0)
    out[f"one epoch ({len(batches)} batches)"] = time.perf_counter() - t
    keras.backend.clear_session()
    return out


def step_table(jobs: list[dict[str, float]]) -> str:
    """Markdown: each step's seconds (median and every repeat), then the totals."""
    rows = ["| step | median s | each repeat |", "| --- | ---: | --- |"]
    previous = None
    for key, label in STEPS.items():
        each = [j[key] - (j[previous] if previous else 0.0) for j in jobs]
        rows.append(f"| {label} | {statistics.median(each):.2f} | {_list(each)} |")
        previous = key
    for key, label in (
        ("epoch", "**click -> first epoch event**"),
        ("batch", "click -> first batch event"),
        ("worker CPU s", "worker CPU seconds, submit -> first epoch"),
    ):
        each = [j[key] for j in jobs]
        rows.append(f"| {label} | **{statistics.median(each):.2f}** | {_list(each)} |")
    return "\n".join(rows)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--preload", action="append", help="one variant of the worker's preload")
    a = p.parse_args()
    from riskcore.jobs import PRELOAD, JobManager

    config, frames, sources = market_inputs()
    variants = [tuple(filter(None, v.split(","))) for v in a.preload or [",".join(PRELOAD)]]
    warm: dict[tuple, list[float]] = {v: [] for v in variants}
    jobs: dict[tuple, list[dict]] = {v: [] for v in variants}
    with tempfile.TemporaryDirectory() as home:
        for r in range(a.repeats):
            for variant in variants:
                t = time.perf_counter()
                with JobManager(workers=1, preload=variant) as manager:
                    if not manager.wait_ready(timeout=600):
                        raise RuntimeError("the worker did not become ready in 600 s")
                    warm[variant].append(time.perf_counter() - t)
                    jobs[variant].append(one_job(manager, config, frames, sources, home))
                print(f"repeat {r + 1} {variant}: {_pairs(jobs[variant][-1])}", flush=True)
    for variant in variants:
        print(f"\npreload {variant}\nworker start to ready: {_list(warm[variant])} s")
        print(step_table(jobs[variant]))
    imports = import_times(a.repeats)
    medians = {k: statistics.median(i[k] for i in imports) for k in imports[0]}
    print("\ncold imports, fresh interpreter (median s): " + _pairs(medians))
    print("in this process (s): " + _pairs(local_breakdown(config, frames)))
    print("load average: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))


def _list(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def _pairs(values: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in values.items())


if __name__ == "__main__":
    main()
