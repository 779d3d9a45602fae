"""Risk report build time: the PDF of a run on the sample market data must take under 15 s;
and (--page) opening the Report page on a million-prediction run must take under 1 s.

    .venv/bin/python bench/bench_report.py [--repeats 3] [--run RUN_ID --home DIR] [--out DIR]
    .venv/bin/python bench/bench_report.py --page [--rows 1000000] [--repeats 5]

Trains a small model (LSTM 16, 3 epochs) on sample_data/market_*.csv into a temporary
RISKCORE_HOME unless --run names an existing run, adds explanations (300 predictions) and three
stress scenarios in the stored shapes, so that every chart of the report is drawn, then times
report_pdf (English and Chinese) and report_csv. Medians of --repeats. --out keeps the files.

--page writes a synthetic run of --rows predictions (tests.test_report.handmade_run: 400
entities, no training), then times the Report page's script in streamlit's AppTest, server side:
the first open (the run already read, as after the Results page) and reruns, with today's page
and with the page as it was before the CSV was built on demand ("legacy": the all-splits CSV
built on every load). Then the on-demand CSV itself (test period and all splits).
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
PAGE_BUDGET_S = 1.0
PAGE_ENTITIES = 400
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


def big_run(home: Path, rows: int) -> str:
    """A hand-made run of about `rows` predictions (PAGE_ENTITIES entities)."""
    from tests.test_report import handmade_run

    return handmade_run(home, dates=max(rows // PAGE_ENTITIES, 10), entities=PAGE_ENTITIES).run_id


def legacy_csv_download(run, options) -> None:
    """The Report page's CSV section before it was built on demand: the whole CSV (every
    split, cached by run and threshold as it was) on every load."""
    import streamlit as st

    from ui import report_widgets as W
    from ui.i18n import t

    st.subheader(t("report.csv_header"))
    data = W._csv(run.run_id, W.artefact_version(run), options.threshold, "all", "en")
    st.download_button(t("report.download_csv"), data, file_name="x.csv", key="download_csv")
    W.docx_section(run, options)


def page_times(home: Path, run_id: str, repeats: int, legacy: bool) -> tuple[float, float]:
    """Seconds of the Report page's first open (the run cached, as after Results) and the
    median of `repeats` reruns, in AppTest."""
    import os

    from streamlit.testing.v1 import AppTest

    from ui import page as P
    from ui import report_widgets as W
    from ui.i18n import TEXT

    os.environ["RISKCORE_HOME"] = str(home)
    os.chdir(ROOT)
    saved = W.csv_download
    if legacy:
        W.csv_download = legacy_csv_download
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.run()
        at.session_state["run_id"] = run_id
        P.load_run(run_id)  # read once, as the Results page would have
        start = time.perf_counter()
        at.switch_page("pages/report.py").run()
        first = time.perf_counter() - start
        assert not at.exception, at.exception
        assert at.title[0].value == TEXT["report.title"][0], "the Report page did not open"
        reruns = []
        for _ in range(repeats):
            start = time.perf_counter()
            at.run()
            reruns.append(time.perf_counter() - start)
    finally:
        W.csv_download = saved
    return first, statistics.median(reruns)


def page_bench(rows: int, repeats: int) -> None:
    from riskcore.report import report_csv
    from riskcore.store import RunStore

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        start = time.perf_counter()
        run_id = big_run(home, rows)
        run = RunStore(home).load(run_id)
        n = len(run.predictions)
        print(f"wrote run {run_id}: {n:,} predictions in {time.perf_counter() - start:.1f} s")
        for legacy in (True, False):
            first, rerun = page_times(home, run_id, repeats, legacy)
            name = "legacy page (CSV on load)" if legacy else "page (CSV on demand)"
            verdict = "ok" if first < PAGE_BUDGET_S else "OVER BUDGET"
            print(f"  {name:<27} open {first:5.2f} s  rerun {rerun:5.2f} s  {verdict}")
        for scope in ("test", "all"):
            seconds, data = timed(lambda s=scope: report_csv(run, 0.5, scope=s), repeats)
            print(f"  CSV on demand ({scope:<4})      {seconds:5.2f} s  {len(data) / 1e6:6.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--page", action="store_true", help="time the Report page instead")
    parser.add_argument("--rows", type=int, default=1_000_000, help="predictions, with --page")
    parser.add_argument("--run", help="an existing run id (skips training)")
    parser.add_argument("--home", type=Path, help="RISKCORE_HOME of --run")
    parser.add_argument("--out", type=Path, help="folder to keep the PDFs and CSV in")
    args = parser.parse_args()
    if args.page:
        page_bench(args.rows, args.repeats)
        return

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
        results["report_csv"] = timed(lambda: report_csv(run, scope="all"), args.repeats)
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
