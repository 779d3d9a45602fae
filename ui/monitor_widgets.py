"""Widgets of the Monitor page: what a folder watch has scored, its drift and its alerts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from riskcore.charts import monitor as MC
from riskcore.csvfile import csv_bytes
from riskcore.watch import LOG_FILE, Monitor, load_monitor, monitor_folder
from ui.auth import user_store
from ui.i18n import chart_labels, t
from ui.text import md_escape


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
    newest = table.iloc[::-1]
    st.dataframe(
        newest[["detected_at", "file", "time", "entity", "score", "previous_score"]],
        hide_index=True,
        column_config={
            "detected_at": t("monitor.col_detected"),
            "file": t("monitor.col_file"),
            "time": t("monitor.col_time"),
            "entity": t("monitor.col_entity"),
            "score": st.column_config.NumberColumn(t("monitor.col_score"), format="%.3f"),
            "previous_score": st.column_config.NumberColumn(
                t("monitor.col_previous"), format="%.3f"
            ),
        },
    )
    st.download_button(
        t("monitor.download_alerts"),
        csv_bytes(table),
        file_name="alerts.csv",
        mime="text/csv",
        icon=":material/download:",
    )


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
