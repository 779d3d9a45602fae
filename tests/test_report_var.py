"""Reports of a quantile (VaR / ES) run: the PDF's VaR backtesting section in English and
Chinese, the CSV's VaR columns, the Word document, the CLI and the export's description.

The session's tiny quantile run (tests/conftest.py `quantile_run`: the sample config with a tiny
network and two epochs, on four tickers of the sample market data) is copied into a home of the
module's own; every number the tests look for is read from its metrics.json, so they check that
the report prints what the run measured, not a hard-coded value.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from riskcore import report as R
from riskcore.cli import main
from riskcore.config import parse_config
from riskcore.export import preprocessing_spec
from riskcore.findings import model_label, verdict_sentence
from riskcore.quantiles import QuantileGrid, es_column, level_key, var_column
from riskcore.report.sections import ReportContext, method_lines
from riskcore.store import Run, RunStore
from riskcore.verdict import decide
from tests.test_report import flat, read_csv

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
HAS_PDFTOTEXT = shutil.which("pdftotext") is not None
MODELS = ("model", "historical", "garch", "fhs", "gbm")


@pytest.fixture(scope="module")
def home(quantile_run, copy_run) -> Path:
    """A runs folder holding one tiny quantile run: a copy of the session's."""
    return copy_run(quantile_run).path.parent.parent


@pytest.fixture(scope="module")
def run(home) -> Run:
    return RunStore(home).load(next((home / "runs").iterdir()).name)


@pytest.fixture(scope="module")
def english(run) -> str:
    return pdf_text(R.report_pdf(run))


