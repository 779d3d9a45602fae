"""Widgets of the Results page. Runs and their summaries (riskcore.summaries: curves, bins,
sorted scores, one frame sorted by entity) are cached by run id, so a rerun draws from small
tables and moving a slider costs milliseconds even on a run of a million predictions."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from riskcore import charts
from riskcore import metrics as M
from riskcore.artefacts import DISPLAY_ORDER
from riskcore.findings import (
    DISPLAY_SCALE,
    benchmark_label,
    model_label,
    recommendation_sentence,
    verdict_sentence,
    warning_sentences,
)
from riskcore.stopping import stop_point
from riskcore.store import SPREAD_COLUMN, Run, RunStore
from riskcore.summaries import RunSummary
from riskcore.verdict import decide
from ui.auth import user_store
from ui.i18n import chart_labels, language, t
from ui.page import remembered, run_summary, threshold_slider
from ui.sidebar import visible_run_ids
from ui.state import set_run_threshold
from ui.text import md_escape

MODELS = DISPLAY_ORDER
CARD_HEIGHT = 132  # px: a card with a delta line and one without are the same height


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
    st.caption(t("results.cards_caption", metric=t(f"chart.{head}")))  # cards: model name only
    cols = st.columns(len(models))
    scale = DISPLAY_SCALE.get(head, 1.0)
    for col, name in zip(cols, models, strict=True):
        lo, hi = (scale * x for x in test[name].get(f"{head}_ci", [np.nan, np.nan]))
        delta = None
        if name == "model" and verdict.comparator:
            base = model_label(verdict.comparator, test, md_t)  # a metric's delta is Markdown
            delta = t("results.vs", diff=f"{scale * verdict.advantage:+.3f}", base=base)
        col.metric(
            t(f"model.{name}"),  # four side by side: "· ROC-AUC", then the input's name, was cut
            fmt_metric(scale * test[name][head]),
            delta=delta,
            delta_color=verdict.colour,
            delta_arrow="off" if verdict.outcome != "better" else "auto",
            border=True,
            height=CARD_HEIGHT,  # with or without a delta line: the captions below align
            help=t("results.ci", lo=fmt_metric(lo), hi=fmt_metric(hi)),
        )
        col.caption(t("results.ci", lo=fmt_metric(lo), hi=fmt_metric(hi)))
        if name == "benchmark":  # which input: under the card, where it has the room
            col.caption(benchmark_label(test.get("benchmark"), md_t))
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
            run_figure(
                run,
                "metric_comparison",
                lambda: charts.metric_comparison(
                    {m: test[m] for m in models}, labels=run_labels(run)
                ),
            ),
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


def run_figure(run: Run, what: str, build: Callable[[], go.Figure], *params: object) -> go.Figure:
    """A chart of a run, built once per run, language and parameters (a threshold, an
    entity) and then served from the cache: Plotly's figure objects cost 40-130 ms each to
    build on a loaded machine, the rest of a rerun a few ms. Runs never change, and the
    figure is only read (st.plotly_chart serialises a copy)."""
    return _figure(str(RunStore().root), run.run_id, what, language(), params, build)


@st.cache_resource(show_spinner=False, max_entries=256, ttl="30m")
def _figure(
    home: str, run_id: str, what: str, lang: str, params: tuple, _build: Callable[[], go.Figure]
) -> go.Figure:
    return _build()


def _summary_models(summary: RunSummary, run: Run) -> list[str]:
    """The run's models with scores, in display order."""
    return [m for m in _models(run) if m in summary.models]


