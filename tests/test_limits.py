"""Hostile corpus for the server's limits (issue 13): jobs too big for the one worker are
refused at submit with their estimate, a job running too long is ended and saves nothing, a
user's queue is capped, and jobs a restart lost are reported to their owner once."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from riskcore import cost
from riskcore.config import parse_config
from riskcore.errors import LimitError
from riskcore.jobs import JobManager, owner_user
from riskcore.settings import Limits
from riskcore.store import RunStore
from riskcore.tasks import TRAINING, TUNING
from riskcore.tuning import parse_space
from tests.test_jobs import started, wait_for

T = "tests.job_tasks:"
ENTITIES, ROWS = 10, 2000  # about the sample market data: 20,000 rows
BASE = {
    "data": {
        "time": "date",
        "entity": "ticker",
        "sequence_features": ["f0", "f1", "f2"],
        "target": {"kind": "column", "column": "event"},
    }
}


def with_(**sections) -> dict:
    raw = json.loads(json.dumps(BASE))
    for key, value in sections.items():
        raw[key] = {**raw.get(key, {}), **value} if isinstance(value, dict) else value
    return raw


def panel(entities: int = ENTITIES, rows: int = ROWS) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(entities * rows, 3)), columns=["f0", "f1", "f2"])
    frame.insert(0, "date", np.tile(pd.bdate_range("2010-01-04", periods=rows), entities))
    frame.insert(1, "ticker", np.repeat([f"T{i}" for i in range(entities)], rows))
    frame["event"] = (rng.random(len(frame)) < 0.2).astype(float)
    return frame


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Callable[..., None]:
    """Server settings from a file in a fresh home (defaults unless a test sets a limit)."""
    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    path = tmp_path / "risklens.toml"
    monkeypatch.setenv("RISKLENS_SETTINGS", str(path))

    def write(**limits) -> None:
        body = "".join(f"{k} = {v!r}\n" for k, v in limits.items())
        path.write_text("[limits]\n" + body, encoding="utf-8")

    write()
    return write


@pytest.fixture
def make_manager(settings, make_manager) -> Callable[..., JobManager]:
    """conftest's managers, made after this test's server settings are in place."""
    return make_manager


@pytest.fixture
def manager(make_manager) -> JobManager:
    return make_manager(warm=False)


def stored_run(home: Path) -> str:
    """A run folder as the tune task reads it: its config and its data's summary."""
    with RunStore(home).writer() as w:
        w.write_json("config.json", parse_config(BASE).model_dump(mode="json"))
        summary = {"rows": ENTITIES * ROWS, "entities": ENTITIES, "features": {"sequence": 3}}
        w.write_json("meta.json", {"created": "now", "summary": summary})
        return w.run_id


# ---- refused at submit ----------------------------------------------------------------------
ATTACKS = {
    "the attacker's": with_(
        window=1000, model={"units": [1024] * 4}, training={"epochs": 1000, "batch_size": 1}
    ),
    "the sliders' maximum": with_(
        window=250,
        model={"units": [256] * 4, "dense_units": 256, "tower_units": 256},
        training={"epochs": 300, "batch_size": 16},
    ),
    "batch 1 for 1000 epochs": with_(training={"epochs": 1000, "batch_size": 1}),
    "walk-forward over a wide model": with_(
        split={"scheme": "walk_forward", "folds": 20},
        model={"units": [512, 512]},
        training={"epochs": 300},
    ),
}


@pytest.mark.parametrize("raw", ATTACKS.values(), ids=ATTACKS.keys())
def test_a_training_over_the_cap_is_refused_at_submit_with_its_estimate(manager, raw) -> None:
    payload = TRAINING.payload(config=parse_config(raw).to_json(), primary=panel())
    with pytest.raises(LimitError) as caught:
        manager.submit(TRAINING, payload, owner="mallory/train")
    message = str(caught.value)
    assert "would take about" in message and "limit of 1 h per job" in message
    for knob in ("epochs", "window", "units", "batch size"):
        assert knob in message
    assert manager.jobs() == []  # nothing queued


TUNE_ATTACKS = {
    "1000 trials, 24 h timeout": {"trials": 1000, "timeout_s": 24 * 3600.0},
    "500 trials, no timeout": {"trials": 500},
    "20 trials up to 1000 epochs of batch 1": {
        "trials": 20,
        "params": {"epochs": {"low": 1, "high": 1000}, "batch_size": {"low": 1, "high": 64}},
    },
}


