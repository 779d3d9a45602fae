"""Tuning across processes: two commands share one study through a SQLite storage and its trial
budget, `--workers N` spawns workers that do the same, and storage mistakes are one `error:`
line saying what to do."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import optuna
import pytest
import sqlalchemy.exc

from riskcore.cli import main
from riskcore.store import RunStore
from riskcore.tuning import SURPLUS
from tests.panels import planted_panel
from tests.test_tuning import BASE

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
CONFIG = {
    **BASE,
    "model": {"units": [4], "dense_units": 4, "tower_units": 4, "dropout": 0.0},
    "training": {"epochs": 1, "batch_size": 256, "patience": 0, "learning_rate": 0.01},
}
SPACE = {"params": {"units": {"low": 4, "high": 6}, "dropout": {"low": 0.0, "high": 0.2}}}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    """`tune` arguments up to the options: the config and tiny synthetic data files."""
    folder = tmp_path_factory.mktemp("inputs")
    primary, macro, _ = planted_panel(entities=4, days=220)
    primary.to_csv(folder / "primary.csv", index=False)
    macro.to_csv(folder / "macro.csv", index=False)
    (folder / "config.json").write_text(json.dumps(CONFIG))
    (folder / "space.json").write_text(json.dumps(SPACE))
    return [
        "tune",
        str(folder / "config.json"),
        "--data",
        str(folder / "primary.csv"),
        "--macro",
        str(folder / "macro.csv"),
        "--space",
        str(folder / "space.json"),
    ]


def _trials(url: str, name: str) -> list:
    """The study's trials as Optuna itself reads them (those a racing process dropped aside)."""
    study = optuna.load_study(study_name=name, storage=url)
    return [t for t in study.get_trials() if not t.user_attrs.get(SURPLUS)]


def _wait_for_trials(url: str, name: str, n: int, proc: subprocess.Popen) -> None:
    """Until the other command's processes have taken n trials, so that each certainly runs one."""
    for _ in range(900):
        if proc.poll() is not None:
            pytest.fail(f"the other tune command ended early: {proc.communicate()}")
        try:
            if len(_trials(url, name)) >= n:
                return
        except (KeyError, sqlalchemy.exc.OperationalError):  # its study (folder) is not there yet
            pass
        time.sleep(0.2)
    pytest.fail(f"the other tune command took no {n} trials within 180 s")