def curves(run: Run) -> None:
    """ROC, PR, calibration, KS and gains from the run's summary: a few hundred points per
    curve whatever the size of the test split. The training curves are with the run's details:
    they say how the network trained, not how well it ranks."""
    summary = run_summary(run)
    labels = run_labels(run)
    models = _summary_models(summary, run)
    c1, c2 = st.columns(2)
    roc = {m: summary.roc[m] for m in models if m in summary.roc}
    pr = {m: summary.pr[m] for m in models if m in summary.pr}
    calibration = {m: v for m, v in summary.calibration.items() if m in models or m == "model_raw"}
    one = summary.one_class
    drawn = {
        "roc": (c1, lambda: charts.roc_chart(roc, labels, one_class=one)),
        "pr": (c2, lambda: charts.pr_chart(pr, summary.event_rate, labels, one_class=one)),
        "calib": (c1, lambda: charts.calibration_chart(calibration, labels)),
        "ks": (c2, lambda: charts.ks_chart(summary.ks, labels)),
        "lift": (c1, lambda: charts.gains_chart(summary.lift, labels)),
    }
    for key, (column, build) in drawn.items():
        column.plotly_chart(run_figure(run, key, build), key=key)
    if summary.lift is not None:
        with st.expander(t("results.lift_table")):
            lift_table(summary.lift)


def lift_table(table: pd.DataFrame) -> None:
    """metrics.lift_table with the columns named and the shares in percent."""
    shown = table.assign(
        event_rate=100 * table["event_rate"], cum_events_share=100 * table["cum_events_share"]
    )
    percent, ratio, score = "%.1f%%", "%.2f", "%.3f"
    formats = {
        "decile": "%d",
        "count": "localized",
        "events": "localized",
        "event_rate": percent,
        "cum_events_share": percent,
        "lift": ratio,
        "cum_lift": ratio,
        "min_score": score,
        "max_score": score,
    }
    names = {column: t(f"results.col.{column}") for column in formats}
    st.dataframe(
        shown.rename(columns=names),
        hide_index=True,
        column_config={
            names[column]: st.column_config.NumberColumn(format=fmt)
            for column, fmt in formats.items()
        },
    )


