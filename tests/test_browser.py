"""End to end in a real browser: Playwright drives Debian's chromium against `streamlit run`.

Upload a CSV through the real file input, restore a tiny config, train, read the metric cards,
switch to 简体中文. Screenshots go to test-artifacts/. These tests need /usr/bin/chromium
(`make test` installs it); they fail, never skip, when it is missing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.browser_support import (
    ARTIFACTS,
    TINY_CONFIG,
    file_input,
    open_page,
    pushed_margins,
    restore_config,
    serve,
    small_market,
)
from tests.browser_support import no_exception as _no_exception

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serve(tmp_path_factory.mktemp("home")) as s:
        yield s.url


def _open(browser, url: str):
    """A new session that lists every run (each session sees only its own by default): the
    later tests work on the run an earlier test trained in another session."""
    return open_page(browser, url, all_runs=True)


def test_first_render_offers_the_sample_data(server, browser) -> None:
    """How fast is measured in bench/bench_pages.py; here only that the page works."""
    page = _open(browser, server)
    page.get_by_role("button", name="Load sample: market risk (12 tickers)").wait_for()
    page.close()


@pytest.fixture(scope="module")
def trained(server, browser, tmp_path_factory):
    """One analyst's session: upload a CSV and a tiny config, train; the page stays open for
    the Results, Explain, Scenarios and Report tests (each session sees its own runs)."""
    page = _open(browser, server)
    data = small_market(tmp_path_factory.mktemp("data"))
    file_input(page, "Primary time series").set_input_files(str(data))
    page.get_by_text("market_prices.csv:").first.wait_for()
    config = tmp_path_factory.mktemp("config") / "tiny.json"
    config.write_text(json.dumps(TINY_CONFIG), encoding="utf-8")
    try:
        restore_config(page, config)  # the tiny model, applied
        page.get_by_text("Samples per split").wait_for()
    except Exception:  # what the page showed instead, for whoever reads the CI log
        page.screenshot(path=ARTIFACTS / "browser_data_failed.png", full_page=True)
        raise
    page.wait_for_timeout(1500)
    _no_exception(page)
    page.screenshot(path=ARTIFACTS / "browser_data.png", full_page=True)
    page.get_by_role("link", name="Train").click()
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("saved.").wait_for(timeout=240_000)
    page.screenshot(path=ARTIFACTS / "browser_train.png", full_page=True)
    yield page
    page.close()


def test_upload_train_and_read_the_metrics(trained) -> None:
    page = trained
    page.get_by_role("button", name="See the results").click()
    page.get_by_text("Test metrics with 95% bootstrap intervals").wait_for(timeout=60_000)
    page.wait_for_timeout(2000)
    _no_exception(page)
    cards = page.locator("[data-testid='stMetric']")
    assert cards.count() >= 3
    assert "Deep model" in cards.first.inner_text()
    page.get_by_text("ROC-AUC on the test split").first.wait_for()  # what the cards show
    value = float(page.locator("[data-testid='stMetricValue']").first.inner_text())
    assert 0.0 <= value <= 1.0
    page.screenshot(path=ARTIFACTS / "browser_results.png", full_page=True)


def test_the_results_charts_are_drawn_once(trained) -> None:
    """Streamlit's theme sets the charts' side margins to 0, and Plotly's automargin then drew
    each chart twice (measure the labels, make room, draw again): the risk timeline's redraw
    on an entity pick took twice as long. The figures' own margins leave the room."""
    page = trained  # on Results (the test above)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 3")
    page.wait_for_timeout(1500)
    assert pushed_margins(page) == {}
    page.get_by_role("tab", name="Risk timeline").click()
    page.get_by_text("Risk over time:").first.wait_for()
    page.wait_for_timeout(1500)
    assert pushed_margins(page) == {}
    page.get_by_role("tab", name="Threshold and cost").click()
    page.get_by_text("Confusion matrix").first.wait_for()
    page.wait_for_timeout(1500)
    assert pushed_margins(page) == {}


