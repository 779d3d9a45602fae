"""Generate the RiskLens sample data: synthetic market and credit panels with planted structure.

Run `python sample_data/generate.py` to rewrite every CSV in this folder byte for byte. The
processes, the drivers and the noise columns are documented in sample_data/README.md
("Planted structure"); keep the two in step. Only numpy and pandas are needed.
"""

from __future__ import annotations

import csv
import io
import json
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 14
# Which draw of each noise column's stream is used. Any draw is pure noise; these were picked
# among the first 20 so that an unlucky draw does not correlate by chance with the events in
# the 70/15/15 chronological split (see README, "Planted structure").
NOISE_DRAWS = {"noise_seq": 9, "noise_macro": 5, "noise_static": 12}
OUT = Path(__file__).resolve().parent

# ---- shared calendar and macro paths ------------------------------------------------------------
MACRO_START, MACRO_END = "2012-01", "2025-12"  # internal span: burn-in before, credit labels after
MARKET_FIRST_DAY, MARKET_LAST_DAY = "2019-01-01", "2024-12-31"
MACRO_FILE_FIRST = "2018-12"  # one month before the first price row, so macro_lag 1 is defined

POLICY_STEPS = [  # (first month, effective policy rate in %), held until the next step
    ("2012-01", 0.10), ("2015-12", 0.24), ("2016-12", 0.54), ("2017-03", 0.79),
    ("2017-06", 1.04), ("2017-12", 1.30), ("2018-03", 1.51), ("2018-06", 1.82),
    ("2018-09", 1.92), ("2018-12", 2.40), ("2019-08", 2.13), ("2019-09", 1.90),
    ("2019-11", 1.55), ("2020-03", 0.65), ("2020-04", 0.05), ("2022-03", 0.20),
    ("2022-04", 0.33), ("2022-05", 0.77), ("2022-06", 1.21), ("2022-07", 1.68),
    ("2022-08", 2.33), ("2022-10", 3.08), ("2022-11", 3.78), ("2023-01", 4.33),
    ("2023-02", 4.57), ("2023-04", 4.83), ("2023-05", 5.06), ("2023-08", 5.33),
    ("2024-09", 5.13), ("2024-10", 4.83), ("2024-11", 4.64), ("2024-12", 4.48),
    ("2025-02", 4.33),
]  # fmt: skip
RATE_10Y_KNOTS = [
    ("2012-01", 1.97), ("2012-07", 1.53), ("2013-12", 2.90), ("2015-01", 1.88),
    ("2016-07", 1.50), ("2016-12", 2.49), ("2017-09", 2.20), ("2018-05", 3.00),
    ("2018-09", 3.00), ("2018-11", 3.15), ("2019-08", 1.63), ("2020-03", 0.87),
    ("2020-07", 0.62), ("2021-03", 1.61), ("2021-12", 1.47), ("2022-06", 3.14),
    ("2022-10", 3.98), ("2023-04", 3.46), ("2023-10", 4.80), ("2023-12", 4.02),
    ("2024-04", 4.54), ("2024-09", 3.72), ("2024-12", 4.39), ("2025-12", 4.30),
]  # fmt: skip
SPREAD_KNOTS = [  # BBB-style corporate spread in %, with synthetic stress episodes
    ("2012-01", 2.60), ("2012-12", 2.00), ("2014-06", 1.35), ("2016-02", 2.50),
    ("2016-12", 1.60), ("2018-01", 1.15), ("2018-09", 1.40), ("2018-12", 1.85),
    ("2019-06", 1.55), ("2020-02", 1.45), ("2020-03", 3.60), ("2020-04", 3.30),
    ("2020-06", 2.20), ("2021-01", 1.25), ("2021-12", 1.15), ("2022-03", 1.55),
    ("2022-06", 2.15), ("2022-10", 2.40), ("2023-01", 1.75), ("2023-02", 1.70),
    ("2023-03", 2.40), ("2023-05", 2.50), ("2023-07", 2.20), ("2023-09", 1.60),
    ("2024-02", 1.30), ("2024-05", 1.45), ("2024-07", 2.60), ("2024-09", 2.75),
    ("2024-11", 1.90), ("2025-12", 1.60),
]  # fmt: skip
CPI_KNOTS = [
    ("2012-01", 2.9), ("2013-06", 1.8), ("2015-01", -0.1), ("2015-12", 0.7),
    ("2017-02", 2.7), ("2018-07", 2.9), ("2018-09", 2.3), ("2019-06", 1.6),
    ("2019-12", 2.3), ("2020-05", 0.1), ("2021-06", 5.4), ("2022-06", 9.0),
    ("2023-06", 3.0), ("2023-12", 3.4), ("2024-09", 2.4), ("2024-12", 2.9),
    ("2025-12", 2.6),
]  # fmt: skip
UNEMPLOYMENT_KNOTS = [
    ("2012-01", 8.3), ("2013-12", 6.7), ("2015-12", 5.0), ("2017-12", 4.1),
    ("2018-09", 3.8), ("2019-12", 3.5), ("2020-03", 4.4), ("2020-04", 14.8),
    ("2020-07", 10.2), ("2020-12", 6.7), ("2021-12", 3.9), ("2022-12", 3.5),
    ("2023-06", 3.6), ("2024-03", 3.9), ("2024-08", 4.6), ("2024-12", 4.3),
    ("2025-12", 4.5),
]  # fmt: skip
HPI_KNOTS = [
    ("2012-01", 62.0), ("2014-01", 70.0), ("2016-01", 78.0), ("2018-01", 90.0),
    ("2018-09", 98.0), ("2019-12", 104.0), ("2020-06", 106.0), ("2021-06", 122.0),
    ("2022-06", 141.0), ("2023-02", 134.0), ("2023-12", 141.0), ("2024-12", 147.0),
    ("2025-12", 150.0),
]  # fmt: skip


