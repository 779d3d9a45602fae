"""Macro files of several frequencies: frequency detection, calendar lags, merging files, the
legacy integer lag, the CLI's repeated --macro, and the Data page's per-file lags.

The rule under test (design rule 1): a macro value dated d with lag L is never used at a time
t < d + L."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from riskcore.cli import main
from riskcore.config import parse_config
from riskcore.dataset import build_frame
from riskcore.errors import ConfigError, DataValidationError
from riskcore.io import read_table
from riskcore.joins import join_macro, macro_row_index
from riskcore.macro import (
    column_lags,
    default_lag,
    detect_frequency,
    file_frequency,
    lag_offset,
    lag_summary,
    merge_files,
    normal_lag,
    parse_lag,
)
from ui.i18n import TEXT

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
LAGS = ("0D", "1D", "3D", "45D", "1W", "1M", "2M", "1Q", "1Y")


def _data(**extra) -> dict:
    return {
        "time": "date",
        "sequence_features": ["x"],
        "macro_features": ["vix", "cpi"],
        "target": {"column": "y"},
        **extra,
    }


def _config(**extra):
    return parse_config({"data": _data(**extra), "window": 2, "horizon": 1})


def _vix(days: pd.DatetimeIndex) -> pd.DataFrame:
    return pd.DataFrame({"date": days, "vix": np.arange(len(days)) + 10.0})


def _cpi(months: pd.DatetimeIndex) -> pd.DataFrame:
    return pd.DataFrame({"month": months, "cpi": np.arange(len(months)) + 100.0})


# ---- frequencies and lags --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("dates", "frequency", "lag"),
    [
        (pd.bdate_range("2020-01-01", periods=300), "business daily", "0D"),
        (pd.date_range("2020-01-01", periods=300), "daily", "0D"),
        (pd.date_range("2020-01-03", periods=60, freq="W-FRI"), "weekly", "0D"),
        (pd.date_range("2020-01-01", periods=40, freq="MS"), "monthly", "1M"),
        (pd.date_range("2020-01-31", periods=40, freq="BME"), "monthly", "1M"),
        (pd.date_range("2020-03-31", periods=20, freq="QE"), "quarterly", "1Q"),
        (pd.date_range("2000-01-01", periods=20, freq="YS"), "annual", "1Y"),
        (pd.date_range("2020-01-01", periods=30, freq="14D"), "irregular", "0D"),
        (pd.DatetimeIndex(["2020-01-01"]), "irregular", "0D"),
    ],
)
def test_each_frequency_is_detected_with_its_default_lag(dates, frequency, lag) -> None:
    assert detect_frequency(dates.to_numpy()) == frequency
    assert default_lag(frequency) == lag


def test_a_monthly_series_with_a_few_missing_months_is_still_monthly() -> None:
    months = pd.date_range("2015-01-01", periods=60, freq="MS").delete([5, 17, 30])
    assert detect_frequency(months.to_numpy()) == "monthly"


def test_lags_are_parsed_in_one_spelling_and_anything_else_is_named() -> None:
    assert parse_lag(" 45d ") == (45, "D") and normal_lag("1m") == "1M"
    day = pd.Timestamp("2024-01-31")
    assert day + lag_offset("1M") == pd.Timestamp("2024-02-29")
    assert day + lag_offset("1Q") == pd.Timestamp("2024-04-30")
    assert day + lag_offset("45D") == pd.Timestamp("2024-03-16")
    assert day + lag_offset("1W") == pd.Timestamp("2024-02-07")
    for bad in ("1 month", "M", "-1D", "1.5M", "", 3):
        with pytest.raises(DataValidationError, match="is not a lag; write it like 0D"):
            parse_lag(bad)


def test_the_config_validates_lags_up_front_naming_key_and_value() -> None:
    assert _config().data.macro_lag is None  # the new default: each column's own frequency
    assert _config(macro_lag="1m").data.macro_lag == "1M"
    assert _config(macro_lag=0).data.macro_lag == 0  # a legacy config keeps its integer
    assert _config(macro_lags={"cpi": "45d"}).data.macro_lags == {"cpi": "45D"}
    cases = {
        "data.macro_lags.cpi: not a lag; write it like 0D, 1D, 45D, 1M or 1Q (got '1 month')": {
            "macro_lags": {"cpi": "1 month"}
        },
        "data.macro_lag: not a lag": {"macro_lag": "soon"},
        "from 0 to 1000": {"macro_lag": 5000},
        "macro_lags names ['gdp'], not among macro_features": {"macro_lags": {"gdp": "1Q"}},
        "macro_lag 1 counts rows": {"macro_lag": 1, "macro_lags": {"cpi": "1M"}},
    }
    for message, extra in cases.items():
        with pytest.raises(ConfigError) as err:
            _config(**extra)
        assert message in str(err.value), str(err.value)


def test_a_configs_lags_are_summed_up_for_reports() -> None:
    assert lag_summary(_config(macro_lag=1).data) == "1 row(s)"
    assert lag_summary(_config(macro_lag="1m").data) == "1M"
    assert lag_summary(_config(macro_lags={"vix": "0D", "cpi": "1M"}).data) == "vix 0D, cpi 1M"
    assert lag_summary(_config(macro_lags={"vix": "1M", "cpi": "1M"}).data) == "1M"
    assert lag_summary(_config(macro_lags={"cpi": "1M"}).data) == "vix default, cpi 1M"
    assert lag_summary(_config().data).startswith("each column's default")


# ---- merging files -------------------------------------------------------------------------
def test_files_merge_on_the_date_with_gaps_as_nan() -> None:
    vix = _vix(pd.bdate_range("2024-01-01", periods=45))
    cpi = _cpi(pd.date_range("2023-12-01", periods=3, freq="MS"))
    merged = merge_files([("vix.csv", vix), ("cpi.csv", cpi)], "date")
    assert list(merged.columns) == ["date", "vix", "cpi"]
    assert merged["date"].is_monotonic_increasing and len(merged) == 45 + 1  # 2023-12-01 added
    assert merged.set_index("date").loc["2024-02-01", "cpi"] == 102.0
    assert merged["cpi"].notna().sum() == 3 and merged["vix"].notna().sum() == 45
    assert merge_files([("vix.csv", vix)], "date") is vix  # one file: as it always was


def test_merge_errors_name_the_files_and_what_to_do() -> None:
    vix = _vix(pd.bdate_range("2024-01-01", periods=10))
    twice = pd.DataFrame({"day": pd.bdate_range("2024-01-01", periods=3), "vix": 1.0})
    with pytest.raises(
        DataValidationError, match=re.escape("'vix' is in both macro files 'a.csv' and 'b.csv'")
    ):
        merge_files([("a.csv", vix), ("b.csv", twice)], "date")
    doubled = pd.concat([_cpi(pd.date_range("2024-01-01", periods=2, freq="MS"))] * 2)
    with pytest.raises(
        DataValidationError, match=re.escape("macro file 'cpi.csv' has two rows for 2024-01-01")
    ):
        merge_files([("vix.csv", vix), ("cpi.csv", doubled)], "date")
    undated = pd.DataFrame({"when": ["soon", "later"], "cpi": [1.0, 2.0]})
    with pytest.raises(
        DataValidationError, match=re.escape("'cpi.csv' has no column 'date' and no column read")
    ):
        merge_files([("vix.csv", vix), ("cpi.csv", undated)], "date")
    cpi = _cpi(pd.date_range("2024-01-01", periods=2, freq="MS"))
    with pytest.raises(DataValidationError, match=r'counts rows of one macro file.*"1M"'):
        merge_files([("vix.csv", vix), ("cpi.csv", cpi)], "date", macro_lag=1)


# ---- the join ------------------------------------------------------------------------------
days = st.lists(st.integers(0, 400), min_size=1, max_size=60, unique=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    daily=days,
    months=st.lists(st.integers(0, 14), min_size=1, max_size=15, unique=True),
    month_end=st.booleans(),
    lags=st.tuples(st.sampled_from(LAGS), st.sampled_from(LAGS)),
    rows=st.lists(st.integers(-40, 480), min_size=1, max_size=40),
)
def test_no_macro_value_is_used_before_its_date_plus_its_lag(
    daily, months, month_end, lags, rows
) -> None:
    """Random daily and monthly files merged and joined with random calendar lags: each value
    used at t is the latest one whose date + lag <= t, and none is used earlier."""
    start = pd.Timestamp("2023-01-01")
    vix = _vix(pd.DatetimeIndex(sorted(start + pd.to_timedelta(daily, unit="D"))))
    first = pd.DatetimeIndex(sorted(start + pd.DateOffset(months=m) for m in months))
    cpi = _cpi(first + pd.offsets.MonthEnd(0) if month_end else first)
    merged = merge_files([("vix.csv", vix), ("cpi.csv", cpi)], "date")
    config = _config(macro_lags={"vix": lags[0], "cpi": lags[1]})
    times = (start + pd.to_timedelta(rows, unit="D")).to_numpy(dtype="datetime64[ns]")
    joined = join_macro(
        times, merged, "date", ["vix", "cpi"], column_lags(config.data, merged, "date")
    )
    for name, dates, lag in (("vix", vix["date"], lags[0]), ("cpi", cpi["month"], lags[1])):
        released = pd.DatetimeIndex(dates) + lag_offset(lag)
        for t, used in zip(times, joined[name].to_numpy(), strict=True):
            known = np.flatnonzero(released <= t)
            if len(known) == 0:
                assert np.isnan(used)
                continue
            row = int(used) - (10 if name == "vix" else 100)  # values count rows from 10, 100
            assert released[row] <= t, (name, lag, dates.iloc[row], t)
            assert row == known.max()  # the latest value known at t


def _old_join(times, macro, time_col, features, lag) -> np.ndarray:
    """join_macro as it was before calendar lags: rows of the file."""
    macro = macro.assign(_t=pd.to_datetime(macro[time_col])).sort_values("_t")
    idx = macro_row_index(macro["_t"].to_numpy(dtype="datetime64[ns]"), times, lag)
    out = np.full((len(times), len(features)), np.nan)
    out[idx >= 0] = macro[features].to_numpy(dtype=float)[idx[idx >= 0]]
    return out


@pytest.mark.parametrize("lag", [0, 1, 3])
def test_an_integer_lag_still_counts_rows_as_before(lag: int) -> None:
    rng = np.random.default_rng(lag)
    macro = pd.DataFrame(
        {"date": pd.date_range("2023-01-01", periods=30, freq="10D"), "m": rng.normal(size=30)}
    )
    macro.loc[[4, 9], "m"] = np.nan  # a gap in the chosen row stays a gap
    times = pd.date_range("2022-12-01", periods=200, freq="2D").to_numpy(dtype="datetime64[ns]")
    new = join_macro(times, macro, "date", ["m"], lag).to_numpy()
    np.testing.assert_array_equal(new, _old_join(times, macro, "date", ["m"], lag))
    if lag == 0:  # rows lag 0 on one file without gaps is calendar 0D
        full = macro.dropna()
        calendar = join_macro(times, full, "date", ["m"], {"m": lag_offset("0D")}).to_numpy()
        np.testing.assert_array_equal(calendar, _old_join(times, full, "date", ["m"], 0))


def _sample(name: str) -> pd.DataFrame:
    return read_table(SAMPLE / name)[0]


def test_the_sample_configs_calendar_lag_gives_what_their_old_row_lag_gave() -> None:
    """The sample macro files are monthly, dated on the 1st: "1M" == 1 row, and the default."""
    for config_file, primary, macro in (
        ("credit_config.json", "credit_payments.csv", "credit_macro.csv"),
        ("market_event_config.json", "market_prices.csv", "market_macro.csv"),
    ):
        raw = json.loads((SAMPLE / config_file).read_text(encoding="utf-8"))
        raw["data"]["sentiment_features"] = []
        assert raw["data"]["macro_lag"] == "1M"
        frames = _sample(primary), _sample(macro)
        assert file_frequency(macro, frames[1]).frequency == "monthly"
        joined = {}
        for lag in ("1M", 1, None):
            raw["data"]["macro_lag"] = lag
            cfg = parse_config(raw)
            joined[lag] = build_frame(cfg, *frames)[cfg.data.macro_features].to_numpy()
        np.testing.assert_array_equal(joined["1M"], joined[1])
        np.testing.assert_array_equal(joined[None], joined[1])


def _desk_files() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    days = pd.bdate_range("2024-01-01", "2024-04-30")
    primary = pd.DataFrame({"date": days, "x": np.arange(len(days)), "y": np.arange(len(days)) % 2})
    vix = _vix(days)
    cpi = _cpi(pd.date_range("2023-12-01", "2024-04-01", freq="MS"))  # 100 = December
    return primary, vix, cpi


def test_a_daily_vix_and_a_monthly_cpi_each_keep_their_own_lag() -> None:
    """The desk's case: VIX is known the same day, CPI for a month only a month later."""
    primary, vix, cpi = _desk_files()
    macro = merge_files([("vix.csv", vix), ("cpi.csv", cpi)], "date")
    for lags, march_15, march_1, feb_29 in (
        ({}, 102.0, 102.0, 101.0),  # the defaults: vix 0D (business daily), cpi 1M
        ({"cpi": "1M"}, 102.0, 102.0, 101.0),
        ({"cpi": "45D"}, 101.0, 101.0, 101.0),  # 02-01 + 45D = 03-17; 01-01 + 45D = 02-15
    ):
        frame = build_frame(_config(macro_lags=lags), primary, macro).set_index("date")
        assert frame.loc["2024-03-15", "cpi"] == march_15  # February's CPI (dated 02-01)
        assert frame.loc["2024-03-01", "cpi"] == march_1
        assert frame.loc["2024-02-29", "cpi"] == feb_29
        same_day = vix.set_index("date").loc["2024-03-15", "vix"]
        assert frame.loc["2024-03-15", "vix"] == same_day
    lagged = build_frame(_config(macro_lag="1D"), primary, macro).set_index("date")
    assert lagged.loc["2024-03-18", "vix"] == vix.set_index("date").loc["2024-03-15", "vix"]


