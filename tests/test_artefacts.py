"""Typed run artefacts (riskcore.artefacts): runs as today's code writes them and older runs load
into the typed views, a malformed file is a RunStoreError naming the run, progress events
round-trip through their models."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from riskcore.artefacts import (
    ArtefactError,
    BatchEvent,
    DoneEvent,
    EpochEvent,
    ModelScores,
    RunMeta,
    RunMetrics,
    RunWarning,
    SourceFile,
    StageEvent,
    TrialEvent,
    last_event,
    parse_event,
)
from riskcore.errors import RunStoreError
from riskcore.store import RunStore
from riskcore.verdict import decide

RUN_ID = "20260101-120000-a1b2c3"


def _scores(auc: float, **extra) -> dict:
    return {
        "roc_auc": auc,
        "roc_auc_ci": [auc - 0.03, auc + 0.03],
        "pr_auc": 0.41,
        "pr_auc_ci": [0.35, 0.47],
        "ks": 0.32,
        "ks_ci": [0.27, 0.37],
        "gini": 2 * auc - 1,
        "gini_ci": [2 * auc - 1.06, 2 * auc - 0.94],
        "brier": 0.18,
        "brier_ci": [0.17, 0.19],
        "log_loss": 0.55,
        "log_loss_ci": [0.53, 0.57],
        "ece": 0.02,
        "ece_ci": [0.01, 0.03],
        **extra,
    }


BENCHMARK = {"feature": "r_std", "input": "r", "stat": "std", "sign": 1.0, "validation_score": 0.6}

# metrics.json and meta.json as riskcore/train.py train_run writes them at commit 9affd12
TODAY_METRICS = {
    "task": "classification",
    "rows": {"train": 700, "validation": 150, "test": 150},
    "test": {
        "model": _scores(0.74),
        "logistic": _scores(0.70),
        "gbm": _scores(0.71),
        "benchmark": _scores(0.62, **BENCHMARK),
    },
    "paired": {
        "logistic": {"roc_auc": 0.04, "roc_auc_ci": [0.01, 0.07]},
        "gbm": {"roc_auc": 0.03, "roc_auc_ci": [0.005, 0.055]},
        "benchmark": {"roc_auc": 0.12, "roc_auc_ci": [0.08, 0.16]},
    },
    "validation": {
        "model": {"roc_auc": 0.73, "brier": 0.18},
        "logistic": {"roc_auc": 0.69},
        "gbm": {"roc_auc": 0.7},
        "benchmark": {"roc_auc": 0.6, **BENCHMARK},
    },
    "intervals": {"method": "block_bootstrap", "block_days": 20, "n_boot": 200, "level": 0.95},
    "calibration": {"method": "platt", "fitted_on": "validation"},
    "warnings": [
        {"kind": "leak_input", "feature": "x_lead", "input": "x_lead", "stat": "value", "auc": 1.0},
        {"kind": "event_rate_shift", "train": 0.3, "test": 0.12},
    ],
    "walk_forward": {
        "folds": [{"model": {"roc_auc": 0.72, "n": 100}, "gbm": {"roc_auc": 0.7, "n": 100}}],
        "summary": {"model": {"roc_auc": {"mean": 0.72, "std": 0.0}}},
    },
}
TODAY_META = {
    "created": "2026-01-01T12:00:00+00:00",
    "device": "CPU",
    "mixed_precision": False,
    "files": [
        {"role": "primary", "name": "prices.csv", "bytes": 1234, "sha256": "ab" * 32, "rows": 900},
        {"role": "macro", "name": "macro.csv", "bytes": 99, "sha256": "cd" * 32, "rows": 40},
    ],
    "owner": "0123abcd",
    "target": "column",
    "summary": {"entities": 2, "features": 3},
    "parameters": 12345,
    "epochs_run": 7,
    "timings": {"prepare_s": 0.4, "fit_s": 12.5, "total_s": 14.0},
    "versions": {"python": "3.11.9", "tensorflow": "2.21.0", "shap": None},
    "distribute": {"strategy": "none", "replicas": 1},
}
# a run from before the trust work: no benchmark, paired, intervals, calibration or warnings
OLD_METRICS = {
    "task": "regression",
    "rows": {"train": 70, "validation": 15, "test": 15},
    "test": {
        "model": {"rmse": 0.2, "rmse_ci": [0.18, 0.22]},
        "logistic": {},
        "gbm": {"rmse": 0.25},
    },
    "validation": {"model": {"rmse": 0.21}},
}
OLD_META = {"created": "2025-01-01T00:00:00+00:00", "files": [{"name": "old.csv"}]}


def _write_run(home: Path, metrics: object, meta: object, run_id: str = RUN_ID) -> RunStore:
    folder = home / "runs" / run_id
    folder.mkdir(parents=True)
    (folder / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return RunStore(home)


def test_a_run_written_by_todays_code_loads_into_the_typed_models(tmp_path) -> None:
    run = _write_run(tmp_path, TODAY_METRICS, TODAY_META).load(RUN_ID)
    m = run.metrics
    assert isinstance(m, RunMetrics) and m.task == "classification" and m.classification
    assert m.rows == {"train": 700, "validation": 150, "test": 150}
    assert m.models("test") == ["model", "logistic", "gbm", "benchmark"]
    model = m.test["model"]
    assert isinstance(model, ModelScores)
    assert model.value("roc_auc") == 0.74 and model.ci("roc_auc") == pytest.approx((0.71, 0.77))
    assert model.get("pr_auc") == 0.41 and model["ks"] == 0.32  # mapping-style reads too
    bench = m.scores("benchmark")
    assert (bench.feature, bench.input, bench.stat, bench.sign) == ("r_std", "r", "std", 1.0)
    assert m.scores("benchmark", "validation").validation_score == 0.6
    assert m.paired["gbm"].ci("roc_auc") == (0.005, 0.055)
    assert m.intervals["method"] == "block_bootstrap"
    assert m.calibration == {"method": "platt", "fitted_on": "validation"}
    assert [w.kind for w in m.warnings] == ["leak_input", "event_rate_shift"]
    assert isinstance(m.warnings[0], RunWarning) and m.warnings[0]["auc"] == 1.0
    assert m.walk_forward["folds"][0]["model"]["roc_auc"] == 0.72
    # still the JSON on disk: equal to it, serialisable, and a plain dict again on request
    assert m == TODAY_METRICS and json.loads(json.dumps(m)) == TODAY_METRICS
    assert type(m.to_dict()) is dict and type(m.to_dict()["test"]["model"]) is dict
    meta = run.meta
    assert isinstance(meta, RunMeta) and meta == TODAY_META
    assert isinstance(meta.files[0], SourceFile)
    assert [(f.role, f.name, f.rows) for f in meta.files] == [
        ("primary", "prices.csv", 900),
        ("macro", "macro.csv", 40),
    ]
    assert meta.file_names == "prices.csv, macro.csv"
    assert (meta.device, meta.owner, meta.parameters, meta.epochs_run) == (
        "CPU",
        "0123abcd",
        12345,
        7,
    )
    assert meta.timings["fit_s"] == 12.5 and meta.versions["shap"] is None
    assert meta.distribute == {"strategy": "none", "replicas": 1}
    assert decide(m).outcome == "better" and decide(m).comparator == "gbm"
    assert run.metrics is m  # validated once, then cached


def test_an_older_run_without_the_trust_keys_loads_with_defaults(tmp_path) -> None:
    run = _write_run(tmp_path, OLD_METRICS, OLD_META).load(RUN_ID)
    m = run.metrics
    assert m.task == "regression" and not m.classification
    assert m.models("test") == ["model", "gbm"]  # an empty entry is not a model
    assert m.paired == {} and m.warnings == [] and m.calibration is None
    assert m.intervals == {} and m.walk_forward is None
    assert "paired" not in m and m.get("paired") is None  # absent keys stay absent on disk
    assert m.scores("benchmark") == {} and math.isnan(m.scores("benchmark").value("rmse"))
    assert m.scores("model").ci("rmse") == (0.18, 0.22)
    assert math.isnan(m.scores("gbm").ci("rmse")[0])
    assert decide(m).outcome == "within"  # no paired interval: ahead, but not proven
    meta = run.meta
    assert meta.files[0].name == "old.csv" and meta.files[0].role is None
    assert (meta.device, meta.owner, meta.parameters, meta.timings) == ("", None, None, {})
    assert RunStore(tmp_path).list()[0]["data"] == "old.csv"


def test_a_run_without_metrics_or_meta_files_reads_as_empty(tmp_path) -> None:
    (tmp_path / "runs" / RUN_ID).mkdir(parents=True)
    run = RunStore(tmp_path).load(RUN_ID)
    assert run.metrics == {} and run.metrics.test == {} and run.meta.files == []


@pytest.mark.parametrize(
    ("name", "metrics", "meta", "key"),
    [
        ("metrics.json", {**TODAY_METRICS, "test": 5}, TODAY_META, "'test'"),
        ("metrics.json", {**TODAY_METRICS, "rows": {"test": "many"}}, TODAY_META, "'rows.test'"),
        ("metrics.json", {"test": {"model": [0.7]}}, TODAY_META, "'test.model'"),
        ("metrics.json", [1, 2], TODAY_META, ""),
        ("meta.json", TODAY_METRICS, {**TODAY_META, "files": "prices.csv"}, "'files'"),
    ],
)
def test_a_malformed_file_is_a_run_store_error_naming_run_and_key(
    tmp_path, name, metrics, meta, key
) -> None:
    run = _write_run(tmp_path, metrics, meta).load(RUN_ID)
    with pytest.raises(RunStoreError) as info:
        _ = run.metrics if name == "metrics.json" else run.meta
    message = str(info.value)
    assert RUN_ID in message and name in message and key in message
    assert "Traceback" not in message


def test_a_file_that_is_not_json_is_a_run_store_error(tmp_path) -> None:
    store = _write_run(tmp_path, TODAY_METRICS, TODAY_META)
    (store.root / RUN_ID / "metrics.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(RunStoreError, match=f"run {RUN_ID}"):
        _ = store.load(RUN_ID).metrics


def test_unknown_keys_of_newer_runs_survive(tmp_path) -> None:
    newer = {**TODAY_METRICS, "reason_codes": {"top": 3}}
    newer["test"] = {**TODAY_METRICS["test"], "model": _scores(0.74, new_metric=0.5)}
    run = _write_run(tmp_path, newer, {**TODAY_META, "host": "gpu-1"}).load(RUN_ID)
    assert run.metrics["reason_codes"] == {"top": 3}
    assert run.metrics.scores("model").value("new_metric") == 0.5
    assert run.meta["host"] == "gpu-1" and run.metrics.to_dict() == newer


def test_views_of_dicts_a_fit_just_built_need_no_validation() -> None:
    built = RunMetrics.of(TODAY_METRICS)
    assert built.scores("model").value("roc_auc") == 0.74
    assert RunMetrics.of(built) is built
    with pytest.raises(ArtefactError, match="'task'"):
        RunMetrics.load({"task": ["classification"]})


EVENTS = [
    {"type": "stage", "stage": "preparing"},
    {"type": "stage", "stage": "scenarios", "done": 0, "total": 3},
    {
        "type": "epoch",
        "epoch": 3,
        "epochs": 50,
        "logs": {"loss": 0.5},
        "elapsed_s": 12.0,
        "eta_s": 190.0,
    },
    {"type": "batch", "epoch": 3, "batch": 10, "batches": 120},
    {
        "type": "trial",
        "trial": 2,
        "trials": 10,
        "params": {"units": [36, 18]},
        "value": 0.71,
        "run_id": RUN_ID,
        "error": None,
    },
    {"type": "done", "run_id": RUN_ID},
]


@pytest.mark.parametrize("event", EVENTS, ids=[e["type"] + str(i) for i, e in enumerate(EVENTS)])
def test_progress_events_round_trip(event) -> None:
    parsed = parse_event(event)
    assert parsed.to_dict() == event
    assert parse_event(parsed.to_dict()) == parsed


def test_progress_event_types_and_errors() -> None:
    kinds = [type(parse_event(e)) for e in EVENTS]
    assert kinds == [StageEvent, StageEvent, EpochEvent, BatchEvent, TrialEvent, DoneEvent]
    assert parse_event(EVENTS[2]).eta_s == 190.0
    with pytest.raises(ArtefactError, match="epoch"):
        parse_event({"type": "epoch", "epochs": 5})
    with pytest.raises(ArtefactError):
        parse_event({"type": "teleport"})
    events = [*EVENTS[:3], {"type": "stage"}]  # a malformed last stage is skipped
    assert last_event(events, "stage") == StageEvent(stage="scenarios", done=0, total=3)
    assert isinstance(last_event(events, "epoch", "stage"), EpochEvent)
    assert last_event([], "stage") is None