def noise_rng(column: str) -> np.random.Generator:
    """A dedicated stream for a noise column, so that it is independent of everything else."""
    return np.random.default_rng([SEED, zlib.crc32(column.encode()), NOISE_DRAWS[column]])


def _months(start: str, end: str) -> pd.DatetimeIndex:
    return pd.date_range(f"{start}-01", f"{end}-01", freq="MS")


def _days(dates: pd.DatetimeIndex) -> np.ndarray:
    """Days since 1970 (independent of the index's datetime resolution)."""
    return dates.to_numpy().astype("datetime64[D]").astype(np.int64)


def _knot_path(months: pd.DatetimeIndex, knots: list[tuple[str, float]]) -> np.ndarray:
    """Linear interpolation between (month, value) knots."""
    x = _days(pd.DatetimeIndex([f"{m}-01" for m, _ in knots])).astype(float)
    y = np.array([v for _, v in knots])
    return np.interp(_days(months).astype(float), x, y)


def _step_path(months: pd.DatetimeIndex, steps: list[tuple[str, float]]) -> np.ndarray:
    starts = pd.DatetimeIndex([f"{m}-01" for m, _ in steps])
    idx = np.searchsorted(_days(starts), _days(months), side="right") - 1
    return np.array([v for _, v in steps])[np.clip(idx, 0, None)]


def _ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> np.ndarray:
    """Stationary AR(1) noise with marginal standard deviation `sd`."""
    e = rng.normal(0.0, sd * np.sqrt(1 - phi**2), n)
    out = np.empty(n)
    out[0] = rng.normal(0.0, sd)
    for i in range(1, n):
        out[i] = phi * out[i - 1] + e[i]
    return out


def macro_paths(rng: np.random.Generator) -> pd.DataFrame:
    """Monthly macro indicators over the internal span, indexed by the reference month."""
    months = _months(MACRO_START, MACRO_END)
    n = len(months)
    return pd.DataFrame(
        {
            "policy_rate": _step_path(months, POLICY_STEPS),
            "rate_10y": _knot_path(months, RATE_10Y_KNOTS) + _ar1(rng, n, 0.6, 0.10),
            "credit_spread": np.clip(
                _knot_path(months, SPREAD_KNOTS) + _ar1(rng, n, 0.5, 0.08), 0.7, None
            ),
            "cpi_yoy": _knot_path(months, CPI_KNOTS) + _ar1(rng, n, 0.5, 0.12),
            "unemployment": _knot_path(months, UNEMPLOYMENT_KNOTS) + _ar1(rng, n, 0.5, 0.06),
            "house_price_index": _knot_path(months, HPI_KNOTS) + _ar1(rng, n, 0.8, 0.6),
            "noise_macro": noise_rng("noise_macro").normal(0.0, 1.0, n),
        },
        index=months,
    )


# ---- market -------------------------------------------------------------------------------------
TICKERS = [
    "ACME", "BOLT", "CRUX", "DYNA", "EPIC", "FLUX", "GRID", "HALO", "IONX", "JADE", "KITE", "LYNX",
]  # fmt: skip
TICKER_NAMES_ZH = {"ACME": "艾克美", "BOLT": "博尔特"}
BURN_IN_START = "2018-09-03"

