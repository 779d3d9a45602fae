"""AppTest of the Monitor page: a watch record of the active run shown as drift, alerts, files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from riskcore.store import RunStore
from riskcore.watch import ALERT_COLUMNS, ALERTS_FILE, LOG_FILE, monitor_folder
from tests.test_report import handmade_run
from ui.i18n import TEXT

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/monitor.py"


def _record(folder: Path) -> None:
    """What two scans of `watch` leave behind: a log line per file and one alert."""
    folder.mkdir(parents=True)
    lines = [
        {
            "file": "a.csv",
            "sha256": "1",
            "at": "2026-11-02T08:00:00+00:00",
            "rows": 40,
            "data_to": "2026-10-30",
            "scores": "",
            "mean_score": 0.21,
            "score_psi": 0.02,
            "psi": {"r": 0.03, "score": 0.02},
            "drifted": {},
            "crossed": [],
            "error": "",
        },
        {
            "file": "b.csv",
            "sha256": "2",
            "at": "2026-11-03T08:00:00+00:00",
            "rows": 40,
            "data_to": "2026-10-31",
            "scores": "",
            "mean_score": 0.34,
            "score_psi": 0.31,
            "psi": {"r": 0.42, "score": 0.31},
            "drifted": {"r": 0.42, "score": 0.31},
            "crossed": ["ACME"],
            "error": "",
        },
        {
            "file": "c.csv",
            "sha256": "3",
            "at": "2026-11-04T08:00:00+00:00",
            "rows": 0,
            "scores": "",
            "mean_score": None,
            "score_psi": None,
            "psi": {},
            "drifted": {},
            "crossed": [],
            "error": "file 'c.csv' is empty; export it again",
        },
    ]
    (folder / LOG_FILE).write_text("\n".join(json.dumps(line) for line in lines))
    alert = ["2026-11-03T08:00:00+00:00", "b.csv", "2026-11-02", "ACME", 0.71, 0.44, 0.5]
    pd.DataFrame([alert], columns=ALERT_COLUMNS).to_csv(folder / ALERTS_FILE, index=False)


@pytest.fixture
def app(tmp_path, monkeypatch):
    run = handmade_run(tmp_path)
    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    at.session_state["run_id"] = run.run_id
    return at, run, tmp_path


def test_without_a_watch_the_page_shows_the_command(app) -> None:
    at, run, _ = app
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert at.info[0].value == TEXT["monitor.none"][0]
    assert f"watch INBOX_FOLDER --run {run.run_id}" in at.code[0].value


def test_drift_alerts_and_files_of_a_watch(app) -> None:
    at, run, home = app
    _record(monitor_folder(RunStore(home), run.run_id))
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[TEXT["monitor.files"][0]] == "3"
    assert metrics[TEXT["monitor.alerts"][0]] == "1"
    assert metrics[TEXT["monitor.score_psi"][0]] == "0.310"  # the last file that was scored
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    drift = json.loads(charts[0].proto.spec)
    names = [trace["name"] for trace in drift["data"]]
    assert names == ["Risk score", "r"]
    assert [x[:10] for x in drift["data"][0]["x"]] == ["2026-10-30", "2026-10-31"]  # data dates
    alerts, table = (d.value for d in at.dataframe)
    assert list(alerts["entity"]) == ["ACME"]
    assert list(table["file"]) == ["c.csv", "b.csv", "a.csv"]  # newest first
    assert table["drifted"].iloc[1] == "r 0.42, score 0.31"
    assert "empty" in table["error"].iloc[0]


def test_previous_score_is_a_number_or_first_score_never_none(app) -> None:
    at, run, home = app
    folder = monitor_folder(RunStore(home), run.run_id)
    _record(folder)
    first = ["2026-11-03T08:00:00+00:00", "b.csv", "2026-11-02", "NEWCO", 0.66, None, 0.5]
    pd.DataFrame([first], columns=ALERT_COLUMNS).to_csv(
        folder / ALERTS_FILE, mode="a", header=False, index=False
    )
    at.session_state["lang_picker"] = "zh"
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    alerts = at.dataframe[0].value
    assert list(alerts["previous_score"]) == [TEXT["monitor.first_score"][1], "0.440"]
    assert "None" not in alerts.astype(str).to_numpy().ravel().tolist()


def test_the_time_axis_shows_dates_and_threshold_labels_sit_apart() -> None:
    from riskcore.charts.monitor import drift_over_time, mean_score_over_time

    same_day = pd.Timestamp("2026-10-30")
    drift = pd.DataFrame(
        {
            "when": [same_day, same_day],
            "file": ["a.csv", "b.csv"],
            "feature": ["score", "score"],
            "psi": [0.02, 0.4],
        }
    )
    fig = drift_over_time(drift)
    axis = fig.layout.xaxis
    assert axis.tickformat == "%Y-%m-%d" and axis.dtick == 86_400_000
    assert [pd.Timestamp(x) for x in axis.range] == [
        same_day - pd.Timedelta(days=1),
        same_day + pd.Timedelta(days=1),
    ]
    labels = {a.text: a for a in fig.layout.annotations}
    assert labels["0.1 moderate"].yanchor == "top" and labels["0.25 major"].yanchor == "bottom"
    log = pd.DataFrame({"when": [same_day], "file": ["a.csv"], "mean_score": [0.3]})
    assert mean_score_over_time(log).layout.xaxis.tickformat == "%Y-%m-%d"


@pytest.fixture
def scored_home(market_run, copy_run, tmp_path) -> tuple[Path, str, dict[str, Path]]:
    from tests.browser_support import small_market_files

    run = copy_run(market_run)
    return run.path.parent.parent, run.run_id, small_market_files(tmp_path, tickers=2)


@pytest.mark.slow
def test_a_file_uploaded_on_the_page_is_scored_with_the_active_run(
    scored_home, monkeypatch
) -> None:
    """Upload, Score: the job (run here in-process, as the worker would) scores the file with
    riskcore.watch; the page then shows it in the record, with drift and alerts."""
    from riskcore.watch import UPLOADS, monitor_task
    from ui import jobs_panel

    home, run_id, files = scored_home
    sent: list[tuple[str, str]] = []

    def run_now(kind: str, task, payload: dict) -> bool:
        sent.append((kind, getattr(task, "path", task)))
        monitor_task(payload, lambda event: None)
        return True

    monkeypatch.setattr(jobs_panel, "submit", run_now)
    monkeypatch.setenv("RISKCORE_HOME", str(home))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.session_state["run_id"] = run_id
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert at.info[0].value == TEXT["monitor.none"][0]
    score = at.button(key="monitor_score")
    assert score.disabled  # nothing uploaded yet
    at.file_uploader(key="monitor_upload").upload(
        "新数据.csv", files["primary"].read_bytes(), "text/csv"
    ).run()
    assert at.button(key="monitor_score").disabled  # the run also needs macro and sentiment
    for role in ("macro", "sentiment"):
        at.file_uploader(key=f"monitor_{role}").upload(
            files[role].name, files[role].read_bytes(), "text/csv"
        ).run()
    at.slider(key="monitor_threshold").set_value(0.05).run()
    at.button(key="monitor_score").click().run()
    assert not at.exception, at.exception
    assert sent == [("monitor", "riskcore.watch:monitor_task")]
    folder = monitor_folder(RunStore(home), run_id)
    assert (folder / UPLOADS / "新数据.csv").exists()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[TEXT["monitor.files"][0]] == "1"
    assert metrics[TEXT["monitor.last"][0]] == "新数据.csv"
    assert int(metrics[TEXT["monitor.alerts"][0]]) >= 1  # 0.05: the tickers cross it
    drift = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert drift["data"][0]["name"] == "Risk score" and len(drift["data"]) > 1
    alerts, table = (d.value for d in at.dataframe)
    assert set(alerts["previous_score"]) == {TEXT["monitor.first_score"][0]}
    assert list(table["file"]) == ["新数据.csv"] and table["error"].iloc[0] == ""
