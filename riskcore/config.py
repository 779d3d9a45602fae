"""RunConfig: the one description of a run, shared by the UI (download / upload) and the CLI.

Validated once, up front, with messages that name the field; learned state lives elsewhere.
Every key outside `data` has a default, so a minimal config names only the data roles and the
target.
"""

from __future__ import annotations

import copy
import json
import types
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types as at
import pandas as pd
from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    field_validator,
    model_validator,
)

from riskcore.errors import ConfigError, DataValidationError
from riskcore.macro import check_lag
from riskcore.parsing import Hints, Strict, json_path, parse_model


class ColumnTarget(Strict):
    """An existing column, already aligned to the future by the user."""

    kind: Literal["column"] = "column"
    column: str
    positive: str | None = Field(
        default=None, description="For a text column: the label that marks the risk event."
    )


class DrawdownTarget(Strict):
    """1 if the maximum drawdown of a price over the next `horizon` steps reaches `threshold`."""

    kind: Literal["drawdown"] = "drawdown"
    column: str
    threshold: float = Field(default=0.10, gt=0, lt=1)


class TailLossTarget(Strict):
    """1 if the forward `horizon`-step return falls below its `quantile` on training rows."""

    kind: Literal["tail_loss"] = "tail_loss"
    column: str = Field(description="A one-step (log) return column.")
    quantile: float = Field(default=0.05, gt=0, lt=0.5)


class ForwardVolatilityTarget(Strict):
    """Standard deviation of the one-step returns over the next `horizon` steps (regression)."""

    kind: Literal["forward_volatility"] = "forward_volatility"
    column: str = Field(description="A one-step (log) return column.")


class ForwardReturnTarget(Strict):
    """The forward `horizon`-step log return, whose low quantiles are VaR (the quantile task).

    `column` is a price level or a one-step log return column; `column_is` "auto" reads a
    column with any negative value as returns and a positive one as prices.
    """

    kind: Literal["forward_return"] = "forward_return"
    column: str = Field(description="A price column, or a one-step (log) return column.")
    column_is: Literal["auto", "price", "return"] = "auto"


Target = Annotated[
    ColumnTarget | DrawdownTarget | TailLossTarget | ForwardVolatilityTarget | ForwardReturnTarget,
    Field(discriminator="kind"),
]

DerivedKind = Literal["log_return", "pct_change", "diff", "rolling_vol", "vol_scaled"]


class DerivedFeature(Strict):
    """A sequence feature computed per entity from past rows only, instead of by hand."""

    name: str
    kind: DerivedKind
    column: str
    window: int = Field(
        default=20,
        ge=2,
        le=1000,
        description="Rows, for rolling_vol and vol_scaled (the value divided by the trailing "
        "std of the column over this many rows, t included: a return in units of its own "
        "recent volatility, comparable across entities and regimes).",
    )