@pytest.mark.parametrize("search", TUNE_ATTACKS.values(), ids=TUNE_ATTACKS.keys())
def test_a_search_over_the_cap_is_refused_at_submit(manager, tmp_path, search) -> None:
    space = {"params": {"units": {"low": 8, "high": 64}}, **search}
    payload = TUNING.payload(
        home=str(tmp_path), run_id=stored_run(tmp_path), space=parse_space(space).to_json()
    )
    with pytest.raises(LimitError, match=r"this search would take about .* trials x up to"):
        manager.submit(TUNING, payload, owner="mallory/tune")


def test_a_tiny_job_passes(manager, tmp_path) -> None:
    raw = with_(window=5, model={"units": [8]}, training={"epochs": 2})
    payload = TRAINING.payload(config=parse_config(raw).to_json(), primary=panel(2, 200))
    estimate = cost.job_estimate(TRAINING.path, payload)
    assert estimate is not None and estimate.seconds < 60
    job = manager.submit(TRAINING, payload, owner="alice/train")
    assert manager.status(job).state in ("queued", "running")
    manager.cancel(job)
    space = parse_space({"params": {"units": {"low": 4, "high": 8}}, "trials": 3})
    tune = TUNING.payload(home=str(tmp_path), run_id=stored_run(tmp_path), space=space.to_json())
    cost.check_cap(cost.job_estimate(TUNING.path, tune))


def test_the_search_is_bounded_by_its_timeout_and_its_costliest_trial() -> None:
    config = parse_config(BASE)
    size = cost.DataSize(ENTITIES * ROWS, ENTITIES, {"sequence": 3})
    one = cost.training_estimate(config, size)
    capped = parse_space({"params": {"dropout": {"low": 0, "high": 0.5}}, "trials": 1000})
    timed = parse_space({**json.loads(capped.to_json()), "timeout_s": 60.0})
    assert cost.tuning_estimate(config, size, capped).seconds == pytest.approx(1000 * one.seconds)
    assert cost.tuning_estimate(config, size, timed).seconds == pytest.approx(60 + one.seconds)
    wide = parse_space({"params": {"units": {"low": 8, "high": 512}}, "trials": 1})
    assert cost.tuning_estimate(config, size, wide).parameters > one.parameters


def test_the_estimate_uses_the_train_pages_parameter_count() -> None:
    from riskcore.model import parameter_count

    config = parse_config(BASE)
    size = cost.DataSize(ENTITIES * ROWS, ENTITIES, {"sequence": 3})
    shapes = {"sequence": (config.window, 3)}
    assert cost.training_estimate(config, size).parameters == parameter_count(config, shapes)
    frames = cost.DataSize.of_frames(config, panel())
    assert (frames.rows, frames.entities, frames.features) == (20_000, 10, {"sequence": 3})


def test_the_wall_clock_limit_is_twice_the_estimate_never_below_the_cap() -> None:
    limits = Limits(max_job_hours=1.0)
    est = cost.training_estimate(
        parse_config(BASE), cost.DataSize(ENTITIES * ROWS, ENTITIES, {"sequence": 3})
    )
    assert cost.wall_clock_limit(None, limits) == 3600.0
    assert cost.wall_clock_limit(est, limits) == max(2 * est.seconds, 3600.0)


# ---- ended when it runs too long ------------------------------------------------------------
def test_a_job_past_the_wall_clock_limit_is_ended_and_saves_nothing(
    make_manager, settings, tmp_path
) -> None:
    settings(max_job_hours=0.0005)  # 1.8 s
    manager = make_manager()
    saved = tmp_path / "saved.txt"
    job = manager.submit(T + "sleepy_then_save", {"seconds": 20, "path": str(saved)}, owner="a/x")
    status = manager.wait(job, timeout=30)
    assert (status.state, status.error_kind) == ("failed", "limit")
    assert status.error.startswith("stopped after ")
    assert "over the server's limit of 0.0005 h per job" in status.error
    assert not saved.exists()
    assert manager.wait(manager.submit(T + "echo", {}), timeout=30).state == "done"
    assert not saved.exists()


# ---- one user's queue ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("owner", "user"),
    [("alice/train", "alice"), ("a/b/tune", "a/b"), ("alice", "alice"), (None, None)],
)
def test_a_jobs_user_is_its_owner_before_the_last_slash(owner, user) -> None:
    assert owner_user(owner) == user