# Daily crash-trigger hazard (see market_hazard_logit):
#   logit = H_BASE + H_VOL*relu(vol20 - VOL_KNEE) + H_SPREAD*relu(spread - SPREAD_KNEE)
#           + H_BOTH*[vol20 > VOL_HIGH and spread > SPREAD_HIGH] + H_TONE*relu(-tone)
H_BASE, H_VOL, H_SPREAD, H_BOTH, H_TONE = -7.0, 1.5, 1.2, 1.0, 6.0
VOL_KNEE, VOL_HIGH = 1.0, 1.5  # trailing 20-day std of daily log returns, in %
SPREAD_KNEE, SPREAD_HIGH = 1.6, 2.0  # credit spread of the previous reference month, in %
CRASH_DELAY = (2, 6)  # trading days from trigger to the first crash day (inclusive range)
CRASH_LENGTH = (3, 6)  # crash days
CRASH_DROP = (0.12, 0.22)  # total log-price fall over the crash
COOLDOWN = 5  # trading days after a crash ends before the next trigger
REBOUND, REBOUND_DAYS = (0.4, 0.9), 30  # share of the fall recovered, evenly, after a crash
TONE_PHI, TONE_MEAN, TONE_SD = 0.97, 0.05, 0.30  # latent news tone: daily AR(1)
VOL_WINDOW, EVENT_HORIZON, EVENT_THRESHOLD = 20, 20, 0.10
MARKET_VOL, IDIO_VOL = 0.005, (0.0050, 0.0065)  # long-run daily vols


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def market_hazard_logit(vol20: np.ndarray, spread: np.ndarray, tone: np.ndarray) -> np.ndarray:
    """Daily crash-trigger log-odds from vol (in %), known spread (in %) and latent news tone."""
    both = (vol20 > VOL_HIGH) & (spread > SPREAD_HIGH)
    return (
        H_BASE
        + H_VOL * _relu(vol20 - VOL_KNEE)
        + H_SPREAD * _relu(spread - SPREAD_KNEE)
        + H_BOTH * both
        + H_TONE * _relu(-tone)
    )


def forward_drawdown(close: np.ndarray, horizon: int) -> np.ndarray:
    """Max drawdown from the running peak over close[i..i+horizon]; NaN without a full future."""
    n = len(close)
    out = np.full(n, np.nan)
    if n <= horizon:
        return out
    w = np.lib.stride_tricks.sliding_window_view(close, horizon + 1)
    out[: len(w)] = np.max(1.0 - w / np.maximum.accumulate(w, axis=1), axis=1)
    return out


