"""First guesses of the column mapping: what the Data page pre-fills."""

from __future__ import annotations

import numpy as np
import pandas as pd

from riskcore.roles import guess_roles


def test_a_panel_gets_time_entity_static_sequence_and_target() -> None:
    rng = np.random.default_rng(0)
    dates = pd.bdate_range("2024-01-01", periods=50)
    frame = pd.concat(
        pd.DataFrame(
            {
                "date": dates,
                "ticker": name,
                "ret": rng.normal(size=50),
                "size": float(k),
                "unit": 1.0,
                "event": (rng.random(50) < 0.2).astype(float),
            }
        )
        for k, name in enumerate(["AAA", "BBB", "CCC"])
    )
    data = guess_roles(frame, None, None)
    assert (data["time"], data["entity"]) == ("date", "ticker")
    assert data["sequence_features"] == ["ret"]
    assert data["static_features"] == ["size"]  # "unit" is the same everywhere: no feature
    assert data["target"]["column"] == "event"


def test_one_series_with_its_code_column_does_not_use_the_code_as_a_feature() -> None:
    """A Wind export of one stock: 代码 is 600000 on every row."""
    frame = pd.DataFrame(
        {
            "日期": pd.bdate_range("2024-01-01", periods=40),
            "代码": 600000,
            "收盘价": np.linspace(10, 12, 40),
            "涨跌幅": np.sin(np.arange(40)),
        }
    )
    data = guess_roles(frame, None, None)
    assert data["time"] == "日期" and data["entity"] is None
    assert data["sequence_features"] == ["收盘价", "涨跌幅"]
