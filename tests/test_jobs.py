"""JobManager: jobs run in spawned warm workers; progress, queue, cancel, errors and crashes."""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Callable

import psutil
import pytest

from riskcore import jobs
from riskcore.errors import JobError
from riskcore.jobs import JobManager, internal_error_message
from tests import job_tasks

T = "tests.job_tasks:"
# Read when a worker preloads this module: what the policy was before anything loaded libgomp.
OMP_POLICY_AT_IMPORT = os.environ.get("OMP_WAIT_POLICY")


def omp_policy(payload: dict, emit) -> str | None:
    """A task: the OpenMP wait policy this worker had when it preloaded this module."""
    return OMP_POLICY_AT_IMPORT


@pytest.fixture
def manager(make_manager) -> JobManager:
    return make_manager()


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def workers() -> list[psutil.Process]:
    """Worker processes of this test process (not multiprocessing's resource tracker)."""
    return [p for p in psutil.Process().children() if "spawn_main" in " ".join(p.cmdline())]


def started(manager: JobManager, job_id: str) -> dict:
    """Wait until a sleepy/stubborn job has emitted its first event; return that event."""
    wait_for(lambda: bool(manager.status(job_id).events))
    return manager.status(job_id).events[0]


def test_result_comes_back(manager) -> None:
    job = manager.submit(T + "echo", {"a": 1, "b": [1, 2]}, owner="alice")
    status = manager.wait(job, timeout=30)
    assert (status.state, status.result, status.error) == ("done", {"a": 1, "b": [1, 2]}, None)
    assert status.position is None and status.events == []


def test_events_arrive_in_order(manager) -> None:
    seen: list[dict] = []
    job = manager.submit(T + "progress", {"n": 300})
    status = manager.wait(job, timeout=30, on_event=seen.append)
    assert status.result == 300
    assert [e["i"] for e in status.events] == list(range(300))
    assert seen == status.events


def test_stored_events_are_capped_keeping_first_and_last(manager) -> None:
    n = jobs.MAX_EVENTS + 50
    status = manager.wait(manager.submit(T + "progress", {"n": n}), timeout=30)
    assert len(status.events) == jobs.MAX_EVENTS and status.events_dropped == 50
    assert status.events[0]["i"] == 0 and status.events[-1]["i"] == n - 1


def test_second_job_waits_in_the_queue_then_runs_after_a_cancel(manager) -> None:
    first = manager.submit(T + "sleepy", {"seconds": 60})
    old_pid = started(manager, first)["pid"]
    second = manager.submit(T + "pid", {})
    third = manager.submit(T + "echo", {"n": 3})
    assert (manager.status(second).state, manager.status(second).position) == ("queued", 1)
    assert manager.status(third).position == 2
    assert (manager.status(second).ahead, manager.status(third).ahead) == (1, 2)  # + running

    t0 = time.monotonic()
    manager.cancel(first)
    assert manager.status(first).state == "cancelled"
    wait_for(lambda: not psutil.pid_exists(old_pid), timeout=5)
    assert time.monotonic() - t0 < 5
    status = manager.wait(second, timeout=30)
    assert status.state == "done" and status.result != old_pid  # a fresh worker
    assert manager.wait(third, timeout=30).result == {"n": 3}


def test_cancel_kills_a_worker_that_ignores_sigterm(manager) -> None:
    job = manager.submit(T + "stubborn", {})
    pid = started(manager, job)["pid"]
    manager.cancel(job)
    wait_for(lambda: not psutil.pid_exists(pid), timeout=5)
    assert manager.wait(manager.submit(T + "echo", {}), timeout=30).state == "done"