class DataConfig(Strict):
    time: str | None
    entity: str | None = None
    sequence_features: list[str] = Field(default_factory=list)
    static_features: list[str] = Field(default_factory=list)
    macro_features: list[str] = Field(default_factory=list)
    sentiment_features: list[str] = Field(default_factory=list)
    macro_time: str | None = Field(
        default=None, description="Date column of the macro file, when not named as `time`."
    )
    sentiment_time: str | None = Field(
        default=None, description="Date column of the sentiment file, when not named as `time`."
    )
    sentiment_entity: str | None = Field(
        default=None, description="Entity column of the sentiment file, when not named as `entity`."
    )
    macro_lag: int | str | None = Field(
        default=None,
        description='Publication lag of every macro column, in calendar units ("0D", "45D", '
        '"1M", "1Q"); null: one period of each column\'s own frequency when monthly, quarterly '
        "or annual, else 0D; an integer: rows of the one macro file (configs written before "
        "calendar lags keep their meaning).",
    )
    macro_lags: dict[str, Annotated[str, AfterValidator(check_lag)]] = Field(
        default_factory=dict, description="Calendar lag per macro column, over macro_lag."
    )
    sentiment_lag: int = Field(
        default=0, ge=0, le=1000, description="Days between a news score and its use."
    )
    sentiment_window: int = Field(
        default=5, ge=1, le=365, description="Calendar days of news averaged at each time."
    )
    derived: list[DerivedFeature] = Field(default_factory=list)
    start: date | None = Field(
        default=None,
        description="First date of the rows used (inclusive); null: from the first row. A "
        "sample is used only when its whole window lies on or after it.",
    )
    end: date | None = Field(
        default=None,
        description="Last date of the rows used (inclusive); null: to the last row. A target "
        "computed from later rows (drawdown, tail_loss...) may not look past it.",
    )
    target: Target

    @field_validator("target", mode="before")
    @classmethod
    def _column_by_default(cls, value):
        """A target without a kind is an existing column, the simplest case."""
        if isinstance(value, dict) and "kind" not in value:
            return {"kind": "column", **value}
        return value

    @field_validator("start", "end", mode="before")
    @classmethod
    def _iso_date(cls, value):
        """A date as written in a config ("2020-01-31"): a number would be read as seconds
        since 1970, silently."""
        if value is None or isinstance(value, date | str):
            return value
        raise ValueError('write the date as "YYYY-MM-DD", or null for no limit')

    @field_validator("macro_lag", mode="before")
    @classmethod
    def _macro_lag_form(cls, value):
        """A calendar lag in its canonical spelling, a legacy row count, or null; told apart
        here, so a bad value gets one message rather than one per branch of the union."""
        if value is None:
            return None
        if isinstance(value, str):
            return check_lag(value)
        whole = isinstance(value, int | float) and not isinstance(value, bool) and value == value
        if not whole or value != int(value) or not 0 <= value <= 1000:
            raise ValueError(
                "an integer macro_lag counts rows of the macro file, from 0 to 1000; "
                'or write a calendar lag like "1M"'
            )
        return int(value)

    @model_validator(mode="after")
    def _macro_lags_consistent(self) -> DataConfig:
        """Per-column lags name macro features, and are calendar lags beside a calendar (or no)
        macro_lag: rows and calendar units do not mix."""
        unknown = [c for c in self.macro_lags if c not in self.macro_features]
        if unknown:
            raise ValueError(
                f"macro_lags names {unknown}, not among macro_features; remove the entry or "
                "add the column to macro_features"
            )
        if self.macro_lags and isinstance(self.macro_lag, int):
            raise ValueError(
                f"macro_lag {self.macro_lag} counts rows, macro_lags are calendar lags; write "
                'macro_lag as a calendar lag ("0D", "1M") or remove it'
            )
        return self

    @model_validator(mode="after")
    def _date_range_consistent(self) -> DataConfig:
        """A date range needs dates to restrict, and must hold at least one day."""
        if self.time is None and (self.start or self.end):
            raise ValueError(
                "start / end restrict the rows by date and need a time column; set data.time "
                "or remove start and end"
            )
        if self.start and self.end and self.start > self.end:
            raise ValueError(
                f"start {self.start} is after end {self.end}; swap them or widen the range"
            )
        return self

    @model_validator(mode="after")
    def _roles_consistent(self) -> DataConfig:
        roles = {
            "sequence_features": self.sequence_features + [d.name for d in self.derived],
            "static_features": self.static_features,
            "macro_features": self.macro_features,
            "sentiment_features": self.sentiment_features,
        }
        seen: dict[str, str] = {}
        for role, cols in roles.items():
            for col in cols:
                if col in seen:
                    raise ValueError(f"column '{col}' is listed in both {seen[col]} and {role}")
                seen[col] = role
        if self.time is None:
            if self.entity is not None:
                raise ValueError("entity needs a time column; set time or set entity to null")
            if self.sequence_features or self.derived or self.macro_features:
                raise ValueError(
                    "sequence, derived and macro features need a time column; "
                    "set data.time or move the features to static_features"
                )
            if self.target.kind != "column":
                raise ValueError(
                    f"target kind '{self.target.kind}' needs a time column; "
                    "use kind 'column' for cross-sectional data"
                )
        if not any(roles.values()):
            raise ValueError("no input features: name at least one feature column")
        self._target_not_an_input(seen)
        return self

    def _target_not_an_input(self, inputs: dict[str, str]) -> None:
        """A column target is the answer itself: as an input (or the source of a derived one) it
        leaks the label, and every model scores a perfect, meaningless test ROC-AUC."""
        if self.target.kind != "column":
            return  # derived targets use rows after t only; the column's past is a fair input
        col = self.target.column
        sources = {d.name: d.column for d in self.derived}
        for name, role in inputs.items():
            if name == col or sources.get(name) == col:
                raise ValueError(
                    f"column '{col}' is the target and cannot also be an input ({role}"
                    + (f", derived feature '{name}'" if name != col else "")
                    + f"): the model would see the answer; remove '{name}' from {role}"
                )

    @property
    def all_sequence(self) -> list[str]:
        return self.sequence_features + [d.name for d in self.derived]


