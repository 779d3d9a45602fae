"""RunConfig: the one description of a run, shared by the UI (download / upload) and the CLI.

Validated once, up front, with messages that name the field; learned state lives elsewhere.
Every key outside `data` has a default, so a minimal config names only the data roles and the
target.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from riskcore.errors import ConfigError, DataValidationError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ColumnTarget(_Strict):
    """An existing column, already aligned to the future by the user."""

    kind: Literal["column"] = "column"
    column: str
    positive: str | None = Field(
        default=None, description="For a text column: the label that marks the risk event."
    )


class DrawdownTarget(_Strict):
    """1 if the maximum drawdown of a price over the next `horizon` steps reaches `threshold`."""

    kind: Literal["drawdown"] = "drawdown"
    column: str
    threshold: float = Field(default=0.10, gt=0, lt=1)


class TailLossTarget(_Strict):
    """1 if the forward `horizon`-step return falls below its `quantile` on training rows."""

    kind: Literal["tail_loss"] = "tail_loss"
    column: str = Field(description="A one-step (log) return column.")
    quantile: float = Field(default=0.05, gt=0, lt=0.5)


class ForwardVolatilityTarget(_Strict):
    """Standard deviation of the one-step returns over the next `horizon` steps (regression)."""

    kind: Literal["forward_volatility"] = "forward_volatility"
    column: str = Field(description="A one-step (log) return column.")


Target = Annotated[
    ColumnTarget | DrawdownTarget | TailLossTarget | ForwardVolatilityTarget,
    Field(discriminator="kind"),
]

DerivedKind = Literal["log_return", "pct_change", "diff", "rolling_vol"]


class DerivedFeature(_Strict):
    """A sequence feature computed per entity from past rows only, instead of by hand."""

    name: str
    kind: DerivedKind
    column: str
    window: int = Field(default=20, ge=2, le=1000, description="Rows, for rolling_vol.")


class DataConfig(_Strict):
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
    macro_lag: int = Field(default=0, ge=0, le=1000)
    sentiment_lag: int = Field(
        default=0, ge=0, le=1000, description="Days between a news score and its use."
    )
    sentiment_window: int = Field(
        default=5, ge=1, le=365, description="Calendar days of news averaged at each time."
    )
    derived: list[DerivedFeature] = Field(default_factory=list)
    target: Target

    @field_validator("target", mode="before")
    @classmethod
    def _column_by_default(cls, value):
        """A target without a kind is an existing column, the simplest case."""
        if isinstance(value, dict) and "kind" not in value:
            return {"kind": "column", **value}
        return value

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


class SplitConfig(_Strict):
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


class ModelConfig(_Strict):
    cell: Literal["lstm", "gru"] = "lstm"
    units: list[Annotated[int, Field(ge=1, le=1024)]] = Field(
        default_factory=lambda: [64, 32], min_length=1, max_length=4
    )
    dense_units: int = Field(default=16, ge=1, le=1024)
    tower_units: int = Field(default=32, ge=1, le=1024)
    dropout: float = Field(default=0.2, ge=0, lt=1)
    l1: float = Field(default=0.0, ge=0, le=1)
    l2: float = Field(default=0.0001, ge=0, le=1)
    batch_norm: bool = False
    attention: bool = False
    noise_std: float = Field(
        default=0.0, ge=0, le=2, description="Gaussian noise on training windows, in std units."
    )


class TrainingConfig(_Strict):
    epochs: int = Field(default=50, ge=1, le=1000)
    batch_size: int = Field(default=64, ge=1, le=65536)
    learning_rate: float = Field(default=0.001, gt=0, le=1)
    loss: Literal["auto", "binary_crossentropy", "focal", "mse", "huber"] = "auto"
    class_weight: Literal["balanced", "none"] = "balanced"
    oversample: bool = False
    patience: int = Field(default=5, ge=0, le=1000)
    seed: int = Field(default=7, ge=0, le=2**31 - 1)
    distribute: Literal["none", "mirrored", "multi_worker"] = "none"
    calibration: Literal["platt", "isotonic"] = Field(
        default="platt",
        description="How scores become probabilities, fitted on the validation split.",
    )


class RunConfig(_Strict):
    data: DataConfig
    task: Literal["classification", "regression"] | None = Field(
        default=None, description="Default: regression for forward_volatility, else classification."
    )
    window: int = Field(default=30, ge=1, le=1000)
    horizon: int = Field(default=20, ge=1, le=1000)
    split: SplitConfig = Field(default_factory=SplitConfig)
    model: ModelConfig = Field(default_factory=ModelConfig)
    training: TrainingConfig = Field(default_factory=TrainingConfig)

    @model_validator(mode="after")
    def _task_consistent(self) -> RunConfig:
        kind = self.data.target.kind
        implied = "regression" if kind == "forward_volatility" else None
        if kind in ("drawdown", "tail_loss"):
            implied = "classification"
        if self.task is None:
            object.__setattr__(self, "task", implied or "classification")
        elif implied and self.task != implied:
            raise ValueError(f"target kind '{kind}' is a {implied} target, not {self.task}")
        loss = self.training.loss
        if self.task == "classification" and loss in ("mse", "huber"):
            raise ValueError(f"training.loss '{loss}' is for regression; use binary_crossentropy")
        if self.task == "regression" and loss in ("binary_crossentropy", "focal"):
            raise ValueError(f"training.loss '{loss}' is for classification; use mse or huber")
        if self.split.scheme is None:
            scheme = "time" if self.data.time else "stratified"
            object.__setattr__(self.split, "scheme", scheme)
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
        return "binary_crossentropy" if self.task == "classification" else "mse"

    def to_json(self) -> str:
        dumped = self.model_dump(mode="json")
        if self.cross_sectional:
            dumped.pop("window")
            dumped.pop("horizon")
        return json.dumps(dumped, indent=2, ensure_ascii=False)


def _describe(err: ValidationError, source: str) -> str:
    """Turn pydantic's error list into one line that names each field and what is wrong."""
    parts = []
    for item in err.errors()[:5]:
        loc = _field_path(item["loc"])
        msg = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            msg = "unknown key (check the spelling; see sample_data/*_config.json)"
        elif item["type"] == "missing":
            msg = "required but missing"
        elif item["type"] == "union_tag_invalid":
            msg = (
                f"unknown target kind {item['input'].get('kind')!r}; "
                "use column, drawdown, tail_loss or forward_volatility"
            )
        elif "input" in item and not isinstance(item["input"], dict | list):
            msg = f"{msg} (got {item['input']!r})"
        parts.append(f"{loc}: {msg}" if loc else msg)
    more = f" (and {len(err.errors()) - 5} more)" if len(err.errors()) > 5 else ""
    return f"invalid config {source}: " + "; ".join(parts) + more


def _field_path(loc: tuple) -> str:
    """Dotted field name without pydantic's union tags (data.target.drawdown.x -> data.target.x)."""
    parts = [str(p) for p in loc]
    kinds = ("column", "drawdown", "tail_loss", "forward_volatility")
    if len(parts) > 2 and parts[:2] == ["data", "target"] and parts[2] in kinds:
        del parts[2]
    return ".".join(parts)


def parse_config(data: dict | str | bytes, source: str = "") -> RunConfig:
    """Build a RunConfig from a dict or JSON text, raising ConfigError that names the field."""
    label = f"'{source}'" if source else "(JSON)"
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except RecursionError:  # "[[[[..." 100,000 deep: json gives up, so do we, clearly
            raise ConfigError(
                f"config {label} is nested too deeply to be a RunConfig; download a fresh one "
                "from the Data page"
            ) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            where = f" at line {exc.lineno} column {exc.colno}" if hasattr(exc, "lineno") else ""
            raise ConfigError(
                f"config {label} is not valid JSON{where}: {exc}; fix the file or download "
                "a fresh one from the Data page"
            ) from None
    if not isinstance(data, dict):
        raise ConfigError(f"config {label} must be a JSON object with a 'data' section")
    try:
        return RunConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, label)) from None


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
