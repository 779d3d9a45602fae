"""Results, Validate and Explain run only their open tab (ui.page.lazy_tabs): the first render
of a large run draws one tab's charts, not ten. The open tab survives a language switch and a
visit to another page."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.tabs import open_tab
from ui.i18n import TEXT

ROOT = Path(__file__).resolve().parent.parent


def _results(run, monkeypatch) -> AppTest:
    """The app on Results for `run` (a copy in its own store), its first tab open."""
    monkeypatch.setenv("RISKCORE_HOME", str(run.path.parent.parent))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.session_state["run_id"] = run.run_id
    at.switch_page("pages/results.py").run()
    return at


def test_only_the_open_tab_runs_and_it_stays_open(market_run, copy_run, monkeypatch) -> None:
    at = _results(copy_run(market_run), monkeypatch)
    assert not at.exception, at.exception
    assert [tab.label for tab in at.tabs] == [
        TEXT[f"results.tab_{n}"][0] for n in ("curves", "threshold", "timeline", "run")
    ]
    curves = len(at.get("plotly_chart"))
    assert curves >= 4  # the metric comparison and the curves
    assert not [s for s in at.slider if s.key == "threshold"]  # the closed tab did not run

    open_tab(at, "results_tab", "results.tab_threshold")
    assert at.slider(key="threshold").value is not None
    assert len(at.get("plotly_chart")) < curves  # the curves are not sent with it

    at.session_state["lang_picker"] = "zh"  # new labels: the same tab stays open
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["results_tab"] == TEXT["results.tab_threshold"][1]
    assert [s for s in at.slider if s.key == "threshold"]

    at.switch_page("pages/data.py").run()
    at.switch_page("pages/results.py").run()  # back from another page: still open
    assert not at.exception, at.exception
    assert [s for s in at.slider if s.key == "threshold"]


def test_a_pick_on_the_timeline_is_drawn_and_kept_when_the_tab_reopens(
    market_run, copy_run, monkeypatch
) -> None:
    """Streamlit forgets a widget that a run does not draw; the timeline's entity is kept."""
    at = _results(copy_run(market_run), monkeypatch)
    open_tab(at, "results_tab", "results.tab_timeline")
    pick = at.selectbox(key="timeline_entity")
    other = pick.options[2]
    pick.set_value(other).run()
    assert not at.exception, at.exception
    assert other in at.get("plotly_chart")[-1].proto.spec  # its title names the entity
    assert len(at.dataframe[-1].value) > 0  # the riskiest entities, whatever the pick

    open_tab(at, "results_tab", "results.tab_threshold")
    assert not [s for s in at.selectbox if s.key == "timeline_entity"]  # the closed tab
    open_tab(at, "results_tab", "results.tab_timeline")
    assert at.selectbox(key="timeline_entity").value == other
    assert other in at.get("plotly_chart")[-1].proto.spec
