"""Learned preprocessing: imputation, scaling and one-hot encoding, fitted on training rows only.

Like a scikit-learn transformer, fit and transform are separate, and the fitted state is plain
JSON saved beside the model, so scoring new data applies exactly the training transform and can
never refit it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from riskcore.errors import DataValidationError, RunStoreError

BLOCKS = ("sequence", "macro", "sentiment", "static")
OTHER = "other"


@dataclass
class ColumnState:
    """What was learned about one numeric input column on the training rows."""

    median: float
    mean: float
    std: float
    indicator: bool  # whether a `<name>_missing` column is added


@dataclass
class Preprocessor:
    """Fitted state for every input block; `columns[block]` lists the raw input columns."""

    columns: dict[str, list[str]]
    categorical: list[str] = field(default_factory=list)
    numeric: dict[str, ColumnState] = field(default_factory=dict)
    levels: dict[str, list[str]] = field(default_factory=dict)
    min_level_share: float = 0.01

    # ---- fitting -------------------------------------------------------------------------
    def fit(
        self, frame: pd.DataFrame, train: np.ndarray, indicator_rows: np.ndarray | None = None
    ) -> Preprocessor:
        """Learn medians, means, stds and category levels from the rows where `train` is True.

        A missing-value indicator is added for a feature with gaps among `indicator_rows`
        (training rows that end a full window; leading gaps of a derived feature are not gaps).
        """
        rows = frame.loc[train]
        gaps = frame.loc[train if indicator_rows is None else train & indicator_rows]
        if len(rows) == 0:
            raise DataValidationError(
                "the training period holds no rows; lower split.validation / split.test"
            )
        for block in BLOCKS:
            for col in self.columns.get(block, []):
                if col in self.categorical:
                    self.levels[col] = self._fit_levels(rows[col])
                else:
                    state = self._fit_numeric(rows[col], col)
                    state.indicator = block != "sentiment" and bool(gaps[col].isna().any())
                    self.numeric[col] = state
        return self

    def _fit_numeric(self, values: pd.Series, name: str) -> ColumnState:
        x = values.to_numpy(dtype=float)
        finite = x[np.isfinite(x)]
        if len(finite) == 0:
            raise DataValidationError(
                f"column '{name}' has no values in the training period; "
                "drop it from the feature list or supply data for earlier dates"
            )
        med = float(np.median(finite))
        filled = np.where(np.isfinite(x), x, med)
        std = float(filled.std())
        return ColumnState(
            median=med,
            mean=float(filled.mean()),
            std=std if std > 1e-12 else 1.0,
            indicator=False,
        )

    def _fit_levels(self, values: pd.Series) -> list[str]:
        counts = values.astype("string").fillna(OTHER).value_counts()
        keep = counts[counts >= max(1.0, self.min_level_share * len(values))].index
        return sorted(str(v) for v in keep if v != OTHER) + [OTHER]

    # ---- applying ------------------------------------------------------------------------
    def feature_names(self) -> dict[str, list[str]]:
        """Model input names per block, in column order (indicators and one-hot expanded)."""
        names: dict[str, list[str]] = {}
        for block in BLOCKS:
            out: list[str] = []
            for col in self.columns.get(block, []):
                if col in self.categorical:
                    out += [f"{col}={level}" for level in self.levels[col]]
                else:
                    out.append(col)
                    if self.numeric[col].indicator:
                        out.append(f"{col}_missing")
            names[block] = out
        return names

    def transform(self, frame: pd.DataFrame) -> dict[str, np.ndarray]:
        """Float32 matrix per block, one row per frame row."""
        return {block: self._block(frame, block) for block in BLOCKS}

    def _block(self, frame: pd.DataFrame, block: str) -> np.ndarray:
        """Filled column by column into one float32 matrix: no float64 copy of the block."""
        names = self.feature_names()[block]
        out = np.empty((len(frame), len(names)), dtype=np.float32)
        j = 0
        for col in self.columns.get(block, []):
            if col in self.categorical:
                onehot = self._one_hot(frame[col], col)
                out[:, j : j + onehot.shape[1]] = onehot
                j += onehot.shape[1]
                continue
            state = self.numeric[col]
            x = np.array(frame[col], dtype=np.float32)  # a copy: never write into the frame
            missing = ~np.isfinite(x)
            x[missing] = state.median
            out[:, j] = (x - np.float32(state.mean)) / np.float32(state.std)
            j += 1
            if state.indicator:
                out[:, j] = missing
                j += 1
        return out

    def _one_hot(self, values: pd.Series, name: str) -> np.ndarray:
        levels = self.levels[name]
        text = values.astype("string").fillna(OTHER)
        text = text.where(text.isin(levels), OTHER)  # unseen or rare levels pool into "other"
        codes = pd.Categorical(text, categories=levels).codes.astype(int)
        out = np.zeros((len(values), len(levels)))
        out[np.arange(len(values)), codes] = 1.0
        return out

    def inverse_scale(self, column: str, scaled: np.ndarray) -> np.ndarray:
        """Raw units of a scaled numeric column (for charts and scenario shocks)."""
        s = self.numeric[column]
        return scaled * s.std + s.mean

    # ---- checking new data against the fitted state ----------------------------------------
    def check_types(self, primary: pd.DataFrame, trained: str = "the model") -> None:
        """New data must carry the training columns with compatible types, named if not.

        trained: who was trained, for the message ("run 20240101-abc").
        """
        for col in (c for block in self.columns.values() for c in block if c != "no_news"):
            if col in primary.columns and col not in self.categorical:
                s = primary[col]
                if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)):
                    converted = pd.to_numeric(s, errors="coerce")
                    if converted.notna().sum() < 0.5 * s.notna().sum():
                        raise DataValidationError(
                            f"column '{col}' was numeric when {trained} was trained but holds "
                            f"text now (e.g. {s.dropna().iloc[0]!r}); upload data with the same "
                            "columns and types as the training data"
                        )

    def check_levels(self, frame: pd.DataFrame) -> None:
        """A categorical column must still be text: numbers would all pool into "other"."""
        for col in self.categorical:
            if pd.api.types.is_numeric_dtype(frame[col]) and frame[col].notna().any():
                raise DataValidationError(
                    f"column '{col}' was text when the model was trained but is numeric now; "
                    "upload data with the same column types as the training data"
                )

    # ---- persistence ---------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "columns": self.columns,
            "categorical": self.categorical,
            "numeric": {k: vars(v) for k, v in self.numeric.items()},
            "levels": self.levels,
            "min_level_share": self.min_level_share,
        }

    @classmethod
    def from_dict(cls, state: dict) -> Preprocessor:
        """The saved state as a Preprocessor; check it first with check_state when it comes
        from disk (Run.state does)."""
        return cls(
            columns=state["columns"],
            categorical=state["categorical"],
            numeric={k: ColumnState(**v) for k, v in state["numeric"].items()},
            levels=state["levels"],
            min_level_share=state["min_level_share"],
        )


def _damaged(where: str, what: str) -> RunStoreError:
    return RunStoreError(f"{where}: {what}; the run's preprocessing is damaged, retrain the run")


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_state(state: object, where: str) -> None:
    """A saved Preprocessor.to_dict() as fit() writes it: every numeric input has a finite
    median and mean and a finite std above 0. A planted std of 0 or a mean of "NaN" would
    otherwise turn every input into the same number and every score into one value.

    where: the file, for the message ("run 20240101-...: preprocessing.json").
    """
    if not isinstance(state, dict):
        raise _damaged(where, "'preprocessor' is not a JSON object")
    columns, numeric = state.get("columns"), state.get("numeric")
    if not isinstance(columns, dict) or not isinstance(numeric, dict):
        raise _damaged(where, "'columns' or 'numeric' is missing")
    categorical, levels = state.get("categorical"), state.get("levels")
    if not isinstance(categorical, list) or not isinstance(levels, dict):
        raise _damaged(where, "'categorical' or 'levels' is missing")
    for block, names in columns.items():
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise _damaged(where, f"the columns of block '{block}' are not a list of names")
        for name in names:
            if name in categorical:
                if not isinstance(levels.get(name), list) or not levels[name]:
                    raise _damaged(where, f"feature '{name}' has no category levels")
                continue
            entry = numeric.get(name)
            if not isinstance(entry, dict):
                raise _damaged(where, f"feature '{name}' has no scaling")
            for key in ("median", "mean", "std"):
                if not _finite(entry.get(key)):
                    raise _damaged(
                        where, f"feature '{name}' has {key} {entry.get(key)!r} (not a number)"
                    )
            if entry["std"] <= 0:
                raise _damaged(where, f"feature '{name}' has std {entry['std']!r} (must be > 0)")
