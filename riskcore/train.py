"""Fit a run end to end: prepare, train the Keras model and the baselines, evaluate, save.

Progress goes out as small dicts through one `emit` callable, the single protocol that the CLI
(rich progress bar) and the dashboard (worker-process job) both consume:
  {"type": "stage", "stage": "preparing" | "training" | "baselines" | "evaluating" | "saving"}
  {"type": "epoch", "epoch": 3, "epochs": 50, "logs": {...}, "elapsed_s": 12.0, "eta_s": 190.0}
  {"type": "batch", "epoch": 3, "batch": 10, "batches": 120}
  {"type": "done", "run_id": "..."}
riskcore.artefacts reads them as typed models (ProgressEvent).
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
from riskcore.store import SCORE_COLUMNS, SPREAD_COLUMN, RunStore, raw_column

Emit = Callable[[dict], None]
N_BOOT = 200
TOO_GOOD_AUC = 0.99  # validation ROC-AUC at which a result is more likely a leak than a model
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
def progress_callback(emit: Emit, epochs: int, batches: int):
    """A Keras callback that turns fit() into epoch / batch events with an ETA."""
    import keras

    class _Progress(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start = time.perf_counter()
            self.last_batch_emit = 0.0
            self.epoch = 0

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch + 1

        def on_train_batch_end(self, batch, logs=None):
            now = time.perf_counter()
            if now - self.last_batch_emit > 0.5:
                self.last_batch_emit = now
                emit({"type": "batch", "epoch": self.epoch, "batch": batch + 1, "batches": batches})

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


def fit_model(config: RunConfig, ds: Dataset, split: dict[str, np.ndarray], emit: Emit):
    """The Keras model on one split: one network, or a seed ensemble of `training.ensemble`
    networks (seeds seed, seed + 1, ...) combined into one model. Returns (model, history);
    an ensemble's history has a `member` column."""
    import keras

    from riskcore.ensemble import MEMBER, combine
    from riskcore.model import input_shapes

    k, seed = config.training.ensemble, config.training.seed
    if k == 1:
        return _fit_network(config, ds, split, emit, seed)
    members, histories = [], []
    for i in range(k):
        emit({"type": "stage", "stage": f"training network {i + 1} of {k}"})
        keras.utils.set_random_seed(seed + i)

        def member_emit(event: dict, i: int = i) -> None:
            emit({**event, "member": i + 1, "members": k} if event["type"] == "epoch" else event)

        model, history = _fit_network(
            config, ds, split, member_emit, seed + i, name=MEMBER.format(i + 1)
        )
        members.append(model)
        histories.append(history.assign(member=i + 1))
    panel = ds.panel
    shapes = input_shapes(panel.names, panel.input_names, panel.window)
    history = pd.concat(histories, ignore_index=True)
    return combine(members, shapes), history


def _fit_network(
    config: RunConfig,
    ds: Dataset,
    split: dict[str, np.ndarray],
    emit: Emit,
    seed: int,
    name: str = "risklens",
):
    """Train one network with early stopping and the configured schedule."""
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
        callbacks = [progress_callback(emit, t.epochs, len(train)), *schedule_callbacks(config)]
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


def fit_and_score(config: RunConfig, ds: Dataset, split: dict[str, np.ndarray], emit: Emit):
    """Deep model, baselines and benchmark on one split; calibrated on validation."""
    emit({"type": "stage", "stage": "training"})
    model, history = fit_model(config, ds, split, emit)
    if config.task == "quantile":
        forecasts, info = quantile_forecasts(config, ds, split, model, emit)
        return Fitted(model, history, forecasts, {}, None, [], info)
    emit({"type": "stage", "stage": "baselines"})
    panel = ds.panel
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
    sequence = panel.names["sequence"] if panel.time is not None else []
    benchmark = fit_benchmark(config.task, x, y, names, sequence)
    raw, members = {}, {}
    for name in SPLITS:
        raw[name] = {"model": _score_all(model, panel, split[name])}
        raw[name].update(baseline_scores(base, x[name], config.task))
        members[name] = member_scores(model, panel, split[name])
    classification = config.task == "classification"
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
            b = benchmark.predict(x[name], config.task)
            scores[name]["benchmark"] = (b, b)
    uncertainty = {name: spread(m, calibrators["model"].apply) for name, m in members.items()}
    uncertainty = {name: sd for name, sd in uncertainty.items() if sd is not None}
    leaks = leak_suspects(x["train"], y["train"], names, sequence) if classification else []
    return Fitted(model, history, scores, calibrators, benchmark, leaks, spread=uncertainty)


