"""CLI `scenario` and `tune`: the design's CSV format, results kept with the run, and every user
mistake as one `error:` line with exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from riskcore.cli import main
from riskcore.scenarios import load_scenarios
from riskcore.store import RunStore
from tests.browser_support import small_market_files
from tests.test_cli import TINY

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
SPREAD_UP = {
    "name": "spread up",
    "shocks": [{"feature": "credit_spread", "op": "add", "value": 2, "unit": "std"}],
}


@pytest.fixture(scope="module")
def home(market_run, copy_run):
    """A copy of the session's tiny run on the sample market data, and the tiny config that
    `tune` starts from."""
    home = copy_run(market_run).path.parent.parent
    (home / "tiny.json").write_text(json.dumps(TINY))
    return home


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> list[str]:
    """`tune`'s data arguments: the sample market prices (four of its tickers) and macro."""
    files = small_market_files(tmp_path_factory.mktemp("data"), roles=("primary", "macro"))
    return ["--data", str(files["primary"]), "--macro", str(files["macro"])]


@pytest.fixture
def run_id(home, monkeypatch) -> str:
    monkeypatch.setenv("RISKCORE_HOME", str(home))
    return RunStore(home).ids()[-1]


def _write(path: Path, obj) -> str:
    path.write_text(obj if isinstance(obj, str) else json.dumps(obj))
    return str(path)


def test_scenario_writes_the_design_csv_and_keeps_the_result(run_id, home, tmp_path, capsys):
    out = tmp_path / "result.csv"
    code = main(
        [
            "scenario",
            run_id,
            "--scenario",
            _write(tmp_path / "s.json", SPREAD_UP),
            "--out",
            str(out),
        ]
    )
    _, err = capsys.readouterr()
    assert code == 0, err
    table = pd.read_csv(out, parse_dates=["time"])
    assert list(table.columns) == ["time", "entity", "score_base", "score_scenario", "delta"]
    run = RunStore(home).load(run_id)
    test = run.predictions[run.predictions["split"] == "test"]
    # every test prediction, plus the latest dates whose outcome is not known yet
    assert len(table) >= len(test) and table["time"].min() == test["time"].min()
    np.testing.assert_allclose(table["delta"], table["score_scenario"] - table["score_base"])
    # the base scores are the run's own test predictions, in the same order
    merged = table.merge(test, on=["time", "entity"])
    assert len(merged) == len(test)
    np.testing.assert_allclose(merged["score_base"], merged["score"], atol=1e-5)
    assert (table["delta"] != 0).all()  # a macro shock touches every prediction
    assert "spread up" in err and str(len(table)) in err
    assert [r.name for r in load_scenarios(run)] == ["spread up"]


def test_an_empty_scenario_is_the_base_case(run_id, tmp_path, capsys) -> None:
    out = tmp_path / "base.csv"
    path = _write(tmp_path / "base.json", {"name": "base"})
    assert (
        main(["scenario", run_id, "--scenario", path, "--out", str(out), "--which", "latest"]) == 0
    )
    table = pd.read_csv(out)
    assert (table["delta"] == 0).all()
    assert table["entity"].is_unique  # latest: one prediction per entity


@pytest.mark.parametrize(
    ("scenario", "words"),
    [
        (
            {"name": "x", "shocks": [{"feature": "nope", "op": "add", "value": 1}]},
            ["'nope'", "ret_1d"],
        ),
        (
            {
                "name": "x",
                "shocks": [{"feature": "ret_1d", "op": "add", "value": 1, "last_steps": 99}],
            },
            ["last_steps 99", "window of 10"],
        ),
        (
            {"name": "x", "shocks": [{"feature": "ret_1d", "op": "pow", "value": 1}]},
            ["shocks[0].op"],
        ),
        ("{not json", ["not valid JSON"]),
    ],
)
def test_a_bad_scenario_is_one_error_line_and_exit_2(run_id, tmp_path, scenario, words) -> None:
    path = _write(tmp_path / "bad.json", scenario)
    code, err = _subprocess(["scenario", run_id, "--scenario", path, "--out", str(tmp_path / "o")])
    assert code == 2
    assert err.startswith("error: ") and len(err.splitlines()) == 1, err
    for word in words:
        assert word in err
    assert not (tmp_path / "o").exists()


def test_unknown_run_and_missing_file_are_user_errors(run_id, tmp_path, capsys) -> None:
    path = _write(tmp_path / "s.json", SPREAD_UP)
    assert main(["scenario", "20990101-000000-abcdef", "--scenario", path, "--out", "x"]) == 2
    assert "not found" in capsys.readouterr().err
    assert main(["scenario", run_id, "--scenario", str(tmp_path / "none.json"), "--out", "x"]) == 2
    assert "none.json" in capsys.readouterr().err


def _subprocess(args: list[str]) -> tuple[int, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "riskcore", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("error")]
    assert "Traceback" not in proc.stderr
    return proc.returncode, "\n".join(lines)


def test_tune_prints_the_table_and_the_best_run(home, data, run_id, tmp_path, capsys) -> None:
    space = {"params": {"units": {"low": 4, "high": 8}, "dropout": {"low": 0.0, "high": 0.3}}}
    before = set(RunStore(home).ids())
    code = main(
        [
            "tune",
            str(home / "tiny.json"),
            *data,
            "--trials",
            "2",
            "--timeout",
            "600",
            "--space",
            _write(tmp_path / "space.json", space),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    new = set(RunStore(home).ids()) - before
    assert len(new) == 2
    best = out.strip().splitlines()[-1]
    assert best.startswith("best run: ") and "validation roc_auc" in best
    assert best.split()[2] in new
    header = out.splitlines()[0].split()
    assert header[:3] == ["trial", "units", "dropout"] and "run_id" in header
    assert err.count("trial ") >= 2  # one progress line per trial


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--trials", "0"], ["trials"]),
        (["--space", "SPACE"], ["'momentum'", "learning_rate"]),
        (["--space", "missing.json"], ["missing.json", "not found"]),
    ],
)
def test_tune_user_mistakes_exit_2(home, data, tmp_path, extra, words, capsys) -> None:
    space = _write(tmp_path / "space.json", {"params": {"momentum": {"low": 0, "high": 1}}})
    extra = [space if a == "SPACE" else a for a in extra]
    code = main(["tune", str(home / "tiny.json"), *data, *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ")
    for word in words:
        assert word in err
