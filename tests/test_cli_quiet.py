"""The CLI keeps TensorFlow's C++ start-up lines (absl, oneDNN, cpu_feature_guard, the CUDA
stub, cuInit) off the user's terminal in train, score, explain and watch; errors still show.
Each command runs as a real subprocess, the way a user starts it, and names its run by the
folder `train` prints."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from tests.browser_support import ROOT

NOISE = re.compile(
    r"absl|oneDNN|cpu_feature_guard|cudart_stub|cuInit|cuda_|rebuild TensorFlow|"
    r"^[IWE]\d{4} \d\d:\d\d:\d\d",
    re.MULTILINE,
)


@pytest.fixture(scope="module")
def home(tiny_run, copy_run, tmp_path_factory):
    """A copy of the tiny run, its inputs as CSV files, and a folder for `watch`."""
    run = copy_run(tiny_run)
    folder = tmp_path_factory.mktemp("files")
    files = {}
    for role, frame in run.inputs().items():
        if frame is not None:
            files[role] = folder / f"{role}.csv"
            frame.to_csv(files[role], index=False)
    inbox = folder / "inbox"
    inbox.mkdir()
    (inbox / "new.csv").write_bytes(files["primary"].read_bytes())
    return run, files, inbox


def cli(*args: str, home_dir) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_CPP")}
    env["RISKCORE_HOME"] = str(home_dir)
    return subprocess.run(
        [sys.executable, "-m", "riskcore", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _inputs(files) -> list[str]:
    out = ["--data", str(files["primary"])]
    for role in ("macro", "sentiment"):
        if role in files:
            out += [f"--{role}", str(files[role])]
    return out


def test_score_and_explain_are_quiet_and_take_the_run_folder(home, tmp_path) -> None:
    run, files, _ = home
    folder = str(run.path)  # as `train` printed it
    out = str(tmp_path / "s.csv")
    scored = cli("score", folder, *_inputs(files), "--out", out, home_dir=run.path.parent.parent)
    assert scored.returncode == 0, scored.stderr
    assert not NOISE.search(scored.stderr), scored.stderr
    assert "PSI" in scored.stderr and (tmp_path / "s.csv").stat().st_size > 0
    explained = cli(
        "explain", folder, "--rows", "5", "--background", "10", "--out", str(tmp_path / "e.csv"),
        home_dir=run.path.parent.parent,
    )  # fmt: skip
    assert explained.returncode == 0, explained.stderr
    assert not NOISE.search(explained.stderr + explained.stdout), explained.stderr
    assert "explained 5 predictions" in explained.stdout


def test_watch_is_quiet(home) -> None:
    run, files, inbox = home
    extra = _inputs(files)[2:]  # macro and sentiment join every new file
    done = cli(
        "watch", str(inbox), "--run", run.run_id, "--once", *extra, home_dir=run.path.parent.parent
    )
    assert done.returncode == 0, done.stderr
    assert "new.csv" in done.stdout
    assert not NOISE.search(done.stderr), done.stderr


def test_train_errors_still_reach_the_terminal_without_the_noise(home, tmp_path) -> None:
    run, files, _ = home
    config = run.config.model_dump(mode="json")
    config["data"]["sequence_features"] = ["no_such_column"]
    (tmp_path / "c.json").write_text(json.dumps(config), encoding="utf-8")
    done = cli("train", str(tmp_path / "c.json"), *_inputs(files), home_dir=tmp_path)
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "no_such_column" in errors[0], done.stderr
    assert not NOISE.search(done.stderr) and "Traceback" not in done.stderr, done.stderr


def test_a_path_outside_the_runs_folder_is_refused(home, tmp_path) -> None:
    run, _, _ = home
    out = str(tmp_path / "x")
    done = cli("export", str(tmp_path), "--out", out, home_dir=run.path.parent.parent)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and "is not a run id" in done.stderr
    assert not (tmp_path / "x").exists()
