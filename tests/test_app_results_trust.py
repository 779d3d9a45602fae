"""AppTest of the Results page on a run with a planted leak: the warning names the input, the
benchmark has its own card, the verdict sentence and the card's colour agree, the intervals say
how they were computed, and the calibration chart shows raw and calibrated scores."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

from riskcore.config import parse_config
from riskcore.store import RunStore
from riskcore.train import train_run
from riskcore.verdict import decide
from tests.panels import config_dict, planted_panel
from ui.i18n import TEXT

ROOT = Path(__file__).resolve().parent.parent
TINY = {
    "model": {"units": [8], "dense_units": 4, "tower_units": 4},
    "training": {"epochs": 2, "batch_size": 64, "patience": 0},
}


@pytest.fixture(scope="module")
def leaky(tmp_path_factory) -> tuple[Path, str]:
    primary, macro, news = planted_panel()
    primary = primary.assign(leak=primary["event"] * 2.0 - 1.0)
    raw = config_dict(10, 5, target={"kind": "column", "column": "event"})
    raw["data"].update(sequence_features=["f1", "f2"], static_features=["leak"])
    raw["data"].update(macro_features=["m1"], sentiment_features=["s"])
    raw.update(TINY)
    home = tmp_path_factory.mktemp("home")
    run_id = train_run(parse_config(raw), primary, macro, news, store=RunStore(home))
    return home, run_id


def _results(home: Path, run_id: str, monkeypatch, language: str = "en") -> AppTest:
    monkeypatch.setenv("RISKCORE_HOME", str(home))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.session_state["lang_picker"] = language
    at.session_state["run_id"] = run_id
    at.switch_page("pages/results.py").run()
    assert not at.exception, at.exception
    return at


def test_results_show_the_leak_benchmark_paired_verdict_and_interval_method(
    leaky, monkeypatch
) -> None:
    home, run_id = leaky
    at = _results(home, run_id, monkeypatch)
    errors = " ".join(e.value for e in at.error)
    assert "Too good to be true" in errors and "leak" in errors
    labels = [m.label for m in at.metric]
    assert TEXT["model.benchmark"][0] in labels  # the card names the model; its input is below
    assert any(c.value.startswith("leak") for c in at.caption), [c.value for c in at.caption]
    metrics = RunStore(home).load(run_id).metrics
    verdict = decide(metrics)
    sentences = [s.value for s in (*at.success, *at.info, *at.warning)]
    assert any("paired 95% interval" in s for s in sentences), sentences
    expected = {"better": at.success, "within": at.info, "worse": at.warning}[verdict.outcome]
    assert any("paired 95% interval" in s.value for s in expected)
    captions = " ".join(c.value for c in at.caption)
    assert "block bootstrap over dates" in captions and "Platt scaling" in captions
    table = at.dataframe[0].value
    assert TEXT["chart.ece"][0] in set(table.iloc[:, 0])
    assert any(col.startswith("Best single input") for col in table.columns)


def test_the_card_colour_follows_the_verdict(leaky, monkeypatch) -> None:
    home, run_id = leaky
    at = _results(home, run_id, monkeypatch)
    verdict = decide(RunStore(home).load(run_id).metrics)
    card = next(m for m in at.metric if m.label.startswith("Deep model"))
    assert MetricProto.MetricColor.Name(card.proto.color).lower() == verdict.colour
    assert verdict.colour == {"better": "green", "within": "gray", "worse": "red"}[verdict.outcome]


def test_the_calibration_chart_draws_raw_and_calibrated_scores(leaky, monkeypatch) -> None:
    home, run_id = leaky
    at = _results(home, run_id, monkeypatch)
    charts = [c for c in at.get("plotly_chart") if "calibration" in c.proto.spec.lower()]
    assert charts, "no calibration chart"
    spec = charts[0].proto.spec
    assert TEXT["chart.model_raw"][0] in spec and '"dash":"dot"' in spec.replace(" ", "")


def test_results_in_chinese_name_the_benchmark_in_chinese(leaky, monkeypatch) -> None:
    home, run_id = leaky
    at = _results(home, run_id, monkeypatch, language="zh")
    labels = [m.label for m in at.metric]
    assert any(label.startswith("最佳单一输入") for label in labels), labels
    columns = at.dataframe[0].value.columns  # the benchmark named with a Chinese colon
    assert any(c.startswith("最佳单一输入：") for c in columns) and not any(
        ": " in c for c in columns
    )
    assert "好得难以置信" in " ".join(e.value for e in at.error)