def _walk_forward(config: RunConfig, ds: Dataset, emit: Emit) -> dict:
    """Metrics per rolling-origin fold and their mean and standard deviation."""
    folds = []
    for k, fold in enumerate(ds.folds, start=1):
        emit({"type": "stage", "stage": f"walk-forward fold {k} of {len(ds.folds)}"})
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
    """One row per sample: calibrated scores in the SCORE_COLUMNS, raw ones beside them, and
    an ensemble's spread across its networks (in calibrated-score units) in `model_sd`."""
    parts = []
    panel = ds.panel
    for name in SPLITS:
        ends = split[name]
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
    ds: Dataset, train_scores: np.ndarray, seed: int, size: int = 5000
) -> pd.DataFrame:
    """Training inputs and scores kept with the run, the baseline for PSI drift on new data."""
    ends = ds.splits["train"]
    pick = np.random.default_rng(seed).permutation(len(ends))[:size]
    return pd.concat(
        [feature_frame(ds.panel, ends[pick]), pd.DataFrame({"score": train_scores[pick]})], axis=1
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


def _run_metrics(config: RunConfig, ds: Dataset, fitted: Fitted, emit: Emit) -> dict:
    """metrics.json: test and validation metrics with intervals, the paired differences,
    calibration, warnings and the walk-forward folds."""
    if config.task == "quantile":
        return quantile_metrics(config, ds, fitted.scores, fitted.info, resampling)
    scores = fitted.scores
    test_ends = ds.splits["test"]
    test = _evaluate(config, ds, test_ends, scores["test"], True)
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
    metrics["recommended"] = _recommended(config, ds, scores["validation"], metrics["validation"])
    metrics["warnings"] = run_warnings(config, ds, metrics, fitted.leaks)
    if ds.folds:
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
) -> str:
    """Train, evaluate and save one run; returns its id. Nothing is saved unless all succeeds.

    Under a multi-worker strategy every worker runs all of this (the collective ops need each
    of them), and only the chief writes the run: the others return "".
    """
    store = store or RunStore()
    store.check_writable()  # an unwritable or full runs folder fails now, not after the fit
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    emit({"type": "stage", "stage": "preparing"})
    ds = prepare(config, primary, macro, sentiment)
    timings["prepare_s"] = time.perf_counter() - t0
    device = choose_device()
    strategy = make_strategy(config.training.distribute)
    seed_everything(config.training.seed, deterministic=device["device"] == "CPU")
    t1 = time.perf_counter()
    fitted = fit_and_score(config, ds, ds.splits, emit)
    model, history, scores = fitted.model, fitted.history, fitted.scores
    timings["fit_s"] = time.perf_counter() - t1
    emit({"type": "stage", "stage": "evaluating"})
    seed = config.training.seed
    metrics = _run_metrics(config, ds, fitted, emit)
    timings["total_s"] = time.perf_counter() - t0
    meta = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **device,
        "files": sources or [],
        "owner": owner,  # opaque dashboard session id: each session lists its own runs
        "target": config.data.target.kind,
        "summary": ds.summary(),
        "parameters": int(model.count_params()),
        "epochs_run": len(history),
        "networks": config.training.ensemble,
        "timings": timings,
        "versions": _versions(),
        "distribute": describe_strategy(strategy),
    }
    if not is_chief(strategy):  # every worker trains alike; only the chief writes the run
        emit({"type": "done", "run_id": ""})
        return ""
    emit({"type": "stage", "stage": "saving"})
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
        w.write_csv("history.csv", history)
        if config.task == "quantile":
            predictions = quantile_predictions(config, ds, ds.splits, scores)
            train_scores = scores["train"]["model"].headline
        else:
            predictions = _predictions(ds, ds.splits, scores, config.task, fitted.spread)
            train_scores = scores["train"]["model"][1]
        w.write_csv("predictions.csv", predictions)
        w.write_csv("reference.csv", reference_sample(ds, train_scores, seed))
        w.write_inputs({"primary": primary, "macro": macro, "sentiment": sentiment})
        w.save_model(model)
        run_id = w.run_id
    emit({"type": "done", "run_id": run_id})
    return run_id


def training_task(payload: dict, emit: Emit) -> str:
    """Worker-process entry (riskcore.jobs): payload holds the config JSON and the frames."""
    from riskcore.config import parse_config

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
    )
