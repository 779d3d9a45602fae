"""What a job will cost the server, estimated before it starts, and the server's cap on it.

Why: nothing else bounds a dashboard job. The config's own bounds allow 1000 epochs of batch 1
over windows of 1000 steps through four recurrent layers of 1024 units (years on this 2-core
machine), and a search may run 1000 such trials; one user would hold the only worker for days.

The estimate is arithmetic on the config and the data's size, never a Keras model (the web
process does not import TensorFlow): the weights come from riskcore.model.parameter_count, the
function the Train page shows, and

    steps   = epochs x ceil(train samples / batch size)
    work    = 6 x train samples x epochs x weights per sample (x window for recurrent weights)
              + 2 x (validation samples x epochs + all samples) x the same (forward passes only)
    seconds = work / limits.throughput + batches x STEP_S + RUN_S

(6 floating-point operations per weight and sample for a forward and backward pass, 2 for a
forward pass; batches counts training and validation ones; STEP_S is Keras' fixed cost per
batch, RUN_S a run's fixed cost: tracing the model, the baselines, bootstrap intervals,
saving; a fixed cost per recurrent time step was measured too, and is nil here). It
assumes every epoch runs (early stopping can only make a job shorter). A search costs its
trials x its costliest trial, bounded by its timeout (the trial running when the timeout passes
still finishes). Calibration: bench/bench_cost.py, results in bench/README.md.

Where it applies: JobManager.submit refuses a dashboard job over limits.max_job_hours
(LimitError) and the manager ends one that runs past max(2 x estimate, the cap). The CLI does not
ask: it runs on the operator's own machine, where a long job is the operator's choice.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from riskcore.config import RunConfig, parse_config
from riskcore.errors import LimitError
from riskcore.model import parameter_count
from riskcore.settings import Limits, server_settings
from riskcore.tasks import TRAINING, TUNING

TRAIN_FLOPS = 6.0  # per weight, sample and time step: forward and backward pass
FORWARD_FLOPS = 2.0  # per weight, sample and time step: a forward pass (validation, scoring)
# Calibrated with bench/bench_cost.py on the 2-core development box, shared with other jobs
# as a dashboard server is (see bench/README.md); Limits.throughput is the third constant.
STEP_S = 0.015  # Keras' fixed cost of one batch, whatever its size
RUN_S = 20.0  # a run's fixed cost: tracing the model, baselines, bootstrap intervals, saving
VALIDATION_BATCH = 1024  # riskcore.train scores validation in batches of max(batch, this)
MAX_LEVELS = 50  # one-hot width assumed at most for a text column (rare levels are pooled)


@dataclass(frozen=True)
class DataSize:
    """How much data a job trains on: rows, entities, and model inputs per block."""

    rows: int
    entities: int
    features: dict[str, int]

    @classmethod
    def of_frames(
        cls,
        config: RunConfig,
        primary: pd.DataFrame,
        macro: pd.DataFrame | None = None,
        sentiment: pd.DataFrame | None = None,
    ) -> DataSize:
        """From the uploaded tables, cheaply (one pass over each column, no windows built)."""
        d = config.data
        entity = d.entity if d.entity and d.entity in primary.columns else None
        entities = int(primary[entity].nunique()) if entity is not None else 1
        features: dict[str, int] = {}
        if not config.cross_sectional and d.all_sequence:
            features["sequence"] = _width(primary, d.sequence_features) + 2 * len(d.derived)
        if d.macro_features:
            features["macro"] = _width(macro, d.macro_features)
        if d.sentiment_features:
            features["sentiment"] = len(d.sentiment_features) + 1  # and the no-news indicator
        if d.static_features:
            features["static"] = _width(primary, d.static_features, levels=True)
        return cls(len(primary), max(1, entities), features)

    @classmethod
    def of_summary(cls, summary: Mapping[str, Any]) -> DataSize:
        """From a stored run's meta.json "summary" (riskcore.dataset.Dataset.summary)."""
        features = {str(k): int(v) for k, v in (summary.get("features") or {}).items()}
        return cls(int(summary.get("rows") or 0), int(summary.get("entities") or 1), features)


