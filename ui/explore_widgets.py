"""Looking at the data before modelling: each column's summary, a column over time, the event
rate over time and the samples per split, all from one cached preparation of the mapping."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from riskcore import metrics as M
from riskcore import profile
from riskcore.charts.data import DATA_LABELS, MAX_LINES, column_lines, event_rate_chart
from riskcore.config import parse_config
from riskcore.errors import RiskcoreError
from ui.data_widgets import as_date, widget_version
from ui.i18n import chart_labels, t
from ui.page import show_error
from ui.state import ROLES, contributing_files, files
from ui.text import md_escape


# ---- exploring the data ---------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=64, ttl="1h")
def _samples(shas: tuple, config_json: str, _frames: dict) -> dict:
    """The split summary and, for a 0/1 target, the event rate per period of the samples."""
    from riskcore.dataset import prepare

    config = parse_config(config_json)
    ds = prepare(config, _frames.get("primary"), _frames.get("macro"), _frames.get("sentiment"))
    out: dict = {"summary": ds.summary(), "rates": None, "period": None}
    if config.task == "classification" and ds.panel.time is not None:
        ends = np.sort(np.concatenate([ds.splits[s] for s in ("train", "validation", "test")]))
        times = ds.panel.time[ends]
        out["period"] = profile.period_for(times)
        out["rates"] = profile.event_rate_over_time(times, ds.panel.y[ends], out["period"])
    return out


def split_summary(shas: tuple, config_json: str, _frames: dict) -> dict:
    """The split summary alone, from the same cache (the Train page's preflight reads it)."""
    return _samples(shas, config_json, _frames)["summary"]


def _prepared(raw: dict) -> dict:
    """_samples for the config being edited (cached on the files' sha256 and the config)."""
    config = parse_config(raw)
    used = contributing_files(config.data)
    frames = {role: f.frame for role, f in used.items()}
    shas = tuple(sorted((r, f.source["sha256"]) for r, f in used.items()))
    with st.spinner(t("data.computing")):
        return _samples(shas, config.to_json(), frames)


@st.cache_data(show_spinner=False, max_entries=32, ttl="1h")
def _column_summary(sha: str, _frame: pd.DataFrame) -> pd.DataFrame:
    return profile.column_summary(_frame)


def _labels() -> dict[str, str]:
    """The charts' shared labels with the Data page's own, in the session's language."""
    return {**chart_labels(), **{k: t(f"data.chart.{k}") for k in DATA_LABELS}}


def explore(raw: dict) -> None:
    """A look at the data before any modelling: each column's summary, a column over time per
    entity, and the event rate over time of the samples the mapping builds."""
    st.subheader(t("data.explore"))
    tabs = st.tabs([t("data.tab_summary"), t("data.tab_chart"), t("data.tab_rate")])
    v = widget_version()
    with tabs[0]:
        _summary_table(v)
    with tabs[1]:
        _column_chart(raw["data"], v)
    with tabs[2]:
        _rate_chart(raw)


def _summary_table(v: str) -> None:
    shown = [part for role in ROLES if (f := files().get(role)) for part in f.each]
    names = [part.name for part in shown]
    picked = (
        st.radio(
            t("data.summary_file"),
            range(len(shown)),
            format_func=lambda i: md_escape(names[i]),  # radio labels render Markdown
            horizontal=True,
            key=f"summary_file_{v}_{len(shown)}",
        )
        if len(shown) > 1
        else 0
    )
    part = shown[picked or 0]
    s = _column_summary(part.source["sha256"], part.frame)
    cells = {
        "min": [profile.value_text(v, k) for v, k in zip(s["min"], s["kind"], strict=True)],
        "median": [profile.value_text(v, k) for v, k in zip(s["median"], s["kind"], strict=True)],
        "max": [profile.value_text(v, k) for v, k in zip(s["max"], s["kind"], strict=True)],
    }
    table = pd.DataFrame(
        {
            t("data.col_column"): s["column"],
            t("data.col_kind"): [t(f"data.kind_{k}") for k in s["kind"]],
            t("data.col_missing"): s["missing"],
            t("data.col_missing_share"): s["missing_share"],
            t("data.col_distinct"): s["distinct"],
            **{t(f"data.col_{k}"): v for k, v in cells.items()},
        }
    )
    right = st.column_config.TextColumn(alignment="right")
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            t("data.col_missing"): st.column_config.NumberColumn(format="%,d"),
            t("data.col_missing_share"): st.column_config.NumberColumn(format="percent"),
            t("data.col_distinct"): st.column_config.NumberColumn(format="%,d"),
            **{t(f"data.col_{k}"): right for k in cells},
        },
    )
    st.caption(t("data.summary_note", rows=len(part.frame), name=md_escape(part.name)))


