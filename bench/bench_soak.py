"""Soak: many consecutive trainings through the UI in one server process; does the server grow?

    .venv/bin/python bench/bench_soak.py [--runs 20] [--budget-mb 100] [--no-results]

One `streamlit run app.py` server (empty RISKCORE_HOME in a temporary folder) and one chromium
session under Playwright: upload sample_data/market_prices.csv and the tiny config of the
browser tests, then press Train `--runs` times, each time waiting for "Run <id> saved." and then
opening the Results page of the new run (skip with --no-results), as an analyst would. After each
run the server process's RSS is read with psutil (the worker processes are not counted: they
are separate processes, recycled after 20 jobs, and the design keeps TensorFlow out of the
server). Prints the curve and the growth from before the first training to the end; exits 1 when
that growth exceeds --budget-mb.
"""

from __future__ import annotations

import argparse
import statistics
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


def _rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / MB


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--budget-mb", type=float, default=100.0)
    parser.add_argument("--no-results", action="store_true", help="do not open Results each run")
    args = parser.parse_args()
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


if __name__ == "__main__":
    sys.exit(main())
