"""Widgets of the Results page. Runs are cached by id, so moving a slider costs milliseconds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from riskcore import charts
from riskcore import metrics as M
from riskcore.errors import RiskcoreError
from riskcore.store import Run, RunStore
from ui.data_widgets import show_error
from ui.i18n import chart_labels, t
from ui.sidebar import visible_run_ids
from ui.state import active_run

MODELS = ("model", "logistic", "gbm")
SCORE_COLUMNS = {"model": "score", "logistic": "score_logistic", "gbm": "score_gbm"}


@st.cache_resource(show_spinner=False, max_entries=16)
def load_run(run_id: str) -> Run:
    """A run's files, read once per server (runs never change after they are written)."""
    run = RunStore().load(run_id)
    _ = run.predictions, run.metrics, run.meta, run.history  # read now, not on every rerun
    return run


def require_run(no_run_key: str = "results.no_run") -> Run:
    """The active run, or the page stops here saying what to do (train one, or why it failed)."""
    run_id = active_run()
    if run_id is None:
        st.info(t(no_run_key), icon=":material/info:")
        st.page_link("pages/train.py", label=t("nav.train"), icon=":material/model_training:")
        st.stop()
    try:
        return load_run(run_id)
    except RiskcoreError as exc:
        show_error(exc)
        st.stop()


def _test(run: Run) -> pd.DataFrame:
    p = run.predictions
    return p[p["split"] == "test"]


def _model_name(key: str) -> str:
    return t(f"model.{key}")


CLASSIFICATION_KEYS = ("roc_auc", "pr_auc", "ks", "gini", "brier", "log_loss")
REGRESSION_KEYS = ("rmse", "mae", "r2")


