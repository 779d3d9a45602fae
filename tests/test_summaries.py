"""The Results page's run summary (riskcore.summaries) gives the numbers the raw predictions
give: AUC and AP from all rows, thinned curves that keep their ends and their area, sklearn's
confusion counts at every threshold, the lift and calibration tables, one entity's rows; and
the Results page shows its tables with named columns in both languages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score
from streamlit.testing.v1 import AppTest

from riskcore import charts
from riskcore import metrics as M
from riskcore.store import SCORE_COLUMNS, raw_column
from riskcore.summaries import ThresholdCounts, score_histogram, summarise
from tests.tabs import open_tab
from ui.i18n import TEXT

ROOT = Path(__file__).resolve().parent.parent


def _skewed(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n rows, 10% events, scores that separate them imperfectly and with many ties."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.1).astype(float)
    score = 1 / (1 + np.exp(-(2.5 * y + rng.normal(0, 1, n) - 2)))
    return y, np.round(score, 4)


def test_thinned_curves_keep_their_ends_and_area_on_many_rows() -> None:
    y, s = _skewed(60_000)
    roc, auc = M.roc_curve_summary(y, s)
    assert auc == roc_auc_score(y, s)  # the legend's number: sklearn on every row
    assert len(roc) <= M.MAX_CURVE_POINTS
    assert (roc["fpr"].iloc[0], roc["tpr"].iloc[0]) == (0.0, 0.0)
    assert (roc["fpr"].iloc[-1], roc["tpr"].iloc[-1]) == (1.0, 1.0)
    assert np.trapezoid(roc["tpr"], roc["fpr"]) == pytest.approx(auc, abs=2e-4)
    assert roc["fpr"].is_monotonic_increasing and roc["tpr"].is_monotonic_increasing

    pr, ap = M.pr_curve_summary(y, s)
    assert ap == pytest.approx(average_precision_score(y, s), abs=1e-12)
    assert len(pr) <= M.MAX_CURVE_POINTS
    assert (pr["recall"].iloc[0], pr["precision"].iloc[0]) == (0.0, 1.0)
    assert pr["recall"].iloc[-1] == 1.0
    assert pr["precision"].iloc[-1] == pytest.approx(y.mean())
    assert pr["recall"].is_monotonic_increasing
    # the step sum over the thinned curve stays close to the full curve's
    thinned = float(np.sum(np.diff(pr["recall"]) * pr["precision"].to_numpy()[1:]))
    assert thinned == pytest.approx(ap, abs=5e-3)

    ks = M.ks_curve_table(y, s)
    assert ks["gap"].max() == M.classification_scores(y, s)["ks"]  # the KS point survives


def test_threshold_counts_are_sklearns_at_every_threshold() -> None:
    y, s = _skewed(5_000, seed=1)
    counts = ThresholdCounts.of(y, s)
    for threshold in [*M.THRESHOLD_GRID, 0.0, 1.0, float(s[7])]:
        assert counts.scores(threshold) == M.threshold_scores(y, s, threshold)
        assert counts.cost(threshold, 10, 1) == M.expected_cost(y, s, threshold, 10, 1)


def test_histogram_shares_are_each_class_in_percent() -> None:
    y, s = _skewed(3_000, seed=2)
    h = score_histogram(y, s, bins=40)
    assert np.array_equal(h.edges, np.histogram_bin_edges(s, bins=40))
    for value in (0, 1):
        counts, _ = np.histogram(s[y == value], bins=h.edges)
        assert np.allclose(h.shares[value], 100 * counts / (y == value).sum())
        assert h.shares[value].sum() == pytest.approx(100.0)
    fig = charts.distribution_chart(h, 0.4)
    assert [len(trace.x) for trace in fig.data] == [40, 40]  # bins, not scores


def test_the_summary_gives_the_numbers_of_the_raw_predictions(market_run) -> None:
    summary = summarise(market_run)
    pred = market_run.predictions
    test = pred[pred["split"] == "test"]
    y = test["y_true"].to_numpy()
    assert set(summary.roc) == {m for m, c in SCORE_COLUMNS.items() if c in pred}
    for model, curve in summary.roc.items():
        score = test[SCORE_COLUMNS[model]].to_numpy()
        assert curve.area == pytest.approx(roc_auc_score(y, score), abs=1e-12)
        assert summary.pr[model].area == pytest.approx(average_precision_score(y, score))
    score = test["score"].to_numpy()
    pd.testing.assert_frame_equal(summary.lift, M.lift_table(y, score))
    pd.testing.assert_frame_equal(summary.calibration["model"], M.calibration_table(y, score))
    if raw_column("model") in test:
        raw = M.calibration_table(y, test[raw_column("model")].to_numpy())
        pd.testing.assert_frame_equal(summary.calibration["model_raw"], raw)
    assert summary.threshold.scores(0.3) == M.threshold_scores(y, score, 0.3)
    validation = pred[pred["split"] == "validation"]
    assert summary.default_threshold == M.rate_matched_threshold(
        validation["y_true"], validation["score"]
    )

    timeline = summary.timeline
    latest = charts.riskiest_table_frame(pred, n=10)
    pd.testing.assert_frame_equal(timeline.riskiest, latest)
    rest = sorted(set(pred["entity"]) - set(latest["entity"]))
    assert timeline.entities == list(latest["entity"]) + rest
    entity = timeline.entities[-1]
    rows = timeline.rows(entity)
    expected = pred[pred["entity"] == entity].sort_values("time", kind="stable")
    assert rows["time"].tolist() == expected["time"].tolist()
    assert rows["score"].tolist() == expected["score"].tolist()
    assert rows["split"].astype(str).tolist() == expected["split"].tolist()
    assert timeline.rows("no such entity").empty


def test_a_cross_sectional_run_has_curves_and_no_timeline(tmp_path) -> None:
    from tests.test_report import handmade_run

    run = handmade_run(tmp_path, timed=False, current=True)
    summary = summarise(run)
    assert summary.timeline is None
    assert summary.roc and summary.histogram is not None
    assert summary.threshold.scores(0.5)["tp"] + summary.threshold.scores(0.5)["fn"] == sum(
        run.predictions.query("split == 'test'")["y_true"]
    )


@pytest.mark.parametrize("language", ["en", "zh"])
def test_results_tables_name_their_columns(market_run, copy_run, monkeypatch, language) -> None:
    run = copy_run(market_run)
    monkeypatch.setenv("RISKCORE_HOME", str(run.path.parent.parent))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["lang_picker"] = language  # before the first run: labels never switch
    at.run()
    at.session_state["run_id"] = run.run_id
    at.switch_page("pages/results.py").run()
    assert not at.exception, at.exception
    k = 1 if language == "zh" else 0
    raw = {"y_true", "cum_lift", "decile", "cum_events_share", "min_score", "None"}
    frames = []
    for tab in ("curves", "threshold", "timeline", "run"):  # each tab's tables, opened in turn
        frames += [d.value for d in open_tab(at, "results_tab", f"results.tab_{tab}", k).dataframe]
    for value in frames:
        assert not raw & {str(c) for c in value.columns}, list(value.columns)
        assert "None" not in value.astype(str).to_numpy().ravel().tolist()
    columns = {str(c) for value in frames for c in value.columns}
    for key in ("results.col.cum_lift", "results.col.y_true", "results.col.entity"):
        assert TEXT[key][k] in columns
    runs = next(value for value in frames if TEXT["results.col.headline"][k] in value)
    assert runs[TEXT["results.col.headline"][k]].iloc[0].startswith("ROC-AUC 0.")
    assert runs[TEXT["results.col.task"][k]].iloc[0] == TEXT["results.task.classification"][k]
