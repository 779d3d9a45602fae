"""A seed ensemble as one Keras model: k networks on the same inputs, their mean the score.

Saving the ensemble as a single model (an Average of nested member models, stock layers only)
keeps every consumer unchanged: scoring, SHAP, scenarios and export see one model with the
usual named inputs and one output, and it still loads with safe_mode. The members stay
reachable by name, so the spread of their scores, the model uncertainty of each prediction, can
be recomputed on any data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from riskcore.model import OUTPUT_LAYER

if TYPE_CHECKING:
    import keras

    from riskcore.dataset import Panel

MEMBER = "member_{}"


def combine(members: list[keras.Model], shapes: dict[str, tuple[int, ...]]) -> keras.Model:
    """One model whose output is the mean of the members' outputs."""
    import keras

    inputs = [keras.Input(shape=shape, name=name) for name, shape in shapes.items()]
    outputs = [member(inputs) for member in members]
    mean = keras.layers.Average(dtype="float32", name=OUTPUT_LAYER)(outputs)
    return keras.Model(inputs=inputs, outputs=mean, name="risklens_ensemble")


def member_count(model: keras.Model) -> int:
    """Networks in the model: 1 for a single network."""
    names = {MEMBER.format(i + 1) for i in range(len(model.layers))}
    return max(1, sum(layer.name in names for layer in model.layers))


def member_scores(model: keras.Model, panel: Panel, ends: np.ndarray) -> np.ndarray | None:
    """(n, k) raw scores of each member network (None for one network).

    Probes the Average layer's inputs, so one pass over the windows scores every member."""
    import keras

    from riskcore.batches import predict_scores

    if member_count(model) < 2:
        return None
    average = model.get_layer(OUTPUT_LAYER)
    joined = keras.layers.Concatenate(name="members", dtype="float32")(list(average.input))
    probe = keras.Model(model.inputs, joined)
    return predict_scores(probe, panel, ends).reshape(len(ends), -1)


def spread(members: np.ndarray | None, transform: Callable[[np.ndarray], np.ndarray]):
    """Each prediction's model uncertainty: the std of the members' scores on the scale the
    run reports (`transform`: the calibration), so it reads in the score's own units."""
    if members is None:
        return None
    reported = np.column_stack([transform(members[:, j]) for j in range(members.shape[1])])
    return reported.std(axis=1).astype(np.float32)
