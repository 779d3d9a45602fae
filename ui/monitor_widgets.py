"""Widgets of the Monitor page: score a new file with the active run, and what the watch (the
page's uploads and the CLI's folder watch) has scored: drift over time and threshold alerts.

Scoring loads the run's Keras model, so it runs as a worker job (riskcore.watch.monitor_task),
never in the server; its result lands in the same monitor folder that the charts read.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from riskcore import tasks
from riskcore.charts import monitor as MC
from riskcore.csvfile import csv_bytes
from riskcore.jobs import JobStatus
from riskcore.store import Run, RunStore
from riskcore.watch import LOG_FILE, SUFFIXES, Monitor, load_monitor, monitor_folder
from ui import jobs_panel
from ui.auth import user_store
from ui.i18n import chart_labels, t
from ui.page import threshold_slider
from ui.text import md_escape

MONITOR_TASK = tasks.MONITOR
KIND = "monitor"
OUTCOME_KEY = "monitor_outcome"  # the last scored upload's Outcome (a dict)
TYPES = [s.lstrip(".") for s in SUFFIXES]


@st.cache_data(show_spinner=False, max_entries=16, ttl="30m")
def _monitor(folder: str, version: float) -> Monitor | None:
    """The watch record; `version` (the log's file time) refreshes it when a file is scored."""
    return load_monitor(folder)


def monitor_of(run_id: str) -> Monitor | None:
    folder = monitor_folder(user_store(), run_id)
    log = folder / LOG_FILE
    return _monitor(str(folder), log.stat().st_mtime) if log.exists() else None


def how_to_start(run_id: str) -> None:
    st.markdown(t("monitor.how"))
    st.code(f"python -m riskcore watch INBOX_FOLDER --run {run_id} [--macro F] [--threshold 0.5]")


def score_new_file(run: Run) -> None:
    """Upload a file (and the macro / sentiment files the run needs), score it with the active
    run in a worker, then show what happened to it; the record below includes it."""
    st.subheader(t("monitor.score_title"))
    st.caption(t("monitor.score_caption", run_id=run.run_id))
    data = run.config.data
    primary = st.file_uploader(
        t("monitor.upload"), type=TYPES, key="monitor_upload", help=t("monitor.upload_help")
    )
    extra = {}
    roles = [r for r in ("macro", "sentiment") if getattr(data, f"{r}_features")]
    for role, column in zip(roles, st.columns(max(len(roles), 1)), strict=False):
        extra[role] = column.file_uploader(
            t(f"monitor.upload_{role}"),
            type=TYPES,
            key=f"monitor_{role}",
            help=t("monitor.context_help"),
        )
    threshold = _threshold(run)
    missing = [r for r in roles if extra[r] is None]
    if primary is not None and missing:
        st.caption(
            t("monitor.needs", files=t("monitor.sep").join(t(f"monitor.role_{r}") for r in missing))
        )
    if st.button(
        t("monitor.score"),
        type="primary",
        icon=":material/query_stats:",
        key="monitor_score",
        disabled=primary is None or bool(missing) or jobs_panel.busy(KIND),
    ):
        payload = MONITOR_TASK.payload(
            home=str(RunStore().root.parent),
            run_id=run.run_id,
            name=primary.name,
            data=primary.getvalue(),
            threshold=float(threshold),
            **{r: {"name": f.name, "data": f.getvalue()} for r, f in extra.items() if f},
        )
        st.session_state.pop(OUTCOME_KEY, None)
        jobs_panel.submit(KIND, MONITOR_TASK, payload)
        st.rerun()
    jobs_panel.panel(KIND, on_done=_scored)
    outcome(st.session_state.get(OUTCOME_KEY))


def _threshold(run: Run) -> float:
    """The alert threshold: the run's shared decision threshold for classification."""
    if run.metrics.classification:
        return threshold_slider(
            st, run, "monitor_threshold", t("monitor.threshold"), t("monitor.threshold_help")
        )
    return st.number_input(
        t("monitor.threshold"),
        value=0.5,
        key="monitor_threshold_value",
        help=t("monitor.threshold_help"),
    )


def _scored(status: JobStatus) -> None:
    st.session_state[OUTCOME_KEY] = status.result


def outcome(result: dict | None) -> None:
    """What happened to the file just scored: its problem, or rows, drift and crossings."""
    if not result:
        return
    name = md_escape(result.get("file", ""))
    if result.get("error"):
        st.error(
            t("monitor.score_failed", file=name, error=md_escape(result["error"])),
            icon=":material/error:",
        )
        return
    st.success(
        t(
            "monitor.scored",
            file=name,
            rows=f"{result.get('rows', 0):,}",
            mean=f"{result.get('mean_score') or 0:.3f}",
        ),
        icon=":material/check_circle:",
    )
    if result.get("drifted"):
        drifted = result["drifted"].items()
        listed = t("monitor.sep").join(f"{md_escape(k)} {v:.2f}" for k, v in drifted)
        st.warning(t("monitor.drifted", inputs=listed), icon=":material/warning:")
    if result.get("crossed"):
        crossed = result["crossed"]
        shown = t("monitor.sep").join(md_escape(e) for e in crossed[:10])
        st.warning(
            t("monitor.crossed", n=len(crossed), entities=shown), icon=":material/notifications:"
        )


def headline(monitor: Monitor) -> None:
    log = monitor.log
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("monitor.files"), len(log))
    c2.metric(t("monitor.last"), md_escape(log["file"].iloc[-1]))  # a metric's value is Markdown
    c3.metric(t("monitor.alerts"), len(monitor.alerts))
    scored = log.dropna(subset=["score_psi"]) if "score_psi" in log else log.iloc[0:0]
    c4.metric(t("monitor.score_psi"), f"{scored['score_psi'].iloc[-1]:.3f}" if len(scored) else "–")


