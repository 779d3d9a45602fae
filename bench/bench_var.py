"""The quantile (VaR / ES) task on real index data, and the mixed-frequency macro join.

    .venv/bin/python bench/bench_var.py [--part var|macro|all] [--series sp500,nasdaq]
        [--epochs 15] [--units 32] [--window 30] [--repeat 1]

Data: the adjusted closes of the S&P 500 and the NASDAQ Composite shipped in the `arch`
package (arch.data.sp500 / nasdaq, 1999-2018; nobody here wrote them). Sequence inputs, all
known at the row's date: the one-step log return, its absolute value and the 20-day realised
volatility (rows t-19..t). The target is the forward one-day log return; VaR at 1% and 2.5%
(99% and 97.5% VaR), ES at each level; time split, the last 20% of dates is the test period.

Part "var": one panel of the chosen series. Part "macro": the S&P 500 from 2014 twice, without
macro inputs and with two macro files of different frequencies, the VIX (daily, arch.data.vix,
lag 0D) and the default premium BAA - AAA (monthly, arch.data.default, lag 1M), merged on the
date as the CLI merges repeated --macro files (riskcore.macro.merge_files) and joined with each
column's calendar lag; then the deep model with macro against itself without, paired on the
same test rows and bootstrap resamples (riskcore.var_metrics.evaluate_quantile).

Each run goes through riskcore.train.train_run into a temporary RISKCORE_HOME and is read back
from the run store (metrics.json, meta.json, predictions.csv), as a user would. Printed:
markdown tables per run (per model and level), the paired pinball verdict and the timings.
--repeat N trains N times with seeds 7, 8, ...: on the CPU one seed gives the same numbers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERIES = {"sp500": "SP500", "nasdaq": "NASDAQ"}
LEVELS = [0.01, 0.025]
MODELS = ("model", "historical", "garch", "fhs", "gbm")
FEATURES = ["ret_1d", "abs_ret", "vol_20"]
MACRO_FROM = "2014-01-01"  # the VIX file starts on 2014-01-03
MACRO_LAGS = {"vix": "0D", "default_premium": "1M"}
BP = 1e4


# ---- data -----------------------------------------------------------------------------------
def index_frame(series: str, start: str | None = None) -> pd.DataFrame:
    """date, ticker, close and the sequence inputs of one index, each known at its own date."""
    from importlib import import_module

    raw = import_module(f"arch.data.{series}").load()
    close = raw["Adj Close"].astype(float)
    ret = np.log(close).diff()
    frame = pd.DataFrame(
        {
            "date": pd.DatetimeIndex(raw.index).as_unit("ns"),
            "ticker": SERIES[series],
            "close": close.to_numpy(),
            "ret_1d": ret.to_numpy(),
            "abs_ret": ret.abs().to_numpy(),
            "vol_20": ret.rolling(20).std().to_numpy(),  # rows t-19..t: past and today only
        }
    )
    frame = frame.dropna().reset_index(drop=True)  # the first 20 rows lack a full volatility
    return frame[frame["date"] >= pd.Timestamp(start)] if start else frame


def macro_files() -> list[tuple[str, pd.DataFrame]]:
    """The two macro files as a user would upload them: (name, frame with a date column)."""
    from arch.data import default, vix

    v = vix.load()
    d = default.load()
    return [
        ("vix.csv", pd.DataFrame({"date": v.index.as_unit("ns"), "vix": v["vix"].to_numpy()})),
        (
            "default_premium.csv",
            pd.DataFrame(
                {"date": d.index.as_unit("ns"), "default_premium": (d["BAA"] - d["AAA"]).values}
            ),
        ),
    ]


def config(args: argparse.Namespace, seed: int, macro: list[str] | None = None) -> dict:
    """The run config: the model config's defaults except units; early stopping on."""
    data = {
        "time": "date",
        "entity": "ticker",
        "sequence_features": FEATURES,
        "target": {"kind": "forward_return", "column": "close"},
    }
    if macro:
        data |= {"macro_features": macro, "macro_lags": {c: MACRO_LAGS[c] for c in macro}}
    return {
        "data": data,
        "task": "quantile",
        "quantiles": LEVELS,
        "window": args.window,
        "horizon": 1,
        "split": {"scheme": "time", "validation": 0.15, "test": 0.2},
        "model": {"units": args.units},
        "training": {
            "epochs": args.epochs,
            "batch_size": args.batch_size,
            "patience": args.patience,
            "seed": seed,
        },
    }


# ---- training -------------------------------------------------------------------------------
def _progress(event: dict) -> None:
    if event.get("type") == "epoch":
        loss = event["logs"].get("val_loss", float("nan"))
        print(
            f"    epoch {event['epoch']}/{event['epochs']} val_loss {loss:.3e} "
            f"({event['elapsed_s']:.0f} s)",
            file=sys.stderr,
        )


