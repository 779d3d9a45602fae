"""The "stop and keep the best epoch" flag of the job running in this worker process.

Its own module so that a task (riskcore.train) can poll it without importing riskcore.jobs,
which imports the cost model and, through it, the tasks themselves.
"""

from __future__ import annotations

from typing import Any

_flag: Any = None  # in a worker: the Event JobManager.stop_early sets


def set_flag(flag: Any) -> None:
    """Called once by the worker's entry (riskcore.jobs) with the Event its parent shares."""
    global _flag
    _flag = flag


def stop_requested() -> bool:
    """Whether the user asked the job running in this worker to stop early and keep what it
    has (JobManager.stop_early); a task polls it (riskcore.train's fit). Always False outside
    a worker (the CLI, tests calling a task directly)."""
    return _flag is not None and _flag.is_set()


def stop_point(stopped: object) -> dict | None:
    """Where a run the user stopped early stopped, from meta.json's "stopped_early" (None for
    a run that trained to its end): `epoch`, `epochs` planned, and `best`, the epoch it kept,
    which is where it stopped when no epoch had a validation loss yet."""
    if not isinstance(stopped, dict):
        return None
    epoch = stopped.get("epoch")
    return {
        "epoch": epoch,
        "epochs": stopped.get("epochs"),
        "best": stopped.get("best_epoch") or epoch,
    }
