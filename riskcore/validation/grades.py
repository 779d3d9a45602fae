"""The master scale: calibrated PDs mapped to rating grades, and the per-grade tests.

Grade g holds the PDs in [bounds[g-2], bounds[g-1]) (grade 1 from 0, the last grade up to 1).
Per grade, with N rows, D defaults and the grade's mean PD p:

* binomial p-value: P(X >= D) for X ~ Binomial(N, p), one-sided: small when the grade has more
  defaults than its PD allows (the PD understates the risk);
* Jeffreys p-value: P(PD <= p) under the Jeffreys posterior Beta(D + 1/2, N - D + 1/2) of the
  grade's default rate, the one-sided test of the ECB's instructions for reporting the
  validation of internal models; small for the same reason.

With side "both" the other tails (P(X <= D); P(PD >= p)) are reported too and either can turn a
grade amber or red, so PDs that overstate the risk are flagged as well.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from riskcore.validation.policy import DEFAULT_BOUNDS, GradesPolicy, worst

GRADE_COLUMNS = (
    "grade",
    "pd_from",
    "pd_to",
    "n",
    "defaults",
    "mean_pd",
    "observed_rate",
    "binomial_p",
    "jeffreys_p",
    "light",
)


def binomial_p(defaults: int, n: int, pd_: float) -> float:
    """P(X >= defaults) for X ~ Binomial(n, pd_); NaN for an empty grade."""
    if n <= 0:
        return float("nan")
    return float(stats.binom.sf(defaults - 1, n, pd_))


def jeffreys_p(defaults: int, n: int, pd_: float) -> float:
    """P(PD <= pd_) under the Jeffreys posterior Beta(defaults + 1/2, n - defaults + 1/2)."""
    if n <= 0:
        return float("nan")
    return float(stats.beta.cdf(pd_, defaults + 0.5, n - defaults + 0.5))


def binomial_p_over(defaults: int, n: int, pd_: float) -> float:
    """P(X <= defaults): small when the PD overstates the defaults."""
    return float(stats.binom.cdf(defaults, n, pd_)) if n > 0 else float("nan")


def jeffreys_p_over(defaults: int, n: int, pd_: float) -> float:
    """P(PD >= pd_) under the same posterior: small when the PD overstates the defaults."""
    if n <= 0:
        return float("nan")
    return float(stats.beta.sf(pd_, defaults + 0.5, n - defaults + 0.5))


def equal_count_bounds(pd_: ArrayLike, count: int) -> list[float]:
    """Bounds that put about the same number of rows in each of `count` grades (fewer when the
    PDs have too few distinct values)."""
    p = np.asarray(pd_, dtype=float)
    p = p[np.isfinite(p)]
    if p.size == 0:
        return list(DEFAULT_BOUNDS)
    inner = np.quantile(p, np.linspace(0, 1, count + 1)[1:-1])
    inner = inner[(inner > 0) & (inner < 1)]
    return [float(b) for b in np.unique(inner)] or list(DEFAULT_BOUNDS)


def assign(pd_: ArrayLike, bounds: list[float]) -> np.ndarray:
    """Grade 1..len(bounds) + 1 of each PD; a PD equal to a bound goes to the grade above."""
    return np.searchsorted(np.asarray(bounds, dtype=float), np.asarray(pd_, float), "right") + 1


def grade_table(
    y: ArrayLike, pd_: ArrayLike, bounds: list[float], policy: GradesPolicy
) -> pd.DataFrame:
    """One row per grade (empty grades included, light "none"): GRADE_COLUMNS, and with side
    "both" also binomial_p_over and jeffreys_p_over."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(pd_, dtype=float)
    grades = assign(p, bounds)
    edges = [0.0, *bounds, 1.0]
    size = len(bounds) + 1
    n = np.bincount(grades, minlength=size + 1)[1:]
    d = np.bincount(grades, weights=y, minlength=size + 1)[1:]
    sum_pd = np.bincount(grades, weights=p, minlength=size + 1)[1:]
    rows = []
    for g in range(size):
        count, defaults = int(n[g]), round(float(d[g]))
        mean_pd = sum_pd[g] / count if count else float("nan")
        row = {
            "grade": g + 1,
            "pd_from": edges[g],
            "pd_to": edges[g + 1],
            "n": count,
            "defaults": defaults,
            "mean_pd": float(mean_pd),
            "observed_rate": defaults / count if count else float("nan"),
            "binomial_p": binomial_p(defaults, count, mean_pd),
            "jeffreys_p": jeffreys_p(defaults, count, mean_pd),
        }
        tested = [row[f"{policy.test}_p"]]
        if policy.side == "both":
            row["binomial_p_over"] = binomial_p_over(defaults, count, mean_pd)
            row["jeffreys_p_over"] = jeffreys_p_over(defaults, count, mean_pd)
            tested.append(row[f"{policy.test}_p_over"])
        row["light"] = worst(policy.light(v) for v in tested) if count else "none"
        rows.append(row)
    columns = list(GRADE_COLUMNS)
    if policy.side == "both":
        columns[-1:-1] = ["binomial_p_over", "jeffreys_p_over"]
    return pd.DataFrame(rows, columns=columns)


def tested_p(table: pd.DataFrame, policy: GradesPolicy) -> pd.Series:
    """The p-value that sets each grade's light (the smaller tail with side "both")."""
    p = table[f"{policy.test}_p"]
    if policy.side == "both":
        p = np.minimum(p, table[f"{policy.test}_p_over"])
    return p
