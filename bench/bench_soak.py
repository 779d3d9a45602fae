"""Soak: does the server's memory stay bounded over many trainings, or many sessions?

    .venv/bin/python bench/bench_soak.py [--runs 20] [--budget-mb 100] [--no-results]
    .venv/bin/python bench/bench_soak.py --mode sessions [--rounds 6] [--sessions 3]
        [--store N] [--home DIR] [--settle-s 150] [--budget-mb 100]

--mode train (default): one `streamlit run app.py` server (empty RISKCORE_HOME in a temporary
folder) and one chromium session under Playwright: upload sample_data/market_prices.csv and the
tiny config of the browser tests, then press Train `--runs` times, each time waiting for "Run
<id> saved." and then opening the Results page of the new run (skip with --no-results), as an
analyst would. After each run the server process's RSS is read with psutil (the worker processes
are not counted: they are separate processes, recycled after 20 jobs, and the design keeps
TensorFlow out of the server). Prints the curve and the growth from before the first training to
the end; exits 1 when that growth exceeds --budget-mb.

--mode sessions: a store of `--store` tiny runs (sample market data, epochs 1, units [8], each
with a small stored explanation), trained once with the CLI (`train`, `explain`) into --home (a
temporary folder unless given; an existing --home with runs is reused as is). Then `--rounds`
rounds: each opens `--sessions` browser sessions (separate contexts, so separate Streamlit
sessions) that each load the sample market data, pick a run (a different one per session,
cycling through the store), open Results, Explain and Report (and build the PDF), then close
them all. The server's RSS is read after each round, after the last round once --settle-s
seconds have passed (Streamlit keeps a closed session for reconnection for 2 minutes), and once
more after one short probe session (a new session closing is what purges the expired ones).
Prints the table (round, sessions opened, RSS MB) and the end against the peak; exits 1 when
the end is more than --budget-mb above the RSS after round 1.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser_support import (  # noqa: E402  (after the sys.path line, as in bench/)
    SAVED,
    TINY_CONFIG,
    go,
    launch_browser,
    new_session,
    open_page,
    serve,
    upload,
)

MB = 1024 * 1024
SAMPLE = ROOT / "sample_data"
MARKET_INPUTS = (
    *("--data", str(SAMPLE / "market_prices.csv")),
    *("--macro", str(SAMPLE / "market_macro.csv")),
    *("--sentiment", str(SAMPLE / "market_sentiment.csv")),
)


def _rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / MB


# ---- --mode train ----------------------------------------------------------------------------
def _wait_new_run(page, seen: set[str], timeout_s: float = 180.0) -> str:
    """The id in "Run <id> saved." once it names a run not seen before."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        # the page's text at once (a locator found first can be gone by a rerun when read)
        for run_id in SAVED.findall(page.locator("[data-testid='stMain']").inner_text()):
            if run_id not in seen:
                return run_id
        page.wait_for_timeout(250)
    shot = ROOT / "test-artifacts" / "soak_timeout.png"
    page.screenshot(path=shot, full_page=True)
    raise RuntimeError(f"no new run was saved in time; the page is in {shot}")


def soak(runs: int, results: bool) -> list[dict]:
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        with serve(home) as server, launch_browser() as browser:
            pid = server.process.pid
            page = open_page(new_session(browser), server.url)
            upload(page, ROOT / "sample_data" / "market_prices.csv", TINY_CONFIG, home / "c.json")
            go(page, "Train", "Train")
            page.wait_for_timeout(1000)
            rows.append({"run": 0, "rss_mb": _rss_mb(pid), "seconds": 0.0})
            print(f"before training: server RSS {rows[0]['rss_mb']:.1f} MB", flush=True)
            seen: set[str] = set()
            for i in range(1, runs + 1):
                t0 = time.perf_counter()
                page.get_by_role("button", name="Train", exact=True).click()
                seen.add(_wait_new_run(page, seen))
                if results:
                    go(page, "Results", "Results")
                    page.get_by_text("Test metrics with 95% bootstrap intervals").wait_for()
                    go(page, "Train", "Train")
                page.wait_for_timeout(500)  # let the rerun that followed finish
                row = {"run": i, "rss_mb": _rss_mb(pid), "seconds": time.perf_counter() - t0}
                rows.append(row)
                print(
                    f"run {i:2d}: server RSS {row['rss_mb']:.1f} MB "
                    f"({row['rss_mb'] - rows[0]['rss_mb']:+.1f}), {row['seconds']:.1f} s",
                    flush=True,
                )
    return rows