def test_the_fourth_job_of_a_user_is_refused_and_the_queue_says_who_is_ahead(make_manager) -> None:
    manager = make_manager()
    first = manager.submit(T + "sleepy", {"seconds": 60}, owner="alice/train")
    started(manager, first)
    second = manager.submit(T + "sleepy", {"seconds": 60}, owner="alice/tune")
    third = manager.submit(T + "echo", {}, owner="alice/explain")
    assert (manager.status(second).ahead, manager.status(third).ahead) == (1, 2)
    with pytest.raises(LimitError, match=r"you have 3 jobs waiting or running.*cancel one"):
        manager.submit(T + "echo", {}, owner="alice/scenario")
    bob = manager.submit(T + "echo", {}, owner="bob/train")  # another user's queue
    assert manager.status(bob).ahead == 3
    manager.cancel(second)
    assert manager.status(third).ahead == 1
    manager.submit(T + "echo", {}, owner="alice/scenario")  # room again
    manager.cancel(first)


def test_the_cap_on_a_users_queue_comes_from_the_server_settings(make_manager, settings) -> None:
    settings(max_queued_per_user=1)
    manager = make_manager()
    first = manager.submit(T + "sleepy", {"seconds": 60}, owner="alice/train")
    with pytest.raises(LimitError, match="you have 1 jobs"):
        manager.submit(T + "echo", {}, owner="alice/tune")
    manager.cancel(first)


# ---- lost in a restart ----------------------------------------------------------------------
def test_a_job_lost_in_a_restart_is_reported_once_to_its_owner(make_manager, tmp_path) -> None:
    journal = tmp_path / "jobs"
    before = make_manager(journal=journal, boot_id="boot-1")
    done = before.submit(T + "echo", {}, owner="alice/train")
    before.wait(done, timeout=30)
    payload = {"seconds": 60, "sources": [{"name": "prices.csv"}]}
    lost = before.submit(T + "sleepy", payload, owner="alice/train")
    before.shutdown()  # what atexit does when the server stops
    assert all(len(p.stem) == 32 and "alice" not in p.name for p in journal.iterdir())

    after = make_manager(journal=journal, boot_id="boot-2")
    reported = after.lost_jobs("alice/train")
    assert [(r.job_id, r.kind, r.files) for r in reported] == [
        (lost, T + "sleepy", ("prices.csv",))
    ]
    assert reported[0].message.startswith(f"lost in a server restart: {T}sleepy submitted at ")
    assert reported[0].message.endswith("; submit it again")
    assert after.lost_jobs("alice/train") == [] and after.lost_jobs("bob/train") == []
    again = make_manager(journal=journal, boot_id="boot-3")
    assert again.lost_jobs("alice/train") == []  # reported once, ever


def test_an_unreadable_journal_is_started_again(make_manager, tmp_path) -> None:
    journal = tmp_path / "jobs"
    first = make_manager(journal=journal, boot_id="boot-1")
    first.wait(first.submit(T + "echo", {}, owner="alice/train"), timeout=30)
    for path in journal.iterdir():
        path.write_text("{not json", encoding="utf-8")
    second = make_manager(journal=journal, boot_id="boot-2")
    assert second.lost_jobs("alice/train") == []
    assert second.wait(second.submit(T + "echo", {}, owner="alice/train"), timeout=30).result == {}
    wait_for(lambda: json.loads(next(journal.iterdir()).read_text())["jobs"][0]["state"] == "done")


# ---- the Train page says it before Train is pressed -------------------------------------------
def test_the_train_page_shows_the_expected_duration_and_says_when_it_is_over_the_cap(
    make_manager, monkeypatch
) -> None:
    from streamlit.testing.v1 import AppTest

    from ui import jobs_panel
    from ui.i18n import TEXT

    root = Path(__file__).resolve().parent.parent
    monkeypatch.chdir(root)
    idle = make_manager(warm=False)  # no worker importing TensorFlow beside the other tests
    monkeypatch.setattr(jobs_panel, "manager", lambda: idle)
    app = AppTest.from_file(str(root / "app.py"), default_timeout=60)
    app.run()
    app.button(key="sample_market").click().run()
    cfg = app.session_state["config"]
    cfg["window"] = 250  # every slider at its maximum
    cfg["model"] = {"units": [256] * 4, "dense_units": 256, "tower_units": 256}
    cfg["training"] = {"epochs": 300, "batch_size": 16}
    app.session_state["config_version"] = 99
    app.switch_page("pages/train.py").run()
    assert not app.exception, app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert TEXT["train.duration"][0] in metrics and TEXT["train.parameters"][0] in metrics
    warnings = [w.value for w in app.warning]
    assert any("over the server's limit of 1 h per job" in w for w in warnings), warnings
    start = next(b for b in app.button if b.label == TEXT["train.start"][0])
    assert start.disabled
