"""Widgets of the Results page. Runs are cached by id, so moving a slider costs milliseconds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from riskcore import charts
from riskcore import metrics as M
from riskcore.artefacts import DISPLAY_ORDER
from riskcore.findings import (
    DISPLAY_SCALE,
    model_label,
    recommendation_sentence,
    verdict_sentence,
    warning_sentences,
)
from riskcore.store import SCORE_COLUMNS, SPREAD_COLUMN, Run, raw_column
from riskcore.verdict import decide
from ui.auth import user_store
from ui.i18n import chart_labels, t
from ui.page import threshold_slider
from ui.sidebar import visible_run_ids
from ui.state import set_run_threshold
from ui.text import md_escape

MODELS = DISPLAY_ORDER


def _test(run: Run) -> pd.DataFrame:
    p = run.predictions
    return p[p["split"] == "test"]


def _model_name(key: str) -> str:
    return t(f"model.{key}")


def _models(run: Run) -> list[str]:
    """The run's models in display order (runs saved before the benchmark have three)."""
    return [m for m in run.metrics.models("test") if m in MODELS]


def md_t(key: str, **values: object) -> str:
    """t for riskcore.findings' sentences shown as Markdown: the one user value they quote, the
    benchmark's input column (`input` of the benchmark.* labels), escaped once; the labels are
    then passed on inside other sentences as they are."""
    if key.startswith("benchmark.") and "input" in values:
        values["input"] = md_escape(values["input"])
    return t(key, **values)


def run_labels(run: Run) -> dict[str, str]:
    """Chart labels with the benchmark named by its input ("trailing volatility of ret_1d")."""
    labels = chart_labels()
    labels["benchmark"] = model_label("benchmark", run.metrics.test, t)
    return labels


def trust_warnings(run: Run) -> None:
    """Leak suspects, too-good models and an event-rate shift, above every number."""
    sentences = warning_sentences(run.metrics.warnings, run.metrics.test, md_t)
    if sentences:
        st.error(
            f"**{t('results.warnings')}**\n\n" + "\n\n".join(f"- {s}" for s in sentences),
            icon=":material/report:",
        )