def _width(frame: pd.DataFrame | None, columns: list[str], levels: bool = False) -> int:
    """Model inputs of these columns: one each, one more for a missing-value indicator, the
    one-hot levels of a text column (static block only)."""
    total = 0
    for col in columns:
        if frame is None or col not in frame.columns:
            total += 1
            continue
        s = frame[col]
        if levels and not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)):
            total += min(int(s.nunique()), MAX_LEVELS) + 1  # and "other"
        else:
            total += 1 + int(bool(s.isna().any()))
    return total


@dataclass(frozen=True)
class Estimate:
    """A job's expected duration and what it is made of (for the message and the UI)."""

    kind: str  # "training" | "tuning"
    seconds: float
    parameters: int
    steps: int
    epochs: int
    batch_size: int
    window: int
    units: tuple[int, ...]
    trials: int = 1
    per_trial_s: float | None = None
    timeout_s: float | None = None

    @property
    def hours(self) -> float:
        return self.seconds / 3600.0


def sample_counts(config: RunConfig, size: DataSize) -> dict[str, int]:
    """Samples per split, from the rows less the windows lost at the start of each entity's
    history (and the horizon at its end, for a derived target)."""
    usable = size.rows
    if not config.cross_sectional:
        lost = config.window - 1 + (config.horizon if config.data.target.kind != "column" else 0)
        usable = max(0, size.rows - size.entities * lost)
    s = config.split
    return {
        "train": int(usable * (1.0 - s.validation - s.test)),
        "validation": int(usable * s.validation),
        "all": usable,
    }


def _shapes(config: RunConfig, size: DataSize) -> dict[str, tuple[int, ...]]:
    return {
        b: (config.window, n) if b == "sequence" else (n,)
        for b, n in size.features.items()
        if n > 0
    }


def weights_per_sample(config: RunConfig, size: DataSize) -> tuple[int, float]:
    """(weights, weight x time steps one sample passes through): the recurrent tower's weights
    are applied at every step of the window, the dense towers' once."""
    shapes = _shapes(config, size)
    total = parameter_count(config, shapes)
    if "sequence" not in shapes:
        return total, float(total)
    recurrent = parameter_count(config, {"sequence": shapes["sequence"]})
    return total, float(recurrent * config.window + (total - recurrent))


@dataclass(frozen=True)
class Work:
    """One fit's work, every epoch run: what the estimate's constants multiply."""

    flops: float  # floating-point operations
    batches: int  # training and validation batches
    steps: int  # training batches


def training_work(config: RunConfig, size: DataSize) -> Work:
    """The work of one fit of this config on data of this size."""
    t = config.training
    n = sample_counts(config, size)
    _, per_sample = weights_per_sample(config, size)
    steps = t.epochs * math.ceil(n["train"] / t.batch_size)
    val_steps = t.epochs * math.ceil(n["validation"] / max(t.batch_size, VALIDATION_BATCH))
    flops = per_sample * (
        TRAIN_FLOPS * n["train"] * t.epochs
        + FORWARD_FLOPS * (n["validation"] * t.epochs + n["all"])
    )
    return Work(flops, steps + val_steps, steps)


def fit_seconds(work: Work, throughput: float) -> float:
    """Seconds of one fit's work on this machine (the run's fixed cost not included)."""
    return work.flops / throughput + work.batches * STEP_S


def training_estimate(config: RunConfig, size: DataSize, limits: Limits | None = None) -> Estimate:
    """Seconds one training of this config takes on this server (every epoch run)."""
    limits = limits or server_settings().limits
    work = training_work(config, size)
    fits = 1 + (config.split.folds if config.split.scheme == "walk_forward" else 0)
    fits *= config.training.ensemble  # every network of a seed ensemble is its own fit
    seconds = fits * fit_seconds(work, limits.throughput) + RUN_S
    t = config.training
    return Estimate(
        "training",
        seconds,
        weights_per_sample(config, size)[0],
        work.steps * fits,
        t.epochs,
        t.batch_size,
        1 if config.cross_sectional else config.window,
        tuple(config.model.units),
    )


def tuning_estimate(
    config: RunConfig, size: DataSize, space: Any, limits: Limits | None = None
) -> Estimate:
    """A search's seconds: trials x its costliest trial, bounded by the timeout plus the trial
    that is running when the timeout passes. `space` is a riskcore.tuning.SearchSpace."""
    from riskcore.tuning import costliest_config

    trial = training_estimate(costliest_config(config, space), size, limits)
    seconds = space.trials * trial.seconds
    if space.timeout_s is not None:
        seconds = min(seconds, space.timeout_s + trial.seconds)
    return Estimate(
        "tuning",
        seconds,
        trial.parameters,
        trial.steps,
        trial.epochs,
        trial.batch_size,
        trial.window,
        trial.units,
        trials=space.trials,
        per_trial_s=trial.seconds,
        timeout_s=space.timeout_s,
    )


