"""The quantile task's grid: which quantiles the network predicts, and how VaR and ES come out.

Expected shortfall at level a is the mean of the return quantiles below a:
ES_a = (1/a) * integral_0^a q(u) du. The network (and the gradient-boosting comparator) predict
the VaR levels plus FINE quantiles at the midpoints a*(k - 0.5)/K, k = 1..K, of each level's
tail, and ES_a is their mean (the midpoint rule). Chosen over a joint VaR-ES loss such as
Fissler-Ziegel's FZ0 because the pinball loss of each head is strictly consistent on its own,
trains stably from any start (FZ0 needs ES < VaR < 0 at all times and diverges when a start
breaks that), and the same grid serves the network and scikit-learn's quantile boosting.

The grid is sorted from the highest level down, and the network's output layer keeps the
quantiles in that order (riskcore.model), so no two quantiles ever cross.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FINE = 4  # fine quantiles per level for its ES


def level_key(level: float) -> str:
    """A level as metrics.json and predictions.csv spell it: 0.01 -> "0.01"."""
    return f"{level:g}"


def confidence(level: float | str) -> str:
    """A tail level as the confidence a desk names it: 0.01 -> "99%", 0.025 -> "97.5%"."""
    return f"{(1.0 - float(level)) * 100:.4g}%"


def var_column(level: float, model: str = "model") -> str:
    """predictions.csv column of a model's VaR at a level: var_0.01, var_0.01_garch, ..."""
    return f"var_{level_key(level)}" + ("" if model == "model" else f"_{model}")


def es_column(level: float, model: str = "model") -> str:
    return f"es_{level_key(level)}" + ("" if model == "model" else f"_{model}")


@dataclass(frozen=True)
class QuantileGrid:
    """The levels a run reports (ascending) and the quantiles predicted for them."""

    levels: tuple[float, ...]
    fine: int = FINE

    @classmethod
    def of(cls, levels: list[float] | tuple[float, ...]) -> QuantileGrid:
        return cls(tuple(sorted(float(a) for a in levels)))

    @property
    def points(self) -> np.ndarray:
        """Every quantile predicted, highest first (the output order of the network)."""
        pts = set(self.levels)
        for a in self.levels:
            pts.update(a * (k - 0.5) / self.fine for k in range(1, self.fine + 1))
        return np.array(sorted(pts, reverse=True))

    def _index(self, u: float) -> int:
        return int(np.flatnonzero(np.isclose(self.points, u))[0])

    def var_index(self, level: float) -> int:
        return self._index(level)

    def es_indices(self, level: float) -> list[int]:
        return [self._index(level * (k - 0.5) / self.fine) for k in range(1, self.fine + 1)]

    def split(self, predicted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(var, es), each (n, len(levels)), from (n, len(points)) predicted quantiles."""
        q = np.asarray(predicted, dtype=float).reshape(len(predicted), -1)
        var = np.column_stack([q[:, self.var_index(a)] for a in self.levels])
        es = np.column_stack([q[:, self.es_indices(a)].mean(axis=1) for a in self.levels])
        return var, np.minimum(es, var)  # ES never above VaR, even from a rough fit


@dataclass
class QuantileForecast:
    """One model's VaR and ES for a set of samples, (n, len(levels)) each, levels ascending."""

    var: np.ndarray
    es: np.ndarray

    def take(self, rows: np.ndarray) -> QuantileForecast:
        return QuantileForecast(self.var[rows], self.es[rows])

    @property
    def headline(self) -> np.ndarray:
        """VaR at the lowest level: the run's one risk number per sample (the `score`)."""
        return self.var[:, 0]
