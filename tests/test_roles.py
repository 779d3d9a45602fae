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
    # 收盘价 is a price level and 涨跌幅 its return: the level is not pre-selected
    assert data["sequence_features"] == ["涨跌幅"] and data["derived"] == []


def _prices(with_return: bool) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    parts = []
    for name in ("AAA", "BBB"):
        close = 50 * np.exp(np.cumsum(rng.normal(0, 0.01, 60)))
        part = pd.DataFrame(
            {
                "date": pd.bdate_range("2024-01-01", periods=60),
                "ticker": name,
                "close": close,
                "volume": rng.integers(1000, 5000, 60),
            }
        )
        if with_return:
            part["ret_1d"] = np.log(part["close"]).diff()
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def test_a_price_level_is_replaced_by_its_log_return_when_none_exists() -> None:
    data = guess_roles(_prices(with_return=False), None, None)
    assert "close" not in data["sequence_features"] and "volume" in data["sequence_features"]
    assert data["derived"] == [
        {"name": "close_log_return", "kind": "log_return", "column": "close"}
    ]
    from riskcore.config import parse_config

    data["target"] = {"kind": "drawdown", "column": "close"}  # the guess is a valid config
    assert parse_config({"data": data}).data.all_sequence == ["volume", "close_log_return"]


def test_a_price_level_is_dropped_when_the_file_has_a_return_column() -> None:
    data = guess_roles(_prices(with_return=True), None, None)
    assert data["sequence_features"] == ["volume", "ret_1d"] and data["derived"] == []
