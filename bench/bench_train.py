"""Training speed: the data pipeline, the whole `riskcore train` job, and the GBM baseline.

    .venv/bin/python bench/bench_train.py [--samples 20000] [--epochs 3] [--repeats 3]
    .venv/bin/python bench/bench_train.py --part job [--samples 30000] [--epochs 6] [--repeats 2]
    .venv/bin/python bench/bench_train.py --part gbm [--cases market,credit,sp500,nasdaq,planted]
    .venv/bin/python bench/bench_train.py --part openmp [--repeats 2]
    nice .venv/bin/python bench/bench_train.py --part scale [--rows 10000,100000,300000,1000000]

throughput (the default part): lazy windows vs model.fit on a pre-materialised array, and
scoring speed. Default architecture (LSTM 64 -> 32 -> Dense 16), window 30, 20 sequence
features, batch 256. Steady state = epochs after the first (which pays tracing). Both sides
train the same model from the same weights in one process, alternating, and the medians are
reported. Scoring: 100,000 windows through model.predict vs calling the model on batches
(riskcore's choice).

job: riskcore.train.train_run end to end (prepare, fit, comparators, calibration, intervals,
save) against a plain script doing the same work by hand (pandas + NumPy windows, the same
Keras model from riskcore.model.build_model, model.fit, the same two scikit-learn baselines
fitted and scored), on a planted panel with sequence, macro and static inputs; `--epochs` with
no early stopping. Run A B A B in this process; the job's time is split by the stage events
train_run emits. Budget: the job <= 1.2x the plain script.

gbm: the GBM baseline as fitted before issue 16 (class_weight="balanced", which sends binning
through weighted percentiles) against riskcore.baselines.fit_baselines' (unweighted), alternating
per seed: fit seconds, validation and test ROC-AUC, test Brier after the Platt calibration every
run applies; also the logistic with and without its class weights. Cases: bench_quality's
(sample market and credit data, S&P 500 and NASDAQ from the `arch` package) and a planted panel
of 67,000 training windows.

openmp: a GBM fit after a Keras epoch in the same process, in fresh processes with libgomp's
default wait policy and with OMP_WAIT_POLICY=PASSIVE (what riskcore.jobs.passive_openmp sets in
job workers), A B A B; each also with threadpoolctl limiting OpenMP to one thread. This script
sets the passive policy for its own parts, as a job worker does.

scale (issue 18): the whole job on planted panels of 10k / 100k / 300k / 1M primary rows (1,000
business days per entity, so 10 to 1,000 entities, weekly macro, per-entity news on a fifth of
the days), 1 epoch, a small model (LSTM 16, dense 8), batch 256, each size in a fresh process:
wall seconds per stage event, the parts inside them (sentiment join, tabular features, baseline
fits, scoring every split, predictions.csv written), peak RSS, predictions.csv size and the test
ROC-AUC of every model.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

WINDOW, FEATURES, BATCH = 30, 20, 256


def panel_dataset(samples: int, entities: int = 20):
    from riskcore.config import parse_config
    from riskcore.dataset import prepare

    rng = np.random.default_rng(0)
    per = samples // entities + WINDOW + 60
    frame = pd.DataFrame(
        rng.normal(size=(per * entities, FEATURES)).astype("float32"),
        columns=[f"f{i}" for i in range(FEATURES)],
    )
    frame.insert(0, "date", np.tile(pd.bdate_range("2000-01-03", periods=per), entities))
    frame.insert(1, "entity", np.repeat([f"E{i}" for i in range(entities)], per))
    frame["event"] = (rng.random(len(frame)) < 0.2).astype("float32")
    cfg = parse_config(
        {
            "data": {
                "time": "date",
                "entity": "entity",
                "sequence_features": [f"f{i}" for i in range(FEATURES)],
                "target": {"kind": "column", "column": "event"},
            },
            "window": WINDOW,
            "horizon": 1,
            "split": {"validation": 0.05, "test": 0.05},
            "training": {"batch_size": BATCH},
        }
    )
    return cfg, prepare(cfg, frame)


class EpochTimer:
    def __init__(self):
        import keras

        class _T(keras.callbacks.Callback):
            def on_train_begin(inner, logs=None):
                inner.times = []

            def on_epoch_begin(inner, epoch, logs=None):
                inner.t0 = time.perf_counter()

            def on_epoch_end(inner, epoch, logs=None):
                inner.times.append(time.perf_counter() - inner.t0)

        self.cb = _T()


def throughput_part(samples: int, epochs: int, repeats: int) -> None:
    """Lazy windows vs a materialised array in model.fit; scoring 100,000 windows."""
    import keras

    from riskcore.batches import WindowBatches, predict_scores
    from riskcore.model import build_model, input_shapes

    cfg, ds = panel_dataset(samples)
    train = ds.splits["train"][:samples]
    n = len(train)
    shapes = input_shapes(ds.panel.names, ds.panel.input_names, WINDOW)
    x_full = ds.panel.windows(train)  # the plain reference: a materialised 3-D array
    y_full = ds.panel.y[train].astype("float32")
    ours, ref = [], []
    for r in range(repeats):
        keras.utils.set_random_seed(r)
        model = build_model(cfg, shapes)
        weights = model.get_weights()
        timer = EpochTimer()
        model.fit(
            WindowBatches(ds.panel, train, BATCH, shuffle=True, seed=r),
            epochs=epochs,
            verbose=0,
            callbacks=[timer.cb],
        )
        ours.append(n / np.median(timer.cb.times[1:]))
        model = build_model(cfg, shapes)
        model.set_weights(weights)
        timer = EpochTimer()
        model.fit(
            {"sequence": x_full},
            y_full,
            batch_size=BATCH,
            epochs=epochs,
            shuffle=True,
            verbose=0,
            callbacks=[timer.cb],
        )
        ref.append(n / np.median(timer.cb.times[1:]))
        print(f"repeat {r + 1}: lazy {ours[-1]:,.0f} samples/s, array {ref[-1]:,.0f} samples/s")
    print(
        f"training samples/s (median): lazy {np.median(ours):,.0f}, materialised "
        f"{np.median(ref):,.0f}, ratio {np.median(ours) / np.median(ref):.2f} (budget >= 0.9)"
    )
    # scoring 100,000 windows
    ends = np.resize(ds.splits["train"], 100_000)
    t_batches, t_predict = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for start in range(0, len(ends), 4096):
            model(ds.panel.inputs(ends[start : start + 4096]), training=False)
        t_batches.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        predict_scores(model, ds.panel, ends)  # riskcore's choice: model.predict
        t_predict.append(time.perf_counter() - t0)
    print(
        f"scoring 100,000 windows (median): model on batches {np.median(t_batches):.2f} s, "
        f"model.predict {np.median(t_predict):.2f} s (budget <= 10 s)"
    )


# ---- a planted panel with sequence, macro and static inputs ---------------------------------
PLANTED_SEQUENCE = [f"f{i}" for i in range(5)]
PLANTED_MACRO = ["m0", "m1"]
PLANTED_STATIC = ["s0", "s1"]


def planted_case(samples: int, entities: int = 20, seed: int = 0) -> tuple[dict, dict]:
    """(raw config, frames): ~`samples` windows over `entities` series of business days; the
    event's log-odds rise with the 5-day mean of f0, macro m0 and static s0 (~9% events);
    f1..f4, m1 and s1 are noise. Weekly macro, published the same day (lag 0D)."""
    rng = np.random.default_rng(seed)
    per = samples // entities + WINDOW
    dates = pd.bdate_range("2000-01-03", periods=per)
    weeks = dates[::5]
    m0 = np.zeros(len(weeks))
    for i in range(1, len(m0)):
        m0[i] = 0.9 * m0[i - 1] + rng.normal(0, 0.45)
    macro = pd.DataFrame({"date": weeks, "m0": m0, "m1": rng.normal(size=len(weeks))})
    m0_daily = pd.Series(m0, index=weeks).reindex(dates, method="ffill").to_numpy()
    parts = []
    for e in range(entities):
        f = rng.normal(size=(per, len(PLANTED_SEQUENCE))).astype("float32")
        s0, s1 = rng.normal(size=2)
        drift = pd.Series(f[:, 0]).rolling(5, min_periods=1).mean().to_numpy()
        logit = -2.8 + 1.5 * drift + 0.8 * m0_daily + 0.6 * s0
        part = pd.DataFrame(f, columns=PLANTED_SEQUENCE)
        part.insert(0, "date", dates)
        part.insert(1, "entity", f"E{e}")
        part["s0"], part["s1"] = s0, s1
        part["event"] = (rng.random(per) < 1 / (1 + np.exp(-logit))).astype("float32")
        parts.append(part)
    raw = {
        "data": {
            "time": "date",
            "entity": "entity",
            "sequence_features": PLANTED_SEQUENCE,
            "macro_features": PLANTED_MACRO,
            "static_features": PLANTED_STATIC,
            "macro_lag": "0D",
            "target": {"kind": "column", "column": "event"},
        },
        "task": "classification",
        "window": WINDOW,
        "horizon": 1,
        "split": {"scheme": "time", "validation": 0.15, "test": 0.15},
    }
    return raw, {"primary": pd.concat(parts, ignore_index=True), "macro": macro}


# ---- the whole job against a plain script ---------------------------------------------------
def plain_script(config, primary: pd.DataFrame, macro: pd.DataFrame) -> dict[str, float]:
    """What a competent hand-written script does for the same result: merge, scale on the
    training period, NumPy windows, model.fit, the two baselines, every split scored.
    Seconds per step."""
    import keras
    from numpy.lib.stride_tricks import sliding_window_view
    from tensorflow.python.framework.config import disable_op_determinism  # no public twin

    from riskcore.baselines import baseline_scores, fit_baselines
    from riskcore.batches import balanced_class_weight
    from riskcore.model import build_model

    disable_op_determinism()  # train_run turned it on (CPU); a plain script would not
    keras.utils.set_random_seed(config.training.seed)
    t, window, out = time.perf_counter(), config.window, {}
    f = pd.merge_asof(primary.sort_values("date"), macro.sort_values("date"), on="date")
    f = f.sort_values(["entity", "date"], kind="stable").reset_index(drop=True)
    ends = np.flatnonzero(f.groupby("entity").cumcount().to_numpy() >= window - 1)
    dates = f["date"].to_numpy().astype("datetime64[ns]")
    cut_v, cut_t = np.quantile(dates[ends].astype("int64"), [0.70, 0.85]).astype("<M8[ns]")
    train_rows = dates < cut_v
    blocks = {}
    for block, cols in (("sequence", PLANTED_SEQUENCE), ("macro", PLANTED_MACRO)):
        values = f[cols].to_numpy("float32")
        mean, sd = values[train_rows].mean(0), values[train_rows].std(0) + 1e-6
        blocks[block] = (values - mean) / sd
    values = f[PLANTED_STATIC].to_numpy("float32")
    blocks["static"] = (values - values[train_rows].mean(0)) / (values[train_rows].std(0) + 1e-6)
    windows = sliding_window_view(blocks["sequence"], window, axis=0).transpose(0, 2, 1)
    y_all = f["event"].to_numpy("float32")
    split = {
        "train": ends[dates[ends] < cut_v],
        "validation": ends[(dates[ends] >= cut_v) & (dates[ends] < cut_t)],
        "test": ends[dates[ends] >= cut_t],
    }
    x = {
        name: {
            "sequence": np.ascontiguousarray(windows[e - window + 1]),
            "macro": blocks["macro"][e],
            "static": blocks["static"][e],
        }
        for name, e in split.items()
    }
    y = {name: y_all[e] for name, e in split.items()}
    out["prepare"] = time.perf_counter() - t
    t = time.perf_counter()
    shapes = {k: v.shape[1:] for k, v in x["train"].items()}
    model = build_model(config, shapes)
    model.fit(
        x["train"],
        y["train"],
        batch_size=config.training.batch_size,
        epochs=config.training.epochs,
        validation_data=(x["validation"], y["validation"]),
        class_weight=balanced_class_weight(y["train"]),
        shuffle=True,
        verbose=0,
    )
    out["fit"] = time.perf_counter() - t
    t = time.perf_counter()
    tabular = {}
    for name, inp in x.items():
        w = inp["sequence"]
        stats = [w[:, -1], w.mean(1), w.std(1), w.min(1), w.max(1), inp["macro"], inp["static"]]
        tabular[name] = np.hstack(stats)
    base = fit_baselines("classification", tabular["train"], y["train"], config.training.seed)
    for name in split:
        baseline_scores(base, tabular[name], "classification")
    out["baselines"] = time.perf_counter() - t
    t = time.perf_counter()
    for name in split:
        model.predict(x[name], batch_size=4096, verbose=0)
    out["score"] = time.perf_counter() - t
    return out


JOB_STAGES = ("preparing", "training", "baselines", "evaluating", "saving")


def train_job(
    config, primary: pd.DataFrame, macro: pd.DataFrame, home: str, sentiment=None
) -> dict[str, float]:
    """riskcore.train.train_run, as `riskcore train` runs it; seconds per stage event."""
    from riskcore.store import RunStore
    from riskcore.train import train_run

    marks: list[tuple[str, float]] = []

    def emit(event: dict) -> None:
        if event["type"] in ("stage", "done"):
            marks.append((event.get("stage", "done"), time.perf_counter()))

    train_run(config, primary, macro, sentiment, store=RunStore(home), emit=emit)
    out: dict[str, float] = {}
    for (stage, t0), (_, t1) in itertools.pairwise(marks):  # a stage may repeat with its steps
        out[stage] = out.get(stage, 0.0) + t1 - t0
    return out


def job_part(a: argparse.Namespace) -> None:
    import keras

    from riskcore.config import parse_config

    raw, frames = planted_case(a.samples or 30_000)
    raw["training"] = {"epochs": a.epochs or 6, "patience": 0, "batch_size": a.batch or 128}
    config = parse_config(raw)
    job, plain = [], []
    with tempfile.TemporaryDirectory() as home:
        for r in range(a.repeats or 2):
            for side, runs in (("job", job), ("plain", plain)):
                keras.backend.clear_session()
                run = train_job if side == "job" else plain_script
                t = time.perf_counter()
                steps = run(config, frames["primary"], frames["macro"], *([home] * (side == "job")))
                runs.append({**steps, "total": time.perf_counter() - t})
                print(f"repeat {r + 1} {side}: " + _pairs(runs[-1]), flush=True)
    ratios = [j["total"] / p["total"] for j, p in zip(job, plain, strict=True)]
    n = sum(len(ds) for ds in [frames["primary"]])
    print(
        f"\nplanted panel: {n:,} rows, config epochs {config.training.epochs}, batch "
        f"{config.training.batch_size}; load average {_load()}"
    )
    print(
        f"ratio job / plain per pair: {_list(ratios)}; median **{statistics.median(ratios):.2f}x**"
        " (budget <= 1.2x)"
    )
    print("\n| train_run stage | median s | each |\n| --- | ---: | --- |")
    for stage in (*JOB_STAGES, "total"):
        print(_row(stage, [j[stage] for j in job]))
    print("\n| plain script step | median s | each |\n| --- | ---: | --- |")
    for step in (*plain[0],):
        print(_row(step, [p[step] for p in plain]))


# ---- the GBM baseline: before and after issue 16 --------------------------------------------
BEFORE = {"max_iter": 200, "learning_rate": 0.05, "early_stopping": True}


def gbm_cases(names: list[str]) -> dict:
    """Prepared data sets by name: bench_quality's cases and the planted 67k-window panel."""
    from bench_quality import CASES

    from riskcore.config import parse_config
    from riskcore.dataset import prepare

    out = {}
    for name in names:
        raw, frames = planted_case(96_000, entities=40) if name == "planted" else CASES[name]()
        config = parse_config(raw)
        ds = prepare(config, frames["primary"], frames.get("macro"), frames.get("sentiment"))
        out[name] = ds
    return out