def test_cancel_a_queued_job(manager) -> None:
    first = manager.submit(T + "sleepy", {"seconds": 60})
    queued = manager.submit(T + "echo", {})
    behind = manager.submit(T + "echo", {})
    started(manager, first)
    assert manager.status(behind).position == 2
    manager.cancel(queued)
    assert manager.status(queued).state == "cancelled"
    assert manager.status(behind).position == 1
    manager.cancel(first)
    assert manager.wait(behind, timeout=30).state == "done"
    assert manager.wait(queued, timeout=1).state == "cancelled"  # never ran


def test_user_error_message_is_returned(manager) -> None:
    status = manager.wait(manager.submit(T + "user_error", {}), timeout=30)
    assert status.state == "failed" and status.error_kind == "user"
    assert status.error == "column 'x' is not in the file; pick one of: a, b"


def test_bug_is_an_internal_error_without_traceback_and_recycles_the_worker(manager) -> None:
    before = manager.wait(manager.submit(T + "pid", {}), timeout=30).result
    status = manager.wait(manager.submit(T + "bug", {}), timeout=30)
    assert (status.state, status.error_kind) == ("failed", "bug")
    assert status.error == "internal error: ZeroDivisionError: division by zero"
    after = manager.wait(manager.submit(T + "pid", {}), timeout=30)
    assert after.state == "done" and after.result != before  # its process state is suspect


def test_missing_task_and_unpicklable_result_are_bugs(manager) -> None:
    missing = manager.wait(manager.submit(T + "no_such_task", {}), timeout=30)
    assert missing.error_kind == "bug" and "AttributeError" in missing.error
    bad = manager.wait(manager.submit(T + "unpicklable", {}), timeout=30)
    assert bad.error_kind == "bug" and "could not be sent back" in bad.error


def test_internal_error_message_strips_traceback_text() -> None:
    exc = ValueError(
        "Graph execution error:\n\nDetected at node x defined at (most recent call last):\n"
        '  File "/x.py", line 1, in <module>\n    boom()'
    )
    message = internal_error_message(exc)
    assert (
        message
        == "internal error: ValueError: Graph execution error: Detected at node x defined at"
    )
    assert len(internal_error_message(RuntimeError("y" * 5000))) < 400


def test_kill_9_inside_a_job_is_a_crash_and_the_manager_recovers(manager) -> None:
    status = manager.wait(manager.submit(T + "suicide", {}), timeout=30)
    assert (status.state, status.error_kind) == ("failed", "crash")
    assert "exit code -9" in status.error and "retried" in status.error
    assert status.events == [{"type": "started"}]
    assert manager.wait(manager.submit(T + "echo", {"again": True}), timeout=30).state == "done"


def test_worker_is_recycled_after_max_jobs(make_manager) -> None:
    manager = make_manager(max_jobs_per_worker=2)
    pids = [manager.wait(manager.submit(T + "pid", {}), timeout=30).result for _ in range(3)]
    assert pids[0] == pids[1] != pids[2]
    wait_for(lambda: not psutil.pid_exists(pids[0]), timeout=15)


def test_workers_are_spawned_not_forked(manager, monkeypatch) -> None:
    monkeypatch.setattr(job_tasks, "MARK", "changed in the parent")
    assert manager.start_method == "spawn"
    fresh = manager.wait(manager.submit(T + "origin", {}), timeout=30).result
    assert fresh == {"start_method": "spawn", "mark": "fresh import"}
    with pytest.raises(ValueError, match="fork"):
        JobManager(start_method="fork", preload=())


def test_two_workers_run_jobs_side_by_side(make_manager) -> None:
    manager = make_manager(workers=2)
    a = manager.submit(T + "sleepy", {"seconds": 60})
    b = manager.submit(T + "sleepy", {"seconds": 60})
    assert started(manager, a)["pid"] != started(manager, b)["pid"]
    manager.cancel(a)
    manager.cancel(b)


def test_jobs_are_listed_per_owner(manager) -> None:
    a = manager.submit(T + "echo", {}, owner="alice")
    b = manager.submit(T + "echo", {}, owner="bob")
    manager.wait(a, timeout=30)
    manager.wait(b, timeout=30)
    assert [s.job_id for s in manager.jobs("alice")] == [a]
    assert [s.job_id for s in manager.jobs()] == [a, b]


