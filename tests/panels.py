"""Synthetic panels for tests: random ragged ones for the property tests, and a planted one
whose drivers are known (scenarios, explanations)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def random_panel(
    seed: int, n_entities: int, min_len: int, max_len: int, gap_share: float = 0.05
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Primary (date, ent, close, f1, f2, event), monthly-ish macro, and irregular news."""
    rng = np.random.default_rng(seed)
    frames = []
    for e in range(n_entities):
        n = int(rng.integers(min_len, max_len + 1))
        start = pd.Timestamp("2020-01-01") + pd.Timedelta(days=int(rng.integers(0, 30)))
        dates = pd.bdate_range(start, periods=n)
        close = 50 * np.exp(np.cumsum(rng.normal(0, 0.03, n)))
        f1 = rng.normal(size=n)
        f1[rng.random(n) < gap_share] = np.nan
        frames.append(
            pd.DataFrame(
                {
                    "date": dates,
                    "ent": f"E{e}",
                    "close": close,
                    "f1": f1,
                    "f2": rng.normal(3, 2, n),
                    "event": (rng.random(n) < 0.3).astype(float),
                }
            )
        )
    primary = pd.concat(frames, ignore_index=True).sample(frac=1.0, random_state=seed)
    lo, hi = primary["date"].min(), primary["date"].max()
    macro_dates = pd.date_range(lo - pd.Timedelta(days=40), hi, freq="14D")
    macro = pd.DataFrame({"date": macro_dates, "m1": rng.normal(size=len(macro_dates))})
    n_news = 3 * len(primary) // 4
    news = pd.DataFrame(
        {
            "date": lo + pd.to_timedelta(rng.integers(0, (hi - lo).days + 1, n_news), unit="D"),
            "ent": rng.choice([f"E{e}" for e in range(n_entities)], n_news),
            "s": rng.uniform(-1, 1, n_news),
        }
    )
    return primary, macro, news


def config_dict(window: int, horizon: int, target: dict | None = None, **data) -> dict:
    base = {
        "time": "date",
        "entity": "ent",
        "sequence_features": ["f1", "f2"],
        "macro_features": ["m1"],
        "sentiment_features": ["s"],
        "target": target or {"kind": "drawdown", "column": "close", "threshold": 0.05},
    }
    base.update(data)
    return {"data": base, "window": window, "horizon": horizon}


def planted_panel(seed: int = 3, entities: int = 6, days: int = 320):
    """Event log-odds rise with macro m1 and sequence f1; f2, m2 and the news are noise."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2021-01-04", periods=days)
    weeks = dates[::5]
    m1 = np.zeros(len(weeks))
    for i in range(1, len(m1)):
        m1[i] = 0.8 * m1[i - 1] + rng.normal(0, 0.6)
    macro = pd.DataFrame({"date": weeks, "m1": m1, "m2": rng.normal(size=len(weeks))})
    m1_daily = pd.Series(m1, index=weeks).reindex(dates, method="ffill").to_numpy()
    frames = []
    for e in range(entities):
        f1, f2 = rng.normal(size=days), rng.normal(size=days)
        p = 1 / (1 + np.exp(-(-1.0 + 2.0 * m1_daily + 2.0 * f1)))
        frames.append(
            pd.DataFrame(
                {
                    "date": dates,
                    "ent": f"E{e}",
                    "f1": f1,
                    "f2": f2,
                    "size": float(e),
                    "sector": "bank" if e % 2 else "retail",
                    "const": 1.0,
                    "event": (rng.random(days) < p).astype(float),
                }
            )
        )
    n_news = days * entities // 2
    news = pd.DataFrame(
        {
            "date": dates[rng.integers(0, days, n_news)],
            "ent": rng.choice([f"E{e}" for e in range(entities)], n_news),
            "s": rng.normal(size=n_news),
        }
    )
    return pd.concat(frames, ignore_index=True), macro, news
