"""The desk's standard VaR / expected-shortfall comparators for the quantile task.

Every model gives one forecast per panel row, so a learned quantile model is compared with them
row by row on the same split.

Conventions
    VaR and ES are quantiles of the RETURN (negative in normal markets). Level ``a`` is the tail
    probability (0.01 is the 99% VaR); ES_a = E[R | R <= VaR_a] <= VaR_a. The forecast target at
    row i is the forward h-step log return, the sum of the one-step returns at rows i+1..i+h of
    the same entity (``target_returns``).

Panel representation
    ``returns``: float array, one one-step log return per row, rows ordered by entity then time;
    NaN at each entity's first row and wherever the return is unknown (``one_step_returns``).
    ``starts``: int array of the first row of each entity's segment, strictly ascending, the
    first is 0; entity k owns rows starts[k]..starts[k+1]-1. Entities are named by their index
    k and first row in ``info``.

No look-ahead (the product's first rule)
    A forecast at row i uses only returns at rows <= i of the same entity. Historical
    simulation looks back over a window of rows; the GARCH models are fitted once per entity on
    its training rows (``fit_rows``) and then run forward with those FIXED parameters, so a
    forecast after the training period depends on nothing after its row. Forecasts inside the
    training period are in-sample (their parameters saw the whole training period).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import stats

from riskcore.errors import ConfigError, DataValidationError
from riskcore.targets import forward_return, one_step_log_return

SCALE = 100.0  # arch is fitted on percent returns: its optimiser expects variances near 1
CHUNK_CELLS = 2_000_000  # window cells sorted at once: bounds memory on long entities
GARCH_PARAMS = {"mu": "mu", "omega": "omega", "alpha[1]": "alpha", "beta[1]": "beta", "nu": "nu"}
REASON_SHORT_WINDOW = "fewer than min_obs finite past values in the window"
REASON_NOT_FITTED = "entity has no GARCH fit (see entities[].reason)"
REASON_NO_FILTER = "row precedes the entity's first training return (GARCH filter not started)"
H_STEP_NOTE = (
    "h-step: mean h*mu, variance = sum of the h analytic one-step-ahead variance forecasts "
    "(returns uncorrelated); the standardised quantile is exact for h=1 and an approximation "
    "for h>1 (a sum of Student-t shocks is not Student-t; it is closer to normal, so the tail "
    "is somewhat conservative)"
)


@dataclass
class VarForecast:
    """VaR and ES per row and level, kept together so a model's tail can always be checked.

    var, es: (n_rows, n_levels), NaN where there is not enough history; info: JSON-able
    diagnostics (model, settings, NaN row counts by reason, per-entity GARCH fits, warnings).
    """

    var: np.ndarray
    es: np.ndarray
    info: dict = field(default_factory=dict)


@dataclass
class GarchFilter:
    """One GARCH(1,1)-t fit per entity, rolled over all its rows: shared by garch_t and fhs.

    Per row: ``mean`` h*mu and ``sigma`` the h-step standard deviation forecast made at that row
    (return units), ``z`` the row's standardised one-step residual (r_t - mu) / sigma_t with
    sigma_t forecast at the previous return, ``nu`` the entity's Student-t degrees of freedom.
    """

    horizon: int
    starts: np.ndarray
    mean: np.ndarray
    sigma: np.ndarray
    z: np.ndarray
    nu: np.ndarray
    entities: list[dict]
    warnings: list[str]


# ----------------------------------------------------------------------------- validation


def _check_panel(returns: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Float returns and int starts, or a DataValidationError saying what to pass instead."""
    try:
        r = np.asarray(returns, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataValidationError(f"returns must be numbers (one per row): {exc}") from None
    if r.ndim != 1 or len(r) == 0:
        raise DataValidationError(f"returns must be a non-empty 1-D array, got shape {r.shape}")
    if np.isinf(r).any():
        row = int(np.flatnonzero(np.isinf(r))[0])
        raise DataValidationError(
            f"returns hold an infinite value at row {row}; pass NaN for unknown returns "
            "(one_step_returns does this for prices <= 0)"
        )
    return r, _check_starts(starts, len(r))


def _check_starts(starts: np.ndarray, n: int) -> np.ndarray:
    """Entity starts: ascending row indices beginning at 0, all inside the panel."""
    s = np.asarray(starts)
    if s.ndim != 1 or len(s) == 0 or not np.issubdtype(s.dtype, np.integer):
        raise DataValidationError(
            f"starts must be a non-empty 1-D int array of entity first rows, got {s!r:.80}"
        )
    if s[0] != 0 or (np.diff(s) <= 0).any() or s[-1] >= n:
        raise DataValidationError(
            f"starts must begin at 0 and be strictly ascending row indices below {n} "
            f"(one per entity, rows sorted by entity then time), got {s!r:.80}"
        )
    return s.astype(np.int64)


def _check_horizon(horizon: int) -> int:
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer) or horizon < 1:
        raise ConfigError(f"horizon must be a whole number of rows >= 1, got {horizon!r}")
    return int(horizon)