def _pid(trial) -> int:
    return int(trial.user_attrs["worker"].rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def shared(inputs, tmp_path_factory):
    """A three-trial study shared by two commands: `python -m riskcore tune --workers 2` in a
    child process (its two workers take a trial each) and main() here (the third), both on the
    default SQLite file of the same RISKCORE_HOME.

    Returns (home, url, child's pid, {pid: (stdout, stderr)} of both commands)."""
    home = tmp_path_factory.mktemp("shared_home")
    args = [*inputs, "--trials", "3", "--study", "credit"]
    other = subprocess.Popen(
        [sys.executable, "-m", "riskcore", *args, "--workers", "2"],
        cwd=ROOT,
        env={**os.environ, "RISKCORE_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"sqlite:///{home / 'studies' / 'credit.db'}"  # the default storage: a file per study
    try:
        _wait_for_trials(url, "credit", 2, other)
        code, out_here, err_here = _main(args, home)
        out, err = other.communicate(timeout=300)
    finally:
        if other.poll() is None:
            other.kill()
    assert other.returncode == 0, err
    assert code == 0, err_here
    return home, url, other.pid, {os.getpid(): (out_here, err_here), other.pid: (out, err)}


def _main(args: list[str], home: Path) -> tuple[int, str, str]:
    """main(args) in this process with RISKCORE_HOME=home: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with (
        pytest.MonkeyPatch.context() as mp,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        mp.setenv("RISKCORE_HOME", str(home))
        code = main(args)
    return code, out.getvalue(), err.getvalue()


def _table_rows(out: str) -> list[list[str]]:
    """The trial rows of a printed table (after the header, before the summary lines)."""
    lines = out.strip().splitlines()
    return [line.split() for line in lines[1:] if not line.startswith(("study ", "best run: "))]


def test_two_commands_share_the_study_and_its_trial_budget(shared) -> None:
    _, url, child, _ = shared
    trials = _trials(url, "credit")
    assert sorted(t.number for t in trials) == [0, 1, 2]  # --trials 3 is the study's, not each's
    pids = [_pid(t) for t in trials]
    assert len(set(pids)) == 3  # this process and the child's two workers ran one each
    assert os.getpid() in pids and child not in pids  # the --workers command trains in workers


def test_each_command_reports_its_trials_and_shows_all(shared) -> None:
    _, url, child, outputs = shared
    trials = _trials(url, "credit")
    for pid, (out, err) in outputs.items():
        mine = 1 if pid == os.getpid() else 2
        progress = [line for line in err.splitlines() if line.startswith("trial ")]
        assert len(progress) == mine, err  # each command reports the trials it ran
        assert f"3 trials, {mine} run by this command" in out
        assert len(_table_rows(out)) == 3  # the final table: every trial of the study
    child_err = outputs[child][1]
    assert "(worker 1)" in child_err and "(worker 2)" in child_err
    bests = {out.strip().splitlines()[-1].split()[2] for out, _ in outputs.values()}
    assert bests <= {t.user_attrs["run_id"] for t in trials}  # "best run: ID (...)"
    assert max(trials, key=lambda t: t.value).user_attrs["run_id"] in bests  # the last to end


def test_each_trial_of_the_study_is_a_stored_run(shared) -> None:
    home, url, _, _ = shared
    trials = _trials(url, "credit")
    store = RunStore(home)
    assert sorted(store.ids()) == sorted(t.user_attrs["run_id"] for t in trials)  # none more
    for t in trials:
        assert t.state.name == "COMPLETE"
        run = store.load(t.user_attrs["run_id"])
        assert run.metrics["validation"]["model"]["roc_auc"] == pytest.approx(t.value)
        assert run.config.model.units[0] == t.params["units"]


def test_a_command_joining_a_spent_study_by_url_trains_nothing(shared, inputs) -> None:
    home, url, _, _ = shared
    before = set(RunStore(home).ids())
    code, out, err = _main([*inputs, "--trials", "3", "--study", "credit", "--storage", url], home)
    assert code == 0, err
    assert "3 trials, 0 run by this command" in out
    assert set(RunStore(home).ids()) == before
    assert len(_trials(url, "credit")) == 3


def test_joining_a_study_with_other_ranges_says_what_to_do(shared, inputs, tmp_path) -> None:
    home, _, _, _ = shared
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"params": {"units": {"low": 4, "high": 8}}}))
    code, _, err = _main([*inputs, "--space", str(other), "--study", "credit"], home)
    assert code == 2 and err.startswith("error: ")
    for word in ("'credit'", "other ranges", "another study name"):
        assert word in err, err


def test_joining_a_study_of_the_other_direction_is_refused(inputs, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    optuna.create_study(study_name="rmse", storage=url, direction="minimize")
    code, _, err = _main([*inputs, "--study", "rmse", "--storage", url], tmp_path / "home")
    assert code == 2
    assert "'rmse'" in err and "minimized" in err and "another study name" in err, err


@pytest.mark.parametrize(
    ("storage", "words"),
    [
        ("nosuchdb://ana:s3cret@db.example/risk", ["not a database URL", "sqlite:///"]),
        ("no url at all", ["not a database URL", "postgresql://"]),
        ("sqlite:////no/such/folder/studies.db", ["cannot open", "folder exists and is writable"]),
        ("", ["storage URL is empty"]),
        # no driver installed, or no server there: either way named, its password masked
        ("postgresql://ana:s3cret@127.0.0.1:1/risk", ["'postgresql://ana:***@127.0.0.1:1/risk'"]),
    ],
)
def test_a_bad_storage_url_is_one_error_line(inputs, tmp_path, storage, words) -> None:
    home = tmp_path / "home"
    code, _, err = _main([*inputs, "--storage", storage, "--trials", "1"], home)
    assert code == 2 and err.startswith("error: ") and err.count("\n") <= 2, err
    for word in words:
        assert word in err, err
    assert "s3cret" not in err  # a password is never echoed
    assert not (home / "runs").exists()  # refused before any trial trained


def test_an_unwritable_home_for_the_default_storage_says_what_to_do(inputs, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, _, err = _main([*inputs, "--trials", "1"], blocker / "home")
    assert code == 2
    assert "studies folder" in err and "RISKCORE_HOME" in err and "--storage" not in err, err
