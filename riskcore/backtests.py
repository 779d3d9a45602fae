"""VaR and expected-shortfall backtests of the market-risk desk.

A quantile model is only as good as its record against what happened next, so every VaR / ES
forecast is scored against the realised forward return with the tests a regulator or a model
validator asks for: Kupiec's proportion of failures (too many or too few breaches), the
Christoffersen independence and conditional-coverage tests (breaches that cluster), the Basel
traffic light, and two ES backtests (Acerbi & Szekely's Z2 and McNeil & Frey's exceedance
residuals).

Conventions: VaR and ES are RETURN quantiles (negative numbers in normal markets). A breach (hit)
on a row is `y < var`, y being the realised forward return. `level` is the tail probability
(0.01: the 99% VaR). ES at level a is E[y | y < VaR_a], so es <= var. Every number returned is a
plain Python float, int, str or None, so results go straight into JSON; NaN marks a statistic
that the data leave undefined.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import xlogy
from scipy.stats import binom, chi2

from riskcore.errors import ConfigError, DataValidationError

BASEL_N = 250
BASEL_LEVEL = 0.01
GREEN_BELOW = 0.95  # cumulative binomial probability P(X <= x) under which a count is green
YELLOW_BELOW = 0.9999  # ...and under which it is yellow; red from there
# Basel multiplier add-on for 0..9 exceptions in 250 days at 99%; 10 or more: RED_PLUS_FACTOR.
BASEL_PLUS_FACTOR = (0.0, 0.0, 0.0, 0.0, 0.0, 0.40, 0.50, 0.65, 0.75, 0.85)
RED_PLUS_FACTOR = 1.00
Z2_YELLOW = -0.70  # Acerbi & Szekely (2014): ~5% critical value of Z2 (97.5% ES)
Z2_RED = -1.80  # ...and ~0.01% critical value
N_BOOT = 2000
BOOT_CELLS = 2_000_000  # bootstrap resamples are drawn in blocks of about this many numbers
ES_KEYS = ("es_z2", "es_zone", "es_mcneil_frey_p", "es_exceedances")


# --------------------------------------------------------------------------- input checks


def _check_level(level: float) -> float:
    try:
        value = float(level)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"level {level!r} is not a number; give the tail probability") from exc
    if not 0.0 < value < 0.5:
        raise ConfigError(
            f"level {level!r} is outside (0, 0.5); give the tail probability, "
            "e.g. 0.01 for the 99% VaR"
        )
    return value


def _check_counts(breaches: int, n: int) -> tuple[int, int]:
    try:
        x, total = operator.index(breaches), operator.index(n)
    except TypeError as exc:
        raise DataValidationError(
            f"breaches {breaches!r} and n {n!r} must be whole numbers of observations"
        ) from exc
    if total < 1 or not 0 <= x <= total:
        raise DataValidationError(
            f"breaches {x} out of n {total} is impossible; n must be at least 1 and "
            "breaches between 0 and n"
        )
    return x, total


def _column(name: str, values: ArrayLike) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataValidationError(f"{name} holds values that are not numbers ({exc})") from exc
    if arr.ndim != 1:
        raise DataValidationError(
            f"{name} has shape {arr.shape}; pass one value per row (a 1-D array)"
        )
    return arr


def _check_lengths(**lengths: int) -> None:
    if len(set(lengths.values())) > 1:
        raise DataValidationError(
            f"lengths differ: {lengths}; pass one value of each per row, aligned"
        )


def _columns(**named: ArrayLike | None) -> list[np.ndarray | None]:
    """Float 1-D arrays of equal length; a None stays None (an optional column)."""
    arrays = {k: None if v is None else _column(k, v) for k, v in named.items()}
    _check_lengths(**{k: a.size for k, a in arrays.items() if a is not None})
    return list(arrays.values())


def _labels(name: str, values: ArrayLike, n: int) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise DataValidationError(f"{name} has shape {arr.shape}; pass one label per row")
    _check_lengths(**{"y": n, name: arr.size})
    return arr


def _observed(y: np.ndarray, var: np.ndarray, *more: np.ndarray | None) -> np.ndarray:
    """Rows where the return, the VaR and every given optional column are known."""
    keep = ~(np.isnan(y) | np.isnan(var))
    for col in more:
        if col is not None:
            keep &= ~np.isnan(col)
    return keep


# --------------------------------------------------------------------------- likelihoods


def _bernoulli_ll(ones: int, zeros: int, p: float) -> float:
    """Bernoulli log likelihood; xlogy makes 0 * log 0 = 0 (a count of 0 at p = 0 or 1)."""
    return float(xlogy(ones, p) + xlogy(zeros, 1.0 - p))


def _lr(ll_null: float, ll_alt: float) -> float:
    return max(0.0, -2.0 * (ll_null - ll_alt))  # rounding can leave a tiny negative


def _chi2_p(lr: float, dof: int) -> float:
    return float(chi2.sf(lr, dof))


# --------------------------------------------------------------------------- VaR backtests


def pinball_rows(y: ArrayLike, q: ArrayLike, level: float) -> np.ndarray:
    """Each row's pinball loss (NaN where y or q is): the mean is the model's loss, and
    resampling the rows gives its interval."""
    level = _check_level(level)
    y, q = _columns(y=y, q=q)
    d = y - q
    return np.maximum(level * d, (level - 1.0) * d)


def pinball_loss(y: ArrayLike, q: ArrayLike, level: float) -> float:
    """Mean quantile (pinball) loss of forecast q at `level`: the score a VaR model minimises,
    so lower is better and models can be compared on it. Rows where y or q is NaN are ignored;
    NaN when none is left."""
    rows = pinball_rows(y, q, level)
    rows = rows[np.isfinite(rows)]
    return float(rows.mean()) if rows.size else math.nan


def hits(y: ArrayLike, var: ArrayLike) -> np.ndarray:
    """Breach indicator y < var per row. A NaN row compares False, which would count as "no
    breach", so callers must drop rows where y or var is NaN first (backtest() does)."""
    y, var = _columns(y=y, var=var)
    return y < var