def gbm_part(a: argparse.Namespace) -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from riskcore.baselines import fit_baselines
    from riskcore.calibration import fit_calibrator
    from riskcore.dataset import SPLITS

    seeds = [int(s) for s in a.seeds.split(",")]
    rows = []
    for name, ds in gbm_cases(a.cases.split(",")).items():
        x = {s: ds.panel.tabular(ds.splits[s])[0] for s in SPLITS}
        y = {s: ds.panel.y[ds.splits[s]] for s in SPLITS}
        result = {"before": [], "after": [], "logistic balanced": [], "logistic unweighted": []}
        for seed in seeds:
            for kind in result:
                t = time.perf_counter()
                if kind == "before":
                    model = HistGradientBoostingClassifier(
                        **BEFORE, random_state=seed, class_weight="balanced"
                    ).fit(x["train"], y["train"])
                elif kind == "after":
                    model = fit_baselines("classification", x["train"], y["train"], seed)["gbm"]
                else:
                    weight = "balanced" if kind == "logistic balanced" else None
                    linear = LogisticRegression(max_iter=2000, class_weight=weight)
                    model = make_pipeline(StandardScaler(), linear).fit(x["train"], y["train"])
                fit_s = time.perf_counter() - t
                pv, pt = (model.predict_proba(x[s])[:, 1] for s in ("validation", "test"))
                calibrated = fit_calibrator(y["validation"], pv, "platt").apply(pt)
                result[kind].append(
                    {
                        "fit_s": fit_s,
                        "val_auc": roc_auc_score(y["validation"], pv),
                        "test_auc": roc_auc_score(y["test"], pt),
                        "brier": float(np.mean((calibrated - y["test"]) ** 2)),
                    }
                )
        rows.append((name, x["train"].shape, float(y["train"].mean()), len(y["test"]), result))
        print(f"{name} done; load average {_load()}", flush=True)
    print(
        f"\nseeds {seeds}; medians over seeds; OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}"
    )
    print(
        "| case | train windows x columns (event rate) | test windows | model | fit s | "
        "validation ROC-AUC | test ROC-AUC (each seed) | test Brier, Platt |"
    )
    print("| --- | --- | ---: | --- | ---: | ---: | --- | ---: |")
    for name, shape, rate, n_test, result in rows:
        for kind, runs in result.items():
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            each = ", ".join(f"{r['test_auc']:.3f}" for r in runs)
            print(
                f"| {name} | {shape[0]:,} x {shape[1]} ({rate:.3f}) | {n_test:,} | {kind} | "
                f"{med['fit_s']:.2f} | {med['val_auc']:.3f} | {med['test_auc']:.3f} ({each}) | "
                f"{med['brier']:.4f} |"
            )


