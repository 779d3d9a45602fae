"""What the Results page draws of a run, computed once from its predictions.

A run of a million predictions made the page slow because every rerun recomputed everything
from the raw rows: the test split filtered out of a million strings, four ROC and PR curves,
sklearn's confusion matrix per threshold move, the entity list built from a million
Arrow-backed strings, and the raw test scores sent to the browser as histograms. A run never
changes after it is saved, so all of it is computed here once (the dashboard caches the
summary by run id) and the page draws from small tables: a curve of a few hundred points, a
histogram of 40 bins, the test scores of each class sorted once so that any threshold is two
binary searches, and one entity's rows sliced out of a frame sorted by entity.

Every number is the one the raw rows give: AUC and AP come from scikit-learn on all test
rows, the KS point is kept by the thinning, threshold counts equal sklearn's confusion matrix,
and the lift and calibration tables are riskcore.metrics' own. The summary keeps arrays, not
the predictions frame, so the server does not hold the whole run in memory either.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from riskcore import metrics as M
from riskcore.store import SCORE_COLUMNS, SPREAD_COLUMN, Run, raw_column

HISTOGRAM_BINS = 40
LIFT_GROUPS = 10
CALIBRATION_BINS = 10
RISKIEST = 10  # rows of the riskiest-entities table
SCATTER_POINTS = 20_000  # regression scatters: a sample of the test split
TIMELINE_COLUMNS = ("time", "split", "y_true", "score", SPREAD_COLUMN)


@dataclass(frozen=True)
class Curve:
    """A thinned curve table (metrics.roc_curve_table / pr_curve_table) and its area on all
    rows (ROC-AUC or average precision), so the legend never shows the thinned curve's area."""

    table: pd.DataFrame
    area: float


@dataclass(frozen=True)
class Histogram:
    """Score histogram on bins shared by both classes: each class's share of its rows per bin,
    in percent (what Plotly's histnorm="percent" showed from the raw scores)."""

    edges: np.ndarray
    shares: dict[int, np.ndarray]  # 0: non-events, 1: events


def score_histogram(y: np.ndarray, score: np.ndarray, bins: int = HISTOGRAM_BINS) -> Histogram:
    """Bins as np.histogram_bin_edges over the finite scores; each class as a share of its
    finite scores (an empty class: zeros)."""
    y, score = np.asarray(y), np.asarray(score, dtype=float)
    finite = np.isfinite(score)
    edges = np.histogram_bin_edges(score[finite], bins=bins)
    shares = {}
    for value in (0, 1):
        counts, _ = np.histogram(score[finite & (y == value)], bins=edges)
        total = counts.sum()
        shares[value] = 100.0 * counts / total if total else np.zeros(len(counts))
    return Histogram(edges, shares)


@dataclass(frozen=True)
class ThresholdCounts:
    """The test scores of events and of non-events, each sorted once: the confusion matrix at
    any threshold is two binary searches, not a pass over every row."""

    events: np.ndarray
    others: np.ndarray

    @classmethod
    def of(cls, y: np.ndarray, score: np.ndarray) -> ThresholdCounts:
        y, s = M.check_arrays(y, score, "classification")
        return cls(np.sort(s[y == 1]), np.sort(s[y != 1]))

    def scores(self, threshold: float) -> dict:
        """What metrics.threshold_scores returns (rows with score >= threshold flagged), with
        sklearn's formulas and zero_division=0."""
        fn = int(np.searchsorted(self.events, threshold, side="left"))
        tn = int(np.searchsorted(self.others, threshold, side="left"))
        tp, fp = self.events.size - fn, self.others.size - tn
        n = tp + fp + tn + fn
        flagged, actual = tp + fp, tp + fn
        return {
            "threshold": float(threshold),
            "precision": tp / flagged if flagged else 0.0,
            "recall": tp / actual if actual else 0.0,
            "f1": 2.0 * tp / (actual + flagged) if actual + flagged else 0.0,
            "tp": tp,
            "fp": fp,
            "tn": tn,
            "fn": fn,
            "flagged_share": flagged / n,
        }

    def cost(self, threshold: float, cost_missed_event: float, cost_false_alarm: float) -> float:
        """metrics.expected_cost: (fn * missed + fp * false alarm) per row."""
        s = self.scores(threshold)
        n = s["tp"] + s["fp"] + s["tn"] + s["fn"]
        return float((s["fn"] * cost_missed_event + s["fp"] * cost_false_alarm) / n)