def train(raw: dict, primary: pd.DataFrame, macro: pd.DataFrame | None = None):
    """Train one run into the temporary store; (the Run read back, wall seconds)."""
    from riskcore.config import parse_config
    from riskcore.store import RunStore
    from riskcore.train import train_run

    store = RunStore()
    t0 = time.perf_counter()
    run_id = train_run(parse_config(raw), primary, macro, store=store, emit=_progress)
    return store.load(run_id), time.perf_counter() - t0


# ---- printing -------------------------------------------------------------------------------
def _p(value: float) -> str:
    return "–" if value is None or not np.isfinite(value) else f"{value:.3f}"


def _ci(pair: list[float] | None, scale: float = 1.0, fmt: str = ".2f") -> str:
    if not pair:
        return ""
    lo, hi = (x * scale for x in pair)
    return f" [{lo:{fmt}}, {hi:{fmt}}]"


def _entity_lights(by_entity: dict) -> str:
    """Traffic light of each entity over its last 250 test rows: "SP500 green 3/250"."""
    out = []
    for entity, b in by_entity.items():
        tl = b["traffic_light"]
        out.append(f"{entity} {tl['zone']} {tl['exceptions']}/{tl['n']}")
    return "; ".join(out)


def _pooled_light(tl: dict) -> str:
    """ "green (all 1994)": one series is judged on its last 250 rows, a panel on all rows."""
    window = f"all {tl['n']}" if tl["window"] == "all" else tl["window"]
    return f"{tl['zone']} ({window})"


