"""Widgets of the Compare page: 2 to 4 runs side by side, labelled by name and date, with the
honest caveat when their test sets differ."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from riskcore import charts
from riskcore.charts import compare as CC
from riskcore.compare import compare_runs, reason_text
from riskcore.errors import RiskcoreError
from riskcore.findings import DISPLAY_SCALE
from riskcore.metrics import CLASSIFICATION_METRICS, REGRESSION_METRICS
from riskcore.store import Run, run_label
from ui.i18n import TEXT, chart_labels, language, t
from ui.page import load_run, show_error
from ui.results_widgets import fmt_interval
from ui.sidebar import visible_run_ids
from ui.text import md_escape


def run_labels(runs: list[Run]) -> dict[str, str]:
    """Run id -> how Compare names it: the run's name and date (riskcore.store.run_label: the
    run id when it has no name); the id is added where two labels would read the same."""
    labels = {r.run_id: run_label(r) for r in runs}
    seen = list(labels.values())
    return {i: f"{v} ({i})" if seen.count(v) > 1 and v != i else v for i, v in labels.items()}


def _picker_label(run_id: str) -> str:
    try:
        return run_labels([load_run(run_id)])[run_id]
    except RiskcoreError:  # a run that no longer loads is still listed by its id
        return run_id


def _pick(active: str) -> list[str]:
    ids = visible_run_ids()
    if len(ids) < 2:
        st.info(t("compare.need_two"), icon=":material/info:")
        return []
    if "compare_runs" not in st.session_state:
        st.session_state["compare_runs"] = [active, *[i for i in ids if i != active][:1]]
    st.session_state["compare_runs"] = [i for i in st.session_state["compare_runs"] if i in ids]
    return st.multiselect(
        t("compare.runs"),
        ids,
        key="compare_runs",
        max_selections=4,
        format_func=_picker_label,
        help=t("compare.runs_help"),
        placeholder=t("data.choose"),
    )


def _metric_table(metrics: pd.DataFrame, with_baselines: bool) -> pd.DataFrame:
    """Rows metric (and model), one column per run: value (95% interval)."""
    m = metrics if with_baselines else metrics[metrics["model"] == "model"]
    scale = m["metric"].map(lambda k: DISPLAY_SCALE.get(k, 1.0))  # pinball loss in bp
    cell = (m[["value", "lo", "hi"]].mul(scale, axis=0)).apply(
        lambda r: fmt_interval(r["value"], r["lo"], r["hi"]), axis=1
    )
    table = m.assign(cell=cell, model=m["model"].map(lambda k: t(f"model.{k}")))
    table = table.assign(metric=table["metric"].map(lambda k: t(f"chart.{k}")))
    wide = table.pivot_table(
        index=["metric", "model"], columns="run", values="cell", aggfunc="first", sort=False
    )
    wide = wide.reset_index().rename(
        columns={"metric": t("chart.metric"), "model": t("compare.model")}
    )
    return wide.fillna("–")  # a metric one run's task has no value for (it showed "None")


def _test(run: Run) -> tuple[np.ndarray, np.ndarray]:
    p = run.predictions
    p = p[p["split"] == "test"]
    return p["y_true"].to_numpy(dtype=float), p["score"].to_numpy(dtype=float)


def compare_section(active: str) -> None:
    """Metrics with intervals, ROC / PR overlaid, training curves, differing config fields."""
    chosen = _pick(active)
    if not chosen:
        return
    if len(chosen) < 2:
        st.info(t("compare.pick_two"), icon=":material/info:")
        return
    runs = [load_run(run_id) for run_id in chosen]
    try:
        result = compare_runs(runs)
    except RiskcoreError as exc:
        show_error(exc)
        return
    names = run_labels(runs)
    if result["comparable"]:
        st.success(t("compare.comparable"), icon=":material/check_circle:")
    else:
        reason = md_escape(reason_text(result["reasons"], language()))  # names the runs
        st.warning(t("compare.not_comparable", reason=reason), icon=":material/warning:")
    baselines = st.toggle(t("compare.baselines"), key="compare_baselines")
    metrics = result["metrics"].assign(run=result["metrics"]["run"].map(names))
    st.dataframe(_metric_table(metrics, baselines), hide_index=True)
    labels = chart_labels()
    tasks = {r.metrics.task for r in runs}
    keys = CLASSIFICATION_METRICS[:3] if tasks == {"classification"} else REGRESSION_METRICS
    c1, c2 = st.columns(2)
    models = {names[r.run_id]: r.metrics.scores("model") for r in runs}
    if "quantile" not in tasks:  # a pinball loss in bp has no place on the 0-1 metric axes
        c1.plotly_chart(
            charts.metric_comparison(models, metric_keys=keys, labels=labels),
            key="compare_metrics",
        )
    c2.plotly_chart(
        CC.training_overlay({names[r.run_id]: r.history for r in runs}, labels=labels),
        key="compare_history",
    )
    classified = [r for r in runs if r.metrics.classification]
    if classified:
        curves = {names[r.run_id]: _test(r) for r in classified}
        c1.plotly_chart(CC.roc_overlay(curves, labels=labels), key="compare_roc")
        c2.plotly_chart(CC.pr_overlay(curves, labels=labels), key="compare_pr")
    st.markdown(f"**{t('compare.config_diff')}**")
    diff = result["config_diff"]
    if diff.empty:
        st.caption(t("compare.same_config"))
    else:
        st.dataframe(config_diff_frame(diff, names), hide_index=True)


FIELD_TEXT = {  # config fields the Data page names under another key than train.<name>
    "data.time": "data.time",
    "data.entity": "data.entity",
    "data.sequence_features": "data.sequence",
    "data.static_features": "data.static",
    "data.macro_features": "data.macro",
    "data.sentiment_features": "data.sentiment",
    "data.target.kind": "data.target_kind",
    "data.target.column": "data.target_column_column",
    "task": "compare.task",
}
VALUE_TEXT = {"data.target.kind": "target.{}", "task": "results.task.{}"}


def field_label(field: str) -> str:
    """A config field as the Train and Data pages name it ("training.epochs" -> "Epochs"); a
    field no page names stays as its key."""
    if field in FIELD_TEXT:
        return t(FIELD_TEXT[field])
    last = field.rsplit(".", 1)[-1]
    return t(f"train.{last}", n=1) if f"train.{last}" in TEXT else field


def _config_value(field: str, value: str) -> str:
    if value == "null":
        return "–"
    key = VALUE_TEXT.get(field, "").format(value)
    return t(key) if key in TEXT else value


def config_diff_frame(diff: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The fields that differ, named in the page's language beside their config key."""
    shown = pd.DataFrame(
        {
            t("compare.field"): diff["field"].map(field_label),
            t("compare.key"): diff["field"],
        }
    )
    for run_id, name in names.items():
        if run_id in diff:
            pairs = zip(diff["field"], diff[run_id], strict=True)
            shown[name] = [_config_value(field, value) for field, value in pairs]
    return shown
