"""The CLI: inspect, train, score, runs; every user mistake is one `error:` line and exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from riskcore.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
TINY = {
    "data": {
        "time": "date",
        "entity": "ticker",
        "sequence_features": ["ret_1d", "volume"],
        "macro_features": ["credit_spread"],
        "macro_lag": 1,
        "target": {"kind": "column", "column": "event"},
    },
    "window": 10,
    "horizon": 20,
    "model": {"units": [8], "dense_units": 4, "tower_units": 4},
    "training": {"epochs": 1, "batch_size": 512, "patience": 0},
}


def _run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLE.glob("*.csv")))
def test_inspect_reads_every_sample_file(name: str, capsys) -> None:
    code, out, err = _run(["inspect", str(SAMPLE / name)], capsys)
    assert code == 0, err
    assert "rows:" in out and "encoding" in out


def test_inspect_reads_the_gbk_wind_export(capsys) -> None:
    code, out, _ = _run(["inspect", str(SAMPLE / "market_prices_wind_gbk.csv")], capsys)
    assert code == 0
    assert "gb18030" in out and "日期" in out and "数据来源" in out


def test_a_bad_file_is_one_error_line_and_exit_2_without_traceback(tmp_path) -> None:
    bad = tmp_path / "export.csv"
    bad.write_text("<html><head><title>Login</title></head><body></body></html>")
    proc = subprocess.run(
        [sys.executable, "-m", "riskcore", "inspect", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "export.csv" in lines[0]
    assert "Traceback" not in proc.stderr


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    cfg = home / "tiny.json"
    cfg.write_text(json.dumps(TINY))
    mp = pytest.MonkeyPatch()
    mp.setenv("RISKCORE_HOME", str(home))
    code = main(
        [
            "train",
            str(cfg),
            "--data",
            str(SAMPLE / "market_prices.csv"),
            "--macro",
            str(SAMPLE / "market_macro.csv"),
        ]
    )
    assert code == 0
    run_dir = sorted((home / "runs").iterdir())[-1]
    yield home, run_dir
    mp.undo()


def test_train_prints_the_run_folder_last_and_writes_the_design_files(trained, capsys) -> None:
    _home, run_dir = trained
    assert (run_dir / "metrics.json").exists() and (run_dir / "model.keras").exists()
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert set(metrics["test"]) == {"model", "logistic", "gbm", "benchmark"}
    assert set(metrics["paired"]) == {"logistic", "gbm", "benchmark"}
    meta = json.loads((run_dir / "meta.json").read_text())
    assert [f["role"] for f in meta["files"]] == ["primary", "macro"]
    assert all(len(f["sha256"]) == 64 for f in meta["files"])


def test_runs_lists_the_run(trained, capsys, monkeypatch) -> None:
    home, run_dir = trained
    monkeypatch.setenv("RISKCORE_HOME", str(home))
    code, out, _ = _run(["runs"], capsys)
    assert code == 0 and run_dir.name in out


def test_score_reproduces_the_saved_test_predictions(trained, capsys, monkeypatch, tmp_path):
    home, run_dir = trained
    monkeypatch.setenv("RISKCORE_HOME", str(home))
    out_csv = tmp_path / "preds.csv"
    code, _, err = _run(
        [
            "score",
            run_dir.name,
            "--data",
            str(SAMPLE / "market_prices.csv"),
            "--macro",
            str(SAMPLE / "market_macro.csv"),
            "--out",
            str(out_csv),
        ],
        capsys,
    )
    assert code == 0, err
    assert "PSI" in err
    fresh = pd.read_csv(out_csv, parse_dates=["time"]).set_index(["time", "entity"])["score"]
    saved = pd.read_csv(run_dir / "predictions.csv", parse_dates=["time"])
    saved = saved[saved["split"] == "test"].set_index(["time", "entity"])["score"]
    assert np.max(np.abs(fresh.loc[saved.index].to_numpy() - saved.to_numpy())) < 1e-5


def test_score_rejects_data_with_missing_columns(trained, capsys, monkeypatch, tmp_path) -> None:
    home, run_dir = trained
    monkeypatch.setenv("RISKCORE_HOME", str(home))
    data = pd.read_csv(SAMPLE / "market_prices.csv").drop(columns=["volume"])
    data.to_csv(tmp_path / "new.csv", index=False)
    code, _, err = _run(
        [
            "score",
            run_dir.name,
            "--data",
            str(tmp_path / "new.csv"),
            "--macro",
            str(SAMPLE / "market_macro.csv"),
            "--out",
            str(tmp_path / "o.csv"),
        ],
        capsys,
    )
    assert code == 2 and "volume" in err


def _mistake(tmp_path, config_patch=None, data_patch=None) -> tuple[Path, Path]:
    cfg = json.loads(json.dumps(TINY))
    cfg["data"].pop("macro_features")
    for dotted, value in (config_patch or {}).items():
        node = cfg
        *path, last = dotted.split(".")
        for p in path:
            node = node[p]
        node[last] = value
    data = pd.read_csv(SAMPLE / "market_prices.csv")
    data = data_patch(data) if data_patch else data
    (tmp_path / "c.json").write_text(json.dumps(cfg))
    data.to_csv(tmp_path / "d.csv", index=False)
    return tmp_path / "c.json", tmp_path / "d.csv"


MISTAKES = {
    "unknown column": ({"data.sequence_features": ["ret_1d", "volumen"]}, None, "volumen"),
    "non-numeric": (
        None,
        lambda d: d.assign(volume=d["volume"].astype(str).where(d.index % 5 != 0, "12k")),
        "'12k'",
    ),
    "one-class target": (None, lambda d: d.assign(event=0), "only the value 0"),
    "window too long": ({"window": 200}, lambda d: d.groupby("ticker").head(120), "window 200"),
    "dropout": ({"model.dropout": 1.5}, None, "model.dropout"),
    "negative epochs": ({"training.epochs": -1}, None, "training.epochs"),
    "duplicate rows": (None, lambda d: pd.concat([d, d.iloc[:3]]), "two rows at"),
    "unparseable dates": (
        None,
        lambda d: d.assign(date=d["date"].where(d.index != 7, "someday")),
        "date",
    ),
    "unknown target kind": (
        {"data.target": {"kind": "crash", "column": "close"}},
        None,
        "unknown target kind 'crash'",
    ),
}


@pytest.mark.parametrize("case", sorted(MISTAKES))
def test_user_mistakes_exit_2_with_one_clear_line(case, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    patch, data_patch, expected = MISTAKES[case]
    cfg, data = _mistake(tmp_path, patch, data_patch)
    code, _, err = _run(["train", str(cfg), "--data", str(data)], capsys)
    lines = [line for line in err.strip().splitlines() if line.startswith("error:")]
    assert code == 2, err
    assert len(lines) == 1 and expected in lines[0], err
    assert "Traceback" not in err
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


def test_malformed_json_config(tmp_path, capsys) -> None:
    (tmp_path / "c.json").write_text('{"data": ')
    code, _, err = _run(["train", str(tmp_path / "c.json"), "--data", "x.csv"], capsys)
    assert code == 2 and "not valid JSON" in err
