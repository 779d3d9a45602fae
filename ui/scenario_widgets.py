"""Widgets of the Scenarios tab: presets and a shock table, a worker job that runs them, the
results side by side, and SHAP of a scenario's change for one entity.

Scenarios run in a worker process (they need the Keras model); their results are stored with
the run (scenarios.json) and read back here, cached by the file's modification time.

A quantile run's results are its VaR and ES at a chosen level, baseline against stressed,
pooled and per entity, with the change in basis points (a more negative VaR = more risk); it
has no decision threshold.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from riskcore import tasks
from riskcore.charts import scenarios as SC
from riskcore.csvfile import csv_bytes
from riskcore.errors import RiskcoreError
from riskcore.quantiles import confidence, level_key
from riskcore.scenarios import (
    PRESETS,
    SCENARIOS_FILE,
    WHICH,
    Scenario,
    ScenarioResult,
    build_preset,
    guess_column,
    load_scenarios,
    preset_problem,
    shockable_features,
    validate_scenario,
)
from riskcore.scenarios.tables import (
    SHOCK_COLUMNS,
    dump_scenarios,
    parse_scenarios,
    scenario_from_rows,
    scenario_rows,
    summary_table,
    var_summary_table,
)
from riskcore.store import Run, RunStore
from ui import jobs_panel
from ui.i18n import chart_labels, language, level_name, t
from ui.page import relabelled, show_error, threshold_slider
from ui.state import run_threshold
from ui.text import md_escape

SCENARIO_TASK = tasks.SCENARIO
ATTRIBUTION_TASK = tasks.ATTRIBUTION
OPS = ["add", "multiply", "set"]
UNITS = ["raw", "std"]
MAX_SHOWN = 6
THRESHOLD_KEY, REGRESSION_KEY = "scen_threshold", "scen_threshold_regression"


@st.cache_resource(show_spinner=False, max_entries=8, ttl="30m")
def _stored(run_id: str, version: float) -> list[ScenarioResult]:
    """Results saved with a run; `version` (the file's mtime) invalidates the cache."""
    return load_scenarios(RunStore().load(run_id))


def stored_results(run: Run) -> list[ScenarioResult]:
    path = run.path / SCENARIOS_FILE
    return _stored(run.run_id, path.stat().st_mtime) if path.exists() else []


def _features(run: Run) -> list[str]:
    return [c for cols in shockable_features(run).values() for c in cols]


def _home() -> str:
    return str(RunStore().root.parent)


# ---- defining scenarios -------------------------------------------------------------------
def scenario_builder(run: Run) -> list[Scenario]:
    """Presets, the shock table and uploaded files; returns every valid scenario defined."""
    st.subheader(t("scen.define"))
    scenarios = _presets(run)
    custom = _custom(run)
    if custom is not None:
        scenarios.append(custom)
    scenarios += _uploaded()
    return [s for s in scenarios if _fits(s, run)]


def _fits(scenario: Scenario, run: Run) -> bool:
    """Check a scenario against the run here, so a mistake shows before anything runs."""
    try:
        validate_scenario(scenario, run)
    except RiskcoreError as exc:
        show_error(exc)
        return False
    return True


def _presets(run: Run) -> list[Scenario]:
    """The presets that apply to this run's columns, the skipped ones listed with the reason,
    and for a replay whether the period's sequence inputs are replayed too."""
    features = _features(run)
    problems = {p: preset_problem(p, run) for p in PRESETS}
    offered = [p for p, problem in problems.items() if problem is None]
    c1, c2 = st.columns([3, 1])
    picked = c1.multiselect(
        t("scen.presets"),
        offered,
        format_func=lambda p: t(f"preset.{p}"),
        key=relabelled("scen_presets"),
        help=t("scen.presets_help"),
        placeholder=t("data.choose"),
    )
    magnitude = c2.slider(
        t("scen.magnitude"),
        0.25,
        3.0,
        1.0,
        0.25,
        key="scen_magnitude",
        help=t("scen.magnitude_help"),
    )
    skipped = [(p, problem) for p, problem in problems.items() if problem is not None]
    if skipped:
        st.caption(
            t("scen.skipped")
            + t("scen.skip_sep").join(
                t(
                    "scen.skip_item",
                    preset=t(f"preset.{p}"),
                    reason=t(f"scen.skip_{code}", detail=md_escape(detail)),  # column names
                )
                for p, (code, detail) in skipped
            )
        )
    out = []
    for preset in picked:
        column, sequence = None, False
        if "patterns" in PRESETS[preset]:
            guess = guess_column(preset, run)
            column = st.selectbox(
                t("scen.preset_column", preset=t(f"preset.{preset}")),
                features,
                index=features.index(guess) if guess in features else None,
                key=f"scen_column_{preset}",
                placeholder=t("scen.pick_column"),
            )
            if column is None:
                continue
        else:
            sequence = _replay_sequence(run)
        try:
            out.append(
                build_preset(
                    preset, column, run, magnitude, t(f"preset.{preset}"), sequence, language()
                )
            )
        except RiskcoreError as exc:
            show_error(exc)
    return out


def _replay_sequence(run: Run) -> bool:
    """Whether a replay also lays the period's own sequence inputs (returns, volatility...)
    over today's windows; forced on when the run has nothing else a replay could replace."""
    sequence = shockable_features(run).get("sequence", [])
    if not sequence:
        return False
    d = run.config.data
    only = not (d.macro_features or d.sentiment_features)
    return st.checkbox(
        t("scen.replay_sequence", columns=", ".join(sequence)),
        value=only,
        disabled=only,
        key="scen_replay_sequence",
        help=t("scen.replay_sequence_help"),
    )


def _empty_rows() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in SHOCK_COLUMNS})
    frame["value"] = frame["value"].astype(float)
    frame["last_steps"] = frame["last_steps"].astype(float)
    for c in ("from", "to"):
        frame[c] = pd.to_datetime(frame[c])
    return frame