def print_table(metrics: dict) -> None:
    """One markdown row per model and level: pinball, breaches and every backtest."""
    print(
        "| model | pinball bp [95% CI] | level | breaches/n | breach rate [95% CI] | Kupiec p "
        "| Christoffersen p | cond. coverage p | traffic light pooled | last 250 per entity "
        "| ES Z2 (zone) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name in MODELS:
        entry = metrics["test"].get(name)
        if not entry:
            continue
        pinball = f"{entry['pinball'] * BP:.2f}{_ci(entry.get('pinball_ci'), BP)}"
        for j, (key, b) in enumerate(entry["backtest"].items()):
            by_entity = metrics["by_entity"][name][key]
            lo, hi = b.get("breach_rate_ci") or (np.nan, np.nan)
            rate = f"{b['breach_rate']:.2%} [{lo:.2%}, {hi:.2%}]"
            print(
                f"| {name if j == 0 else ''} | {pinball if j == 0 else ''} | {key} "
                f"| {b['breaches']}/{b['n']} | {rate} | {_p(b['kupiec_p'])} "
                f"| {_p(b['christoffersen_p'])} "
                f"| {_p(b['conditional_coverage_p'])} | {_pooled_light(b['traffic_light'])} "
                f"| {_entity_lights(by_entity)} | {_p(b['es_z2'])} ({b['es_zone']}) |"
            )


def print_verdict(metrics: dict) -> None:
    """Paired pinball differences (deep model minus each comparator, bp) and the verdict."""
    from riskcore.findings import verdict_sentence
    from riskcore.report import text
    from riskcore.verdict import decide

    parts = []
    for name, d in metrics["paired"].items():
        parts.append(f"{name} {d['pinball'] * BP:+.2f}{_ci(d['pinball_ci'], BP, '+.2f')}")
    print("paired pinball, deep model minus comparator (bp; < 0: the deep model is better):")
    print("  " + "; ".join(parts))
    print("verdict: " + verdict_sentence(decide(metrics), metrics["test"], text))


def print_run(title: str, run, wall: float) -> dict:
    """Everything about one run; returns the numbers the summary needs."""
    metrics, meta = run.metrics.to_dict(), run.meta.to_dict()
    summary = meta["summary"]
    print(f"\n### {title} (run {run.run_id})")
    spans = ", ".join(
        f"{part} {summary[part]['samples']} samples {summary[part]['from']}..{summary[part]['to']}"
        for part in ("train", "validation", "test")
    )
    print(f"{spans}; {meta['parameters']} weights; {meta['epochs_run']} epochs run")
    print_table(metrics)
    print_verdict(metrics)
    tm = meta["timings"]
    print(
        f"timings: prepare {tm['prepare_s']:.2f} s, fit (network + comparators) "
        f"{tm['fit_s']:.1f} s, total {tm['total_s']:.1f} s; "
        f"train_run wall with saving {wall:.1f} s"
    )
    return {"metrics": metrics, "total_s": tm["total_s"], "wall": wall, "run": run}


def print_repeats(results: list[dict]) -> None:
    """Across seeds: the deep model's pinball and breach rates, and the median time."""
    if len(results) < 2:
        return
    rows = []
    for r in results:
        m = r["metrics"]["test"]["model"]
        rates = ", ".join(f"{k} {b['breach_rate']:.2%}" for k, b in m["backtest"].items())
        rows.append(f"{m['pinball'] * BP:.2f} bp ({rates})")
    print("deep model over seeds: " + " | ".join(rows))
    print(f"median total_s {statistics.median(r['total_s'] for r in results):.1f}")


# ---- macro: with vs without ------------------------------------------------------------------
def forecasts_of(predictions: pd.DataFrame, suffix: str = ""):
    """The deep model's test VaR / ES from predictions.csv, rows in (time, entity) order."""
    from riskcore.quantiles import QuantileForecast, es_column, var_column

    test = predictions[predictions["split"] == "test"].sort_values(["time", "entity"])
    var = np.column_stack([test[var_column(a, "model")] for a in LEVELS])
    es = np.column_stack([test[es_column(a, "model")] for a in LEVELS])
    return test, QuantileForecast(var, es)


def print_macro_effect(with_macro, without) -> None:
    """The deep model with macro inputs minus itself without, paired on the same resamples."""
    from riskcore.bootstrap import Resampling
    from riskcore.var_metrics import evaluate_quantile

    test, f_macro = forecasts_of(with_macro.predictions)
    test0, f_plain = forecasts_of(without.predictions)
    same = (test["time"].to_numpy() == test0["time"].to_numpy()).all() and len(test) == len(test0)
    if not same:
        print("macro effect: the two runs' test rows differ; not compared")
        return
    times = pd.to_datetime(test["time"]).to_numpy()
    boot = Resampling.by_date(times, 1, 200, 7)
    out = evaluate_quantile(
        test["y_true"].to_numpy(dtype=float),
        {"model": f_macro, "no_macro": f_plain},
        LEVELS,
        test["entity"].to_numpy(),
        times,
        boot,
    )
    d = out["paired"]["no_macro"]
    print(
        f"deep model with macro minus without, pinball: {d['pinball'] * BP:+.2f} bp"
        f"{_ci(d['pinball_ci'], BP, '+.2f')} (< 0: the macro inputs help)"
    )


def show_join(args: argparse.Namespace, macro: pd.DataFrame) -> None:
    """Detected frequencies, and which macro values reach a few primary dates."""
    from riskcore.config import DataConfig
    from riskcore.joins import join_macro
    from riskcore.macro import column_lags, file_frequency

    for name, frame in macro_files():
        f = file_frequency(name, frame, "date")
        print(f"{name}: {f.frequency}, default lag {f.default_lag}; configured {MACRO_LAGS}")
    data = DataConfig.model_validate(config(args, 7, list(MACRO_LAGS))["data"])
    dates = pd.to_datetime(["2018-02-28", "2018-03-01", "2018-03-15"]).to_numpy("datetime64[ns]")
    joined = join_macro(dates, macro, "date", data.macro_features, column_lags(data, macro, "date"))
    joined.insert(0, "date", pd.DatetimeIndex(dates).date)
    print("macro values a row sees (default premium of month m is used from the 1st of m+1):")
    print(joined.to_string(index=False))


# ---- parts ----------------------------------------------------------------------------------
def part_var(args: argparse.Namespace) -> None:
    primary = pd.concat([index_frame(s) for s in args.series], ignore_index=True)
    print(f"\n## VaR / ES: {', '.join(args.series)} ({len(primary)} rows)")
    results = []
    for r in range(args.repeat):
        run, wall = train(config(args, 7 + r), primary)
        results.append(print_run(f"{'+'.join(args.series)}, seed {7 + r}", run, wall))
    print_repeats(results)


def part_macro(args: argparse.Namespace) -> None:
    from riskcore.macro import merge_files

    primary = index_frame("sp500", MACRO_FROM)
    macro = merge_files(macro_files(), "date", None)  # whole files, as a user uploads them
    print(f"\n## Macro join: S&P 500 from {MACRO_FROM} ({len(primary)} rows)")
    show_join(args, macro)
    plain, with_macro = [], []
    for r in range(args.repeat):
        run0, wall0 = train(config(args, 7 + r), primary)
        plain.append(print_run(f"S&P 500 from 2014, no macro, seed {7 + r}", run0, wall0))
        run1, wall1 = train(config(args, 7 + r, list(MACRO_LAGS)), primary, macro)
        with_macro.append(
            print_run(f"S&P 500 from 2014, VIX 0D + default premium 1M, seed {7 + r}", run1, wall1)
        )
        print_macro_effect(run1, run0)
    print_repeats(plain)
    print_repeats(with_macro)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("var", "macro", "all"), default="all")
    parser.add_argument("--series", default="sp500,nasdaq")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--units", default="32", help="comma-separated, e.g. 32 or 64,32")
    parser.add_argument("--window", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--patience", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    args.series = [s.strip() for s in args.series.split(",") if s.strip()]
    unknown = [s for s in args.series if s not in SERIES]
    if unknown:
        parser.error(f"--series {unknown}: choose from {sorted(SERIES)}")
    args.units = [int(u) for u in args.units.split(",")]
    os.environ.setdefault("RISKCORE_HOME", tempfile.mkdtemp(prefix="bench-var-"))
    print(f"RISKCORE_HOME={os.environ['RISKCORE_HOME']}")
    if args.part in ("var", "all"):
        part_var(args)
    if args.part in ("macro", "all"):
        part_macro(args)


if __name__ == "__main__":
    main()
