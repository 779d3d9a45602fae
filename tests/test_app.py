"""AppTest for every page: upload, mapping, a tiny training run, results, language switch."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import get_args

import pytest
from streamlit.testing.v1 import AppTest

from riskcore.config import TrainingConfig, parse_config
from tests.tabs import open_tab
from ui.i18n import TEXT

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"


@pytest.fixture
def app(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    return at


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.error] + [i.value for i in at.info]
    parts += [s.value for s in at.success] + [w.value for w in at.warning]
    parts += [t.value for t in at.title] + [h.value for h in at.subheader]
    return "\n".join(str(p) for p in parts)


def _wait_for_run(app: AppTest, timeout: float) -> str:
    """Rerun the page (as the polling fragment would) until the job has saved its run."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        app.run()
        assert not app.exception, app.exception
        assert not app.error, [e.value for e in app.error]
        if app.session_state.get("run_id"):
            return app.session_state["run_id"]
        time.sleep(1)
    raise AssertionError("training did not finish in time")


def test_data_page_renders_with_sample_buttons(app: AppTest) -> None:
    assert not app.exception
    assert app.title[0].value == "Data"
    labels = [b.label for b in app.button]
    assert TEXT["data.sample_market"][0].format(n=12) in labels  # counted from the file


def test_upload_a_csv_and_map_columns(app: AppTest) -> None:
    data = (SAMPLE / "market_prices.csv").read_bytes()
    app.file_uploader(key="upload_primary").upload("prices.csv", data, "text/csv").run()
    assert not app.exception
    assert "prices.csv" in _texts(app)
    time_box = next(s for s in app.selectbox if s.label == TEXT["data.time"][0])
    assert time_box.value == "date"
    entity_box = next(s for s in app.selectbox if s.label == TEXT["data.entity"][0])
    assert entity_box.value == "ticker"
    # the split preview is computed live
    assert any(TEXT["data.samples_n"][0] in df.value.columns for df in app.dataframe)


def test_a_messy_upload_gives_a_message_not_a_traceback(app: AppTest) -> None:
    app.file_uploader(key="upload_primary").upload(
        "page.csv", b"<!DOCTYPE html><html><body>login</body></html>", "text/csv"
    ).run()
    assert not app.exception
    assert len(app.error) == 1
    assert "page.csv" in app.error[0].value


def test_a_wind_export_reads_and_the_page_asks_for_the_target(app: AppTest) -> None:
    """GBK, semicolons, thousands separators, percents, a source note: read, with the note
    dropped as a warning; with no target chosen yet the page says what to do, not an error."""
    rows = ["日期;代码;收盘价;涨跌幅"]
    rows += [f'2024/1/{d};600000;"1,2{d % 10}3.5";{(d % 7 - 3) / 10:.1f}%' for d in range(1, 31)]
    data = ("\r\n".join([*rows, "数据来源：Wind"]) + "\r\n").encode("gbk")
    app.file_uploader(key="upload_primary").upload("wind.csv", data, "text/csv").run()
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    assert any("wind.csv: 30 rows" in s.value for s in app.success)
    assert any("gb18030" in c.value and "';'" in c.value for c in app.caption)
    assert any("数据来源：Wind" in w.value for w in app.warning)
    assert any(i.value == TEXT["data.pick_target"][0] for i in app.info)


def test_language_switch_translates_the_page(app: AppTest) -> None:
    app.selectbox(key="lang_picker").set_value("zh").run()
    assert not app.exception
    assert app.title[0].value == TEXT["data.title"][1]
    assert TEXT["data.sample_market"][1].format(n=12) in [b.label for b in app.button]


