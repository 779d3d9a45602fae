"""Does the deep model earn its place? Test ROC-AUC of its options against the comparators.

    .venv/bin/python bench/bench_quality.py [--cases market,credit,sp500,nasdaq]
        [--variants base,wide,...] [--seeds 7,8,9] [--out bench/quality_results.jsonl]
    .venv/bin/python bench/bench_quality.py --summary   # the markdown table from the results

Cases, each with a fixed config:
- market: the sample market panel (12 tickers) with its shipped config (drawdown of 10%
  within 20 days, LSTM 32 -> 16, 15 epochs, early stopping).
- credit: the sample credit payment histories with their shipped config (default in 12
  months, window 6).
- sp500 / nasdaq: the daily adjusted closes shipped in the `arch` package (1999-2018; nobody
  here wrote them), a drawdown of 5% within 20 days; sequence inputs the one-step log return,
  its absolute value and the 20-day realised volatility (all known at t); macro: the monthly
  default premium BAA - AAA (arch.data.default, lag 1M); LSTM 64 -> 32 (the model defaults),
  window 30, 30 epochs, early stopping on validation loss (patience 5), time split with 15%
  validation, 15% test.
- sp500_2014: the same from 2014, with the VIX (arch.data.vix, daily, lag 0D) as a second
  macro input: the VIX file starts on 2014-01-03, after the full history's training period.

Variants change the deep model only (the comparators are fitted on the same split in every
run): base (the case's config), wide (wide and deep), wide_tcn, wide_plateau (halve the
learning rate on plateau), wide_volscaled (adds the return in units of its 20-day trailing
volatility as a sequence input; index and market cases), wide_tcn_volscaled (both),
ensemble (wide, 3 networks).

Every run goes through riskcore.train.train_run into a temporary RISKCORE_HOME and is read back
from the run store, as a user would; each finished run appends one JSON line to --out, so an
interrupted bench resumes where it stopped. Intervals are the run's own block bootstrap over
dates (200 resamples, blocks of the horizon); the table quotes the mean over seeds and the
interval of the first seed.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SAMPLE = ROOT / "sample_data"
COMPARATORS = ("logistic", "gbm", "benchmark")
VOL_SCALED = {"name": "ret_z", "kind": "vol_scaled", "column": "ret_1d", "window": 20}
VARIANTS = {
    "base": {},
    "wide": {"model": {"wide": True}},
    "wide_tcn": {"model": {"wide": True, "cell": "tcn"}},
    "wide_plateau": {"model": {"wide": True}, "training": {"lr_schedule": "plateau"}},
    "wide_volscaled": {"model": {"wide": True}, "derived": [VOL_SCALED]},
    "wide_tcn_volscaled": {"model": {"wide": True, "cell": "tcn"}, "derived": [VOL_SCALED]},
    "ensemble": {"model": {"wide": True}, "training": {"ensemble": 3}},
}
DEFAULT_OUT = ROOT / "bench" / "quality_results.jsonl"


# ---- cases ----------------------------------------------------------------------------------
def _sample(name: str) -> dict:
    return json.loads((SAMPLE / name).read_text(encoding="utf-8"))


def market_case() -> tuple[dict, dict]:
    frames = {
        "primary": pd.read_csv(SAMPLE / "market_prices.csv"),
        "macro": pd.read_csv(SAMPLE / "market_macro.csv"),
        "sentiment": pd.read_csv(SAMPLE / "market_sentiment.csv"),
    }
    return _sample("market_config.json"), frames


def credit_case() -> tuple[dict, dict]:
    frames = {
        "primary": pd.read_csv(SAMPLE / "credit_payments.csv"),
        "macro": pd.read_csv(SAMPLE / "credit_macro.csv"),
    }
    return _sample("credit_config.json"), frames


def index_case(series: str, start: str | None = None) -> tuple[dict, dict]:
    """One index; from `start` (the VIX file's first year) with the VIX and the default
    premium as macro, else the whole 1999-2018 history with the default premium only (the VIX
    starts after the training period ends)."""
    from bench_var import FEATURES, MACRO_LAGS, index_frame, macro_files

    from riskcore.macro import merge_files

    files = [(name, f) for name, f in macro_files() if start or name != "vix.csv"]
    lags = {c: lag for c, lag in MACRO_LAGS.items() if start or c != "vix"}
    macro = merge_files(files, "date")
    raw = {
        "data": {
            "time": "date",
            "entity": "ticker",
            "sequence_features": FEATURES,
            "macro_features": list(lags),
            "macro_lags": lags,
            "target": {"kind": "drawdown", "column": "close", "threshold": 0.05},
        },
        "task": "classification",
        "window": 30,
        "horizon": 20,
        "split": {"scheme": "time", "validation": 0.15, "test": 0.15},
        "training": {"epochs": 30, "batch_size": 128, "patience": 5},
    }
    return raw, {"primary": index_frame(series, start), "macro": macro}


CASES = {
    "market": market_case,
    "credit": credit_case,
    "sp500": lambda: index_case("sp500"),
    "nasdaq": lambda: index_case("nasdaq"),
    "sp500_2014": lambda: index_case("sp500", "2014-01-01"),
}


def variant_config(raw: dict, variant: str, seed: int) -> dict | None:
    """The case's config with the variant's changes and the seed; None when it does not apply
    (a vol-scaled return needs a ret_1d sequence input)."""
    out = copy.deepcopy(raw)
    change = VARIANTS[variant]
    if "derived" in change:
        if "ret_1d" not in out["data"].get("sequence_features", []):
            return None
        out["data"]["derived"] = out["data"].get("derived", []) + change["derived"]
    for section in ("model", "training"):
        out[section] = {**out.get(section, {}), **change.get(section, {})}
    out["training"]["seed"] = seed
    return out


# ---- running --------------------------------------------------------------------------------
def run_one(raw: dict, frames: dict) -> dict:
    """Train one run into the temporary store; what the table needs from its metrics."""
    from riskcore.config import parse_config
    from riskcore.store import RunStore
    from riskcore.train import train_run

    store = RunStore()
    t0 = time.perf_counter()
    run_id = train_run(
        parse_config(raw),
        frames["primary"],
        frames.get("macro"),
        frames.get("sentiment"),
        store=store,
    )
    wall = time.perf_counter() - t0
    run = store.load(run_id)
    m = run.metrics
    models = {}
    for name, entry in m["test"].items():
        if not isinstance(entry, dict) or "roc_auc" not in entry:
            continue
        models[name] = {
            "test_auc": entry["roc_auc"],
            "test_ci": entry.get("roc_auc_ci"),
            "validation_auc": m["validation"].get(name, {}).get("roc_auc"),
        }
    return {
        "wall_s": wall,
        "timings": run.meta.get("timings", {}),
        "epochs_run": run.meta.get("epochs_run"),
        "recommended": m.get("recommended", {}).get("model"),
        "models": models,
    }


def done_keys(path: Path) -> set[tuple[str, str, int]]:
    if not path.exists():
        return set()
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return {(r["case"], r["variant"], r["seed"]) for r in rows}


def run_bench(cases: list[str], variants: list[str], seeds: list[int], out: Path) -> None:
    done = done_keys(out)
    for case in cases:
        raw, frames = CASES[case]()
        for seed in seeds:
            for variant in variants:
                if (case, variant, seed) in done:
                    continue
                cfg = variant_config(raw, variant, seed)
                if cfg is None:
                    continue
                print(f"{case} {variant} seed {seed} ...", file=sys.stderr, flush=True)
                result = run_one(cfg, frames)
                row = {"case": case, "variant": variant, "seed": seed, **result}
                with out.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(row) + "\n")
                deep = result["models"]["model"]
                print(
                    f"  test AUC {deep['test_auc']:.3f} (val {deep['validation_auc']:.3f}), "
                    f"{result['wall_s']:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )


# ---- summary --------------------------------------------------------------------------------
def _fmt_row(label: str, rows: list[dict], model: str) -> str:
    tests = [r["models"][model]["test_auc"] for r in rows if model in r["models"]]
    vals = [r["models"][model]["validation_auc"] for r in rows if model in r["models"]]
    if not tests:
        return ""
    first = rows[0]["models"][model].get("test_ci") or [float("nan")] * 2
    wall = statistics.median(r["wall_s"] for r in rows)
    spread = f"{min(tests):.3f}-{max(tests):.3f}" if len(tests) > 1 else "-"
    return (
        f"| {label} | **{statistics.mean(tests):.3f}** | {spread} | "
        f"{first[0]:.3f}-{first[1]:.3f} | {statistics.mean(vals):.3f} | {len(tests)} | "
        f"{wall:.0f} s |"
    )


def summary(path: Path) -> str:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    out = []
    for case in CASES:
        mine = [r for r in rows if r["case"] == case]
        if not mine:
            continue
        out += [
            f"**{case}**",
            "",
            "| model | test ROC-AUC (mean of seeds) | range over seeds | 95% interval "
            "(first seed) | validation ROC-AUC | seeds | wall time (median) |",
            "|---|---|---|---|---|---|---|",
        ]
        for variant in VARIANTS:
            runs = [r for r in mine if r["variant"] == variant]
            if runs:
                out.append(_fmt_row(f"deep: {variant}", runs, "model"))
        base = [r for r in mine if r["variant"] == "base"] or mine
        for model in COMPARATORS:
            line = _fmt_row(model, base, model)
            if line:
                out.append(line)
        recommended = [r["recommended"] for r in mine if r.get("recommended")]
        if recommended:
            counts = pd.Series(recommended).value_counts()
            out.append("")
            picks = (f"{name} ({n} of {len(recommended)} runs)" for name, n in counts.items())
            out.append("Recommended on validation: " + ", ".join(picks))
        out.append("")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--seeds", default="7,8,9")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--summary", action="store_true", help="print the table and stop")
    args = parser.parse_args()
    if not args.summary:
        os.environ.setdefault("RISKCORE_HOME", tempfile.mkdtemp(prefix="bench_quality_"))
        run_bench(
            args.cases.split(","),
            args.variants.split(","),
            [int(s) for s in args.seeds.split(",")],
            args.out,
        )
    print(summary(args.out))


if __name__ == "__main__":
    main()