def _column_chart(d: dict, v: str) -> None:
    frame = files()["primary"].frame
    time, entity = d.get("time"), d.get("entity")
    if not time:
        st.info(t("data.chart_need_time"), icon=":material/info:")
        return
    numeric = [
        c
        for c in frame.columns
        if c not in (time, entity) and pd.api.types.is_numeric_dtype(frame[c])
    ]
    if not numeric:
        st.info(t("data.chart_no_numbers"), icon=":material/info:")
        return
    target = (d.get("target") or {}).get("column")
    first = next((c for c in [*d.get("sequence_features", []), target] if c in numeric), numeric[0])
    c1, c2 = st.columns([1, 2])
    column = c1.selectbox(
        t("data.chart_column"), numeric, index=numeric.index(first), key=f"explore_column_{v}"
    )
    entities: list = []
    if entity:
        names = sorted(frame[entity].dropna().astype(str).unique())
        entities = c2.multiselect(
            t("data.chart_entities"),
            names,
            default=names[:4],
            max_selections=MAX_LINES,
            key=f"explore_entities_{v}",
            help=t("data.chart_entities_help", n=MAX_LINES),
            placeholder=t("data.choose"),
        )
    fig = column_lines(
        frame,
        time,
        column,
        entity,
        entities,
        as_date(d.get("start")),
        as_date(d.get("end")),
        labels=_labels(),
    )
    st.plotly_chart(fig, key="explore_lines")


def _rate_chart(raw: dict) -> None:
    if not raw["data"].get("time"):
        st.info(t("data.chart_need_time"), icon=":material/info:")
        return
    if not (raw["data"].get("target") or {}).get("column"):
        st.info(t("data.pick_target"), icon=":material/info:")
        return
    try:
        prepared = _prepared(raw)
    except RiskcoreError:
        st.info(t("data.rate_unavailable"), icon=":material/info:")  # the message is below
        return
    if prepared["rates"] is None:
        st.info(t("data.rate_classification_only"), icon=":material/info:")
        return
    cuts = prepared["summary"].get("cuts") or {}
    st.plotly_chart(event_rate_chart(prepared["rates"], cuts, _labels()), key="explore_rate")
    st.caption(t("data.rate_note", period=t(f"data.period_{prepared['period']}")))


def split_preview(raw: dict) -> None:
    """Samples and event rate per split, live as the mapping changes."""
    st.subheader(t("data.preview_split"))
    if not (raw.get("data", {}).get("target") or {}).get("column"):
        st.info(t("data.pick_target"), icon=":material/info:")  # not a mistake: a next step
        return
    try:
        summary = _prepared(raw)["summary"]
    except RiskcoreError as exc:
        show_error(exc)
        return
    dated = raw["data"].get("time") is not None  # a cross-sectional split has no From / To
    rows = []
    for split in ("train", "validation", "test"):
        s = summary[split]
        row = {
            t("data.split"): t(f"split.{split}"),
            t("data.samples_n"): s["samples"],
            t("data.event_rate"): s.get("event_rate"),
        }
        if dated:
            row |= {t("data.from"): s.get("from"), t("data.to"): s.get("to")}
        rows.append(row)
    table = pd.DataFrame(rows)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            t("data.samples_n"): st.column_config.NumberColumn(format="%,d"),
            t("data.event_rate"): st.column_config.NumberColumn(format="percent"),
        },
    )
    note = "data.embargo_note" if dated else "data.random_split_note"
    st.caption(t(note, rows=summary["rows"], entities=summary["entities"]))
    train_rate = summary["train"].get("event_rate")
    test_rate = summary["test"].get("event_rate")
    if M.event_rate_shift(train_rate, test_rate):
        st.warning(
            t("data.rate_shift", train=f"{train_rate:.1%}", test=f"{test_rate:.1%}"),
            icon=":material/warning:",
        )
    st.session_state.config_ok = True
