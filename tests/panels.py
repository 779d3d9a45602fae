"""Random panels for the property tests: ragged entities, gaps, macro and news."""

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