@st.fragment
def threshold_section(run: Run) -> None:
    """Threshold, costs, confusion matrix: a fragment, so only this part reruns. The threshold
    is the run's one decision threshold: Scenarios, Report and the CSV use the same. Counts
    come from the summary's sorted test scores; the histogram is binned once."""
    summary = run_summary(run)
    c1, c2, c3 = st.columns(3)
    threshold = threshold_slider(
        c1,
        run,
        "threshold",
        t("results.threshold"),
        t("results.threshold_help"),
        default=summary.default_threshold,
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
    c1.button(
        t("results.cost_optimal"),
        key="cost_optimal",
        icon=":material/savings:",
        on_click=_cost_optimal,
        args=(run,),
        disabled=summary.validation is None,
        help=t("results.cost_optimal_help"),
    )
    if st.session_state.get("cost_optimal_note") == (run.run_id, threshold, miss, alarm):
        c1.caption(t("results.cost_optimal_done", threshold=f"{threshold:.2f}"))
    counts = summary.threshold
    s = counts.scores(threshold)
    cost = counts.cost(threshold, miss, alarm)
    k = st.columns(5)
    k[0].metric(t("results.precision"), fmt_metric(s["precision"]))
    k[1].metric(t("results.recall"), fmt_metric(s["recall"]))
    k[2].metric("F1", fmt_metric(s["f1"]))
    k[3].metric(t("results.flagged"), f"{s['flagged_share']:.1%}")
    k[4].metric(t("results.expected_cost"), f"{cost:,.2f}")
    labels = chart_labels()
    c1, c2 = st.columns(2)
    cm = run_figure(
        run,
        "cm",
        lambda: charts.confusion_matrix(s["tp"], s["fp"], s["tn"], s["fn"], labels=labels),
        threshold,
    )
    c1.plotly_chart(cm, key="cm")
    dist = run_figure(
        run,
        "dist",
        lambda: charts.distribution_chart(summary.histogram, threshold, labels=labels),
        threshold,
    )
    c2.plotly_chart(dist, key="dist")


def _cost_optimal(run: Run) -> None:
    """The button's callback: the threshold with the lowest expected cost on validation (not
    test: the choice must not peek at the rows that judge it) for the costs entered."""
    y, score = run_summary(run).validation
    miss = float(st.session_state.get("cost_missed", 10.0))
    alarm = float(st.session_state.get("cost_alarm", 1.0))
    best = M.cost_optimal_threshold(y, score, miss, alarm, candidates=M.THRESHOLD_GRID)
    set_run_threshold(run.run_id, best)
    st.session_state["cost_optimal_note"] = (run.run_id, best, miss, alarm)


def timeline_section(run: Run) -> None:
    """The picked entity's timeline, then the riskiest entities: a table that does not depend
    on the pick, so it stays out of the fragment a pick reruns (a grid redrawn per pick cost
    about 0.1 s of the browser's time)."""
    timeline = run_summary(run).timeline
    if timeline is None:
        st.info(t("results.no_timeline"))
        return
    _timeline_chart(run)
    st.markdown(f"**{t('results.riskiest')}**")
    riskiest_table(timeline.riskiest)


@st.fragment
def _timeline_chart(run: Run) -> None:
    """One entity's scores over time: a slice of the summary's frame sorted by entity, so a
    pick reruns this fragment on a few thousand rows, not on every prediction."""
    timeline = run_summary(run).timeline
    entity = st.selectbox(
        t("results.entity"),
        timeline.entities,
        help=t("results.entity_help"),
        **remembered("timeline_entity", timeline.entities),
    )
    threshold = st.session_state.get("threshold")
    figure = run_figure(
        run,
        "timeline",
        lambda: charts.risk_timeline(timeline.rows(entity), entity, threshold, chart_labels()),
        entity,
        threshold,
    )
    st.plotly_chart(figure, key="timeline")


def riskiest_table(frame: pd.DataFrame) -> None:
    """charts.riskiest_table_frame with named columns: a date, the score as a bar, the event
    as yes / no / not yet known (the horizon has not passed)."""
    known = {1.0: t("results.event_yes"), 0.0: t("results.event_no")}
    shown = frame.assign(y_true=frame["y_true"].map(known).fillna(t("results.event_unknown")))
    names = {c: t(f"results.col.{c}") for c in ("entity", "time", "score", "y_true")}
    names[SPREAD_COLUMN] = t("results.model_sd")
    st.dataframe(
        shown.rename(columns=names),
        hide_index=True,
        column_config={
            names["time"]: st.column_config.DateColumn(format="YYYY-MM-DD"),
            names["score"]: st.column_config.ProgressColumn(
                min_value=0, max_value=1, format="%.3f"
            ),
            names[SPREAD_COLUMN]: st.column_config.NumberColumn(
                format="± %.3f", help=t("results.model_sd_help")
            ),
        },
    )


def regression_views(run: Run) -> None:
    summary = run_summary(run)
    y, pred = summary.y_points, summary.score_points
    labels = chart_labels()
    c1, c2 = st.columns(2)
    c1.plotly_chart(charts.predicted_vs_actual(y, pred, labels=labels), key="pva")
    c2.plotly_chart(charts.residuals(y, pred, labels=labels), key="resid")


def run_details(run: Run) -> None:
    """How the run was trained: its loss curves, config, files, timings, and the user's runs."""
    st.plotly_chart(
        run_figure(
            run, "history", lambda: charts.training_curves(run.history, labels=chart_labels())
        ),
        key="history",
    )
    c1, c2 = st.columns(2)
    with c1:
        st.markdown(f"**{t('results.config')}**")
        st.json(run.config.model_dump(mode="json"), expanded=False)
        st.markdown(f"**{t('results.data_files')}**")
        files_table(run.meta.files)
    with c2:
        st.markdown(f"**{t('results.timings')}**")
        st.dataframe(timings_frame(run), hide_index=True, width="stretch")
        wf = run.metrics.walk_forward
        if wf:
            st.markdown(f"**{t('results.walk_forward')}**")
            st.dataframe(walk_forward_frame(wf["summary"], run), hide_index=True)
    st.markdown(f"**{t('results.history')}**")
    st.dataframe(runs_frame(user_store().list(visible_run_ids())), hide_index=True)


def _size(n: object) -> str:
    if not isinstance(n, int | float):
        return "–"
    return f"{n / 1e6:,.1f} MB" if n >= 1e5 else f"{n / 1e3:,.1f} kB"


def files_table(files: list[dict]) -> None:
    """meta.json's input files: role, name, rows, size and the start of the sha256."""
    if not files:
        st.caption("–")
        return
    frame = pd.DataFrame(
        {
            t("results.col.role"): [_role(f.get("role")) for f in files],
            t("results.col.file"): [f.get("name", "") for f in files],
            t("results.col.rows"): [_count(f.get("rows")) for f in files],
            t("results.col.size"): [_size(f.get("bytes")) for f in files],
            "SHA-256": [str(f.get("sha256") or "")[:12] for f in files],
        }
    )
    st.dataframe(frame, hide_index=True)


def _role(role: object) -> str:
    name = t(f"results.role.{role}")
    return name if name != f"results.role.{role}" else str(role or "–")


def _count(n: object) -> str:
    return f"{n:,}" if isinstance(n, int) else "–"


def timings_frame(run: Run) -> pd.DataFrame:
    """Stage timings in seconds, then epochs, parameters and device, named for a reader."""
    rows = []
    for key, seconds in run.meta.timings.items():
        stage = key.removesuffix("_s")
        name = t(f"results.timing.{stage}")
        name = name if name != f"results.timing.{stage}" else stage.replace("_", " ")
        rows.append((t("results.timing_seconds", stage=name), f"{seconds:,.1f}"))
    rows.append((t("results.epochs_run"), _count(run.meta.epochs_run)))
    point = stop_point(run.meta.get("stopped_early"))
    if point:  # the user stopped training and kept the best epoch so far
        rows.append((t("results.stopped_early"), t("results.stopped_at", **point)))
    rows += [
        (t("results.parameters"), _count(run.meta.parameters)),
        (t("results.device"), str(run.meta.device or "–")),
    ]
    return pd.DataFrame(rows, columns=[t("results.col.item"), t("chart.value")])


def walk_forward_frame(summary: dict, run: Run) -> pd.DataFrame:
    """Walk-forward folds: each model's mean ± sd per metric."""
    rows = []
    for model, by_metric in summary.items():
        row = {t("results.col.model"): model_label(model, run.metrics.test, t)}
        for key, value in (by_metric or {}).items():
            mean, sd = (value or {}).get("mean"), (value or {}).get("sd")
            row[t(f"chart.{key}")] = f"{fmt_metric(mean)} ± {fmt_metric(sd)}"
        rows.append(row)
    return pd.DataFrame(rows)


def _names(data: object) -> str:
    names = ", ".join(data) if isinstance(data, list | tuple) else str(data or "")
    return names or "–"


def runs_frame(rows: list[dict]) -> pd.DataFrame:
    """StoreRun.list rows for reading: the label, the date, the task and its headline metric
    formatted (a classification run has no RMSE: nothing is shown as None)."""
    out = []
    for r in rows:
        task = r.get("task") or ""
        key = M.HEADLINE.get(task)
        value = r.get(key) if key else None
        headline = f"{t(f'chart.{key}')} {fmt_metric(value)}" if value is not None else "–"
        out.append(
            {
                t("results.col.run"): r.get("label") or r.get("run_id", ""),
                t("results.col.created"): str(r.get("created") or "")[:16].replace("T", " "),
                t("results.col.data"): _names(r.get("data")),
                t("results.col.task"): t(f"results.task.{task}") if task else "–",
                t("results.col.headline"): headline,
                t("results.device"): r.get("device") or "–",
            }
        )
    return pd.DataFrame(out)
