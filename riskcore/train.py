"""Fit a run end to end: prepare, train the Keras model and the baselines, evaluate, save.

Progress goes out as small dicts through one `emit` callable, the single protocol that the CLI
(rich progress bar) and the dashboard (worker-process job) both consume:
  {"type": "stage", "stage": one of STAGES (the first word; "training network 2 of 3"),
   "done": 1, "total": 3 (when the stage counts its steps), "step": 4, "steps": 10,
   "expected_s": 4.0, "job_eta_s": 31.0, "at": <unix time>}
  {"type": "epoch", "epoch": 3, "epochs": 50, "logs": {...}, "elapsed_s": 12.0, "eta_s": 190.0,
   "job_eta_s": 210.0}
  {"type": "batch", "epoch": 3, "epochs": 50, "batch": 10, "batches": 120}
  {"type": "done", "run_id": "..."}
`eta_s` is the network's remaining epochs; `job_eta_s` the whole job's remaining seconds (the
stages after training estimated by JobClock, corrected as they finish), so the ETA does not
read "0:00 left" while the baselines still run. riskcore.artefacts reads the events as typed
models (ProgressEvent; extra keys kept).
"""

from __future__ import annotations

import contextlib
import hashlib
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from riskcore import metrics as M
from riskcore.baselines import (
    Benchmark,
    baseline_scores,
    fit_baselines,
    fit_benchmark,
    leak_suspects,
)
from riskcore.bootstrap import Resampling, evaluate_models, point_scores
from riskcore.calibration import Calibrator, fit_calibrator
from riskcore.config import RunConfig
from riskcore.dataset import SPLITS, Dataset, Panel, prepare
from riskcore.distributed import (
    describe_strategy,
    fit_multi_worker,
    is_chief,
    make_strategy,
    single_device_copy,
)
from riskcore.ensemble import member_scores, spread
from riskcore.quantile_run import (
    quantile_forecasts,
    quantile_metrics,
    quantile_predictions,
    target_scale,
)
from riskcore.quantiles import QuantileGrid
from riskcore.recommend import headline_resamples, recommend
from riskcore.store import SCORE_COLUMNS, SPREAD_COLUMN, RunStore, check_run_name, raw_column

Emit = Callable[[dict], None]
N_BOOT = 200
TOO_GOOD_AUC = 0.99  # validation ROC-AUC at which a result is more likely a leak than a model
TRAIN_SCORED = 50_000  # training samples scored beyond this: a seeded sample (scored_positions)
REFERENCE_ROWS = 5000  # training samples kept as the drift reference (reference.csv)
VERSIONED = ("tensorflow", "keras", "numpy", "pandas", "scikit-learn", "shap", "pydantic")


def _quiet(_: dict) -> None:
    pass


def describe_source(role: str, name: str, data: bytes | str | Path, rows: int | None = None):
    """What meta.json records about an input file: role, name, size and sha256."""
    raw = Path(data).read_bytes() if isinstance(data, str | Path) else data
    return {
        "role": role,
        "name": Path(name).name,
        "bytes": len(raw),
        "sha256": hashlib.sha256(raw).hexdigest(),
        "rows": rows,
    }


# ---- device ---------------------------------------------------------------------------------
def choose_device() -> dict:
    """The GPU when TensorFlow sees one (memory growth, mixed precision), else the CPU."""
    import keras
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        keras.mixed_precision.set_global_policy("float32")
        return {"device": "CPU", "mixed_precision": False}
    for gpu in gpus:
        with contextlib.suppress(RuntimeError):  # already initialised in this process
            tf.config.experimental.set_memory_growth(gpu, True)
    keras.mixed_precision.set_global_policy("mixed_float16")
    details = tf.config.experimental.get_device_details(gpus[0])
    return {"device": f"GPU: {details.get('device_name', gpus[0].name)}", "mixed_precision": True}


