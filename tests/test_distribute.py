"""tf.distribute on the CPU: mirrored over two logical devices, and multi-worker over two
processes on 127.0.0.1 (TF_CONFIG); both give metrics consistent with a one-device run.

Each strategy needs its own process: logical devices must be set before TensorFlow starts,
and a multi-worker strategy can be created once per process.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from riskcore.store import RunStore
from tests.panels import planted_panel

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
CONFIG = {
    "data": {
        "time": "date",
        "entity": "ent",
        "sequence_features": ["f1", "f2"],
        "macro_features": ["m1", "m2"],
        "target": {"kind": "column", "column": "event"},
    },
    "window": 5,
    "horizon": 1,
    "model": {"units": [8], "dense_units": 4, "tower_units": 4, "dropout": 0.0},
    "training": {"epochs": 6, "batch_size": 64, "patience": 0, "learning_rate": 0.01},
}
TWO_CPUS = (
    "import tensorflow as tf; cpu = tf.config.list_physical_devices('CPU')[0]; "
    "two = [tf.config.LogicalDeviceConfiguration()] * 2; "
    "tf.config.set_logical_device_configuration(cpu, two); "
    "import sys; from riskcore.cli import main; sys.exit(main(sys.argv[1:]))"
)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("data")
    primary, macro, _ = planted_panel(days=240)
    out = {"data": folder / "primary.csv", "macro": folder / "macro.csv"}
    primary.to_csv(out["data"], index=False)
    macro.to_csv(out["macro"], index=False)
    return out


def _config(tmp_path: Path, distribute: str) -> Path:
    raw = json.loads(json.dumps(CONFIG))
    raw["training"]["distribute"] = distribute
    path = tmp_path / f"{distribute}.json"
    path.write_text(json.dumps(raw))
    return path


def _train(config: Path, files: dict, home: Path, code: str | None = None, env: dict | None = None):
    args = [str(config), "--data", str(files["data"]), "--macro", str(files["macro"])]
    command = (
        [sys.executable, "-c", code, "train", *args]
        if code
        else [sys.executable, "-m", "riskcore", "train", *args]
    )
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "RISKCORE_HOME": str(home), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen, timeout: float = 240) -> str:
    """stdout and stderr of a finished training process that succeeded."""
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-3000:]
    return out + err


def _only_run(home: Path):
    store = RunStore(home)
    ids = store.ids()
    assert len(ids) == 1, ids
    return store.load(ids[0])


@pytest.fixture(scope="module")
def single(files, tmp_path_factory):
    home = tmp_path_factory.mktemp("single")
    _finish(_train(_config(home, "none"), files, home))
    return _only_run(home)


def _auc(run) -> float:
    return run.metrics["test"]["model"]["roc_auc"]


def test_mirrored_over_two_logical_cpus(files, single, tmp_path) -> None:
    _finish(_train(_config(tmp_path, "mirrored"), files, tmp_path, code=TWO_CPUS))
    run = _only_run(tmp_path)
    assert run.meta["distribute"] == {"strategy": "mirrored", "replicas": 2}
    assert single.meta["distribute"] == {"strategy": "none", "replicas": 1}
    assert _auc(single) > 0.7
    assert abs(_auc(run) - _auc(single)) < 0.05, (_auc(run), _auc(single))


def _free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def test_multi_worker_over_two_processes(files, single, tmp_path) -> None:
    config = _config(tmp_path, "multi_worker")
    cluster = {"worker": [f"127.0.0.1:{p}" for p in _free_ports(2)]}
    procs = [
        _train(
            config,
            files,
            tmp_path,
            env={
                "TF_CONFIG": json.dumps(
                    {"cluster": cluster, "task": {"type": "worker", "index": i}}
                )
            },
        )
        for i in range(2)
    ]
    outputs = [_finish(p) for p in procs]
    run = _only_run(tmp_path)  # only the chief wrote a run
    assert str(run.path) in outputs[0] and "non-chief worker" in outputs[1]
    assert run.meta["distribute"]["strategy"] == "multi_worker"
    assert run.meta["distribute"]["replicas"] == 2 and run.meta["distribute"]["workers"] == 2
    assert len(run.history) == CONFIG["training"]["epochs"]
    assert abs(_auc(run) - _auc(single)) < 0.05, (_auc(run), _auc(single))


def test_multi_worker_without_tf_config_is_a_user_error(files, tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TF_CONFIG"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "riskcore",
            "train",
            str(_config(tmp_path, "multi_worker")),
            "--data",
            str(files["data"]),
            "--macro",
            str(files["macro"]),
        ],
        cwd=ROOT,
        env={**env, "RISKCORE_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and "TF_CONFIG" in last
