"""AppTest of the one decision threshold per run: set on Results (by hand or by the
cost-optimal button, searched on validation), read by Scenarios, Report and the CSV, never
carried from one run to another; and "See the results" opening the run just trained."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from riskcore import metrics as M
from riskcore import report as R
from riskcore.store import RunStore, RunWriter
from tests.tabs import open_tab
from ui.i18n import TEXT

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def home(tiny_run, copy_run) -> Path:
    """Two runs: a copy of the session's tiny trained one, and a copy of it with other scores
    (so other defaults)."""
    run = copy_run(tiny_run)
    path = run.path.parent.parent
    other = run.path.parent / f"{run.run_id[:-6]}ffffff"
    shutil.copytree(run.path, other)
    p = run.predictions.copy()
    p["score"] = p["score"] ** 3
    p.to_csv(other / "predictions.csv", index=False)
    RunWriter(other, other.name).seal()  # saved that way, as a retrained run would be
    return path


def _ids(home: Path) -> tuple[str, str]:
    first, second = sorted(RunStore(home).ids())
    return first, second


def _open(home: Path, monkeypatch, run_id: str, page: str = "pages/results.py") -> AppTest:
    monkeypatch.setenv("RISKCORE_HOME", str(home))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.session_state["run_id"] = run_id
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return _threshold_tab(at) if page == "pages/results.py" else at


def _threshold_tab(at: AppTest) -> AppTest:
    """Results opens on its curves; the slider is on the threshold tab."""
    return open_tab(at, "results_tab", "results.tab_threshold")


def _validation(home: Path, run_id: str):
    p = RunStore(home).load(run_id).predictions
    v = p[p["split"] == "validation"]
    return v["y_true"].to_numpy(), v["score"].to_numpy()


@pytest.mark.slow
def test_the_results_threshold_is_the_one_scenarios_report_and_csv_use(home, monkeypatch) -> None:
    first, second = _ids(home)
    at = _open(home, monkeypatch, first)
    default = at.slider(key="threshold").value
    assert default == M.rate_matched_threshold(*_validation(home, first))  # not from test
    at.slider(key="threshold").set_value(0.37).run()
    assert not at.exception
    assert at.session_state["thresholds"][first] == 0.37

    at.switch_page("pages/scenarios.py").run()
    assert not at.exception, at.exception
    assert at.slider(key="scen_threshold").value == 0.37

    asked: list[float | None] = []
    real = R.report_csv
    monkeypatch.setattr(
        R,
        "report_csv",
        lambda run, threshold=None, **kw: asked.append(threshold) or real(run, threshold, **kw),
    )
    at.switch_page("pages/report.py").run()
    assert not at.exception, at.exception
    assert at.slider(key="report_threshold").value == 0.37
    assert asked == []  # nothing is built when the page opens
    at.button(key="build_csv").click().run()
    assert not at.exception, at.exception
    assert asked == [0.37]  # the CSV is built with it, on demand
    at.slider(key="report_threshold").set_value(0.42).run()  # moved here: moved everywhere
    _threshold_tab(at.switch_page("pages/results.py"))
    assert at.slider(key="threshold").value == 0.42

    # another run has its own threshold; coming back finds this one's again
    at.session_state["run_id"] = second
    _threshold_tab(at)
    other = at.slider(key="threshold").value
    assert other == M.rate_matched_threshold(*_validation(home, second)) and other != 0.42
    at.switch_page("pages/scenarios.py").run()
    assert at.slider(key="scen_threshold").value == other
    at.session_state["run_id"] = first
    _threshold_tab(at.switch_page("pages/results.py"))
    assert at.slider(key="threshold").value == 0.42


@pytest.mark.slow
def test_the_cost_optimal_button_searches_validation_for_the_costs_entered(
    home, monkeypatch
) -> None:
    first, _ = _ids(home)
    y, score = _validation(home, first)
    at = _open(home, monkeypatch, first)
    picked = {}
    for miss, alarm in ((50.0, 1.0), (1.0, 50.0)):
        at.number_input(key="cost_missed").set_value(miss)
        at.number_input(key="cost_alarm").set_value(alarm).run()
        at.button(key="cost_optimal").click().run()
        assert not at.exception, at.exception
        best = M.cost_optimal_threshold(y, score, miss, alarm, candidates=M.THRESHOLD_GRID)
        assert at.slider(key="threshold").value == pytest.approx(best)
        assert at.session_state["thresholds"][first] == pytest.approx(best)
        note = TEXT["results.cost_optimal_done"][0].format(threshold=f"{best:.2f}")
        assert note in [c.value for c in at.caption]
        grid_costs = [M.expected_cost(y, score, x, miss, alarm) for x in M.THRESHOLD_GRID]
        assert M.expected_cost(y, score, best, miss, alarm) == pytest.approx(min(grid_costs))
        picked[miss] = best
    assert picked[50.0] <= picked[1.0]  # dear misses flag more than dear false alarms
    at.switch_page("pages/scenarios.py").run()
    assert at.slider(key="scen_threshold").value == pytest.approx(picked[1.0])


@pytest.mark.slow
def test_see_the_results_opens_the_run_just_trained(home, tmp_path, monkeypatch) -> None:
    """The sidebar showed an older run before training; the button opens the new one."""
    first, _ = _ids(home)
    shutil.copytree(home / "runs" / first, tmp_path / "runs" / first)
    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    assert at.session_state["run_id"] == first  # the picker's choice before training
    at.button(key="sample_market").click().run()
    cfg = at.session_state["config"]
    cfg["window"], cfg["horizon"] = 10, 10
    cfg["model"] = {"units": [8], "dense_units": 4, "tower_units": 4}
    cfg["training"] = {"epochs": 1, "batch_size": 512, "patience": 0}
    at.session_state["config_version"] = 99
    at.switch_page("pages/train.py").run()
    next(b for b in at.button if b.label == TEXT["train.start"][0]).click().run()
    deadline = time.time() + 300
    while not any(s.value.endswith(" saved.") for s in at.success):
        assert time.time() < deadline, "training did not finish in time"
        assert not at.exception, at.exception
        time.sleep(1)
        at.run()
    new = next(i for i in RunStore(tmp_path).ids() if i != first)
    assert at.session_state["run_id"] == new
    at.button(key="see_results").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == TEXT["results.title"][0]
    assert new in at.caption[0].value and first not in at.caption[0].value
    assert np.isfinite(float(at.metric[0].value))