# ---- OpenMP wait policy after a Keras fit ---------------------------------------------------
def openmp_child() -> None:
    """One fresh process: a Keras epoch on the sample market data, then GBM fits."""
    import keras
    from threadpoolctl import threadpool_limits

    from riskcore.baselines import fit_baselines
    from riskcore.batches import WindowBatches
    from riskcore.model import build_model, input_shapes

    ds = gbm_cases(["market"])["market"]
    panel = ds.panel
    model = build_model(ds.config, input_shapes(panel.names, panel.input_names, panel.window))
    model.fit(WindowBatches(panel, ds.splits["train"], 128, shuffle=True), epochs=1, verbose=0)
    keras.backend.clear_session()
    x, y = panel.tabular(ds.splits["train"])[0], panel.y[ds.splits["train"]]
    out = {}
    for label, threads in (("all threads", None), ("1 thread", 1)):
        with threadpool_limits(threads, user_api="openmp"):
            t = time.perf_counter()
            fit_baselines("classification", x, y, 7)
            out[label] = time.perf_counter() - t
    print("RESULT " + " ".join(f"{k.replace(' ', '_')}={v:.3f}" for k, v in out.items()))


def openmp_part(a: argparse.Namespace) -> None:
    results: dict[str, list[dict]] = {"default": [], "PASSIVE": []}
    for r in range(a.repeats or 2):
        for policy, runs in results.items():
            env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
            if policy == "PASSIVE":
                env["OMP_WAIT_POLICY"] = policy
            done = subprocess.run(
                [sys.executable, __file__, "--part", "openmp-child"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
            runs.append({k: float(v) for k, v in (p.split("=") for p in line.split()[1:])})
            print(f"repeat {r + 1} {policy}: {_pairs(runs[-1])}; load {_load()}", flush=True)
    print(
        "\nbaselines (logistic + GBM) fitted after a Keras epoch, sample market data, "
        "12,492 windows; seconds"
    )
    print("| OMP_WAIT_POLICY | all threads | threadpool_limits(1) |\n| --- | --- | --- |")
    for policy, runs in results.items():
        cells = [
            f"{statistics.median(v):.2f} ({_list(v)})"
            for v in zip(*[r.values() for r in runs], strict=True)
        ]
        print(f"| {policy} | " + " | ".join(cells) + " |")


# ---- the job at scale (issue 18) ------------------------------------------------------------
SCALE_DAYS = 1000  # business days per entity: rows / 1,000 entities
TIMED = {  # module attribute -> part name, wrapped in the child to time the stages' insides
    "riskcore.dataset.join_sentiment": "sentiment join",
    "riskcore.dataset.Panel.tabular": "tabular features",
    "riskcore.train.fit_baselines": "baseline fits",
    "riskcore.train._score_all": "deep model scoring",
    "riskcore.train.baseline_scores": "baseline scoring",
    "riskcore.train.leak_suspects": "leak check",
    "riskcore.train.fit_benchmark": "benchmark fit",
    "riskcore.train._predictions": "predictions frame",
    "riskcore.train.reference_sample": "reference sample",
    "riskcore.store.RunWriter.write_csv": "CSV writes",
}


def scale_case(rows: int, seed: int = 0) -> tuple[dict, dict]:
    """planted_case at `rows` primary rows (1,000 days per entity) with a per-entity news file:
    a noise score on about a fifth of the days, so the sentiment join runs at every size."""
    entities = max(rows // SCALE_DAYS, 1)
    raw, frames = planted_case(entities * (SCALE_DAYS - WINDOW), entities, seed)
    p = frames["primary"]
    rng = np.random.default_rng(seed + 1)
    news = p.loc[rng.random(len(p)) < 0.2, ["date", "entity"]].reset_index(drop=True)
    news["sent"] = rng.normal(size=len(news))
    raw["data"]["sentiment_features"] = ["sent"]
    raw["training"] = {"epochs": 1, "patience": 0, "batch_size": 256}
    raw["model"] = {"units": [16], "dense_units": 8, "tower_units": 8}
    return raw, {**frames, "sentiment": news}


def _timed(path: str, label: str, spent: dict[str, float]) -> None:
    import importlib

    module_name, _, attr = path.rpartition(".")
    try:
        owner = importlib.import_module(module_name)
    except ModuleNotFoundError:  # a class attribute: module.Class.method
        module_name, _, cls = module_name.rpartition(".")
        owner = getattr(importlib.import_module(module_name), cls)
    if not hasattr(owner, attr):
        return
    inner = getattr(owner, attr)

    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            name = f"write {args[1]}" if label == "CSV writes" else label  # per file
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - t

    setattr(owner, attr, wrapper)


def scale_child(rows: int) -> None:
    """One size in this fresh process; prints a RESULT line of JSON."""
    import json
    import resource

    from riskcore.config import parse_config
    from riskcore.store import RunStore

    raw, frames = scale_case(rows)
    config = parse_config(raw)
    spent: dict[str, float] = {}
    for path, label in TIMED.items():
        _timed(path, label, spent)
    with tempfile.TemporaryDirectory() as home:
        t = time.perf_counter()
        stages = train_job(config, frames["primary"], frames["macro"], home, frames["sentiment"])
        total = time.perf_counter() - t
        store = RunStore(home)
        run = store.load(store.ids()[0])
        metrics = json.loads((run.path / "metrics.json").read_text())
        size = (run.path / "predictions.csv").stat().st_size
        try:
            from riskcore.scoring import training_scored

            scored = training_scored(run)
        except ImportError:  # before issue 18: every training sample was scored
            scored = (metrics["rows"]["train"],) * 2
    out = {
        "rows": len(frames["primary"]),
        "entities": int(frames["primary"]["entity"].nunique()),
        "windows": metrics["rows"],
        "stages": {**stages, "total": total},
        "parts": spent,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "cpu_s": sum(resource.getrusage(resource.RUSAGE_SELF)[:2]),  # user + system
        "predictions_mb": size / 2**20,
        "test_auc": {m: v.get("roc_auc") for m, v in metrics["test"].items()},
        "train_scored": scored,
    }
    print("RESULT " + json.dumps(out), flush=True)


def scale_part(a: argparse.Namespace) -> None:
    import json

    results = []
    for rows in (int(r) for r in a.rows.split(",")):
        done = subprocess.run(
            [sys.executable, __file__, "--part", "scale-child", "--rows", str(rows)],
            capture_output=True,
            text=True,
        )
        line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            print(done.stdout[-3000:], done.stderr[-3000:])
            raise SystemExit(f"{rows} rows failed")
        results.append(json.loads(line[7:]))
        r = results[-1]
        print(
            f"{rows:,} rows: {r['stages']['total']:.1f} s, CPU {r.get('cpu_s', 0):.0f} s, "
            f"{r['rss_mb']:.0f} MB; load {_load()}"
        )
        print("  " + json.dumps(r), flush=True)
    stages = list(dict.fromkeys(s for r in results for s in r["stages"] if s != "total"))
    stages.append("total")
    print(
        "\n| rows (entities, train windows) | " + " | ".join(stages) + " | CPU s | peak RSS MB | "
        "predictions.csv MB | test ROC-AUC model / gbm / logistic |"
    )
    print("| --- |" + " ---: |" * (len(stages) + 3) + " --- |")
    for r in results:
        auc = r["test_auc"]
        cells = [f"{r['stages'].get(s, float('nan')):.1f}" for s in stages]
        print(
            f"| {r['rows']:,} ({r['entities']}, {r['windows']['train']:,}) | "
            + " | ".join(cells)
            + f" | {r.get('cpu_s', float('nan')):.0f} | {r['rss_mb']:,.0f} | "
            + f"{r['predictions_mb']:.1f} | "
            + " / ".join(f"{auc.get(m, float('nan')):.3f}" for m in ("model", "gbm", "logistic"))
            + " |"
        )
    parts = sorted({k for r in results for k in r["parts"]})
    print("\n| part (s) | " + " | ".join(f"{r['rows']:,}" for r in results) + " |")
    print("| --- |" + " ---: |" * len(results))
    for part in parts:
        cells = " | ".join(f"{r['parts'].get(part, 0.0):.2f}" for r in results)
        print(f"| {part} | {cells} |")


# ---- helpers and entry ----------------------------------------------------------------------
def _row(label: str, values: list[float]) -> str:
    return f"| {label} | {statistics.median(values):.2f} | {_list(values)} |"


def _list(values) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def _pairs(values: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in values.items())


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


PARTS = {
    "throughput": None,
    "job": job_part,
    "gbm": gbm_part,
    "openmp": openmp_part,
    "scale": scale_part,
}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--part", choices=[*PARTS, "openmp-child", "scale-child"], default="throughput")
    p.add_argument("--samples", type=int, help="windows (throughput: 20000; job: 30000)")
    p.add_argument("--epochs", type=int, help="throughput: 3; job: 6")
    p.add_argument("--repeats", type=int, help="throughput: 3; job, openmp: 2")
    p.add_argument("--batch", type=int, help="job: 128")
    p.add_argument("--cases", default="market,credit,sp500,nasdaq,planted")
    p.add_argument("--seeds", default="7,8,9")
    p.add_argument("--rows", default="10000,100000,300000,1000000", help="scale: primary rows")
    a = p.parse_args()
    if a.part == "openmp-child":
        return openmp_child()  # the policy under test comes from the parent's environment
    from riskcore.jobs import passive_openmp

    passive_openmp()  # before scikit-learn (or TensorFlow) loads libgomp, as a job worker does
    if a.part == "scale-child":
        return scale_child(int(a.rows))
    if a.part == "throughput":
        return throughput_part(a.samples or 20_000, a.epochs or 3, a.repeats or 3)
    return PARTS[a.part](a)


if __name__ == "__main__":
    main()