def _custom(run: Run) -> Scenario | None:
    with st.expander(t("scen.custom"), expanded=st.session_state.get("scen_custom_open", False)):
        name = st.text_input(t("scen.custom_name"), t("scen.custom_default"), key="scen_name")
        base = st.session_state.setdefault("scen_rows", _empty_rows())
        rows = st.data_editor(
            base,
            num_rows="dynamic",
            hide_index=True,
            key="scen_editor",
            column_config={
                "feature": st.column_config.SelectboxColumn(
                    t("scen.col_feature"), options=_features(run), required=True
                ),
                "op": st.column_config.SelectboxColumn(
                    t("scen.col_op"),
                    options=OPS,
                    required=True,
                    help=t("scen.col_op_help"),
                    format_func=lambda op: t(f"scen.op_{op}"),
                ),
                "value": st.column_config.NumberColumn(t("scen.col_value"), required=True),
                "unit": st.column_config.SelectboxColumn(
                    t("scen.col_unit"),
                    options=UNITS,
                    default="raw",
                    help=t("scen.col_unit_help"),
                    format_func=lambda unit: t(f"scen.unit_{unit}"),
                ),
                "last_steps": st.column_config.NumberColumn(
                    t("scen.col_last_steps"), min_value=1, step=1, help=t("scen.col_last_help")
                ),
                "entities": st.column_config.TextColumn(
                    t("scen.col_entities"), help=t("scen.col_entities_help")
                ),
                "from": st.column_config.DateColumn(t("scen.col_from")),
                "to": st.column_config.DateColumn(t("scen.col_to")),
            },
        )
        if rows.dropna(how="all").empty:
            return None
        try:
            return scenario_from_rows(name, rows)
        except RiskcoreError as exc:
            show_error(exc)
            return None


def _uploaded() -> list[Scenario]:
    upload = st.file_uploader(
        t("scen.upload"), type=["json"], key="scen_upload", help=t("scen.upload_help")
    )
    if upload is None:
        return []
    try:
        loaded = parse_scenarios(upload.getvalue(), upload.name)
    except RiskcoreError as exc:
        show_error(exc)
        return []
    st.caption(t("scen.uploaded", n=len(loaded), name=md_escape(upload.name)))
    return loaded


