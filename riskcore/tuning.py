"""Automatic hyperparameter search (Optuna) over ranges the user sets; every trial is a run.

Each trial trains a normal run through riskcore.train.train_run, so it is stored like any other
run: it can be opened on the Results page, compared side by side, or scored later. The search
reads only each run's *validation* metric from metrics.json (ROC-AUC maximised for
classification, RMSE minimised for regression); the test split is never used to choose, so the
best run's test metrics stay an honest estimate.

A search is an Optuna study kept in a storage, so that several processes, here or on other
machines, can run the trials of one search: by default one SQLite file per study in the run
store's home ($RISKCORE_HOME/studies/<study>.db), or any database URL (`storage`); processes
given the same study name and storage join one search. `workers` > 1 starts that many `spawn`
processes here (TensorFlow trains one model at a time per process), each with cores // workers
threads (TensorFlow, OpenMP, BLAS) so that they do not oversubscribe the cores. The budget is
the study's: `trials` counts every trial of the study whoever ran it (a trial numbered past it
is dropped before it trains), and `timeout_s` stops new trials from *starting* once it has
passed since this call began, its workers included (a trial already training finishes). A
study remembers its metric, base config, searched ranges and data, and refuses a process that
brings others. A process killed mid-trial leaves that trial "running": it counts to the budget.

Determinism: trial k samples from TPE seeded by (seed, k), so one process repeats its search for
a seed, and processes sharing a study never draw the same random start. With several processes
TPE's proposals also depend on which trials have finished when a trial starts, i.e. on timing,
so a parallel search is not repeatable. If the first trial fails (a data or range mistake that
would fail them all), the search stops at once with that trial's message; later failures are
rows of the table. Optuna is imported inside the functions that search, so the dashboard can
validate a space without loading it.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, FiniteFloat

from riskcore.config import RunConfig, field_spec, parse_config
from riskcore.errors import RiskcoreError, TuningError
from riskcore.metrics import HEADLINE, LOWER_BETTER
from riskcore.parsing import Hints, Strict, parse_model
from riskcore.store import RunStore, new_run_id

Emit = Callable[[dict], None]


@dataclass(frozen=True)
class Tunable:
    """A hyperparameter the search may change: where it lives in the config and its hard limits
    (`start`: the range the Tune tab offers first, as (low, high, log))."""

    path: str
    kind: Literal["int", "float", "choice"]
    low: float = 0.0
    high: float = 0.0
    choices: tuple[str, ...] = ()
    help: str = ""
    start: tuple[float, float, bool] | None = None

    @classmethod
    def of(cls, path: str, help: str = "") -> Tunable:
        """The hyperparameter at `path`, with the limits, choices and starting range its
        RunConfig field declares (riskcore.config.field_spec); none are restated here."""
        spec = field_spec(path)
        if spec.kind == "choice":
            return cls(path, "choice", choices=tuple(spec.choices), help=help)
        cast = int if spec.integer else float
        low, high = spec.search_limits
        kind = "int" if spec.integer else "float"
        return cls(path, kind, cast(low), cast(high), help=help, start=spec.search_start)


TUNABLE: dict[str, Tunable] = {
    "window": Tunable.of("window", help="steps of history per prediction"),
    "units": Tunable.of(
        "model.units", help="first recurrent layer; later layers keep their ratio to it"
    ),
    "dense_units": Tunable.of("model.dense_units"),
    "tower_units": Tunable.of("model.tower_units"),
    "dropout": Tunable.of("model.dropout"),
    "l1": Tunable.of("model.l1"),
    "l2": Tunable.of("model.l2"),
    "learning_rate": Tunable.of("training.learning_rate"),
    "batch_size": Tunable.of("training.batch_size"),
    "epochs": Tunable.of("training.epochs"),
    "cell": Tunable.of("model.cell"),
}
SEQUENCE_ONLY = ("window", "units", "cell")  # meaningless without a sequence tower

DEFAULT_SPACE: dict = {
    "params": {
        "units": {"low": 8, "high": 64, "log": True},
        "dropout": {"low": 0.0, "high": 0.5},
        "learning_rate": {"low": 1e-4, "high": 1e-2, "log": True},
    },
    "trials": 20,
}


class Range(Strict):
    """low..high (optionally log-scaled or stepped) for a number, or a list of choices."""

    low: FiniteFloat | None = None
    high: FiniteFloat | None = None
    log: bool = False
    step: FiniteFloat | None = Field(default=None, gt=0)
    choices: list[str] | None = Field(default=None, min_length=1)


class SearchSpace(Strict):
    """What to search, how many trials, within how long, from which seed."""

    params: dict[str, Range] = Field(min_length=1)
    trials: int = Field(default=20, ge=1, le=1000)
    timeout_s: FiniteFloat | None = Field(default=None, gt=0)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json", exclude_none=True))


def _fmt(value: float) -> str:
    return f"{value:g}"


def _check_numeric(name: str, spec: Tunable, rng: Range) -> None:
    label = f"search space: '{name}'"
    if rng.choices is not None:
        raise TuningError(f"{label} is a number; give low and high instead of choices")
    if rng.low is None or rng.high is None:
        raise TuningError(f"{label} needs both low and high (e.g. {{'low': 8, 'high': 64}})")
    if rng.low > rng.high:
        raise TuningError(f"{label}: low {_fmt(rng.low)} is above high {_fmt(rng.high)}; swap them")
    if rng.low < spec.low or rng.high > spec.high:
        raise TuningError(
            f"{label}: the range {_fmt(rng.low)}..{_fmt(rng.high)} leaves the allowed "
            f"{_fmt(spec.low)}..{_fmt(spec.high)}; narrow it"
        )
    if rng.log and rng.low <= 0:
        raise TuningError(
            f"{label}: a log scale needs low above 0 (got {_fmt(rng.low)}); raise low or turn "
            "log off"
        )
    if rng.log and rng.step is not None:
        raise TuningError(f"{label}: a log scale and a step cannot be combined; drop one")
    if spec.kind == "int":
        for key in ("low", "high", "step"):
            value = getattr(rng, key)
            if value is not None and value != int(value):
                raise TuningError(
                    f"{label}: {key} {_fmt(value)} must be a whole number (it is a count)"
                )


def _check_choice(name: str, spec: Tunable, rng: Range) -> None:
    label = f"search space: '{name}'"
    if not rng.choices:
        raise TuningError(f"{label} takes a list of choices, e.g. {list(spec.choices)}")
    bad = [c for c in rng.choices if c not in spec.choices]
    if bad:
        raise TuningError(f"{label}: unknown choice {bad[0]!r}; use {', '.join(spec.choices)}")


def check_space(space: SearchSpace, config: RunConfig | None = None) -> None:
    """Reject names and ranges that cannot be searched (for this config, when given)."""
    for name, rng in space.params.items():
        spec = TUNABLE.get(name)
        if spec is None:
            raise TuningError(
                f"search space: unknown hyperparameter '{name}'; tune any of {', '.join(TUNABLE)}"
            )
        (_check_choice if spec.kind == "choice" else _check_numeric)(name, spec, rng)
        if config is not None and config.cross_sectional and name in SEQUENCE_ONLY:
            raise TuningError(
                f"search space: '{name}' needs a sequence tower, and this config is "
                "cross-sectional (no time column); remove it from the search"
            )


SPACE_HINTS = Hints(
    shape="a JSON object with 'params'",
    fix="fix it",
    unknown_key="a range has low, high, log, step or choices",
)


def parse_space(data: dict | str | bytes, source: str = "") -> SearchSpace:
    """A validated SearchSpace from a dict or JSON text; TuningError naming the field otherwise."""
    space = parse_model(SearchSpace, data, "search space", TuningError, source, SPACE_HINTS)
    check_space(space)
    return space


def load_space(path: str | Path) -> SearchSpace:
    """Read a search-space JSON file (the CLI's --space)."""
    p = Path(path)
    if not p.is_file():
        raise TuningError(f"search space file '{path}' not found; pass the path of a JSON file")
    return parse_space(p.read_bytes(), str(path))


# ---- one trial's config -----------------------------------------------------------------------
def apply_params(config: RunConfig, params: dict[str, Any]) -> RunConfig:
    """The config with the trial's values put in place (validated again as a whole)."""
    raw = config.model_dump(mode="json")
    for name, value in params.items():
        *parents, leaf = TUNABLE[name].path.split(".")
        target = raw
        for key in parents:
            target = target[key]
        if name == "units":
            first = target["units"][0]
            value = [max(1, round(u * value / first)) for u in target["units"]]
        target[leaf] = value
    return parse_config(raw, "of a tuning trial")


CHEAPER_LOW = ("batch_size",)  # a smaller batch means more steps; every other count costs more high


def costliest_config(config: RunConfig, space: SearchSpace) -> RunConfig:
    """The trial config the space allows that takes longest to train (riskcore.cost bounds a
    search by it): every count at its high end, the batch size at its low, LSTM over GRU."""
    params: dict[str, Any] = {}
    for name, rng in space.params.items():
        spec = TUNABLE[name]
        if spec.kind == "choice":
            if "lstm" in (rng.choices or ()):  # four gates to the GRU's three
                params[name] = "lstm"
        elif rng.low is not None and rng.high is not None:
            value = rng.low if name in CHEAPER_LOW else rng.high
            params[name] = int(value) if spec.kind == "int" else value
    if config.cross_sectional:
        params = {n: v for n, v in params.items() if n not in SEQUENCE_ONLY}
    return apply_params(config, params)


def _suggest(trial: Any, name: str, rng: Range) -> Any:
    spec = TUNABLE[name]
    if spec.kind == "choice":
        return trial.suggest_categorical(name, rng.choices)
    if spec.kind == "int":
        step = int(rng.step or 1)
        return trial.suggest_int(name, int(rng.low), int(rng.high), step=step, log=rng.log)
    return trial.suggest_float(name, rng.low, rng.high, step=rng.step, log=rng.log)


def objective_of(task: str) -> tuple[str, str]:
    """The validation metric the search optimises, and its direction."""
    metric = HEADLINE[task]
    return metric, "minimize" if metric in LOWER_BETTER else "maximize"


@dataclass
class TuningResult:
    """One row per trial of the study (trial, params..., value, run_id, state, error), whoever
    ran it, and the best trial; `ran`: how many of them this call ran."""

    table: pd.DataFrame
    metric: str
    direction: str
    best_run_id: str
    best_value: float
    best_params: dict[str, Any]
    best_config: dict = field(default_factory=dict)
    study: str = ""
    storage: str = ""  # the storage URL, password masked
    ran: int = 0


def _quiet(_: dict) -> None:
    pass


# ---- the study and its storage -----------------------------------------------------------------
STUDIES = "studies"  # <home>/studies/<study>.db: the default storage, one SQLite file per study
STUDY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
SURPLUS = "surplus"  # a trial asked past the budget by a process that raced another: never run
SQLITE_WAIT_S = 60  # a SQLite writer waits this long for another process's lock
WORKER_GRACE_S = 5.0  # a worker still running when the search ends early: time to stop itself
DB_URL_EXAMPLE = "sqlite:///path/studies.db or postgresql://user:password@host/db"


def new_study_name() -> str:
    """A fresh study name (time + random hex, like a run id)."""
    return f"tune-{new_run_id()}"


def check_study_name(name: str) -> str:
    """The name when it can be a file name and a database key; TuningError otherwise."""
    if not STUDY_NAME.match(name):
        raise TuningError(
            f"study name {name!r} is not allowed; use letters, digits, '.', '_' and '-' "
            "(at most 100, starting with a letter or digit)"
        )
    return name


def study_storage(store: RunStore, study: str, storage: str | None = None) -> str:
    """The storage URL: `storage` as given, else the study's own SQLite file beside the runs
    (a file per study: two searches never write one file, so one whose RISKCORE_HOME is on a
    network volume corrupts nothing but itself)."""
    if storage is not None:
        if not storage.strip():
            raise TuningError(
                f"the study storage URL is empty; give one such as {DB_URL_EXAMPLE}, or leave "
                "it out for the default SQLite file"
            )
        return storage
    folder = store.root.parent / STUDIES
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TuningError(
            f"cannot create the studies folder '{folder}' ({exc.strerror or exc}); set "
            "RISKCORE_HOME to a writable folder, or give a database URL as the storage"
        ) from None
    return f"sqlite:///{(folder / f'{study}.db').absolute()}"


def shown_url(url: str) -> str:
    """The URL with its password masked, for messages and the result."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


@contextlib.contextmanager
def _storage_errors(url: str) -> Iterator[None]:
    """A storage that cannot be opened or written as a TuningError saying what to change."""
    import sqlalchemy.exc

    where = f"the study storage '{shown_url(url)}'"
    try:
        yield
    except ImportError:
        scheme = url.split(":", 1)[0]
        raise TuningError(
            f"{where} needs a database driver for '{scheme}' that is not installed (e.g. pip "
            "install psycopg2-binary for postgresql, pymysql for mysql)"
        ) from None
    except sqlalchemy.exc.ArgumentError:  # unparseable, or a scheme SQLAlchemy has no dialect for
        raise TuningError(
            f"{where} is not a database URL; give one such as {DB_URL_EXAMPLE}"
        ) from None
    except sqlalchemy.exc.SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        raise TuningError(
            f"cannot open {where} ({reason}); check that its folder exists and is writable, or "
            "that the database server is reachable and the user may create tables"
        ) from None


def _signature(
    config: RunConfig, space: SearchSpace, metric: str, sources: list[dict] | None
) -> dict[str, str]:
    """What makes trials one search: a process joining a study must bring the same of each."""
    return {
        "metric": metric,
        "config": json.dumps(config.model_dump(mode="json"), sort_keys=True),
        "space": json.dumps(
            space.model_dump(mode="json", include={"params"}, exclude_none=True), sort_keys=True
        ),
        "data": json.dumps(sorted(f"{s.get('role')}:{s.get('sha256')}" for s in sources or ())),
    }


MISMATCH = {
    "metric": "optimises another metric (validation {old}, this config's task optimises {new})",
    "config": "was started from another config",
    "space": "searches other ranges ({old})",
    "data": "was run on other data files",
}


def _sampler(seed: int) -> Any:
    """TPE reseeded per trial: trial k samples from a TPESampler seeded by (seed, k). One TPE
    seeded alike in every process would propose the same random first trials in all of them."""
    from optuna.samplers import BaseSampler, TPESampler

    class PerTrialTPE(BaseSampler):
        def __init__(self) -> None:
            self._tpe: dict[int, TPESampler] = {}

        def _of(self, trial: Any) -> TPESampler:
            if trial.number not in self._tpe:
                state = np.random.SeedSequence((seed, trial.number)).generate_state(1)[0]
                self._tpe[trial.number] = TPESampler(seed=int(state))
            return self._tpe[trial.number]

        def infer_relative_search_space(self, study: Any, trial: Any) -> dict:
            return self._of(trial).infer_relative_search_space(study, trial)

        def sample_relative(self, study: Any, trial: Any, search_space: dict) -> dict:
            return self._of(trial).sample_relative(study, trial, search_space)

        def sample_independent(self, study: Any, trial: Any, name: str, dist: Any) -> Any:
            return self._of(trial).sample_independent(study, trial, name, dist)

        def before_trial(self, study: Any, trial: Any) -> None:
            self._of(trial).before_trial(study, trial)

        def after_trial(self, study: Any, trial: Any, state: Any, values: Any) -> None:
            self._of(trial).after_trial(study, trial, state, values)
            del self._tpe[trial.number]

    return PerTrialTPE()


def _open_study(url: str, name: str, direction: str, signature: dict[str, str], seed: int) -> Any:
    """The study `name` in the storage, created when new; TuningError when the storage cannot
    be opened or the study belongs to another search."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)  # failures are in the table
    with _storage_errors(url):
        storage = optuna.storages.RDBStorage(
            url,
            engine_kwargs={"connect_args": {"timeout": SQLITE_WAIT_S}}
            if url.startswith("sqlite")
            else None,
        )
        study = optuna.create_study(
            storage=storage,
            study_name=name,
            direction=direction,
            sampler=_sampler(seed),
            load_if_exists=True,
        )
        label = f"study '{name}' in '{shown_url(url)}'"
        if study.direction.name.lower() != direction:
            raise TuningError(
                f"{label} is {study.direction.name.lower()}d, this search is {direction}d; give "
                "another study name"
            )
        known = study.user_attrs
        for key, value in signature.items():
            if key not in known:
                study.set_user_attr(key, value)
            elif known[key] != value:
                why = MISMATCH[key].format(old=known[key], new=value)
                raise TuningError(
                    f"{label} {why}; join it with the same config, ranges and files, or give "
                    "another study name"
                )
    return study


# ---- running trials ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Search:
    """What a process needs to run trials of a study (pickled to spawned workers)."""

    config: RunConfig
    frames: tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame | None]
    space: SearchSpace
    store: RunStore
    sources: list[dict] | None
    owner: str | None
    url: str
    study: str
    signature: dict[str, str]
    deadline: float | None  # time.time() after which no trial starts
    worker: int = 1
    threads: int | None = None  # a spawned worker's TensorFlow, OpenMP and BLAS threads