def train_main(args: argparse.Namespace) -> int:
    rows = soak(args.runs, results=not args.no_results)
    rss = [r["rss_mb"] for r in rows]
    growth = rss[-1] - rss[0]
    print("\ncurve (MB after each run):", " ".join(f"{v:.0f}" for v in rss[1:]))
    print(
        f"start {rss[0]:.1f} MB, after run 1 {rss[1]:.1f} MB, end {rss[-1]:.1f} MB, "
        f"max {max(rss):.1f} MB; growth {growth:+.1f} MB from start, "
        f"{rss[-1] - rss[1]:+.1f} MB from run 1 (budget {args.budget_mb:.0f} MB); "
        f"median run {statistics.median(r['seconds'] for r in rows[1:]):.1f} s"
    )
    return 0 if growth < args.budget_mb else 1


# ---- --mode sessions -------------------------------------------------------------------------
def _tiny_market_config(k: int) -> dict:
    """The sample market config made tiny (epochs 1, one small layer); runs differ by seed,
    cell and window so that each is its own run."""
    config = json.loads((SAMPLE / "market_config.json").read_text(encoding="utf-8"))
    config["window"] = (20, 30)[k % 2]
    config["model"].update(cell=("lstm", "gru")[k % 2], units=[8], dense_units=4, tower_units=4)
    config["training"].update(epochs=1, patience=0, batch_size=512, seed=7 + k)
    return config