# ---- running them -------------------------------------------------------------------------
def run_controls(run: Run, scenarios: list[Scenario]) -> None:
    """What will run, which predictions, the threshold, Run and Download."""
    if scenarios:
        st.dataframe(
            pd.DataFrame(
                {
                    t("scen.name"): [s.name for s in scenarios],
                    t("scen.what"): [_describe(s) for s in scenarios],
                }
            ),
            hide_index=True,
        )
    else:
        st.info(t("scen.none_defined"), icon=":material/info:")
    c1, c2, c3 = st.columns([2, 2, 1])
    which = c1.radio(
        t("scen.which"),
        WHICH,
        format_func=lambda w: t(f"scen.which_{w}"),
        horizontal=True,
        key="scen_which",
        help=t("scen.which_help"),
    )
    threshold = 0.5 if run.quantile_levels else _threshold_slider(c2, run)  # no VaR threshold
    names = [s.name for s in scenarios]
    twice = next((n for n in names if names.count(n) > 1), None)
    if twice:
        st.error(t("scen.duplicate", name=md_escape(twice)), icon=":material/error:")
    if scenarios:
        c3.download_button(
            t("scen.download"),
            dump_scenarios(scenarios),
            file_name="scenarios.json",
            mime="application/json",
            icon=":material/download:",
            key="scen_download",
        )
    if st.button(
        t("scen.run", n=len(scenarios)),
        type="primary",
        icon=":material/play_arrow:",
        disabled=not scenarios or bool(twice) or jobs_panel.busy("scenario"),
        key="scen_run",
    ):
        payload = SCENARIO_TASK.payload(
            home=_home(),
            run_id=run.run_id,
            scenarios=[json.loads(s.to_json()) for s in scenarios],
            which=which,
            threshold=threshold,
        )
        jobs_panel.submit("scenario", SCENARIO_TASK, payload)
        st.rerun()
    jobs_panel.panel("scenario", on_done=_scenarios_done)


def _threshold_slider(where, run: Run) -> float:
    """The run's one decision threshold (the Results page's): moving it here moves it there."""
    if not run.metrics.classification:
        return where.slider(t("results.threshold"), 0.0, 1.0, 0.5, 0.01, key=REGRESSION_KEY)
    return threshold_slider(
        where, run, THRESHOLD_KEY, t("results.threshold"), t("scen.threshold_help")
    )


def _describe(scenario: Scenario) -> str:
    if scenario.replay is not None:
        key = "scen.replay_with_sequence" if scenario.replay.sequence else "scen.replay"
        return t(key, start=scenario.replay.from_, end=scenario.replay.to)
    if not scenario.shocks:
        return t("scen.base_case")
    lang = language()
    return ("；" if lang == "zh" else "; ").join(s.describe(lang) for s in scenario.shocks)


def _scenarios_done(status) -> None:
    st.session_state["scen_new"] = list(status.result)


# ---- results side by side -----------------------------------------------------------------
def results_view(run: Run) -> list[ScenarioResult]:
    """Summary table, distributions, per-entity deltas and top movers of the chosen results."""
    results = stored_results(run)
    st.subheader(t("scen.results"))
    if not results:
        st.info(t("scen.no_results"), icon=":material/info:")
        return []
    names = [r.name for r in results]
    if "scen_new" in st.session_state:  # a job just finished: show what it ran
        st.session_state["scen_shown"] = st.session_state.pop("scen_new")
    kept = [n for n in st.session_state.get("scen_shown", names[-4:]) if n in names]
    st.session_state["scen_shown"] = kept[:MAX_SHOWN]
    chosen = st.multiselect(
        t("scen.show"),
        names,
        key="scen_shown",
        max_selections=MAX_SHOWN,
        placeholder=t("data.choose"),
    )
    shown = [r for r in results if r.name in chosen]
    if not shown:
        return results
    if run.quantile_levels:
        _var_results(run, shown)
        return results
    if run.metrics.classification:
        threshold = run_threshold(run)
    else:
        threshold = st.session_state.get(REGRESSION_KEY, 0.5)
    labels = chart_labels()
    summary = _summary_by_measure(summary_table(shown, threshold))
    st.dataframe(summary, hide_index=True, key="scen_summary", height=36 * (len(summary) + 1) + 3)
    c1, c2 = st.columns(2)
    c1.plotly_chart(SC.scenario_distributions(shown, labels=labels), key="scen_dist")
    c2.plotly_chart(SC.entity_deltas(shown, labels=labels), key="scen_entities")
    _detail(shown)
    return results


# ---- a quantile run: VaR and ES, baseline vs stressed -----------------------------------------
def _var_level(run: Run) -> float:
    """The VaR level the results show (the page's radio when the run has several)."""
    levels = run.quantile_levels
    if len(levels) == 1:
        return levels[0]
    return st.radio(
        t("scen.var_level"),
        levels,
        format_func=level_name,
        horizontal=True,
        key="scen_level",
    )


