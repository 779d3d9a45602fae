"""Lazy windows vs a materialised 3-D array: peak memory and one full pass over the batches.

    .venv/bin/python bench/bench_batches.py [--rows 1000000] [--features 20] [--window 60]

Each side runs in its own subprocess so that its peak RSS (ru_maxrss) is its own. The lazy
side builds the panel with riskcore.dataset.prepare (as training does) and passes over the
training samples in shuffled batches of 1,024 via WindowBatches; the reference materialises
the (samples x window x features) float32 array and gathers the same shuffled batches from it.
Both sides import Keras, whose own footprint (~300 MB) is the same for both.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def make_panel(rows: int, features: int, entities: int = 100) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    per = rows // entities
    dates = pd.bdate_range("1990-01-01", periods=per)
    frame = pd.DataFrame(
        rng.normal(size=(per * entities, features)).astype("float32"),
        columns=[f"f{i}" for i in range(features)],
    )
    frame.insert(0, "date", np.tile(dates.to_numpy(), entities))
    frame.insert(1, "entity", np.repeat([f"E{i:03d}" for i in range(entities)], per))
    frame["event"] = (rng.random(len(frame)) < 0.1).astype("float32")
    return frame


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def lazy(rows: int, features: int, window: int) -> dict:
    from riskcore.config import parse_config
    from riskcore.dataset import prepare

    frame = make_panel(rows, features)
    base = peak_rss_mb()
    cfg = parse_config(
        {
            "data": {
                "time": "date",
                "entity": "entity",
                "sequence_features": [c for c in frame.columns if c.startswith("f")],
                "target": {"kind": "column", "column": "event"},
            },
            "window": window,
            "horizon": 1,
        }
    )
    t0 = time.perf_counter()
    ds = prepare(cfg, frame)
    prep = time.perf_counter() - t0
    del frame
    from riskcore.batches import WindowBatches

    batches = WindowBatches(ds.panel, ds.splits["train"], 1024, shuffle=True, seed=0)
    t0 = time.perf_counter()
    for i in range(len(batches)):
        _x, _y = batches[i][:2]
    return {
        "samples": len(ds.splits["train"]),
        "prepare_s": prep,
        "pass_s": time.perf_counter() - t0,
        "peak_rss_mb": peak_rss_mb(),
        "peak_rss_after_data_mb": peak_rss_mb() - base,
    }


def materialised(rows: int, features: int, window: int, samples: int) -> dict:
    import keras  # noqa: F401  (both sides feed Keras, so both carry TensorFlow's footprint)

    rng = np.random.default_rng(0)
    values = rng.normal(size=(rows, features)).astype("float32")
    base = peak_rss_mb()
    ends = np.arange(window - 1, window - 1 + samples) % (rows - window) + window - 1
    x = np.empty((samples, window, features), dtype="float32")
    for start in range(0, samples, 65536):
        idx = ends[start : start + 65536]
        x[start : start + len(idx)] = values[idx[:, None] + np.arange(-window + 1, 1)]
    order = rng.permutation(samples)
    t0 = time.perf_counter()
    for start in range(0, samples, 1024):
        batch = x[order[start : start + 1024]]
    del batch
    return {
        "pass_s": time.perf_counter() - t0,
        "array_gb": x.nbytes / 1e9,
        "peak_rss_mb": peak_rss_mb(),
        "peak_rss_after_data_mb": peak_rss_mb() - base,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--window", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--side", choices=["lazy", "materialised"])
    parser.add_argument("--samples", type=int, default=0)
    a = parser.parse_args()
    if a.side == "lazy":
        print(json.dumps(lazy(a.rows, a.features, a.window)))
        return
    if a.side == "materialised":
        print(json.dumps(materialised(a.rows, a.features, a.window, a.samples)))
        return
    results = {"lazy": [], "materialised": []}
    for _ in range(a.repeats):
        base = [
            sys.executable,
            __file__,
            "--rows",
            str(a.rows),
            "--features",
            str(a.features),
            "--window",
            str(a.window),
        ]
        out = subprocess.run([*base, "--side", "lazy"], capture_output=True, text=True, check=True)
        lazy_r = json.loads(out.stdout.strip().splitlines()[-1])
        out = subprocess.run(
            [*base, "--side", "materialised", "--samples", str(lazy_r["samples"])],
            capture_output=True,
            text=True,
            check=True,
        )
        results["lazy"].append(lazy_r)
        results["materialised"].append(json.loads(out.stdout.strip().splitlines()[-1]))
    med = {
        side: {k: float(np.median([r[k] for r in rs])) for k in rs[0]}
        for side, rs in results.items()
    }
    print(json.dumps(med, indent=2))
    print(
        f"pass time ratio lazy / materialised: "
        f"{med['lazy']['pass_s'] / med['materialised']['pass_s']:.2f} (budget <= 1.5)"
    )
    print(
        f"peak RSS ratio lazy / materialised: "
        f"{med['lazy']['peak_rss_mb'] / med['materialised']['peak_rss_mb']:.3f} (budget < 0.25)"
    )


if __name__ == "__main__":
    main()