@dataclass(frozen=True)
class Timeline:
    """Every prediction with a time, sorted by entity then time, for one entity's slice."""

    frame: pd.DataFrame  # TIMELINE_COLUMNS present in the run, sorted by entity and time
    bounds: dict[str, tuple[int, int]]  # entity -> [start, stop) rows of `frame`
    entities: list[str]  # the riskiest at the latest date first, then the rest sorted
    riskiest: pd.DataFrame  # riskiest_table_frame of the run

    def rows(self, entity: str) -> pd.DataFrame:
        """One entity's predictions (columns of predictions.csv), in time order."""
        start, stop = self.bounds.get(str(entity), (0, 0))
        return self.frame.iloc[start:stop].assign(entity=str(entity))


@dataclass(frozen=True)
class RunSummary:
    """The Results page's view of a run; build it with `summarise`."""

    run_id: str
    task: str
    models: tuple[str, ...]  # models with scores in predictions.csv (SCORE_COLUMNS keys)
    y_points: np.ndarray  # regression: actual and predicted test values, at most
    score_points: np.ndarray  # SCATTER_POINTS of them (a seeded sample) for the scatters
    event_rate: float = float("nan")
    one_class: bool = False  # the test split holds only one class: no ranking curves
    roc: dict[str, Curve] = field(default_factory=dict)
    pr: dict[str, Curve] = field(default_factory=dict)
    calibration: dict[str, pd.DataFrame] = field(default_factory=dict)  # with "model_raw"
    ks: pd.DataFrame | None = None
    lift: pd.DataFrame | None = None
    histogram: Histogram | None = None
    threshold: ThresholdCounts | None = None
    validation: tuple[np.ndarray, np.ndarray] | None = None  # (y, score): cost-optimal search
    default_threshold: float | None = None  # ui.state.run_threshold's first choice
    timeline: Timeline | None = None


def _timeline(pred: pd.DataFrame) -> Timeline | None:
    """The frame sorted by entity (then time) once, and each entity's row range."""
    if "time" not in pred or pred["time"].isna().all():
        return None

    riskiest = riskiest_table_frame(pred, n=RISKIEST)
    codes, names = pd.factorize(pred["entity"], sort=True)
    order = np.lexsort((pred["time"].to_numpy(), codes))
    columns = [c for c in TIMELINE_COLUMNS if c in pred]
    frame = pred[columns].iloc[order].reset_index(drop=True)
    frame["split"] = frame["split"].astype("category")
    sorted_codes = codes[order]
    starts = np.searchsorted(sorted_codes, np.arange(len(names)), side="left")
    stops = np.searchsorted(sorted_codes, np.arange(len(names)), side="right")
    names = [str(n) for n in names]
    bounds = {n: (int(a), int(b)) for n, a, b in zip(names, starts, stops, strict=True)}
    first = [str(e) for e in riskiest["entity"]]
    seen = set(first)
    entities = first + [n for n in names if n not in seen]
    return Timeline(frame, bounds, entities, riskiest)