def _var_columns(entity: bool = False) -> dict:
    """Column labels of the VaR tables: returns as percentages, changes in bp."""
    number = st.column_config.NumberColumn
    pct, bp = {"format": "percent"}, {"format": "%+.1f"}
    columns = {
        "scenario": st.column_config.TextColumn(t("scen.name")),
        "level": number(t("scen.var_col_level"), format="%g"),
        "predictions": number(t("scen.sum_predictions")),
        "affected": number(t("scen.sum_affected")),
        "var_base": number(t("scen.var_col_base"), **pct),
        "var_scenario": number(t("scen.var_col_scenario"), **pct),
        "var_change_bp": number(t("scen.var_col_change"), help=t("scen.var_change_help"), **bp),
        "es_base": number(t("scen.var_col_es_base"), **pct),
        "es_scenario": number(t("scen.var_col_es_scenario"), **pct),
        "es_change_bp": number(t("scen.var_col_es_change"), **bp),
    }
    if entity:
        columns["entity"] = st.column_config.TextColumn(t("results.entity"))
    return columns


def _var_results(run: Run, shown: list[ScenarioResult]) -> None:
    """Mean VaR / ES before and after per scenario and level, the VaR at the chosen level as
    distributions and per-entity changes, and one scenario's baseline vs stressed VaR."""
    st.caption(t("scen.var_note"))
    st.dataframe(var_summary_table(shown), hide_index=True, column_config=_var_columns())
    level = _var_level(run)
    name = confidence(level)
    labels = chart_labels()
    c1, c2 = st.columns(2)
    c1.plotly_chart(SC.var_distributions(shown, level, name, labels=labels), key="scen_dist")
    c2.plotly_chart(SC.var_entity_deltas(shown, level, name, labels=labels), key="scen_entities")
    result = _detail_picker(shown)
    st.plotly_chart(SC.var_stress(result, level, name, labels=labels), key="scen_var_stress")
    pooled = pd.DataFrame([{"entity": t("chart.pooled"), **result.var_summary(level)}])
    table = pd.concat([pooled, result.var_by_entity(level)], ignore_index=True).drop(
        columns="level"
    )
    st.markdown(f"**{t('scen.var_by_entity', level=name)}**")
    st.dataframe(table, hide_index=True, column_config=_var_columns(entity=True))
    _edit_button(result)


SUMMARY_FORMATS = {  # measure -> how its cells read; every other measure: "{:.4f}"
    "predictions": "{:,.0f}",
    "affected": "{:,.0f}",
    "mean_delta": "{:+.4f}",
    "share_above_base": "{:.1%}",
    "share_above_scenario": "{:.1%}",
    "events_base": "{:,.1f}",
    "events_scenario": "{:,.1f}",
}
SUMMARY_KEYS = {  # summary_table column -> its label (the per-scenario columns' keys)
    "predictions": "scen.sum_predictions",
    "affected": "scen.sum_affected",
    "mean_base": "scen.sum_mean_base",
    "mean_scenario": "scen.sum_mean_scenario",
    "mean_delta": "scen.sum_mean_delta",
    "p90_base": "scen.sum_p90_base",
    "p90_scenario": "scen.sum_p90_scenario",
    "share_above_base": "scen.sum_above_base",
    "share_above_scenario": "scen.sum_above_scenario",
    "events_base": "scen.sum_events_base",
    "events_scenario": "scen.sum_events_scenario",
}


def _summary_by_measure(table: pd.DataFrame) -> pd.DataFrame:
    """One row per measure, one column per scenario: eleven measures side by side were cut
    at the right of the page, up to six scenarios fit its width."""
    out = {t("scen.measure"): [t(SUMMARY_KEYS[m]) for m in SUMMARY_KEYS]}
    for _, row in table.iterrows():
        out[str(row["scenario"])] = [
            SUMMARY_FORMATS.get(m, "{:.4f}").format(float(row[m])) if pd.notna(row[m]) else "–"
            for m in SUMMARY_KEYS
        ]
    return pd.DataFrame(out)


