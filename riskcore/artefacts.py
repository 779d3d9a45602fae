"""Typed views of a run's JSON artefacts (metrics.json, meta.json) and of job progress events.

The format on disk does not change: the store validates each file once against a lenient schema
(every key optional, unknown keys kept, so older and newer runs load) and hands out views that
are still the JSON objects (dicts: `json.dumps`, `==`, `.get` and `[...]` keep working for code
and charts that take dicts) with typed attributes on top:

    run.metrics.task, run.metrics.test["model"].value("roc_auc"), run.metrics.models("test"),
    run.metrics.paired, run.metrics.warnings[0].kind, run.meta.files[0].sha256

A file that does not fit the schema raises ArtefactError naming the key (the store turns it
into a RunStoreError naming the run). Progress events travel as dicts over the job pipe; the
ProgressEvent models (a union discriminated by "type") read them in one place.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from riskcore.errors import RiskcoreError

# The run's models, deep model first then its comparators: the one order of every table, card,
# chart legend and the verdict's comparators.
DISPLAY_ORDER = ("model", "historical", "garch", "fhs", "logistic", "gbm", "benchmark")

Number = float | int | None  # NaN and None both mean "not defined" (one-class split, ...)


class ArtefactError(RiskcoreError):
    """A run artefact (metrics.json, meta.json) does not have the shape its code writes."""


def _where(error: ValidationError) -> str:
    first = error.errors()[0]
    key = ".".join(str(p) for p in first["loc"]) or "(top level)"
    return f"'{key}': {first['msg'].lower()} (got {first.get('input')!r:.60})"


# ---- the schemas: what the files hold (validation only; lenient by design) -----------------
class _Lenient(BaseModel):
    model_config = ConfigDict(extra="allow")


class _Scores(_Lenient):
    feature: str | None = None
    input: str | None = None
    stat: str | None = None
    sign: float | None = None
    validation_score: Number = None


class _Warning(_Lenient):
    kind: str = ""


class _MetricsSchema(_Lenient):
    task: str = "classification"
    rows: dict[str, int] = {}
    test: dict[str, _Scores] = {}
    validation: dict[str, _Scores] = {}
    paired: dict[str, _Scores] = {}
    intervals: dict[str, Any] = {}
    calibration: dict[str, Any] | None = None
    warnings: list[_Warning] = []
    walk_forward: dict[str, Any] | None = None


class _File(_Lenient):
    role: str | None = None
    name: str = ""
    bytes: int | None = None
    sha256: str | None = None
    rows: int | None = None


class _MetaSchema(_Lenient):
    created: str = ""
    device: str = ""
    mixed_precision: bool = False
    files: list[_File] = []
    owner: str | None = None
    target: str | None = None
    summary: dict[str, Any] = {}
    parameters: int | None = None
    epochs_run: int | None = None
    timings: dict[str, float] = {}
    versions: dict[str, str | None] = {}
    distribute: dict[str, Any] = {}


# ---- the views: the JSON objects themselves, with typed attributes ---------------------------
class _Key:
    """An attribute reading one key of the JSON object; `default` when absent or null."""

    def __init__(self, default: Any = None) -> None:
        self.default = default

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.get(self.name)
        if value is None:
            return self.default() if callable(self.default) else self.default
        return value


class _View(dict):
    """A JSON object of an artefact. Nested objects are wrapped in their own views."""

    _schema: ClassVar[type[BaseModel] | None] = None
    _nested: ClassVar[dict[str, Any]] = {}  # key -> how to wrap its value

    def __init__(self, data: Mapping[str, Any] | None = None, /) -> None:
        super().__init__(data or {})
        for key, wrap in self._nested.items():
            if self.get(key) is not None:
                self[key] = wrap(self[key])

    @classmethod
    def load(cls, data: Any, what: str = "the file"):
        """Validate once (ArtefactError naming the key) and wrap."""
        if data is None:
            data = {}
        if cls._schema is not None:
            try:
                cls._schema.model_validate(data)
            except ValidationError as exc:
                raise ArtefactError(f"{what}: {_where(exc)}") from None
        return cls(data)

    @classmethod
    def of(cls, data: Mapping[str, Any] | None):
        """The view of a dict written by today's code (no validation; views pass through)."""
        return data if isinstance(data, cls) else cls(data)

    def to_dict(self) -> dict:
        """Plain JSON again, exactly as on disk."""
        return _plain(self)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _each(view: type[_View]):
    return lambda d: {k: view(v) for k, v in d.items()}


