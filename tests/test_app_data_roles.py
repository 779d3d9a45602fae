"""AppTest of the Data page's guards on what a run is trained on: the target is never offered
as an input, a primary file of one's own drops the sample's other files (each role has a
Remove button), a run records only the files that feed it, a text target's event defaults to
its rarest label, a restored config naming missing columns is refused with the CLI's message,
and a planted shift of the event rate between train and test is stated."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from ui import jobs_panel
from ui.i18n import TEXT
from ui.text import md_escape

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"


@pytest.fixture
def app(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    return at


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def _box(at: AppTest, key: str):
    return next(s for s in at.selectbox if s.label == TEXT[key][0])


def _multi(at: AppTest, key: str):
    return next(m for m in at.multiselect if m.label == TEXT[key][0])


def _loaded(at: AppTest) -> dict[str, str]:
    return {role: f.name for role, f in at.session_state["files"].items()}


def _upload_config(at: AppTest, config: dict) -> None:
    at.file_uploader(key="upload_config").upload(
        "restore.json", json.dumps(config).encode(), "application/json"
    ).run()


def test_the_target_column_is_never_offered_as_an_input(app: AppTest) -> None:
    """A credit table's 'Select all' in static features used to include the target."""
    data = (SAMPLE / "credit_wide.csv").read_bytes()
    app.file_uploader(key="upload_primary").upload("credit.csv", data, "text/csv").run()
    assert not app.exception
    assert _box(app, "data.target_column_column").value == "default"
    for label in ("data.static", "data.sequence"):
        options = _multi(app, label).options
        assert "default" not in options and "AGE" in options
    _box(app, "data.target_column_column").set_value("AGE").run()  # another target
    assert not app.exception
    static = _multi(app, "data.static").options
    assert "AGE" not in static and "default" in static


def test_an_own_primary_file_drops_the_samples_files_and_each_role_can_be_removed(
    app: AppTest,
) -> None:
    app.button(key="sample_market").click().run()
    assert set(_loaded(app)) == {"primary", "macro", "sentiment"}
    data = (SAMPLE / "credit_wide.csv").read_bytes()
    # the sample's load starts the uploaders empty, under fresh keys
    uploader = next(
        u for u in app.get("file_uploader") if u.label == TEXT["data.upload_primary"][0]
    )
    uploader.upload("mine.csv", data, "text/csv").run()
    assert not app.exception
    assert _loaded(app) == {"primary": "mine.csv"}
    toasts = [t.value for t in app.toast]
    assert any("market_macro.csv" in t and "market_sentiment.csv" in t for t in toasts), toasts
    labels = [m.label for m in app.multiselect]
    assert TEXT["data.macro"][0] not in labels and TEXT["data.sentiment"][0] not in labels
    assert app.session_state["config"]["data"]["macro_features"] == []

    app.button(key="sample_market").click().run()
    app.button(key="remove_sentiment").click().run()
    assert not app.exception
    assert set(_loaded(app)) == {"primary", "macro"}
    assert TEXT["data.sentiment"][0] not in [m.label for m in app.multiselect]
    assert any("market_sentiment.csv" in t.value for t in app.toast)
    app.button(key="remove_primary").click().run()
    assert set(_loaded(app)) == {"macro"}
    assert TEXT["data.need_primary"][0] in [i.value for i in app.info]


def test_a_run_records_only_the_files_that_feed_it(app: AppTest, monkeypatch) -> None:
    sent: list[dict] = []
    monkeypatch.setattr(jobs_panel, "submit", lambda kind, task, payload: sent.append(payload))
    app.button(key="sample_market").click().run()
    app.session_state["config"]["data"]["sentiment_features"] = []  # macro used, sentiment not
    app.switch_page("pages/train.py").run()
    assert not app.exception
    next(b for b in app.button if b.label == TEXT["train.start"][0]).click().run()
    assert not app.exception
    (payload,) = sent
    assert [s["role"] for s in payload["sources"]] == ["primary", "macro"]
    assert payload.get("sentiment") is None and payload["macro"] is not None


