"""Automatic hyperparameter search (Optuna) over ranges the user sets; every trial is a run.

Each trial trains a normal run through riskcore.train.train_run, so it is stored like any other
run: it can be opened on the Results page, compared side by side, or scored later. The search
reads only each run's *validation* metric from metrics.json (ROC-AUC maximised for
classification, RMSE minimised for regression); the test split is never used to choose, so the
best run's test metrics stay an honest estimate.

The sampler is seeded (TPESampler(seed)), so the same space, config and data propose the same
trials. `timeout_s` stops the search from *starting* a new trial once it has passed; a trial
already training finishes. If the first trial fails (a data or range mistake that would fail
them all), the search stops at once with that trial's message; later failures are rows of the
table. Optuna is imported inside `tune`, so the dashboard can validate a
space without loading it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import Field, FiniteFloat

from riskcore.config import RunConfig, field_spec, parse_config
from riskcore.errors import RiskcoreError, TuningError
from riskcore.metrics import HEADLINE, LOWER_BETTER
from riskcore.parsing import Hints, Strict, parse_model
from riskcore.store import RunStore

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
    """One row per trial (trial, params..., value, run_id, state, error) and the best trial."""

    table: pd.DataFrame
    metric: str
    direction: str
    best_run_id: str
    best_value: float
    best_params: dict[str, Any]
    best_config: dict = field(default_factory=dict)


def _quiet(_: dict) -> None:
    pass


def _table(study: Any, names: list[str]) -> pd.DataFrame:
    rows = []
    for trial in study.trials:
        rows.append(
            {
                "trial": trial.number + 1,
                **{n: trial.params.get(n) for n in names},
                "value": trial.value if trial.value is not None else math.nan,
                "run_id": trial.user_attrs.get("run_id"),
                "state": trial.state.name.lower(),
                "error": trial.user_attrs.get("error"),
            }
        )
    return pd.DataFrame(rows, columns=["trial", *names, "value", "run_id", "state", "error"])


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
) -> TuningResult:
    """Search the space, training and storing one run per trial; returns the table and best."""
    import optuna

    from riskcore.train import train_run

    check_space(space, config)
    store = store or RunStore()
    metric, direction = objective_of(config.task)
    names = list(space.params)
    optuna.logging.set_verbosity(optuna.logging.ERROR)  # failures are in the table
    study = optuna.create_study(
        direction=direction, sampler=optuna.samplers.TPESampler(seed=space.seed)
    )

    def objective(trial: Any) -> float:
        emit({"type": "stage", "stage": "tuning", "done": trial.number, "total": space.trials})
        params = {n: _suggest(trial, n, space.params[n]) for n in names}
        try:
            trial_config = apply_params(config, params)
            run_id = train_run(
                trial_config, primary, macro, sentiment, store=store, sources=sources, owner=owner
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
        if trial.state.name == "FAIL" and not any(t.state.name == "COMPLETE" for t in study.trials):
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
            }
        )

    study.optimize(
        objective,
        n_trials=space.trials,
        timeout=space.timeout_s,
        catch=(RiskcoreError,),
        callbacks=[report],
    )
    return _result(study, names, metric, direction, store)


def _result(
    study: Any, names: list[str], metric: str, direction: str, store: RunStore
) -> TuningResult:
    """The trials table and the best trial's run; TuningError when no trial finished."""
    table = _table(study, names)
    done = table[table["state"] == "complete"]
    if done.empty:
        first = table["error"].dropna()
        why = first.iloc[0] if len(first) else "no trial ran within the time budget"
        raise TuningError(f"no tuning trial finished: {why}")
    best = study.best_trial
    best_run = best.user_attrs["run_id"]
    return TuningResult(
        table=table,
        metric=metric,
        direction=direction,
        best_run_id=best_run,
        best_value=float(best.value),
        best_params=dict(best.params),
        best_config=store.load(best_run).config.model_dump(mode="json"),
    )


def tuning_task(payload: dict, emit: Emit) -> TuningResult:
    """Worker-process entry (riskcore.jobs): search around a stored run, on the run's inputs.

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