def _check_levels(levels: Sequence[float]) -> np.ndarray:
    a = np.atleast_1d(np.asarray(levels, dtype=float))
    if a.ndim != 1 or len(a) == 0 or not ((a > 0) & (a < 0.5)).all():
        raise ConfigError(
            f"levels must be tail probabilities strictly between 0 and 0.5 "
            f"(0.01 = 99% VaR), got {levels!r}"
        )
    return a


def _check_window(window: int, min_obs: int) -> None:
    if not (isinstance(window, int | np.integer) and isinstance(min_obs, int | np.integer)):
        raise ConfigError(f"window and min_obs must be whole numbers, got {window!r}, {min_obs!r}")
    if not 1 <= min_obs <= window:
        raise ConfigError(
            f"need 1 <= min_obs <= window, got min_obs={min_obs}, window={window}; "
            "lower min_obs or widen the window"
        )


def _check_fit_rows(fit_rows: np.ndarray, n: int) -> np.ndarray:
    f = np.asarray(fit_rows)
    if f.shape != (n,) or f.dtype != bool:
        raise DataValidationError(
            f"fit_rows must be a bool array with one value per row ({n}), "
            f"got dtype {f.dtype} and shape {f.shape}"
        )
    return f


def _segments(starts: np.ndarray, n: int) -> list[tuple[int, int]]:
    ends = [*starts[1:].tolist(), n]
    return list(zip(starts.tolist(), ends, strict=True))


# ----------------------------------------------------------------------------- returns


def one_step_returns(values: np.ndarray, starts: np.ndarray, is_price: bool) -> np.ndarray:
    """One-step log returns per row, the input every comparator takes.

    From prices: log(p_i / p_{i-1}) within an entity; NaN at each entity's first row (no
    previous price of the same entity) and where either price is <= 0 or NaN. From a return
    column (is_price=False): the column itself as floats, non-finite values made NaN; its
    first-row value is kept, since it is data known at that row.
    """
    x = np.asarray(values, dtype=float)
    s = _check_starts(starts, len(x))
    if not is_price:
        return np.where(np.isfinite(x), x, np.nan)
    out = np.empty(len(x))
    for lo, hi in _segments(s, len(x)):
        out[lo:hi] = one_step_log_return(x[lo:hi])
    return out


def target_returns(returns: np.ndarray, starts: np.ndarray, horizon: int) -> np.ndarray:
    """The forecast target per row: sum of returns at rows i+1..i+h of the same entity."""
    r, s = _check_panel(returns, starts)
    h = _check_horizon(horizon)
    out = np.empty(len(r))
    for lo, hi in _segments(s, len(r)):
        out[lo:hi] = forward_return(r[lo:hi], h)
    return out


def _h_step_sums(r: np.ndarray, horizon: int) -> np.ndarray:
    """Past h-step returns of one entity: sum of rows j-h+1..j, at row j (NaN if any missing)."""
    out = np.full(len(r), np.nan)
    if len(r) >= horizon:
        out[horizon - 1 :] = sliding_window_view(r, horizon).sum(axis=1)
    return out


# ----------------------------------------------------------------------------- rolling tail