def simulate_market(rng: np.random.Generator, macro: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Prices with GARCH volatility, a market factor and hazard-driven crashes; news; macro."""
    days = pd.bdate_range(BURN_IN_START, MARKET_LAST_DAY)
    n_days, k = len(days), len(TICKERS)
    month_of_day = np.searchsorted(_days(macro.index), _days(days), side="right") - 1
    spread_known = macro["credit_spread"].to_numpy()[month_of_day - 1]  # published: month m-1
    spread_now = macro["credit_spread"].to_numpy()[month_of_day]

    # latent news tone per ticker: persistent AR(1) (half-life ~23 trading days), independent
    tone = np.empty((n_days, k))
    tone[0] = rng.normal(TONE_MEAN, TONE_SD, k)
    shocks = rng.normal(0.0, TONE_SD * np.sqrt(1 - TONE_PHI**2), (n_days, k))
    for t in range(1, n_days):
        tone[t] = TONE_MEAN + TONE_PHI * (tone[t - 1] - TONE_MEAN) + shocks[t]

    # per-ticker parameters
    beta = rng.uniform(0.8, 1.2, k)
    idio_lr = rng.uniform(IDIO_VOL[0], IDIO_VOL[1], k)  # long-run idiosyncratic daily vol
    mkt_lr, g_alpha, g_beta = MARKET_VOL, 0.08, 0.90
    mu = 0.12 / 252
    price0 = np.exp(rng.uniform(np.log(25), np.log(450), k))
    vol_base = np.exp(rng.uniform(np.log(3e5), np.log(4e6), k))

    z_m = rng.standard_t(5, n_days) / np.sqrt(5 / 3)
    z_i = rng.standard_t(5, (n_days, k)) / np.sqrt(5 / 3)
    u_trigger = rng.random((n_days, k))
    delay = rng.integers(CRASH_DELAY[0], CRASH_DELAY[1] + 1, (n_days, k))
    length = rng.integers(CRASH_LENGTH[0], CRASH_LENGTH[1] + 1, (n_days, k))
    drop = rng.uniform(*CRASH_DROP, (n_days, k))
    rebound = rng.uniform(*REBOUND, (n_days, k))
    crash_w = rng.dirichlet(np.ones(CRASH_LENGTH[1]), (n_days, k))

    ret = np.zeros((n_days, k))
    crash = np.zeros((n_days + CRASH_DELAY[1] + CRASH_LENGTH[1] + REBOUND_DAYS, k))
    blocked_until = np.zeros(k, dtype=int)
    triggers = np.zeros((n_days, k), dtype=bool)
    s2_m = np.full(1, mkt_lr**2)
    s2_i = idio_lr**2
    e_m_prev, e_i_prev = 0.0, np.zeros(k)
    regime = 1.0 + 0.8 * _relu(spread_now - 1.6)  # credit stress lifts market volatility
    for t in range(n_days):
        s2_m = mkt_lr**2 * (1 - g_alpha - g_beta) + g_alpha * e_m_prev**2 + g_beta * s2_m
        s2_i = idio_lr**2 * (1 - g_alpha - g_beta) + g_alpha * e_i_prev**2 + g_beta * s2_i
        e_m = regime[t] * np.sqrt(s2_m) * z_m[t]
        e_i = np.sqrt(s2_i) * z_i[t]
        ret[t] = mu + beta * e_m + e_i + crash[t]
        e_m_prev, e_i_prev = e_m[0] / regime[t], e_i
        if t < VOL_WINDOW:
            continue
        vol20 = ret[t - VOL_WINDOW + 1 : t + 1].std(axis=0, ddof=1) * 100
        p = 1.0 / (1.0 + np.exp(-market_hazard_logit(vol20, spread_known[t], tone[t])))
        fire = (u_trigger[t] < p) & (t >= blocked_until)
        for i in np.flatnonzero(fire):
            start, n_crash = t + delay[t, i], length[t, i]
            w = crash_w[t, i, :n_crash] / crash_w[t, i, :n_crash].sum()
            crash[start : start + n_crash, i] -= drop[t, i] * w
            end = start + n_crash
            crash[end : end + REBOUND_DAYS, i] += rebound[t, i] * drop[t, i] / REBOUND_DAYS
            blocked_until[i] = start + n_crash + COOLDOWN
            triggers[t, i] = True

    close = price0 * np.exp(np.cumsum(ret, axis=0))
    abs_z = np.abs(ret - mu) / np.sqrt(beta**2 * mkt_lr**2 + idio_lr**2)
    log_vol = np.log(vol_base) + 0.5 * np.log1p(abs_z) + _ar1_matrix(rng, n_days, k, 0.7, 0.25)
    volume = np.round(np.exp(log_vol), -2)

    keep = days >= pd.Timestamp(MARKET_FIRST_DAY)
    noise_seq = noise_rng("noise_seq").normal(0.0, 1.0, (keep.sum(), k))
    frames, events = [], []
    for i, tic in enumerate(TICKERS):
        c = np.round(close[keep, i], 2)
        dd = forward_drawdown(c, EVENT_HORIZON)
        event = np.where(np.isnan(dd), np.nan, (dd >= EVENT_THRESHOLD).astype(float))
        lr = np.log(c[1:] / c[:-1])
        frames.append(
            pd.DataFrame(
                {
                    "date": days[keep].strftime("%Y-%m-%d"),
                    "ticker": tic,
                    "close": c,
                    "volume": volume[keep, i].astype(np.int64),
                    "ret_1d": np.round(np.concatenate([[np.nan], lr]), 6),
                    "noise_seq": np.round(noise_seq[:, i], 4),
                    "event": event,
                }
            )
        )
        events.append(triggers[keep, i])
    prices = pd.concat(frames, ignore_index=True)
    prices["event"] = prices["event"].astype("Int64")

    sentiment = _simulate_news(rng, days, tone)
    macro_out = macro.loc[MACRO_FILE_FIRST:MARKET_LAST_DAY].copy()
    vix = _monthly_vix(rng, days, ret, macro["credit_spread"])
    macro_out["vix"] = vix.reindex(macro_out.index).to_numpy()
    market_macro = pd.DataFrame(
        {
            "date": macro_out.index.strftime("%Y-%m-%d"),
            "policy_rate": np.round(macro_out["policy_rate"], 2),
            "rate_10y": np.round(macro_out["rate_10y"], 2),
            "credit_spread": np.round(macro_out["credit_spread"], 2),
            "vix": np.round(macro_out["vix"], 2),
            "cpi_yoy": np.round(macro_out["cpi_yoy"], 1),
            "unemployment": np.round(macro_out["unemployment"], 1),
            "noise_macro": np.round(macro_out["noise_macro"], 3),
        }
    )
    return {
        "prices": prices,
        "macro": market_macro,
        "sentiment": sentiment,
        "triggers": pd.DataFrame(np.column_stack(events), columns=TICKERS),
    }


def _ar1_matrix(rng: np.random.Generator, n: int, k: int, phi: float, sd: float) -> np.ndarray:
    e = rng.normal(0.0, sd * np.sqrt(1 - phi**2), (n, k))
    out = np.empty((n, k))
    out[0] = rng.normal(0.0, sd, k)
    for t in range(1, n):
        out[t] = phi * out[t - 1] + e[t]
    return out


def _monthly_vix(
    rng: np.random.Generator, days: pd.DatetimeIndex, ret: np.ndarray, spread: pd.Series
) -> pd.Series:
    """A volatility index (monthly mean, in %): realised index vol plus a credit-stress premium."""
    index_ret = pd.Series(ret.mean(axis=1), index=days)
    realised = index_ret.groupby(days.to_period("M")).std() * np.sqrt(252) * 100
    months = realised.index.to_timestamp()
    stress = _relu(spread.reindex(months).to_numpy() - 1.4)
    noise = rng.normal(0.0, 1.2, len(realised))
    vix = np.clip(1.2 * realised.to_numpy() + 5.0 + 9.0 * stress + noise, 9, 85)
    return pd.Series(vix, index=months)


def _simulate_news(
    rng: np.random.Generator, bdays: pd.DatetimeIndex, tone: np.ndarray
) -> pd.DataFrame:
    """Articles per calendar day and ticker; each score is the latent tone plus noise."""
    cal = pd.date_range(MARKET_FIRST_DAY, MARKET_LAST_DAY, freq="D")
    # tone on a calendar day = tone of the latest business day at or before it
    pos = np.searchsorted(_days(bdays), _days(cal), side="right") - 1
    day_tone = tone[pos]
    weekend = cal.day_of_week >= 5
    p_news = np.where(weekend, 0.25, 0.68)[:, None] * np.ones((1, len(TICKERS)))
    has_news = rng.random(day_tone.shape) < p_news
    n_articles = has_news * (1 + rng.poisson(0.5 + 0.8 * _relu(-day_tone)))
    d_idx, t_idx = np.nonzero(n_articles)
    reps = n_articles[d_idx, t_idx]
    d_idx, t_idx = np.repeat(d_idx, reps), np.repeat(t_idx, reps)
    score = np.clip(day_tone[d_idx, t_idx] + rng.normal(0.0, 0.30, len(d_idx)), -1, 1)
    return pd.DataFrame(
        {
            "date": cal[d_idx].strftime("%Y-%m-%d"),
            "ticker": np.array(TICKERS)[t_idx],
            "sentiment": np.round(score, 3),
        }
    )


def wind_export(prices: pd.DataFrame, tickers: list[str]) -> bytes:
    """A Wind-terminal style GBK export: Chinese headers, 2024/1/31 dates, 1,234,567, -1.23%."""
    sub = prices[prices["ticker"].isin(tickers)]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["日期", "代码", "名称", "收盘价", "成交量", "涨跌幅"])
    for row in sub.itertuples(index=False):
        d = pd.Timestamp(row.date)
        pct = "" if np.isnan(row.ret_1d) else f"{round(np.expm1(row.ret_1d) * 100, 2) + 0.0:.2f}%"
        writer.writerow(
            [
                f"{d.year}/{d.month}/{d.day}",
                f"{row.ticker}.O",
                TICKER_NAMES_ZH[row.ticker],
                f"{row.close:.2f}",
                f"{row.volume:,}",
                pct,
            ]
        )
    buf.write("数据来源：Wind\r\n")
    return buf.getvalue().encode("gbk")


# ---- credit: long payment histories -------------------------------------------------------------
N_BORROWERS, N_SHOWN, N_SIMULATED = 3000, 24, 36
FIRST_START, LAST_START = "2013-01", "2022-12"
REGIONS = ["North", "South", "East", "West", "Islands", "Overseas"]
REGION_P = [0.31, 0.27, 0.22, 0.17, 0.02, 0.01]
PRODUCTS = ["card", "personal_loan", "auto"]
PRODUCT_P = [0.5, 0.3, 0.2]
PRODUCT_EFFECT = np.array([0.0, 0.6, -0.6])  # card, personal_loan, auto
INCOME_MEDIAN = 52_000.0

# Default in month t+1: logit = D_BASE + D_LATE2*[late6 >= 2] + D_LATE*late6
#   + D_TREND*relu(util_t - util_{t-3}) + D_PAY*relu(0.8 - pay3) + D_UNEMP*(unemp_{t-1} - 4.5)
#   + D_INCOME*log(median / income) + product effect + D_BOTH*[util_t > 0.9 and late6 >= 1]
D_BASE, D_LATE2, D_LATE, D_TREND, D_PAY = -7.3, 1.6, 0.3, 3.0, 2.5
D_UNEMP, D_INCOME, D_BOTH = 0.22, 1.5, 0.9
STRESS_PHI = 0.92  # monthly persistence of a borrower's latent financial stress


def credit_hazard_logit(
    late6: np.ndarray,
    util_trend: np.ndarray,
    util: np.ndarray,
    pay3: np.ndarray,
    unemp_known: np.ndarray,
    income: np.ndarray,
    product: np.ndarray,
) -> np.ndarray:
    """Log-odds that a borrower defaults next month, from what is known this month."""
    return (
        D_BASE
        + D_LATE2 * (late6 >= 2)
        + D_LATE * late6
        + D_TREND * _relu(util_trend)
        + D_PAY * _relu(0.8 - pay3)
        + D_UNEMP * (unemp_known - 4.5)
        + D_INCOME * np.log(INCOME_MEDIAN / income)
        + PRODUCT_EFFECT[product]
        + D_BOTH * ((util > 0.9) & (late6 >= 1))
    )


def simulate_credit(rng: np.random.Generator, macro: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Monthly payment histories with staggered starts and a 12-month-ahead default label."""
    n, horizon = N_BORROWERS, N_SIMULATED
    all_months = macro.index
    starts = _months(FIRST_START, LAST_START)
    start_idx = np.searchsorted(_days(all_months), _days(starts))[rng.integers(0, len(starts), n)]
    m_idx = start_idx[:, None] + np.arange(horizon)[None, :]  # (n, months) into macro
    unemp = macro["unemployment"].to_numpy()
    unemp_now, unemp_known = unemp[m_idx], unemp[m_idx - 1]

    age = np.clip(np.round(rng.normal(42, 12, n)), 21, 75).astype(int)
    income = np.round(INCOME_MEDIAN * np.exp(rng.normal(0, 0.5, n)), -2)
    region = rng.choice(len(REGIONS), n, p=REGION_P)
    product = rng.choice(len(PRODUCTS), n, p=PRODUCT_P)
    noise_static = np.round(noise_rng("noise_static").normal(0, 1, n), 3)
    limit_factor = np.choose(
        product, [rng.uniform(0.1, 0.35, n), rng.uniform(0.2, 0.6, n), rng.uniform(0.3, 0.8, n)]
    )
    limit = np.round(INCOME_MEDIAN * limit_factor * np.exp(rng.normal(0, 0.5, n)), -2)
    base_util0 = np.choose(product, [rng.beta(2, 3, n), rng.uniform(0.8, 1.0, n), np.full(n, 0.85)])
    amortise = np.array([0.0, 0.015, 0.012])[product]  # loans amortise, cards revolve
    persistent = rng.normal(0, 0.35, n)

    stress = np.zeros((n, horizon))
    util = np.zeros((n, horizon))
    pay = np.zeros((n, horizon))
    dpd = np.zeros((n, horizon), dtype=int)
    logit = np.full((n, horizon), -np.inf)
    s = persistent + rng.normal(0, 0.3, n)
    for t in range(horizon):
        job_loss = rng.random(n) < 0.008 + 0.002 * (unemp_now[:, t] - 4.0)
        s = (
            STRESS_PHI * s
            + (1 - STRESS_PHI) * persistent
            + rng.normal(0, 0.3, n)
            + 0.015 * (unemp_now[:, t] - 4.5)
            + 1.3 * job_loss
        )
        stress[:, t] = s
        path = np.maximum(base_util0 - amortise * t, 0.05)
        util[:, t] = np.clip(path + 0.12 * s + rng.normal(0, 0.03, n), 0, 1.5)
        pay[:, t] = np.clip(1.05 - 0.35 * s + rng.normal(0, 0.15, n), 0, 2)
        prev = dpd[:, t - 1] if t else np.zeros(n, dtype=int)
        prev_arrears = np.where(prev >= 30, prev, 0)
        missed = pay[:, t] < 0.3
        cured = pay[:, t] >= 0.9
        d = np.where(missed, np.minimum(prev_arrears + 30, 180), prev_arrears)
        d = np.where(cured & ~missed, np.maximum(prev_arrears - 30, 0), d)
        technical = (d == 0) & (rng.random(n) < 0.06)
        dpd[:, t] = np.where(technical, rng.integers(1, 20, n), d)
        lo = max(t - 5, 0)
        late6 = (dpd[:, lo : t + 1] >= 30).sum(axis=1)
        util_trend = util[:, t] - util[:, max(t - 3, 0)]
        pay3 = pay[:, max(t - 2, 0) : t + 1].mean(axis=1)
        logit[:, t] = credit_hazard_logit(
            late6, util_trend, util[:, t], pay3, unemp_known[:, t], income, product
        )

    # default month: first month k >= 1 whose Bernoulli draw (hazard computed at k-1) fires
    fires = rng.random((n, horizon)) < 1.0 / (1.0 + np.exp(-logit))
    fires[:, -1] = False
    first = np.where(fires.any(axis=1), fires.argmax(axis=1) + 1, horizon + 1)
    k = np.arange(horizon)[None, :]
    label = (first[:, None] > k) & (first[:, None] <= k + 12)
    shown = (k < N_SHOWN) & (k < first[:, None])
    rows, cols = np.nonzero(shown)
    month = all_months[m_idx[rows, cols]]
    payments = pd.DataFrame(
        {
            "month": month.strftime("%Y-%m-%d"),
            "borrower_id": np.char.add("B", np.char.zfill(np.arange(1, n + 1).astype(str), 5))[
                rows
            ],
            "balance": np.round(limit[rows] * util[rows, cols], 2),
            "utilisation": np.round(util[rows, cols], 3),
            "days_past_due": dpd[rows, cols],
            "payment_ratio": np.round(pay[rows, cols], 3),
            "age": age[rows],
            "income": income[rows].astype(np.int64),
            "region": np.array(REGIONS)[region[rows]],
            "product": np.array(PRODUCTS)[product[rows]],
            "noise_static": noise_static[rows],
            "default_12m": label[rows, cols].astype(int),
        }
    )
    payments = payments.sort_values(["month", "borrower_id"], kind="stable", ignore_index=True)
    lag_month = (pd.Timestamp(f"{FIRST_START}-01") - pd.DateOffset(months=1)).strftime("%Y-%m")
    file_months = _months(lag_month, "2024-12")
    cm = macro.loc[file_months]
    credit_macro = pd.DataFrame(
        {
            "month": file_months.strftime("%Y-%m-%d"),
            "unemployment": np.round(cm["unemployment"].to_numpy(), 1),
            "policy_rate": np.round(cm["policy_rate"].to_numpy(), 2),
            "house_price_index": np.round(cm["house_price_index"].to_numpy(), 1),
        }
    )
    summary = pd.DataFrame(
        {
            "default_month": first,  # months after the first row; N_SIMULATED + 1 = never
            "defaults_in_history": first <= N_SHOWN - 1,
            "defaults_by_12m_after_history": first <= N_SHOWN - 1 + 12,
        }
    )
    return {"payments": payments, "macro": credit_macro, "borrowers": summary}


# ---- credit: cross-sectional UCI-style table -----------------------------------------------------
N_WIDE = 3000
W_BASE, W_PAY1_2, W_PAY1_1, W_LATE, W_UTIL, W_PAYAMT, W_LIMIT = -2.2, 1.6, 0.7, 0.25, 1.8, 0.8, 0.5


def credit_wide_logit(
    pay1: np.ndarray, n_late: np.ndarray, util1: np.ndarray, low_pay: np.ndarray, limit: np.ndarray
) -> np.ndarray:
    """Log-odds of default next month for the wide table."""
    return (
        W_BASE
        + W_PAY1_2 * (pay1 >= 2)
        + W_PAY1_1 * (pay1 == 1)
        + W_LATE * n_late
        + W_UTIL * _relu(util1 - 0.7)
        + W_PAYAMT * low_pay
        - W_LIMIT * np.log(limit / 100_000)
    )


def simulate_credit_wide(rng: np.random.Generator) -> tuple[pd.DataFrame, float]:
    """One row per card holder: 6 months of status, bills and payments, default next month."""
    n = N_WIDE
    limit = np.clip(np.round(np.exp(rng.normal(np.log(120_000), 0.8, n)), -4), 10_000, 800_000)
    sex = rng.choice([1, 2], n, p=[0.4, 0.6])
    education = rng.choice([1, 2, 3, 4], n, p=[0.35, 0.47, 0.16, 0.02])
    marriage = rng.choice([1, 2, 3], n, p=[0.45, 0.53, 0.02])
    age = np.clip(np.round(rng.normal(35, 9, n)), 21, 75).astype(int)
    stress = np.zeros((n, 6))
    s0 = rng.normal(0, 1, n)  # stress before the oldest month shown
    s = s0
    for j in range(6):  # column 6 is the oldest month, column 1 the latest
        s = 0.75 * s + rng.normal(0, 0.66, n)
        stress[:, 5 - j] = s
    util = np.clip(1 / (1 + np.exp(-(rng.normal(-0.6, 0.9, n)[:, None] + 0.7 * stress))), 0, 1.2)
    bill = np.round(limit[:, None] * util * rng.uniform(0.95, 1.05, (n, 6)))
    no_use = rng.random(n) < 0.07
    bill[no_use] = 0
    pay_frac = np.clip(0.25 - 0.12 * stress + rng.normal(0, 0.1, (n, 6)), 0, 1)
    pay_amt = np.zeros((n, 6))
    pay_amt[:, :5] = np.round(bill[:, 1:] * pay_frac[:, :5])  # paid this month on last bill
    pay_amt[:, 5] = np.round(bill[:, 5] * pay_frac[:, 5])
    status = np.zeros((n, 6), dtype=int)
    delay = np.where(s0 > 1.3, rng.integers(1, 4, n), 0)  # arrears carried in from before
    for j in range(5, -1, -1):
        missed = stress[:, j] > 1.1
        paid_full = pay_frac[:, j] > 0.35
        delay = np.where(missed, np.minimum(delay + 1, 8), np.where(paid_full, 0, delay))
        status[:, j] = np.where(delay > 0, delay, np.where(paid_full, -1, 0))
    status[no_use] = -2
    pay_amt[no_use] = 0
    n_late = (status >= 1).sum(axis=1)
    util1 = bill[:, 0] / limit
    low_pay = (pay_amt[:, 0] < 0.05 * bill[:, 1]) & (bill[:, 1] > 0)
    logit = credit_wide_logit(status[:, 0], n_late, util1, low_pay, limit)
    default = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    frame = pd.DataFrame(
        {"ID": np.arange(1, n + 1), "LIMIT_BAL": limit.astype(int), "SEX": sex,
         "EDUCATION": education, "MARRIAGE": marriage, "AGE": age}
    )  # fmt: skip
    for j in range(6):
        frame[f"PAY_{j + 1}"] = status[:, j]
    for j in range(6):
        frame[f"BILL_AMT{j + 1}"] = bill[:, j].astype(int)
    for j in range(6):
        frame[f"PAY_AMT{j + 1}"] = pay_amt[:, j].astype(int)
    frame["default"] = default
    return frame, float(default.mean())


# ---- configs ------------------------------------------------------------------------------------
def _run_config(data: dict, window: int | None, horizon: int | None, batch: int) -> dict:
    cfg: dict = {"data": data, "task": "classification"}
    if window is not None:
        cfg["window"], cfg["horizon"] = window, horizon
    cfg["split"] = {"scheme": "time" if window else "stratified", "validation": 0.15, "test": 0.15}
    cfg["model"] = {
        "cell": "lstm", "units": [32, 16], "dense_units": 16, "tower_units": 16,
        "dropout": 0.2, "l1": 0.0, "l2": 0.0001, "batch_norm": False,
    }  # fmt: skip
    cfg["training"] = {
        "epochs": 15, "batch_size": batch, "learning_rate": 0.001, "loss": "auto",
        "class_weight": "balanced", "patience": 3, "seed": 7,
    }  # fmt: skip
    return cfg


def configs(wide_columns: list[str]) -> dict[str, dict]:
    market = {
        "time": "date",
        "entity": "ticker",
        "sequence_features": ["ret_1d", "volume", "noise_seq"],
        "static_features": [],
        "macro_features": ["credit_spread", "vix", "policy_rate", "noise_macro"],
        "sentiment_features": ["sentiment"],
        "macro_lag": "1M",  # monthly macro files: a month's figures are known a month later
        "target": {"kind": "drawdown", "column": "close", "threshold": EVENT_THRESHOLD},
    }
    credit = {
        "time": "month",
        "entity": "borrower_id",
        "sequence_features": ["balance", "utilisation", "days_past_due", "payment_ratio"],
        "static_features": ["age", "income", "region", "product", "noise_static"],
        "macro_features": ["unemployment", "policy_rate"],
        "sentiment_features": [],
        "macro_lag": "1M",  # monthly macro files: a month's figures are known a month later
        "target": {"kind": "column", "column": "default_12m"},
    }
    wide = {
        "time": None,
        "entity": None,
        "sequence_features": [],
        "static_features": [c for c in wide_columns if c not in ("ID", "default")],
        "macro_features": [],
        "sentiment_features": [],
        "target": {"kind": "column", "column": "default"},
    }
    market_event = {**market, "target": {"kind": "column", "column": "event"}}
    market_var = {**market, "target": {"kind": "forward_return", "column": "close"}}
    var = _run_config(market_var, 30, 1, 128)  # 1-day 99% and 97.5% VaR, ES at each
    var["task"], var["quantiles"] = "quantile", [0.01, 0.025]
    var["split"]["test"] = 0.2  # about 313 test days per ticker: a full Basel year of 250
    var["training"]["class_weight"] = "none"
    return {
        "market_config.json": _run_config(market, 30, EVENT_HORIZON, 128),
        "market_event_config.json": _run_config(market_event, 30, EVENT_HORIZON, 128),
        "market_var_config.json": var,
        "credit_config.json": _run_config(credit, 6, 12, 256),
        "credit_wide_config.json": _run_config(wide, None, None, 64),
    }


# ---- main ---------------------------------------------------------------------------------------
def _write_csv(frame: pd.DataFrame, name: str) -> None:
    frame = frame.copy()
    for col in frame.select_dtypes("float").columns:
        frame[col] = frame[col] + 0.0  # no "-0.0" after rounding
    (OUT / name).write_bytes(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))