def charts(monitor: Monitor) -> None:
    labels = chart_labels()
    st.plotly_chart(MC.drift_over_time(monitor.drift, labels), key="monitor_drift")
    st.plotly_chart(MC.mean_score_over_time(monitor.log, labels), key="monitor_mean")


def alerts(monitor: Monitor) -> None:
    st.subheader(t("monitor.alerts_title"))
    table = monitor.alerts
    if table.empty:
        st.info(t("monitor.no_alerts"), icon=":material/check_circle:")
        return
    newest = table.iloc[::-1].assign(
        previous_score=previous_text(table["previous_score"].iloc[::-1])
    )
    st.dataframe(
        newest[["detected_at", "file", "time", "entity", "score", "previous_score"]],
        hide_index=True,
        column_config={
            "detected_at": t("monitor.col_detected"),
            "file": t("monitor.col_file"),
            "time": t("monitor.col_time"),
            "entity": t("monitor.col_entity"),
            "score": st.column_config.NumberColumn(t("monitor.col_score"), format="%.3f"),
            "previous_score": st.column_config.TextColumn(t("monitor.col_previous")),
        },
    )
    st.download_button(
        t("monitor.download_alerts"),
        csv_bytes(table),
        file_name="alerts.csv",
        mime="text/csv",
        icon=":material/download:",
    )


def previous_text(values: pd.Series) -> list[str]:
    """An alert's previous score as text: the number, or "first score" for an entity the
    watch had not scored before (the CSV leaves it empty; the table never shows None)."""
    numbers = pd.to_numeric(values, errors="coerce")
    return [t("monitor.first_score") if np.isnan(v) else f"{v:.3f}" for v in numbers]


def files(monitor: Monitor) -> None:
    st.subheader(t("monitor.files_title"))
    log = monitor.log.iloc[::-1].copy()
    log["drifted"] = [
        ", ".join(f"{k} {v:.2f}" for k, v in (d or {}).items()) for d in log["drifted"]
    ]
    columns = ["file", "data_to", "at", "rows", "mean_score", "score_psi", "drifted", "error"]
    st.dataframe(
        pd.DataFrame(log[[c for c in columns if c in log]]),
        hide_index=True,
        column_config={
            "file": t("monitor.col_file"),
            "data_to": t("monitor.col_data_to"),
            "at": st.column_config.DatetimeColumn(t("monitor.col_at"), format="YYYY-MM-DD HH:mm"),
            "rows": t("monitor.col_rows"),
            "mean_score": st.column_config.NumberColumn(t("monitor.col_mean"), format="%.3f"),
            "score_psi": st.column_config.NumberColumn(t("monitor.col_psi"), format="%.3f"),
            "drifted": t("monitor.col_drifted"),
            "error": t("monitor.col_error"),
        },
    )