def kupiec(breaches: int, n: int, level: float) -> dict:
    """Kupiec (1995) proportion-of-failures test: does the breach rate x/n match `level`?

    LR = -2 [log L(level) - log L(x/n)], chi-square with 1 dof; 0 * log 0 = 0 covers x = 0
    and x = n. Both too many and too few breaches are rejected (too few: capital wasted)."""
    level = _check_level(level)
    x, n = _check_counts(breaches, n)
    lr = _lr(_bernoulli_ll(x, n - x, level), _bernoulli_ll(x, n - x, x / n))
    return {"lr": lr, "p": _chi2_p(lr, 1)}


def _transition_counts(hit_series: Sequence[ArrayLike]) -> np.ndarray:
    """2x2 counts [[n00, n01], [n10, n11]] of day-to-next-day hit transitions, summed over
    series; a transition never crosses from one entity into the next."""
    if isinstance(hit_series, np.ndarray) and hit_series.ndim == 1:
        raise DataValidationError(
            "christoffersen needs a list of hit arrays, one per entity; wrap a single series "
            "as [hits]"
        )
    counts = np.zeros(4, dtype=np.int64)
    for i, series in enumerate(hit_series):
        h = np.asarray(series, dtype=bool)
        if h.ndim != 1:
            raise DataValidationError(f"hit series {i} has shape {h.shape}; pass 1-D arrays")
        counts += np.bincount(2 * h[:-1] + h[1:], minlength=4)
    return counts.reshape(2, 2)