DURATION_UNITS = {  # seconds, minutes, hours, days
    "en": ("{n} s", "{n} min", "{n} h", "{n} days"),
    "zh": ("{n} 秒", "{n} 分钟", "{n} 小时", "{n} 天"),
}


def format_duration(seconds: float, language: str = "en") -> str:
    """'40 s', '12 min', '3.5 h', '6.2 days' ('12 分钟'): the unit a person reads it in."""
    s, m, h, d = DURATION_UNITS.get(language, DURATION_UNITS["en"])
    if seconds < 90:
        return s.format(n=f"{seconds:.0f}")
    if seconds < 90 * 60:
        return m.format(n=f"{seconds / 60:.0f}")
    hours = seconds / 3600
    return h.format(n=f"{hours:.1f}") if hours < 48 else d.format(n=f"{hours / 24:,.1f}")


def format_hours(hours: float) -> str:
    return f"{hours:g} h"


def check_cap(estimate: Estimate, limits: Limits | None = None) -> None:
    """LimitError when the estimate is over the server's cap per job, saying what to shrink."""
    limits = limits or server_settings().limits
    if estimate.hours <= limits.max_job_hours:
        return
    cap = format_hours(limits.max_job_hours)
    factor = estimate.hours / limits.max_job_hours
    units = list(estimate.units)
    if estimate.kind == "tuning":
        timeout = "" if estimate.timeout_s is None else f", timeout {estimate.timeout_s:g} s"
        raise LimitError(
            f"this search would take about {format_duration(estimate.seconds)} "
            f"({estimate.trials} trials x up to {format_duration(estimate.per_trial_s or 0)} a "
            f"trial{timeout}), over the server's limit of {cap} per job; run fewer trials, set "
            "a shorter timeout, or narrow the ranges of epochs, window and units (raise the "
            "lowest batch size)"
        )
    raise LimitError(
        f"this training would take about {format_duration(estimate.seconds)} "
        f"({estimate.steps:,} steps of batch {estimate.batch_size} through "
        f"{estimate.parameters:,} weights, window {estimate.window}), over the server's limit "
        f"of {cap} per job (about {factor:,.0f}x too long); shrink epochs ({estimate.epochs}), "
        f"window ({estimate.window}) or units ({units}), or raise the batch size "
        f"({estimate.batch_size})"
    )


def wall_clock_limit(estimate: Estimate | None, limits: Limits | None = None) -> float:
    """Seconds a job may run before the manager ends it: twice its estimate, never below the
    cap (an estimate is rough; the cap is what the server promised every job)."""
    limits = limits or server_settings().limits
    cap_s = limits.max_job_hours * 3600.0
    return cap_s if estimate is None else max(2.0 * estimate.seconds, cap_s)


def over_limit_message(elapsed_s: float, cap_hours: float) -> str:
    """The status of a job the manager ended for running too long."""
    return (
        f"stopped after {format_duration(elapsed_s)}: over the server's limit of "
        f"{format_hours(cap_hours)} per job; the run in progress was not saved. "
        "Shrink epochs, window or units, or raise the batch size, then submit it again"
    )


def job_estimate(task: str, payload: Mapping[str, Any]) -> Estimate | None:
    """The estimate of a training or tuning job from its checked payload; None for the other
    tasks (explanations, scenarios: bounded by the wall-clock cap alone)."""
    if task == TRAINING.path:
        config = parse_config(payload["config"])
        size = DataSize.of_frames(
            config, payload["primary"], payload.get("macro"), payload.get("sentiment")
        )
        return training_estimate(config, size)
    if task == TUNING.path:
        from riskcore.errors import RiskcoreError
        from riskcore.store import RunStore
        from riskcore.tuning import parse_space

        space = parse_space(payload["space"])
        try:
            run = RunStore.for_job(payload).load(payload["run_id"])  # as the task opens it
            config, summary = run.config, run.meta.summary
        except RiskcoreError:
            return None  # the task says what is wrong with the run, as it would to anyone
        return tuning_estimate(config, DataSize.of_summary(summary), space)
    return None
