"""AppTest of the Scenarios page: a preset scenario run end to end through the worker job (and
its SHAP explanation), and the error paths; of the Compare page (runs side by side) and the Tune
page."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from riskcore.store import RunStore, RunWriter, new_run_id
from riskcore.tuning import TuningResult
from tests.test_app import tuned
from ui.i18n import TEXT

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


def _copy(store: RunStore, run_id: str, edit) -> str:
    """A copy of a run under a new id, with one JSON file changed (cheaper than training)."""
    new = new_run_id()
    shutil.copytree(store.path(run_id), store.root / new)
    edit(store.root / new)
    RunWriter(store.root / new, new).seal()  # saved that way, as a retrained run would be
    return new


def _edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


@pytest.fixture(scope="module")
def runs(market_run, copy_run):
    """A copy of the session's tiny run on the sample market data, a same-data copy with
    another dropout, and a copy that claims other data."""
    run = copy_run(market_run)
    home, base = run.path.parent.parent, run.run_id
    store = RunStore(home)

    def dropout(folder: Path) -> None:
        _edit_json(folder / "config.json", lambda c: c["model"].update(dropout=0.4))

    def other_data(folder: Path) -> None:
        _edit_json(folder / "meta.json", lambda m: m["files"][0].update(sha256="0" * 64))

    time.sleep(1.1)  # run ids carry the second: keep the copies newer than the base
    same = _copy(store, base, dropout)
    other = _copy(store, base, other_data)
    return {"home": home, "base": base, "same": same, "other": other}


@pytest.fixture
def page(runs, monkeypatch) -> AppTest:
    monkeypatch.setenv("RISKCORE_HOME", str(runs["home"]))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["run_id"] = runs["base"]
    at.run()
    at.switch_page("pages/scenarios.py").run()
    assert not at.exception, at.exception
    return at


def _wait(at: AppTest, done, timeout: float = 180) -> None:
    """Rerun (as the polling fragment would) until `done()` holds; fail on any error shown."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        at.run()
        assert not at.exception, at.exception
        assert not at.error, [e.value for e in at.error]
        if done():
            return
        time.sleep(0.5)
    raise AssertionError("the job did not finish in time")


def _frame_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_a_preset_runs_in_a_worker_and_is_shown_and_explained(page, runs) -> None:
    at = page
    assert at.title[0].value == TEXT["scen.title"][0]
    at.multiselect(key="scen_presets").select("credit_spread_up_2sd").run()
    assert at.selectbox(key="scen_column_credit_spread_up_2sd").value == "credit_spread"
    at.button(key="scen_run").click().run()
    assert not at.exception, at.exception
    stored = RunStore(runs["home"]).path(runs["base"]) / "scenarios.json"
    measure = TEXT["scen.measure"][0]
    _wait(at, lambda: stored.exists() and any(measure in d.value for d in at.dataframe))
    summary = _frame_with(at, measure)
    assert list(summary.columns) == [TEXT["scen.measure"][0], "Credit spread +2 sd (credit_spread)"]
    cells = dict(zip(summary.iloc[:, 0], summary.iloc[:, 1], strict=True))
    affected, predictions = (
        cells[TEXT[k][0]] for k in ("scen.sum_affected", "scen.sum_predictions")
    )
    assert affected == predictions != "0"
    assert float(cells[TEXT["scen.sum_mean_delta"][0]]) != 0
    assert len(at.get("plotly_chart")) >= 2  # distributions and per-entity deltas
    movers = _frame_with(at, "mean_delta")
    assert len(movers) >= 1
    # a stored scenario can be copied into the shock table and edited
    at.button(key="scen_edit").click().run()
    assert not at.exception, at.exception
    rows = at.session_state["scen_rows"]
    assert list(rows["feature"]) == ["credit_spread"] and list(rows["unit"]) == ["std"]
    assert at.text_input(key="scen_name").value.endswith("(2)")
    # SHAP: the change is attributed to the shocked input only
    at.button(key="scen_x_start").click().run()
    _wait(at, lambda: "scen_attribution" in at.session_state, timeout=240)
    contributions = at.session_state["scen_attribution"]["contributions"]
    assert abs(contributions["credit_spread"]) > 0
    others = [abs(v) for k, v in contributions.items() if k != "credit_spread"]
    assert max(others) < 1e-6


def test_a_bad_scenario_file_is_a_message_not_a_traceback(page) -> None:
    at = page
    at.file_uploader(key="scen_upload").upload("stress.json", b"{oops", "application/json").run()
    assert not at.exception
    assert any("stress.json" in e.value and "JSON" in e.value for e in at.error)
    bad = json.dumps({"name": "x", "shocks": [{"feature": "nope", "op": "add", "value": 1}]})
    at.file_uploader(key="scen_upload").upload("s.json", bad.encode(), "application/json").run()
    assert not at.exception
    assert any("'nope'" in e.value and "credit_spread" in e.value for e in at.error)
    assert at.button(key="scen_run").disabled  # nothing valid to run


