"""Stop and keep the best epoch: the worker's flag, the fit that keeps its best weights and
finishes the run, the job's stages and whole-job ETA, and the panel's two Stop buttons."""

from __future__ import annotations

import time

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from riskcore import jobs, stopping
from riskcore.config import parse_config
from riskcore.store import RunStore
from riskcore.train import STAGES, train_run
from tests.panels import config_dict, random_panel
from ui.i18n import TEXT
from ui.results_widgets import timings_frame

T = "tests.test_stop_keep:"


def until_stopped(payload: dict, emit) -> str:
    """A task: "kept" once asked to stop early (JobManager.stop_early), "timed out" after
    `seconds` without being asked."""
    emit({"type": "started"})
    deadline = time.monotonic() + payload.get("seconds", 30)
    while time.monotonic() < deadline:
        if stopping.stop_requested():
            return "kept"
        time.sleep(0.02)
    return "timed out"


def test_stop_early_reaches_the_running_job_only(make_manager) -> None:
    manager = make_manager()
    assert stopping.stop_requested() is False  # outside a worker: never
    job = manager.submit(T + "until_stopped", {"seconds": 60})
    deadline = time.monotonic() + 60
    while not manager.status(job).events:
        assert time.monotonic() < deadline, "the job did not start"
        time.sleep(0.05)
    assert manager.stop_early(job) is True
    assert manager.status(job).stopping
    status = manager.wait(job, timeout=30)
    assert (status.state, status.result) == ("done", "kept")
    assert manager.stop_early(job) is False  # finished: nothing to ask
    # the same worker runs the next job, and the request for the last one does not reach it
    again = manager.wait(manager.submit(T + "until_stopped", {"seconds": 1}), timeout=30)
    assert again.result == "timed out"


@pytest.fixture(scope="module")
def stopped(tmp_path_factory):
    """One tiny run whose user stops it after its second of six epochs."""
    raw = config_dict(10, 5, target={"kind": "column", "column": "event"})
    raw.update(
        model={"units": [8], "dense_units": 4, "tower_units": 4},
        training={"epochs": 6, "batch_size": 64, "patience": 0},
    )
    events: list[dict] = []
    store = RunStore(tmp_path_factory.mktemp("home"))

    def asked() -> bool:
        return sum(e["type"] == "epoch" for e in events) >= 2

    run_id = train_run(
        parse_config(raw),
        *random_panel(11, 3, 200, 200),
        store=store,
        emit=events.append,
        name="stopped by hand",
        should_stop=asked,
    )
    return store.load(run_id), events


def test_stopping_early_keeps_the_best_epoch_and_saves_the_whole_run(stopped) -> None:
    run, _ = stopped
    info = run.meta["stopped_early"]
    assert (info["epoch"], info["epochs"]) == (2, 6)
    assert len(run.history) == 2
    best = int(np.argmin(run.history["val_loss"].to_numpy())) + 1
    assert info["best_epoch"] == best
    assert run.metrics["stopped_early"] == info
    # the remaining stages ran: baselines, calibration, intervals, the save
    assert {"model", "logistic", "gbm"} <= set(run.metrics["test"])
    assert run.metrics["test"]["model"]["roc_auc_ci"]
    assert run.meta["name"] == "stopped by hand"
    assert run.verified
    # Results' run details say so beside the epochs run
    details = timings_frame(run).set_index("Item")["Value"]
    assert details["Epochs run"] == "2"
    assert details["Stopped by the user"] == f"at epoch 2 of 6; kept the best, epoch {best}"


def test_every_stage_is_a_step_of_the_job_with_an_eta_for_all_of_it(stopped) -> None:
    _, events = stopped
    stages = [e for e in events if e["type"] == "stage"]
    names = [e["stage"].split()[0] for e in stages]
    seen = list(dict.fromkeys(names))
    expected = [s for s in STAGES if s != "walk-forward"]
    assert seen == expected  # in order, none left out (a classification run on a time split)
    steps = {e["stage"].split()[0]: (e["step"], e["steps"]) for e in stages}
    assert steps["preparing"] == (1, len(expected)) and steps["saving"][0] == len(expected)
    epoch = [e for e in events if e["type"] == "epoch"][-1]
    assert epoch["eta_s"] > 0  # four epochs were still planned when the user stopped
    # the job's ETA counts the stages after training, so it is more than the epochs' alone
    assert epoch["job_eta_s"] > epoch["eta_s"]
    after = [e for e in stages if e["stage"] in ("baselines", "evaluating")]
    assert after and all(e["job_eta_s"] > 0 and e["at"] > 0 for e in after)
    assert all(e.get("total") for e in after)  # each counts its steps


class _Manager:
    """The job manager's surface the panel uses, with one running training job."""

    def __init__(self, status: jobs.JobStatus) -> None:
        self.s, self.asked, self.cancelled = status, [], []

    def status(self, job_id):
        return self.s

    def jobs(self, owner=None):
        return [self.s]

    def lost_jobs(self, owner):
        return []

    def stop_early(self, job_id):
        self.asked.append(job_id)
        return True

    def cancel(self, job_id):
        self.cancelled.append(job_id)


def _panel_page(language: str) -> None:
    import streamlit as st

    from ui import jobs_panel

    st.session_state["lang_picker"] = language
    st.session_state["job_train"] = "job-1"
    jobs_panel.panel("train", on_done=lambda s: None, keep_best=True)


@pytest.mark.parametrize("language", [0, 1])
def test_stop_offers_keep_beside_discard(stopped, monkeypatch, language) -> None:
    from ui import jobs_panel

    _, events = stopped
    upto = next(i for i, e in enumerate(events) if e["type"] == "epoch") + 1
    fake = _Manager(jobs.JobStatus("job-1", "running", None, events[:upto]))
    monkeypatch.setattr(jobs_panel, "manager", lambda: fake)
    app = AppTest.from_function(
        _panel_page, args=(("en", "zh")[language],), default_timeout=30
    ).run()
    assert not app.exception, app.exception
    labels = {b.label: b for b in app.button}
    keep, discard = TEXT["job.stop_keep"][language], TEXT["job.stop_discard"][language]
    assert keep in labels and discard in labels and not labels[keep].disabled
    # the bar says the epoch and the whole job's time left; the caption its step of the job
    bar = app.get("progress")[0].proto.text
    assert TEXT["job.epoch_progress"][language].split("{")[0].strip() in bar
    step = TEXT["job.step"][language].split("{")[0]
    assert any(c.value.startswith(step) for c in app.caption)
    labels[keep].click().run()
    assert fake.asked == ["job-1"] and not fake.cancelled
