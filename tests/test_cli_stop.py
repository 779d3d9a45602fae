"""Ctrl+C in `train`: the first stops the network and keeps its best epoch, as the dashboard's
"Stop and keep the best epoch" does, and the run is saved; a second one discards the run.
Real subprocesses, sent SIGINT as a terminal would once the first epoch is printed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from riskcore.store import RunStore
from tests.browser_support import ROOT, TINY_CONFIG, small_market

LONG = {**TINY_CONFIG, "training": {"epochs": 400, "batch_size": 256, "patience": 0}}


def _start(tmp_path: Path) -> subprocess.Popen:
    config = tmp_path / "long.json"
    config.write_text(json.dumps(LONG), encoding="utf-8")
    data = small_market(tmp_path)
    env = {**os.environ, "RISKCORE_HOME": str(tmp_path / "home")}
    return subprocess.Popen(
        [sys.executable, "-m", "riskcore", "train", str(config), "--data", str(data)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(proc: subprocess.Popen, text: str, seen: list[str], timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    for line in proc.stderr:
        seen.append(line)
        if text in line:
            return
        assert time.monotonic() < deadline, "".join(seen)
    raise AssertionError(f"the process ended before printing {text!r}:\n{''.join(seen)}")


def test_the_first_ctrl_c_stops_training_and_saves_the_best_epoch(tmp_path) -> None:
    proc = _start(tmp_path)
    seen: list[str] = []
    _wait_for(proc, "epoch 2/400", seen)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=240)
    log = "".join(seen) + err
    assert proc.returncode == 0, log
    assert "stopping: the network stops at the next batch" in log
    assert "stopped by the user at epoch" in log and "kept the best, epoch" in log
    store = RunStore(tmp_path / "home")
    [run_id] = store.ids()
    stopped = store.load(run_id).meta["stopped_early"]
    assert 2 <= stopped["epoch"] < 400 and stopped["epochs"] == 400
    assert 1 <= stopped["best_epoch"] <= stopped["epoch"]
    assert out.strip().endswith(run_id)  # the run folder, printed last


def test_a_second_ctrl_c_discards_the_run(tmp_path) -> None:
    proc = _start(tmp_path)
    seen: list[str] = []
    _wait_for(proc, "epoch 1/400", seen)
    proc.send_signal(signal.SIGINT)
    _wait_for(proc, "stopping:", seen)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, "".join(seen) + err
    assert "interrupted; nothing was saved" in err
    assert "Traceback" not in err
    assert not (tmp_path / "home" / "runs").exists() or not RunStore(tmp_path / "home").ids()
