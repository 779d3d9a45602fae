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
