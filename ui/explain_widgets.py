"""Widgets of the Explain page: choose rows, run SHAP in a worker, show the explanation.

A quantile run's explanation holds its VaR at every level (riskcore.explain); the views show
the level picked here, in return units (drivers and reason contributions in bp), negative
meaning more risk."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from riskcore import tasks
from riskcore.charts import explain as X
from riskcore.errors import RiskcoreError
from riskcore.explain import (
    BP,
    ENGLISH,
    EXPLANATIONS_FILE,
    HOW,
    Explanation,
    confidence,
    describe,
    load_explanation,
    select_rows,
)
from riskcore.reasons import (
    Catalogue,
    aggregate,
    load_catalogue,
    run_columns,
    save_catalogue,
    top_reasons,
)
from riskcore.store import Run, RunStore
from ui import jobs_panel
from ui.auth import user_store
from ui.i18n import chart_labels, language, level_name, t
from ui.page import show_error
from ui.text import md_escape

EXPLAIN_TASK = tasks.EXPLANATION


@st.cache_resource(show_spinner=False, max_entries=8, ttl="30m")
def _explanation(run_id: str, version: float):
    """The stored explanation of a run; `version` (file time) invalidates the cache."""
    return load_explanation(RunStore().load(run_id))


def _stored(run: Run):
    path = run.path / EXPLANATIONS_FILE
    return _explanation(run.run_id, path.stat().st_mtime) if path.exists() else None


def request_form(run: Run) -> None:
    with st.expander(t("explain.choose"), expanded=_stored(run) is None):
        c1, c2, c3 = st.columns(3)
        how = c1.radio(
            t("explain.how"), HOW, format_func=lambda h: t(f"explain.how_{h}"), key="explain_how"
        )
        n = c2.slider(
            t("explain.n"),
            10,
            1000,
            300,
            10,
            key="explain_n",
            help=t("explain.n_help"),
            disabled=how == "latest",  # one prediction per entity, however many that is
        )
        background = c3.slider(
            t("explain.background"),
            20,
            300,
            100,
            10,
            key="explain_background",
            help=t("explain.background_help"),
        )
        entity = None
        if how == "entity":
            entities = sorted(run.predictions["entity"].unique())
            entity = c1.selectbox(t("results.entity"), entities, key="explain_entity")
        count = _row_count(run, how, n, entity)
        st.caption(t("explain.count", n=count))
        levels = run.quantile_levels
        if levels:
            st.caption(t("explain.var_request", levels=", ".join(map(level_name, levels))))
        if st.button(
            t("explain.start"),
            type="primary",
            disabled=jobs_panel.busy("explain") or count == 0,
            icon=":material/psychology:",
        ):
            jobs_panel.submit(
                "explain",
                EXPLAIN_TASK,
                EXPLAIN_TASK.payload(
                    home=str(RunStore().root.parent),
                    run_id=run.run_id,
                    how=how,
                    n=n,
                    entity=entity,
                    background=background,
                ),
            )
            st.rerun()
    jobs_panel.panel("explain", on_done=lambda s: _explanation.clear())


def _row_count(run: Run, how: str, n: int, entity: str | None) -> int:
    """How many predictions the chosen rule selects, shown before anything runs."""
    try:
        seed, tail = run.config.training.seed, bool(run.quantile_levels)
        return len(select_rows(run.predictions, how, n, entity, seed, lower_is_riskier=tail))
    except RiskcoreError as exc:
        show_error(exc)
        return 0


def _at_level(exp: Explanation) -> tuple[Explanation, dict]:
    """The explanation of the level picked (a quantile run) and chart labels that name it."""
    options = exp.level_options()
    if not options:
        return exp, chart_labels()
    level = options[0]
    if len(options) > 1:
        level = st.radio(
            t("explain.var_level"),
            options,
            format_func=level_name,
            horizontal=True,
            key="explain_level",
            help=t("explain.var_level_help"),
        )
    exp = exp.at(level)
    st.caption(t("explain.var_note", level=confidence(level)))
    return exp, X.var_labels(chart_labels(), confidence(level))


def explanation_views(run: Run) -> None:
    exp = _stored(run)
    if exp is None:
        st.info(t("explain.none_yet"), icon=":material/info:")
        return
    exp, labels = _at_level(exp)
    units = exp.units(run.config.task)
    st.caption(t("explain.gap", gap=exp.additivity_gap, rows=len(exp.rows)))
    info = exp.info or {}
    if "resampled" in info:  # stored since per-row gaps
        st.caption(
            t(
                "explain.resampled",
                n=int(info["resampled"]),
                share=float(info.get("gap_share", 0.2)),
                nsamples=int(info.get("resample_nsamples", 0)),
            )
        )
    tabs = st.tabs(
        [
            t("explain.tab_global"),
            t("explain.tab_prediction"),
            t("explain.tab_lags"),
            t("explain.tab_dependence"),
        ]
    )
    with tabs[0]:
        c1, c2 = st.columns([3, 2])
        c1.plotly_chart(X.importance_bars(exp.importance, labels, unit=units["model"]), key="imp")
        if exp.baseline_importance is not None:
            c2.plotly_chart(
                X.importance_bars(
                    exp.baseline_importance,
                    labels,
                    title_key="baseline_importance_title",
                    unit=units["baseline"],
                ),
                key="bimp",
            )
        if units["model"] != units["baseline"]:
            st.caption(t("explain.units_note"))
        c2.plotly_chart(X.modality_share(exp.modality, labels), key="modality")
        top = exp.importance["feature"].head(10).tolist()
        st.plotly_chart(X.beeswarm(exp.rows, exp.feature_values, top, labels), key="swarm")
    with tabs[1]:
        _one_prediction(exp, labels, run)
    with tabs[2]:
        st.plotly_chart(X.lag_heatmap(exp.lag, labels), key="lag")
        if exp.attention is not None:
            st.plotly_chart(X.attention_profile(exp.attention, exp.lag, labels), key="attn")
            st.caption(t("explain.attention_note"))
    with tabs[3]:
        _dependence(exp, labels)


def _dependence(exp, labels: dict) -> None:
    """A sequence feature can be read at t or summarised over its window (mean, volatility)."""
    c1, c2 = st.columns([2, 3])
    feature = c1.selectbox(
        t("explain.feature"), exp.importance["feature"].tolist(), key="dep_feature"
    )
    values = exp.feature_values[feature]
    if feature in exp.window_values.get("std", {}):
        summary = c2.radio(
            t("explain.x_axis"),
            ("at_t", "mean", "std"),
            format_func=lambda k: t(f"explain.x_{k}"),
            horizontal=True,
            key="dep_summary",
        )
        if summary != "at_t":
            values = exp.window_values[summary][feature]
    st.plotly_chart(X.dependence(values, exp.rows[feature], feature, labels), key="dep")


def _calibrated(run: Run, row: int) -> float | None:
    """The calibrated probability Results shows for this row, when the run stores one beside
    the raw network output (score_raw); None for runs without calibration."""
    p = run.predictions
    if "score_raw" not in p or "score" not in p or "row" not in p:
        return None
    match = p.loc[pd.to_numeric(p["row"], errors="coerce") == row, "score"]
    value = pd.to_numeric(match, errors="coerce").dropna()
    return float(value.iloc[-1]) if len(value) else None


@st.fragment
def _one_prediction(exp, labels: dict, run: Run) -> None:
    units = exp.units(run.config.task)
    probability = units["model"] == "probability"
    var = exp.level is not None
    gaps = exp.gaps()
    resampled = exp.resampled()
    table = exp.rows[["time", "entity", "score", "base_value"]].copy()
    table["additivity_gap"] = gaps
    table["resampled"] = resampled
    table.insert(0, "#", range(len(table)))
    picked = st.dataframe(
        table,
        hide_index=True,
        column_config={
            "time": st.column_config.DateColumn(t("explain.col_time"), format="YYYY-MM-DD"),
            "entity": t("explain.col_entity"),
            "score": st.column_config.NumberColumn(
                t(
                    "explain.col_var"
                    if var
                    else "explain.col_raw_score"
                    if probability
                    else "explain.col_score"
                ),
                format="%.4f" if var else "%.3f",
            ),
            "base_value": st.column_config.NumberColumn(
                t("explain.col_base_var" if var else "explain.col_base"),
                format="%.4f" if var else "%.3f",
            ),
            "additivity_gap": st.column_config.NumberColumn(
                t("explain.col_gap"), format="%+.4f", help=t("explain.col_gap_help")
            ),
            "resampled": st.column_config.CheckboxColumn(t("explain.col_resampled")),
        },
        on_select="rerun",
        selection_mode="single-row",
        key="explained_rows",
        height=240,
    )
    rows = picked.selection.rows if picked and picked.selection else []
    scores = exp.rows["score"].to_numpy()
    index = rows[0] if rows else int(scores.argmin() if var else scores.argmax())  # the riskiest
    row = exp.rows.iloc[index]
    features = exp.features
    when = pd.Timestamp(row["time"]).date() if pd.notna(row["time"]) else ""
    st.markdown(f"**{md_escape(row['entity'])} · {when}**")
    st.info(
        md_escape(  # a sentence of ours that names the user's columns: all of it is text
            describe(exp, index, labels={key: t(f"explain.{key}") for key in ENGLISH})
        ),
        icon=":material/lightbulb:",
    )
    _reasons(exp, index, run)
    score = float(row["score"])
    st.plotly_chart(
        X.waterfall(
            float(row["base_value"]),
            row[features].astype(float),
            score,
            labels,
            probability=probability,
            zero=not var,  # a VaR's contributions are small beside the VaR itself
            digits=4 if var else 3,
            lower_is_riskier=var,
        ),
        key="waterfall",
    )
    notes = [
        t("explain.raw_score_note", score=score) if probability else "",
        t("explain.row_gap", gap=float(gaps[index])),
        t("explain.row_resampled") if bool(resampled[index]) else "",
    ]
    calibrated = _calibrated(run, int(row["row"])) if probability and "row" in row else None
    if calibrated is not None and np.isfinite(calibrated):
        notes.append(t("explain.calibrated_note", value=calibrated))
    st.caption(" ".join(n for n in notes if n))


def _reasons(exp, index: int, run: Run) -> None:
    """The selected prediction's reason codes (its largest risk-raising inputs), how many
    predictions have reasons, and the editable catalogue, saved with the run."""
    try:
        catalogue = load_catalogue(run, exp)
    except RiskcoreError as exc:  # a hand-edited reasons.json that no longer parses
        show_error(exc)
        return
    lang = language()
    columns = [c for block in run_columns(run).values() for c in block]
    contributions = aggregate(exp.rows.iloc[[index]][exp.features], columns).iloc[0]
    var = exp.level is not None
    # a VaR is a return: what lowers it raises the risk; shown in bp with its own sign
    top = -top_reasons(-contributions) * BP if var else top_reasons(contributions)
    st.markdown(f"**{t('explain.reasons')}**")
    if top.empty:
        st.caption(t("explain.reasons_none"))
    else:
        shown = pd.DataFrame(
            {
                "code": [(catalogue.get(f).code if catalogue.get(f) else f) for f in top.index],
                "reason": [
                    getattr(catalogue.get(f), lang) if catalogue.get(f) else f for f in top.index
                ],
                "contribution": top.to_numpy(dtype=float),
            }
        )
        st.dataframe(
            shown,
            hide_index=True,
            column_config={
                "code": t("explain.col_code"),
                "reason": t("explain.col_reason"),
                "contribution": st.column_config.NumberColumn(
                    t("explain.col_contribution_var" if var else "explain.col_contribution"),
                    format="%+.1f" if var else "%+.3f",
                ),
            },
            key="reason_codes",
        )
    st.caption(t("explain.reasons_count", n=len(exp.rows), m=len(run.predictions)))
    with st.expander(t("explain.catalogue")):
        st.caption(t("explain.catalogue_help"))
        edited = st.data_editor(
            catalogue.to_frame(),
            hide_index=True,
            disabled=["feature"],
            column_config={
                "feature": t("explain.col_feature"),
                "code": t("explain.col_code"),
                "en": t("explain.col_en"),
                "zh": t("explain.col_zh"),
            },
            key="reason_catalogue",
        )
        if st.button(t("explain.catalogue_save"), key="reason_catalogue_save"):
            try:
                save_catalogue(user_store(), run, Catalogue.from_frame(edited))
            except RiskcoreError as exc:
                show_error(exc)
            else:
                st.toast(t("explain.catalogue_saved"), icon=":material/check_circle:")
                st.rerun()
