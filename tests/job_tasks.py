"""Task functions for tests/test_jobs.py, imported by spawned workers as "tests.job_tasks:...".

Each has the job signature task(payload, emit) -> result.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

from riskcore.errors import DataValidationError

MARK = "fresh import"  # test_jobs sets it in the parent: a forked worker would see the change


def echo(payload: dict, emit) -> dict:
    return payload


def progress(payload: dict, emit) -> int:
    for i in range(payload["n"]):
        emit({"type": "step", "i": i})
    return payload["n"]


def sleepy(payload: dict, emit) -> str:
    emit({"type": "started", "pid": os.getpid()})
    time.sleep(payload.get("seconds", 60))
    return "woke up"


def stubborn(payload: dict, emit) -> str:
    """Ignores SIGTERM, so only the SIGKILL escalation can end it."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    emit({"type": "started", "pid": os.getpid()})
    time.sleep(60)
    return "woke up"


def user_error(payload: dict, emit) -> None:
    raise DataValidationError("column 'x' is not in the file; pick one of: a, b")


def bug(payload: dict, emit) -> float:
    return 1 / 0


def suicide(payload: dict, emit) -> None:
    emit({"type": "started"})
    os.kill(os.getpid(), signal.SIGKILL)


def pid(payload: dict, emit) -> int:
    return os.getpid()


def origin(payload: dict, emit) -> dict:
    return {"start_method": multiprocessing.get_start_method(allow_none=True), "mark": MARK}


def unpicklable(payload: dict, emit):
    return lambda: None


def sleepy_then_save(payload: dict, emit) -> str:
    """Sleeps, then writes payload["path"]: a job the wall-clock limit must end before it saves."""
    emit({"type": "started", "pid": os.getpid()})
    time.sleep(payload.get("seconds", 60))
    with open(payload["path"], "w", encoding="utf-8") as out:
        out.write("saved")
    return "saved"
