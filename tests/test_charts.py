"""Chart factories: the figures show the numbers they claim, and every visible string is a label."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score, roc_curve

from riskcore import charts
from riskcore.charts import DEFAULT_LABELS

RNG = np.random.default_rng(3)
N = 600
Y = (RNG.random(N) < 0.2).astype(int)
SCORES = {
    "model": np.clip(0.2 + 0.35 * Y + RNG.normal(0, 0.15, N), 0, 1),
    "logistic": np.clip(0.2 + 0.2 * Y + RNG.normal(0, 0.15, N), 0, 1),
    "gbm": np.clip(0.2 + 0.25 * Y + RNG.normal(0, 0.15, N), 0, 1),
}
HISTORY = pd.DataFrame(
    {
        "epoch": [1, 2, 3],
        "loss": [0.7, 0.6, 0.55],
        "val_loss": [0.72, 0.65, 0.63],
        "auc": [0.6, 0.7, 0.75],
        "val_auc": [0.58, 0.66, 0.7],
    }
)
METRICS_TEST = {
    "model": {"roc_auc": 0.80, "roc_auc_ci": [0.76, 0.84], "pr_auc": 0.5, "ks": 0.45},
    "logistic": {"roc_auc": 0.70, "roc_auc_ci": [0.65, 0.75], "pr_auc": 0.4, "ks": 0.35},
    "gbm": {"roc_auc": 0.75, "roc_auc_ci": [0.70, 0.79], "pr_auc": 0.45, "ks": 0.4},
}


def _predictions() -> pd.DataFrame:
    """Two entities over 20 days: 12 train, 4 validation, 4 test days; events on days 5 and 17."""
    days = pd.date_range("2024-01-01", periods=20, freq="D")
    split = ["train"] * 12 + ["validation"] * 4 + ["test"] * 4
    frames = []
    for k, entity in enumerate(["AAA", "BBB"]):
        y = np.zeros(20)
        y[[5, 17]] = 1
        frames.append(
            pd.DataFrame(
                {
                    "time": days.strftime("%Y-%m-%d"),  # as read back from predictions.csv
                    "entity": entity,
                    "split": split,
                    "y_true": y if k == 0 else np.zeros(20),
                    "score": np.linspace(0.1, 0.9, 20)[::-1] if k else np.linspace(0.1, 0.5, 20),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _shapes_at(fig: go.Figure, axis: str, value: float) -> list:
    """Straight lines along `axis` ("x": vertical) drawn at `value`."""
    return [
        s
        for s in fig.layout.shapes
        if s.type == "line" and getattr(s, f"{axis}0") == getattr(s, f"{axis}1") == value
    ]


def _trace(fig: go.Figure, name_part: str) -> go.Scatter:
    return next(t for t in fig.data if name_part in (t.name or ""))


# ---------------------------------------------------------------- what the figures show


def test_roc_legend_holds_the_auc_of_each_model_and_a_chance_line() -> None:
    fig = charts.roc_curves(Y, SCORES)
    assert len(fig.data) == 1 + len(SCORES)
    assert list(fig.data[0].x) == [0, 1] and list(fig.data[0].y) == [0, 1]
    for key, score in SCORES.items():
        trace = _trace(fig, DEFAULT_LABELS[key])
        assert f"{roc_auc_score(Y, score):.3f}" in trace.name
        assert trace.line.color == charts.COLOURS[key]


def test_pr_curves_baseline_is_the_event_rate_and_legend_the_average_precision() -> None:
    fig = charts.pr_curves(Y, SCORES)
    baseline = fig.data[0]
    assert set(baseline.y) == {Y.mean()}
    assert f"{Y.mean():.1%}" in baseline.name
    for key, score in SCORES.items():
        assert f"{average_precision_score(Y, score):.3f}" in _trace(fig, DEFAULT_LABELS[key]).name


def test_ks_marker_stands_at_the_widest_gap() -> None:
    score = SCORES["model"]
    fpr, tpr, thresholds = roc_curve(Y, score, drop_intermediate=False)
    at = int(np.argmax(tpr - fpr))
    fig = charts.ks_curve(Y, score)
    marker = fig.data[-1]
    assert list(marker.x) == pytest.approx([thresholds[at]] * 2)
    assert sorted(marker.y) == pytest.approx(sorted([fpr[at], tpr[at]]))
    assert f"{tpr[at] - fpr[at]:.3f}" in marker.name


def test_calibration_marker_grows_with_the_bin_count() -> None:
    score = SCORES["model"]
    fig = charts.calibration_curve(Y, {"model": score}, bins=5)
    assert len(fig.data) == 2  # diagonal + one model
    trace = fig.data[1]
    order = np.argsort(trace.customdata)
    assert np.all(np.diff(np.asarray(trace.marker.size)[order]) >= 0)
    assert sum(trace.customdata) == N


def test_score_distribution_draws_the_threshold_where_asked() -> None:
    fig = charts.score_distribution(Y, SCORES["model"], threshold=0.37)
    assert [t.type for t in fig.data] == ["bar", "bar"]  # binned here: 40 bars, not every score
    events = np.histogram(
        SCORES["model"][Y == 1], bins=40, range=(min(SCORES["model"]), max(SCORES["model"]))
    )[0]
    assert np.allclose(fig.data[1].y, 100 * events / Y.sum())  # the second is the event class
    assert len(_shapes_at(fig, "x", 0.37)) == 1
    assert any("0.37" in a.text for a in fig.layout.annotations)
    assert not charts.score_distribution(Y, SCORES["model"]).layout.shapes


def test_lift_chart_runs_from_nothing_to_every_event() -> None:
    fig = charts.lift_chart(Y, SCORES["model"])
    gains = fig.data[1]
    assert (gains.x[0], gains.y[0]) == (0, 0)
    assert gains.x[-1] == pytest.approx(1) and gains.y[-1] == pytest.approx(1)
    assert np.all(np.diff(gains.y) >= 0)
    assert gains.y[1] > gains.x[1]  # the riskiest tenth holds more than a tenth of the events


def test_curves_with_one_class_say_so_instead_of_raising() -> None:
    y = np.zeros(50)
    for fig in (
        charts.roc_curves(y, {"model": np.linspace(0, 1, 50)}),
        charts.ks_curve(y, np.linspace(0, 1, 50)),
        charts.lift_chart(y, np.linspace(0, 1, 50)),
    ):
        assert fig.layout.annotations[0].text == DEFAULT_LABELS["one_class"]


def test_confusion_matrix_cells_are_the_counts() -> None:
    fig = charts.confusion_matrix(tp=30, fp=12, tn=150, fn=8)
    heatmap = fig.data[0]
    assert np.asarray(heatmap.z).tolist() == [[150, 12], [8, 30]]
    assert heatmap.text[1][1] == "30<br>15.0%"
    assert list(heatmap.x) == [DEFAULT_LABELS["non_event"], DEFAULT_LABELS["event"]]


def test_metric_comparison_error_bars_span_the_intervals() -> None:
    fig = charts.metric_comparison({**METRICS_TEST, "extra": {}})
    assert [t.name for t in fig.data] == [DEFAULT_LABELS[k] for k in METRICS_TEST]  # empty skipped
    for trace, values in zip(fig.data, METRICS_TEST.values(), strict=True):
        lo, hi = values["roc_auc_ci"]
        assert list(trace.x) == ["ROC-AUC", "PR-AUC", "KS"]
        assert trace.y[0] == values["roc_auc"]
        assert trace.error_y.array[0] == pytest.approx(hi - values["roc_auc"])
        assert trace.error_y.arrayminus[0] == pytest.approx(values["roc_auc"] - lo)
        assert trace.error_y.array[1] == 0  # pr_auc has no interval here: no bar
    one = charts.metric_comparison(METRICS_TEST, metric_keys=["roc_auc"])
    assert all(len(t.x) == 1 for t in one.data)


def test_training_curves_train_solid_validation_dashed_in_two_panels() -> None:
    fig = charts.training_curves(HISTORY)
    assert len(fig.data) == 4
    assert {t.xaxis for t in fig.data} == {"x", "x2"}
    dashes = {(t.yaxis, t.line.dash) for t in fig.data}
    assert dashes == {("y", "solid"), ("y", "dash"), ("y2", "solid"), ("y2", "dash")}
    assert [t.name for t in fig.data if t.showlegend] == ["Train", "Validation"]
    assert fig.layout.yaxis2.title.text == "AUC"


def test_training_curves_during_the_first_epoch_and_before_it() -> None:
    live = charts.training_curves(HISTORY.head(1))
    assert len(live.data) == 4 and all(len(t.x) == 1 for t in live.data)
    assert all("markers" in t.mode for t in live.data)  # a single point must be visible
    no_val = charts.training_curves(pd.DataFrame({"epoch": [1], "loss": [0.7], "rmse": [0.3]}))
    assert [t.name for t in no_val.data] == ["Train", "Train"]
    waiting = charts.training_curves(pd.DataFrame(columns=["epoch", "loss", "val_loss"]))
    assert not waiting.data
    assert waiting.layout.annotations[0].text == DEFAULT_LABELS["waiting"]


def test_risk_timeline_marks_events_shades_periods_and_draws_the_threshold() -> None:
    pred = _predictions()
    fig = charts.risk_timeline(pred, "AAA", threshold=0.4)
    strip, line = fig.data  # the events: a strip under the plot, one cell per date
    assert len(line.x) == 20 and strip.type == "heatmap" and strip.yaxis == "y2"
    marked = [pd.Timestamp(x) for x, z in zip(strip.x, strip.z[0], strict=True) if z == 1]
    assert marked == [pd.Timestamp("2024-01-06"), pd.Timestamp("2024-01-18")]
    assert {c for _, c in strip.colorscale} == {charts.COLOURS["event"]}
    assert strip.name == DEFAULT_LABELS["actual_event"] and strip.showlegend
    assert fig.layout.xaxis.anchor == "y2"  # the dates under the strip
    bands = [s for s in fig.layout.shapes if s.type == "rect"]
    assert [(pd.Timestamp(b.x0), pd.Timestamp(b.x1)) for b in bands] == [
        (pd.Timestamp("2024-01-13"), pd.Timestamp("2024-01-16")),
        (pd.Timestamp("2024-01-17"), pd.Timestamp("2024-01-20")),
    ]
    texts = [a.text for a in fig.layout.annotations]
    assert {"Validation", "Test", "Threshold 0.40"} <= set(texts)
    assert len(_shapes_at(fig, "y", 0.4)) == 1
    assert "AAA" in fig.layout.title.text
    quiet = charts.risk_timeline(pred, "BBB").data[0].z[0]  # no events for BBB
    assert len(quiet) and all(z is None or np.isnan(z) for z in quiet)
    missing = charts.risk_timeline(pred, "ZZZ")
    assert missing.layout.annotations[0].text == DEFAULT_LABELS["no_data"]


def test_riskiest_table_keeps_only_the_latest_date_riskiest_first() -> None:
    pred = _predictions()
    extra = pred.tail(1).assign(entity="CCC", score=0.99, time="2024-01-19")  # not the latest
    table = charts.riskiest_table_frame(pd.concat([pred, extra]), n=10)
    assert list(table.columns) == ["entity", "time", "score", "y_true"]
    assert table["entity"].tolist() == ["AAA", "BBB"]  # 0.5 > 0.1
    assert table["time"].nunique() == 1 and table["time"].iloc[0] == pd.Timestamp("2024-01-20")
    assert table["score"].is_monotonic_decreasing
    assert len(charts.riskiest_table_frame(pred, n=1)) == 1


def test_regression_charts() -> None:
    y = np.array([1.0, 2.0, 3.0, 4.0])
    pred = np.array([1.5, 1.5, 3.5, 3.0])
    pva = charts.predicted_vs_actual(y, pred)
    assert list(pva.data[0].x) == [1.0, 4.0]  # identity spans the data
    assert list(pva.data[1].y) == pred.tolist()
    res = charts.residuals(y, pred)
    assert list(res.data[0].y) == (y - pred).tolist()
    assert len(_shapes_at(res, "y", 0)) == 1


def test_psi_bars_coloured_by_band_largest_on_top() -> None:
    drift = pd.DataFrame({"feature": ["a", "b", "c", "d"], "psi": [0.05, 0.3, 0.1, 0.26]})
    fig = charts.psi_bars(drift)
    by_colour = {t.marker.color: sorted(t.y) for t in fig.data}
    assert by_colour == {
        charts.COLOURS["stable"]: ["a"],
        charts.COLOURS["moderate"]: ["c"],
        charts.COLOURS["major"]: ["b", "d"],
    }
    assert list(fig.layout.yaxis.categoryarray)[-1] == "b"  # last category is drawn on top
    assert len(_shapes_at(fig, "x", 0.1)) == len(_shapes_at(fig, "x", 0.25)) == 1


# ---------------------------------------------------------------- labels, style, serialising


FACTORIES: dict[str, Callable[..., go.Figure]] = {
    "training": lambda **kw: charts.training_curves(HISTORY, **kw),
    "waiting": lambda **kw: charts.training_curves(pd.DataFrame(), **kw),
    "roc": lambda **kw: charts.roc_curves(Y, SCORES, **kw),
    "pr": lambda **kw: charts.pr_curves(Y, SCORES, **kw),
    "ks": lambda **kw: charts.ks_curve(Y, SCORES["model"], **kw),
    "calibration": lambda **kw: charts.calibration_curve(Y, SCORES, **kw),
    "distribution": lambda **kw: charts.score_distribution(Y, SCORES["model"], 0.5, **kw),
    "lift": lambda **kw: charts.lift_chart(Y, SCORES["model"], **kw),
    "confusion": lambda **kw: charts.confusion_matrix(1, 2, 3, 4, **kw),
    "comparison": lambda **kw: charts.metric_comparison(METRICS_TEST, **kw),
    "timeline": lambda **kw: charts.risk_timeline(_predictions(), "AAA", 0.3, **kw),
    "pva": lambda **kw: charts.predicted_vs_actual([1, 2, 3], [1, 2.5, 2], **kw),
    "residuals": lambda **kw: charts.residuals([1, 2, 3], [1, 2.5, 2], **kw),
    "psi": lambda **kw: charts.psi_bars(pd.DataFrame({"feature": ["a"], "psi": [0.2]}), **kw),
}


def _visible_text(fig: go.Figure) -> list[str]:
    """Titles, axis titles, annotations, legend names and category labels a user reads."""
    texts = [fig.layout.title.text]
    axes = [*fig.select_xaxes(), *fig.select_yaxes()]
    texts += [a.title.text for a in axes if a.visible is not False]
    texts += [a.text for a in fig.layout.annotations]
    for trace in fig.data:
        texts.append(trace.name)
        if trace.type == "heatmap" or (trace.type == "bar" and trace.orientation != "h"):
            texts += [x for x in trace.x if isinstance(x, str)]  # categories, not bin centres
    return [t for t in texts if t]


def _marked_labels() -> dict[str, str]:
    """Every label replaced by a marker that keeps its {placeholders}."""
    return {k: "译" + k + "".join(re.findall(r"\{[^}]*\}", v)) for k, v in DEFAULT_LABELS.items()}


@pytest.mark.parametrize("name", FACTORIES)
def test_every_visible_string_comes_from_labels(name: str) -> None:
    texts = _visible_text(FACTORIES[name](labels=_marked_labels()))
    assert texts
    untranslated = [t for t in texts if "译" not in t]
    assert not untranslated


@pytest.mark.parametrize("name", FACTORIES)
def test_figures_share_the_template_and_serialise(name: str) -> None:
    fig = FACTORIES[name]()
    assert fig.layout.template.layout.plot_bgcolor == "white"
    assert fig.layout.template.layout.legend.orientation == "h"
    # 480: calibration (its legend below) and the KS chart beside it on Results
    assert 360 <= (fig.layout.height or fig.layout.template.layout.height) <= 480
    assert json.loads(fig.to_json())["data"] is not None


def test_chinese_labels_reach_title_axes_and_legend() -> None:
    zh = {"roc_title": "ROC 曲线", "fpr": "假阳性率", "tpr": "真阳性率", "model": "深度模型"}
    fig = charts.roc_curves(Y, SCORES, labels=zh)
    assert fig.layout.title.text == "ROC 曲线"
    assert fig.layout.xaxis.title.text == "假阳性率"
    assert fig.layout.yaxis.title.text == "真阳性率"
    assert _trace(fig, "深度模型").name.startswith("深度模型 (AUC ")
    assert "深度模型" in json.loads(fig.to_json())["data"][1]["name"]
    zh_title = {"timeline_title": "{entity} 风险"}
    timeline = charts.risk_timeline(_predictions(), "AAA", labels=zh_title)
    assert timeline.layout.title.text == "AAA 风险"


def test_dates_and_unit_axes_follow_the_labels() -> None:
    """Date ticks come from the labels' formats (Plotly's own are English only), and the
    ROC / PR / gains axes reach past 1 so their top tick (1, 100%) is drawn."""
    from ui.i18n import TEXT

    zh = {k.removeprefix("chart."): v[1] for k, v in TEXT.items() if k.startswith("chart.")}
    fig = charts.risk_timeline(_predictions(), "AAA", labels=zh)
    stops = [s.value for s in fig.layout.xaxis.tickformatstops]
    assert "%Y年%-m月" in stops and not any("%b" in s for s in stops)
    assert fig.layout.xaxis.hoverformat == "%Y-%m-%d"
    for fig in (
        charts.roc_curves(Y, SCORES),
        charts.pr_curves(Y, SCORES),
        charts.lift_chart(Y, SCORES["model"]),
    ):
        for axis in (fig.layout.xaxis, fig.layout.yaxis):
            assert axis.range[0] < 0 and axis.range[1] > 1 and axis.dtick == 0.2
    assert charts.lift_chart(Y, SCORES["model"]).layout.yaxis.tickformat == ".0%"


def test_single_model_curves_say_whose_they_are_and_labels_stay_readable() -> None:
    lab = {**DEFAULT_LABELS, "model": "深度模型"}
    gains = charts.lift_chart(Y, SCORES["model"], labels=lab)
    assert gains.data[-1].name == "深度模型" and "深度模型" in gains.layout.title.text
    assert "深度模型" in charts.ks_curve(Y, SCORES["model"], labels=lab).layout.title.text
    assert gains.layout.xaxis.ticklabeloverflow == "allow"  # "100%" is not hidden at the edge
    calibration = charts.calibration_curve(Y, SCORES)
    assert calibration.layout.legend.orientation == "h" and calibration.layout.legend.y < 0
    timeline = charts.risk_timeline(_predictions(), "AAA", 0.3)
    label = next(a for a in timeline.layout.annotations if a.text.startswith("Threshold"))
    assert label.bgcolor is not None  # readable where the score line crosses it


def test_the_input_share_chart_shows_its_100_percent_tick() -> None:
    from riskcore.charts.explain import modality_share

    shares = pd.DataFrame({"modality": ["sequence", "macro"], "share": [0.8, 0.2]})
    fig = modality_share(shares, DEFAULT_LABELS)
    assert fig.layout.xaxis.range[1] > 1 and fig.layout.xaxis.ticklabeloverflow == "allow"
    assert fig.data[0].text == ("80%", "20%")


@pytest.mark.parametrize("axis", ["x", "y"])
@pytest.mark.parametrize("right", [False, True])
def test_level_lines_and_bands_draw_what_plotlys_own_helpers_draw(axis: str, right: bool) -> None:
    """charts.base draws threshold lines and period bands as plain shapes (plotly's add_hline,
    add_vline and add_vrect cost about 5 ms each per redraw): the same shapes and labels."""
    import plotly.graph_objects as go

    from riskcore.charts.base import level_line, period_band

    line = {"color": "#374151", "dash": "dash"}
    ours, theirs = go.Figure(), go.Figure()
    level_line(ours, axis, 0.3, line, "T 0.30", right=right, bgcolor="white")
    position = "top right" if right else "top left"
    add = theirs.add_vline if axis == "x" else theirs.add_hline
    add(0.3, line=line, annotation_text="T 0.30", annotation_position=position,
        annotation_bgcolor="white")  # fmt: skip
    period_band(ours, "2024-01-01", "2024-02-01", "#f4d58d", "Test", opacity=0.35)
    theirs.add_vrect(
        x0="2024-01-01", x1="2024-02-01", fillcolor="#f4d58d", opacity=0.35, layer="below",
        line_width=0, annotation_text="Test", annotation_position="top left",
    )  # fmt: skip
    assert ours.to_dict()["layout"] == theirs.to_dict()["layout"]
