"""AppTest of the Explain page: choose rows, run SHAP in a worker, read every view; and errors."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from riskcore.config import parse_config
from riskcore.explain import EXPLANATIONS_FILE
from riskcore.store import RunStore
from riskcore.train import train_run
from tests.panels import planted_panel
from tests.tabs import open_tab
from ui.i18n import TEXT

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/explain.py"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("home")
    config = parse_config(
        {
            "data": {
                "time": "date",
                "entity": "ent",
                "sequence_features": ["f1", "f2"],
                "macro_features": ["m1", "m2"],
                "sentiment_features": ["s"],
                "target": {"kind": "column", "column": "event"},
            },
            "window": 5,
            "horizon": 1,
            "model": {"units": [8], "dense_units": 4, "tower_units": 4, "attention": True},
            "training": {"epochs": 4, "batch_size": 64, "patience": 0, "learning_rate": 0.01},
        }
    )
    store = RunStore(path)
    return path, train_run(config, *planted_panel(days=200), store=store)


def _open(home: tuple[Path, str], monkeypatch, language: str = "en") -> AppTest:
    path, run_id = home
    monkeypatch.setenv("RISKCORE_HOME", str(path))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.session_state["lang_picker"] = language
    at.session_state["run_id"] = run_id
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _button(at: AppTest, key: str, language: int = 0):
    return next(b for b in at.button if b.label == TEXT[key][language])


def test_explain_in_a_worker_then_read_every_view(home, monkeypatch) -> None:
    at = _open(home, monkeypatch)
    assert at.title[0].value == TEXT["explain.title"][0]
    assert any(TEXT["explain.none_yet"][0] in i.value for i in at.info)
    at.radio(key="explain_how").set_value("riskiest").run()
    at.slider(key="explain_n").set_value(40).run()
    at.slider(key="explain_background").set_value(20).run()
    assert any(c.value == TEXT["explain.count"][0].format(n=40) for c in at.caption)
    _button(at, "explain.start").click().run()
    deadline = time.time() + 240
    while not (home[0] / "runs" / home[1] / EXPLANATIONS_FILE).exists():
        assert time.time() < deadline, "the explanation job did not finish"
        assert not at.exception, at.exception
        time.sleep(1)
        at.run()
    at.run()
    at.run()
    assert not at.exception, at.exception
    gap = next(c.value for c in at.caption if "Additivity gap" in c.value)
    assert gap.startswith("40 predictions explained")
    charts, captions, infos = [], [], []
    for tab in ("global", "prediction", "lags", "dependence"):  # each tab opened in turn
        open_tab(at, "explain_tab", f"explain.tab_{tab}")
        charts += at.get("plotly_chart")
        captions += [c.value for c in at.caption]
        infos += [i.value for i in at.info]
    sentence = next(i for i in infos if i.startswith("Risk "))
    assert "against an average of" in sentence and "mainly from" in sentence
    assert len(charts) >= 7  # importance, baseline, modality, beeswarm, waterfall, lag, attention
    specs = [json.loads(c.proto.spec) for c in charts]
    axes = [s["layout"].get("xaxis", {}).get("title", {}).get("text") for s in specs]
    # every model of a classifier is explained on one scale, log-odds: no units warning
    assert TEXT["chart.mean_abs_shap_log_odds"][0] in axes
    assert TEXT["chart.mean_abs_shap_probability"][0] not in axes
    assert not any(TEXT["explain.units_note"][0] in c for c in captions)
    # the waterfall: a residual bar, and bars that end exactly at the explained raw score
    fall = next(s["data"][0] for s in specs if s["data"] and s["data"][0]["type"] == "waterfall")
    assert fall["x"][-2] == TEXT["chart.residual_bar"][0]
    base, *steps, score = fall["y"]
    assert base + sum(steps) == pytest.approx(score, abs=1e-9)
    assert fall["measure"][-1] == "absolute"
    raw = next(c for c in captions if c.startswith("Explained: log-odds"))
    assert f"log-odds {score:+.3f} of the raw score {1 / (1 + np.exp(-score)):.3f}" in raw
    assert "Additivity gap of this row" in raw
    assert any(TEXT["explain.attention_note"][0] in c for c in captions)
    # the dependence plot (the tab open last) follows the chosen feature
    at.selectbox(key="dep_feature").set_value("m1").run()
    assert not at.exception, at.exception


def test_one_entity_counts_its_test_predictions(home, monkeypatch) -> None:
    at = _open(home, monkeypatch)
    at.radio(key="explain_how").set_value("entity").run()
    at.selectbox(key="explain_entity").set_value("E3").run()
    at.slider(key="explain_n").set_value(10).run()
    assert not at.exception, at.exception
    assert any(c.value == TEXT["explain.count"][0].format(n=10) for c in at.caption)


def test_the_page_speaks_chinese(home, monkeypatch) -> None:
    at = _open(home, monkeypatch, language="zh")
    assert at.title[0].value == TEXT["explain.title"][1]
    assert at.expander[0].label == TEXT["explain.choose"][1]
    assert TEXT["explain.start"][1] in [b.label for b in at.button]


def test_without_a_run_the_page_says_what_to_do(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.info[0].value == TEXT["results.no_run"][0]