@pytest.mark.parametrize("after_s", [0.0, 0.5, 1.0])
def test_a_config_restored_while_the_primary_file_loads_is_applied(
    server, browser, tmp_path, after_s
) -> None:
    """A fast analyst: the config chosen while the run reading the primary file still draws.
    It used to lose one or the other (a run stopped halfway had marked the file as read; the
    config uploader moved as the mapping appeared above it, dropping the chosen file)."""
    page = _open(browser, server)
    data = small_market(tmp_path)
    config = tmp_path / "tiny.json"
    config.write_text(json.dumps({**TINY_CONFIG, "window": 13}), encoding="utf-8")
    file_input(page, "Primary time series").set_input_files(str(data))
    page.wait_for_timeout(after_s * 1000)
    file_input(page, "Restore a config").set_input_files(str(config))
    try:  # the upload is read in a child process: slow at the suite's start, on a loaded box
        page.get_by_text("Config restored from tiny.json").wait_for(timeout=90_000)
    except Exception:  # keep what the page showed: a slow read, or a lost config?
        page.screenshot(path=ARTIFACTS / f"config_restore_{after_s}.png", full_page=True)
        raise
    page.get_by_text("market_prices.csv:").first.wait_for()  # the primary file is still loaded
    page.get_by_text("Samples per split").wait_for()
    window = page.get_by_test_id("stSlider").filter(has_text="Window (rows of history)")
    assert window.get_by_test_id("stSliderThumbValue").inner_text() == "13"
    _no_exception(page)
    page.close()


def test_switch_to_chinese(server, browser) -> None:
    page = _open(browser, server)
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="简体中文").click()
    page.get_by_role("heading", name="数据").first.wait_for()
    page.get_by_role("button", name="加载示例：市场风险（12 只股票）").wait_for()
    _no_exception(page)
    page.screenshot(path=ARTIFACTS / "browser_zh.png", full_page=True)
    page.close()


def _go(page, link: str, heading: str):
    page.get_by_role("link", name=link).click()
    page.get_by_role("heading", name=heading).first.wait_for()


def test_explain_the_trained_run(trained) -> None:
    page = trained
    _go(page, "Explain", "Explain")
    page.get_by_text("No explanation stored for this run yet").wait_for()
    page.get_by_text("The riskiest on test").click()
    page.get_by_role("button", name="Explain", exact=True).click()
    page.get_by_text("predictions explained. Additivity gap").wait_for(timeout=240_000)
    page.wait_for_timeout(1500)
    _no_exception(page)
    assert page.locator("[data-testid='stPlotlyChart']").count() >= 3
    page.get_by_role("tab", name="One prediction").click()
    page.get_by_text("against an average of").first.wait_for()
    page.screenshot(path=ARTIFACTS / "browser_explain.png", full_page=True)


def test_stress_the_trained_run(trained) -> None:
    page = trained
    _go(page, "Scenarios", "Scenarios")
    page.locator("[data-testid='stMultiSelect']").first.click()
    page.get_by_role("option", name=re.compile("^Volatility x2")).click()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Run 1 scenario(s)").click()
    page.locator("[data-testid='stPlotlyChart']").nth(1).wait_for(timeout=240_000)
    page.wait_for_timeout(1500)
    _no_exception(page)
    page.get_by_text("Volatility x2 over the last 10 days (ret_1d)").first.wait_for(
        state="attached"
    )
    page.screenshot(path=ARTIFACTS / "browser_scenarios.png", full_page=True)


def test_download_the_reports(trained) -> None:
    page = trained
    _go(page, "Report", "Risk report")
    page.get_by_role("button", name="Prepare CSV").click()  # nothing is built on opening
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="Download CSV").click(timeout=60_000)
    data = Path(csv_download.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"risk_band" in data
    page.get_by_role("button", name="Build PDF").click()
    with page.expect_download(timeout=120_000) as pdf_download:
        page.get_by_role("button", name="Download PDF").click(timeout=120_000)
    pdf = Path(pdf_download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    page.get_by_text("First page").wait_for()
    _no_exception(page)
    page.screenshot(path=ARTIFACTS / "browser_report.png", full_page=True)


def test_chosen_options_follow_a_language_switch(trained) -> None:
    """A translated multiselect kept showing, and sending back, the labels it was picked in
    (Tune's hyperparameters read "Learning rate" on the Chinese page). Last: it leaves the
    trained session in Chinese."""
    page = trained
    _go(page, "Tune", "Tune")
    chips = page.locator("[data-tag]:visible")  # the chosen hyperparameters
    chips.filter(has_text="Learning rate").wait_for()
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="简体中文").click()
    page.get_by_role("heading", name="自动调参").first.wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-tag]')]"
        ".some((t) => t.innerText.includes('学习率'))"
    )
    assert "Learning rate" not in chips.all_inner_texts()
    page.get_by_role("button", name="开始调参").wait_for()  # the page still works with them
    _no_exception(page)