class SplitConfig(Strict):
    scheme: Literal["time", "stratified", "walk_forward"] | None = Field(
        default=None, description="Default: time with a time column, stratified without."
    )
    validation: float = Field(default=0.15, gt=0, lt=0.5)
    test: float = Field(default=0.15, gt=0, lt=0.5)
    folds: int = Field(default=3, ge=2, le=20)

    @model_validator(mode="after")
    def _leaves_training(self) -> SplitConfig:
        if self.validation + self.test >= 0.8:
            raise ValueError("validation + test must leave at least 20% of the rows for training")
        return self


# UI and search hints ride in each Field's json_schema_extra, beside the bounds they narrow (see
# FieldSpec): "ui" {range: a slider's usual span, step, presets: a select_slider's steps} and
# "search" {low / high: the tuner's limit where narrower than the field's, start: the range
# the Tune tab offers first, log}. Hard bounds are pydantic's ge / gt / le / lt, nowhere else.
_UNIT_STEPS = [4, 8, 16, 32, 64, 128, 256]


def _hints(**groups: dict) -> dict:
    return {name: hints for name, hints in groups.items() if hints}


class ModelConfig(Strict):
    cell: Literal["lstm", "gru", "tcn"] = Field(
        default="lstm",
        description="Sequence tower: LSTM, GRU, or a temporal convolution (causal dilated "
        "Conv1D layers, one per entry of `units`).",
    )
    units: list[Annotated[int, Field(ge=1, le=1024)]] = Field(
        default_factory=lambda: [64, 32],
        min_length=1,
        max_length=4,
        json_schema_extra=_hints(
            ui={"presets": _UNIT_STEPS}, search={"start": [8, 128], "log": True}
        ),
    )
    dense_units: int = Field(
        default=16,
        ge=1,
        le=1024,
        json_schema_extra=_hints(
            ui={"presets": _UNIT_STEPS}, search={"start": [4, 64], "log": True}
        ),
    )
    tower_units: int = Field(
        default=32,
        ge=1,
        le=1024,
        json_schema_extra=_hints(
            ui={"presets": _UNIT_STEPS}, search={"start": [4, 64], "log": True}
        ),
    )
    dropout: float = Field(
        default=0.2,
        ge=0,
        lt=1,
        json_schema_extra=_hints(
            ui={"range": [0.0, 0.7], "step": 0.05}, search={"high": 0.95, "start": [0.0, 0.5]}
        ),
    )
    l1: float = Field(
        default=0.0,
        ge=0,
        le=1,
        json_schema_extra=_hints(ui={"step": 1e-5}, search={"start": [0.0, 0.001]}),
    )
    l2: float = Field(
        default=0.0001,
        ge=0,
        le=1,
        json_schema_extra=_hints(ui={"step": 1e-5}, search={"start": [1e-6, 1e-2], "log": True}),
    )
    batch_norm: bool = False
    attention: bool = False
    wide: bool = Field(
        default=True,
        description="Wide and deep: the window statistics the baselines use (last, mean, "
        "variance, min, max, mean absolute value of each sequence feature) and the other "
        "inputs enter the output layer beside the towers, so the network contains a "
        "logistic regression on them.",
    )
    noise_std: float = Field(
        default=0.0,
        ge=0,
        le=2,
        description="Gaussian noise on training windows, in std units.",
        json_schema_extra=_hints(ui={"range": [0.0, 0.5], "step": 0.05}),
    )


class TrainingConfig(Strict):
    epochs: int = Field(
        default=50,
        ge=1,
        le=1000,
        json_schema_extra=_hints(ui={"range": [1, 300]}, search={"start": [5, 50]}),
    )
    batch_size: int = Field(
        default=64,
        ge=1,
        le=65536,
        json_schema_extra=_hints(
            ui={"presets": [16, 32, 64, 128, 256, 512, 1024]},
            search={"start": [32, 512], "log": True},
        ),
    )
    learning_rate: float = Field(
        default=0.001,
        gt=0,
        le=1,
        json_schema_extra=_hints(
            ui={"presets": [1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2]},
            search={"low": 1e-6, "start": [1e-4, 1e-2], "log": True},
        ),
    )
    loss: Literal["auto", "binary_crossentropy", "focal", "mse", "huber"] = "auto"
    class_weight: Literal["balanced", "none"] = "balanced"
    oversample: bool = False
    patience: int = Field(default=5, ge=0, le=1000, json_schema_extra=_hints(ui={"range": [0, 50]}))
    seed: int = Field(default=7, ge=0, le=2**31 - 1)
    distribute: Literal["none", "mirrored", "multi_worker"] = "none"
    calibration: Literal["platt", "isotonic"] = Field(
        default="platt",
        description="How scores become probabilities, fitted on the validation split.",
    )
    lr_schedule: Literal["constant", "plateau", "cosine"] = Field(
        default="constant",
        description="constant; plateau: halve the learning rate when the validation loss "
        "stalls; cosine: decay it to zero over the epochs.",
    )
    ensemble: int = Field(
        default=1,
        ge=1,
        le=10,
        description="Networks trained from different seeds, scored as their mean; their "
        "spread is each prediction's model uncertainty.",
        json_schema_extra=_hints(ui={"range": [1, 10]}),
    )