def _all(view: type[_View]):
    return lambda items: [view(v) for v in items]


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class ModelScores(_View):
    """One model's metrics on one split: {metric: value, metric_ci: [lo, hi], ...}; the
    benchmark's entry also names its input (feature, input, stat, sign, validation_score)."""

    _schema = _Scores
    feature = _Key()
    input = _Key()
    stat = _Key()
    sign = _Key(1.0)
    validation_score = _Key()

    def value(self, metric: str) -> float:
        """The metric as a float; NaN when missing or not defined."""
        v = self.get(metric)
        return float(v) if _finite(v) else math.nan

    def ci(self, metric: str) -> tuple[float, float]:
        """The metric's 95% interval; (NaN, NaN) when there is none."""
        lo_hi = self.get(f"{metric}_ci")
        if isinstance(lo_hi, list | tuple) and len(lo_hi) == 2:
            return tuple(float(x) if _finite(x) else math.nan for x in lo_hi)
        return (math.nan, math.nan)

    def has(self, metric: str) -> bool:
        return _finite(self.get(metric))


class RunWarning(_View):
    """One entry of metrics.json `warnings`: its kind and the numbers it names."""

    _schema = _Warning
    kind = _Key("")


class RunMetrics(_View):
    """metrics.json."""

    _schema = _MetricsSchema
    _nested: ClassVar[dict[str, Any]] = {
        "test": _each(ModelScores),
        "validation": _each(ModelScores),
        "paired": _each(ModelScores),
        "warnings": _all(RunWarning),
    }
    task = _Key("classification")
    rows = _Key(dict)
    test = _Key(dict)
    validation = _Key(dict)
    paired = _Key(dict)
    intervals = _Key(dict)
    calibration = _Key()
    warnings = _Key(list)
    walk_forward = _Key()
    recommended = _Key()  # riskcore.recommend: the model to use, chosen on validation

    @property
    def classification(self) -> bool:
        return self.task == "classification"

    def models(self, split: str = "test") -> list[str]:
        """The models scored on a split, in display order (deep model, then comparators)."""
        scores = self.get(split) or {}
        known = [m for m in DISPLAY_ORDER if scores.get(m)]
        return known + [m for m in scores if m not in DISPLAY_ORDER and scores[m]]

    def scores(self, model: str = "model", split: str = "test") -> ModelScores:
        """One model's entry on a split; empty when that model was not scored."""
        return ModelScores.of((self.get(split) or {}).get(model) or {})


class SourceFile(_View):
    """One input file of meta.json: role, name, bytes, sha256, rows."""

    _schema = _File
    role = _Key()
    name = _Key("")
    bytes = _Key()
    sha256 = _Key()
    rows = _Key()


class RunMeta(_View):
    """meta.json."""

    _schema = _MetaSchema
    _nested: ClassVar[dict[str, Any]] = {"files": _all(SourceFile)}
    created = _Key("")
    device = _Key("")
    mixed_precision = _Key(False)
    files = _Key(list)
    owner = _Key()
    target = _Key()
    summary = _Key(dict)
    parameters = _Key()
    epochs_run = _Key()
    timings = _Key(dict)
    versions = _Key(dict)
    distribute = _Key(dict)

    @property
    def file_names(self) -> str:
        return ", ".join(f.name for f in self.files)


# ---- progress events ------------------------------------------------------------------------
class _Event(_Lenient):
    def to_dict(self) -> dict:
        return self.model_dump(mode="python", exclude_unset=True) | {"type": self.type}


class StageEvent(_Event):
    """A stage began; `done`/`total` when the stage counts its steps."""

    type: Literal["stage"] = "stage"
    stage: str
    done: int | None = None
    total: int | None = None


class EpochEvent(_Event):
    type: Literal["epoch"] = "epoch"
    epoch: int
    epochs: int
    member: int | None = None  # network i of `members` in a seed ensemble
    members: int | None = None
    logs: dict[str, float] = {}
    elapsed_s: float = 0.0
    eta_s: float = 0.0


class BatchEvent(_Event):
    type: Literal["batch"] = "batch"
    epoch: int
    batch: int
    batches: int


class TrialEvent(_Event):
    """A tuning trial finished (with its run, or with the error that stopped it)."""

    type: Literal["trial"] = "trial"
    trial: int
    trials: int
    params: dict[str, Any] = {}
    value: float | None = None
    run_id: str | None = None
    error: str | None = None


class DoneEvent(_Event):
    type: Literal["done"] = "done"
    run_id: str = ""


AnyEvent = StageEvent | EpochEvent | BatchEvent | TrialEvent | DoneEvent
ProgressEvent = Annotated[AnyEvent, Field(discriminator="type")]
_EVENT = TypeAdapter(ProgressEvent)


def parse_event(event: Mapping[str, Any]) -> AnyEvent:
    """A progress event dict as its model; ArtefactError when it does not fit."""
    try:
        return _EVENT.validate_python(dict(event))
    except ValidationError as exc:
        raise ArtefactError(f"progress event {dict(event)!r:.80}: {_where(exc)}") from None


def last_event(events: list[dict], *types: str):
    """The most recent well-formed event of the given types (any type when none given)."""
    for event in reversed(events):
        if not types or event.get("type") in types:
            try:
                return parse_event(event)
            except ArtefactError:
                continue
    return None