def _run_trials(search: _Search, emit: Emit, study: Any = None) -> None:
    """Run trials of the study (opened here unless given) until its budget is spent or the
    deadline passes."""
    from optuna.study import MaxTrialsCallback
    from optuna.trial import TrialState

    space, config, store = search.space, search.config, search.store
    metric, direction = objective_of(config.task)
    names = list(space.params)
    if study is None:
        study = _open_study(search.url, search.study, direction, search.signature, space.seed)
    who = f"{socket.gethostname()}:{os.getpid()}"

    def objective(trial: Any) -> float:
        from riskcore.train import train_run  # TensorFlow: loaded by the first trial

        if trial.number >= space.trials:  # another process took the last trial meanwhile
            trial.set_user_attr(SURPLUS, True)
            study.stop()
            raise TuningError("over the study's trial budget")  # never trained, not in the table
        trial.set_user_attr("worker", who)
        emit({"type": "stage", "stage": "tuning", "done": trial.number, "total": space.trials})
        params = {n: _suggest(trial, n, space.params[n]) for n in names}
        try:
            trial_config = apply_params(config, params)
            run_id = train_run(
                trial_config,
                *search.frames,
                store=store,
                sources=search.sources,
                owner=search.owner,
            )
            trial.set_user_attr("run_id", run_id)
            value = store.load(run_id).metrics.scores("model", "validation")
            value = value.get(metric, math.nan)
            if value is None or not math.isfinite(value):
                raise TuningError(
                    f"trial {trial.number + 1}: validation {metric} is undefined (the validation "
                    "split may hold one class only); enlarge split.validation"
                )
        except RiskcoreError as exc:
            trial.set_user_attr("error", str(exc))
            raise
        return float(value)

    def report(study: Any, trial: Any) -> None:
        if trial.user_attrs.get(SURPLUS):
            return
        if trial.state == TrialState.FAIL and not study.get_trials(
            deepcopy=False, states=(TrialState.COMPLETE,)
        ):
            study.stop()  # the same data or range mistake would fail every trial: say it now
        emit(
            {
                "type": "trial",
                "trial": trial.number + 1,
                "trials": space.trials,
                "params": dict(trial.params),
                "value": trial.value,
                "run_id": trial.user_attrs.get("run_id"),
                "error": trial.user_attrs.get("error"),
                "worker": search.worker,
            }
        )

    left = None if search.deadline is None else search.deadline - time.time()
    if (left is not None and left <= 0) or len(study.get_trials(deepcopy=False)) >= space.trials:
        return
    study.optimize(
        objective,
        n_trials=space.trials,
        timeout=left,
        catch=(RiskcoreError,),
        callbacks=[MaxTrialsCallback(space.trials, states=None), report],
    )


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _worker_main(search: _Search, conn: Any) -> None:
    """A spawned worker: cap its threads (TensorFlow's before it starts), run trials, send
    events."""
    try:
        if search.threads is not None:
            import tensorflow as tf
            from threadpoolctl import threadpool_limits

            tf.config.threading.set_intra_op_parallelism_threads(search.threads)
            tf.config.threading.set_inter_op_parallelism_threads(search.threads)
            threadpool_limits(search.threads)  # OpenMP (the GBM baseline) and BLAS
        _run_trials(search, lambda event: conn.send(("event", event)))
    except RiskcoreError as exc:
        conn.send(("error", str(exc)))
    except KeyboardInterrupt:  # Ctrl-C reaches every process of the group; the parent says it
        pass
    finally:
        conn.close()


