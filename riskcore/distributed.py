"""Training beyond one device: tf.distribute strategies for `training.distribute`.

"mirrored": every local GPU (or, without one, every logical CPU device) holds a replica; Keras'
own fit works under MirroredStrategy. "multi_worker": MultiWorkerMirroredStrategy across the
processes named in TF_CONFIG. Keras 3's fit does not run under that strategy (keras-team/keras
#20585: PerReplica values reach a tensor conversion), so multi-worker training uses a small
custom loop: a tf.data pipeline that gathers windows from the row matrix per batch (lazy, as
PyDataset does), sharded per worker, a fixed number of steps per epoch on every worker (so the
collective all-reduce never waits for a worker that ran out of data), and early stopping on the
validation loss with the best weights restored, as in the single-device path.

Either way the caller gets back a plain single-device model with the trained weights, so
scoring, saving and explanations never run inside a strategy.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from riskcore.config import RunConfig
from riskcore.dataset import Panel
from riskcore.errors import ConfigError

Emit = Callable[[dict], None]


@cache
def make_strategy(kind: str):
    """The tf.distribute strategy for a `training.distribute` value ("none" -> None).

    One per process: TensorFlow allows a multi-worker strategy to be created only once.
    """
    import tensorflow as tf

    if kind == "none":
        return None
    if kind == "mirrored":
        devices = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
        return tf.distribute.MirroredStrategy([d.name for d in devices])
    if not os.environ.get("TF_CONFIG"):
        raise ConfigError(
            "training.distribute 'multi_worker' needs the TF_CONFIG environment variable "
            '(e.g. {"cluster": {"worker": ["host1:port", "host2:port"]}, "task": {"type": '
            '"worker", "index": 0}}) on every worker; set it, or use "mirrored" or "none"'
        )
    try:
        json.loads(os.environ["TF_CONFIG"])
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"TF_CONFIG is not valid JSON ({exc.msg}); fix it on every worker"
        ) from None
    return tf.distribute.MultiWorkerMirroredStrategy()


def _resolver(strategy: Any):
    """The cluster resolver of a multi-worker strategy, else None."""
    import tensorflow as tf

    if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        return strategy.cluster_resolver
    return None


def is_chief(strategy: Any) -> bool:
    """Only the chief (worker 0, or the "chief" task) writes the run; others train only."""
    resolver = _resolver(strategy)
    if resolver is None or not resolver.task_type or resolver.task_type == "chief":
        return True
    has_chief = "chief" in resolver.cluster_spec().as_dict()
    return resolver.task_type == "worker" and resolver.task_id == 0 and not has_chief


def describe_strategy(strategy: Any) -> dict:
    """What meta.json records about the distribution."""
    if strategy is None:
        return {"strategy": "none", "replicas": 1}
    resolver = _resolver(strategy)
    out = {
        "strategy": "mirrored" if resolver is None else "multi_worker",
        "replicas": int(strategy.num_replicas_in_sync),
    }
    if resolver is not None and resolver.task_type:
        out["workers"] = len(resolver.cluster_spec().as_dict().get("worker", []))
        out["task"] = f"{resolver.task_type}:{resolver.task_id}"
    return out


def single_device_copy(model: Any, build: Callable[[], Any]) -> Any:
    """A model built outside any strategy, holding the trained weights."""
    plain = build()
    plain.set_weights(model.get_weights())
    return plain


# ---- the multi-worker loop -------------------------------------------------------------------
def _pipeline(panel: Panel, ends: np.ndarray, weights: np.ndarray | None, batch: int, seed: int):
    """tf.data.Dataset of (inputs, label, weight) gathered per batch from the row matrix."""
    import tensorflow as tf

    blocks = {b: tf.constant(panel.blocks[b]) for b in panel.input_names}
    offsets = tf.range(-panel.window + 1, 1, dtype=tf.int64)
    y = tf.constant(panel.y.astype(np.float32))
    w = tf.constant(
        np.ones(len(panel.y), np.float32) if weights is None else weights.astype(np.float32)
    )

    def gather(idx):
        x = {
            b: tf.gather(t, idx[:, None] + offsets) if b == "sequence" else tf.gather(t, idx)
            for b, t in blocks.items()
        }
        return x, tf.gather(y, idx), tf.gather(w, idx)

    def per_worker(context):
        data = tf.data.Dataset.from_tensor_slices(np.asarray(ends, np.int64))
        data = data.shard(context.num_input_pipelines, context.input_pipeline_id)
        data = data.shuffle(len(ends), seed=seed, reshuffle_each_iteration=True).repeat()
        return data.batch(context.get_per_replica_batch_size(batch)).map(gather).prefetch(2)

    return per_worker


def fit_multi_worker(
    model: Any,
    strategy: Any,
    config: RunConfig,
    panel: Panel,
    split: dict[str, np.ndarray],
    sample_weight: np.ndarray | None,
    emit: Emit,
) -> pd.DataFrame:
    """Train `model` (built in strategy.scope()) with a custom loop; returns the history."""
    import tensorflow as tf

    t = config.training
    steps = max(1, len(split["train"]) // t.batch_size)
    data = strategy.distribute_datasets_from_function(
        _pipeline(panel, split["train"], sample_weight, t.batch_size, t.seed)
    )
    iterator = iter(data)
    loss_fn = model.loss

    def replica_step(x, y, w):
        with tf.GradientTape() as tape:
            pred = tf.reshape(model(x, training=True), [-1])
            per_example = loss_fn.call(y[:, None], pred[:, None]) * w
            loss = tf.nn.compute_average_loss(per_example, global_batch_size=t.batch_size)
            if model.losses:
                loss += tf.nn.scale_regularization_loss(tf.add_n(model.losses))
        grads = tape.gradient(loss, model.trainable_variables)
        model.optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss

    @tf.function
    def train_step(batch):
        x, y, w = batch
        losses = strategy.run(replica_step, args=(x, y, w))
        return strategy.reduce(tf.distribute.ReduceOp.SUM, losses, axis=None)

    val = split["validation"]
    y_val = panel.y[val].astype(np.float32)
    records, best, best_weights, waited = [], np.inf, None, 0
    start = time.perf_counter()
    for epoch in range(1, t.epochs + 1):
        total = 0.0
        for _ in range(steps):
            total += float(train_step(next(iterator)))
        scores = _local_scores(model, panel, val)
        val_loss = float(np.mean(loss_fn.call(y_val[:, None], scores[:, None])))
        logs = {"loss": total / steps, "val_loss": val_loss, **_val_metric(config, y_val, scores)}
        records.append({"epoch": epoch, **logs})
        elapsed = time.perf_counter() - start
        emit(
            {
                "type": "epoch",
                "epoch": epoch,
                "epochs": t.epochs,
                "logs": logs,
                "elapsed_s": elapsed,
                "eta_s": elapsed / epoch * (t.epochs - epoch),
            }
        )
        if val_loss < best:
            best, best_weights, waited = val_loss, model.get_weights(), 0
        else:
            waited += 1
            if t.patience and waited >= t.patience:
                break
    if t.patience and best_weights is not None:
        model.set_weights(best_weights)
    return pd.DataFrame(records)


def _local_scores(model: Any, panel: Panel, ends: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """Scores computed on this worker alone: model.predict would enter the strategy."""
    parts = [
        np.asarray(model(panel.inputs(ends[i : i + chunk]), training=False)).reshape(-1)
        for i in range(0, len(ends), chunk)
    ]
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)


def _val_metric(config: RunConfig, y: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import roc_auc_score, root_mean_squared_error

    if config.task == "classification":
        return {"val_auc": float(roc_auc_score(y, scores)) if len(set(y)) == 2 else float("nan")}
    return {"val_rmse": float(root_mean_squared_error(y, scores))}
