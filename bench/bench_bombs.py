"""Upload bombs through riskcore.uploads.read_upload: the server's memory, the child's, the time.

    .venv/bin/python bench/bench_bombs.py [--case NAME ...] [--spawn-repeats 5]

Each case runs in a fresh Python process that stands in for the web server: it builds the upload
in memory (streamed, like the test corpus in tests/test_upload_limits.py, sized here like the
real attacks), resets its peak RSS, calls read_upload and reports its own peak RSS (the server),
the parsing child's peak RSS (RUSAGE_CHILDREN) and the seconds until the refusal or the frame.
Server limits are the defaults unless a case names others. The last line measures what the
child costs on the sample CSV: read_upload vs read_table in-process.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_upload_limits import (  # noqa: E402
    held_rows_sheet,
    shared_strings,
    sheet_xml,
    workbook,
)

MB = 1024 * 1024


def _numbers_csv(rows: int) -> bytes:
    return b"a,b,c,d,e,f,g,h,i,j\n" + b"1,2,3,4,5,6,7,8,9,10\n" * rows


def _identical_header(n: int) -> bytes:
    return (",".join(["close"] * n) + "\n" + ",".join(["1"] * n) + "\n").encode()


# name: (file name, builder, [limits]), the limits written to a RISKLENS_SETTINGS file
CASES: dict[str, tuple[str, Callable[[], bytes], dict]] = {
    "shared strings 1.1 GB (honest count)": (
        "strings.xlsx",
        lambda: workbook(strings=shared_strings(extra=22_600_000)),
        {},
    ),
    "shared strings 900 MB, no count": (
        "strings.xlsx",
        lambda: workbook(strings=shared_strings(extra=18_500_000, count=-1)),
        {},
    ),
    "rows bomb, dimension A1:B5000000": (
        "rows.xlsx",
        lambda: workbook(sheet=sheet_xml("A1:B5000000")),
        {},
    ),
    "rows bomb holding 5,000,000 rows, no dimension": (
        "rows.xlsx",
        lambda: workbook(sheet=held_rows_sheet(5_000_000)),
        {},
    ),
    "49M cells declared (A1:XFD3000), under max_cells": (
        "wide.xlsx",
        lambda: workbook(sheet=sheet_xml("A1:XFD3000", last_row=3000)),
        {},
    ),
    "compression ratio, 500 MB sheet": (
        "ratio.xlsx",
        lambda: workbook(sheet=sheet_xml(padding=500 * MB)),
        {},
    ),
    "20,000 identical header names": ("wide.csv", lambda: _identical_header(20_000), {}),
    "CSV of 30M numbers, 600 MB cap": (
        "numbers.csv",
        lambda: _numbers_csv(3_000_000),
        {"upload_memory_mb": 600},
    ),
    "CSV of 30M numbers, default cap": ("numbers.csv", lambda: _numbers_csv(3_000_000), {}),
}


def _rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_case(name: str) -> dict:
    """In the stand-in server: build, reset the peak, read, report."""
    from riskcore.uploads import read_upload

    file_name, build, _ = CASES[name]
    data = build()
    before = _rss_mb()
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM, the peak RSS
    start = time.perf_counter()
    try:
        frame, _ = read_upload(file_name, data)
        outcome = f"read, {frame.shape[0]:,} x {frame.shape[1]:,}"
    except Exception as exc:  # a RiskcoreError is the expected refusal
        outcome = f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "case": name,
        "upload_mb": round(len(data) / MB, 2),
        "server_before_mb": round(before, 1),
        "server_peak_mb": round(_rss_mb("VmHWM"), 1),
        "child_peak_mb": round(child_kb / 1024, 1),
        "seconds": round(seconds, 2),
        "outcome": outcome,
    }


def spawn_overhead(repeats: int) -> dict:
    from riskcore.io import read_table
    from riskcore.uploads import read_upload

    data = (ROOT / "sample_data" / "market_prices.csv").read_bytes()
    child, here = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        read_upload("market_prices.csv", data)
        child.append(time.perf_counter() - start)
        start = time.perf_counter()
        read_table(data, name="market_prices.csv")
        here.append(time.perf_counter() - start)
    return {
        "case": f"spawn overhead, sample market_prices.csv ({len(data) / MB:.2f} MB)",
        "read_upload_s": round(statistics.median(child), 2),
        "read_table_s": round(statistics.median(here), 2),
        "overhead_s": round(statistics.median(child) - statistics.median(here), 2),
    }


def _in_fresh_process(args: list[str], limits: dict) -> dict:
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as folder:
        if limits:
            path = Path(folder) / "risklens.toml"
            path.write_text("[limits]\n" + "".join(f"{k} = {v}\n" for k, v in limits.items()))
            env["RISKLENS_SETTINGS"] = str(path)
        done = subprocess.run(
            [sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=False
        )
    if done.returncode != 0:
        return {"case": " ".join(args), "error": done.stderr[-2000:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", choices=list(CASES))
    parser.add_argument("--spawn-repeats", type=int, default=5)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # the stand-in server's side
    parser.add_argument("--spawn", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_case(args.one)))
        return
    if args.spawn:
        print(json.dumps(spawn_overhead(args.spawn_repeats)))
        return
    for name in args.case or list(CASES):
        print(json.dumps(_in_fresh_process(["--one", name], CASES[name][2])), flush=True)
    spawn = ["--spawn", "--spawn-repeats", str(args.spawn_repeats)]
    print(json.dumps(_in_fresh_process(spawn, {})), flush=True)


if __name__ == "__main__":
    main()
