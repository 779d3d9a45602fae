"""watch: new files in a folder are scored once, drift raises an alert, a bad file is skipped."""

from __future__ import annotations

import os
import time

import pytest

from riskcore.cli import main
from riskcore.config import parse_config
from riskcore.io import read_table
from riskcore.store import RunStore
from riskcore.train import train_run
from riskcore.watch import Watcher, load_monitor, monitor_folder
from tests.panels import planted_panel

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    primary, macro, _ = planted_panel(days=200)
    config = parse_config(
        {
            "data": {
                "time": "date",
                "entity": "ent",
                "sequence_features": ["f1", "f2"],
                "macro_features": ["m1"],
                "target": {"kind": "column", "column": "event"},
            },
            "window": 5,
            "horizon": 1,
            "model": {"units": [8], "dense_units": 4, "tower_units": 4},
            "training": {"epochs": 2, "batch_size": 64, "patience": 0},
        }
    )
    run_id = train_run(config, primary, macro, store=RunStore(home))
    folder = tmp_path_factory.mktemp("data")
    macro_file = folder.parent / "macro.csv"
    macro.to_csv(macro_file, index=False)
    return home, run_id, primary, macro_file


def _drop(folder, name: str, frame) -> None:
    frame.to_csv(folder / name, index=False)
    old = time.time() - 60  # settled: not still being copied
    os.utime(folder / name, (old, old))


def test_files_are_scored_once_and_drift_alerts(setup, tmp_path, monkeypatch, capsys) -> None:
    home, run_id, primary, macro_file = setup
    monkeypatch.setenv("RISKCORE_HOME", str(home))
    # a re-delivery of the training period (no drift), and the same with a broken f1 feed
    p = RunStore(home).load(run_id).predictions
    training = primary[primary["date"] <= p.loc[p["split"] == "train", "time"].max()]
    _drop(tmp_path, "2024-06-28.csv", training)
    _drop(tmp_path, "2024-07-31.csv", training.assign(f1=training["f1"] * 4 + 3))
    (tmp_path / "notes.md").write_text("not data")
    args = ["watch", str(tmp_path), "--run", run_id, "--macro", str(macro_file), "--once"]
    assert main([*args, "--threshold", "0"]) == 0  # every entity is "high" from its first file
    out, err = capsys.readouterr()
    assert "2 new file(s)" in out
    assert "2024-06-28.csv: " in out and "2024-07-31.csv: " in out
    drift = [line for line in err.splitlines() if "drift at or above" in line]
    assert len(drift) == 1 and drift[0].startswith("alert: 2024-07-31.csv") and "f1" in drift[0]
    assert "alert: 2024-06-28.csv: 6 entities crossed the threshold 0" in err
    monitor = monitor_folder(RunStore(home), run_id)  # where the Monitor page looks
    assert (monitor / "2024-06-28.scores.csv").exists()
    record = load_monitor(monitor)
    assert list(record.log["file"]) == ["2024-06-28.csv", "2024-07-31.csv"]
    assert record.log["drifted"][1]["f1"] >= 0.25 and record.log["drifted"][0] == {}
    assert set(record.drift["feature"]) == {"f1", "f2", "m1", "score"}
    alerts = record.alerts
    assert len(alerts) == 6 and set(alerts["file"]) == {"2024-06-28.csv"}  # crossed once only
    assert alerts["previous_score"].isna().all()
    assert main(args) == 0  # nothing new: nothing scored twice
    assert "0 new file(s)" in capsys.readouterr().out


def test_a_bad_file_is_logged_and_the_watch_goes_on(setup, tmp_path) -> None:
    home, run_id, primary, macro_file = setup
    (tmp_path / "broken.csv").write_bytes(b"\x00\x01\x02 binary")
    _drop(tmp_path, "good.csv", primary.tail(100))
    old = time.time() - 60
    os.utime(tmp_path / "broken.csv", (old, old))
    macro = read_table(macro_file)[0]
    watcher = Watcher(RunStore(home).load(run_id), tmp_path, tmp_path / "out", macro=macro)
    outcomes = {o.file: o for o in watcher.scan()}
    assert "broken.csv" in outcomes["broken.csv"].error
    assert outcomes["good.csv"].rows > 0 and not outcomes["good.csv"].error
    _drop(tmp_path, "fresh.csv", primary.tail(100))
    (tmp_path / "fresh.csv").touch()  # just written: left for the next scan
    assert [p.name for p in watcher.pending()] == []
    assert [p.name for p in watcher.pending(now=time.time() + 10)] == ["fresh.csv"]


def test_a_missing_folder_is_a_user_error(setup, tmp_path, monkeypatch, capsys) -> None:
    home, run_id, _, _ = setup
    monkeypatch.setenv("RISKCORE_HOME", str(home))
    assert main(["watch", str(tmp_path / "nope"), "--run", run_id, "--once"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "nope" in err


def test_an_upload_is_saved_under_a_safe_name() -> None:
    from riskcore.watch import upload_name

    assert upload_name("新数据.csv") == "新数据.csv"
    assert upload_name("../../etc/passwd") == "passwd.csv"
    assert upload_name("C:\\exports\\prices 2026.XLSX") == "prices_2026.XLSX"
    assert upload_name(".hidden.tsv") == "hidden.tsv"
    assert upload_name("") == "upload.csv"