def test_unknown_job_and_bad_task_path(manager) -> None:
    with pytest.raises(JobError, match="no job"):
        manager.status("nope")
    with pytest.raises(ValueError, match="module:function"):
        manager.submit("tests.job_tasks.echo", {})


def test_wait_timeout_returns_the_current_status(manager) -> None:
    job = manager.submit(T + "sleepy", {"seconds": 60})
    assert manager.wait(job, timeout=0.3).state in ("queued", "running")
    manager.cancel(job)


def test_shutdown_cancels_jobs_and_ends_workers(make_manager) -> None:
    manager = make_manager()
    job = manager.submit(T + "sleepy", {"seconds": 60})
    pid = started(manager, job)["pid"]
    manager.shutdown()
    assert manager.status(job).state == "cancelled"
    assert not psutil.pid_exists(pid)
    with pytest.raises(JobError):
        manager.submit(T + "echo", {})


def test_lazy_manager_starts_no_worker_until_a_job_comes(make_manager) -> None:
    before = {p.pid for p in workers()}  # other tests' shared managers may hold workers
    manager = make_manager(warm=False)
    assert {p.pid for p in workers()} == before
    assert manager.wait(manager.submit(T + "echo", {"x": 1}), timeout=30).result == {"x": 1}


def test_get_manager_is_one_shared_instance(monkeypatch) -> None:
    monkeypatch.setattr(jobs, "_manager", None)
    monkeypatch.setattr(jobs, "JobManager", functools.partial(JobManager, preload=(), warm=False))
    found: list[JobManager] = []
    threads = [threading.Thread(target=lambda: found.append(jobs.get_manager())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert len({id(m) for m in found}) == 1
    finally:
        found[0].shutdown()


def test_old_jobs_lose_events_then_records_so_the_server_does_not_grow(
    make_manager, monkeypatch
) -> None:
    monkeypatch.setattr(jobs, "KEEP_RECORDS", 1)
    manager = make_manager(keep_events_of=1)
    ids = [manager.wait(manager.submit(T + "progress", {"n": 5}), timeout=30).job_id for _ in "abc"]
    with pytest.raises(JobError, match="too old"):
        manager.status(ids[0])
    assert (manager.status(ids[1]).events, manager.status(ids[1]).events_dropped) == ([], 5)
    assert manager.status(ids[1]).result == 5 and len(manager.status(ids[2]).events) == 5


@pytest.mark.parametrize(("parent", "worker"), [(None, "PASSIVE"), ("ACTIVE", "ACTIVE")])
def test_worker_sets_the_openmp_wait_policy_before_its_preload(monkeypatch, parent, worker):
    """Passive unless the operator chose one, and already at preload time: libgomp (loaded by
    the TensorFlow or scikit-learn preload) reads the policy once, when it loads."""
    if parent is None:
        monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    else:
        monkeypatch.setenv("OMP_WAIT_POLICY", parent)
    manager = JobManager(preload=("tests.test_jobs",))
    try:
        status = manager.wait(manager.submit("tests.test_jobs:omp_policy", {}), timeout=60)
        assert (status.state, status.result) == ("done", worker)
    finally:
        manager.shutdown()
    assert os.environ.get("OMP_WAIT_POLICY") == parent  # the server's own stays as it was


def test_wait_ready_blocks_until_every_worker_is_warm(make_manager) -> None:
    manager = make_manager(workers=2)
    assert not manager.wait_ready(timeout=0)  # a spawned worker needs far longer to start
    assert manager.wait_ready(timeout=30)
    pids = {manager.wait(manager.submit(T + "pid", {}), timeout=30).result for _ in range(4)}
    assert pids <= {p.pid for p in workers()}
    manager.shutdown()
    assert not manager.wait_ready(timeout=1)