def seed_everything(seed: int, deterministic: bool) -> None:
    """Same config + data + seed -> same weights and, on the CPU, the same metrics."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()


# ---- progress -------------------------------------------------------------------------------
# A training job's stages in order. "building" is the model build and Keras' first graph trace
# (seconds before the first batch), "predicting" the deep model's scores on every split.
STAGES = (
    "preparing",
    "device",
    "building",
    "training",
    "predicting",
    "baselines",
    "benchmark",
    "calibration",
    "evaluating",
    "walk-forward",
    "saving",
)
AFTER_TRAINING = STAGES[STAGES.index("predicting") :]
# Seconds of each stage as measured on the 2-core development box with the sample market
# config (issue 17); JobClock scales the later ones by how the finished ones compared.
DEVICE_S = 0.5  # choose_device in a warm worker (a cold process imports TensorFlow: ~6 s)
BUILD_S = 4.0  # build_model + the first train step's trace (3.8 s measured) per network
TRACE_PREDICT_S = 2.0  # the first predict() call's trace, in the predicting stage
PREPARE_S_PER_ROW = 1e-5
BASELINE_S_PER_CELL = 1.5e-5  # logistic + gradient boosting, per training sample and column
BENCHMARK_S_PER_CELL = 1e-6
CALIBRATION_S = 0.2
EVALUATE_S_PER_SAMPLE = 2e-4  # bootstrap intervals, per test + validation sample and model
SAVE_S_PER_SAMPLE = 2e-5


class JobClock:
    """The whole training job's progress, added to the events as they go out: which stage
    runs (step of steps), what it is expected to take, and the seconds left in all stages
    together (`job_eta_s`). The stages after training are estimated from the data's size and
    the measured epoch time, and scaled by how the finished ones compared with their estimate,
    so the ETA covers the baselines, calibration, intervals and saving, not only the epochs."""

    def __init__(self, emit: Emit, config: RunConfig, rows: int) -> None:
        self._emit = emit
        self.task = config.task
        skip = {"calibration"} if config.task != "classification" else set()
        if config.task == "quantile":
            skip |= {"benchmark", "calibration"}
        if config.split.scheme != "walk_forward":
            skip.add("walk-forward")
        self.stages = tuple(s for s in STAGES if s not in skip)
        self.networks = config.training.ensemble
        self.expected: dict[str, float] = {
            "preparing": 0.2 + rows * PREPARE_S_PER_ROW,
            "device": DEVICE_S,
            "building": BUILD_S,
        }
        self.current: str | None = None
        self.since = time.perf_counter()
        self.pace = 1.0  # actual / expected seconds of the stages after training finished so far
        self._spent = self._planned = 0.0
        self.training_left: float | None = None
        self.samples: dict[str, int] = {}

    def plan(self, ds: Dataset) -> None:
        """Estimates of the stages after training, from the prepared data's size."""
        rows = {k: len(v) for k, v in ds.splits.items()}
        self.samples = rows
        panel = ds.panel
        width = {b: panel.blocks[b].shape[1] for b in panel.input_names}
        seq = width.get("sequence", 0) if panel.time is not None else 0
        columns = 5 * seq + sum(width.values()) - seq  # last, mean, std, min, max of each
        cells = rows.get("train", 0) * max(1, columns)
        models = 4 if self.task == "classification" else 3
        points = 1 if self.task != "quantile" else 5
        total = sum(rows.values())
        scored = rows.get("test", 0) + rows.get("validation", 0)
        self.expected.update(
            {
                "predicting": TRACE_PREDICT_S + total * 2e-5,
                "baselines": 0.5 + cells * BASELINE_S_PER_CELL * points,
                "benchmark": 0.2 + cells * BENCHMARK_S_PER_CELL,
                "calibration": CALIBRATION_S,
                "evaluating": 0.5 + scored * EVALUATE_S_PER_SAMPLE * models,
                "walk-forward": 0.0,  # set from the measured fit once training has finished
                "saving": 0.5 + total * SAVE_S_PER_SAMPLE,
            }
        )

    def _left_after(self, stage: str) -> float:
        later = self.stages[self.stages.index(stage) + 1 :] if stage in self.stages else ()
        return sum(self.expected.get(s, 0.0) for s in later) * self.pace

    def _enter(self, stage: str, now: float) -> None:
        if stage == self.current:
            return
        # The model build and trace is about the same work on every run: how much longer it
        # took than on the idle box says how busy the machine is now, the first estimate of
        # the pace of the stages after training.
        counted = AFTER_TRAINING if self._planned else (*AFTER_TRAINING, "building")
        if self.current in counted and self.expected.get(self.current):
            self._spent += now - self.since
            self._planned += self.expected[self.current]
            self.pace = min(10.0, max(0.3, self._spent / self._planned))
        self.current, self.since = stage, now

    def emit(self, event: dict) -> None:
        """Forward `event` with the job's progress added (stage and epoch events)."""
        now = time.perf_counter()
        kind = event.get("type")
        if kind == "stage":
            stage = str(event.get("stage", "")).split(" ")[0]
            self._enter(stage, now)
            expected = self.expected.get(stage)
            extra: dict = {"at": time.time()}
            if stage in self.stages:
                extra.update(step=self.stages.index(stage) + 1, steps=len(self.stages))
            if expected is not None:
                scaled = expected * (self.pace if stage in AFTER_TRAINING else 1.0)
                extra["expected_s"] = round(scaled, 2)
                done, total = event.get("done"), event.get("total")
                fraction = done / total if done is not None and total else 0.0
                left_here = scaled * (1.0 - fraction)
                if stage in AFTER_TRAINING or self.training_left is not None:
                    if stage == "training" and self.training_left is not None:
                        left_here = self.training_left
                    extra["job_eta_s"] = round(left_here + self._left_after(stage), 1)
            event = {**event, **extra}
        elif kind == "epoch":
            self._enter("training", now)
            self._epoch(event)
            left = self.training_left + self._left_after("training")
            event = {**event, "job_eta_s": round(left, 1), "at": time.time()}
        self._emit(event)

    def _epoch(self, event: dict) -> None:
        """Training seconds left (this network's epochs and the networks after it), and the
        predicting stage's estimate from the measured time per epoch."""
        done, epochs = event["epoch"], max(1, event["epochs"])
        per_epoch = event.get("elapsed_s", 0.0) / max(1, done)
        member, members = event.get("member") or 1, event.get("members") or 1
        self.training_left = event.get("eta_s", 0.0) + (members - member) * per_epoch * epochs
        n = self.samples
        passes = 3 * n.get("train", 0) + n.get("validation", 0)  # forward + backward ~ 3 forward
        if passes and per_epoch:
            forward = per_epoch / passes
            # in idle-box seconds, as every estimate (the epochs were timed at today's pace)
            measured = forward * sum(n.values()) * members / self.pace
            self.expected["predicting"] = TRACE_PREDICT_S + measured

    def folds_expected(self, folds: int, fit_s: float) -> None:
        """The walk-forward stage: each fold trains a network and its baselines again."""
        self.expected["walk-forward"] = folds * fit_s


