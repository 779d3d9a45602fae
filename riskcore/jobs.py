"""Run training and explanation jobs in warm worker processes, with progress over a pipe.

Why a worker process (design: "Training runs in a worker process"): Keras' clear_session() is
process-wide, repeated fits grow memory by hundreds of MB, TensorFlow keeps GPU memory until its
process exits, and Streamlit cannot stop a running script. So the server process never imports
TensorFlow; it hands each job to a worker started with `spawn` (never `fork`: TensorFlow and
Streamlit run threads), streams the task's progress events back, and cancels by ending the
process.

Layout: a dispatcher thread in the parent owns every worker and every pipe. Each worker has one
duplex pipe: jobs go down it (so the parent decides which worker gets which job), tagged
messages come back. A pipe per worker rather than one queue shared by all workers, because
killing a process while it writes to a shared multiprocessing.Queue can leave that queue's lock
held or a half-written message in it, which would break every other worker; a killed worker's
own pipe is simply thrown away with it.

Worker -> parent messages: ("ready", pid), ("event", job_id, event), ("done", job_id, result),
("failed", job_id, message, kind). Parent -> worker: pickled (job_id, task, payload) or None
(stop). Besides the pipe, each worker shares one flag (a multiprocessing Event) with the parent:
"stop early and keep what you have" (JobManager.stop_early). The worker is busy in the task
and does not read its pipe meanwhile; the task polls the flag (stop_requested), and the parent
clears it before it sends the worker its next job, so a late request never reaches another job.

Limits (riskcore.settings Limits; riskcore.cost): submit refuses a training or tuning job whose
estimate is over `max_job_hours`, and a user's job beyond `max_queued_per_user` queued or running
ones (LimitError); the dispatcher ends a job running past max(2 x its estimate, the cap). The
user of a job is the part of its `owner` before the last "/" (the dashboard passes
"<user>/<kind>", and a kind has no "/"); an owner without "/" is its own user, and jobs without
an owner (tests, operators' scripts) are not counted.

Journal: with `journal` set (get_manager: $RISKCORE_HOME/jobs), every job with an owner is
recorded in <journal>/<sha256 of owner>.json (id, task, state, submitted, boot id). A new server
process has another boot id, so a job an earlier one recorded as queued or running was lost in
a restart: lost_jobs(owner) reports it once.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import importlib
import itertools
import json
import logging
import multiprocessing
import os
import pickle
import re
import signal
import sys
import threading
import time
import traceback
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing import connection as mp_connection
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from riskcore.errors import JobError, LimitError, RiskcoreError
from riskcore.settings import Limits, server_settings
from riskcore.stopping import set_flag
from riskcore.tasks import BY_PATH, Task, check_payload, task_path

logger = logging.getLogger(__name__)

Emit = Callable[[dict], None]
TaskFn = Callable[[dict, Emit], Any]  # task(payload, emit) -> a picklable result (a run id)

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
FINISHED = frozenset({DONE, FAILED, CANCELLED})

MAX_EVENTS = 10_000  # per job: the first HEAD_EVENTS and the most recent rest are kept
HEAD_EVENTS = 1_000
POLL_S = 0.1  # dispatcher wake-up interval when nothing happens (no busy loop)
TERMINATE_GRACE_S = 2.0  # after SIGTERM on cancel, SIGKILL if still alive
RETIRE_GRACE_S = 10.0  # a recycled worker asked to stop is killed if still alive after this
MAX_FAILED_STARTS = 3  # workers dying before they are ready, in a row, before queued jobs fail
MAX_ERROR_CHARS = 300
WORKER_NICE = 10  # lower CPU priority: on a shared 2-core server pages must render during a fit
OPENMP_WAIT_POLICY = "PASSIVE"  # see passive_openmp
# What a warm worker does while idle: import TensorFlow (and Keras with it) and the training
# task's module tree (scikit-learn, pandas, riskcore), then warm_training; "module:function"
# entries are called after the import.
PRELOAD = (
    "tensorflow",
    "riskcore.train",
    "riskcore.batches",
    "riskcore.model",
    "riskcore.jobs:warm_training",
)
KEEP_RECORDS = 1_000  # finished jobs remembered at all (state, result, error), oldest dropped
JOURNAL_ENTRIES = 50  # per owner: the most recent jobs kept in its journal file
_TASK_PATH = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
_TRACEBACK_MARKERS = ("Traceback (most recent call last)", "(most recent call last)", '\n  File "')


@dataclass
class JobStatus:
    """A snapshot of one job, safe to keep: later progress does not change it."""

    job_id: str
    state: str  # "queued" | "running" | "done" | "failed" | "cancelled"
    position: int | None  # place in the queue while queued (1 = next)
    events: list[dict]  # progress events so far, in order (capped: see events_dropped)
    result: Any = None
    error: str | None = None  # user-facing, never a traceback
    error_kind: str | None = None  # "user" | "crash" | "bug" | "limit" (ran too long) | None
    events_dropped: int = 0  # events left out of the middle when a job emitted > MAX_EVENTS
    ahead: int | None = None  # while queued: jobs that run before it (queued ahead + running)
    stopping: bool = False  # the user asked it to stop early and keep what it has (stop_early)
    starting: bool = False  # queued next while no worker is ready: one is starting (imports)


@dataclass(frozen=True)
class LostJob:
    """A job an earlier server process accepted and never finished (it restarted meanwhile)."""

    job_id: str
    kind: str  # the task's name ("training", "tuning", ...)
    submitted: str  # ISO 8601, UTC
    files: tuple[str, ...] = ()  # names of the uploads it trained on (also gone with the server)

    @property
    def message(self) -> str:
        when = self.submitted.replace("T", " ")[:16] + " UTC"
        return f"lost in a server restart: {self.kind} submitted at {when}; submit it again"


def owner_user(owner: str | None) -> str | None:
    """The user a job counts against: `owner` up to its last "/" ("<user>/<kind>"), or the
    whole owner when it has none; None for jobs without an owner."""
    if owner is None:
        return None
    user, slash, _kind = owner.rpartition("/")
    return user if slash else owner


@dataclass
class _Job:
    job_id: str
    owner: str | None
    message: bytes | None  # pickled (job_id, task, payload); dropped once sent to a worker
    state: str = QUEUED
    head: list[dict] = field(default_factory=list)
    tail: deque[dict] = field(default_factory=lambda: deque(maxlen=MAX_EVENTS - HEAD_EVENTS))
    total: int = 0  # events received, including dropped ones
    result: Any = None
    error: str | None = None
    error_kind: str | None = None
    limit_s: float = float("inf")  # wall-clock seconds it may run (riskcore.cost)
    cap_hours: float = 0.0  # the server's cap per job when it was submitted, for its status
    started: float | None = None  # monotonic time it was sent to a worker
    name: str = ""  # the task's name, for the journal
    submitted: str = ""  # ISO 8601, UTC
    files: tuple[str, ...] = ()
    stopping: bool = False  # stop_early was asked while it ran

    def add_event(self, event: dict) -> None:
        (self.head.append if len(self.head) < HEAD_EVENTS else self.tail.append)(event)
        self.total += 1

    def events_since(self, cursor: int) -> list[dict]:
        """Events with index >= cursor that are still stored (dropped ones are skipped)."""
        out = self.head[cursor:] if cursor < len(self.head) else []
        tail_start = self.total - len(self.tail)
        out.extend(itertools.islice(self.tail, max(cursor, tail_start) - tail_start, None))
        return out

    def forget_events(self) -> None:
        self.head, self.tail = [], deque(maxlen=1)


class _Journal:
    """Each owner's recent jobs on disk, so that a new server process can tell a returning
    user which of their jobs a restart lost. Its own lock: the dispatcher never waits on it
    for long, and it never takes the manager's."""

    def __init__(self, folder: Path, boot_id: str) -> None:
        self.folder, self.boot_id = folder, boot_id
        self._lock = threading.Lock()
        self._entries: dict[str, list[dict]] = {}  # owner -> entries, read on first use
        self._reported: set[str] = set()  # owners whose lost jobs this process has reported

    def _path(self, owner: str) -> Path:
        """A hash, never the owner itself: an identity is no file name."""
        return self.folder / f"{hashlib.sha256(owner.encode('utf-8')).hexdigest()[:32]}.json"

    def _load(self, owner: str) -> list[dict]:
        if owner not in self._entries:
            entries: list[dict] = []
            try:
                data = json.loads(self._path(owner).read_text(encoding="utf-8"))
                entries = [e for e in data["jobs"] if isinstance(e, dict) and "id" in e]
            except FileNotFoundError:
                pass
            except (OSError, ValueError, KeyError, TypeError) as exc:  # unreadable: start over
                logger.warning("job journal %s unreadable (%s); starting it again", owner, exc)
            self._entries[owner] = entries
        return self._entries[owner]

    def _save(self, owner: str) -> None:
        entries = self._entries[owner] = self._entries[owner][-JOURNAL_ENTRIES:]
        path = self._path(owner)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"jobs": entries}), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:  # a journal is a courtesy: never fail a job for it
            logger.warning("job journal %s not written: %s", path, exc)

    def record(self, job: _Job) -> None:
        """Add the job, or update its state."""
        if job.owner is None:
            return
        with self._lock:
            entries = self._load(job.owner)
            for entry in entries:
                if entry["id"] == job.job_id:
                    entry["state"] = job.state
                    break
            else:
                entries.append(
                    {
                        "id": job.job_id,
                        "kind": job.name,
                        "state": job.state,
                        "submitted": job.submitted,
                        "boot": self.boot_id,
                        "files": list(job.files),
                    }
                )
            self._save(job.owner)

    def lost(self, owner: str) -> list[LostJob]:
        """Jobs an earlier process recorded as queued or running; each reported once."""
        with self._lock:
            if owner in self._reported:
                return []
            self._reported.add(owner)
            lost = []
            for entry in self._load(owner):
                if entry.get("boot") != self.boot_id and entry.get("state") in (QUEUED, RUNNING):
                    entry["state"] = "lost"
                    files = tuple(str(f) for f in entry.get("files") or ())
                    lost.append(
                        LostJob(
                            str(entry["id"]),
                            str(entry.get("kind")),
                            str(entry.get("submitted")),
                            files,
                        )
                    )
            if lost:
                self._save(owner)
            return lost


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    stop_flag: Any = None  # multiprocessing Event: "stop early, keep what you have"
    ready: bool = False
    job_id: str | None = None
    jobs_run: int = 0
    leaving: bool = False  # asked to stop or being killed: no longer part of the pool
    kill_at: float | None = None  # monotonic time after which it gets SIGKILL
    eof: bool = False