def _classification(pred: pd.DataFrame, test: pd.DataFrame, models: tuple[str, ...]) -> dict:
    y = test["y_true"].to_numpy(dtype=float)
    out: dict = {"event_rate": float(np.mean(y == 1)), "one_class": not M.both_classes(y)}
    scores = {m: test[SCORE_COLUMNS[m]].to_numpy(dtype=float) for m in models}
    if not out["one_class"]:
        out["roc"] = {m: Curve(*M.roc_curve_summary(y, s)) for m, s in scores.items()}
        out["pr"] = {m: Curve(*M.pr_curve_summary(y, s)) for m, s in scores.items()}
        out["ks"] = M.ks_curve_table(y, scores["model"])
        out["lift"] = M.lift_table(y, scores["model"], groups=LIFT_GROUPS)
    calibrated = dict(scores)
    if raw_column("model") in test:  # the deep model before calibration, beside its twin
        raw = test[raw_column("model")].to_numpy(dtype=float)
        calibrated = {"model": scores["model"], "model_raw": raw}
        calibrated.update({m: s for m, s in scores.items() if m != "model"})
    out["calibration"] = {
        m: M.calibration_table(y, s, bins=CALIBRATION_BINS) for m, s in calibrated.items()
    }
    out["histogram"] = score_histogram(y, scores["model"])
    out["threshold"] = ThresholdCounts.of(y, scores["model"])
    validation = pred[pred["split"] == "validation"]
    if len(validation):
        out["validation"] = (
            validation["y_true"].to_numpy(dtype=float),
            validation["score"].to_numpy(dtype=float),
        )
    first = validation if len(validation) else pred[pred["split"] == "train"]
    if len(first):
        out["default_threshold"] = M.rate_matched_threshold(first["y_true"], first["score"])
    return out


def release_memory() -> None:
    """Hand the heap that a large read left behind back to the operating system.

    Reading a million-row predictions.csv leaves ~100 MB of freed but fragmented heap that
    glibc keeps (the server's memory would stay as if the frame were still held); malloc_trim
    returns it. Elsewhere (macOS, musl) there is nothing to do."""
    gc.collect()
    with contextlib.suppress(ImportError):
        import pyarrow  # the string columns' buffers live in Arrow's own pool

        pyarrow.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def summarise(run: Run, predictions: pd.DataFrame | None = None) -> RunSummary:
    """The Results page's summary of a run, from `predictions` or else read afresh from the
    run's predictions.csv (through the store's own reader, but not kept on the Run: the
    summary is what stays in memory, and the read's garbage is released)."""
    if predictions is None:
        summary = summarise(run, type(run).predictions.func(run))
        release_memory()
        return summary
    pred = predictions
    task = run.metrics.task
    test = pred[pred["split"] == "test"]
    models = tuple(m for m, c in SCORE_COLUMNS.items() if c in pred)
    parts: dict = {"y_points": np.array([]), "score_points": np.array([])}
    if task == "classification" and len(test):
        parts.update(_classification(pred, test, models))
    elif task == "regression" and len(test):
        rows = np.arange(len(test))
        if rows.size > SCATTER_POINTS:  # a scatter of 150,000 points shows no more than this
            rows = np.sort(np.random.default_rng(0).choice(rows, SCATTER_POINTS, replace=False))
        parts["y_points"] = test["y_true"].to_numpy(dtype=float)[rows]
        parts["score_points"] = test["score"].to_numpy(dtype=float)[rows]
    return RunSummary(
        run_id=run.run_id,
        task=task,
        models=models,
        timeline=_timeline(pred) if "entity" in pred else None,
        **parts,
    )


def riskiest_table_frame(pred: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The latest date's predictions, riskiest first: what an analyst should look at today.

    Columns entity, time, score, y_true and, for a seed ensemble, model_sd (raw names: the UI
    labels them). Rows without a time (cross-sectional data) are all "latest".
    """
    columns = ["entity", "time", "score", "y_true"]
    if SPREAD_COLUMN in pred:
        columns.insert(3, SPREAD_COLUMN)
    frame = pred.reindex(columns=columns)
    frame["time"] = pd.to_datetime(frame["time"], errors="coerce")
    if frame["time"].notna().any():
        frame = frame[frame["time"] == frame["time"].max()]
    return frame.sort_values("score", ascending=False, kind="stable").head(n).reset_index(drop=True)
