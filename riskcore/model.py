"""The Keras model: one function builds the functional model from the config.

Sequence tower: stacked LSTM / GRU or causal dilated Conv1D layers (a TCN); with `wide` the
baselines' window statistics and the other inputs also enter the output layer directly.

Inputs and layers are named ("sequence", "macro", "risk_score", ...) so that SHAP outputs and
saved models are readable. Only stock Keras layers are used, so a saved model loads with
safe_mode=True and no custom objects. Recurrent layers keep the defaults that make them
eligible for the fused cuDNN kernel on a GPU (tanh / sigmoid, recurrent_dropout=0,
unroll=False); dropout is applied between layers instead of inside the cell for that reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from riskcore.config import RunConfig
from riskcore.quantiles import QuantileGrid

if TYPE_CHECKING:
    import keras

ATTENTION_LAYER = "attention_weights"
OUTPUT_LAYER = "risk_score"
TCN_KERNEL = 3
WINDOW_STATISTICS = 6  # last, mean, variance, min, max, mean |x| of each sequence feature


def _regularizer(config: RunConfig):
    import keras

    m = config.model
    return keras.regularizers.L1L2(l1=m.l1, l2=m.l2) if (m.l1 or m.l2) else None


def _dense(x, units: int, name: str, config: RunConfig):
    """Dense + optional batch norm + dropout: the building block of every tower."""
    import keras

    x = keras.layers.Dense(
        units, activation="relu", kernel_regularizer=_regularizer(config), name=name
    )(x)
    if config.model.batch_norm:
        x = keras.layers.BatchNormalization(name=f"{name}_bn")(x)
    if config.model.dropout > 0:
        x = keras.layers.Dropout(config.model.dropout, name=f"{name}_dropout")(x)
    return x


def _sequence_tower(inp, config: RunConfig):
    import keras

    m = config.model
    x = inp
    if m.noise_std > 0:  # active only while training: augmentation, not a change of the data
        x = keras.layers.GaussianNoise(m.noise_std, name="sequence_noise")(x)
    x = _convolutions(x, config) if m.cell == "tcn" else _recurrent(x, config)
    if m.attention:
        scores = keras.layers.Dense(1, name="attention_scores")(x)
        weights = keras.layers.Softmax(axis=1, name=ATTENTION_LAYER)(scores)
        x = keras.layers.Dot(axes=1, name="attention_pooling")([weights, x])
        x = keras.layers.Flatten(name="attention_context")(x)
    elif m.cell == "tcn":
        # the last step sees 1 + 2 (2^L - 1) rows; the average brings in the whole window
        x = keras.layers.Concatenate(name="tcn_pooling")(
            [_last_step(x, "tcn_last"), keras.layers.GlobalAveragePooling1D(name="tcn_mean")(x)]
        )
    return _dense(x, m.dense_units, "sequence_dense", config)


def _recurrent(x, config: RunConfig):
    """Stacked LSTM / GRU layers; the last returns its final state unless attention pools."""
    import keras

    m = config.model
    cell = keras.layers.LSTM if m.cell == "lstm" else keras.layers.GRU
    for i, units in enumerate(m.units):
        last = i == len(m.units) - 1
        x = cell(
            units,
            return_sequences=not last or m.attention,
            kernel_regularizer=_regularizer(config),
            name=f"{m.cell}_{i + 1}",
        )(x)
        if m.dropout > 0 and not last:
            x = keras.layers.Dropout(m.dropout, name=f"{m.cell}_{i + 1}_dropout")(x)
    return x


def _convolutions(x, config: RunConfig):
    """Causal dilated Conv1D layers (dilation 1, 2, 4, ...): no step sees a later row."""
    import keras

    m = config.model
    for i, units in enumerate(m.units):
        x = keras.layers.Conv1D(
            units,
            TCN_KERNEL,
            padding="causal",
            dilation_rate=2**i,
            activation="relu",
            kernel_regularizer=_regularizer(config),
            name=f"tcn_{i + 1}",
        )(x)
        if m.dropout > 0 and i < len(m.units) - 1:
            x = keras.layers.Dropout(m.dropout, name=f"tcn_{i + 1}_dropout")(x)
    return x


def _last_step(x, name: str):
    import keras

    return keras.layers.Flatten(name=name)(
        keras.layers.Cropping1D((x.shape[1] - 1, 0), name=f"{name}_step")(x)
    )


def _window_statistics(x) -> list:
    """The baselines' window features, computed inside the network from the sequence input
    (stock layers, so SHAP, scenarios and scoring see the same inputs as before). Keras has no
    square-root layer, so the spread enters as the variance and the mean absolute value."""
    import keras

    L = keras.layers
    mean = L.GlobalAveragePooling1D(name="wide_mean")(x)
    neg = L.Rescaling(-1.0, name="wide_negated")(x)
    mean_square = L.GlobalAveragePooling1D(name="wide_mean_square")(
        L.Multiply(name="wide_square")([x, x])
    )
    variance = L.Subtract(name="wide_variance")(
        [mean_square, L.Multiply(name="wide_squared_mean")([mean, mean])]
    )
    mean_abs = L.Add(name="wide_mean_abs")(
        [
            L.GlobalAveragePooling1D(name="wide_mean_pos")(L.ReLU(name="wide_pos")(x)),
            L.GlobalAveragePooling1D(name="wide_mean_neg")(L.ReLU(name="wide_neg")(neg)),
        ]
    )
    return [
        _last_step(x, "wide_last"),
        mean,
        variance,
        L.Rescaling(-1.0, name="wide_min")(L.GlobalMaxPooling1D(name="wide_neg_max")(neg)),
        L.GlobalMaxPooling1D(name="wide_max")(x),
        mean_abs,
    ]


def build_model(
    config: RunConfig,
    shapes: dict[str, tuple[int, ...]],
    target_scale: tuple[float, float] = (0.0, 1.0),
    name: str = "risklens",
) -> keras.Model:
    """The reference architecture (or the feed-forward one for cross-sectional data), compiled.

    `shapes` maps each present input block to its shape without the batch axis;
    `target_scale` (centre, spread of the training target) sizes the quantile head's output;
    `name` tells the members of a seed ensemble apart.
    """
    import keras

    inputs, towers, wide = [], [], []
    for block, shape in shapes.items():
        inp = keras.Input(shape=shape, name=block)
        inputs.append(inp)
        if block == "sequence":
            towers.append(_sequence_tower(inp, config))
            wide += _window_statistics(inp) if config.model.wide else []
        elif config.cross_sectional:
            x = _dense(inp, config.model.tower_units, f"{block}_dense_1", config)
            towers.append(_dense(x, config.model.dense_units, f"{block}_dense_2", config))
            wide.append(inp)
        else:
            towers.append(_dense(inp, config.model.tower_units, f"{block}_dense", config))
            wide.append(inp)
    if config.model.wide:
        towers += wide
    x = towers[0] if len(towers) == 1 else keras.layers.Concatenate(name="fusion")(towers)
    if config.task == "quantile":
        out = _quantile_head(x, config, target_scale)
    else:
        activation = "sigmoid" if config.task == "classification" else "linear"
        out = keras.layers.Dense(1, activation=activation, dtype="float32", name=OUTPUT_LAYER)(x)
    return compile_model(keras.Model(inputs=inputs, outputs=out, name=name), config)


def compile_model(model: keras.Model, config: RunConfig) -> keras.Model:
    """Adam at the configured learning rate, the task's loss and metric."""
    import keras

    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=config.training.learning_rate),
        loss=_loss(config),
        metrics=_metrics(config),
    )
    return model