def _run_workers(search: _Search, workers: int, emit: Emit) -> None:
    """`workers` spawned processes running trials of the study, their events passed to `emit`.

    A pipe per worker, as in riskcore.jobs: a worker killed mid-write breaks only its own pipe,
    and its end of file says that it stopped."""
    import multiprocessing
    from multiprocessing.connection import wait

    ctx = multiprocessing.get_context("spawn")  # never fork: TensorFlow runs threads
    threads = max(1, _cores() // workers)
    running: dict[Any, tuple[int, Any]] = {}
    failures: list[str] = []
    try:
        for worker in range(1, workers + 1):
            reader, writer = ctx.Pipe(duplex=False)
            proc = ctx.Process(
                target=_worker_main,
                args=(replace(search, worker=worker, threads=threads), writer),
                name=f"riskcore-tune-{worker}",
                daemon=True,
            )
            proc.start()
            writer.close()  # the worker holds the only write end: its exit is EOF here
            running[reader] = (worker, proc)
        while running:
            for reader in wait(list(running)):
                try:
                    kind, body = reader.recv()
                except EOFError:
                    worker, proc = running.pop(reader)
                    proc.join()
                    if proc.exitcode:
                        failures.append(
                            f"tuning worker {worker} stopped (exit code {proc.exitcode})"
                        )
                    continue
                if kind == "event":
                    emit(body)
                elif body not in failures:
                    failures.append(body)
    finally:  # after Ctrl-C (it reaches the workers too) a worker marks its trial failed
        for _, proc in running.values():
            proc.join(timeout=WORKER_GRACE_S)
            proc.terminate()
            proc.join()
    if failures:
        raise TuningError(
            f"{'; '.join(failures)}; the trials that finished are kept in study "
            f"'{search.study}': run the search again with that study name to go on"
        )


def tune(
    config: RunConfig,
    primary: pd.DataFrame,
    macro: pd.DataFrame | None = None,
    sentiment: pd.DataFrame | None = None,
    *,
    space: SearchSpace,
    store: RunStore | None = None,
    sources: list[dict] | None = None,
    emit: Emit = _quiet,
    owner: str | None = None,
    study: str | None = None,
    storage: str | None = None,
    workers: int = 1,
) -> TuningResult:
    """Search the space, training and storing one run per trial; returns the study's table and
    best. `study`: join (or start) this study (default: a new name); `storage`: its database URL
    (default: a SQLite file per study in the store's home); `workers`: processes here."""
    check_space(space, config)
    if workers < 1:
        raise TuningError(f"workers must be at least 1 (got {workers})")
    store = store or RunStore()
    name = check_study_name(study) if study is not None else new_study_name()
    url = study_storage(store, name, storage)
    metric, direction = objective_of(config.task)
    signature = _signature(config, space, metric, sources)
    handle = _open_study(url, name, direction, signature, space.seed)  # fails before any worker
    deadline = None if space.timeout_s is None else time.time() + space.timeout_s
    search = _Search(
        config,
        (primary, macro, sentiment),
        space,
        store,
        sources,
        owner,
        url,
        name,
        signature,
        deadline,
    )
    ran = 0

    def count(event: dict) -> None:
        nonlocal ran
        ran += event["type"] == "trial"
        emit(event)

    if workers == 1:
        _run_trials(search, count, handle)  # in this process, as the dashboard's job worker runs it
    elif (spent := len(handle.get_trials(deepcopy=False))) < space.trials:
        _run_workers(search, min(workers, space.trials - spent), count)
    return _result(handle, search, ran)


def _table(trials: list, names: list[str]) -> pd.DataFrame:
    rows = [
        {
            "trial": trial.number + 1,
            **{n: trial.params.get(n) for n in names},
            "value": trial.value if trial.value is not None else math.nan,
            "run_id": trial.user_attrs.get("run_id"),
            "state": trial.state.name.lower(),
            "error": trial.user_attrs.get("error"),
        }
        for trial in trials
    ]
    return pd.DataFrame(rows, columns=["trial", *names, "value", "run_id", "state", "error"])


def _result(study: Any, search: _Search, ran: int) -> TuningResult:
    """Every trial of the study and the best one; TuningError when none finished."""
    metric, direction = objective_of(search.config.task)
    trials = [t for t in study.get_trials(deepcopy=False) if not t.user_attrs.get(SURPLUS)]
    table = _table(trials, list(search.space.params))
    done = table[table["state"] == "complete"]
    if done.empty:
        first = table["error"].dropna()
        why = first.iloc[0] if len(first) else "no trial ran within the time budget"
        raise TuningError(f"no tuning trial finished: {why}")
    best = study.best_trial
    return TuningResult(
        table=table,
        metric=metric,
        direction=direction,
        best_run_id=best.user_attrs["run_id"],
        best_value=float(best.value),
        best_params=dict(best.params),
        # the trial's config as it was trained (its run may be in another machine's store)
        best_config=apply_params(search.config, best.params).model_dump(mode="json"),
        study=search.study,
        storage=shown_url(search.url),
        ran=ran,
    )


def tuning_task(payload: dict, emit: Emit) -> TuningResult:
    """Worker-process entry (riskcore.jobs): search around a stored run, on the run's inputs,
    in this process (a job worker is a daemon: it may not start tuning workers of its own).

    payload: home, run_id (its config is the starting point and its saved inputs the data),
    space (SearchSpace JSON).
    """
    store = RunStore.for_job(payload)
    run = store.load(payload["run_id"])
    frames = run.inputs()
    return tune(
        run.config,
        frames["primary"],
        frames["macro"],
        frames["sentiment"],
        space=parse_space(payload["space"]),
        store=store,
        sources=run.meta.files,
        emit=emit,
        owner=payload.get("owner"),
    )