def christoffersen(hit_series: Sequence[ArrayLike]) -> dict:
    """Christoffersen (1998) independence test: is a breach more likely the day after a breach?

    hit_series holds one bool array per entity, in time order. The first-order Markov chain
    (pi01 = P(hit | no hit yesterday), pi11 = P(hit | hit yesterday)) is tested against one
    constant pi, LR chi-square with 1 dof. When there is no breach after the first day, no
    transition out of a breach or none out of a non-breach, one of pi01 / pi11 cannot be
    estimated, so the data hold no evidence of clustering: lr 0, p 1.0."""
    (n00, n01), (n10, n11) = _transition_counts(hit_series).tolist()
    degenerate = n01 + n11 == 0 or n10 + n11 == 0 or n00 + n01 == 0
    if degenerate:
        lr = 0.0
    else:
        pi = (n01 + n11) / (n00 + n01 + n10 + n11)
        ll_null = _bernoulli_ll(n01 + n11, n00 + n10, pi)
        ll_alt = _bernoulli_ll(n01, n00, n01 / (n00 + n01)) + _bernoulli_ll(
            n11, n10, n11 / (n10 + n11)
        )
        lr = _lr(ll_null, ll_alt)
    return {"lr_ind": lr, "p_ind": _chi2_p(lr, 1), "n00": n00, "n01": n01, "n10": n10, "n11": n11}


def conditional_coverage(lr_pof: float, lr_ind: float) -> dict:
    """Christoffersen's conditional coverage: right breach rate AND no clustering at once,
    LR_pof + LR_ind, chi-square with 2 dof."""
    lr = float(lr_pof) + float(lr_ind)
    return {"lr": lr, "p": _chi2_p(lr, 2)}


def _basel_plus_factor(exceptions: int, n: int, level: float) -> float | None:
    if n != BASEL_N or not math.isclose(level, BASEL_LEVEL):
        return None  # the add-on table exists only for 250 days at 99%
    if exceptions < len(BASEL_PLUS_FACTOR):
        return BASEL_PLUS_FACTOR[exceptions]
    return RED_PLUS_FACTOR


def traffic_light(exceptions: int, n: int = BASEL_N, level: float = BASEL_LEVEL) -> dict:
    """Basel traffic-light zone of `exceptions` breaches in n days.

    The zone follows the cumulative binomial probability P(X <= exceptions) under `level`:
    green below 0.95, yellow below 0.9999, red from there, which reproduces the Basel table
    at n = 250 / level 0.01 (green 0-4, yellow 5-9, red 10+) and extends it to other windows.
    plus_factor is the Basel multiplier add-on; None away from 250 / 0.01 (no official one)."""
    level = _check_level(level)
    x, n = _check_counts(exceptions, n)
    cumulative = float(binom.cdf(x, n, level))
    zone = "green" if cumulative < GREEN_BELOW else "yellow" if cumulative < YELLOW_BELOW else "red"
    return {
        "zone": zone,
        "exceptions": x,
        "n": n,
        "plus_factor": _basel_plus_factor(x, n, level),
        "cumulative_probability": cumulative,
    }


# --------------------------------------------------------------------------- ES backtests


def _es_rows(y: ArrayLike, var: ArrayLike, es: ArrayLike) -> tuple[np.ndarray, ...]:
    y, var, es = _columns(y=y, var=var, es=es)
    keep = _observed(y, var, es)
    return y[keep], var[keep], es[keep]


def _z2_zone(z2: float) -> str | None:
    if math.isnan(z2):
        return None
    return "red" if z2 <= Z2_RED else "yellow" if z2 <= Z2_YELLOW else "green"


def acerbi_szekely_z2(y: ArrayLike, var: ArrayLike, es: ArrayLike, level: float) -> dict:
    """Acerbi & Szekely (2014) Z2 test of ES: breach frequency and severity in one number.

    With ES as a (negative) return, Z2 = 1 + sum_t y_t I_t / (T * level * (-es_t))
    = 1 - sum_t y_t I_t / (T * level * es_t), I_t = [y_t < var_t]. Under a correct model
    E[y_t I_t] = level * es_t, so E[Z2] = 0; more breaches, or losses beyond VaR worse than ES
    says, push Z2 below 0. Zones use the authors' published approximate critical values, found
    stable across distributions for 97.5% ES: yellow at Z2 <= -0.70 (~5% significance), red at
    Z2 <= -1.80 (~0.01%). Rows with a NaN are dropped; Z2 is NaN (zone None) with no row left
    or where a breach day's ES is not a loss (es >= 0), as the ratio has no meaning there."""
    level = _check_level(level)
    y, var, es = _es_rows(y, var, es)
    hit = y < var
    if y.size == 0 or np.any(es[hit] >= 0):
        z2 = math.nan
    else:
        with np.errstate(over="ignore"):  # an ES a hair below 0 gives -inf: a breach no ES saw
            z2 = 1.0 - float(np.sum(y[hit] / es[hit])) / (y.size * level)
    return {"z2": z2, "zone": _z2_zone(z2)}