def metric_cards(run: Run) -> None:
    """Headline metric per model as cards, then every metric with its interval in a table."""
    test = run.metrics["test"]
    classification = run.metrics["task"] == "classification"
    keys = CLASSIFICATION_KEYS if classification else REGRESSION_KEYS
    head = keys[0]
    st.subheader(t("results.test_metrics"))
    cols = st.columns(len(MODELS))
    for col, name in zip(cols, MODELS, strict=True):
        lo, hi = test[name].get(f"{head}_ci", [np.nan, np.nan])
        delta = None
        if name == "model":
            delta = (
                f"{test['model'][head] - test['logistic'][head]:+.3f} vs {_model_name('logistic')}"
            )
        col.metric(
            f"{_model_name(name)} · {t(f'chart.{head}')}",
            fmt_metric(test[name][head]),
            delta=delta,
            delta_color="normal" if head != "rmse" else "inverse",
            border=True,
            help=t("results.ci", lo=fmt_metric(lo), hi=fmt_metric(hi)),
        )
        col.caption(t("results.ci", lo=fmt_metric(lo), hi=fmt_metric(hi)))
    rows = []
    for key in keys:
        row = {t("chart.metric"): t(f"chart.{key}")}
        for name in MODELS:
            lo, hi = test[name].get(f"{key}_ci", [np.nan, np.nan])
            row[_model_name(name)] = fmt_interval(test[name].get(key), lo, hi)
        rows.append(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if classification:
        st.plotly_chart(
            charts.metric_comparison(test, labels=chart_labels()), key="metric_comparison"
        )
    _verdict(run)


def _verdict(run: Run) -> None:
    """One honest sentence: does the deep model beat the baselines on test, beyond noise?"""
    test = run.metrics["test"]
    key = "roc_auc" if run.metrics["task"] == "classification" else "rmse"
    better = (lambda a, b: a > b) if key == "roc_auc" else (lambda a, b: a < b)
    best_base = max(
        ("logistic", "gbm"), key=lambda n: test[n][key] * (1 if key == "roc_auc" else -1)
    )
    model, base = test["model"], test[best_base]
    clear = (
        better(model[f"{key}_ci"][0], base[key])
        if key == "roc_auc"
        else better(model[f"{key}_ci"][1], base[key])
    )
    if clear:
        st.success(t("results.verdict_better", base=_model_name(best_base)))
    elif better(model[key], base[key]):
        st.info(t("results.verdict_within", base=_model_name(best_base)))
    else:
        st.warning(t("results.verdict_worse", base=_model_name(best_base)))


def fmt_metric(value) -> str:
    return "–" if value is None or not np.isfinite(value) else f"{value:.3f}"


def fmt_interval(value, lo, hi) -> str:
    """ "0.812  (0.790–0.833)": a metric with its 95% interval, as every table shows it."""
    return f"{fmt_metric(value)}  ({fmt_metric(lo)}–{fmt_metric(hi)})"


def _scores(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    return {m: frame[c].to_numpy() for m, c in SCORE_COLUMNS.items()}


def curves(run: Run) -> None:
    test = _test(run)
    y = test["y_true"].to_numpy()
    labels = chart_labels()
    c1, c2 = st.columns(2)
    c1.plotly_chart(charts.roc_curves(y, _scores(test), labels=labels), key="roc")
    c2.plotly_chart(charts.pr_curves(y, _scores(test), labels=labels), key="pr")
    c1.plotly_chart(charts.calibration_curve(y, _scores(test), labels=labels), key="calib")
    c2.plotly_chart(charts.ks_curve(y, test["score"].to_numpy(), labels=labels), key="ks")
    c1.plotly_chart(charts.lift_chart(y, test["score"].to_numpy(), labels=labels), key="lift")
    c2.plotly_chart(charts.training_curves(run.history, labels=labels), key="history")
    with st.expander(t("results.lift_table")):
        st.dataframe(M.lift_table(y, test["score"].to_numpy()), hide_index=True)


@st.fragment
def threshold_section(run: Run) -> None:
    """Threshold, costs, confusion matrix: a fragment, so only this part reruns."""
    test = _test(run)
    y, score = test["y_true"].to_numpy(), test["score"].to_numpy()
    c1, c2, c3 = st.columns(3)
    default = float(np.quantile(score, 1 - max(y.mean(), 0.01)))
    threshold = c1.slider(
        t("results.threshold"),
        0.0,
        1.0,
        round(default, 2),
        0.01,
        key="threshold",
        help=t("results.threshold_help"),
    )
    miss = c2.number_input(
        t("results.cost_missed"),
        0.0,
        1e9,
        10.0,
        key="cost_missed",
        help=t("results.cost_missed_help"),
    )
    alarm = c3.number_input(
        t("results.cost_alarm"), 0.0, 1e9, 1.0, key="cost_alarm", help=t("results.cost_alarm_help")
    )
    s = M.threshold_scores(y, score, threshold)
    cost = M.expected_cost(y, score, threshold, miss, alarm)
    k = st.columns(5)
    k[0].metric(t("results.precision"), fmt_metric(s["precision"]))
    k[1].metric(t("results.recall"), fmt_metric(s["recall"]))
    k[2].metric("F1", fmt_metric(s["f1"]))
    k[3].metric(t("results.flagged"), f"{s['flagged_share']:.1%}")
    k[4].metric(t("results.expected_cost"), f"{cost:,.1f}")
    labels = chart_labels()
    c1, c2 = st.columns(2)
    c1.plotly_chart(
        charts.confusion_matrix(s["tp"], s["fp"], s["tn"], s["fn"], labels=labels), key="cm"
    )
    c2.plotly_chart(charts.score_distribution(y, score, threshold, labels=labels), key="dist")


@st.fragment
def timeline_section(run: Run) -> None:
    pred = run.predictions
    if "time" not in pred or pred["time"].isna().all():
        st.info(t("results.no_timeline"))
        return
    latest = charts.riskiest_table_frame(pred, n=10)
    entities = list(latest["entity"]) + sorted(set(pred["entity"]) - set(latest["entity"]))
    entity = st.selectbox(
        t("results.entity"), entities, key="timeline_entity", help=t("results.entity_help")
    )
    threshold = st.session_state.get("threshold")
    st.plotly_chart(
        charts.risk_timeline(pred, entity, threshold, labels=chart_labels()), key="timeline"
    )
    st.markdown(f"**{t('results.riskiest')}**")
    st.dataframe(
        latest,
        hide_index=True,
        column_config={"score": st.column_config.ProgressColumn(min_value=0, max_value=1)},
    )


def regression_views(run: Run) -> None:
    test = _test(run)
    y, pred = test["y_true"].to_numpy(), test["score"].to_numpy()
    labels = chart_labels()
    c1, c2 = st.columns(2)
    c1.plotly_chart(charts.predicted_vs_actual(y, pred, labels=labels), key="pva")
    c2.plotly_chart(charts.residuals(y, pred, labels=labels), key="resid")
    st.plotly_chart(charts.training_curves(run.history, labels=labels), key="history")


def run_details(run: Run) -> None:
    c1, c2 = st.columns(2)
    with c1:
        st.markdown(f"**{t('results.config')}**")
        st.json(run.config.model_dump(mode="json"), expanded=False)
        st.markdown(f"**{t('results.data_files')}**")
        st.dataframe(pd.DataFrame(run.meta.get("files", [])), hide_index=True)
    with c2:
        st.markdown(f"**{t('results.timings')}**")
        st.json(
            {
                **run.meta.get("timings", {}),
                "epochs_run": run.meta.get("epochs_run"),
                "parameters": run.meta.get("parameters"),
                "device": run.meta.get("device"),
            },
            expanded=False,
        )
        wf = run.metrics.get("walk_forward")
        if wf:
            st.markdown(f"**{t('results.walk_forward')}**")
            st.json(wf["summary"], expanded=False)
    st.markdown(f"**{t('results.history')}**")
    st.dataframe(pd.DataFrame(RunStore().list(visible_run_ids())), hide_index=True)
