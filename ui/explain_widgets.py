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
    importance_by_model,
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
from ui.page import lazy_tabs, remembered, show_error
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
        rules = _rules(run)
        if st.session_state.get("explain_how") not in rules:
            st.session_state.pop("explain_how", None)
        how = c1.radio(
            t("explain.how"), rules, format_func=lambda h: t(f"explain.how_{h}"), key="explain_how"
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


def _rules(run: Run) -> list[str]:
    """The row rules this run offers: a cross-sectional run (no time column) has no latest
    date and one row per entity, so it offers the riskiest or a random sample."""
    if run.config.cross_sectional:
        return [h for h in HOW if h not in ("latest", "entity")]
    return list(HOW)


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


def _pick_model(exp: Explanation) -> Explanation:
    """The model whose explanation the views show (the network, gradient boosting or the
    logistic), all on one scale; an older file holds the network's alone."""
    options = exp.model_options()
    if len(options) == 1:
        if exp.baseline_importance is not None:  # stored before the comparators were
            st.caption(t("explain.models_older"))
        return exp
    picked = st.radio(
        t("explain.model"),
        options,
        format_func=lambda m: t(f"model.{m}"),
        horizontal=True,
        key="explain_model",
        help=t("explain.model_help"),
    )
    return exp.of_model(picked)


def _unit_axis(unit: str) -> str:
    return t(f"explain.unit_{unit}") if unit in UNITS else t("explain.unit_score")


UNITS = ("log_odds", "probability", "return", "score")


def explanation_views(run: Run) -> None:
    stored = _stored(run)
    if stored is None:
        st.info(t("explain.none_yet"), icon=":material/info:")
        return
    stored, labels = _at_level(stored)
    exp = _pick_model(stored)
    units = exp.units(run.config.task)
    st.caption(
        t(
            "explain.method",
            method=t(f"explain.method_{exp.model_name}"),
            unit=_unit_axis(units["model"]),
        )
    )
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
    lags = not exp.lag.empty  # a network with a sequence input: which days matter
    names = ["global", "prediction", *(["lags"] if lags else []), "dependence"]
    views = {
        "global": lambda: _global(stored, exp, labels, units),
        "prediction": lambda: _one_prediction(exp, labels, run),
        "lags": lambda: _lags(exp, labels),
        "dependence": lambda: _dependence(exp, labels),
    }
    lazy_tabs({t(f"explain.tab_{n}"): views[n] for n in names}, key="explain_tab")


def _lags(exp: Explanation, labels: dict) -> None:
    """Which days of the window matter (a network with a sequence input)."""
    st.plotly_chart(X.lag_heatmap(exp.lag, labels), key="lag")
    if exp.attention is not None:
        st.plotly_chart(X.attention_profile(exp.attention, exp.lag, labels), key="attn")
        st.caption(t("explain.attention_note"))


def _global(stored: Explanation, exp: Explanation, labels: dict, units: dict) -> None:
    """The picked model's importance and input shares, and every model's mean |contribution|
    side by side (one scale, so the lengths compare)."""
    c1, c2 = st.columns([3, 2])
    title = labels.get("importance_title", "")
    if exp.model_name != "model":
        title = t("explain.importance_of", model=t(f"model.{exp.model_name}"))
    c1.plotly_chart(
        X.importance_bars(
            exp.importance, {**labels, "importance_title": title}, unit=units["model"]
        ),
        key="imp",
    )
    c2.plotly_chart(X.modality_share(exp.modality, labels), key="modality")
    if stored.models:  # full width: a column per model does not fit beside the charts
        st.markdown(f"**{t('explain.by_model')}**")
        table = importance_by_model(stored)
        st.dataframe(
            table,
            hide_index=True,
            column_config={
                "feature": t("explain.col_feature"),
                **{
                    m: st.column_config.NumberColumn(t(f"model.{m}"), format="%.3f")
                    for m in stored.model_options()
                },
            },
            key="imp_by_model",
        )
        st.caption(t("explain.by_model_note", unit=_unit_axis(units["model"])))
    elif stored.baseline_importance is not None:  # an older file: the GBM in its own unit
        own = stored.units()
        c2.plotly_chart(
            X.importance_bars(
                stored.baseline_importance,
                labels,
                title_key="baseline_importance_title",
                unit=own["baseline"],
            ),
            key="bimp",
        )
        if own["model"] != own["baseline"]:
            st.caption(t("explain.units_note"))
    top = exp.importance["feature"].head(10).tolist()
    st.plotly_chart(X.beeswarm(exp.rows, exp.feature_values, top, labels), key="swarm")


def _dependence(exp, labels: dict) -> None:
    """A sequence feature can be read at t or summarised over its window (mean, volatility)."""
    c1, c2 = st.columns([2, 3])
    features = exp.importance["feature"].tolist()
    feature = c1.selectbox(t("explain.feature"), features, **remembered("dep_feature", features))
    values = exp.feature_values[feature]
    if feature in exp.window_values.get("std", {}):
        summary = c2.radio(
            t("explain.x_axis"),
            ("at_t", "mean", "std"),
            format_func=lambda k: t(f"explain.x_{k}"),
            horizontal=True,
            **remembered("dep_summary", ("at_t", "mean", "std")),
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


def _row_table(exp: Explanation, log_odds: bool) -> tuple[pd.DataFrame, dict]:
    """The explained rows to pick from, and their column labels: no date column without dates
    (a cross-sectional run), no entity column without entities; a classifier explained in
    log-odds shows its probability beside them."""
    var = exp.level is not None
    probability = exp.units().get("model") == "probability"
    table = pd.DataFrame({"#": range(len(exp.rows))})
    rows = exp.rows.reset_index(drop=True)
    if "time" in rows and rows["time"].notna().any():
        table["time"] = rows["time"]
    if "entity" in rows and (rows["entity"].astype(str).str.strip() != "").any():
        table["entity"] = rows["entity"].astype(str)
    if log_odds:
        table["probability"] = 1.0 / (1.0 + np.exp(-rows["score"].astype(float)))
    table["score"] = rows["score"].astype(float)
    table["base_value"] = rows["base_value"].astype(float)
    table["additivity_gap"] = exp.gaps()
    table["resampled"] = exp.resampled()
    digits = "%.4f" if var else "%.3f"
    if var:
        score_label, base_label = t("explain.col_var"), t("explain.col_base_var")
    elif log_odds:
        score_label, base_label = t("explain.col_log_odds"), t("explain.col_base_log_odds")
    elif probability:
        score_label, base_label = t("explain.col_raw_score"), t("explain.col_base")
    else:
        score_label, base_label = t("explain.col_score"), t("explain.col_base")
    columns = {
        "time": st.column_config.DateColumn(t("explain.col_time"), format="YYYY-MM-DD"),
        "entity": t("explain.col_entity"),
        "probability": st.column_config.NumberColumn(t("explain.col_probability"), format="%.3f"),
        "score": st.column_config.NumberColumn(score_label, format=digits),
        "base_value": st.column_config.NumberColumn(base_label, format=digits),
        "additivity_gap": st.column_config.NumberColumn(
            t("explain.col_gap"), format="%+.4f", help=t("explain.col_gap_help")
        ),
        "resampled": st.column_config.CheckboxColumn(t("explain.col_resampled")),
    }
    return table, columns


def _row_header(row: pd.Series, index: int) -> str:
    """Bold 'entity · date', with only the parts the row has; '#n' when it has neither."""
    parts = []
    if "entity" in row and str(row["entity"]).strip():
        parts.append(md_escape(row["entity"]))
    if "time" in row and pd.notna(row["time"]):
        parts.append(str(pd.Timestamp(row["time"]).date()))
    return "**" + (" · ".join(parts) or t("explain.row_number", n=index)) + "**"


@st.fragment
def _one_prediction(exp, labels: dict, run: Run) -> None:
    units = exp.units(run.config.task)
    log_odds = units["model"] == "log_odds"
    probability = units["model"] == "probability"
    var = exp.level is not None
    gaps, resampled = exp.gaps(), exp.resampled()
    table, columns = _row_table(exp, log_odds)
    picked = st.dataframe(
        table,
        hide_index=True,
        column_config=columns,
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
    st.markdown(_row_header(row, index))
    st.info(
        md_escape(  # a sentence of ours that names the user's columns: all of it is text
            describe(exp, index, labels={key: t(f"explain.{key}") for key in ENGLISH})
        ),
        icon=":material/lightbulb:",
    )
    if exp.model_name == "model":  # reason codes are the network's, as the report's are
        _reasons(exp, index, run)
    score = float(row["score"])
    axis = {"score": t("explain.col_log_odds"), "base": t("explain.col_base_log_odds")}
    st.plotly_chart(
        X.waterfall(
            float(row["base_value"]),
            row[features].astype(float),
            score,
            {**labels, **axis} if log_odds else labels,
            probability=probability,
            zero=not (var or log_odds),  # small contributions beside a VaR; log-odds below 0
            digits=4 if var else 3,
            lower_is_riskier=var,
        ),
        key="waterfall",
    )
    notes = [
        t("explain.raw_score_note", score=score) if probability else "",
        t("explain.log_odds_note", p=1.0 / (1.0 + np.exp(-score)), score=score) if log_odds else "",
        t("explain.row_gap", gap=float(gaps[index])),
        t("explain.row_resampled") if bool(resampled[index]) else "",
    ]
    calibrated = None
    if (probability or log_odds) and exp.model_name == "model" and "row" in row:
        calibrated = _calibrated(run, int(row["row"]))
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