def _t_stat(x: np.ndarray) -> np.ndarray:
    """Student t of the mean along the last axis; +-inf (0 for a zero mean) when sd is 0."""
    mean = x.mean(axis=-1)
    sd = x.std(axis=-1, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = mean * math.sqrt(x.shape[-1]) / sd
    return np.where(sd > 0, t, np.sign(mean) * np.where(mean == 0, 0.0, np.inf))


def _bootstrap_p_below(r: np.ndarray, n_boot: int, seed: int) -> float:
    """One-sided p of H0 mean 0 against mean < 0: resample the centred residuals (H0 made
    true), as McNeil & Frey (2000) after Efron & Tibshirani (1993, p. 224), and count t
    statistics at or below the observed one; (count + 1) / (n_boot + 1) never reports 0."""
    rng = np.random.default_rng(seed)
    t_obs = float(_t_stat(r))
    centred = r - r.mean()
    block = max(1, BOOT_CELLS // r.size)
    below = 0
    for start in range(0, n_boot, block):
        draws = centred[rng.integers(0, r.size, size=(min(block, n_boot - start), r.size))]
        below += int(np.count_nonzero(_t_stat(draws) <= t_obs))
    return (below + 1) / (n_boot + 1)


def mcneil_frey(
    y: ArrayLike, var: ArrayLike, es: ArrayLike, n_boot: int = N_BOOT, seed: int = 0
) -> dict:
    """McNeil & Frey (2000) exceedance-residual test of ES.

    On breach days the residual r_t = y_t - es_t has mean 0 if ES is right and mean < 0 if the
    ES is too shallow (real tail losses worse than forecast). The one-sided centred bootstrap
    p-value needs at least 2 exceedances (NaN otherwise); it is deterministic given `seed`.
    The original standardises r_t by the forecast volatility, which a quantile model does not
    give, so raw residuals are used. Rows with a NaN are dropped."""
    if not isinstance(n_boot, int | np.integer) or n_boot < 1:
        raise ConfigError(f"n_boot {n_boot!r} must be a whole number of resamples, at least 1")
    y, var, es = _es_rows(y, var, es)
    hit = y < var
    r = y[hit] - es[hit]
    return {
        "n_exceedances": int(r.size),
        "mean_residual": float(r.mean()) if r.size else math.nan,
        "p": _bootstrap_p_below(r, n_boot, seed) if r.size >= 2 else math.nan,
    }


# --------------------------------------------------------------------------- full reports


def _split_series(hit: np.ndarray, groups: np.ndarray | None) -> list[np.ndarray]:
    """One hit array per group label, each keeping the rows' order (time order)."""
    if groups is None:
        return [hit]
    _, codes = np.unique(groups.astype(str), return_inverse=True)
    order = np.argsort(codes, kind="stable")
    return np.split(hit[order], np.flatnonzero(np.diff(codes[order])) + 1)


def _traffic_window(hit: np.ndarray, n_series: int, level: float) -> dict:
    """One series: the Basel window, the last 250 rows (all, when shorter). Pooled entities:
    all rows with the binomial rule; pooled hits of one day may be correlated, so read the
    pooled zone as a guide."""
    window = hit[-BASEL_N:] if n_series == 1 else hit
    label = "last 250" if window.size == BASEL_N and n_series == 1 else "all"
    return {**traffic_light(int(window.sum()), int(window.size), level), "window": label}


def _es_report(y: np.ndarray, var: np.ndarray, es: np.ndarray | None, level: float) -> dict:
    if es is None:
        return dict.fromkeys(ES_KEYS)
    z2 = acerbi_szekely_z2(y, var, es, level)
    mf = mcneil_frey(y, var, es)
    return dict(zip(ES_KEYS, (z2["z2"], z2["zone"], mf["p"], mf["n_exceedances"]), strict=True))


def backtest(
    y: ArrayLike,
    var: ArrayLike,
    es: ArrayLike | None,
    level: float,
    hit_groups: ArrayLike | None = None,
) -> dict:
    """Every backtest of one VaR (and optional ES) forecast series, as one JSON-ready dict.

    Rows are in time order (within each hit_groups label, when given: one label per entity, so
    that the Christoffersen transitions never cross entities). Rows where y or var is NaN are
    dropped; the ES tests also drop rows where es is NaN. With es None the ES keys are None."""
    level = _check_level(level)
    y, var, es = _columns(y=y, var=var, es=es)
    groups = None if hit_groups is None else _labels("hit_groups", hit_groups, y.size)
    keep = _observed(y, var)
    if not keep.any():
        raise DataValidationError("no row has both a return y and a VaR; check the columns")
    y, var = y[keep], var[keep]
    es = None if es is None else es[keep]
    hit = y < var
    series = _split_series(hit, None if groups is None else groups[keep])
    n, x = int(hit.size), int(hit.sum())
    pof = kupiec(x, n, level)
    ind = christoffersen(series)
    cc = conditional_coverage(pof["lr"], ind["lr_ind"])
    return {
        "n": n,
        "breaches": x,
        "breach_rate": x / n,
        "kupiec_lr": pof["lr"],
        "kupiec_p": pof["p"],
        "christoffersen_lr": ind["lr_ind"],
        "christoffersen_p": ind["p_ind"],
        "conditional_coverage_lr": cc["lr"],
        "conditional_coverage_p": cc["p"],
        "traffic_light": _traffic_window(hit, len(series), level),
        **_es_report(y, var, es, level),
    }


def _panel_order(entities: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Row order by (entity, time); raises on times that cannot be compared or repeat."""
    try:
        order = np.argsort(times, kind="stable")
    except TypeError as exc:
        raise DataValidationError(
            f"times cannot be put in order ({exc}); give every row a time of one kind"
        ) from exc
    order = order[np.argsort(entities[order], kind="stable")]
    e, t = entities[order], times[order]
    repeated = np.flatnonzero((e[1:] == e[:-1]) & (t[1:] == t[:-1]))
    if repeated.size:
        i = repeated[0]
        raise DataValidationError(
            f"entity {e[i]!r} has more than one row at time {t[i]!r}; keep one forecast per "
            "entity and time"
        )
    return order


def backtest_panel(
    y: ArrayLike,
    var: ArrayLike,
    es: ArrayLike | None,
    level: float,
    entities: ArrayLike,
    times: ArrayLike,
) -> dict:
    """backtest() pooled over all entities and for each entity (keyed by str(entity)).

    Rows are sorted by (entity, time) here, so they may come in any order; rows where y or var
    is NaN are dropped first (an entity with no row left is not reported)."""
    level = _check_level(level)
    y, var, es = _columns(y=y, var=var, es=es)
    ent = _labels("entities", entities, y.size).astype(str)
    tim = _labels("times", times, y.size)
    keep = np.flatnonzero(_observed(y, var))
    rows = keep[_panel_order(ent[keep], tim[keep])]
    y, var, ent = y[rows], var[rows], ent[rows]
    es = None if es is None else es[rows]
    names, starts = np.unique(ent, return_index=True)
    bounds = [*starts.tolist(), ent.size]
    by_entity = {
        str(name): backtest(y[a:b], var[a:b], None if es is None else es[a:b], level)
        for name, a, b in zip(names, bounds[:-1], bounds[1:], strict=True)
    }
    return {"pooled": backtest(y, var, es, level, hit_groups=ent), "by_entity": by_entity}