def _cli(home: Path, *argv: str) -> str:
    env = {**os.environ, "RISKCORE_HOME": str(home), "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        [sys.executable, "-m", "riskcore", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(
            f"riskcore {argv[0]} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    return done.stdout


def build_store(home: Path, runs: int) -> list[str]:
    """`runs` tiny trained runs in home (kept when home already holds that many)."""
    folder = home / "runs"
    have = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    for k in range(len(have), runs):
        t0 = time.perf_counter()
        config = home / f"soak-config-{k}.json"
        config.write_text(json.dumps(_tiny_market_config(k)), encoding="utf-8")
        out = _cli(home, "train", str(config), *MARKET_INPUTS)
        run_id = Path(out.strip().splitlines()[-1].strip()).name
        shap = home / f"soak-shap-{k}.csv"
        _cli(home, "explain", run_id, "--rows", "30", "--background", "20", "--out", str(shap))
        print(
            f"store: run {run_id} trained and explained, {time.perf_counter() - t0:.0f} s",
            flush=True,
        )
    return sorted(p.name for p in folder.iterdir() if p.is_dir())


def _pick_run(page, run_id: str) -> None:
    """Make run_id the active run with the sidebar's run picker."""
    picker = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(
        has_text="Active run"
    )
    picker.click()
    page.get_by_role("option", name=re.compile(re.escape(run_id))).click()
    box = picker.locator("input")  # the combobox shows the choice as its value, not as text
    deadline = time.monotonic() + 30
    while run_id not in box.input_value():
        if time.monotonic() > deadline:
            raise RuntimeError(f"the run picker did not switch to {run_id}")
        page.wait_for_timeout(100)


def journey(page, run_id: str) -> None:
    """One analyst: the sample market data, then Results, Explain and Report of run_id."""
    page.get_by_role("button", name="Load sample: market risk (12 tickers)").click()
    page.get_by_text("Samples per split").wait_for(timeout=120_000)
    _pick_run(page, run_id)
    go(page, "Results", "Results")
    page.get_by_text("Test metrics with 95% bootstrap intervals").wait_for(timeout=120_000)
    go(page, "Explain", "Explain")
    page.get_by_text("predictions explained. Additivity gap").first.wait_for(timeout=120_000)
    go(page, "Report", "Risk report")
    page.get_by_role("button", name="Download CSV").wait_for(timeout=120_000)
    page.get_by_role("button", name="Build PDF").click()
    page.get_by_role("button", name="Download PDF").wait_for(timeout=180_000)
    if page.locator("[data-testid='stException']").count():
        shot = ROOT / "test-artifacts" / "soak_exception.png"
        page.screenshot(path=shot, full_page=True)
        raise RuntimeError(f"the app showed an exception; the page is in {shot}")


def session_soak(
    home: Path, run_ids: list[str], rounds: int, sessions: int, settle_s: float
) -> list[dict]:
    rows: list[dict] = []
    with serve(home) as server, launch_browser() as browser:
        pid = server.process.pid

        def sample(label: str, opened: int, seconds: float = 0.0) -> None:
            rows.append({"round": label, "opened": opened, "rss_mb": _rss_mb(pid), "s": seconds})
            r = rows[-1]
            print(
                f"{label:>14}: {opened:3d} sessions opened, server RSS {r['rss_mb']:7.1f} MB"
                f"{f', {seconds:.0f} s' if seconds else ''}",
                flush=True,
            )

        probe = new_session(browser)  # the first render compiles the app's modules
        open_page(probe, server.url)
        probe.close()
        time.sleep(2)
        sample("start", 0)
        opened = 0
        for r in range(1, rounds + 1):
            t0 = time.perf_counter()
            contexts = []
            for i in range(sessions):
                context = new_session(browser)
                contexts.append(context)
                page = open_page(context, server.url)
                page.set_default_timeout(120_000)  # a loaded 2-core box: slow, not broken
                journey(page, run_ids[(opened + i) % len(run_ids)])
            opened += sessions
            for context in contexts:  # all of the round's sessions were open at once
                context.close()
            time.sleep(2)  # the websockets close, the sessions leave the active list
            sample(str(r), opened, time.perf_counter() - t0)
        time.sleep(settle_s)
        sample(f"+{settle_s:.0f} s idle", opened)
        probe = new_session(browser)  # a new session's close purges the expired stored ones
        open_page(probe, server.url)
        probe.close()
        time.sleep(5)
        sample("after probe", opened + 1)
    return rows


def sessions_main(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(args.home) if args.home else Path(tmp) / "home"
        home.mkdir(parents=True, exist_ok=True)
        run_ids = build_store(home, args.store)
        print(f"store {home}: {len(run_ids)} runs", flush=True)
        rows = session_soak(home, run_ids, args.rounds, args.sessions, args.settle_s)
    print("\n| round | sessions opened | server RSS MB |\n|---|---|---|")
    for r in rows:
        print(f"| {r['round']} | {r['opened']} | {r['rss_mb']:.1f} |")
    rss = [r["rss_mb"] for r in rows]
    first, peak, end = rows[1]["rss_mb"], max(rss), rss[-1]
    print(
        f"\nstart {rss[0]:.1f} MB, after round 1 {first:.1f} MB, peak {peak:.1f} MB, "
        f"end {end:.1f} MB: end - peak {end - peak:+.1f} MB, end - round 1 {end - first:+.1f} MB "
        f"(budget {args.budget_mb:.0f} MB), end - start {end - rss[0]:+.1f} MB"
    )
    return 0 if end - first < args.budget_mb else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("train", "sessions"), default="train")
    parser.add_argument("--budget-mb", type=float, default=100.0)
    train = parser.add_argument_group("--mode train")
    train.add_argument("--runs", type=int, default=20)
    train.add_argument("--no-results", action="store_true", help="do not open Results each run")
    sessions = parser.add_argument_group("--mode sessions")
    sessions.add_argument("--rounds", type=int, default=6)
    sessions.add_argument("--sessions", type=int, default=3, help="browser sessions a round")
    sessions.add_argument("--store", type=int, default=4, help="tiny runs in the store")
    sessions.add_argument("--home", help="RISKCORE_HOME to build or reuse (default: temporary)")
    sessions.add_argument(
        "--settle-s", type=float, default=150.0, help="idle wait after the last round"
    )
    args = parser.parse_args()
    return sessions_main(args) if args.mode == "sessions" else train_main(args)


if __name__ == "__main__":
    sys.exit(main())
