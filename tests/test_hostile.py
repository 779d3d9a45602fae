"""Hostile and malformed input: every file, config and table of tests/hostile.py is refused
with a message naming the file, column or value, through the core and through the CLI (exit 2,
one `error:` line, no traceback), each within the stated time limit."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from riskcore import io as rio
from riskcore.cli import main
from riskcore.config import load_config, parse_config
from riskcore.dataset import prepare
from riskcore.errors import (
    ConfigError,
    DataFileError,
    DataValidationError,
    RunStoreError,
)
from riskcore.store import RunStore
from tests.hostile import BASE_CONFIG, CONFIGS, DATA, FILES, GOOD_CSV, write_big_csv

ROOT = Path(__file__).resolve().parent.parent
LIMIT_S = 10  # no single hostile input may take longer than this
pytestmark = pytest.mark.timeout(LIMIT_S * 3)


def _one_error_line(err: str, *fragments: str) -> str:
    """stderr ends with exactly one `error:` line (progress lines such as "preparing..." may
    come before it) and holds no traceback."""
    lines = err.strip().splitlines()
    assert lines and lines[-1].startswith("error: "), err
    assert sum(line.startswith("error") for line in lines) == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[-1], (fragment, lines[-1])
    return lines[-1]


# ---- files -----------------------------------------------------------------------------------
@pytest.mark.parametrize("case", sorted(FILES))
def test_bad_file_is_refused_by_path_and_as_an_upload(case, tmp_path) -> None:
    name, data, fragment = FILES[case]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DataFileError) as by_path:
        rio.read_table(path)
    assert fragment in str(by_path.value) and name in str(by_path.value)
    with pytest.raises(DataFileError) as upload:
        rio.read_table(data, name=name)
    assert fragment in str(upload.value) and name in str(upload.value)


@pytest.mark.parametrize("case", sorted(FILES))
def test_bad_file_in_the_cli_is_exit_2_and_one_line(case, tmp_path, capsys) -> None:
    name, data, fragment = FILES[case]
    (tmp_path / name).write_bytes(data)
    start = time.perf_counter()
    code = main(["inspect", str(tmp_path / name)])
    assert time.perf_counter() - start < LIMIT_S
    assert code == 2
    _one_error_line(capsys.readouterr().err, fragment, name)


def test_missing_file_and_folder(tmp_path, capsys) -> None:
    assert main(["inspect", str(tmp_path / "nope.csv")]) == 2
    _one_error_line(capsys.readouterr().err, "nope.csv: no such file")
    assert main(["inspect", str(tmp_path)]) == 2
    _one_error_line(capsys.readouterr().err, "is a folder")


def test_the_real_command_shows_no_traceback(tmp_path) -> None:
    name, data, fragment = FILES["random binary"]
    (tmp_path / name).write_bytes(data)
    proc = subprocess.run(
        [sys.executable, "-m", "riskcore", "inspect", str(tmp_path / name)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=LIMIT_S * 2,
    )
    assert proc.returncode == 2
    _one_error_line(proc.stderr, fragment)


@pytest.fixture(scope="session")
def big_csv(tmp_path_factory) -> Path:
    """150 MB, written once per session, only to check that the size limit refuses it."""
    return write_big_csv(tmp_path_factory.mktemp("big") / "huge.csv", megabytes=150)


def test_a_file_over_the_limit_is_refused_before_parsing(big_csv, monkeypatch) -> None:
    assert big_csv.stat().st_size > 150 * 1024 * 1024
    parsed = []
    monkeypatch.setattr(pd, "read_csv", lambda *a, **k: parsed.append(1))
    start = time.perf_counter()
    with pytest.raises(DataFileError) as err:
        rio.read_table(big_csv, max_bytes=100 * 1024 * 1024)
    assert time.perf_counter() - start < 1.0 and not parsed
    assert "huge.csv is 150.0 MB, over the 100.0 MB limit" in str(err.value)


def test_an_upload_over_the_limit_is_refused_before_parsing(monkeypatch) -> None:
    monkeypatch.setattr(pd, "read_csv", lambda *a, **k: pytest.fail("parsed"))
    message = re.escape("big.csv is 1.0 MB, over the 1000.0 KB limit")
    with pytest.raises(DataFileError, match=message):
        rio.read_table(b"a,b\n" + b"1,2\n" * 262_143, name="big.csv", max_bytes=1_024_000)


def test_five_thousand_columns_are_read_in_time(tmp_path, capsys) -> None:
    header = ",".join(f"c{i}" for i in range(5000))
    rows = "\n".join(",".join(str(r + c) for c in range(5000)) for r in range(40))
    (tmp_path / "wide.csv").write_text(f"{header}\n{rows}\n")
    start = time.perf_counter()
    code = main(["inspect", str(tmp_path / "wide.csv")])
    assert time.perf_counter() - start < LIMIT_S and code == 0
    assert "columns: 5000" in capsys.readouterr().out


# ---- readable but suspicious: read, with a warning that names the column --------------------
def test_duplicate_unicode_and_invisible_column_names() -> None:
    data = "日期,收盘价\u200b,close,close,\U0001f4c8 vol,עברית\n2024-01-02,1,2,3,4,5\n".encode()
    frame, report = rio.read_table(data, name="names.csv")
    assert list(frame.columns) == ["日期", "收盘价", "close", "close_2", "\U0001f4c8 vol", "עברית"]
    assert any("'close' -> 'close_2'" in w for w in report.warnings)


def test_dates_in_the_future_are_flagged() -> None:
    data = b"date,x\n2024-01-02,1\n2204-01-03,2\n"
    _, report = rio.read_table(data, name="typo.csv")
    assert any("'date' has dates after today (latest 2204-01-03)" in w for w in report.warnings)
    _, report = rio.read_table(GOOD_CSV, name="fine.csv")
    assert not any("after today" in w for w in report.warnings)


def test_formula_strings_in_entity_names_stay_text() -> None:
    data = b"date,ent,x\n2024-01-02,=cmd|' /C calc'!A0,1\n2024-01-02,@SUM(A1),2\n"
    frame, _ = rio.read_table(data, name="f.csv")
    assert list(frame["ent"]) == ["=cmd|' /C calc'!A0", "@SUM(A1)"]


# ---- configs ---------------------------------------------------------------------------------
@pytest.mark.parametrize("case", sorted(CONFIGS))
def test_bad_config_is_refused_naming_the_field(case, tmp_path) -> None:
    text, fragment = CONFIGS[case]
    path = tmp_path / "run config.json"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert fragment in str(err.value) and "run config.json" in str(err.value)


@pytest.mark.parametrize("case", ["nested 100,000 deep", "unknown top key", "negative window"])
def test_bad_config_in_the_cli_is_exit_2(case, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    text, fragment = CONFIGS[case]
    (tmp_path / "c.json").write_text(text)
    (tmp_path / "d.csv").write_bytes(GOOD_CSV)
    code = main(["train", str(tmp_path / "c.json"), "--data", str(tmp_path / "d.csv")])
    assert code == 2
    _one_error_line(capsys.readouterr().err, fragment)
    assert not (tmp_path / "runs").exists() or not list((tmp_path / "runs").iterdir())


# ---- tables that do not fit the config ------------------------------------------------------
@pytest.mark.parametrize("case", sorted(DATA))
def test_bad_table_is_refused_naming_the_column_or_value(case) -> None:
    make, fragment = DATA[case]
    with pytest.raises(DataValidationError) as err:
        prepare(parse_config(BASE_CONFIG), make())
    assert fragment in str(err.value)


@pytest.mark.parametrize("case", ["all-NaN feature", "infinite target", "one-row entities"])
def test_bad_table_in_the_cli_is_exit_2_and_saves_nothing(case, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    make, fragment = DATA[case]
    (tmp_path / "c.json").write_text(json.dumps(BASE_CONFIG))
    make().to_csv(tmp_path / "d.csv", index=False)
    code = main(["train", str(tmp_path / "c.json"), "--data", str(tmp_path / "d.csv")])
    assert code == 2
    _one_error_line(capsys.readouterr().err, fragment)
    assert RunStore(tmp_path).ids() == []


# ---- run ids and artefact names from users ---------------------------------------------------
@pytest.mark.parametrize(
    "run_id",
    [
        "../x",
        "../../etc/passwd",
        "/etc",
        "/tmp/20260101-120000-abcdef",
        "20260101-120000-abcdef/../../x",
        "20260101-120000-abcdef\n",
        "..",
        "",
        None,
        42,
    ],
)
def test_run_ids_cannot_leave_the_runs_folder(run_id, tmp_path, capsys) -> None:
    (tmp_path / "runs" / "20260101-120000-abcdef").mkdir(parents=True)
    with pytest.raises(RunStoreError, match="is not a run id"):
        RunStore(tmp_path).path(run_id)
    if isinstance(run_id, str) and run_id:
        code = main(["report", run_id, "--format", "csv", "--out", str(tmp_path / "r.csv")])
        assert code == 2
        _one_error_line(capsys.readouterr().err, "is not a run id")


@pytest.mark.parametrize("name", ["../evil.json", "/tmp/evil.json", ".hidden.json", "a/b.json"])
def test_artefact_names_cannot_leave_the_run_folder(name, tmp_path) -> None:
    store = RunStore(tmp_path)
    with store.writer() as w:
        run_id = w.run_id
    with pytest.raises(RunStoreError, match="not a valid artefact name"):
        store.add_files(run_id, {name: {}})


# ---- the UI ----------------------------------------------------------------------------------
@pytest.mark.parametrize("case", ["random binary", "zip renamed csv", "header only"])
def test_an_upload_on_the_data_page_is_one_message(case, tmp_path, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    monkeypatch.chdir(ROOT)
    name, data, fragment = FILES[case]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    at.file_uploader(key="upload_primary").upload(name, data, "text/csv").run()
    assert not at.exception
    assert len(at.error) == 1 and fragment in at.error[0].value and name in at.error[0].value