def test_train_a_tiny_model_and_see_results(app: AppTest) -> None:
    app.button(key="sample_market").click().run()
    assert not app.exception
    cfg = app.session_state["config"]
    cfg["window"], cfg["horizon"] = 10, 10
    cfg["model"] = {"units": [8], "dense_units": 4, "tower_units": 4}
    cfg["training"] = {"epochs": 2, "batch_size": 256, "patience": 0}
    app.session_state["config_version"] = 99
    app.switch_page("pages/train.py").run()
    assert not app.exception, app.exception
    start = next(b for b in app.button if b.label == TEXT["train.start"][0])
    start.click().run()
    run_id = _wait_for_run(app, timeout=240)
    app.switch_page("pages/results.py").run()
    assert not app.exception, app.exception
    text = _texts(app)
    assert run_id in text
    assert TEXT["results.test_metrics"][0] in text
    assert TEXT["results.cards_caption"][0].format(metric="ROC-AUC") in text  # cards' metric
    metrics = {m.label: m.value for m in app.metric}
    assert 0 <= float(metrics["Deep model"]) <= 1
    table = app.dataframe[0].value
    assert "PR-AUC" in set(table.iloc[:, 0])
    # the threshold slider drives precision and recall
    open_tab(app, "results_tab", "results.tab_threshold")
    app.slider(key="threshold").set_value(0.99).run()
    assert not app.exception
    high = {m.label: m.value for m in app.metric}
    app.slider(key="threshold").set_value(0.01).run()
    low = {m.label: m.value for m in app.metric}
    assert float(low["Recall"]) >= float(high["Recall"])
    assert low["Flagged"] != high["Flagged"]


TUNED = {"units": [36, 18], "dropout": 0.33, "learning_rate": 0.0016, "batch_size": 96}


def tuned(config: dict) -> dict:
    """The config with values no slider preset offers, as a tuning trial proposes them."""
    best = parse_config(config).model_dump(mode="json")
    best["model"].update(units=TUNED["units"], dropout=TUNED["dropout"])
    best["training"].update(learning_rate=TUNED["learning_rate"], batch_size=TUNED["batch_size"])
    best["window"] = 37
    return best


def test_any_valid_config_comes_back_from_the_train_page_unchanged(app: AppTest) -> None:
    """Widgets offer the config's own values (bounds and choices from the RunConfig fields), so
    opening Train after loading a tuned config does not snap 36 units to 32 or 0.0016 to 0.002."""
    app.button(key="sample_market").click().run()
    best = tuned(app.session_state["config"])
    app.session_state["config"] = json.loads(json.dumps(best))  # as tune_use_best loads it
    app.session_state["config_version"] = 99
    app.switch_page("pages/train.py").run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    got = app.session_state["config"]
    assert got["model"]["units"] == [36, 18] and got["model"]["dropout"] == 0.33
    assert got["training"]["learning_rate"] == 0.0016 and got["training"]["batch_size"] == 96
    assert got["window"] == 37
    assert got == best  # every other field too
    loss = next(s for s in app.selectbox if s.label == TEXT["train.loss"][0])
    choices = get_args(TrainingConfig.model_fields["loss"].annotation)
    assert loss.options == [TEXT[f"loss.{c}"][0] for c in choices]
    window = next(s for s in app.slider if s.label == TEXT["train.window"][0])
    assert (window.min, window.max) == (2, 250)  # the usual range, holding 37
    # a valid value outside the usual range widens the slider instead of failing the page
    app.session_state["config"] = {
        **best,
        "window": 600,
        "model": {**best["model"], "dropout": 0.9},
    }
    app.run()
    assert not app.exception, app.exception
    got = app.session_state["config"]
    assert (got["window"], got["model"]["dropout"]) == (600, 0.9)


def test_the_server_side_of_every_page_imports_no_tensorflow() -> None:
    """TensorFlow costs seconds and memory; only worker processes may import it."""
    import subprocess
    import sys

    code = (
        "import sys; import ui.data_widgets, ui.train_widgets, ui.results_widgets, ui.sidebar; "
        "import ui.explain_widgets, riskcore.explain, riskcore.charts.explain; "
        "import riskcore.jobs, riskcore.charts, riskcore.scoring; "
        "bad = [m for m in ('tensorflow', 'keras') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
