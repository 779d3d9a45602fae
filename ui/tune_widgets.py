"""Widgets of the Tune page: ranges for chosen hyperparameters, an Optuna search in a worker
(one stored run per trial), the trials table and chart, and the best config into Train."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from riskcore import cost, tasks
from riskcore.charts import compare as CC
from riskcore.compare import data_differences
from riskcore.config import field_spec
from riskcore.errors import RiskcoreError
from riskcore.settings import server_settings
from riskcore.store import Run, RunStore
from riskcore.tuning import (
    SEQUENCE_ONLY,
    TUNABLE,
    SearchSpace,
    check_space,
    objective_of,
    parse_space,
)
from ui import jobs_panel
from ui.i18n import chart_labels, t
from ui.page import load_run, relabelled, show_error
from ui.state import files, set_config_dict
from ui.text import md_escape

TUNE_TASK = tasks.TUNING
# Ranges offered first, per hyperparameter: (low, high, log), as each RunConfig field declares
STARTING_RANGES: dict[str, tuple[float, float, bool]] = {
    name: spec.start for name, spec in TUNABLE.items() if spec.start is not None
}


def param_label(name: str) -> str:
    """A hyperparameter as the Train page names it ("units" tunes layer 1's units)."""
    return t(f"train.{name}", n=1)


def _range_inputs(name: str) -> dict:
    spec = TUNABLE[name]
    if spec.kind == "choice":
        choices = st.multiselect(
            param_label(name),
            list(spec.choices),
            default=list(spec.choices),
            key=f"tune_{name}_choices",
            placeholder=t("data.choose"),
        )
        return {"choices": choices}
    low, high, log = STARTING_RANGES[name]
    c0, c1, c2, c3 = st.columns([2, 2, 2, 1], vertical_alignment="bottom")
    c0.markdown(f"**{md_escape(param_label(name))}**  \n:gray[{name}]")  # the config's key too
    whole = spec.kind == "int"
    fmt = "%d" if whole else "%g"
    cast = int if whole else float
    lo = c1.number_input(
        t("tune.low"), cast(spec.low), cast(spec.high), cast(low), format=fmt, key=f"tune_{name}_lo"
    )
    hi = c2.number_input(
        t("tune.high"),
        cast(spec.low),
        cast(spec.high),
        cast(high),
        format=fmt,
        key=f"tune_{name}_hi",
    )
    log = c3.checkbox(t("tune.log"), log, key=f"tune_{name}_log", help=t("tune.log_help"))
    return {"low": lo, "high": hi, "log": log}


def _space(run: Run):
    allowed = [n for n in TUNABLE if not (run.config.cross_sectional and n in SEQUENCE_ONLY)]
    first = [n for n in ("units", "dropout", "learning_rate") if n in allowed]
    names = st.multiselect(
        t("tune.params"),
        allowed,
        format_func=param_label,
        key=relabelled("tune_params", first),
        help=t("tune.params_help"),
        placeholder=t("data.choose"),
    )
    params = {name: _range_inputs(name) for name in names}
    c1, c2, c3 = st.columns(3)
    n, seeds = field_spec("trials", SearchSpace), field_spec("seed", SearchSpace)
    trials = c1.number_input(t("tune.trials"), n.low, n.high, 10, key="tune_trials")
    minutes = c2.number_input(
        t("tune.timeout"), 1, 24 * 60, 30, key="tune_timeout", help=t("tune.timeout_help")
    )
    seed = c3.number_input(t("train.seed"), seeds.low, seeds.high, seeds.default, key="tune_seed")
    if not params:
        st.info(t("tune.pick_params"), icon=":material/info:")
        return None
    try:
        space = parse_space(
            {"params": params, "trials": trials, "timeout_s": minutes * 60.0, "seed": seed}
        )
        check_space(space, run.config)
    except RiskcoreError as exc:
        show_error(exc)
        return None
    return space


def tune_section(run: Run) -> None:
    """Search around the active run's config, on the data it was trained on."""
    metric, _ = objective_of(run.metrics.task)
    st.caption(t("tune.caption", run_id=run.run_id, metric=t(f"chart.{metric}")))
    space = _space(run)
    if space is not None and not _expected_duration(run, space):
        space = None
    if st.button(
        t("tune.start"),
        type="primary",
        icon=":material/auto_awesome:",
        disabled=space is None or jobs_panel.busy("tune"),
        key="tune_start",
    ):
        payload = TUNE_TASK.payload(
            home=str(RunStore().root.parent), run_id=run.run_id, space=space.to_json()
        )
        jobs_panel.submit("tune", TUNE_TASK, payload)
        st.rerun()
    jobs_panel.panel("tune", on_done=_tuned, live=_live_trials)
    result = st.session_state.get("tune_result")
    if result is not None:
        _show(result)


def _expected_duration(run: Run, space: SearchSpace) -> bool:
    """Trials x the costliest trial, as the server checks it at submit (riskcore.cost); False
    (and a warning) when the search is over the cap per job."""
    try:
        size = cost.DataSize.of_summary(run.meta.summary)
        estimate = cost.tuning_estimate(run.config, size, space)
        cap = server_settings().limits.max_job_hours
    except RiskcoreError as exc:  # the server's settings file is broken
        show_error(exc)
        return False
    duration = jobs_panel.expected(estimate.seconds)
    per_trial = jobs_panel.expected(estimate.per_trial_s or 0.0)
    st.caption(t("tune.duration", duration=duration, trials=space.trials, per_trial=per_trial))
    if estimate.hours <= cap:
        return True
    st.warning(
        t("tune.over_cap", duration=duration, cap=cost.format_hours(cap)),
        icon=":material/timer_off:",
    )
    return False


def _data_check(run_id: str) -> list[str]:
    """Whether Train, which fits the files loaded in this session, would use the data the
    search ran on: a success line when it would, else a warning naming the roles and files
    that differ (or that no data is loaded). Returns the roles that differ."""
    tuned = load_run(run_id)
    loaded = files()
    differ = data_differences(tuned, [s for f in loaded.values() for s in f.sources])
    names = ", ".join(f.name for f in tuned.meta.files)
    if not differ:
        st.success(t("tune.same_data", files=md_escape(names)), icon=":material/check_circle:")
    elif "primary" not in loaded:
        st.warning(t("tune.need_data", files=md_escape(names)), icon=":material/warning:")
    else:
        now = ", ".join(loaded[r].name for r in differ if r in loaded) or "—"
        st.warning(
            t(
                "tune.other_data",
                roles=", ".join(differ),
                files=md_escape(names),
                now=md_escape(now),
            ),
            icon=":material/warning:",
        )
    return differ


def _tuned(status) -> None:
    st.session_state["tune_result"] = status.result


def _live_trials(status) -> None:
    trials = [e for e in status.events if e.get("type") == "trial"]
    if trials and status.state in jobs_panel.ACTIVE:
        rows = [{"trial": e["trial"], **e["params"], "value": e["value"]} for e in trials]
        st.dataframe(pd.DataFrame(rows), hide_index=True)


def _show(result) -> None:
    best = t(f"chart.{result.metric}")
    st.success(
        t("tune.best", run_id=result.best_run_id, metric=best, value=f"{result.best_value:.4f}"),
        icon=":material/emoji_events:",
    )
    st.dataframe(result.table, hide_index=True)
    st.plotly_chart(
        CC.tuning_parallel(result.table, result.metric, labels=chart_labels()),
        key="tune_parallel",
    )
    c1, c2 = st.columns(2)
    if c1.button(t("tune.use_best"), icon=":material/input:", key="tune_use_best"):
        set_config_dict(result.best_config)
        st.session_state["tune_loaded"] = True
    if st.session_state.get("tune_loaded"):
        c2.page_link("pages/train.py", label=t("tune.go_train"), icon=":material/model_training:")
        differ = _data_check(result.best_run_id)
        if differ:  # Train would fit the tuned config to other data: say so, offer the file
            st.download_button(
                t("tune.download_config"),
                json.dumps(result.best_config, indent=2, ensure_ascii=False),
                file_name="best_config.json",
                mime="application/json",
                icon=":material/download:",
                key="tune_download_config",
            )
