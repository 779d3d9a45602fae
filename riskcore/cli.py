"""Command-line interface: the same core as the UI, headless.

Exit codes: 0 done, 2 a user error (one `error: ...` line on stderr, no traceback), 1 a bug.
Heavy imports (TensorFlow) happen inside the commands that need them, so `inspect` and `runs`
start fast; those commands import it first, quietly (quiet_tensorflow). A run is named by its
id or by the folder `train` prints (RunStore.resolve: inside the runs folder only).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from riskcore.errors import RiskcoreError

if TYPE_CHECKING:
    from riskcore.artefacts import RunMetrics
    from riskcore.config import DataConfig

FILE_ROLES = ("data", "macro", "sentiment")
# Commands that load TensorFlow (a model is trained, loaded or exported).
TENSORFLOW_COMMANDS = frozenset(
    {"train", "score", "explain", "watch", "scenario", "export", "tune"}
)
# TensorFlow's C++ start-up lines (absl, oneDNN, cpu_feature_guard, the CUDA stub, cuInit):
# glog-style "I0000 00:00:..." lines (not "F": fatal ones stay) and its plain notices.
TF_NOISE = re.compile(
    r"^(?:[IWE]\d{4} \d\d:\d\d:\d\d|WARNING: All log messages before absl::InitializeLog"
    r"|.*oneDNN custom operations are on|To enable the following instructions:"
    r"|.*rebuild TensorFlow with the appropriate compiler flags)"
)


def quiet_tensorflow() -> None:
    """Import TensorFlow and Keras without their C++ log lines reaching the terminal.

    TF_CPP_MIN_LOG_LEVEL=3 (unless the user set it) silences the C++ logging once absl is
    initialised, and absl's Python logger is set to errors; the lines TensorFlow writes
    before that (the CUDA stub, the absl notice, cpu_feature_guard) go straight to file
    descriptor 2, so the import runs with fd 2 captured and whatever is not such a line (a
    Python warning, a failed import's message) is written back to stderr.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "tensorflow" not in sys.modules:
        sys.stderr.flush()
        saved = os.dup(2)
        with tempfile.TemporaryFile() as capture:
            os.dup2(capture.fileno(), 2)
            try:
                import keras  # noqa: F401  (imports tensorflow, the backend)
                import tensorflow  # noqa: F401
            finally:
                sys.stderr.flush()
                os.dup2(saved, 2)
                os.close(saved)
                capture.seek(0)
                text = capture.read().decode("utf-8", errors="replace")
                kept = [line for line in text.splitlines() if not TF_NOISE.match(line)]
                if kept:
                    print("\n".join(kept), file=sys.stderr)
    import absl.logging

    absl.logging.set_verbosity(absl.logging.ERROR)


RUN_HELP = "run id (see `runs`), or the run folder `train` printed"
MACRO_HELP = (
    "macro indicators file; repeat --macro for files of other frequencies (merged on the date, "
    "each with its own publication lag)"
)


def _read_inputs(args: argparse.Namespace, data: DataConfig) -> tuple[dict, list[dict]]:
    """Frames by role (primary, macro, sentiment) and their source records for meta.json.

    --macro may be repeated: the files are merged on the date into one macro frame
    (riskcore.macro.merge_files), and each is recorded with its own sha256.
    """
    from riskcore.io import read_table
    from riskcore.macro import merge_files
    from riskcore.train import describe_source

    frames, sources = {}, []
    for flag in FILE_ROLES:
        paths = getattr(args, flag, None)
        if not paths:
            continue
        role = "primary" if flag == "data" else flag
        read = []
        for path in paths if isinstance(paths, list) else [paths]:
            frame, report = read_table(path, date_format=args.date_format)
            for warning in report.warnings:
                print(f"warning: {Path(path).name}: {warning}", file=sys.stderr)
            read.append((Path(path).name, frame))
            sources.append(describe_source(role, path, path, rows=report.rows))
        if role == "macro":
            frames[role] = merge_files(read, data.macro_time or data.time, data.macro_lag)
            _warn_irregular(read, data)
        else:
            frames[role] = read[0][1]
    return frames, sources


def _warn_irregular(files: list, data: DataConfig) -> None:
    """Say so when a macro file's dates fit no frequency and its lag is left to the default."""
    from riskcore.errors import DataValidationError
    from riskcore.macro import file_frequency

    if data.macro_lag is not None or not data.macro_features:
        return
    for name, frame in files:
        try:
            freq = file_frequency(name, frame, data.macro_time or data.time)
        except DataValidationError:
            return  # the join names the bad date column
        if freq.irregular and not set(freq.columns) <= set(data.macro_lags):
            gap = f"median gap {freq.gap_days:g} days" if freq.gap_days else "a single date"
            print(
                f"warning: {name}: its dates fit no frequency ({gap}); treated as daily, with "
                "lag 0D unless data.macro_lags sets one",
                file=sys.stderr,
            )


def _console():
    from rich.console import Console

    return Console(stderr=True)


def _progress_emitter(console):
    """A rich progress bar fed by the training events; returns (emit, close)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TextColumn("{task.fields[logs]}"),
        TimeRemainingColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal,
    )
    task = progress.add_task("preparing", total=None, logs="")

    def emit(event: dict) -> None:
        if event["type"] == "stage":
            progress.update(task, description=event["stage"])
            if event.get("total"):
                progress.update(task, total=event["total"], completed=event["done"], logs="")
            elif not console.is_terminal:
                console.print(f"{event['stage']}...")
        elif event["type"] == "epoch":
            logs = "  ".join(f"{k} {v:.4f}" for k, v in event["logs"].items())
            progress.update(task, total=event["epochs"], completed=event["epoch"], logs=logs)
            if not console.is_terminal:
                console.print(f"epoch {event['epoch']}/{event['epochs']}  {logs}")

    progress.start()
    return emit, progress.stop


def _cmd_inspect(args: argparse.Namespace) -> int:
    from riskcore.io import read_table

    _, report = read_table(args.file, date_format=args.date_format)
    print(report.to_text())
    return 0


STOPPING = (
    "stopping: the network stops at the next batch and keeps its best epoch so far; the "
    "baselines still run and the run is saved. Press Ctrl+C again to discard it."
)


@contextmanager
def _first_ctrl_c_keeps_best() -> Iterator[Callable[[], bool]]:
    """While `train` runs, the first Ctrl+C is the dashboard's "Stop and keep the best epoch"
    (the yielded poll turns True; riskcore.train stops the fit and saves the run); a second
    one interrupts, and nothing is saved. Outside the main thread (signals can't be set
    there) Ctrl+C keeps its usual meaning."""
    asked = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield asked.is_set
        return

    def on_sigint(signum: int, frame: object) -> None:
        if asked.is_set():
            raise KeyboardInterrupt
        asked.set()
        print(STOPPING, file=sys.stderr, flush=True)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield asked.is_set
    finally:
        signal.signal(signal.SIGINT, previous)


def _cmd_train(args: argparse.Namespace) -> int:
    from riskcore.config import load_config
    from riskcore.stopping import stop_point
    from riskcore.store import RunStore, run_label
    from riskcore.train import train_run

    config = load_config(args.config)
    frames, sources = _read_inputs(args, config.data)
    console = _console()
    emit, close = _progress_emitter(console)
    try:
        with _first_ctrl_c_keeps_best() as stop_asked:
            run_id = train_run(
                config,
                frames["primary"],
                frames.get("macro"),
                frames.get("sentiment"),
                store=RunStore(),
                sources=sources,
                emit=emit,
                name=args.name,
                should_stop=stop_asked,
            )
    finally:
        close()
    if not run_id:  # a multi-worker run: the chief writes it
        console.print("trained as a non-chief worker; the chief (worker 0) saves the run")
        return 0
    run = RunStore().load(run_id)
    _print_headline(console, run.metrics)
    point = stop_point(run.meta.get("stopped_early"))
    if point is not None:
        console.print(
            f"stopped by the user at epoch {point['epoch']} of {point['epochs']}; "
            f"kept the best, epoch {point['best']}"
        )
    console.print(f"run {run_label(run)} saved")
    print(run.path)  # last: `explain`, `score`, `report`... accept this path as the run
    return 0


def _cmd_rename(args: argparse.Namespace) -> int:
    from riskcore.store import RunStore

    name = RunStore().rename(args.run, args.name)
    print(f"run {args.run} is now named '{name}'" if name else f"run {args.run} has no name now")
    return 0


def _print_headline(console, metrics: RunMetrics) -> None:
    """Test headline of every model, the verdict and the trust warnings, as the UI shows them."""
    from riskcore.findings import (
        DISPLAY_SCALE,
        model_label,
        recommendation_sentence,
        verdict_sentence,
        warning_sentences,
    )
    from riskcore.metrics import HEADLINE
    from riskcore.report import text
    from riskcore.verdict import decide

    test = metrics.test
    key = HEADLINE[metrics.task]
    scale = DISPLAY_SCALE.get(key, 1.0)
    unit = " (bp)" if key in DISPLAY_SCALE else ""
    for name, values in test.items():
        if key not in values:
            continue
        lo, hi = (x * scale for x in values.ci(key))
        label = model_label(name, test, text)
        console.print(
            f"test {key}{unit} {label}: {values[key] * scale:.3f}  (95% CI {lo:.3f}-{hi:.3f})"
        )
        for level, b in (values.get("backtest") or {}).items():
            console.print(
                f"  VaR {level}: {b['breaches']} breaches in {b['n']} ({b['breach_rate']:.2%}), "
                f"Kupiec p {b['kupiec_p']:.3f}, Christoffersen p {b['christoffersen_p']:.3f}, "
                f"traffic light {b['traffic_light']['zone']}"
            )
    console.print(verdict_sentence(decide(metrics), test, text))
    if metrics.recommended:
        console.print(recommendation_sentence(metrics.recommended, test, text))
    for sentence in warning_sentences(metrics.warnings, test, text):
        console.print(f"[bold red]warning:[/] {sentence}")


def _cmd_score(args: argparse.Namespace) -> int:
    from riskcore.csvfile import write_csv
    from riskcore.drift import psi_reading
    from riskcore.scoring import score
    from riskcore.store import RunStore

    run = RunStore().load(args.run)
    edited = _catalogue(args) if args.reasons else None  # a broken file fails before scoring
    frames, _ = _read_inputs(args, run.config.data)
    scored = score(run, frames["primary"], frames.get("macro"), frames.get("sentiment"))
    out = scored.predictions
    note = ""
    levels = run.config.quantiles if run.config.task == "quantile" else []
    if args.reasons:
        from riskcore.explain import risk_model
        from riskcore.reasons import scored_reasons

        model = risk_model(run, run.load_model()) if levels else None  # a VaR: lower = riskier
        reasons, n = scored_reasons(
            run, scored, args.rows, edited, args.language, args.background, model=model
        )
        out = out.join(reasons)
        note = (
            f"reasons for the latest {n} of {len(out)} scored rows (SHAP on each; "
            f"--rows {args.rows}); raise --rows to compute more"
        )
    write_csv(out, args.out)
    console = _console()
    console.print(f"scored {len(scored.predictions)} rows -> {args.out}")
    if levels:
        columns = ", ".join(c for c in out.columns if c.startswith(("var_", "es_")))
        console.print(f"VaR and ES per level (returns; score = the lowest level's VaR): {columns}")
    if note:
        console.print(note)
    drift = scored.drift.sort_values("psi", ascending=False)
    console.print(
        "drift against the training data (PSI; < 0.1 stable, 0.1-0.25 moderate, > 0.25 major):"
    )
    for row in drift.head(10).itertuples():
        console.print(f"  {row.feature:<30} {row.psi:7.3f}  {psi_reading(row.psi)}")
    return 0


def _cmd_runs(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from riskcore.store import MB, RunStore

    store = RunStore()
    if args.delete:
        run_id = store.resolve(args.delete)
        freed = store.delete(run_id)
        print(f"deleted run {run_id} ({freed / MB:,.1f} MB freed)")
        return 0
    rows = store.list()
    for run_id, reason in store.skipped:
        print(f"warning: skipped run {run_id}: {reason}", file=sys.stderr)
    if not rows:
        print(f"no runs yet in {store.root}; train one with `python -m riskcore train`")
        return 0
    table = Table(
        "run", "name", "created", "data", "task", "target", "test ROC-AUC / RMSE", "device"
    )
    table.columns[0].no_wrap = table.columns[2].no_wrap = True
    for r in rows:
        value = r["roc_auc"] if r["task"] == "classification" else r["rmse"]
        shown = f"{value:.3f}" if isinstance(value, float) else "-"
        name = r["name"] + (" (stopped early)" if r["stopped_early"] else "")
        table.add_row(
            r["run_id"], escape(name), r["created"], escape(r["data"]), r["task"], r["target"],
            shown, r["device"],
        )  # fmt: skip
    Console(width=160).print(table)
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    from riskcore.csvfile import write_csv
    from riskcore.explain import explain_run, save_explanation
    from riskcore.store import RunStore

    store = RunStore()
    store.check_writable_run(args.run)  # a read-only or full store fails before SHAP runs
    run = store.load(args.run)
    edited = _catalogue(args)  # a broken file fails before SHAP runs
    emit, close = _progress_emitter(_console())
    try:
        explanation = explain_run(run, args.how, args.rows, args.entity, args.background, emit=emit)
    finally:
        close()
    save_explanation(store, run, explanation)
    table = explanation.shap_table()
    if args.reasons:
        from riskcore.reasons import explanation_reasons, load_catalogue, run_columns

        catalogue = edited or load_catalogue(run, explanation)
        columns = [c for block in run_columns(run).values() for c in block]
        reasons = explanation_reasons(explanation, catalogue, args.language, columns)
        table = table.reset_index(drop=True).join(reasons.filter(like="reason_"))
    write_csv(table, args.out)
    print(
        f"explained {len(explanation.rows)} predictions -> {args.out} "
        f"(additivity gap {explanation.additivity_gap:.4f})"
    )
    if args.reasons:
        print(
            f"reasons for all {len(table)} explained predictions "
            "(explain more with --rows N to compute more)"
        )
    return 0


def _catalogue(args: argparse.Namespace):
    """The edited reason catalogue of --catalogue FILE, or None (the run's own)."""
    from riskcore.reasons import read_catalogue

    return read_catalogue(args.catalogue) if args.catalogue else None


def _cmd_export(args: argparse.Namespace) -> int:
    from riskcore.export import export_run
    from riskcore.store import RunStore

    target = export_run(RunStore().load(args.run), args.out)
    print(target)
    return 0


def _cmd_watch(args: argparse.Namespace) -> int:
    from riskcore.store import RunStore
    from riskcore.watch import Outcome, Watcher, monitor_folder

    store = RunStore()
    run = store.load(args.run)
    frames, _ = _read_inputs(args, run.config.data)
    watcher = Watcher(
        run,
        args.folder,
        args.out or monitor_folder(store, args.run),
        frames.get("macro"),
        frames.get("sentiment"),
        psi_alert=args.psi_alert,
        threshold=args.threshold,
    )

    def report(o: Outcome) -> None:
        if o.error:
            print(f"error: {o.file}: {o.error}", file=sys.stderr)
            return
        print(
            f"{o.file}: {o.rows} scored, mean score {o.mean_score:.3f}, PSI of the score "
            f"{o.score_psi:.3f} -> {o.scores}"
        )
        if o.crossed:
            print(
                f"alert: {o.file}: {len(o.crossed)} entities crossed the threshold "
                f"{args.threshold:g}: {', '.join(o.crossed[:10])}",
                file=sys.stderr,
            )
        if o.drifted:
            listed = ", ".join(f"{k} {v:.2f}" for k, v in o.drifted.items())
            print(
                f"alert: {o.file}: drift at or above PSI {args.psi_alert}: {listed}",
                file=sys.stderr,
            )

    if args.once:
        outcomes = watcher.scan(now=float("inf"))
        for outcome in outcomes:
            report(outcome)
        print(f"{len(outcomes)} new file(s) in {args.folder}")
        return 0
    print(f"watching {args.folder} every {args.interval:g} s; Ctrl+C stops", file=sys.stderr)
    try:
        watcher.forever(args.interval, report)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    return 0


REPORT_FORMATS = ("pdf", "csv")


def _cmd_report(args: argparse.Namespace) -> int:
    from riskcore import report as R
    from riskcore.store import RunStore

    fmt = args.format.lower()
    if fmt not in REPORT_FORMATS:
        raise R.ReportError(f"--format must be pdf or csv, got '{args.format}'")
    run = RunStore().load(args.run)
    note = ""
    if fmt == "csv":
        scope = "all" if args.all_splits else "test"
        data = R.report_csv(run, threshold=args.threshold, language=args.language, scope=scope)
        from riskcore.report.table import load_explanations, reasons_note

        exp = load_explanations(run)
        table = R.prediction_table(run, explanations=exp, language=args.language, scope=scope)
        note = reasons_note(table, args.language)
    else:
        notes = _read_notes(args.notes_file) if args.notes_file else ""
        data = R.report_pdf(
            run, title=args.title, notes=notes, language=args.language, threshold=args.threshold
        )
    _write_output(Path(args.out), data)
    _console().print(f"{fmt} report of run {run.run_id}: {len(data) / 1024:,.0f} KB -> {args.out}")
    if note:
        _console().print(note)
    return 0


def _cmd_document(args: argparse.Namespace) -> int:
    """Editable model documentation of a run (.docx) for its validation and approval."""
    from riskcore import report as R
    from riskcore.store import RunStore

    run = RunStore().load(args.run)
    data = R.model_document(run, language=args.language)
    _write_output(Path(args.out), data)
    _console().print(
        f"model documentation of run {run.run_id}: {len(data) / 1024:,.0f} KB -> {args.out}"
    )
    return 0


def _read_notes(path: str) -> str:
    from riskcore.report import ReportError

    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ReportError(f"cannot read the notes file '{path}' ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ReportError(f"the notes file '{path}' is not UTF-8 text; save it as UTF-8") from None


def _write_output(path: Path, data: bytes) -> None:
    """Write beside the target and rename, so a failed write never leaves half a file."""
    from riskcore.report import ReportError

    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ReportError(
            f"cannot write '{path}' ({exc.strerror or exc}); choose a writable path with --out"
        ) from None


def _cmd_scenario(args: argparse.Namespace) -> int:
    from riskcore.csvfile import csv_bytes
    from riskcore.scenarios import load_scenario, run_scenarios, save_scenarios, validate_scenario
    from riskcore.store import RunStore

    store = RunStore()
    if not args.data:  # its results are stored with the run: fail before the model runs
        store.check_writable_run(args.run)
    run = store.load(args.run)
    scenario = load_scenario(args.scenario)
    validate_scenario(scenario, run)  # before any data is read or model loaded
    if args.data:
        frames, _ = _read_inputs(args, run.config.data)
    else:
        frames = run.inputs()
    result = run_scenarios(
        run,
        [scenario],
        frames["primary"],
        frames.get("macro"),
        frames.get("sentiment"),
        which=args.which,
    )[0]
    _write_output(Path(args.out), csv_bytes(result.table))
    if not args.data:  # results on the run's own data are kept with it for the report
        save_scenarios(store, run.run_id, [result])
    s = result.summary()
    console = _console()
    if result.levels:  # a quantile run: VaR and ES, baseline vs stressed
        console.print(
            f"scenario '{scenario.name}': {s['affected']} of {s['predictions']} predictions "
            f"changed -> {args.out}; means over them (returns; a negative change = more risk):"
        )
        for v in s["var"].values():
            console.print(
                f"  VaR {v['level']:g}: {v['var_base']:.2%} -> {v['var_scenario']:.2%} "
                f"({v['var_change_bp']:+.1f} bp); ES {v['es_base']:.2%} -> "
                f"{v['es_scenario']:.2%} ({v['es_change_bp']:+.1f} bp)"
            )
        return 0
    console.print(
        f"scenario '{scenario.name}': {s['affected']} of {s['predictions']} predictions changed; "
        f"mean score {s['base']['mean']:.4f} -> {s['scenario']['mean']:.4f} "
        f"({s['mean_delta']:+.4f}) -> {args.out}"
    )
    return 0


def _cmd_tune(args: argparse.Namespace) -> int:
    """A search, alone or as one of several processes or machines sharing a study."""
    from riskcore.config import load_config
    from riskcore.errors import TuningError
    from riskcore.store import RunStore
    from riskcore.tuning import (
        DEFAULT_SPACE,
        check_study_name,
        load_space,
        new_study_name,
        parse_space,
        tune,
    )

    config = load_config(args.config)
    space = load_space(args.space) if args.space else parse_space(DEFAULT_SPACE)
    overrides = {"trials": args.trials, "timeout_s": args.timeout, "seed": args.seed}
    space = parse_space(
        {**space.model_dump(mode="json"), **{k: v for k, v in overrides.items() if v is not None}}
    )
    study = check_study_name(args.study) if args.study is not None else new_study_name()
    frames, sources = _read_inputs(args, config.data)
    console = _console()
    started = False

    def emit(event: dict) -> None:
        nonlocal started
        if not started:  # the first trial is starting: the study is open and can be joined
            started = True
            join = f"--study {study}" + (" and the same --storage" if args.storage else "")
            console.print(f"study {study}: more processes or machines join it with {join}")
        if event["type"] == "trial":
            value = "failed" if event["value"] is None else f"{event['value']:.4f}"
            who = f" (worker {event['worker']})" if args.workers > 1 else ""
            console.print(
                f"trial {event['trial']}/{event['trials']}{who}: {value}  {event['params']}"
            )

    try:
        result = tune(
            config,
            frames["primary"],
            frames.get("macro"),
            frames.get("sentiment"),
            space=space,
            store=RunStore(),
            sources=sources,
            emit=emit,
            study=study,
            storage=args.storage,
            workers=args.workers,
        )
    except KeyboardInterrupt:  # the finished trials are stored runs: say how to go on
        raise TuningError(
            f"interrupted; the finished trials are saved runs, kept in study {study}: run the "
            f"same command with --study {study} to go on"
        ) from None
    shown = (
        result.table.drop(columns=["error"]) if result.table["error"].isna().all() else result.table
    )
    print(shown.to_string(index=False))
    print(
        f"study {result.study} ({result.storage}): {len(result.table)} trials, "
        f"{result.ran} run by this command"
    )
    print(f"best run: {result.best_run_id} (validation {result.metric} {result.best_value:.4f})")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    """Validation checks with lights; exit 3 when any check is red (a CI gate), 0 otherwise."""
    from riskcore.store import RunStore
    from riskcore.validation import (
        EXIT_RED,
        Policy,
        ValidateError,
        load_policy,
        new_data_sample,
        save_validation,
        validate_run,
        write_result,
    )

    if (args.macro or args.sentiment) and not args.data:
        raise ValidateError("--macro and --sentiment go with --data (the new primary file)")
    store = RunStore()
    run = store.load(args.run)
    policy = load_policy(args.policy) if args.policy else Policy()
    sample = None
    if args.data:
        frames, _ = _read_inputs(args, run.config.data)
        sample = new_data_sample(
            run, frames["primary"], frames.get("macro"), frames.get("sentiment")
        )
    result = validate_run(run, policy, sample, segment=args.segment, threshold=args.threshold)
    console = _console()
    if sample is None:  # results on the run's own test split are kept with it (page, report)
        save_validation(store, result)
        console.print(f"validation.json saved with run {run.run_id}")
    if args.out:
        write_result(args.out, result)
        console.print(f"results -> {args.out}")
    _print_validation(result)
    counts = result.counts()
    console.print(
        f"{result.light.upper()}: {counts['red']} red, {counts['amber']} amber, "
        f"{counts['green']} green (policy '{policy.name}'); exit "
        f"{EXIT_RED if result.light == 'red' else 0}"
    )
    return result.exit_code


def _print_validation(result) -> None:
    """The checks (name, value, threshold, light) and the grades, as tables on stdout."""
    from rich.console import Console
    from rich.table import Table

    colour = {"green": "green", "amber": "yellow", "red": "bold red", "none": "dim"}

    def shown(value) -> str:
        if value is None or value != value:
            return "-"
        return f"{value:,.0f}" if float(value).is_integer() and abs(value) >= 1 else f"{value:.4g}"

    out = Console(width=160)
    data = result.data
    period = f", {data['from']} to {data['to']}" if data.get("from") else ""
    table = Table(
        "check",
        "value",
        "threshold",
        "light",
        "detail",
        title=f"validation of run {result.run_id}: {data['kind']} data, "
        f"{data['with_outcome']:,} rows with outcomes{period}",
    )
    for c in result.checks:
        light = f"[{colour[c.light]}]{c.light}[/]"
        name = f"{c.name} {c.level}" if c.level else c.name
        table.add_row(name, shown(c.value), c.threshold_text(), light, c.detail)
    for s in result.skipped:
        table.add_row(s["name"], "-", "-", "[dim]skipped[/]", s["reason"])
    out.print(table)
    if result.quantile:
        _print_backtests(out, result.backtests, shown, colour)
        return
    grades = Table(
        "grade",
        "PD range",
        "n",
        "defaults",
        "mean PD",
        "observed",
        "binomial p",
        "Jeffreys p",
        "light",
        title=f"master scale ({result.scale.get('source')} bounds)",
    )
    for g in result.grades.itertuples():
        grades.add_row(
            str(g.grade),
            f"{g.pd_from * 100:g}-{g.pd_to * 100:g}%",
            f"{g.n:,}",
            f"{g.defaults:,}",
            shown(g.mean_pd),
            shown(g.observed_rate),
            shown(g.binomial_p),
            shown(g.jeffreys_p),
            f"[{colour.get(g.light, 'dim')}]{g.light}[/]",
        )
    out.print(grades)


def _print_backtests(out, backtests, shown, colour) -> None:
    """A quantile run's backtests per VaR level, pooled then per entity (the checks' numbers)."""
    from rich.table import Table

    zone = {"green": "green", "yellow": "amber", "red": "red"}
    table = Table(
        "level", "scope", "n", "breaches", "rate", "Kupiec p", "Christoffersen p", "CC p",
        "traffic light", "ES Z2", "Z2 zone", title="VaR / ES backtests",
    )  # fmt: skip
    for r in backtests.itertuples():
        light = zone.get(r.zone, "none")
        table.add_row(
            str(r.level),
            str(r.scope),
            f"{r.n:,}",
            f"{r.breaches:,}",
            f"{r.breach_rate:.2%}",
            shown(r.kupiec_p),
            shown(r.christoffersen_p),
            shown(r.conditional_coverage_p),
            f"[{colour[light]}]{r.zone}[/] ({r.exceptions} in {r.window})",
            shown(r.es_z2),
            str(r.es_zone or "-"),
        )
    out.print(table)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "inspect": _cmd_inspect,
    "train": _cmd_train,
    "rename": _cmd_rename,
    "score": _cmd_score,
    "runs": _cmd_runs,
    "explain": _cmd_explain,
    "export": _cmd_export,
    "watch": _cmd_watch,
    "report": _cmd_report,
    "scenario": _cmd_scenario,
    "tune": _cmd_tune,
    "validate": _cmd_validate,
    "document": _cmd_document,
}


def _add_inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", required=True, help="primary time series (CSV / TSV / XLSX)")
    p.add_argument("--macro", action="append", help=MACRO_HELP)
    p.add_argument("--sentiment", help="news sentiment file")
    _add_date_format(p)


def _add_date_format(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--date-format",
        help="strftime format for date columns that are ambiguous, e.g. %%d/%%m/%%Y",
    )


def _add_reason_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--catalogue",
        help="edited reason catalogue JSON (default: the run's reasons.json or generated texts)",
    )
    p.add_argument(
        "--language", choices=("en", "zh"), default="en", help="language of the reason texts"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m riskcore",
        description="RiskLens: train, score, explain and report financial risk models. "
        "Runs are stored under $RISKCORE_HOME/runs (default ./runs).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("inspect", help="show how a CSV / TSV / XLSX file is read")
    p.add_argument("file", help="path of the file")
    _add_date_format(p)
    p = sub.add_parser("train", help="train a run from a RunConfig JSON; prints the run folder")
    p.add_argument("config", help="RunConfig JSON (download one from the Data page)")
    _add_inputs(p)
    p.add_argument("--name", help="a name for the run, shown by `runs`, the dashboard, reports")
    p = sub.add_parser("rename", help="name a run, or rename it (an empty name removes it)")
    p.add_argument("run", help=RUN_HELP)
    p.add_argument("name", help="the new name (at most 80 characters)")
    p = sub.add_parser("score", help="score new data with a saved run")
    p.add_argument("run", help=RUN_HELP)
    _add_inputs(p)
    p.add_argument(
        "--out",
        required=True,
        help="output CSV of predictions (a quantile run: var_<level>, es_<level> per level)",
    )
    p.add_argument(
        "--reasons",
        action="store_true",
        help="add reason_1..reason_4 (the inputs that raised the risk most): computes SHAP for "
        "the latest --rows scored rows",
    )
    p.add_argument(
        "--rows", type=int, default=500, help="with --reasons: rows to explain (default 500)"
    )
    p.add_argument("--background", type=int, default=100, help="training windows as reference")
    _add_reason_options(p)
    p = sub.add_parser("runs", help="list saved runs, or delete one")
    p.add_argument("--delete", metavar="RUN", help="delete this run (its folder and all files)")
    p = sub.add_parser("explain", help="SHAP values of a run's test predictions, as CSV")
    p.add_argument("run", help=RUN_HELP)
    p.add_argument("--rows", type=int, default=300, help="predictions to explain (default 300)")
    p.add_argument(
        "--how",
        choices=("latest", "riskiest", "random", "entity"),
        default="random",
        help="which test predictions: each entity's latest, the riskiest, a random sample "
        "(default), or one --entity",
    )
    p.add_argument("--entity", help="the entity to explain with --how entity")
    p.add_argument("--background", type=int, default=100, help="training windows as reference")
    p.add_argument("--out", required=True, help="output CSV, one row per prediction")
    p.add_argument(
        "--reasons", action="store_true", help="add reason_1..reason_4 (code: text) columns"
    )
    _add_reason_options(p)
    p = sub.add_parser("export", help="SavedModel for TF Serving + the preprocessing as JSON")
    p.add_argument("run", help=RUN_HELP)
    p.add_argument("--out", required=True, help="new folder for saved_model/ and the JSON")
    _add_watch_parser(sub)
    _add_report_parser(sub)
    _add_scenario_parsers(sub)
    _add_validate_parser(sub)
    p = sub.add_parser("document", help="write a run's editable model documentation (.docx)")
    p.add_argument("run", help=RUN_HELP)
    p.add_argument("--out", required=True, help="output .docx file")
    p.add_argument("--language", default="en", help="en or zh (简体中文)")
    return parser


def _add_watch_parser(sub) -> None:
    p = sub.add_parser("watch", help="score files as they arrive in a folder; drift alerts")
    p.add_argument("folder", help="folder to watch for CSV / TSV / XLSX files")
    p.add_argument("--run", required=True, help=RUN_HELP)
    p.add_argument(
        "--out",
        help="folder for scores, log and alerts (default $RISKCORE_HOME/monitor/RUN, "
        "which the Monitor page shows)",
    )
    p.add_argument("--macro", action="append", help=f"{MACRO_HELP}, joined to every file")
    p.add_argument("--sentiment", help="news sentiment joined to every file")
    p.add_argument("--interval", type=float, default=30.0, help="seconds between scans")
    p.add_argument("--psi-alert", type=float, default=0.25, help="PSI that raises an alert")
    p.add_argument(
        "--threshold", type=float, default=0.5, help="score at which an entity is an alert"
    )
    p.add_argument("--once", action="store_true", help="score what is there now, then exit")
    _add_date_format(p)


def _add_report_parser(sub) -> None:
    p = sub.add_parser("report", help="write a run's risk report as PDF or CSV")
    p.add_argument("run", help=RUN_HELP)
    p.add_argument("--format", required=True, help="pdf (risk committee) or csv (spreadsheet)")
    p.add_argument("--out", required=True, help="output file")
    p.add_argument("--language", default="en", help="PDF language: en or zh (简体中文)")
    p.add_argument("--title", help="PDF title (default: Risk report / 风险报告)")
    p.add_argument("--notes-file", help="UTF-8 text file of analyst notes for the PDF cover")
    p.add_argument(
        "--all-splits",
        action="store_true",
        help="CSV: every split's predictions (train, validation, test); default: the test period",
    )
    p.add_argument(
        "--threshold",
        type=float,
        help="decision threshold: adds a flagged column (score at or above it; for a VaR run a "
        "return, e.g. -0.03, flagging a VaR at or below it)",
    )


def _add_validate_parser(sub) -> None:
    p = sub.add_parser(
        "validate", help="validation checks with lights against a policy; exit 3 when any is red"
    )
    p.add_argument("run", help=RUN_HELP)
    p.add_argument(
        "--policy", help="policy JSON or YAML (default: sample_data/validation_policy.json)"
    )
    p.add_argument("--data", help="out-of-time primary data (default: the run's test split)")
    p.add_argument("--macro", action="append", help=f"{MACRO_HELP}, for --data")
    p.add_argument("--sentiment", help="news sentiment file for --data")
    p.add_argument("--segment", help="primary column for segments and adverse impact, e.g. age")
    p.add_argument(
        "--threshold",
        type=float,
        help="decision threshold for approval rates (approve = score < threshold; default: "
        "the run's, as on the Results page)",
    )
    p.add_argument("--out", help="write the results JSON here too (same as validation.json)")
    _add_date_format(p)


def _add_scenario_parsers(sub) -> None:
    p = sub.add_parser("scenario", help="re-score a run's predictions under a what-if scenario")
    p.add_argument("run", help=RUN_HELP)
    p.add_argument("--scenario", required=True, help='scenario JSON {"name": ..., "shocks": [...]}')
    p.add_argument(
        "--out",
        required=True,
        help="output CSV: time, entity, score_base, ... (a quantile run: also var_<level>_base, "
        "var_<level>_scenario, var_<level>_delta and the same for es_<level>)",
    )
    p.add_argument(
        "--which",
        choices=("test", "latest", "all"),
        default="test",
        help="predictions to stress: the test period (default), each entity's latest, or all",
    )
    p.add_argument("--data", help="new primary data (default: the data the run was trained on)")
    p.add_argument("--macro", action="append", help=f"{MACRO_HELP}, for --data")
    p.add_argument("--sentiment", help="news sentiment file for --data")
    _add_date_format(p)
    p = sub.add_parser("tune", help="Optuna search over hyperparameters, one stored run per trial")
    p.add_argument("config", help="RunConfig JSON: the starting point of the search")
    _add_inputs(p)
    p.add_argument(
        "--trials", type=int, help="trials of the study in all, whoever runs them (default 20)"
    )
    p.add_argument("--timeout", type=float, help="seconds after which no new trial starts")
    p.add_argument("--space", help="search-space JSON (default: units, dropout, learning_rate)")
    p.add_argument("--seed", type=int, help="sampler seed (default 0)")
    p.add_argument(
        "--study",
        help="study name: commands given the same name and storage share one search and its "
        "--trials budget (default: a new name, printed)",
    )
    p.add_argument(
        "--storage",
        help="database URL of the study, e.g. postgresql://user:password@host/db for several "
        "machines (default: sqlite:///$RISKCORE_HOME/studies/STUDY.db)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes here sharing the study, each with cores / N threads (default 1)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its usage message
        return 2 if exc.code not in (0, None) else 0
    try:
        if getattr(args, "run", None) is not None:  # an id, or the folder `train` printed
            from riskcore.store import RunStore

            args.run = RunStore().resolve(args.run)
        if args.command in TENSORFLOW_COMMANDS:
            quiet_tensorflow()
        return COMMANDS[args.command](args)
    except RiskcoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; nothing was saved", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `inspect FILE | head`: the reader left, nothing went wrong
        sys.stderr.close()
        return 0