# ---- the CLI ---------------------------------------------------------------------------------
TINY = {
    "window": 5,
    "horizon": 1,
    "model": {"units": [4], "dense_units": 4, "tower_units": 4},
    "training": {"epochs": 1, "batch_size": 64, "patience": 0},
}


def test_the_cli_merges_repeated_macro_files_and_records_each(tmp_path, monkeypatch, capsys):
    primary, vix, cpi = _desk_files()
    paths = {}
    for name, frame in (("prices.csv", primary), ("vix.csv", vix), ("cpi.csv", cpi)):
        paths[name] = tmp_path / name
        frame.to_csv(paths[name], index=False)
    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    args = ["--data", str(paths["prices.csv"])]
    args += ["--macro", str(paths["vix.csv"]), "--macro", str(paths["cpi.csv"])]

    legacy = tmp_path / "legacy.json"
    legacy.write_text(json.dumps({"data": _data(macro_lag=1), **TINY}))
    assert main(["train", str(legacy), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: data.macro_lag 1 counts rows") and "'cpi.csv'" in err

    config = tmp_path / "config.json"
    config.write_text(json.dumps({"data": _data(macro_lags={"cpi": "1M"}), **TINY}))
    assert main(["train", str(config), *args]) == 0, capsys.readouterr().err
    run_dir = next((tmp_path / "runs").iterdir())
    meta = json.loads((run_dir / "meta.json").read_text())
    assert [(f["role"], f["name"]) for f in meta["files"]] == [
        ("primary", "prices.csv"),
        ("macro", "vix.csv"),
        ("macro", "cpi.csv"),
    ]
    assert all(len(f["sha256"]) == 64 for f in meta["files"])
    saved = pd.read_parquet(run_dir / "inputs" / "macro.parquet")
    assert {"date", "vix", "cpi"} <= set(saved.columns)


# ---- the Data page ---------------------------------------------------------------------------
def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def _lag_box(at: AppTest, name: str):
    label = TEXT["data.macro_file_lag"][0].format(name=name)
    return next(x for x in at.text_input if x.label == label)


def test_the_data_page_shows_each_macro_files_frequency_and_lag(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    primary, vix, cpi = _desk_files()
    at.file_uploader(key="upload_primary").upload("prices.csv", _csv(primary), "text/csv").run()
    at.file_uploader(key="upload_macro").set_value(
        [("vix.csv", _csv(vix), "text/csv"), ("cpi.csv", _csv(cpi), "text/csv")]
    ).run()
    assert not at.exception
    loaded = at.session_state["files"]["macro"]
    assert [p.name for p in loaded.parts] == ["vix.csv", "cpi.csv"]
    assert {"vix", "cpi"} <= set(loaded.frame.columns)
    assert [s["name"] for s in loaded.sources] == ["vix.csv", "cpi.csv"]
    multi = next(m for m in at.multiselect if m.label == TEXT["data.macro"][0])
    multi.set_value(["vix", "cpi"]).run()
    assert _lag_box(at, "vix.csv").value == "0D" and _lag_box(at, "cpi.csv").value == "1M"
    captions = " ".join(c.value for c in at.caption)
    assert "business daily; default lag 0D" in captions and "monthly; default lag 1M" in captions
    assert TEXT["data.macro_reason_late"][0] in captions
    data = at.session_state["config"]["data"]
    assert data["macro_lag"] is None and data["macro_lags"] == {"vix": "0D", "cpi": "1M"}

    _lag_box(at, "cpi.csv").set_value("45d").run()
    assert at.session_state["config"]["data"]["macro_lags"]["cpi"] == "45D"
    _lag_box(at, "cpi.csv").set_value("1 month").run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "cpi.csv" in errors and "is not a lag" in errors


def test_runs_on_different_second_macro_files_are_not_compared_side_by_side() -> None:
    """Two macro files are two records of role macro: a different monthly file makes the runs
    incomparable even when the daily file is the same (one record must not hide the other)."""
    from types import SimpleNamespace

    from riskcore.compare import _files

    def run(*shas: str):
        files = [SimpleNamespace(role="primary", name="p.csv", sha256="p")]
        files += [
            SimpleNamespace(role="macro", name=f"m{i}.csv", sha256=s) for i, s in enumerate(shas)
        ]
        return SimpleNamespace(meta=SimpleNamespace(files=files))

    assert _files(run("daily", "monthly")) == {"primary": ("p",), "macro": ("daily", "monthly")}
    assert _files(run("daily", "monthly")) != _files(run("daily", "other monthly"))
    assert _files(run("monthly", "daily")) == _files(run("daily", "monthly"))