@pytest.fixture(scope="module")
def chinese(run) -> str:
    return pdf_text(R.report_pdf(run, language="zh"))


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it (what a reader's tools see)."""
    assert HAS_PDFTOTEXT, "install poppler-utils: apt-get install -y poppler-utils"
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def levels(run: Run) -> tuple[float, ...]:
    return QuantileGrid.of(run.metrics["quantiles"]).levels


def backtest(run: Run, name: str, level: float) -> dict:
    return run.metrics.test[name]["backtest"][level_key(level)]


def zone(language: str, value: str) -> str:
    return R.text(f"var.zone.{value}", language)


# ---- the PDF ----------------------------------------------------------------------------------
def test_the_var_section_prints_what_the_run_measured(run, english) -> None:
    text = flat(english)
    assert flat(R.text("section.var")) in text
    t = lambda key, **v: R.text(key, "en", **v)  # noqa: E731
    for name in MODELS:
        scores = run.metrics.test[name]
        assert flat(model_label(name, run.metrics.test, t)) in text, name
        assert f"{scores['pinball'] * 1e4:.2f}" in text, name  # pinball in bp
        lo, hi = scores["pinball_ci"]
        assert f"{lo * 1e4:.2f}–{hi * 1e4:.2f}" in text, name  # its interval
        for level in levels(run):
            bt = backtest(run, name, level)
            assert f"{bt['breaches']:,}/{bt['n']:,}" in text, (name, level)
            assert f"{bt['breach_rate']:.2%}" in text, (name, level)
    low = levels(run)[0]
    model = backtest(run, "model", low)
    assert model["breaches"] > 0
    assert flat(zone("en", model["traffic_light"]["zone"])) in text
    for word in ("Kupiec", "Christoffersen", "coverage", "Basel", "Z2", "McNeil-Frey", "Plus"):
        assert word in english, word  # column headers (wrapped ones are read word by word)
    # the paired verdict of riskcore.verdict, in the report's words
    assert flat(verdict_sentence(decide(run.metrics), run.metrics.test, t)) in text
    # the deep model per entity over the Basel window: every entity's exceptions
    for entity, entry in run.metrics["by_entity"]["model"][level_key(low)].items():
        light = entry["traffic_light"]
        assert light["window"] in ("last 250", "all")
        assert f"{entity}" in text
        assert f"{light['exceptions']}/{light['n']}" in text, entity
    assert flat(R.text("var.entities", confidence="99%")) in text


def test_no_classification_section_appears(run, english) -> None:
    text = flat(english)
    for key in (
        "section.metrics",  # "Performance against baselines": the VaR section replaces it
        "caption.roc",
        "caption.roc_calibrated",
        "caption.distribution",
        "caption.pred_actual",
        "caption.timeline",  # a quantile run's timeline says it shows the VaR
        "metrics.calibrated",
        "metrics.uncalibrated",
        "method.baselines",
        "method.calibration",
        "kpi.high",
    ):
        assert flat(R.text(key).split("{")[0]) not in text, key
    assert "Precision" not in english and "ROC" not in english
    with_threshold = flat(pdf_text(R.report_pdf(run, threshold=-0.03, sections=("metrics",))))
    assert flat(R.text("metrics.threshold").split("{")[0]) not in with_threshold
    assert flat(R.text("section.var")) in with_threshold


def test_summary_and_methodology_speak_of_var(run, english) -> None:
    text = flat(english)
    low = levels(run)[0]
    bt = backtest(run, "model", low)
    assert flat(R.text("kpi.var_level", confidence="99%")) in text
    assert flat(f"{bt['breaches']:,} breaches in {bt['n']:,} predictions") in text
    assert flat(R.text("method.backtests")) in text
    assert flat(R.text("method.baselines_var")) in text
    assert flat(R.text("method.verdict_var")) in text
    assert flat(R.text("task.quantile")) in text
    assert "None period" not in english and "period(s)" not in english
    assert flat("publication lag: 1M") in text  # the sample config's lag, via lag_summary
    assert "VaR 99%" in english  # the riskiest table's column


def test_the_chinese_report_is_chinese(run, chinese) -> None:
    text = flat(chinese)
    assert flat(R.text("section.var", "zh")) in text
    assert flat(R.text("section.summary", "zh")) in text
    for level in levels(run):
        light = backtest(run, "model", level)["traffic_light"]["zone"]
        assert flat(zone("zh", light)) in text
    assert flat(R.text("var.col.breaches", "zh")) in text
    assert flat(R.text("method.backtests", "zh")) in text
    for english_only in ("Executive summary", "VaR backtesting", "Breach rate", "Pinball loss by"):
        assert english_only not in chinese, english_only
    hanzi = len(re.findall(r"[\u4e00-\u9fff]", chinese))
    latin_words = len(re.findall(r"\b[A-Za-z]{4,}\b", chinese))
    assert hanzi > 3 * latin_words, (hanzi, latin_words)


def test_the_lag_sentence_never_says_none(run, home) -> None:
    """macro_lag may be None (each column's own default) or per column in macro_lags."""
    fresh = RunStore(home).load(run.run_id)
    data = fresh.config.data
    cases = {
        "each column's default": {"macro_lag": None, "macro_lags": {}},
        "vix 0D": {"macro_lag": None, "macro_lags": {"vix": "0D"}},
    }
    for expected, update in cases.items():
        raw = fresh.config.model_dump(mode="json")
        raw["data"] = {**data.model_dump(mode="json"), **update}
        fresh.__dict__["config"] = parse_config(raw)  # config is a cached property of Run
        cuts = R.band_cuts(fresh)
        table = R.prediction_table(fresh, cuts=cuts)
        ctx = ReportContext(fresh, "t", "", "en", (), None, cuts, table, None, [])
        lines = " ".join(method_lines(ctx))
        assert expected in lines and "None" not in lines, lines
        assert "None" not in preprocessing_spec(fresh)["rules"]


# ---- the other formats ------------------------------------------------------------------------
def test_the_csv_holds_var_es_and_breaches(run) -> None:
    rows = read_csv(R.report_csv(run, threshold=-0.03))
    header = rows[0].keys()
    for name in MODELS:
        for level in levels(run):
            assert var_column(level, name) in header and es_column(level, name) in header
    for level in levels(run):
        test = [r for r in rows if r["split"] == "test"]
        breaches = sum(int(r[f"breach_{level_key(level)}"]) for r in test)
        assert breaches == backtest(run, "model", level)["breaches"]
    flagged = [r for r in rows if r["flagged"] == "1"]
    assert flagged and all(float(r["score"]) <= -0.03 for r in flagged)
    assert all(float(r["score"]) > -0.03 for r in rows if r["flagged"] == "0")
    with pytest.raises(R.ReportError, match=r"e\.g\. -0\.03"):
        R.report_csv(run, threshold=0.03)  # a loss typed as a positive number


def test_the_word_document_has_the_backtests(run) -> None:
    doc = Document(io.BytesIO(R.model_document(run)))
    cells = [c.text for table in doc.tables for row in table.rows for c in row.cells]
    text = "\n".join([p.text for p in doc.paragraphs] + cells)
    low = levels(run)[0]
    bt = backtest(run, "model", low)
    assert f"{bt['breaches']:,} / {bt['n']:,}" in cells
    assert R.text("var.pinball") in text and R.text("var.col.kupiec") in text
    assert zone("en", bt["traffic_light"]["zone"]) in cells
    assert "None period" not in text
    chinese = Document(io.BytesIO(R.model_document(run, language="zh")))
    assert any(R.text("var.pinball", "zh") in p.text for p in chinese.paragraphs)


def test_the_var_figure_is_a_png(run) -> None:
    from riskcore.report.figures import ChartMaker

    p = run.predictions
    rows = p[(p["split"] == "test") & (p["entity"] == p["entity"].iloc[0])]
    png = ChartMaker(lambda key: R.text(key)).var_backtest(rows, levels(run), "title")
    assert png.startswith(b"\x89PNG")


def test_cli_report_of_a_quantile_run(home, run, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("RISKCORE_HOME", str(home))
    for fmt, language in (("pdf", "en"), ("pdf", "zh"), ("csv", "en")):
        out = tmp_path / f"report-{language}.{fmt}"
        args = ["report", run.run_id, "--format", fmt, "--out", str(out)]
        assert main([*args, "--language", language]) == 0, capsys.readouterr().err
        assert out.stat().st_size > 1000
    code = main(["report", run.run_id, "--format", "pdf", "--out", str(out), "--threshold", "0.5"])
    assert code == 2 and "VaR" in capsys.readouterr().err


def test_the_export_describes_the_quantile_outputs(run) -> None:
    spec = preprocessing_spec(run)
    quantiles = spec["output"]["quantiles"]
    grid = QuantileGrid.of(run.config.quantiles)
    assert quantiles["points"] == pytest.approx(list(grid.points))
    for level in grid.levels:
        assert quantiles["points"][quantiles["var_index"][level_key(level)]] == pytest.approx(level)
    assert "1M" in spec["rules"]


def test_the_report_page_offers_the_var_report(home, run, monkeypatch) -> None:
    """The Report page with a quantile run: the VaR threshold, the VaR section's title among
    the sections, and a PDF built without an error."""
    from streamlit.testing.v1 import AppTest

    from ui.i18n import TEXT

    monkeypatch.setenv("RISKCORE_HOME", str(home))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/report.py").run()
    assert not at.exception, at.exception
    labels = [n.label for n in at.number_input]
    assert TEXT["report.threshold_var"][0] in labels, labels
    assert R.text("section.var") in at.multiselect[0].options
    assert any(TEXT["report.csv_caption_var"][0] in c.value for c in at.caption)
    build = next(b for b in at.button if b.label == TEXT["report.build"][0])
    build.click().run()
    assert not at.exception and not at.error, (at.exception, at.error)
    assert any(b.label == TEXT["report.download_pdf"][0] for b in at.get("download_button"))
