"""Every task a worker process runs, each with its typed payload: the one list of them.

The UI builds a job's payload through its task (`TRAINING.payload(config=..., primary=...)`),
and JobManager.submit checks every payload of a listed task again before it is queued, so a
payload with a missing field or a wrong type is a clear PayloadError in the parent process,
never a KeyError inside a worker. The worker receives the validated payload as a plain dict
(defaults filled in) and the task function reads it as before.

Light on purpose: the Streamlit server imports this module, so nothing here imports TensorFlow,
and the task functions are addressed by their "module:function" path, imported in the worker.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError

from riskcore.access import LOCAL, Principal
from riskcore.errors import RiskcoreError


class PayloadError(RiskcoreError, TypeError):
    """A job payload that does not match its task's payload model (raised in the parent)."""


def _frame(value: Any) -> Any:
    import pandas as pd

    if not isinstance(value, pd.DataFrame):
        raise ValueError(f"a pandas DataFrame is required, got {type(value).__name__}")
    return value


Frame = Annotated[Any, PlainValidator(_frame)]


class Payload(BaseModel):
    """Fields every job has: the store's home folder and the dashboard owner of its runs."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, frozen=True)

    home: str | None = None  # RISKCORE_HOME of the parent: the worker may see another env
    owner: str | None = None  # the signed-in user (None: single-user mode); jobs_panel adds it
    admin: bool = False  # whether that user is an admin (reads and changes every run)
    teams: list[str] = []  # that user's teams: runs shared with them are readable in the job


class TrainingPayload(Payload):
    config: str = Field(min_length=2)  # RunConfig JSON
    primary: Frame
    macro: Frame | None = None
    sentiment: Frame | None = None
    sources: list[dict[str, Any]] = []  # meta.json "files" records of the contributing files
    name: str | None = Field(None, max_length=200)  # the user's name for the run (checked again)


class ExplanationPayload(Payload):
    run_id: str
    how: Literal["latest", "riskiest", "random", "entity"] = "latest"  # riskcore.explain.HOW
    n: int = Field(300, ge=1)
    entity: str | None = None
    background: int = Field(100, ge=1)


class ScenarioPayload(Payload):
    run_id: str
    scenarios: list[dict[str, Any]] = Field(min_length=1)  # Scenario JSON objects
    which: Literal["test", "latest", "all"] = "test"
    threshold: float = Field(0.5, ge=0.0, le=1.0)


class AttributionPayload(Payload):
    run_id: str
    scenario: dict[str, Any]  # one Scenario JSON object
    entity: str | int  # the task compares it as a string
    which: Literal["test", "latest", "all"] = "test"


class TuningPayload(Payload):
    run_id: str
    space: str | dict[str, Any]  # SearchSpace JSON


class UploadedFile(BaseModel):
    """A file uploaded in the browser: its name and bytes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    data: bytes


class MonitorPayload(Payload):
    """Score one uploaded file with a run, as `watch` would (riskcore.watch.monitor_task)."""

    run_id: str
    name: str = Field(min_length=1)  # the primary upload's file name
    data: bytes  # its bytes
    macro: UploadedFile | None = None
    sentiment: UploadedFile | None = None
    threshold: float = Field(0.5, ge=0.0, le=1.0)
    psi_alert: float = Field(0.25, gt=0.0)


@dataclass(frozen=True)
class Task:
    """One worker task: a short name, the function's "module:function" path, its payload."""

    name: str
    path: str
    model: type[Payload]

    def payload(self, **fields: Any) -> dict:
        """The validated payload as the dict the worker receives (defaults filled in)."""
        return self.check(fields)

    def check(self, payload: Any) -> dict:
        """`payload` validated against this task's model; PayloadError naming each field."""
        if isinstance(payload, self.model):
            checked = payload
        else:
            try:
                checked = self.model.model_validate(payload)
            except ValidationError as exc:
                raise PayloadError(f"the {self.name} job's payload {_problems(exc)}") from None
        return {name: _plain(getattr(checked, name)) for name in type(checked).model_fields}


def _plain(value: Any) -> Any:
    """A nested payload model (an UploadedFile) as the dict the task reads."""
    return value.model_dump() if isinstance(value, BaseModel) else value


def _problems(exc: ValidationError) -> str:
    parts = []
    for e in exc.errors():
        field = ".".join(str(p) for p in e["loc"]) or "(payload)"
        if e["type"] == "missing":
            parts.append(f"lacks '{field}'")
        elif e["type"] == "extra_forbidden":
            parts.append(f"has an unknown field '{field}'")
        elif e["type"] == "value_error":
            parts.append(f"has a bad '{field}' ({e['msg'].removeprefix('Value error, ')})")
        else:
            msg, got = e["msg"], type(e.get("input")).__name__
            parts.append(f"has a bad '{field}' ({msg[:1].lower()}{msg[1:]}; got {got})")
    return "; ".join(parts)


TRAINING = Task("training", "riskcore.train:training_task", TrainingPayload)
EXPLANATION = Task("explanation", "riskcore.explain:explanation_task", ExplanationPayload)
SCENARIO = Task("scenario", "riskcore.scenarios.jobs:scenario_task", ScenarioPayload)
ATTRIBUTION = Task("attribution", "riskcore.scenarios.jobs:attribution_task", AttributionPayload)
TUNING = Task("tuning", "riskcore.tuning:tuning_task", TuningPayload)
MONITOR = Task("monitor", "riskcore.watch:monitor_task", MonitorPayload)

TASKS: dict[str, Task] = {
    t.name: t for t in (TRAINING, EXPLANATION, SCENARIO, ATTRIBUTION, TUNING, MONITOR)
}
BY_PATH: dict[str, Task] = {t.path: t for t in TASKS.values()}


def principal_of(payload: Mapping[str, Any] | Payload) -> Principal:
    """Whose job this is, for the run store the worker opens: the payload's owner (with its
    admin flag and teams), or LOCAL when there is none (single-user mode, the CLI)."""
    get = payload.get if isinstance(payload, Mapping) else lambda k: getattr(payload, k, None)
    owner = get("owner")
    if not owner:
        return LOCAL
    teams = get("teams") or []
    return Principal(
        user=str(owner), teams=frozenset(str(t) for t in teams), admin=bool(get("admin"))
    )


def task_path(task: str | Task) -> str:
    return task.path if isinstance(task, Task) else task


def check_payload(task: str | Task, payload: Any) -> dict:
    """A listed task's payload validated (PayloadError when it does not match); the payload
    of a task that is not listed (a test's own task) is passed through unchanged."""
    known = task if isinstance(task, Task) else BY_PATH.get(task)
    return known.check(payload) if known is not None else payload
