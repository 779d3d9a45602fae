"""The Results page of a quantile (VaR / ES) run: pinball cards in bp, the traffic light in large
type, the backtest table of every model, the return series with VaR lines and breaches marked.
Every number on the page is checked against the run's metrics.json and predictions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from riskcore.charts import var as var_charts
from riskcore.quantiles import level_key, var_column
from tests.tabs import open_tab
from ui.i18n import TEXT

ROOT = Path(__file__).resolve().parent.parent


def _results(run, tab: str | None = None) -> AppTest:
    """The Results page of `run`, with its first tab open or the tab labelled TEXT[tab]."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RISKCORE_HOME", str(run.path.parent.parent))
        mp.chdir(ROOT)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        at.session_state["run_id"] = run.run_id
        at.switch_page("pages/results.py").run()
        assert not at.exception, at.exception
        return open_tab(at, "results_tab", tab) if tab else at


@pytest.fixture(scope="module")
def page(quantile_run):
    """The Results page of the session's quantile run, rendered once for the tests below."""
    return _results(quantile_run)


def test_the_cards_show_pinball_in_basis_points(page, quantile_run) -> None:
    test = quantile_run.metrics.test
    cards = {m.label.split(" · ")[0]: m.value for m in page.metric}
    assert float(cards["Deep model"]) == pytest.approx(1e4 * test["model"]["pinball"], abs=1e-3)
    assert float(cards["GARCH(1,1)-t"]) == pytest.approx(1e4 * test["garch"]["pinball"], abs=1e-3)
    assert set(cards) >= {"Historical simulation", "Filtered historical simulation"}


def test_the_traffic_light_is_the_models_zone_at_the_lowest_level(page, quantile_run) -> None:
    light = quantile_run.metrics.test["model"]["backtest"]["0.01"]["traffic_light"]
    heading = next(m.value for m in page.markdown if m.value.startswith("# :"))
    assert TEXT[f"var.zone_{light['zone']}"][0] in heading
    pooled = " ".join(c.value for c in page.caption)
    assert f"{light['exceptions']} exceptions in {light['n']}" in pooled


def test_the_backtest_table_holds_each_models_breaches_and_tests(page, quantile_run) -> None:
    test = quantile_run.metrics.test
    tables = [d.value for d in _results(quantile_run, "results.tab_backtests").dataframe]
    table = next(t for t in tables if TEXT["var.col_kupiec"][0] in t and "Model" in t)
    assert list(table["Model"])[:2] == ["Deep model", "Historical simulation"]
    for name, label in (("model", "Deep model"), ("garch", "GARCH(1,1)-t")):
        bt = test[name]["backtest"]["0.01"]
        row = table[table["Model"] == label].iloc[0]
        assert row[TEXT["var.col_breaches"][0]] == f"{bt['breaches']} / {bt['n']}"
        zone = TEXT[f"var.zone_{bt['traffic_light']['zone']}"][0]
        assert row[TEXT["var.col_light"][0]] == zone
    series_tab = [d.value for d in page.dataframe]  # the first tab's per-entity table
    per_entity = next(t for t in series_tab if TEXT["var.col_entity"][0] in t)
    assert len(per_entity) == 4  # four tickers in the fixture


def test_the_series_marks_exactly_the_models_breaches(quantile_run) -> None:
    pred = quantile_run.predictions
    entity = sorted(pred["entity"].astype(str).unique())[0]
    fig = var_charts.var_backtest(pred, entity, 0.01, ["model", "garch"])
    rows = pred[(pred["split"] == "test") & (pred["entity"].astype(str) == entity)]
    breaches = int((rows["y_true"] < rows[var_column(0.01)]).sum())
    marks = next(tr for tr in fig.data if tr.name.startswith("Breach"))
    assert len(marks.x) == breaches
    lines = [tr.name for tr in fig.data]
    assert "VaR Deep model" in lines and "VaR GARCH(1,1)-t" in lines and "ES Deep model" in lines
    assert len(next(tr for tr in fig.data if tr.name == "Realised return").x) == len(rows)


def test_the_breach_rate_bars_are_the_metrics_with_the_level_drawn(quantile_run) -> None:
    test = quantile_run.metrics.test
    models = ["model", "historical", "garch", "fhs", "gbm"]
    fig = var_charts.breach_rates(test, 0.025, models)
    bars = fig.data[0]
    key = level_key(0.025)
    assert np.allclose(bars.y, [test[m]["backtest"][key]["breach_rate"] for m in models])
    assert fig.layout.shapes[0].y0 == pytest.approx(0.025)


def test_the_var_sample_is_one_click_away_and_maps_a_quantile_run(tmp_path, monkeypatch) -> None:
    """The Data page's VaR sample loads the market files with the quantile config: the target
    is the forward return of close, the VaR levels are offered, and Train estimates the run."""
    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.button(key="sample_market_var").click().run()
    assert not at.exception, at.exception
    cfg = at.session_state["config"]
    assert cfg["task"] == "quantile" and cfg["quantiles"] == [0.01, 0.025]
    assert cfg["data"]["target"] == {"kind": "forward_return", "column": "close"}
    levels = next(m for m in at.multiselect if m.label == TEXT["data.quantiles"][0])
    assert [float(v) for v in levels.value] == [0.01, 0.025]
    at.switch_page("pages/train.py").run()
    assert not at.exception, at.exception
    assert any(m.label == TEXT["train.duration"][0] for m in at.metric)


def test_two_var_runs_compare_on_pinball_loss(quantile_run, tmp_path) -> None:
    """The Compare tab's table of two quantile runs holds every model's pinball loss, in bp."""
    import shutil

    from riskcore.compare import compare_runs
    from riskcore.store import RunStore
    from ui.compare_widgets import _metric_table

    other = "20000101-000000-abcdef"
    shutil.copytree(quantile_run.path, tmp_path / "runs" / quantile_run.run_id)
    shutil.copytree(quantile_run.path, tmp_path / "runs" / other)
    store = RunStore(tmp_path)
    result = compare_runs([store.load(quantile_run.run_id), store.load(other)])
    pinball = result["metrics"][result["metrics"]["metric"] == "pinball"]
    assert set(pinball["model"]) == {"model", "historical", "garch", "fhs", "gbm"}
    table = _metric_table(result["metrics"], with_baselines=False)
    cell = table[quantile_run.run_id].iloc[0]
    assert float(cell.split()[0]) == pytest.approx(
        1e4 * quantile_run.metrics.test["model"]["pinball"], abs=1e-3
    )