# The task a derived target implies; a column target's task is the user's choice.
IMPLIED_TASK = {
    "forward_volatility": "regression",
    "forward_return": "quantile",
    "drawdown": "classification",
    "tail_loss": "classification",
}


class RunConfig(Strict):
    data: DataConfig
    task: Literal["classification", "regression", "quantile"] | None = Field(
        default=None,
        description="Default: regression for forward_volatility, quantile for forward_return, "
        "else classification.",
    )
    quantiles: list[Annotated[float, Field(gt=0, lt=0.5)]] = Field(
        default_factory=lambda: [0.01, 0.025],
        min_length=1,
        max_length=4,
        description="VaR levels of the quantile task (0.01: the 99% VaR); ES at each level.",
    )
    window: int = Field(
        default=30,
        ge=1,
        le=1000,
        json_schema_extra=_hints(ui={"range": [2, 250]}, search={"low": 2, "start": [5, 60]}),
    )
    horizon: int = Field(
        default=20, ge=1, le=1000, json_schema_extra=_hints(ui={"range": [1, 120]})
    )
    split: SplitConfig = Field(default_factory=SplitConfig)
    model: ModelConfig = Field(default_factory=ModelConfig)
    training: TrainingConfig = Field(default_factory=TrainingConfig)

    @model_validator(mode="after")
    def _task_consistent(self) -> RunConfig:
        kind = self.data.target.kind
        implied = IMPLIED_TASK.get(kind)
        if self.task is None:
            object.__setattr__(self, "task", implied or "classification")
        elif implied and self.task != implied:
            raise ValueError(f"target kind '{kind}' is a {implied} target, not {self.task}")
        loss = self.training.loss
        if self.task == "classification" and loss in ("mse", "huber"):
            raise ValueError(f"training.loss '{loss}' is for regression; use binary_crossentropy")
        if self.task == "regression" and loss in ("binary_crossentropy", "focal"):
            raise ValueError(f"training.loss '{loss}' is for classification; use mse or huber")
        if self.task == "quantile":
            if kind != "forward_return":
                raise ValueError(
                    f"task 'quantile' needs target kind 'forward_return', not '{kind}'"
                )
            if loss != "auto":
                raise ValueError(
                    f"training.loss '{loss}' does not apply to task 'quantile' (it is trained "
                    "with the pinball loss); set loss to auto"
                )
            if self.data.time is None:
                raise ValueError("task 'quantile' needs a time column (returns over time)")
            object.__setattr__(self, "quantiles", sorted(set(self.quantiles)))
        if self.split.scheme is None:
            scheme = "time" if self.data.time else "stratified"
            object.__setattr__(self.split, "scheme", scheme)
        if self.task == "quantile" and self.split.scheme == "walk_forward":
            raise ValueError(
                "task 'quantile' is backtested on one test period; use split.scheme 'time'"
            )
        if self.data.time is None and self.split.scheme != "stratified":
            raise ValueError("cross-sectional data (time null) needs split.scheme 'stratified'")
        return self

    @property
    def cross_sectional(self) -> bool:
        return self.data.time is None

    @property
    def resolved_loss(self) -> str:
        if self.training.loss != "auto":
            return self.training.loss
        return {"classification": "binary_crossentropy", "quantile": "pinball"}.get(
            self.task, "mse"
        )

    def to_json(self) -> str:
        dumped = self.model_dump(mode="json")
        if self.cross_sectional:
            dumped.pop("window")
            dumped.pop("horizon")
        if self.task != "quantile":
            dumped.pop("quantiles")
        return json.dumps(dumped, indent=2, ensure_ascii=False)