def metric_cards(run: Run) -> None:
    """Headline metric per model as cards, then every metric with its interval in a table.
    A metric stored in another unit than shown (pinball loss, in bp) is scaled here once."""
    test = run.metrics.test
    classification = run.metrics.classification
    keys = M.REPORTED_METRICS[run.metrics.task]
    head = keys[0]
    models = _models(run)
    verdict = decide(run.metrics)
    trust_warnings(run)
    st.subheader(t("results.test_metrics"))
    cols = st.columns(len(models))
    scale = DISPLAY_SCALE.get(head, 1.0)
    for col, name in zip(cols, models, strict=True):
        lo, hi = (scale * x for x in test[name].get(f"{head}_ci", [np.nan, np.nan]))
        delta = None
        if name == "model" and verdict.comparator:
            base = model_label(verdict.comparator, test, md_t)  # a metric's delta is Markdown
            delta = t("results.vs", diff=f"{scale * verdict.advantage:+.3f}", base=base)
        col.metric(
            f"{model_label(name, test, md_t)} · {t(f'chart.{head}')}",
            fmt_metric(scale * test[name][head]),
            delta=delta,
            delta_color=verdict.colour,
            delta_arrow="off" if verdict.outcome != "better" else "auto",
            border=True,
            help=t("results.ci", lo=fmt_metric(lo), hi=fmt_metric(hi)),
        )
        col.caption(t("results.ci", lo=fmt_metric(lo), hi=fmt_metric(hi)))
        if name == (run.metrics.recommended or {}).get("model"):
            col.caption(f":material/recommend: {t('results.recommended_badge')}")
    rows = []
    for key in keys:
        row = {t("chart.metric"): t(f"chart.{key}")}
        k = DISPLAY_SCALE.get(key, 1.0)
        for name in models:
            lo, hi = test[name].get(f"{key}_ci", [np.nan, np.nan])
            value = test[name].get(key)
            row[model_label(name, test, t)] = fmt_interval(
                None if value is None else k * value, k * lo, k * hi
            )
        rows.append(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(interval_note(run.metrics))
    if classification:
        st.plotly_chart(
            charts.metric_comparison({m: test[m] for m in models}, labels=run_labels(run)),
            key="metric_comparison",
        )
    _verdict(run)


def interval_note(metrics: dict) -> str:
    """How the intervals were computed, and what calibration changed."""
    iv = metrics.get("intervals") or {}
    if iv.get("method") == "block":
        how = t("results.interval_block", block=iv["block_dates"], n=iv["n_boot"])
    else:
        how = t("results.interval_row", n=iv.get("n_boot", 200))
    note = t("results.interval_note", method=how)
    calibration = metrics.get("calibration")
    if calibration:
        method = t(f"train.calibration_{calibration['method']}")
        note += " " + t("results.calibration_note", method=method)
    return note


def _verdict(run: Run) -> None:
    """One honest sentence from the core's verdict: the paired interval of the difference."""
    verdict = decide(run.metrics)
    sentence = verdict_sentence(verdict, run.metrics.test, md_t)
    show = {"better": st.success, "within": st.info}.get(verdict.outcome, st.warning)
    show(sentence)
    recommended = recommendation_sentence(run.metrics.recommended, run.metrics.test, md_t)
    if recommended:
        st.info(recommended, icon=":material/recommend:")


def fmt_metric(value) -> str:
    return "–" if value is None or not np.isfinite(value) else f"{value:.3f}"


def fmt_interval(value, lo, hi) -> str:
    """ "0.812  (0.790–0.833)": a metric with its 95% interval, as every table shows it; just the
    value for a metric that has no interval (calibration slope, ECE)."""
    if fmt_metric(lo) == "–" and fmt_metric(hi) == "–":
        return fmt_metric(value)
    return f"{fmt_metric(value)}  ({fmt_metric(lo)}–{fmt_metric(hi)})"


def _scores(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    return {m: frame[c].to_numpy() for m, c in SCORE_COLUMNS.items() if c in frame}


def _calibration_scores(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The deep model before and after calibration, then the comparators (calibrated)."""
    scores = _scores(frame)
    if raw_column("model") in frame:
        scores = {"model": scores["model"], "model_raw": frame[raw_column("model")].to_numpy()}
        scores.update({m: v for m, v in _scores(frame).items() if m != "model"})
    return scores


def curves(run: Run) -> None:
    test = _test(run)
    y = test["y_true"].to_numpy()
    labels = run_labels(run)
    c1, c2 = st.columns(2)
    c1.plotly_chart(charts.roc_curves(y, _scores(test), labels=labels), key="roc")
    c2.plotly_chart(charts.pr_curves(y, _scores(test), labels=labels), key="pr")
    c1.plotly_chart(
        charts.calibration_curve(y, _calibration_scores(test), labels=labels), key="calib"
    )
    c2.plotly_chart(charts.ks_curve(y, test["score"].to_numpy(), labels=labels), key="ks")
    c1.plotly_chart(charts.lift_chart(y, test["score"].to_numpy(), labels=labels), key="lift")
    c2.plotly_chart(charts.training_curves(run.history, labels=labels), key="history")
    with st.expander(t("results.lift_table")):
        st.dataframe(M.lift_table(y, test["score"].to_numpy()), hide_index=True)


@st.fragment
def threshold_section(run: Run) -> None:
    """Threshold, costs, confusion matrix: a fragment, so only this part reruns. The threshold
    is the run's one decision threshold: Scenarios, Report and the CSV use the same."""
    test = _test(run)
    y, score = test["y_true"].to_numpy(), test["score"].to_numpy()
    c1, c2, c3 = st.columns(3)
    threshold = threshold_slider(
        c1, run, "threshold", t("results.threshold"), t("results.threshold_help")
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
    validation = run.predictions[run.predictions["split"] == "validation"]
    c1.button(
        t("results.cost_optimal"),
        key="cost_optimal",
        icon=":material/savings:",
        on_click=_cost_optimal,
        args=(run,),
        disabled=validation.empty,
        help=t("results.cost_optimal_help"),
    )
    if st.session_state.get("cost_optimal_note") == (run.run_id, threshold, miss, alarm):
        c1.caption(t("results.cost_optimal_done", threshold=f"{threshold:.2f}"))
    s = M.threshold_scores(y, score, threshold)
    cost = M.expected_cost(y, score, threshold, miss, alarm)
    k = st.columns(5)
    k[0].metric(t("results.precision"), fmt_metric(s["precision"]))
    k[1].metric(t("results.recall"), fmt_metric(s["recall"]))
    k[2].metric("F1", fmt_metric(s["f1"]))
    k[3].metric(t("results.flagged"), f"{s['flagged_share']:.1%}")
    k[4].metric(t("results.expected_cost"), f"{cost:,.2f}")
    labels = chart_labels()
    c1, c2 = st.columns(2)
    c1.plotly_chart(
        charts.confusion_matrix(s["tp"], s["fp"], s["tn"], s["fn"], labels=labels), key="cm"
    )
    c2.plotly_chart(charts.score_distribution(y, score, threshold, labels=labels), key="dist")


def _cost_optimal(run: Run) -> None:
    """The button's callback: the threshold with the lowest expected cost on validation (not
    test: the choice must not peek at the rows that judge it) for the costs entered."""
    p = run.predictions
    validation = p[p["split"] == "validation"]
    miss = float(st.session_state.get("cost_missed", 10.0))
    alarm = float(st.session_state.get("cost_alarm", 1.0))
    best = M.cost_optimal_threshold(
        validation["y_true"], validation["score"], miss, alarm, candidates=M.THRESHOLD_GRID
    )
    set_run_threshold(run.run_id, best)
    st.session_state["cost_optimal_note"] = (run.run_id, best, miss, alarm)


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
        column_config={
            "score": st.column_config.ProgressColumn(min_value=0, max_value=1),
            SPREAD_COLUMN: st.column_config.NumberColumn(
                t("results.model_sd"), format="± %.3f", help=t("results.model_sd_help")
            ),
        },
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
        st.dataframe(pd.DataFrame(run.meta.files), hide_index=True)
    with c2:
        st.markdown(f"**{t('results.timings')}**")
        st.json(
            {
                **run.meta.timings,
                "epochs_run": run.meta.epochs_run,
                "parameters": run.meta.parameters,
                "device": run.meta.device,
            },
            expanded=False,
        )
        wf = run.metrics.walk_forward
        if wf:
            st.markdown(f"**{t('results.walk_forward')}**")
            st.json(wf["summary"], expanded=False)
    st.markdown(f"**{t('results.history')}**")
    st.dataframe(pd.DataFrame(user_store().list(visible_run_ids())), hide_index=True)