def _quantile_head(x, config: RunConfig, target_scale: tuple[float, float]):
    """Non-crossing quantiles, highest first: the top one, then each lower one a softplus
    step below the previous (a fixed cumulative-difference matrix), in the target's units.

    Stock layers only, so the saved model still loads with safe_mode and no custom objects.
    """
    import keras

    n = len(QuantileGrid.of(config.quantiles).points)
    parts = [keras.layers.Dense(1, dtype="float32", name="quantile_top")(x)]
    if n > 1:
        gaps = keras.layers.Dense(
            n - 1,
            activation="softplus",
            bias_initializer=keras.initializers.Constant(-2.0),  # quantiles start 0.13 apart
            dtype="float32",
            name="quantile_gaps",
        )
        parts.append(gaps(x))
        x = keras.layers.Concatenate(name="quantile_parts", dtype="float32")(parts)
    else:
        x = parts[0]
    steps = keras.layers.Dense(
        n, use_bias=False, trainable=False, dtype="float32", name="quantile_steps"
    )
    x = steps(x)
    steps.set_weights(
        [np.triu(np.ones((n, n), dtype="float32")) * np.r_[1.0, -np.ones(n - 1)][:, None]]
    )
    centre, spread = target_scale
    return keras.layers.Rescaling(
        scale=float(spread), offset=float(centre), dtype="float32", name=OUTPUT_LAYER
    )(x)


