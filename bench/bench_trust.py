"""The trust numbers of a run: row vs block bootstrap widths, the benchmark, ECE before and after
calibration, and the PSI of every input when the run scores its own training rows.

    .venv/bin/python bench/bench_trust.py [--config sample_data/market_config.json] [--epochs N]

Trains the sample market run (sample_data/market_*.csv) into a temporary RISKCORE_HOME, then
reads everything back from the run store, as a user would.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FILES = {
    "market": ("market_prices.csv", "market_macro.csv", "market_sentiment.csv"),
    "credit": ("credit_payments.csv", "credit_macro.csv", None),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", choices=sorted(FILES), default="market")
    parser.add_argument("--epochs", type=int, default=None)
    args = parser.parse_args()
    os.environ.setdefault("RISKCORE_HOME", tempfile.mkdtemp(prefix="bench-trust-"))

    from riskcore import bootstrap as B
    from riskcore.config import parse_config
    from riskcore.io import read_table
    from riskcore.scoring import score
    from riskcore.store import RunStore
    from riskcore.train import train_run

    raw = json.loads((ROOT / "sample_data" / f"{args.data}_config.json").read_text())
    if args.epochs:
        raw["training"]["epochs"] = args.epochs
    config = parse_config(raw)
    names = FILES[args.data]
    frames = [read_table(ROOT / "sample_data" / n)[0] if n else None for n in names]
    store = RunStore()
    run = store.load(train_run(config, *frames, store=store))
    m, p = run.metrics, run.predictions
    test = p[p["split"] == "test"]
    print(f"run {run.run_id}: {m['rows']}; intervals {m['intervals']}")
    print("model        ROC-AUC  row-bootstrap CI      width   block CI              width")
    for model, column in (
        ("model", "score"),
        ("logistic", "score_logistic"),
        ("gbm", "score_gbm"),
        ("benchmark", "score_benchmark"),
    ):
        row = B.bootstrap_intervals(test["y_true"], test[column], "classification", seed=7)
        lo, hi = row["roc_auc"]
        blo, bhi = m["test"][model]["roc_auc_ci"]
        print(
            f"{model:<12} {m['test'][model]['roc_auc']:.3f}    [{lo:.3f}, {hi:.3f}]  "
            f"{hi - lo:.3f}   [{blo:.3f}, {bhi:.3f}]  {bhi - blo:.3f}"
        )
    bench = m["test"]["benchmark"]
    print(
        f"benchmark: {bench['feature']} (sign {bench['sign']}), test ROC-AUC {bench['roc_auc']:.3f}"
    )
    for model in ("model", "logistic", "gbm"):
        e = m["test"][model]
        print(
            f"ECE {model:<9} raw {e['ece_raw']:.3f} -> calibrated {e['ece']:.3f}; "
            f"Brier {e['brier_raw']:.4f} -> {e['brier']:.4f}; slope {e['calibration_slope']:.2f} "
            f"intercept {e['calibration_intercept']:+.2f}"
        )
    print("paired ROC-AUC difference, deep model minus:")
    for name, d in m["paired"].items():
        lo, hi = d["roc_auc_ci"]
        print(f"  {name:<10} {d['roc_auc']:+.3f} [{lo:+.3f}, {hi:+.3f}]")
    print("warnings:", m["warnings"])
    cut = pd.Timestamp(p.loc[p["split"] == "train", "time"].max())
    primary = frames[0]
    time_col = config.data.time
    own = primary[pd.to_datetime(primary[time_col]) <= cut]
    scored = score(run, own, *frames[1:])
    print("PSI of each input, scoring its own training period:")
    print(scored.drift.to_string(index=False))


if __name__ == "__main__":
    main()