class JobManager:
    """A small pool of warm worker processes running jobs one after another, FIFO.

    warm=True keeps `workers` processes started and pre-imported (`preload`) at all times, so a
    job does not wait for the ~6 s TensorFlow import nor the ~1 s of riskcore.train's;
    warm=False starts workers only when a job needs one. A worker is replaced after
    `max_jobs_per_worker` jobs (memory creep), after a cancel, a crash, or a job that failed
    with a bug (its process state is suspect).

    `journal`: the folder of the per-owner job journals (None: none kept); `boot_id` tells this
    process's entries from an earlier one's (a new random id by default).
    """

    def __init__(
        self,
        workers: int = 1,
        max_jobs_per_worker: int = 20,
        start_method: str = "spawn",
        warm: bool = True,
        *,
        preload: tuple[str, ...] = PRELOAD,
        keep_events_of: int = 32,  # finished jobs whose progress events are kept (memory)
        journal: str | Path | None = None,
        boot_id: str | None = None,
    ) -> None:
        if workers < 1 or max_jobs_per_worker < 1:
            raise ValueError("workers and max_jobs_per_worker must be at least 1")
        if start_method == "fork":
            raise ValueError("start_method 'fork' is unsafe with TensorFlow threads; use 'spawn'")
        self.context = multiprocessing.get_context(start_method)
        self._size, self._max_jobs, self._warm = workers, max_jobs_per_worker, warm
        self._preload, self._keep_events_of = tuple(preload), keep_events_of
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._jobs: dict[str, _Job] = {}
        self._queue: deque[str] = deque()
        self._finished: deque[str] = deque()  # finished jobs that still hold their events
        self._old: deque[str] = deque()  # finished jobs whose events were dropped
        self._workers: list[_Worker] = []
        self._failed_starts = 0
        self._stopping = False
        self.boot_id = boot_id or uuid.uuid4().hex
        self._journal = None if journal is None else _Journal(Path(journal), self.boot_id)
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        with self._lock:
            self._start_workers()
        self._thread = threading.Thread(target=self._run, name="riskcore-jobs", daemon=True)
        self._thread.start()

    @property
    def start_method(self) -> str:
        return self.context.get_start_method()

    def __enter__(self) -> JobManager:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    # ----------------------------------------------------------------------------- public API

    def submit(self, task: str | Task, payload: dict, owner: str | None = None) -> str:
        """Queue `task` (a riskcore.tasks.Task or "module:function") with `payload`; returns
        the job id at once. A listed task's payload is validated here (PayloadError), so a
        worker never receives one that does not match; a job over the server's limits is
        refused here (LimitError: estimated over the cap per job, or its user already has
        `max_queued_per_user` jobs queued or running)."""
        task = task_path(task)
        if not _TASK_PATH.match(task):
            raise ValueError(f"task must be 'module:function', got {task!r}")
        payload = check_payload(task, payload)
        from riskcore import cost  # here: workers import this module and need none of it

        limits = server_settings().limits
        estimate = cost.job_estimate(task, payload)
        if estimate is not None:
            cost.check_cap(estimate, limits)
        job_id = uuid.uuid4().hex
        # Pickled now, so an unpicklable payload fails here, in the caller, not in the dispatcher.
        message = pickle.dumps((job_id, task, payload), protocol=pickle.HIGHEST_PROTOCOL)
        job = _Job(
            job_id,
            owner,
            message,
            limit_s=cost.wall_clock_limit(estimate, limits),
            cap_hours=limits.max_job_hours,
            name=BY_PATH[task].name if task in BY_PATH else task,
            submitted=datetime.now(UTC).isoformat(timespec="seconds"),
            files=_file_names(payload),
        )
        with self._changed:
            if self._stopping:
                raise JobError("the job manager has shut down; restart the app to run jobs")
            self._check_queue(owner, limits)
            self._jobs[job_id] = job
            self._queue.append(job_id)
            self._failed_starts = 0  # give worker start-up another chance
            if self._journal is not None:
                self._journal.record(job)
            self._changed.notify_all()
        self._wake()
        return job_id

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until the pool is warm: `workers` processes started, preloaded and idle or
        busy (True), or `timeout` passes (False). For benchmarks and operators' scripts that
        time a job from a warm worker; submit never needs it (jobs queue meanwhile)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            while True:
                ready = [w for w in self._workers if w.ready and not w.leaving]
                if len(ready) >= self._size:
                    return True
                left = None if deadline is None else deadline - time.monotonic()
                if self._stopping or (left is not None and left <= 0):
                    return False
                self._changed.wait(0.5 if left is None else min(left, 0.5))

    def lost_jobs(self, owner: str | None) -> list[LostJob]:
        """This owner's jobs that an earlier server process accepted and never finished (a
        restart lost them, and the uploads they used); each is reported once, ever."""
        if owner is None or self._journal is None:
            return []
        return self._journal.lost(owner)

    def status(self, job_id: str) -> JobStatus:
        """A snapshot of the job; never blocks (the dispatcher thread drains the pipes)."""
        with self._lock:
            return self._snapshot(self._job(job_id))

    def cancel(self, job_id: str) -> None:
        """Drop a queued job, or end a running one by ending its worker (works in C loops too)."""
        with self._changed:
            job = self._job(job_id)
            if job.state == QUEUED:
                self._queue.remove(job_id)
            elif job.state == RUNNING:
                for worker in self._workers:
                    if worker.job_id == job_id:
                        self._stop_worker(worker, kill=True)
            else:
                return
            self._finish(job, CANCELLED)
        self._wake()

    def stop_early(self, job_id: str) -> bool:
        """Ask a running job to stop early and keep what it has (a training: the best epoch so
        far, then its remaining stages and the save); the task decides how (stop_requested).
        False when the job is not running (queued, finished): nothing is asked then."""
        with self._changed:
            job = self._job(job_id)
            if job.state != RUNNING:
                return False
            for worker in self._workers:
                if worker.job_id == job_id and not worker.leaving and worker.stop_flag is not None:
                    worker.stop_flag.set()
                    job.stopping = True
                    self._changed.notify_all()
                    return True
        return False

    def wait(
        self, job_id: str, timeout: float | None = None, on_event: Emit | None = None
    ) -> JobStatus:
        """Block until the job finishes (or `timeout` passes: then its current status).

        on_event is called in this thread, in order, for each event that arrives meanwhile.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        cursor = 0
        while True:
            with self._changed:
                job = self._job(job_id)
                new = job.events_since(cursor) if on_event else []
                cursor = job.total
                done = job.state in FINISHED
                left = None if deadline is None else deadline - time.monotonic()
                if not new and not done:
                    if left is not None and left <= 0:
                        return self._snapshot(job)
                    self._changed.wait(0.5 if left is None else min(left, 0.5))
                    continue
                snapshot = self._snapshot(job) if done else None
            if on_event is not None:
                for event in new:
                    on_event(event)
            if snapshot is not None:
                return snapshot

    def jobs(self, owner: str | None = None) -> list[JobStatus]:
        """All jobs in submission order, or only those of one owner (browser session)."""
        with self._lock:
            return [
                self._snapshot(j) for j in self._jobs.values() if owner is None or j.owner == owner
            ]

    def worker_pid(self, job_id: str) -> int | None:
        """The process id of the worker running the job (None when not running): for
        operators and fault tests that need to kill exactly that process."""
        with self._lock:
            for worker in self._workers:
                if worker.job_id == job_id and not worker.leaving:
                    return worker.process.pid
        return None

    def shutdown(self) -> None:
        """Cancel what is queued or running and end every worker. Safe to call twice."""
        with self._changed:
            if self._stopping:
                return
            self._stopping = True
            for job in self._jobs.values():
                if job.state not in FINISHED:
                    self._finish(job, CANCELLED, error="the job manager shut down")
            self._queue.clear()
        self._wake()
        self._thread.join(timeout=5)
        with self._lock:
            for w in self._workers:
                _signal(w.process, kill=False)
            for w in self._workers:
                w.process.join(TERMINATE_GRACE_S)
                if w.process.is_alive():
                    _signal(w.process, kill=True)
                    w.process.join(TERMINATE_GRACE_S)
                self._close(w)
            self._workers.clear()
        os.close(self._wake_r)
        os.close(self._wake_w)

    # ------------------------------------------------------------------- bookkeeping (locked)

    def _job(self, job_id: str) -> _Job:
        try:
            return self._jobs[job_id]
        except KeyError:
            raise JobError(
                f"no job with id {job_id!r}; it may be from before a restart, or too old"
            ) from None

    def _snapshot(self, job: _Job) -> JobStatus:
        position = self._queue.index(job.job_id) + 1 if job.state == QUEUED else None
        ahead = None if position is None else position - 1 + len(self._running())
        events = [*job.head, *job.tail]
        idle = any(w.ready and not w.leaving and w.job_id is None for w in self._workers)
        starting = bool(position is not None and ahead == 0 and not idle)
        return JobStatus(
            job.job_id,
            job.state,
            position,
            events,
            job.result,
            job.error,
            job.error_kind,
            events_dropped=job.total - len(events),
            ahead=ahead,
            stopping=job.stopping,
            starting=starting,
        )

    def _running(self) -> list[_Job]:
        jobs = (self._jobs.get(w.job_id) for w in self._workers if w.job_id is not None)
        return [j for j in jobs if j is not None and j.state == RUNNING]

    def _check_queue(self, owner: str | None, limits: Limits) -> None:
        """LimitError when the owner's user already has the most jobs queued or running that
        the server allows one user (counted over all of the user's kinds)."""
        user = owner_user(owner)
        if user is None:
            return
        active = [*(self._jobs[j] for j in self._queue), *self._running()]
        mine = sum(owner_user(j.owner) == user for j in active)
        if mine >= limits.max_queued_per_user:
            raise LimitError(
                f"you have {mine} jobs waiting or running, the most the server allows one user "
                f"({limits.max_queued_per_user}); wait for one to finish or cancel one, then "
                "submit again"
            )

    def _finish(
        self,
        job: _Job,
        state: str,
        result: Any = None,
        error: str | None = None,
        kind: str | None = None,
    ) -> None:
        """Set the final state; old finished jobs keep their outcome but lose their events."""
        job.state, job.result, job.error, job.error_kind = state, result, error, kind
        job.message = None
        if self._journal is not None and not self._stopping:  # shutdown: lost, as on a crash
            self._journal.record(job)
        self._finished.append(job.job_id)
        while len(self._finished) > self._keep_events_of:
            self._old.append(self._finished.popleft())
            self._jobs[self._old[-1]].forget_events()
        while len(self._old) > KEEP_RECORDS:
            del self._jobs[self._old.popleft()]
        self._changed.notify_all()

    def _start_workers(self) -> None:
        """Top the pool up: always to `workers` when warm, else to what the jobs need."""
        if self._stopping:
            return
        if self._failed_starts >= MAX_FAILED_STARTS:
            self._fail_queue()
            return
        pool = [w for w in self._workers if not w.leaving]
        needed = len(self._queue) + sum(w.job_id is not None for w in pool)
        target = self._size if self._warm else min(self._size, needed)
        for _ in range(target - len(pool)):
            self._workers.append(self._spawn())

    def _spawn(self) -> _Worker:
        parent_end, child_end = self.context.Pipe(duplex=True)
        stop_flag = self.context.Event()
        process = self.context.Process(
            target=_worker_main,
            args=(child_end, list(sys.path), self._preload, stop_flag),
            name="riskcore-worker",
            daemon=True,
        )
        process.start()
        child_end.close()  # so the parent sees EOF when the worker dies
        return _Worker(process, parent_end, stop_flag)

    def _fail_queue(self) -> None:
        for job_id in self._queue:
            self._finish(
                self._jobs[job_id],
                FAILED,
                error="the worker process could not start; see the server log, then retry",
                kind="crash",
            )
        self._queue.clear()

    def _stop_worker(self, worker: _Worker, kill: bool) -> None:
        """Take a worker out of the pool: kill it (cancel) or ask it to stop (recycling)."""
        worker.leaving = True
        if kill:
            _signal(worker.process, kill=False)
            worker.kill_at = time.monotonic() + TERMINATE_GRACE_S
        else:
            worker.kill_at = time.monotonic() + RETIRE_GRACE_S
            with contextlib.suppress(OSError):  # already dead: buried on the next round
                worker.conn.send_bytes(pickle.dumps(None))

    def _handle(self, worker: _Worker, message: tuple) -> None:
        kind = message[0]
        if kind == "ready":
            worker.ready = True
            self._failed_starts = 0
            return
        job = self._jobs.get(message[1])
        if job is None or job.state != RUNNING or worker.job_id != job.job_id:
            return  # a late message from a cancelled job
        if kind == "event":
            job.add_event(message[2])
            self._changed.notify_all()
            return
        worker.job_id = None
        worker.jobs_run += 1
        if kind == "done":
            self._finish(job, DONE, result=message[2])
        else:
            self._finish(job, FAILED, error=message[2], kind=message[3])
            logger.warning("job %s failed (%s): %s", job.job_id, message[3], message[2])
        if worker.jobs_run >= self._max_jobs or (kind == "failed" and message[3] == "bug"):
            self._stop_worker(worker, kill=False)

    def _check_workers(self) -> None:
        """Bury dead workers (failing the job they ran), escalate kills, top the pool up."""
        now = time.monotonic()
        self._enforce_limits(now)
        for worker in list(self._workers):
            if worker.process.is_alive():
                if worker.kill_at is not None and now >= worker.kill_at:
                    _signal(worker.process, kill=True)
                    worker.kill_at = None
                continue
            for message in _drain(worker, limit=sys.maxsize):
                self._handle(worker, message)
            self._bury(worker)
        self._start_workers()

    def _enforce_limits(self, now: float) -> None:
        """End every job running past its wall-clock limit; its status says why."""
        for worker in self._workers:
            job = self._jobs.get(worker.job_id) if worker.job_id and not worker.leaving else None
            if job is None or job.state != RUNNING or job.started is None:
                continue
            elapsed = now - job.started
            if elapsed > job.limit_s:
                from riskcore.cost import over_limit_message

                logger.warning("job %s over its limit of %.0f s: ended", job.job_id, job.limit_s)
                self._stop_worker(worker, kill=True)
                message = over_limit_message(elapsed, job.cap_hours)
                self._finish(job, FAILED, error=message, kind="limit")

    def _bury(self, worker: _Worker) -> None:
        code = worker.process.exitcode
        job = self._jobs.get(worker.job_id) if worker.job_id else None
        if job is not None and job.state == RUNNING:
            logger.warning(
                "worker %s died (exit code %s) in job %s", worker.process.pid, code, job.job_id
            )
            self._finish(
                job,
                FAILED,
                error=(
                    f"the worker process died (exit code {code}) while running this job, "
                    "possibly out of memory; the job can be retried"
                ),
                kind="crash",
            )
        elif not worker.ready and not worker.leaving:
            self._failed_starts += 1
            logger.warning("worker %s died while starting (exit code %s)", worker.process.pid, code)
        self._workers.remove(worker)
        self._close(worker)

    def _close(self, worker: _Worker) -> None:
        worker.conn.close()
        if not worker.process.is_alive():
            worker.process.close()  # frees its sentinel fd

    def _assign(self) -> list[tuple[_Worker, bytes]]:
        """FIFO: pair queued jobs with ready idle workers; the sends happen outside the lock."""
        sends = []
        for worker in self._workers:
            if not self._queue:
                break
            if worker.ready and not (worker.leaving or worker.eof) and worker.job_id is None:
                job = self._jobs[self._queue.popleft()]
                if worker.stop_flag is not None:  # a request for its last job is not for this one
                    worker.stop_flag.clear()
                job.state, worker.job_id = RUNNING, job.job_id
                job.started = time.monotonic()
                sends.append((worker, job.message))
                job.message = None
        return sends

    # -------------------------------------------------------------------- dispatcher thread

    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # pipe full (already awake) or shut down
            os.write(self._wake_w, b"x")

    def _run(self) -> None:
        while True:
            with self._lock:
                if self._stopping:
                    return
                conns = {w.conn: w for w in self._workers if not w.eof}
                sentinels = [w.process.sentinel for w in self._workers]
            try:
                ready = mp_connection.wait([self._wake_r, *conns, *sentinels], timeout=POLL_S)
                if self._wake_r in ready:
                    _drain_fd(self._wake_r)
                inbox = [(conns[c], m) for c in ready if c in conns for m in _drain(conns[c])]
                with self._changed:
                    if self._stopping:
                        return
                    for worker, message in inbox:
                        self._handle(worker, message)
                    self._check_workers()
                    sends = self._assign()
                    self._changed.notify_all()
                for worker, data in sends:
                    with contextlib.suppress(OSError):  # it died: buried next round as a crash
                        worker.conn.send_bytes(data)
            except Exception:
                logger.exception("job dispatcher error; continuing")
                time.sleep(POLL_S)


def _file_names(payload: Any) -> tuple[str, ...]:
    """Names of the uploads a job's payload carries (its "sources" records), for the journal."""
    sources = payload.get("sources") if isinstance(payload, dict) else None
    if not isinstance(sources, list):
        return ()
    return tuple(str(s["name"]) for s in sources if isinstance(s, dict) and s.get("name"))


def _drain(worker: _Worker, limit: int = 1000) -> list[tuple]:
    """The messages waiting in a worker's pipe (at most `limit`, so one chatty job can't starve
    the others); marks EOF when the worker has gone."""
    messages: list[tuple] = []
    while not worker.eof and len(messages) < limit:
        try:
            if not worker.conn.poll():
                break
            messages.append(worker.conn.recv())
        except (EOFError, OSError):
            worker.eof = True
    return messages


def _drain_fd(fd: int) -> None:
    try:
        while os.read(fd, 4096):
            pass
    except BlockingIOError:
        pass


def _signal(process: BaseProcess, kill: bool) -> None:
    with contextlib.suppress(ProcessLookupError, ValueError, AttributeError):  # gone or closed
        if kill:
            process.kill()
        else:
            process.terminate()


# ------------------------------------------------------------------------------- worker side


def _worker_main(
    conn: Connection, sys_path: list[str], preload: tuple[str, ...], stop_flag: Any = None
) -> None:
    """Entry of a worker process: warm up, then run jobs until told to stop or orphaned."""
    set_flag(stop_flag)
    passive_openmp()  # first: the preload loads libgomp (TensorFlow's import does)
    sys.path[:] = sys_path  # spawn passes it too; set explicitly so task modules import
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in the terminal is the parent's job
    with contextlib.suppress(OSError):  # training yields the CPU to the dashboard's sessions
        os.nice(WORKER_NICE)
    _watch_parent(os.getppid())
    for name in preload:
        try:
            module, _, function = name.partition(":")
            imported = importlib.import_module(module)
            if function:
                getattr(imported, function)()
        except Exception as exc:  # a failed preload only costs time later, so keep going
            print(f"riskcore worker: could not preload {name}: {exc}", file=sys.stderr)
    try:
        conn.send(("ready", os.getpid()))
        while True:
            message = pickle.loads(conn.recv_bytes())
            if message is None:
                break
            _run_job(conn, *message)
    except (EOFError, OSError):
        pass  # the parent has gone
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # skip interpreter teardown: TensorFlow's can be slow


def passive_openmp() -> None:
    """Idle OpenMP threads sleep instead of spinning, unless the operator chose a policy.

    scikit-learn's gradient boosting runs thousands of short OpenMP regions, and libgomp's
    default lets its threads spin between them. Beside other busy threads (TensorFlow's after
    the Keras fit, the dashboard's, other processes on a shared 2-core server) the spinning
    ones take the cores from the thread with the work: a GBM fit of the sample market data
    after the Keras model took 40-90 s instead of 2.6-3.6 s (bench/README.md, issue 16).
    libgomp reads the policy once, when it loads, so this runs before any import that loads it
    (scikit-learn; TensorFlow's import does too).
    """
    os.environ.setdefault("OMP_WAIT_POLICY", OPENMP_WAIT_POLICY)


def warm_training() -> None:
    """Fit a tiny model of the default layers for one step, then forget it (worker preload).

    A process's first Keras fit pays one-time work besides tracing its own model: TensorFlow's
    runtime and thread pools, autograph's conversion of Keras' train and test steps, the
    kernels of each op. Done here while the worker is idle, a job's first batch comes sooner
    (bench/bench_first_epoch.py). The device is chosen first, as a training job chooses it, so
    that on a GPU memory growth is set before TensorFlow takes the device.
    """
    import keras
    import numpy as np

    from riskcore.config import parse_config
    from riskcore.model import build_model
    from riskcore.train import choose_device

    choose_device()
    config = parse_config(
        {
            "data": {
                "time": "t",
                "sequence_features": ["s"],
                "macro_features": ["m"],
                "target": {"kind": "column", "column": "y"},
            },
            "window": 3,
            "horizon": 1,
            "model": {"units": [2, 2], "dense_units": 2, "tower_units": 2},
        }
    )
    model = build_model(config, {"sequence": (3, 1), "macro": (1,)})
    x = {"sequence": np.zeros((4, 3, 1), "float32"), "macro": np.zeros((4, 1), "float32")}
    y = np.zeros(4, "float32")
    model.fit(x, y, sample_weight=y + 1, validation_data=(x, y), batch_size=4, verbose=0)
    keras.backend.clear_session()


def _watch_parent(parent_pid: int) -> None:
    """End the worker when the server process dies, even mid-job."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="riskcore-parent-watch", daemon=True).start()


def _run_job(conn: Connection, job_id: str, task: str, payload: dict) -> None:
    lock = threading.Lock()  # a task may emit from several threads (Keras callbacks, loaders)

    def emit(event: dict) -> None:
        if not isinstance(event, dict):
            raise TypeError(f"a progress event must be a dict, got {type(event).__name__}")
        with lock:
            conn.send(("event", job_id, event))

    try:
        result = _import_task(task)(payload, emit)
    except RiskcoreError as exc:
        reply: tuple = ("failed", job_id, str(exc) or type(exc).__name__, "user")
    except (Exception, SystemExit) as exc:
        print(f"riskcore worker: job {job_id} ({task}) failed:", file=sys.stderr)
        traceback.print_exc()
        reply = ("failed", job_id, internal_error_message(exc), "bug")
    else:
        reply = ("done", job_id, result)
    with lock:
        try:
            conn.send(reply)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            error = RuntimeError(f"the job's result could not be sent back: {exc}")
            conn.send(("failed", job_id, internal_error_message(error), "bug"))


def _import_task(task: str) -> TaskFn:
    module, _, name = task.partition(":")
    return getattr(importlib.import_module(module), name)


def internal_error_message(exc: BaseException) -> str:
    """'internal error: <Type>: <message>' without any traceback text, one line, short."""
    text = str(exc)
    for marker in _TRACEBACK_MARKERS:
        text = text.split(marker, 1)[0]
    text = " ".join(text.split())
    if len(text) > MAX_ERROR_CHARS:
        text = text[: MAX_ERROR_CHARS - 1] + "…"
    name = type(exc).__name__
    return f"internal error: {name}: {text}" if text else f"internal error: {name}"


# ------------------------------------------------------------------------------- singleton

_manager: JobManager | None = None
_manager_lock = threading.Lock()


def get_manager() -> JobManager:
    """The process-wide manager the dashboard shares (created on first use, thread-safe),
    journalling its jobs under the store's home ($RISKCORE_HOME/jobs)."""
    from riskcore.store import default_home

    global _manager
    with _manager_lock:
        if _manager is None or _manager._stopping:
            _manager = JobManager(journal=default_home() / "jobs")
            atexit.register(_manager.shutdown)
        return _manager