def test_a_text_target_defaults_to_its_rarest_label_and_the_page_names_it(app: AppTest) -> None:
    rng = np.random.default_rng(3)
    n = 300
    frame = pd.DataFrame(
        {
            "age": rng.integers(20, 70, n),
            "amount": rng.normal(5000, 1000, n).round(2),
            "outcome": np.where(np.arange(n) % 10 < 7, "good", "bad"),  # 'good' comes first
        }
    )
    app.file_uploader(key="upload_primary").upload("german.csv", _csv(frame), "text/csv").run()
    _box(app, "data.target_column_column").set_value("outcome").run()
    assert not app.exception
    assert _box(app, "data.positive").value == "bad"
    expected = TEXT["data.event_label"][0].format(column="outcome", label="bad", share="30.0%")
    assert expected in [c.value for c in app.caption]
    assert app.session_state["config"]["data"]["target"]["positive"] == "bad"
    # the split preview counts 'bad' as the event
    rates = next(df.value for df in app.dataframe if TEXT["data.event_rate"][0] in df.value)
    assert rates[TEXT["data.event_rate"][0]].between(0.2, 0.4).all()


def test_restoring_a_config_with_columns_the_file_lacks_names_them(app: AppTest) -> None:
    data = (SAMPLE / "market_prices.csv").read_bytes()
    app.file_uploader(key="upload_primary").upload("prices.csv", data, "text/csv").run()
    before = app.session_state["config"]
    config = {
        "data": {
            "time": "date",
            "entity": "ticker",
            "sequence_features": ["ret", "volume"],
            "target": {"kind": "column", "column": "event"},
        }
    }
    _upload_config(app, config)
    assert not app.exception
    errors = [e.value for e in app.error]
    missing = md_escape("primary file lacks column(s) ['ret']")  # the message is text
    assert len(errors) == 1 and missing in errors[0], errors
    assert TEXT["error.prefix"][0] in errors[0]
    assert app.session_state["config"] == before  # not applied with 'ret' silently dropped


@pytest.mark.parametrize("late_every", [10, 3])
def test_a_shift_of_the_event_rate_between_train_and_test_is_stated(
    app: AppTest, late_every: int
) -> None:
    dates = pd.date_range("2020-01-01", periods=400, freq="D")
    rows = [
        {"date": date, "id": entity, "x": np.sin(i / 7), "event": int(i % every == 0)}
        for entity in ("A", "B")
        for i, date in enumerate(dates)
        for every in [3 if i < 280 else late_every]  # 33% of events early; in test 10% or 33%
    ]
    app.file_uploader(key="upload_primary").upload(
        "shift.csv", _csv(pd.DataFrame(rows)), "text/csv"
    )
    app.run()
    config = {
        "data": {
            "time": "date",
            "entity": "id",
            "sequence_features": ["x"],
            "target": {"kind": "column", "column": "event"},
        },
        "window": 5,
        "horizon": 1,
    }
    _upload_config(app, config)
    assert not app.exception and not app.error, [e.value for e in app.error]
    shift = [w.value for w in app.warning if "in training to" in w.value]
    if late_every == 3:
        assert not shift
    else:
        assert len(shift) == 1, shift
        assert "33." in shift[0] and "10.0%" in shift[0]


def test_a_mapping_without_a_target_says_to_pick_one(app: AppTest) -> None:
    """Not pydantic's "data.target.column: Input should be a valid string (got None)"."""
    frame = pd.DataFrame({"ticker": ["A", "B", "C"], "close": [5.0, 10.0, 11.0]})
    app.file_uploader(key="upload_primary").upload("nodate.csv", _csv(frame), "text/csv").run()
    assert not app.exception, app.exception
    captions = [c.value for c in app.caption]
    assert TEXT["data.config_need_target"][0] in captions
    assert not any("valid string" in c or "None" in c for c in captions), captions


def test_a_wind_export_in_chinese_says_what_was_dropped_in_chinese(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang_picker"] = "zh"
    at.run()
    text = "日期;代码;收盘价\n2024-01-02;600000;10.1\n2024-01-03;600000;10.3\n数据来源：Wind\n"
    at.file_uploader(key="upload_primary").upload("wind.csv", text.encode("gbk"), "text/csv")
    at.run()
    assert not at.exception, at.exception
    warnings = [w.value for w in at.warning]
    assert any("已去掉文件末尾的 1 行说明文字" in w and "数据来源：Wind" in w for w in warnings)
    assert not any("dropped" in w for w in warnings), warnings