def test_two_runs_side_by_side_and_the_not_comparable_label(page, runs) -> None:
    at = page
    at.switch_page("pages/compare.py").run()
    assert at.title[0].value == TEXT["compare.title"][0]
    at.multiselect(key="compare_runs").set_value([runs["base"], runs["same"]]).run()
    assert not at.exception, at.exception
    assert any(TEXT["compare.comparable"][0] in s.value for s in at.success)
    diff = _frame_with(at, TEXT["compare.field"][0])
    assert list(diff[TEXT["compare.field"][0]]) == [TEXT["train.dropout"][0]]  # as Train says
    assert list(diff[TEXT["compare.key"][0]]) == ["model.dropout"]
    assert list(diff[runs["same"]]) == ["0.4"]
    assert len(at.get("plotly_chart")) >= 4  # metrics, training, ROC, PR
    at.multiselect(key="compare_runs").set_value([runs["base"], runs["other"]]).run()
    assert not at.exception
    warning = next(w.value for w in at.warning if "different data" in w.value)
    assert runs["other"] in warning and "primary" in warning
    at.session_state["lang_picker"] = "zh"
    at.run()
    warning = next(w.value for w in at.warning if "训练数据不同" in w.value)
    assert runs["other"] in warning and "主数据文件不同" in warning and "different" not in warning
    at.session_state["lang_picker"] = "en"
    at.run()


def test_the_tune_page_checks_ranges_and_loads_the_best_config(page, runs) -> None:
    at = page
    at.switch_page("pages/tune.py").run()
    assert at.title[0].value == TEXT["tune.title"][0]
    offered = at.multiselect(key="tune_params").options  # named as the Train page names them
    assert TEXT["train.learning_rate"][0] in offered and "learning_rate" not in offered
    assert any(TEXT["train.dropout"][0] in m.value for m in at.markdown)
    at.number_input(key="tune_dropout_lo").set_value(0.5).run()
    at.number_input(key="tune_dropout_hi").set_value(0.1).run()
    assert any("'dropout'" in e.value and "swap" in e.value for e in at.error)
    assert at.button(key="tune_start").disabled
    best = RunStore(runs["home"]).load(runs["same"]).config.model_dump(mode="json")
    table = pd.DataFrame(
        {
            "trial": [1, 2],
            "dropout": [0.2, 0.4],
            "value": [0.6, 0.7],
            "run_id": [runs["base"], runs["same"]],
            "state": ["complete", "complete"],
            "error": [None, None],
        }
    )
    at.session_state["tune_result"] = TuningResult(
        table, "roc_auc", "maximize", runs["same"], 0.7, {"dropout": 0.4}, best
    )
    at.run()
    assert not at.exception, at.exception
    assert any(runs["same"] in s.value for s in at.success)
    at.button(key="tune_use_best").click().run()
    assert not at.exception
    assert at.session_state["config"] == best
    # no data loaded in this session: it says which files the search ran on
    need = TEXT["tune.need_data"][0].split("(")[0]
    assert any(need in w.value and "market" in w.value for w in at.warning)


def test_the_best_config_reaches_train_with_its_tuned_values(page, runs) -> None:
    """'Load the best config into Train' then the Train page: units [36, 18], learning rate
    0.0016, batch 96, dropout 0.33 and window 37 are trained as tuned, not snapped to presets."""
    at = page
    at.switch_page("pages/data.py").run()
    at.button(key="sample_market").click().run()  # Train needs the data files in the session
    at.switch_page("pages/tune.py").run()
    best = tuned(RunStore(runs["home"]).load(runs["same"]).config.model_dump(mode="json"))
    table = pd.DataFrame(
        {
            "trial": [1],
            "units": [36],
            "value": [0.7],
            "run_id": [runs["same"]],
            "state": ["complete"],
            "error": [None],
        }
    )
    at.session_state["tune_result"] = TuningResult(
        table, "roc_auc", "maximize", runs["same"], 0.7, {"units": 36}, best
    )
    at.run()
    at.button(key="tune_use_best").click().run()
    assert not at.exception, at.exception
    # the sample is loaded, not the (smaller) files the search ran on: it says so
    assert any(TEXT["tune.other_data"][0].split("(")[0] in w.value for w in at.warning)
    at.switch_page("pages/train.py").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    got = at.session_state["config"]
    assert (got["model"]["units"], got["model"]["dropout"], got["window"]) == ([36, 18], 0.33, 37)
    assert (got["training"]["learning_rate"], got["training"]["batch_size"]) == (0.0016, 96)
    assert got == best


def test_the_page_speaks_chinese(page) -> None:
    at = page
    at.session_state["lang_picker"] = "zh"  # the sidebar's language picker's state
    at.run()
    assert not at.exception
    assert at.title[0].value == TEXT["scen.title"][1]
    assert not at.tabs  # Compare and Tune have their own pages (in Chinese too:
    # tests/test_app_models_explained.py opens them)


def test_the_scenarios_page_imports_no_tensorflow_or_optuna_in_the_server() -> None:
    code = (
        "import sys; import ui.scenario_widgets, ui.compare_widgets, ui.tune_widgets; "
        "import riskcore.charts.scenarios, riskcore.charts.compare, riskcore.scenarios.tables; "
        "import riskcore.tuning, riskcore.scenarios.jobs; "
        "bad = [m for m in ('tensorflow', 'keras', 'optuna') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
