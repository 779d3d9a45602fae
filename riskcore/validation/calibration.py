"""Portfolio calibration tests: Hosmer-Lemeshow, Spiegelhalter, calibration slope and intercept.

* Hosmer-Lemeshow: rows sorted by PD into g equal-count groups (deciles by default); with n_k
  rows, O_k defaults and E_k = sum of PDs in group k,
  H = sum_k (O_k - E_k)^2 / (E_k (1 - E_k / n_k)), compared with a chi-square with g - 2 degrees
  of freedom, as usual (on data the model never saw some validators use g, which gives larger
  p-values). Small p: the PDs do not match the defaults somewhere.
* Spiegelhalter: z = sum (y - p)(1 - 2p) / sqrt(sum (1 - 2p)^2 p (1 - p)), standard normal
  under perfect calibration; two-sided p-value.
* Calibration slope and intercept: riskcore.calibration.calibration_fit (1 and 0 when calibrated).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from riskcore.calibration import calibration_fit


@dataclass(frozen=True)
class HosmerLemeshow:
    statistic: float
    df: int
    p_value: float
    table: pd.DataFrame  # group, n, defaults, expected, mean_pd, observed_rate


def hosmer_lemeshow_from_table(
    n: ArrayLike, defaults: ArrayLike, expected: ArrayLike
) -> tuple[float, int, float]:
    """(H, degrees of freedom, p-value) from grouped counts: rows, defaults and summed PDs.

    A group whose expected defaults are 0 or all of its rows adds nothing it could test.
    """
    n = np.asarray(n, dtype=float)
    o = np.asarray(defaults, dtype=float)
    e = np.asarray(expected, dtype=float)
    var = e * (1.0 - np.divide(e, n, out=np.zeros_like(e), where=n > 0))
    ok = var > 0
    statistic = float(np.sum((o[ok] - e[ok]) ** 2 / var[ok]))
    df = int(n.size) - 2
    if df < 1:
        return statistic, df, math.nan
    return statistic, df, float(stats.chi2.sf(statistic, df))


def hosmer_lemeshow(y: ArrayLike, pd_: ArrayLike, groups: int = 10) -> HosmerLemeshow:
    """The test on `groups` equal-count groups of rows sorted by PD (ties kept in row order)."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(pd_, dtype=float)
    order = np.argsort(p, kind="stable")
    parts = [part for part in np.array_split(order, min(groups, max(p.size, 1))) if part.size]
    n = np.array([part.size for part in parts], dtype=float)
    o = np.array([y[part].sum() for part in parts])
    e = np.array([p[part].sum() for part in parts])
    statistic, df, p_value = hosmer_lemeshow_from_table(n, o, e)
    table = pd.DataFrame(
        {
            "group": np.arange(1, len(parts) + 1),
            "n": n.astype(int),
            "defaults": o.round().astype(int),
            "expected": e,
            "mean_pd": e / n,
            "observed_rate": o / n,
        }
    )
    return HosmerLemeshow(statistic, df, p_value, table)


def spiegelhalter(y: ArrayLike, pd_: ArrayLike) -> tuple[float, float]:
    """(z, two-sided p-value); NaN when every PD is 0, 1/2 or 1 (nothing to test)."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(pd_, dtype=float)
    var = float(np.sum((1 - 2 * p) ** 2 * p * (1 - p)))
    if var <= 0:
        return math.nan, math.nan
    z = float(np.sum((y - p) * (1 - 2 * p)) / math.sqrt(var))
    return z, float(2 * stats.norm.sf(abs(z)))


def portfolio(y: ArrayLike, pd_: ArrayLike, groups: int = 10) -> tuple[dict, pd.DataFrame]:
    """Every portfolio-level number, and the Hosmer-Lemeshow group table (a calibration chart)."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(pd_, dtype=float)
    hl = hosmer_lemeshow(y, p, groups)
    z, z_p = spiegelhalter(y, p)
    fit = calibration_fit(y, p)
    summary = {
        "n": int(y.size),
        "defaults": int(y.sum()),
        "mean_pd": float(p.mean()) if p.size else math.nan,
        "observed_rate": float(y.mean()) if y.size else math.nan,
        "hosmer_lemeshow": hl.statistic,
        "hosmer_lemeshow_df": hl.df,
        "hosmer_lemeshow_p": hl.p_value,
        "spiegelhalter_z": z,
        "spiegelhalter_p": z_p,
        "calibration_slope": fit["calibration_slope"],
        "calibration_intercept": fit["calibration_intercept"],
    }
    return summary, hl.table
