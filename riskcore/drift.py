"""PSI drift of newly scored data against a run's training data.

Kept apart from the evaluation metrics because its hard part is binning, not arithmetic: the
training side is read back from reference.csv (float32 features written as short decimals)
while new data arrive as fresh float32, so the two differ by ~1e-8; and macro indicators
forward-filled onto daily rows repeat one value hundreds of times. Both sides are therefore
rounded to the same SIGNIFICANT_DIGITS, and bin edges lie midway between adjacent distinct
training values, so a repeated value sits wholly in one bin and a tiny perturbation cannot move
it across an edge (which once read PSI 5 on the training data itself).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

PSI_EPS = 1e-4  # share given to an empty bin, so one empty bin does not make PSI infinite
SIGNIFICANT_DIGITS = 6  # a little coarser than float32 (~7), the precision both sides share
# Values this close (relative) are one category: a value on a rounding boundary may round one
# step up on one side and down on the other.
_SAME = 2 * 10.0 ** (1 - SIGNIFICANT_DIGITS)


def rounded(x: np.ndarray, digits: int = SIGNIFICANT_DIGITS) -> np.ndarray:
    """`x` (float) rounded to `digits` significant digits; zero, NaN and infinities unchanged.

    Values pass through float32 first: pandas writes a float32 as the shortest decimal that
    reads back as the same float32, so 0.12254902 (from CSV) and 0.1225490197... (fresh) become
    one value exactly, even next to a rounding boundary. Dividing by an exact power of ten then
    gives the double nearest the decimal, the double that "0.122549" parses to.
    """
    out = np.array(x, dtype=float)
    fits = np.abs(out) < np.finfo(np.float32).max  # larger values would become infinite
    out[fits] = out[fits].astype(np.float32)
    ok = np.isfinite(out) & (out != 0)
    v = out[ok]
    k = digits - 1 - np.floor(np.log10(np.abs(v))).astype(int)
    k = np.minimum(k, 300)  # below 1e-295 everything rounds to 0 instead of overflowing
    scale = 10.0 ** np.abs(k)
    out[ok] = np.where(k >= 0, np.round(v * scale) / scale, np.round(v / scale) * scale)
    return out


def _shares(codes: np.ndarray, size: int) -> np.ndarray:
    counts = np.bincount(codes, minlength=size).astype(float)
    shares = counts / counts.sum()
    return np.where(shares > 0, shares, PSI_EPS)


def _drift_bins(e: np.ndarray, a: np.ndarray, bins: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Bin codes of `e` and `a` from `e` alone; the last code of `size` is "missing"."""
    e, a = rounded(e), rounded(a)
    finite = e[np.isfinite(e)]
    values = np.unique(finite)
    if values.size <= bins:  # categories; values unseen in training share one extra code
        n_finite = values.size + 1

        def code(x: np.ndarray) -> np.ndarray:
            if values.size == 0:
                return np.zeros(x.shape, dtype=int)
            right = np.minimum(np.searchsorted(values, x), values.size - 1)
            left = np.maximum(right - 1, 0)
            near = np.where(np.abs(values[left] - x) < np.abs(values[right] - x), left, right)
            same = np.isclose(values[near], x, rtol=_SAME, atol=1e-12)
            return np.where(same, near, values.size)

    else:  # quantile bins, each edge moved midway to the next distinct value above it
        quantiles = np.quantile(finite, np.linspace(0.0, 1.0, bins + 1))[1:-1]
        below = np.searchsorted(values, quantiles, side="right") - 1  # largest value <= edge
        below = below[below < values.size - 1]  # an edge at the maximum has nothing above it
        inner = np.unique((values[below] + values[below + 1]) / 2)
        n_finite = inner.size + 1

        def code(x: np.ndarray) -> np.ndarray:
            return np.searchsorted(inner, x, side="left")

    def codes(x: np.ndarray) -> np.ndarray:
        ok = np.isfinite(x)
        return np.where(ok, code(np.where(ok, x, 0.0)), n_finite)

    return codes(e), codes(a), n_finite + 1


def psi(expected: ArrayLike, actual: ArrayLike, bins: int = 10) -> float:
    """Population stability index of `actual` against `expected` (the training data).

    Bins are quantiles of `expected`, so each holds about the same share of training rows and the
    index reacts to shifts where the data are; a value repeated at a quantile (a mass point)
    falls wholly in the bin below it. Both sides are compared at SIGNIFICANT_DIGITS. A variable
    with at most `bins` distinct values is treated as categories (values unseen in training
    share one extra bin). Missing values get a bin of their own: a rise in missingness is drift
    too. Empty bins get a share of PSI_EPS.
    """
    e = pd.to_numeric(pd.Series(np.asarray(expected).ravel()), errors="coerce").to_numpy(float)
    a = pd.to_numeric(pd.Series(np.asarray(actual).ravel()), errors="coerce").to_numpy(float)
    if e.size == 0 or a.size == 0:
        raise ValueError("psi needs at least one expected and one actual value")
    if bins < 1:
        raise ValueError(f"bins must be at least 1, got {bins}")
    e_codes, a_codes, size = _drift_bins(e, a, bins)
    used = np.bincount(e_codes, minlength=size) + np.bincount(a_codes, minlength=size) > 0
    pe, pa = _shares(e_codes, size)[used], _shares(a_codes, size)[used]
    return float(np.sum((pa - pe) * np.log(pa / pe)))


def psi_reading(value: float) -> str:
    """The usual reading of a PSI: "stable" (< 0.1), "moderate shift" (< 0.25), "major shift"."""
    if value is None or math.isnan(value):
        return "unknown"
    if value < 0.1:
        return "stable"
    if value < 0.25:
        return "moderate shift"
    return "major shift"


def feature_psi(expected: pd.DataFrame, actual: pd.DataFrame, bins: int = 10) -> pd.DataFrame:
    """PSI and its reading for each numeric column of `expected` also in `actual`, in order.

    The new batch's column is coerced to numbers, so a column that arrives empty or as text counts
    as missing (a major shift) instead of silently leaving the table.
    """
    rows = []
    for column in expected.columns:
        if column not in actual.columns or not pd.api.types.is_numeric_dtype(expected[column]):
            continue
        e = pd.to_numeric(expected[column], errors="coerce").to_numpy(float, na_value=np.nan)
        a = pd.to_numeric(actual[column], errors="coerce").to_numpy(float, na_value=np.nan)
        value = psi(e, a, bins) if len(e) and len(a) else math.nan
        rows.append((str(column), value, psi_reading(value)))
    return pd.DataFrame(rows, columns=["feature", "psi", "reading"])