def stop_callback(stop: StopRequest):
    """Ends fit() at the next batch when the user asks to stop and keep the best epoch so far
    (riskcore.stopping.stop_requested), then restores the weights of the epoch with the lowest
    validation loss. EarlyStopping would restore those too, but runs without patience have
    none, and this one also records where training stopped (`stop`)."""
    import keras

    class _StopKeepBest(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.best, self.weights, self.best_epoch = np.inf, None, None
            self.asked = False

        def _check(self) -> None:
            if not self.asked and stop.asked():
                self.asked = True
                self.model.stop_training = True

        def on_train_batch_end(self, batch, logs=None):
            self._check()

        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            loss = logs.get("val_loss", logs.get("loss"))
            if loss is not None and np.isfinite(loss) and loss < self.best:
                self.best, self.best_epoch = float(loss), epoch + 1
                self.weights = self.model.get_weights()
            self._check()
            if self.asked and stop.at_epoch is None:
                stop.at_epoch, stop.best_epoch = epoch + 1, self.best_epoch

        def on_train_end(self, logs=None):
            if self.asked and self.weights is not None:
                self.model.set_weights(self.weights)

    return _StopKeepBest()


@dataclass
class StopRequest:
    """The user's "stop and keep the best epoch so far": `asked` polls for it (in a worker,
    riskcore.stopping.stop_requested); after the fit it says where training stopped."""

    asked: Callable[[], bool] = lambda: False
    at_epoch: int | None = None  # epochs the stopped network had run (the last one partly)
    best_epoch: int | None = None  # the epoch whose weights were kept (lowest val_loss)
    network: int | None = None  # in a seed ensemble: the network that was training

    @property
    def stopped(self) -> bool:
        return self.at_epoch is not None

    def record(self, planned_epochs: int, networks: int) -> dict | None:
        """meta.json / metrics.json "stopped_early": where the user stopped, None otherwise."""
        if not self.stopped:
            return None
        return {
            "epoch": self.at_epoch,
            "best_epoch": self.best_epoch,
            "epochs": planned_epochs,
            "network": self.network,
            "networks": networks,
        }


def progress_callback(emit: Emit, epochs: int, batches: int, stage: str | None = None):
    """A Keras callback that turns fit() into epoch / batch events with an ETA; with `stage`,
    that stage event goes out after the first batch (the model is built and traced by then)."""
    import keras

    class _Progress(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start = time.perf_counter()
            self.last_batch_emit = 0.0
            self.epoch = 0
            self.first = stage

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch + 1

        def on_train_batch_end(self, batch, logs=None):
            now = time.perf_counter()
            if self.first is not None:
                emit({"type": "stage", "stage": self.first})
                self.first = None
            if now - self.last_batch_emit > 0.5:
                self.last_batch_emit = now
                emit(
                    {
                        "type": "batch",
                        "epoch": self.epoch,
                        "epochs": epochs,
                        "batch": batch + 1,
                        "batches": batches,
                    }
                )

        def on_epoch_end(self, epoch, logs=None):
            elapsed = time.perf_counter() - self.start
            done = epoch + 1
            emit(
                {
                    "type": "epoch",
                    "epoch": done,
                    "epochs": epochs,
                    "logs": {k: float(v) for k, v in (logs or {}).items()},
                    "elapsed_s": elapsed,
                    "eta_s": elapsed / done * (epochs - done),
                }
            )

    return _Progress()


# ---- fitting --------------------------------------------------------------------------------
def schedule_callbacks(config: RunConfig) -> list:
    """Early stopping on validation loss (best weights restored) and the learning-rate schedule."""
    import keras

    t = config.training
    out = []
    if t.patience > 0:
        out.append(
            keras.callbacks.EarlyStopping(
                monitor="val_loss", patience=t.patience, restore_best_weights=True
            )
        )
    if t.lr_schedule == "plateau":
        out.append(
            keras.callbacks.ReduceLROnPlateau(
                monitor="val_loss",
                factor=0.5,
                patience=max(1, t.patience // 2),
                min_lr=t.learning_rate / 64,
            )
        )
    elif t.lr_schedule == "cosine":
        out.append(
            keras.callbacks.LearningRateScheduler(
                lambda epoch: t.learning_rate * 0.5 * (1 + np.cos(np.pi * epoch / t.epochs))
            )
        )
    return out


def fit_model(
    config: RunConfig,
    ds: Dataset,
    split: dict[str, np.ndarray],
    emit: Emit,
    stop: StopRequest | None = None,
):
    """The Keras model on one split: one network, or a seed ensemble of `training.ensemble`
    networks (seeds seed, seed + 1, ...) combined into one model. Returns (model, history);
    an ensemble's history has a `member` column. When the user stops early (`stop`), the
    network training then keeps its best epoch and the networks after it are not trained."""
    import keras

    from riskcore.ensemble import MEMBER, combine
    from riskcore.model import input_shapes

    k, seed = config.training.ensemble, config.training.seed
    if k == 1:
        return _fit_network(config, ds, split, emit, seed, stop=stop, stage="training")
    members, histories = [], []
    for i in range(k):
        keras.utils.set_random_seed(seed + i)

        def member_emit(event: dict, i: int = i) -> None:
            emit({**event, "member": i + 1, "members": k} if event["type"] == "epoch" else event)

        model, history = _fit_network(
            config,
            ds,
            split,
            member_emit,
            seed + i,
            name=MEMBER.format(i + 1),
            stop=stop,
            stage=f"training network {i + 1} of {k}",
        )
        members.append(model)
        histories.append(history.assign(member=i + 1))
        if stop is not None and stop.stopped:
            stop.network = i + 1
            break
    history = pd.concat(histories, ignore_index=True)
    if len(members) == 1:  # stopped during the first network: it is the model
        return members[0], history
    panel = ds.panel
    shapes = input_shapes(panel.names, panel.input_names, panel.window)
    return combine(members, shapes), history


def _fit_network(
    config: RunConfig,
    ds: Dataset,
    split: dict[str, np.ndarray],
    emit: Emit,
    seed: int,
    name: str = "risklens",
    stop: StopRequest | None = None,
    stage: str | None = None,
):
    """Train one network with early stopping and the configured schedule; `stage` goes out
    after its first batch (riskcore.train.progress_callback), `stop` ends it early."""
    from riskcore.batches import WindowBatches, balanced_class_weight
    from riskcore.model import build_model, input_shapes

    t = config.training
    panel = ds.panel
    weights = None
    if config.task == "classification" and t.class_weight == "balanced" and not t.oversample:
        weights = balanced_class_weight(panel.y[split["train"]])
    train = WindowBatches(
        panel,
        split["train"],
        t.batch_size,
        shuffle=True,
        seed=seed,
        class_weight=weights,
        oversample=t.oversample and config.task == "classification",
    )
    val = WindowBatches(panel, split["validation"], max(t.batch_size, 1024))
    shapes = input_shapes(panel.names, panel.input_names, panel.window)
    scale = (0.0, 1.0)
    if config.task == "quantile":
        points = QuantileGrid.of(config.quantiles).points
        scale = target_scale(panel.y[split["train"]], points)

    def build():
        return build_model(config, shapes, scale, name=name)

    strategy = make_strategy(t.distribute)
    if strategy is None:
        model = build()
    else:
        with strategy.scope():
            model = build()
    if t.distribute == "multi_worker":
        sample_weight = None
        if weights is not None:
            sample_weight = np.where(panel.y == 1, weights[1], weights[0])
        history = fit_multi_worker(model, strategy, config, panel, split, sample_weight, emit)
    else:
        callbacks = [
            progress_callback(emit, t.epochs, len(train), stage),
            *schedule_callbacks(config),
            *([stop_callback(stop)] if stop is not None else []),
        ]
        hist = model.fit(
            train, validation_data=val, epochs=t.epochs, verbose=0, callbacks=callbacks
        )
        history = pd.DataFrame(hist.history)
        history.insert(0, "epoch", np.arange(1, len(history) + 1))
    if strategy is not None:
        model = single_device_copy(model, build)
    return model, history


def _evaluate(config: RunConfig, ds: Dataset, ends: np.ndarray, scores: dict, boot: bool):
    """Point metrics of every model; on test also block-bootstrap intervals and paired
    differences of the deep model against each comparator (riskcore.bootstrap)."""
    y = ds.panel.y[ends]
    if not boot:
        return {
            name: point_scores(y, raw, prob, config.task) for name, (raw, prob) in scores.items()
        }
    return evaluate_models(y, scores, config.task, resampling(config, ds, ends), "model")


def resampling(config: RunConfig, ds: Dataset, ends: np.ndarray) -> Resampling:
    """Blocks of dates for time splits (labels overlap over the horizon); rows otherwise."""
    seed = config.training.seed
    if ds.panel.time is None or config.split.scheme == "stratified":
        return Resampling(None, 1, N_BOOT, seed)
    return Resampling.by_date(ds.panel.time[ends], config.horizon, N_BOOT, seed)


def _score_all(model, panel: Panel, ends: np.ndarray) -> np.ndarray:
    from riskcore.batches import predict_scores

    return predict_scores(model, panel, ends)


def scored_positions(config: RunConfig, split_name: str, n: int) -> np.ndarray | None:
    """Which samples of a split get every model's scores (positions, ascending); None: all.

    All of validation and test. Of a classification run's training split, a seeded sample of
    TRAIN_SCORED once it is larger: nothing reads more of the training scores than the drift
    reference (REFERENCE_ROWS, the first rows of the same seeded permutation, so it lies in the
    sample) and row-level views, while scoring 674,000 training windows with every model was
    18-35 s of a 1M-row run and most of a 72 MB predictions.csv (issue 18). Regression and
    quantile runs keep every training score: their risk bands are quantiles of them
    (riskcore.report.bands.band_cuts).
    """
    if split_name != "train" or config.task != "classification" or n <= TRAIN_SCORED:
        return None
    return np.sort(_train_permutation(n, config.training.seed)[:TRAIN_SCORED])


def _train_permutation(n: int, seed: int) -> np.ndarray:
    """The one seeded order of the training samples that the reference and the scored
    sample are both prefixes of."""
    return np.random.default_rng(seed).permutation(n)


def _take(values: np.ndarray, positions: np.ndarray | None) -> np.ndarray:
    return values if positions is None else values[positions]


@dataclass
class Fitted:
    """A fitted split: the network, its history, every model's (raw, calibrated) scores per
    split, the calibrators, the one-number benchmark and the inputs that look like leaks."""

    model: object
    history: pd.DataFrame
    scores: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]
    calibrators: dict[str, Calibrator]
    benchmark: Benchmark | None
    leaks: list[dict]
    info: dict = field(default_factory=dict)  # what the VaR comparators say about their fits
    spread: dict[str, np.ndarray] = field(default_factory=dict)  # per split, ensembles only


def fit_and_score(
    config: RunConfig,
    ds: Dataset,
    split: dict[str, np.ndarray],
    emit: Emit,
    stop: StopRequest | None = None,
):
    """Deep model, baselines and benchmark on one split; calibrated on validation. Each part
    is a stage of its own with its steps counted (STAGES), for the job's progress and ETA."""
    emit({"type": "stage", "stage": "building"})
    model, history = fit_model(config, ds, split, emit, stop)
    n = len(SPLITS)
    emit({"type": "stage", "stage": "predicting", "done": 0, "total": n})
    if config.task == "quantile":
        forecasts, info = quantile_forecasts(config, ds, split, model, emit)
        return Fitted(model, history, forecasts, {}, None, [], info)
    panel = ds.panel
    raw, members = {}, {}
    for i, name in enumerate(SPLITS):
        ends = _take(split[name], scored_positions(config, name, len(split[name])))
        raw[name] = {"model": _score_all(model, panel, ends)}
        members[name] = member_scores(model, panel, ends)
        emit({"type": "stage", "stage": "predicting", "done": i + 1, "total": n})
    emit({"type": "stage", "stage": "baselines", "done": 0, "total": 2})
    tabular = {name: panel.tabular(split[name]) for name in SPLITS}
    x = {name: part[0] for name, part in tabular.items()}
    names = tabular["train"][1]
    y = {name: panel.y[split[name]] for name in SPLITS}
    base = fit_baselines(
        config.task,
        x["train"],
        y["train"],
        config.training.seed,
        balanced=config.training.class_weight == "balanced",
    )
    emit({"type": "stage", "stage": "baselines", "done": 1, "total": 2})
    for name in SPLITS:
        scored = _take(x[name], scored_positions(config, name, len(x[name])))
        raw[name].update(baseline_scores(base, scored, config.task))
    emit({"type": "stage", "stage": "benchmark", "done": 0, "total": 2})
    sequence = panel.names["sequence"] if panel.time is not None else []
    benchmark = fit_benchmark(config.task, x, y, names, sequence)
    classification = config.task == "classification"
    emit({"type": "stage", "stage": "benchmark", "done": 1, "total": 2})
    leaks = leak_suspects(x["train"], y["train"], names, sequence) if classification else []
    if classification:
        emit({"type": "stage", "stage": "calibration"})
    calibrators = {
        m: fit_calibrator(y["validation"], raw["validation"][m], config.training.calibration)
        if classification
        else Calibrator()
        for m in raw["validation"]
    }
    scores = {
        name: {m: (r, calibrators[m].apply(r)) for m, r in raw[name].items()} for name in SPLITS
    }
    if benchmark is not None:
        for name in SPLITS:
            scored = _take(x[name], scored_positions(config, name, len(x[name])))
            b = benchmark.predict(scored, config.task)
            scores[name]["benchmark"] = (b, b)
    uncertainty = {name: spread(m, calibrators["model"].apply) for name, m in members.items()}
    uncertainty = {name: sd for name, sd in uncertainty.items() if sd is not None}
    return Fitted(model, history, scores, calibrators, benchmark, leaks, spread=uncertainty)


def _walk_forward(config: RunConfig, ds: Dataset, emit: Emit) -> dict:
    """Metrics per rolling-origin fold and their mean and standard deviation."""
    folds = []
    n = len(ds.folds)
    for k, fold in enumerate(ds.folds, start=1):
        emit({"type": "stage", "stage": f"walk-forward fold {k} of {n}", "done": k - 1, "total": n})
        fitted = fit_and_score(config, ds, fold, _quiet)
        folds.append(_evaluate(config, ds, fold["test"], fitted.scores["test"], False))
    summary = {}
    for model_name in folds[0]:
        for metric in folds[0][model_name]:
            values = [f.get(model_name, {}).get(metric, np.nan) for f in folds]
            summary.setdefault(model_name, {})[metric] = {
                "mean": float(np.nanmean(values)),
                "sd": float(np.nanstd(values)),
            }
    return {"folds": folds, "summary": summary}


def _predictions(
    ds: Dataset, split: dict, scores: dict, task: str, spread: dict | None = None
) -> pd.DataFrame:
    """One row per scored sample (scored_positions: a large training split is a sample):
    calibrated scores in the SCORE_COLUMNS, raw ones beside them, and an ensemble's spread
    across its networks (in calibrated-score units) in `model_sd`."""
    parts = []
    panel = ds.panel
    for name in SPLITS:
        ends = _take(split[name], scored_positions(ds.config, name, len(split[name])))
        columns = {
            "time": panel.time[ends] if panel.time is not None else pd.NaT,
            "entity": panel.entity[ends],
            "split": name,
            "y_true": panel.y[ends],
        }
        for model_name, (raw, prob) in scores[name].items():
            columns[SCORE_COLUMNS[model_name]] = prob
            if task == "classification" and model_name != "benchmark":
                columns[raw_column(model_name)] = raw
        if spread:
            columns[SPREAD_COLUMN] = spread[name]
        parts.append(pd.DataFrame({**columns, "row": ends}))
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["time", "entity"] if panel.time is not None else ["row"]).reset_index(
        drop=True
    )


def run_warnings(config: RunConfig, ds: Dataset, metrics: dict, leaks: list[dict]) -> list[dict]:
    """What makes a result too good to be true or changes what it means, for every surface
    (Results page, `train` output, report): single inputs that alone separate the training
    labels, a model near-perfect on validation, a test event rate far from training's."""
    out = [{"kind": "leak_input", **leak} for leak in leaks]
    if config.task != "classification":
        return out
    for name, entry in metrics["validation"].items():
        auc = entry.get("roc_auc", np.nan)
        if np.isfinite(auc) and auc >= TOO_GOOD_AUC:
            out.append({"kind": "too_good_model", "model": name, "roc_auc": float(auc)})
    summary = ds.summary()
    train_rate = summary["train"].get("event_rate")
    test_rate = summary["test"].get("event_rate")
    if M.event_rate_shift(train_rate, test_rate):
        out.append({"kind": "event_rate_shift", "train": train_rate, "test": test_rate})
    return out


def reference_sample(
    ds: Dataset, train_scores: np.ndarray, seed: int, size: int = REFERENCE_ROWS
) -> pd.DataFrame:
    """Training inputs and scores kept with the run, the baseline for PSI drift on new data.

    `train_scores`: one per training sample, or one per scored sample (scored_positions),
    which holds the reference's rows whenever `size` <= TRAIN_SCORED."""
    ends = ds.splits["train"]
    pick = _train_permutation(len(ends), seed)[:size]
    at = pick
    if len(train_scores) != len(ends):  # the scored sample's: find the reference rows in it
        scored = scored_positions(ds.config, "train", len(ends))
        if scored is None or len(train_scores) != len(scored):
            raise ValueError("train_scores must score every training sample or the scored ones")
        at = np.minimum(np.searchsorted(scored, pick), len(scored) - 1)
        if not np.array_equal(scored[at], pick):
            raise ValueError("the reference rows lie outside the scored training sample")
    return pd.concat(
        [feature_frame(ds.panel, ends[pick]), pd.DataFrame({"score": train_scores[at]})], axis=1
    )


def feature_frame(panel: Panel, ends: np.ndarray) -> pd.DataFrame:
    """Each input feature's value at the sample's last row, one column per feature (for PSI)."""
    cols = {}
    for block in panel.input_names:
        values = panel.blocks[block][ends]
        for i, name in enumerate(panel.names[block]):
            cols[name] = values[:, i]
    return pd.DataFrame(cols)


def _versions() -> dict:
    out = {"python": platform.python_version()}
    for pkg in VERSIONED:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def _recommended(config: RunConfig, ds: Dataset, scores: dict, validation: dict) -> dict | None:
    """The model to use, by its validation headline metric (riskcore.recommend): raw scores,
    as the point metrics rank them; block resamples of the validation dates."""
    metric = M.HEADLINE[config.task]
    ends = ds.splits["validation"]
    raw = {name: r for name, (r, _) in scores.items()}
    samples = headline_resamples(config.task, ds.panel.y[ends], raw, resampling(config, ds, ends))
    values = {name: validation.get(name, {}).get(metric, np.nan) for name in raw}
    return recommend(metric, values, samples)


def _run_metrics(
    config: RunConfig, ds: Dataset, fitted: Fitted, emit: Emit, folds: bool = True
) -> dict:
    """metrics.json: test and validation metrics with intervals, the paired differences,
    calibration, warnings and the walk-forward folds (unless `folds` is False: a run the
    user stopped early skips their trainings)."""
    if config.task == "quantile":
        return quantile_metrics(config, ds, fitted.scores, fitted.info, resampling)
    scores = fitted.scores
    test_ends = ds.splits["test"]
    test = _evaluate(config, ds, test_ends, scores["test"], True)
    emit({"type": "stage", "stage": "evaluating", "done": 1, "total": 3})
    metrics = {
        "task": config.task,
        "rows": {k: len(v) for k, v in ds.splits.items()},
        "test": test,
        "paired": test.pop("paired", {}),  # deep model minus each comparator, same resamples
        "validation": _evaluate(config, ds, ds.splits["validation"], scores["validation"], False),
        "intervals": resampling(config, ds, test_ends).describe(),
        "calibration": {"method": config.training.calibration, "fitted_on": "validation"}
        if config.task == "classification"
        else None,
    }
    if fitted.benchmark is not None:
        for part in ("test", "validation"):
            metrics[part]["benchmark"].update(fitted.benchmark.describe())
    emit({"type": "stage", "stage": "evaluating", "done": 2, "total": 3})
    metrics["recommended"] = _recommended(config, ds, scores["validation"], metrics["validation"])
    metrics["warnings"] = run_warnings(config, ds, metrics, fitted.leaks)
    if ds.folds and folds:
        metrics["walk_forward"] = _walk_forward(config, ds, emit)
    return metrics


def train_run(
    config: RunConfig,
    primary: pd.DataFrame,
    macro: pd.DataFrame | None = None,
    sentiment: pd.DataFrame | None = None,
    *,
    store: RunStore | None = None,
    sources: list[dict] | None = None,
    emit: Emit = _quiet,
    owner: str | None = None,
    name: str | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> str:
    """Train, evaluate and save one run; returns its id. Nothing is saved unless all succeeds.

    `name`: the user's name for the run (riskcore.store.check_run_name). `should_stop`: polled
    during the fit; once it returns True the network keeps its best epoch so far, the later
    stages (baselines, calibration, intervals, saving) run as usual, walk-forward folds are
    skipped, and meta.json and metrics.json record "stopped_early".

    Under a multi-worker strategy every worker runs all of this (the collective ops need each
    of them), and only the chief writes the run: the others return "".
    """
    store = store or RunStore()
    name = check_run_name(name)  # a bad name fails now, not after the fit
    store.check_writable()  # an unwritable or full runs folder fails now, not after the fit
    clock = JobClock(emit, config, len(primary))
    emit = clock.emit
    stop = StopRequest(should_stop) if should_stop is not None else None
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    emit({"type": "stage", "stage": "preparing"})
    ds = prepare(config, primary, macro, sentiment)
    clock.plan(ds)
    timings["prepare_s"] = time.perf_counter() - t0
    emit({"type": "stage", "stage": "device"})
    device = choose_device()
    strategy = make_strategy(config.training.distribute)
    seed_everything(config.training.seed, deterministic=device["device"] == "CPU")
    t1 = time.perf_counter()
    fitted = fit_and_score(config, ds, ds.splits, emit, stop)
    model, history = fitted.model, fitted.history
    timings["fit_s"] = time.perf_counter() - t1
    stopped = stop.record(config.training.epochs, config.training.ensemble) if stop else None
    if ds.folds:
        clock.folds_expected(0 if stopped else len(ds.folds), timings["fit_s"])
    emit({"type": "stage", "stage": "evaluating", "done": 0, "total": 3})
    metrics = _run_metrics(config, ds, fitted, emit, folds=stopped is None)
    if stopped:
        metrics["stopped_early"] = stopped
    timings["total_s"] = time.perf_counter() - t0
    meta = _run_meta(ds, model, history, timings, device, strategy, config) | {
        "name": name,
        "stopped_early": stopped,  # where the user stopped and kept the best epoch; None
        "files": sources or [],
        "owner": owner,  # opaque dashboard session id: each session lists its own runs
    }
    if not is_chief(strategy):  # every worker trains alike; only the chief writes the run
        emit({"type": "done", "run_id": ""})
        return ""
    run_id = _save_run(store, config, ds, fitted, metrics, meta, (primary, macro, sentiment), emit)
    emit({"type": "done", "run_id": run_id})
    return run_id


def _run_meta(ds, model, history, timings, device, strategy, config: RunConfig) -> dict:
    """meta.json's facts about how and where the run was trained (train_run adds who and what)."""
    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **device,
        "target": config.data.target.kind,
        "summary": ds.summary(),
        "parameters": int(model.count_params()),
        "epochs_run": len(history),
        "networks": config.training.ensemble,
        "timings": timings,
        "versions": _versions(),
        "distribute": describe_strategy(strategy),
    }


def _save_run(
    store: RunStore,
    config: RunConfig,
    ds: Dataset,
    fitted: Fitted,
    metrics: dict,
    meta: dict,
    frames: tuple,
    emit: Emit,
) -> str:
    """Write the run's files in one sealed folder (RunStore.writer); returns its id."""
    primary, macro, sentiment = frames
    scores = fitted.scores
    emit({"type": "stage", "stage": "saving", "done": 0, "total": 4})
    with store.writer() as w:
        w.write_json("config.json", config.model_dump(mode="json"))
        w.write_json(
            "preprocessing.json",
            {
                **ds.state(),
                "calibration": {m: c.to_dict() for m, c in fitted.calibrators.items()},
            },
        )
        w.write_json("metrics.json", metrics)
        w.write_json("meta.json", meta)
        w.write_csv("history.csv", fitted.history)
        if config.task == "quantile":
            predictions = quantile_predictions(config, ds, ds.splits, scores)
            train_scores = scores["train"]["model"].headline
        else:
            predictions = _predictions(ds, ds.splits, scores, config.task, fitted.spread)
            train_scores = scores["train"]["model"][1]
        w.write_csv("predictions.csv", predictions)
        emit({"type": "stage", "stage": "saving", "done": 1, "total": 4})
        w.write_csv("reference.csv", reference_sample(ds, train_scores, config.training.seed))
        w.write_inputs({"primary": primary, "macro": macro, "sentiment": sentiment})
        emit({"type": "stage", "stage": "saving", "done": 2, "total": 4})
        w.save_model(fitted.model)
        emit({"type": "stage", "stage": "saving", "done": 3, "total": 4})
        return w.run_id


def training_task(payload: dict, emit: Emit) -> str:
    """Worker-process entry (riskcore.jobs): payload holds the config JSON, the frames and
    the run's name; the user's "stop and keep the best epoch" arrives through
    riskcore.stopping.stop_requested."""
    from riskcore.config import parse_config
    from riskcore.stopping import stop_requested

    config = parse_config(payload["config"])
    return train_run(
        config,
        payload["primary"],
        payload.get("macro"),
        payload.get("sentiment"),
        store=RunStore.for_job(payload),
        sources=payload.get("sources"),
        emit=emit,
        owner=payload.get("owner"),
        name=payload.get("name"),
        should_stop=stop_requested,
    )
