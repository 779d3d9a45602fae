"""Every CSV RiskLens writes for a user is safe to open in a spreadsheet: a text cell or column
name that would run as a formula starts with an apostrophe, numbers stay numbers, the file starts
with a BOM and Chinese text survives the round trip. Checked on riskcore.csvfile itself and on
each writer: the report, scenario, explain, score and watch (scores, alerts) files, through the
CLI where it has a command."""

from __future__ import annotations

import csv
import io
import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from riskcore import csvfile
from riskcore import report as R
from riskcore.cli import main
from riskcore.store import RunStore
from riskcore.watch import ALERTS_FILE, Watcher, load_monitor
from tests.hostile_text import (
    COLUMN,
    ENTITIES,
    FORMULA_ATTACKS,
    FORMULA_COLUMN,
    FORMULA_ENTITIES,
    LEAK,
    HostileRun,
    explained,
    hostile_run,
)

BOM = b"\xef\xbb\xbf"


def rows_of(data: bytes) -> list[list[str]]:
    """The CSV as Excel sees it: BOM first, then rows of strings (header included)."""
    assert data.startswith(BOM), data[:20]
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def formula_cells(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would run; numbers such as -0.5 or +1e-3 are values, not formulas."""

    def number(cell: str) -> bool:
        try:
            float(cell)
        except ValueError:
            return False
        return True

    return [
        c for row in rows for c in row if c.startswith(csvfile.FORMULA_PREFIXES) and not number(c)
    ]


def assert_safe(data: bytes, entities: bool = True) -> list[list[str]]:
    rows = rows_of(data)
    assert formula_cells(rows) == []
    if entities:
        cells = {c for row in rows for c in row}
        assert {"'" + e for e in FORMULA_ENTITIES} <= cells
        assert ENTITIES["E3"] in cells  # Chinese text, read back as written
    return rows


# ---- riskcore.csvfile ---------------------------------------------------------------------------
@pytest.mark.parametrize("value", FORMULA_ATTACKS)
def test_formula_text_gets_an_apostrophe_in_cells_and_header(value) -> None:
    frame = pd.DataFrame({value: [value, "ok"], "n": [-0.5, 2.0]})
    rows = rows_of(csvfile.csv_bytes(frame))
    assert rows[0] == ["'" + value, "n"]
    assert rows[1][0] == "'" + value and rows[2][0] == "ok"


def test_numbers_stay_numbers_and_chinese_round_trips(tmp_path) -> None:
    frame = pd.DataFrame(
        {
            "entity": ["平安银行", "-2+3", None],
            "score": [-0.5, 1e-3, np.nan],
            "n": np.array([-3, 0, 7], dtype=np.int64),
            "mixed": pd.Series([-1.5, "=1", 3], dtype=object),
        }
    )
    data = csvfile.csv_bytes(frame)
    rows = rows_of(data)
    assert rows[1] == ["平安银行", "-0.5", "-3", "-1.5"]
    assert rows[2] == ["'-2+3", "0.001", "0", "'=1"]
    path = tmp_path / "out.csv"
    csvfile.write_csv(frame, path)
    assert path.read_bytes() == data
    back = csvfile.read_csv(path)
    assert back["entity"].tolist()[:2] == ["平安银行", "-2+3"]
    assert back["score"].dtype.kind == "f" and back["score"].iloc[0] == -0.5


def test_appending_writes_the_bom_and_the_header_once(tmp_path) -> None:
    path = tmp_path / "alerts.csv"
    for entity in ("=a", "平安"):
        csvfile.write_csv(pd.DataFrame({"@entity": [entity], "score": [-0.1]}), path, append=True)
    data = path.read_bytes()
    assert data.count(BOM) == 1 and data.startswith(BOM)
    assert rows_of(data) == [["'@entity", "score"], ["'=a", "-0.1"], ["平安", "-0.1"]]


def test_open_files_get_the_same_bytes() -> None:
    frame = pd.DataFrame({"=x": ["+1"]})
    binary, text = io.BytesIO(), io.StringIO()
    csvfile.write_csv(frame, binary)
    csvfile.write_csv(frame, text)
    assert binary.getvalue() == text.getvalue().encode("utf-8") == csvfile.csv_bytes(frame)


def test_the_report_shows_the_one_escaping() -> None:
    assert R.escape_cell is csvfile.escape_cell
    assert R.FORMULA_PREFIXES == csvfile.FORMULA_PREFIXES


# ---- every writer, on the hostile run -----------------------------------------------------------
@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> HostileRun:
    return explained(hostile_run(tmp_path_factory.mktemp("hostile")))


@pytest.fixture
def home(hostile, monkeypatch) -> Path:
    monkeypatch.setenv("RISKCORE_HOME", str(hostile.home))
    return hostile.home


def _inputs(hostile: HostileRun, folder: Path) -> list[str]:
    folder.mkdir(exist_ok=True)
    paths = {}
    for name, frame in (("prices", hostile.primary), ("macro", hostile.macro)):
        paths[name] = folder / f"{name}.csv"
        frame.to_csv(paths[name], index=False)
    paths["news"] = folder / "news.csv"
    hostile.news.to_csv(paths["news"], index=False)
    return [
        *("--data", str(paths["prices"]), "--macro", str(paths["macro"])),
        *("--sentiment", str(paths["news"])),
    ]


@pytest.mark.slow
def test_report_csv(hostile) -> None:
    run = RunStore(hostile.home).load(hostile.run_id)
    rows = assert_safe(R.report_csv(run, threshold=0.5))
    header = rows[0]
    assert {"driver_1", "reason_1", "flagged"} <= set(header)
    drivers = {r[header.index("driver_1")] for r in rows[1:]} - {""}
    assert drivers, "no explained rows"
    # the drivers name the features: a formula column name is escaped there too
    assert not any(d.startswith("=") for d in drivers)


@pytest.mark.slow
def test_cli_explain_csv_escapes_the_header(home, hostile, tmp_path, capsys) -> None:
    out = tmp_path / "shap.csv"
    args = ["explain", hostile.run_id, "--how", "latest", "--background", "20", "--out", str(out)]
    assert main([*args, "--reasons"]) == 0, capsys.readouterr().err
    rows = assert_safe(out.read_bytes())
    assert "'" + FORMULA_COLUMN in rows[0] and COLUMN in rows[0] and LEAK in rows[0]
    shap = pd.read_csv(out, encoding="utf-8-sig")
    values = shap["'" + FORMULA_COLUMN]
    assert values.dtype.kind == "f"  # SHAP values, negative ones included, stay numbers


@pytest.mark.slow
def test_cli_scenario_csv(home, hostile, tmp_path, capsys) -> None:
    scenario = tmp_path / "s.json"
    shock = {"feature": "f1", "op": "add", "value": 1.0}
    scenario.write_text(json.dumps({"name": "=cmd|' /C calc'!A0", "shocks": [shock]}))
    out = tmp_path / "scenario.csv"
    code = main(["scenario", hostile.run_id, "--scenario", str(scenario), "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    rows = assert_safe(out.read_bytes())
    assert rows[0][:3] == ["time", "entity", "score_base"]
    delta = pd.read_csv(out, encoding="utf-8-sig")["delta"]
    assert delta.dtype.kind == "f"


@pytest.mark.slow
def test_cli_score_csv(home, hostile, tmp_path, capsys) -> None:
    out = tmp_path / "scores.csv"
    code = main(["score", hostile.run_id, *_inputs(hostile, tmp_path / "in"), "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert_safe(out.read_bytes())


@pytest.mark.slow
def test_watch_scores_and_alerts(hostile, tmp_path) -> None:
    """The watch's per-file scores and its appended alerts.csv; the Monitor reads the alerts
    back as they were, and its download is the same safe CSV."""
    run = RunStore(hostile.home).load(hostile.run_id)
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    for name in ("=1+1.csv", "b.csv"):
        hostile.primary.to_csv(inbox / name, index=False)
        old = time.time() - 60  # settled: not still being copied
        os.utime(inbox / name, (old, old))
    outcomes = Watcher(run, inbox, out, hostile.macro, hostile.news, threshold=0.0).scan()
    assert len(outcomes) == 2 and not any(o.error for o in outcomes), outcomes
    for scores in out.glob("*.scores.csv"):
        assert_safe(scores.read_bytes())
    data = (out / ALERTS_FILE).read_bytes()
    rows = assert_safe(data)
    assert data.count(BOM) == 1
    assert "'=1+1.csv" in {r[1] for r in rows}  # the file name is a cell too
    alerts = load_monitor(out).alerts
    assert set(alerts["entity"]) == set(ENTITIES.values())  # read back unescaped
    assert "=1+1.csv" in set(alerts["file"])
    assert_safe(csvfile.csv_bytes(alerts))  # the Monitor page's download