def pinball_loss(points: np.ndarray):
    """Mean pinball loss over the grid's quantile heads (one column per quantile)."""
    from keras import ops

    levels = ops.convert_to_tensor(np.asarray(points, dtype="float32")[None, :])

    def pinball(y_true, y_pred):
        err = ops.reshape(ops.cast(y_true, "float32"), (-1, 1)) - y_pred
        return ops.mean(ops.maximum(levels * err, (levels - 1.0) * err), axis=-1)

    return pinball


def _loss(config: RunConfig):
    import keras

    if config.task == "quantile":
        return pinball_loss(QuantileGrid.of(config.quantiles).points)
    return {
        "binary_crossentropy": keras.losses.BinaryCrossentropy(),
        "focal": keras.losses.BinaryFocalCrossentropy(gamma=2.0),
        "mse": keras.losses.MeanSquaredError(),
        "huber": keras.losses.Huber(),
    }[config.resolved_loss]


def _metrics(config: RunConfig) -> list:
    import keras

    if config.task == "classification":
        return [keras.metrics.AUC(name="auc")]
    if config.task == "quantile":
        return []  # the loss is the pinball loss itself
    return [keras.metrics.RootMeanSquaredError(name="rmse")]


def parameter_count(config: RunConfig, shapes: dict[str, tuple[int, ...]]) -> int:
    """Weights of the model this config builds, computed without importing TensorFlow.

    The Train page shows it before training, and the dashboard server never imports
    TensorFlow; a test checks it against Keras' own count_params().
    """
    m = config.model

    def dense(n_in: int, n_out: int) -> int:
        return n_in * n_out + n_out + (4 * n_out if m.batch_norm else 0)

    total, fused = 0, 0
    for name, shape in shapes.items():
        if m.wide:
            fused += WINDOW_STATISTICS * shape[-1] if name == "sequence" else shape[0]
        if name == "sequence":
            n_in = shape[-1]
            gates = 4 if m.cell == "lstm" else 3
            for units in m.units:
                if m.cell == "tcn":
                    total += TCN_KERNEL * n_in * units + units
                else:
                    bias = units if m.cell == "lstm" else 2 * units  # GRU: reset_after biases
                    total += gates * (units * (n_in + units) + bias)
                n_in = units
            if m.attention:
                total += n_in + 1
            elif m.cell == "tcn":
                n_in *= 2  # last step and window average
            total += dense(n_in, m.dense_units)
            fused += m.dense_units
        elif config.cross_sectional:
            total += dense(shape[0], m.tower_units) + dense(m.tower_units, m.dense_units)
            fused += m.dense_units
        else:
            total += dense(shape[0], m.tower_units)
            fused += m.tower_units
    if config.task != "quantile":
        return total + fused + 1
    n = len(QuantileGrid.of(config.quantiles).points)
    return total + (fused + 1) + (fused + 1) * (n - 1) + n * n  # top, gaps, fixed steps


def input_shapes(names: dict[str, list[str]], blocks: list[str], window: int) -> dict:
    """Shapes of the model inputs from the feature names per block."""
    return {b: (window, len(names[b])) if b == "sequence" else (len(names[b]),) for b in blocks}