def _tail_of_sorted(
    s: np.ndarray, csum: np.ndarray, k: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Quantile (numpy "linear") and mean of the values at or below it, per sorted row.

    s: rows sorted ascending with NaN last; csum: cumulative sums of s with NaN as 0; k: finite
    count per row (>= 1 where used).
    """
    pos = level * np.maximum(k - 1, 0)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, np.maximum(k - 1, 0))
    rows = np.arange(len(s))
    a, b = s[rows, lo], s[rows, hi]
    q = a + (b - a) * (pos - lo)
    with np.errstate(invalid="ignore"):
        c = (s <= q[:, None]).sum(axis=1)  # NaN compares False: only finite values count
    c1 = np.maximum(c, 1)
    return q, csum[rows, c1 - 1] / c1


def _rolling_tail(
    x: np.ndarray, window: int, min_obs: int, levels: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Empirical quantile and tail mean of x over rows i-window+1..i of ONE entity, per row.

    Vectorised: each row's window is a sliding view, sorted in chunks of rows; NaN where the
    window holds fewer than min_obs finite values.
    """
    m = len(x)
    q = np.full((m, len(levels)), np.nan)
    es = np.full((m, len(levels)), np.nan)
    view = sliding_window_view(np.concatenate([np.full(window - 1, np.nan), x]), window)
    step = max(1, CHUNK_CELLS // window)
    for lo in range(0, m, step):
        s = np.sort(view[lo : lo + step], axis=1)
        finite = np.isfinite(s)
        k = finite.sum(axis=1)
        csum = np.cumsum(np.where(finite, s, 0.0), axis=1)
        enough = k >= min_obs
        for j, level in enumerate(levels):
            qj, ej = _tail_of_sorted(s, csum, k, float(level))
            q[lo : lo + step, j] = np.where(enough, qj, np.nan)
            es[lo : lo + step, j] = np.where(enough, ej, np.nan)
    return q, es


def _panel_tail(
    x: np.ndarray, starts: np.ndarray, window: int, min_obs: int, levels: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """_rolling_tail per entity: a window never reaches into the previous entity."""
    q = np.full((len(x), len(levels)), np.nan)
    es = np.full_like(q, np.nan)
    for lo, hi in _segments(starts, len(x)):
        q[lo:hi], es[lo:hi] = _rolling_tail(x[lo:hi], window, min_obs, levels)
    return q, es


# ----------------------------------------------------------------------------- historical


def historical(
    returns: np.ndarray,
    starts: np.ndarray,
    horizon: int,
    levels: Sequence[float],
    window: int = 250,
    min_obs: int = 50,
) -> VarForecast:
    """Historical simulation: the model-free benchmark every quantile model must beat.

    At row i: the empirical quantile of the entity's past h-step returns (overlapping sums
    ending at rows i-window+1..i, so every summand is at a row <= i), interpolated as numpy's
    default "linear" (np.quantile method 7); ES is the mean of those values at or below it.
    NaN where fewer than min_obs such sums are finite.
    """
    r, s = _check_panel(returns, starts)
    h, a = _check_horizon(horizon), _check_levels(levels)
    _check_window(window, min_obs)
    sums = np.full(len(r), np.nan)
    for lo, hi in _segments(s, len(r)):
        sums[lo:hi] = _h_step_sums(r[lo:hi], h)
    var, es = _panel_tail(sums, s, window, min_obs, a)
    info = {
        "model": "historical",
        "horizon": h,
        "levels": a.tolist(),
        "rows": len(r),
        "window": int(window),
        "min_obs": int(min_obs),
        "quantile": "numpy 'linear' (method 7); ES = mean of window values <= VaR",
        "nan_rows": _counts({REASON_SHORT_WINDOW: np.isnan(var[:, 0])}),
    }
    return VarForecast(var, es, info)


# ----------------------------------------------------------------------------- GARCH fit


def standard_t_es(level: np.ndarray | float, nu: np.ndarray | float) -> np.ndarray:
    """Lower-tail ES of the unit-variance Student-t at tail probability `level` (negative).

    For the standard t with nu dof and x = t.ppf(a, nu):
    E[T | T <= x] = -f_nu(x) (nu + x^2) / ((nu - 1) a); times sqrt((nu - 2) / nu) for unit
    variance (needs nu > 2, which arch's t enforces).
    """
    a, v = np.asarray(level, dtype=float), np.asarray(nu, dtype=float)
    x = stats.t.ppf(a, v)
    es = -stats.t.pdf(x, v) * (v + x**2) / ((v - 1.0) * a)
    return es * np.sqrt((v - 2.0) / v)


def standard_t_quantile(level: np.ndarray | float, nu: np.ndarray | float) -> np.ndarray:
    """Quantile of the unit-variance Student-t: t.ppf(a, nu) * sqrt((nu - 2) / nu)."""
    v = np.asarray(nu, dtype=float)
    return stats.t.ppf(np.asarray(level, dtype=float), v) * np.sqrt((v - 2.0) / v)


def _training_span(train: np.ndarray, rows: np.ndarray, entity: int) -> tuple[int, int]:
    """First and one-past-last training position among an entity's finite returns.

    arch fits one contiguous sample, so the training returns must be one period: a
    non-training return between two training ones would leak into the fit.
    """
    idx = np.flatnonzero(train)
    first, stop = int(idx[0]), int(idx[-1]) + 1
    if stop - first != len(idx):
        gap = int(rows[first + np.flatnonzero(~train[first:stop])[0]])
        raise DataValidationError(
            f"fit_rows of entity {entity} are not one contiguous training period: row {gap} "
            "lies between training rows but is not one; mark one training period per entity "
            "(e.g. every row before a cut-off date)"
        )
    return first, stop


def _arch_fit(y: np.ndarray, first: int, stop: int) -> tuple[object | None, str | None, list]:
    """Fit GARCH(1,1)-t on y[first:stop]; (result, reason it is unusable or None, warnings)."""
    from arch import arch_model  # 1.5 s to import: only when a GARCH is fitted

    model = arch_model(SCALE * y, mean="Constant", vol="GARCH", p=1, q=1, dist="t", rescale=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = model.fit(first_obs=first, last_obs=stop, disp="off")
        except (ValueError, ArithmeticError, np.linalg.LinAlgError, RuntimeError) as exc:
            return None, f"fit failed: {type(exc).__name__}: {exc}", caught
    params = res.params.to_numpy()
    if res.convergence_flag != 0:
        message = getattr(res.optimization_result, "message", "")
        return None, f"fit did not converge (flag {res.convergence_flag}: {message})", caught
    if not np.isfinite(params).all() or params[-1] <= 2.0:
        return None, f"fit gave unusable parameters {params.tolist()}", caught
    return res, None, caught


def _entity_record(entity: int, lo: int, hi: int, n_fit: int) -> dict:
    return {"entity": entity, "first_row": lo, "rows": hi - lo, "fit_returns": n_fit}


def _h_step_variance(one_step: np.ndarray, omega: float, persistence: float, h: int) -> np.ndarray:
    """Sum of the h analytic GARCH(1,1) variance forecasts from each one-step forecast.

    E_t[sigma2_{t+k+1}] = omega + (alpha + beta) E_t[sigma2_{t+k}]: arch's own analytic
    recursion (a test checks equality with its forecast(horizon=h)), run over the horizon
    instead of arch's python loop over every row, which costs seconds per entity at h=10.
    """
    v = one_step.copy()
    total = v.copy()
    for _ in range(h - 1):
        v = omega + persistence * v
        total += v
    return total


def _fill_entity(filt: GarchFilter, res: object, r: np.ndarray, first: int, lo: int) -> None:
    """Roll the fitted filter with fixed parameters over one entity and write its rows.

    r: the entity's returns (NaN where unknown); the filter runs over its finite returns, and
    arch's forecast at return p uses returns up to p only. A row with a missing return takes
    the forecast made at the entity's last known return before it.
    """
    pos = np.flatnonzero(np.isfinite(r))
    y = r[pos]
    fc = res.forecast(horizon=1, start=first, method="analytic", reindex=False)
    one = fc.variance.to_numpy()[:, 0]  # (len(y) - first,), percent^2, made at return p
    p = res.params
    mu, nu = float(p["mu"]), float(p["nu"])
    total = _h_step_variance(
        one, float(p["omega"]), float(p["alpha[1]"] + p["beta[1]"]), filt.horizon
    )
    sigma_c = np.full(len(y), np.nan)
    sigma_c[first:] = np.sqrt(total) / SCALE
    z_c = np.full(len(y), np.nan)  # the first training return's sigma is only a backcast
    z_c[first + 1 :] = (SCALE * y[first + 1 :] - mu) / np.sqrt(one[:-1])
    last = np.cumsum(np.isfinite(r)) - 1  # position of the last finite return at or before
    started = last >= first
    rows = lo + np.flatnonzero(started)
    filt.mean[rows] = filt.horizon * mu / SCALE
    filt.sigma[rows] = sigma_c[last[started]]
    filt.nu[lo : lo + len(r)] = nu
    filt.z[lo + pos] = z_c


def _fit_one(
    filt: GarchFilter, r: np.ndarray, train: np.ndarray, entity: int, lo: int, min_fit: int
) -> dict:
    """Fit and roll one entity; its record for info (status, params, reason)."""
    pos = np.flatnonzero(np.isfinite(r))
    tr = train[pos]
    rec = _entity_record(entity, lo, lo + len(r), int(tr.sum()))
    if tr.sum() < min_fit:
        return rec | {
            "status": "not fitted",
            "reason": f"{int(tr.sum())} training returns, fewer than min_fit={min_fit}",
        }
    first, stop = _training_span(tr, lo + pos, entity)
    res, reason, caught = _arch_fit(r[pos], first, stop)
    filt.warnings.extend(f"entity {entity}: {w.category.__name__}: {w.message}" for w in caught)
    rec |= {"fit_first_row": int(lo + pos[first]), "fit_last_row": int(lo + pos[stop - 1])}
    if res is None:
        return rec | {"status": "failed", "reason": reason}
    _fill_entity(filt, res, r, first, lo)
    params = {GARCH_PARAMS[k]: float(v) for k, v in res.params.items()}
    return rec | {
        "status": "ok",
        "params_percent": params,
        "persistence": params["alpha"] + params["beta"],
        "loglik": float(res.loglikelihood),
        "convergence_flag": int(res.convergence_flag),
    }


def fit_garch(
    returns: np.ndarray,
    starts: np.ndarray,
    horizon: int,
    fit_rows: np.ndarray,
    min_fit: int = 250,
) -> GarchFilter:
    """Fit GARCH(1,1)-t with a constant mean per entity on its training rows, roll it forward.

    One fit serves both garch_t and fhs. arch is fitted on 100 * returns (rescale=False) over
    the entity's training returns only (first_obs/last_obs), then arch's analytic one-step
    forecast runs with those fixed parameters over every later return (forecast at return t
    from returns up to t), and the h-step variance is summed by _h_step_variance. An entity
    with fewer than min_fit training returns, or whose fit fails or does not converge, gets
    NaN rows and a reason in its record; arch's warnings are collected, not shown.
    """
    r, s = _check_panel(returns, starts)
    h = _check_horizon(horizon)
    train = _check_fit_rows(fit_rows, len(r))
    if isinstance(min_fit, bool) or not isinstance(min_fit, int | np.integer) or min_fit < 10:
        raise ConfigError(f"min_fit must be a whole number of returns >= 10, got {min_fit!r}")
    n = len(r)
    filt = GarchFilter(h, s, *(np.full(n, np.nan) for _ in range(4)), entities=[], warnings=[])
    for k, (lo, hi) in enumerate(_segments(s, n)):
        filt.entities.append(_fit_one(filt, r[lo:hi], train[lo:hi], k, lo, int(min_fit)))
    return filt


# ----------------------------------------------------------------------------- forecasts


def _counts(masks: dict[str, np.ndarray]) -> dict[str, int]:
    """Rows per NaN reason, only the reasons that occur (JSON-able)."""
    return {reason: int(m.sum()) for reason, m in masks.items() if m.any()}


def _unfitted_rows(filt: GarchFilter) -> np.ndarray:
    out = np.zeros(len(filt.mean), dtype=bool)
    for e in filt.entities:
        if e["status"] != "ok":
            out[e["first_row"] : e["first_row"] + e["rows"]] = True
    return out


def _garch_info(filt: GarchFilter, model: str, levels: np.ndarray) -> dict:
    return {
        "model": model,
        "horizon": filt.horizon,
        "levels": levels.tolist(),
        "spec": "arch: Constant mean, GARCH(1,1), standardised Student-t, fitted on 100*r",
        "h_step": H_STEP_NOTE,
        "entities": filt.entities,
        "warnings": list(filt.warnings),
    }


def _garch_nan_masks(filt: GarchFilter) -> dict[str, np.ndarray]:
    unfitted = _unfitted_rows(filt)
    return {REASON_NOT_FITTED: unfitted, REASON_NO_FILTER: ~unfitted & np.isnan(filt.sigma)}


def garch_t_from(filt: GarchFilter, levels: Sequence[float]) -> VarForecast:
    """Parametric GARCH-t VaR/ES from a fitted filter: h*mu + sigma_h * (t quantile or t ES)."""
    a = _check_levels(levels)
    nu = filt.nu[:, None]
    var = filt.mean[:, None] + filt.sigma[:, None] * standard_t_quantile(a[None, :], nu)
    es = filt.mean[:, None] + filt.sigma[:, None] * standard_t_es(a[None, :], nu)
    info = _garch_info(filt, "garch_t", a)
    info["nan_rows"] = _counts(_garch_nan_masks(filt))
    return VarForecast(var, es, info)


def fhs_from(
    filt: GarchFilter, levels: Sequence[float], window: int = 500, min_obs: int = 100
) -> VarForecast:
    """Filtered historical simulation from a fitted filter.

    Empirical quantile / tail mean of the entity's standardised residuals z at rows
    i-window+1..i, times the row's h-step sigma, plus h*mu. For h > 1 the one-step z
    distribution is scaled by sqrt(summed variance): an approximation that ignores how h
    shocks aggregate (documented like garch_t's).
    """
    a = _check_levels(levels)
    _check_window(window, min_obs)
    qz, ez = _panel_tail(filt.z, filt.starts, window, min_obs, a)
    var = filt.mean[:, None] + filt.sigma[:, None] * qz
    es = filt.mean[:, None] + filt.sigma[:, None] * ez
    masks = _garch_nan_masks(filt)
    masks[REASON_SHORT_WINDOW] = np.isfinite(filt.sigma) & np.isnan(qz[:, 0])
    info = _garch_info(filt, "fhs", a) | {
        "window": int(window),
        "min_obs": int(min_obs),
        "quantile": "numpy 'linear' (method 7) of z; ES = mean of window z <= its quantile",
        "nan_rows": _counts(masks),
    }
    return VarForecast(var, es, info)


def garch_t(
    returns: np.ndarray,
    starts: np.ndarray,
    horizon: int,
    levels: Sequence[float],
    fit_rows: np.ndarray,
    min_fit: int = 250,
) -> VarForecast:
    """GARCH(1,1)-t VaR/ES per row: fit_garch then garch_t_from (see both)."""
    _check_levels(levels)
    return garch_t_from(fit_garch(returns, starts, horizon, fit_rows, min_fit), levels)


def fhs(
    returns: np.ndarray,
    starts: np.ndarray,
    horizon: int,
    levels: Sequence[float],
    fit_rows: np.ndarray,
    window: int = 500,
    min_obs: int = 100,
    min_fit: int = 250,
) -> VarForecast:
    """Filtered historical simulation per row: fit_garch then fhs_from (see both)."""
    _check_levels(levels)
    _check_window(window, min_obs)
    filt = fit_garch(returns, starts, horizon, fit_rows, min_fit)
    return fhs_from(filt, levels, window, min_obs)


def comparators(
    returns: np.ndarray,
    starts: np.ndarray,
    horizon: int,
    levels: Sequence[float],
    fit_rows: np.ndarray,
    *,
    min_fit: int = 250,
) -> dict[str, VarForecast]:
    """The three standard comparators with default settings; GARCH is fitted once."""
    hist = historical(returns, starts, horizon, levels)
    filt = fit_garch(returns, starts, horizon, fit_rows, min_fit)
    return {"historical": hist, "garch": garch_t_from(filt, levels), "fhs": fhs_from(filt, levels)}
