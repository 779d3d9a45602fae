"""A look at the data before modelling: the column summary and event rate over time (pure
pandas), their charts, the date range of the rows used (a config field every preparation
honours), and the Data page around them: formatted previews, a mapping kept when a corrected
file is uploaded again, guesses for a file added later, the counted sample sizes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from riskcore import profile
from riskcore.charts.data import DATA_LABELS, column_lines, event_rate_chart
from riskcore.config import parse_config
from riskcore.dataset import prepare
from riskcore.errors import ConfigError, DataValidationError
from riskcore.io import read_table
from ui.i18n import TEXT

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"


@pytest.fixture(scope="module")
def prices() -> pd.DataFrame:
    """Four tickers of the sample, as the app reads them."""
    frame, _ = read_table((SAMPLE / "market_prices.csv").read_bytes(), name="prices.csv")
    return frame[frame["ticker"].isin(sorted(frame["ticker"].unique())[:4])].reset_index(drop=True)


# ---- profile ------------------------------------------------------------------------------------
def test_the_column_summary_counts_and_ranges_each_column() -> None:
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-01-03", "2024-01-01", None, "2024-01-02"]),
            "name": ["a", "b", "b", None],
            "x": [1.0, np.nan, 3.0, 10.0],
            "flag": [True, False, True, True],
        }
    )
    s = profile.column_summary(frame).set_index("column")
    assert list(s["kind"]) == ["date", "text", "number", "flag"]
    assert s.loc["x", "missing"] == 1 and s.loc["x", "missing_share"] == 0.25
    assert (s.loc["x", "min"], s.loc["x", "median"], s.loc["x", "max"]) == (1.0, 3.0, 10.0)
    assert s.loc["name", "distinct"] == 2 and s.loc["name", "min"] is None
    assert s.loc["date", "min"] == pd.Timestamp("2024-01-01")
    assert s.loc["date", "max"] == pd.Timestamp("2024-01-03")


def test_the_event_rate_is_counted_per_period_without_unknown_labels() -> None:
    times = pd.to_datetime(["2024-01-05", "2024-01-20", "2024-01-25", "2024-02-10", "2024-02-11"])
    y = [1, 0, np.nan, 0, 0]
    out = profile.event_rate_over_time(times, y, "M")
    assert list(out["period"]) == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01")]
    assert list(out["samples"]) == [2, 2] and list(out["events"]) == [1, 0]
    assert list(out["rate"]) == [0.5, 0.0]
    assert profile.period_for(pd.date_range("2024-01-01", periods=30)) == "W"
    assert profile.period_for(pd.date_range("2019-01-01", "2024-12-31")) == "M"
    assert profile.period_for(pd.date_range("2000-01-01", "2024-12-31")) == "Q"


def test_values_read_with_thousands_separators_and_dates_as_days() -> None:
    assert profile.value_text(2121200.0, "number") == "2,121,200"
    assert profile.value_text(0.01293, "number") == "0.01293"
    assert profile.value_text(pd.Timestamp("2024-01-31"), "date") == "2024-01-31"
    assert profile.value_text(None, "text") == "—"
    assert profile.decimals(pd.Series([28.43, 28.8, 30.0])) == 2
    assert profile.decimals(pd.Series([2121200, 2461300])) == 0
    assert profile.only_dates(pd.Series(pd.to_datetime(["2024-01-01", "2024-01-02"])))
    assert not profile.only_dates(pd.Series(pd.to_datetime(["2024-01-01 09:30"])))


# ---- the date range -----------------------------------------------------------------------------
def _config(target: dict, **data) -> dict:
    return {
        "data": {
            "time": "date",
            "entity": "ticker",
            "sequence_features": ["ret_1d", "volume"],
            "target": target,
            **data,
        },
        "window": 10,
        "horizon": 5,
    }


def test_a_date_range_round_trips_and_bad_ranges_are_named() -> None:
    cfg = parse_config(_config({"column": "event"}, start="2020-03-02", end="2022-06-30"))
    assert (cfg.data.start, cfg.data.end) == (date(2020, 3, 2), date(2022, 6, 30))
    text = cfg.to_json()
    assert json.loads(text)["data"]["start"] == "2020-03-02"
    assert parse_config(text) == cfg
    with pytest.raises(ConfigError, match="start 2022-01-01 is after end 2021-01-01"):
        parse_config(_config({"column": "event"}, start="2022-01-01", end="2021-01-01"))
    with pytest.raises(ConfigError, match=r"data\.start: write the date"):
        parse_config(_config({"column": "event"}, start=20200101))
    cross = {"time": None, "static_features": ["x"], "target": {"column": "y"}}
    with pytest.raises(ConfigError, match="need a time column"):
        parse_config({"data": {**cross, "end": "2020-01-01"}})


@pytest.mark.parametrize(
    "target",
    [{"kind": "column", "column": "event"}, {"kind": "drawdown", "column": "close"}],
    ids=["column", "drawdown"],
)
def test_rows_outside_the_date_range_are_not_used(prices: pd.DataFrame, target: dict) -> None:
    """Preparing the whole file with a range gives the samples, labels, cuts and fitted
    preprocessing of preparing only the rows inside it, even with absurd values outside."""
    start, end = "2020-03-02", "2022-06-30"
    inside = (prices["date"] >= start) & (prices["date"] <= end)
    poisoned = prices.copy()
    poisoned.loc[~inside, "volume"] = 1e12  # would move the scaler if it were seen
    poisoned.loc[~inside, "close"] = poisoned.loc[~inside, "close"] * 5  # and drawdown labels
    ranged = prepare(parse_config(_config(target, start=start, end=end)), poisoned)
    alone = prepare(parse_config(_config(target)), prices[inside].reset_index(drop=True))
    for split in ("train", "validation", "test"):
        a, b = ranged.splits[split], alone.splits[split]
        assert len(a) == len(b) > 0
        assert (ranged.panel.time[a] == alone.panel.time[b]).all()
        assert (ranged.panel.entity[a] == alone.panel.entity[b]).all()
        assert (ranged.panel.y[a] == alone.panel.y[b]).all()
    assert ranged.cuts == alone.cuts
    assert ranged.preprocessor.to_dict() == alone.preprocessor.to_dict()
    assert ranged.summary()["rows"] == int(inside.sum())
    # the panel still holds every row, so a sample's `row` indexes what a saved run rebuilds
    assert len(ranged.panel.y) == len(prices)


def test_a_range_without_room_for_a_window_says_so(prices: pd.DataFrame) -> None:
    cfg = parse_config(_config({"column": "event"}, start="2020-03-02", end="2020-03-06"))
    with pytest.raises(DataValidationError, match=r"data\.start 2020-03-02 to data\.end"):
        prepare(cfg, prices)


# ---- charts -------------------------------------------------------------------------------------
def test_the_line_chart_draws_one_line_per_entity_and_shades_what_the_range_leaves_out(
    prices: pd.DataFrame,
) -> None:
    fig = column_lines(
        prices, "date", "close", "ticker", ["ACME", "BOLT"], start=date(2020, 1, 1), end=None
    )
    assert [tr.name for tr in fig.data] == ["ACME", "BOLT"]
    (band,) = fig.layout.shapes
    assert pd.Timestamp(band.x1) == pd.Timestamp("2020-01-01")
    empty = column_lines(prices, "date", "close", "ticker", [], labels={"no_data": "无数据"})
    assert not empty.data and empty.layout.annotations[0].text == "无数据"


def test_the_event_rate_chart_shades_validation_and_test() -> None:
    rates = profile.event_rate_over_time(
        pd.date_range("2020-01-01", periods=400), np.arange(400) % 7 == 0, "M"
    )
    fig = event_rate_chart(rates, {"validation": "2020-08-01", "test": "2020-11-01"})
    assert [tr.type for tr in fig.data] == ["bar", "scatter"]
    assert [a.text for a in fig.layout.annotations] == ["Validation", "Test"]
    assert pd.Timestamp(fig.layout.shapes[0].x1) == pd.Timestamp("2020-11-01")


def test_every_data_chart_label_is_translated() -> None:
    for key, english in DATA_LABELS.items():
        assert TEXT[f"data.chart.{key}"][0] == english, key


# ---- the page -----------------------------------------------------------------------------------
@pytest.fixture
def app(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    return at


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def _multi(at: AppTest, key: str):
    return next(m for m in at.multiselect if m.label == TEXT[key][0])


def _data(at: AppTest) -> dict:
    return at.session_state["config"]["data"]


def test_a_corrected_upload_keeps_the_mapping_and_another_table_gets_a_new_one(
    app: AppTest, prices: pd.DataFrame
) -> None:
    app.file_uploader(key="upload_primary").upload("prices.csv", _csv(prices), "text/csv").run()
    _multi(app, "data.sequence").set_value(["volume"]).run()
    assert not app.exception and _data(app)["sequence_features"] == ["volume"]
    fixed = prices.assign(volume=prices["volume"] + 1, extra=1.0)  # a column more is fine
    app.file_uploader(key="upload_primary").upload("fixed.csv", _csv(fixed), "text/csv").run()
    assert not app.exception
    assert app.session_state["files"]["primary"].name == "fixed.csv"
    assert _data(app)["sequence_features"] == ["volume"]
    assert _multi(app, "data.sequence").value == ["volume"]
    kept = TEXT["data.mapping_kept"][0].format(name="fixed.csv")
    assert kept in [t.value for t in app.toast]
    other = prices.drop(columns=["volume"])
    app.file_uploader(key="upload_primary").upload("other.csv", _csv(other), "text/csv").run()
    assert not app.exception
    assert "volume" not in _data(app)["sequence_features"]  # guessed again
    assert any("other.csv" in t.value and "volume" in t.value for t in app.toast)


def test_the_sample_page_formats_previews_explores_and_restricts_dates(app: AppTest) -> None:
    app.button(key="sample_market").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    preview = next(df for df in app.dataframe if "close" in df.value.columns)
    formats = {k: v.get("type_config") for k, v in json.loads(preview.proto.columns).items()}
    assert formats["date"] == {"type": "date", "format": "YYYY-MM-DD"}  # no " 00:00:00"
    assert formats["volume"] == {"type": "number", "format": "%,d"}  # 2,121,200
    assert formats["close"] == {"type": "number", "format": "%,.2f"}
    summary = next(df for df in app.dataframe if TEXT["data.col_median"][0] in df.value.columns)
    row = summary.value.set_index(TEXT["data.col_column"][0]).loc["volume"]
    assert row[TEXT["data.col_max"][0]] == "10,274,300"
    charts = app.get("plotly_chart")
    assert len(charts) == 2  # a column over time, the event rate over time
    # the date range: the config records it and the split preview counts only those rows
    picker = next(d for d in app.date_input if d.label == TEXT["data.range"][0])
    picker.set_value((date(2021, 1, 4), date(2023, 12, 29))).run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert (_data(app)["start"], _data(app)["end"]) == ("2021-01-04", "2023-12-29")
    frame = app.session_state["files"]["primary"].frame
    inside = int(((frame["date"] >= "2021-01-04") & (frame["date"] <= "2023-12-29")).sum())
    notes = [c.value for c in app.caption]
    assert any(n.startswith(f"{inside:,} of {len(frame):,} rows used") for n in notes), notes
    assert any(n.startswith(f"{inside:,} rows, 12 entities") for n in notes), notes
    split = next(df for df in app.dataframe if TEXT["data.samples_n"][0] in df.value.columns)
    assert split.value[TEXT["data.from"][0]].min() >= "2021-01-04"
    cfg = parse_config(app.session_state["config"])  # what Train sends and Download saves
    assert cfg.data.start == date(2021, 1, 4)
    # back to the full span: no limit is recorded
    next(d for d in app.date_input if d.label == TEXT["data.range"][0]).set_value(
        (date(2019, 1, 1), date(2024, 12, 31))
    ).run()
    assert "start" not in _data(app) and "end" not in _data(app)


def test_a_price_file_offers_the_log_return_and_a_late_monthly_macro_file_gets_guesses(
    app: AppTest, prices: pd.DataFrame
) -> None:
    app.file_uploader(key="upload_primary").upload(
        "p.csv", _csv(prices.drop(columns=["ret_1d"])), "text/csv"
    ).run()
    assert not app.exception
    assert "close" not in _data(app)["sequence_features"]
    derived = _multi(app, "data.derived")
    assert derived.value == ["close_log_return"]
    assert TEXT["data.derived_log_return"][0].format(column="close") in derived.options
    note = TEXT["data.price_level_note"][0].format(columns="close")
    assert note in [c.value for c in app.caption]
    macro = (SAMPLE / "market_macro.csv").read_bytes()
    app.file_uploader(key="upload_macro").upload("cpi.csv", macro, "text/csv").run()
    assert not app.exception
    data = _data(app)
    assert "vix" in data["macro_features"]
    assert set(data["macro_lags"].values()) == {"1M"}  # one period of a monthly file
    reason = TEXT["data.macro_reason_late"][0]
    assert any(c.value.endswith(reason) for c in app.caption)


def test_sample_buttons_count_their_entities_and_the_page_speaks_chinese(app: AppTest) -> None:
    from ui.data_widgets import sample_size

    credit = pd.read_csv(SAMPLE / "credit_payments.csv")
    assert sample_size("credit") == credit["borrower_id"].nunique()
    assert sample_size("market") == 12
    app.session_state["lang_picker"] = "zh"  # the sidebar picker's state, as other tests set it
    app.button(key="sample_market").click().run()
    assert not app.exception
    labels = [b.label for b in app.button]
    assert TEXT["data.sample_credit"][1].format(n=sample_size("credit")) in labels
    summary = next(df for df in app.dataframe if TEXT["data.col_median"][1] in df.value.columns)
    assert set(summary.value[TEXT["data.col_kind"][1]]) == {"日期", "文本", "数值"}
    assert [t.label for t in app.tabs][-3:] == [
        TEXT[k][1] for k in ("data.tab_summary", "data.tab_chart", "data.tab_rate")
    ]


def test_a_table_without_dates_has_no_embargo_or_from_to_in_its_split_preview(
    app: AppTest,
) -> None:
    rng = np.random.default_rng(3)
    n = 400
    table = pd.DataFrame(
        {
            "borrower": [f"B{i:04d}" for i in range(n)],
            "income": rng.normal(50_000, 8_000, n).round(0),
            "utilisation": rng.uniform(0, 1, n).round(3),
            "default": (rng.uniform(0, 1, n) < 0.2).astype(int),
        }
    )
    app.file_uploader(key="upload_primary").upload("loans.csv", _csv(table), "text/csv").run()
    assert not app.exception
    assert _data(app).get("time") is None
    split = next(df for df in app.dataframe if TEXT["data.samples_n"][0] in df.value.columns)
    assert TEXT["data.from"][0] not in split.value.columns
    assert TEXT["data.to"][0] not in split.value.columns
    assert split.value[TEXT["data.samples_n"][0]].sum() == n
    notes = [c.value for c in app.caption]
    assert any("No time column: one random split" in n for n in notes), notes
    assert not any("embargo)" in n for n in notes)