def _field_path(loc: tuple) -> str:
    """The key without pydantic's union tags (data.target.drawdown.x -> data.target.x)."""
    parts = list(loc)
    kinds = ("column", "drawdown", "tail_loss", "forward_volatility", "forward_return")
    if len(parts) > 2 and parts[:2] == ["data", "target"] and parts[2] in kinds:
        del parts[2]
    return json_path(tuple(parts))


def _unknown_kind(item: dict) -> str:
    return (
        f"unknown target kind {item['input'].get('kind')!r}; "
        "use column, drawdown, tail_loss, forward_volatility or forward_return"
    )


CONFIG_HINTS = Hints(
    shape="a JSON object with a 'data' section",
    fix="fix the file or download a fresh one from the Data page",
    unknown_key="check the spelling; see sample_data/*_config.json",
    location=_field_path,
    messages={"union_tag_invalid": _unknown_kind},
)


def parse_config(data: dict | str | bytes, source: str = "") -> RunConfig:
    """Build a RunConfig from a dict or JSON text, raising ConfigError that names the field."""
    return parse_model(RunConfig, data, "config", ConfigError, source, CONFIG_HINTS)


def load_config(path: str | Path) -> RunConfig:
    """Read a RunConfig JSON file."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"config file '{path}' not found; pass the path of a RunConfig JSON")
    return parse_config(p.read_bytes(), source=str(path))


def save_config(config: RunConfig, path: str | Path) -> None:
    Path(path).write_text(config.to_json(), encoding="utf-8")


def required_columns(config: RunConfig) -> dict[str, list[str]]:
    """Columns each input file must hold, by file role."""
    d = config.data
    primary = [c for c in (d.time, d.entity) if c]
    primary += d.sequence_features + d.static_features + [t.column for t in d.derived]
    primary.append(d.target.column)
    macro_keys = [d.macro_time or d.time] if d.time else []
    sentiment_keys = [d.sentiment_time or d.time] if d.time else []
    if d.entity:
        sentiment_keys.append(d.sentiment_entity or d.entity)
    return {
        "primary": list(dict.fromkeys(primary)),
        "macro": macro_keys + d.macro_features if d.macro_features else [],
        "sentiment": sentiment_keys + d.sentiment_features if d.sentiment_features else [],
    }


def check_columns(config: RunConfig, frames: dict[str, pd.DataFrame | None]) -> None:
    """Fail with every missing column listed by name, per file, before any work starts."""
    problems = []
    for role, cols in required_columns(config).items():
        if not cols:
            continue
        frame = frames.get(role)
        if frame is None:
            problems.append(f"the config uses {role} columns {cols} but no {role} file was given")
            continue
        missing = [c for c in cols if c not in frame.columns]
        sentiment_entity = config.data.sentiment_entity or config.data.entity
        if role == "sentiment" and sentiment_entity in missing:
            missing.remove(sentiment_entity)  # market-wide sentiment is allowed
        if missing:
            have = ", ".join(map(str, list(frame.columns)[:12]))
            problems.append(f"{role} file lacks column(s) {missing} (it has: {have})")
    if problems:
        raise DataValidationError("; ".join(problems) + ". Map the columns again or fix the file.")


# ---- what each field allows, for the UI and the tuner ------------------------------------------
@dataclass(frozen=True)
class FieldSpec:
    """What one config field allows, read from its pydantic metadata: the one place a bound,
    a default or a list of choices is written. `ui` and `search` are the hints kept in the
    field's json_schema_extra (a slider's usual range and presets; the tuner's limits and
    starting range), never looser than the field itself."""

    path: str
    kind: Literal["int", "float", "bool", "choice", "text"]
    default: Any
    low: float | None = None
    high: float | None = None
    low_open: bool = False  # gt rather than ge: `low` itself is refused
    high_open: bool = False
    choices: tuple[Any, ...] = ()
    nullable: bool = False
    length: tuple[int | None, int | None] | None = None  # a list's min, max items
    ui: Mapping[str, Any] = field(default_factory=dict)
    search: Mapping[str, Any] = field(default_factory=dict)

    @property
    def integer(self) -> bool:
        return self.kind == "int"

    def allows(self, value: Any) -> bool:
        """Whether a value passes the field's own rule; for a list field, a whole list (its
        size and each item) or a single item."""
        if value is None:
            return self.nullable
        if self.length is not None and isinstance(value, list | tuple):
            fewest, most = self.length
            sized = (fewest is None or len(value) >= fewest) and (
                most is None or len(value) <= most
            )
            return sized and all(self.allows(item) for item in value)
        if self.kind == "choice":
            return value in self.choices
        if self.kind == "bool":
            return isinstance(value, bool)
        if self.kind == "text":
            return isinstance(value, str)
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            return False
        if self.integer and value != int(value):
            return False
        above = self.low is None or value > self.low or (value == self.low and not self.low_open)
        below = (
            self.high is None or value < self.high or (value == self.high and not self.high_open)
        )
        return above and below

    def slider_range(self, *values: Any) -> tuple[float, float]:
        """The usual range (ui.range, else the field's bounds), widened to hold valid values."""
        low, high = self.ui.get("range") or (self.low, self.high)
        if low is None or high is None or (self.low_open and low == self.low):
            raise ValueError(f"{self.path}: give ui.range for a slider over an open bound")
        kept = [v for v in values if self.allows(v)]
        return min([low, *kept]), max([high, *kept])

    def presets(self, *values: Any) -> list:
        """The preset steps (ui.presets) with every valid value among them, in order."""
        return sorted({*self.ui.get("presets", ()), *(v for v in values if self.allows(v))})

    @property
    def search_limits(self) -> tuple[float, float]:
        """The closed range the tuner may search: the field's bounds, or search.low / high."""
        low = self.search.get("low", None if self.low_open else self.low)
        high = self.search.get("high", None if self.high_open else self.high)
        if low is None or high is None:
            raise ValueError(f"{self.path}: an open or missing bound needs search.low / high")
        return low, high

    @property
    def search_start(self) -> tuple[float, float, bool] | None:
        """The range the Tune tab offers first: (low, high, log), when the field names one."""
        start = self.search.get("start")
        return (start[0], start[1], bool(self.search.get("log", False))) if start else None


def field_spec(path: str, model: type[BaseModel] = RunConfig) -> FieldSpec:
    """The FieldSpec of a dotted field path ("model.dropout", "window") of `model`; for a
    list field (model.units) the bounds are each item's and `length` its size."""
    spec = _field_spec(path, model)
    return replace(spec, default=copy.deepcopy(spec.default))  # a list default stays ours


@cache
def _field_spec(path: str, model: type[BaseModel]) -> FieldSpec:
    *parents, leaf = path.split(".")
    owner = model
    for name in parents:
        inner = owner.model_fields[name].annotation if name in owner.model_fields else None
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            raise KeyError(f"'{path}': '{name}' is not a section of {owner.__name__}")
        owner = inner
    if leaf not in owner.model_fields:
        raise KeyError(f"'{path}': {owner.__name__} has no field '{leaf}'")
    info = owner.model_fields[leaf]
    annotation, nullable = _strip_none(info.annotation)
    metadata, length = list(info.metadata), None
    if get_origin(annotation) is list:
        sizes = {type(m): m for m in metadata}
        length = (
            getattr(sizes.get(at.MinLen), "min_length", None),
            getattr(sizes.get(at.MaxLen), "max_length", None),
        )
        (annotation,) = get_args(annotation)
        metadata = []
        if get_origin(annotation) is Annotated:
            annotation, *extra = get_args(annotation)
            metadata = [m for e in extra for m in getattr(e, "metadata", [e])]
    bounds = _bounds(metadata)
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    return FieldSpec(
        path=path,
        kind=_kind(annotation),
        default=info.get_default(call_default_factory=True),
        choices=tuple(get_args(annotation)) if get_origin(annotation) is Literal else (),
        nullable=nullable,
        length=length,
        ui=types.MappingProxyType(_frozen(extra.get("ui", {}))),
        search=types.MappingProxyType(_frozen(extra.get("search", {}))),
        **bounds,
    )


def _strip_none(annotation: Any) -> tuple[Any, bool]:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], len(args) < len(get_args(annotation))
    return annotation, False


def _kind(annotation: Any) -> str:
    if get_origin(annotation) is Literal:
        return "choice"
    return {bool: "bool", int: "int", float: "float"}.get(annotation, "text")


def _bounds(metadata: list) -> dict:
    out: dict = {}
    for m in metadata:
        if isinstance(m, at.Ge):
            out.update(low=m.ge, low_open=False)
        elif isinstance(m, at.Gt):
            out.update(low=m.gt, low_open=True)
        elif isinstance(m, at.Le):
            out.update(high=m.le, high_open=False)
        elif isinstance(m, at.Lt):
            out.update(high=m.lt, high_open=True)
    return out


def _frozen(hints: dict) -> dict:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in hints.items()}