def generate() -> dict[str, float]:
    """Write every file; return the rates the README quotes."""
    root = np.random.SeedSequence(SEED)
    macro_rng, market_rng, credit_rng, wide_rng = (np.random.default_rng(s) for s in root.spawn(4))
    macro = macro_paths(macro_rng)
    market = simulate_market(market_rng, macro)
    credit = simulate_credit(credit_rng, macro)
    wide, wide_rate = simulate_credit_wide(wide_rng)

    _write_csv(market["prices"], "market_prices.csv")
    _write_csv(market["macro"], "market_macro.csv")
    _write_csv(market["sentiment"], "market_sentiment.csv")
    (OUT / "market_prices_wind_gbk.csv").write_bytes(
        wind_export(market["prices"], ["ACME", "BOLT"])
    )
    _write_csv(credit["payments"], "credit_payments.csv")
    _write_csv(credit["macro"], "credit_macro.csv")
    _write_csv(wide, "credit_wide.csv")
    for name, cfg in configs(list(wide.columns)).items():
        (OUT / name).write_text(json.dumps(cfg, indent=2) + "\n", encoding="utf-8")

    borrowers = credit["borrowers"]
    return {
        "market_event_rate": float(market["prices"]["event"].mean()),
        "market_triggers_per_ticker_year": float(market["triggers"].to_numpy().mean() * 252),
        "credit_row_label_rate": float(credit["payments"]["default_12m"].mean()),
        "credit_borrowers_default_in_history": float(borrowers["defaults_in_history"].mean()),
        "credit_borrowers_default_by_12m_after": float(
            borrowers["defaults_by_12m_after_history"].mean()
        ),
        "credit_wide_default_rate": wide_rate,
    }


if __name__ == "__main__":
    for key, value in generate().items():
        print(f"{key}: {value:.4f}")