def _detail_picker(shown: list[ScenarioResult]) -> ScenarioResult:
    """The scenario whose details are shown, and its per-prediction table (the CLI's CSV)."""
    c1, c2 = st.columns([3, 1])
    name = c1.selectbox(t("scen.detail"), [r.name for r in shown], key="scen_detail")
    result = next(r for r in shown if r.name == name)
    c2.download_button(
        t("scen.download_csv"),
        csv_bytes(result.table),
        file_name="scenario_result.csv",
        mime="text/csv",
        icon=":material/download:",
        key="scen_download_csv",
    )
    return result


def _detail(shown: list[ScenarioResult]) -> None:
    """One scenario's top movers and its per-prediction table (the CLI's CSV) to download."""
    result = _detail_picker(shown)
    st.markdown(f"**{t('scen.top_movers')}**")
    st.dataframe(
        result.top_movers(10),
        hide_index=True,
        column_config={
            "entity": st.column_config.TextColumn(t("results.entity")),
            "mean_base": st.column_config.NumberColumn(t("scen.sum_mean_base"), format="%.4f"),
            "mean_scenario": st.column_config.NumberColumn(
                t("scen.sum_mean_scenario"), format="%.4f"
            ),
            "mean_delta": st.column_config.NumberColumn(t("scen.sum_mean_delta"), format="%+.4f"),
            "predictions": st.column_config.NumberColumn(t("scen.sum_predictions")),
        },
    )
    _edit_button(result)


def _edit_button(result: ScenarioResult) -> None:
    editable = result.scenario is not None and result.scenario.shocks
    if editable:
        st.button(
            t("scen.edit"),
            key="scen_edit",
            icon=":material/edit:",
            on_click=_load_into_editor,
            args=(result.scenario,),
        )


def _load_into_editor(scenario: Scenario) -> None:
    """A button callback: it runs before the widgets it changes are drawn again."""
    rows = scenario_rows(scenario)
    for c in ("from", "to"):
        rows[c] = pd.to_datetime(rows[c])
    rows["last_steps"] = rows["last_steps"].astype(float)
    st.session_state["scen_rows"] = rows
    st.session_state["scen_name"] = f"{scenario.name} (2)"
    st.session_state.pop("scen_editor", None)
    st.session_state["scen_custom_open"] = True


# ---- SHAP of a scenario's change -----------------------------------------------------------
def attribution_section(run: Run, results: list[ScenarioResult]) -> None:
    """Which shocked inputs moved one entity's score (SHAP, in a worker)."""
    explainable = [
        r
        for r in results
        if r.scenario is not None and r.name in st.session_state.get("scen_shown", [])
    ]
    if not explainable:
        return
    st.subheader(t("scen.var_explain" if run.quantile_levels else "scen.explain"))
    c1, c2 = st.columns(2)
    name = c1.selectbox(
        t("scen.explain_scenario"), [r.name for r in explainable], key="scen_x_name"
    )
    result = next(r for r in explainable if r.name == name)
    movers = list(result.top_movers(len(result.table))["entity"])
    entity = c2.selectbox(t("results.entity"), movers, key="scen_x_entity")
    if st.button(
        t("scen.explain_start"),
        icon=":material/psychology:",
        disabled=jobs_panel.busy("attribution"),
        key="scen_x_start",
    ):
        payload = ATTRIBUTION_TASK.payload(
            home=_home(),
            run_id=run.run_id,
            scenario=json.loads(result.scenario.to_json()),
            entity=entity,
            which=st.session_state.get("scen_which", "test"),
        )
        jobs_panel.submit("attribution", ATTRIBUTION_TASK, payload)
        st.rerun()
    jobs_panel.panel("attribution", on_done=_attributed)
    shown = st.session_state.get("scen_attribution")
    if shown and shown["scenario"] == name:
        contributions, level = shown["contributions"], None
        if shown.get("levels"):  # a quantile run: the VaR change at the level shown above
            picked = st.session_state.get("scen_level", run.quantile_levels[0])
            contributions = shown["levels"].get(level_key(picked), contributions)
            level = confidence(picked)
        st.plotly_chart(
            SC.attribution_bars(
                pd.Series(contributions), shown["entity"], labels=chart_labels(), level=level
            ),
            key="scen_attribution_chart",
        )
        st.caption(t("scen.explain_caption", n=shown["predictions"]))


def _attributed(status) -> None:
    st.session_state["scen_attribution"] = status.result
