"""Risk report build time: the PDF of a run on the sample market data must take under 15 s.

    .venv/bin/python bench/bench_report.py [--repeats 3] [--run RUN_ID --home DIR] [--out DIR]

Trains a small model (LSTM 16, 3 epochs) on sample_data/market_*.csv into a temporary
RISKCORE_HOME unless --run names an existing run, adds explanations (300 predictions) and three
stress scenarios in the stored shapes, so that every chart of the report is drawn, then times
report_pdf (English and Chinese) and report_csv. Medians of --repeats. --out keeps the files.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGET_S = 15.0
SAMPLES = ROOT / "sample_data"
SCENARIOS = ("Rates +200bp", "Sentiment crash", "Volatility x2")


def train_sample_run(home: Path) -> str:
    """A small model on the sample market data, as the dashboard's "Load sample" would."""
    from riskcore.config import parse_config
    from riskcore.io import read_table
    from riskcore.store import RunStore
    from riskcore.train import describe_source, train_run

    raw = json.loads((SAMPLES / "market_config.json").read_text())
    raw["model"]["units"] = [16]
    raw["training"]["epochs"] = 3
    frames, sources = {}, []
    for role in ("prices", "macro", "sentiment"):
        path = SAMPLES / f"market_{role}.csv"
        frame, loaded = read_table(path)
        key = "primary" if role == "prices" else role
        frames[key] = frame
        sources.append(describe_source(key, path.name, path, rows=loaded.rows))
    return train_run(
        parse_config(raw),
        frames["primary"],
        frames["macro"],
        frames["sentiment"],
        store=RunStore(home),
        sources=sources,
    )


def add_artefacts(home: Path, run_id: str) -> None:
    from riskcore.store import RunStore
    from tests.test_report import fake_explanations, fake_scenarios

    store = RunStore(home)
    run = store.load(run_id)
    store.add_files(
        run_id,
        {
            "explanations.json": fake_explanations(run, n=300),
            "scenarios.json": fake_scenarios(run, SCENARIOS),
        },
    )


def timed(fn: Callable[[], bytes], repeats: int) -> tuple[float, bytes]:
    """Median seconds over `repeats` calls, and the last result."""
    times, out = [], b""
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--run", help="an existing run id (skips training)")
    parser.add_argument("--home", type=Path, help="RISKCORE_HOME of --run")
    parser.add_argument("--out", type=Path, help="folder to keep the PDFs and CSV in")
    args = parser.parse_args()

    from riskcore.report import report_csv, report_pdf
    from riskcore.store import RunStore

    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or Path(tmp)
        run_id = args.run
        if run_id is None:
            start = time.perf_counter()
            run_id = train_sample_run(home)
            print(f"trained {run_id} in {time.perf_counter() - start:.1f} s")
        if not (RunStore(home).load(run_id).path / "explanations.json").exists():
            add_artefacts(home, run_id)
        run = RunStore(home).load(run_id)
        rows = len(run.predictions)
        results = {}
        for language in ("en", "zh"):
            results[f"report_pdf ({language})"] = timed(
                lambda lang=language: report_pdf(run, notes="Benchmark", language=lang),
                args.repeats,
            )
        results["report_csv"] = timed(lambda: report_csv(run), args.repeats)
        print(f"run {run_id}: {rows:,} predictions, median of {args.repeats}")
        for name, (seconds, data) in results.items():
            verdict = "" if "csv" in name else (" ok" if seconds < BUDGET_S else " OVER BUDGET")
            print(f"  {name:<18} {seconds:6.2f} s  {len(data) / 1024:8.0f} KB{verdict}")
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            for name, (_, data) in results.items():
                suffix = "csv" if "csv" in name else f"{name[-3:-1]}.pdf"
                (args.out / f"report.{suffix}").write_bytes(data)


if __name__ == "__main__":
    main()
