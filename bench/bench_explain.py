"""SHAP speed: 300 explained predictions with GradientExplainer vs KernelExplainer.

    .venv/bin/python bench/bench_explain.py [--rows 300] [--kernel-rows 2] [--repeats 3]

The default (reference) architecture, LSTM 64 -> 32 -> Dense 16 with 32-unit macro and
sentiment towers, window 30, on the sample market data; background 100 training windows. The
model is trained for one epoch: the cost of an explanation does not depend on how well the
model fits. GradientExplainer runs riskcore.explain.explain_run end to end (including the
TreeExplainer on the baseline and aggregation). KernelExplainer explains flattened windows
(every input concatenated) against the same 100 background rows, with its default nsamples,
on a few rows; its time per row is extrapolated to --rows and the ratio reported.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "sample_data"


def train_reference_run(home: Path):
    from riskcore.config import parse_config
    from riskcore.io import read_table
    from riskcore.store import RunStore
    from riskcore.train import train_run

    frames = [read_table(SAMPLE / f"market_{n}.csv")[0] for n in ("prices", "macro", "sentiment")]
    raw = json.loads((SAMPLE / "market_config.json").read_text())
    raw["window"] = 30
    raw.pop("model")  # the design's reference architecture
    raw["training"] = {"epochs": 1, "batch_size": 256, "patience": 0}
    store = RunStore(home)
    return store.load(train_run(parse_config(raw), *frames, store=store))


def kernel_seconds_per_row(run, rows: int, background: int) -> float:
    """KernelExplainer over flattened inputs: the model sees the windows rebuilt from a flat row."""
    import shap

    from riskcore.explain import RunInputs, _background_rows, select_rows

    inputs = RunInputs.of(run)
    model = run.load_model()
    chosen = select_rows(run.predictions, "random", rows, seed=1)["row"].to_numpy()
    x = inputs.x(chosen)
    bg = inputs.x(_background_rows(run, background))
    shapes = [a.shape[1:] for a in x]
    sizes = [int(np.prod(s)) for s in shapes]

    def flat(arrays):
        return np.hstack([a.reshape(len(a), -1) for a in arrays])

    def predict(matrix):
        parts, start = [], 0
        for shape, size in zip(shapes, sizes, strict=True):
            parts.append(matrix[:, start : start + size].reshape(len(matrix), *shape))
            start += size
        return model.predict(parts, batch_size=8192, verbose=0).reshape(-1)

    explainer = shap.KernelExplainer(predict, flat(bg))
    t0 = time.perf_counter()
    explainer.shap_values(flat(x), silent=True)
    return (time.perf_counter() - t0) / rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--kernel-rows", type=int, default=2)
    parser.add_argument("--background", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from riskcore.explain import explain_run

    with tempfile.TemporaryDirectory() as home:
        run = train_reference_run(Path(home))
        model = run.load_model()
        print(f"run {run.run_id}: {run.meta['parameters']:,} parameters, window 30")
        times, gaps = [], []
        for k in range(args.repeats):
            t0 = time.perf_counter()
            exp = explain_run(run, "random", args.rows, background=args.background, model=model)
            times.append(time.perf_counter() - t0)
            gaps.append(exp.additivity_gap)
            spread = float((exp.rows["score"] - exp.rows["base_value"]).abs().mean())
            print(
                f"  GradientExplainer repeat {k + 1}: {times[-1]:.1f} s for {len(exp.rows)} rows, "
                f"additivity gap {gaps[-1]:.4f} (mean |score - base| {spread:.4f})"
            )
        gradient = statistics.median(times)
        kernel = kernel_seconds_per_row(run, args.kernel_rows, args.background)
        print(f"GradientExplainer, {args.rows} rows: median {gradient:.1f} s (budget 60 s)")
        print(
            f"KernelExplainer: {kernel:.1f} s per row -> {kernel * args.rows:.0f} s for "
            f"{args.rows} rows (extrapolated from {args.kernel_rows}); "
            f"ratio {kernel * args.rows / gradient:.0f}x"
        )


if __name__ == "__main__":
    main()
