"""riskcore.io.read_table vs plain pandas.read_csv on a clean 1,000,000-row UTF-8 CSV.

    .venv/bin/python bench/bench_io.py [--rows 1000000] [--repeats 3]

Budget (DESIGN.md, io): read_table may take at most 1.5x the time of pandas.read_csv on the same
file. read_table does more (encoding and delimiter sniffing, header cleaning, column checks,
parsing the date column to datetime64), so the ratio measures what that robustness costs.
The file has a date column, an entity column and eight float columns. Both sides run
interleaved; wall-clock and CPU time (all threads) are reported, since CPU time is the steadier
number on a shared machine. pandas >= 3.1 parses a large local file in parallel chunks;
read_table keeps that for clean files (see riskcore.io._parse_csv), so the wall ratio on an idle
multi-core machine is the honest one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from riskcore.io import read_table


def write_csv(path: Path, rows: int, entities: int = 500) -> None:
    """A long panel: `entities` tickers over rows // entities business days."""
    rng = np.random.default_rng(0)
    per = rows // entities
    dates = pd.bdate_range("2000-01-03", periods=per).strftime("%Y-%m-%d")
    frame = pd.DataFrame(
        rng.normal(size=(per * entities, 8)).round(6),
        columns=[f"f{i}" for i in range(8)],
    )
    frame.insert(0, "date", np.tile(dates.to_numpy(), entities))
    frame.insert(1, "ticker", np.repeat([f"T{i:04d}" for i in range(entities)], per))
    frame.to_csv(path, index=False)


def timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def show(label: str, runs: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Print and return the median wall time, the best wall time and the median CPU time."""
    wall = statistics.median(w for w, _ in runs)
    best = min(w for w, _ in runs)
    cpu = statistics.median(c for _, c in runs)
    each = ", ".join(f"{w:.3f}" for w, _ in runs)
    print(f"{label:<16} wall median {wall:.3f} s, best {best:.3f} ({each}); CPU median {cpu:.3f} s")
    return wall, best, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "panel.csv"
        write_csv(path, args.rows)
        size_mb = path.stat().st_size / 1e6
        frame, report = read_table(path)
        assert report.time_column == "date" and len(frame) == args.rows, report.to_text()
        plain, robust = [], []
        for _ in range(args.repeats):  # interleaved, so drift in machine load hits both sides
            plain.append(timed(lambda: pd.read_csv(path)))
            robust.append(timed(lambda: read_table(path)))
    print(f"file: {args.rows:,} rows x {frame.shape[1]} columns, {size_mb:.1f} MB")
    p_wall, p_best, p_cpu = show("pandas.read_csv", plain)
    r_wall, r_best, r_cpu = show("read_table", robust)
    print(
        f"ratio read_table / read_csv (budget 1.50): median wall {r_wall / p_wall:.2f}, "
        f"best wall {r_best / p_best:.2f}, median CPU {r_cpu / p_cpu:.2f}"
    )


if __name__ == "__main__":
    main()
