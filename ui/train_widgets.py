"""Widgets of the Train page: hyperparameters, pre-flight summary, the live training job."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from riskcore import cost, tasks
from riskcore.config import RunConfig, field_spec, parse_config
from riskcore.errors import RiskcoreError
from riskcore.model import parameter_count
from riskcore.settings import server_settings
from riskcore.stopping import stop_point
from riskcore.store import check_run_name, run_label
from ui import config_widgets as W
from ui import jobs_panel
from ui.auth import user_store
from ui.explore_widgets import split_summary
from ui.i18n import chart_labels, t
from ui.page import load_run, show_error
from ui.sidebar import device_name
from ui.state import config_dict, contributing_files, files, set_active_run

TRAIN_TASK = tasks.TRAINING
NAME_KEY = "train_run_name"
TRAINED_KEY = "train_trained_form"  # (config JSON, name) of the job last submitted


def hyperparameters() -> dict | None:
    raw = config_dict()
    if "primary" not in files() or not raw.get("data"):
        st.info(t("train.need_data"), icon=":material/info:")
        st.page_link("pages/data.py", label=t("nav.data"), icon=":material/upload_file:")
        return None
    m = {**raw.get("model", {})}
    tr = {**raw.get("training", {})}
    out = dict(raw)
    with st.expander(t("train.architecture"), expanded=True):
        c1, c2, c3 = st.columns(3)
        if raw["data"].get("time") is not None:
            out.update(W.window_horizon(raw, (c1, c2)))
            _sequence_tower(m, c1, c2, c3)
        m["tower_units"] = W.select_slider(
            c1, t("train.tower_units"), "model.tower_units", m, help=t("train.tower_units_help")
        )
        m["wide"] = W.checkbox(c3, t("train.wide"), "model.wide", m, help=t("train.wide_help"))
    with st.expander(t("train.regularisation"), expanded=False):
        _regularisation(m, raw["data"].get("time") is not None)
    with st.expander(t("train.optimisation"), expanded=True):
        _optimisation(tr)
    out["model"], out["training"] = m, tr
    st.session_state.config = out
    return out


def _sequence_tower(m: dict, c1, c2, c3) -> None:
    """Cell, recurrent layers and their units, dense units and attention (time series only)."""
    m["cell"] = W.choice(
        c3,
        t("train.cell"),
        "model.cell",
        m,
        horizontal=True,
        format_func=str.upper,
        help=t("train.cell_help"),
    )
    units = list(W.value_of("model.units", m))
    fewest, most = field_spec("model.units").length
    layers = c1.slider(t("train.layers"), fewest, most, len(units), help=t("train.layers_help"))
    units = (units + [max(4, units[-1] // 2)] * most)[:layers]
    m["units"] = [
        W.select_slider(
            c2,
            t("train.units", n=i + 1),
            "model.units",
            m,
            value=u,
            key=f"units_{i}",
            help=t("train.units_help"),
        )
        for i, u in enumerate(units)
    ]
    m["dense_units"] = W.select_slider(c3, t("train.dense_units"), "model.dense_units", m)
    m["attention"] = W.checkbox(
        c3, t("train.attention"), "model.attention", m, help=t("train.attention_help")
    )


def _regularisation(m: dict, time_series: bool) -> None:
    c1, c2, c3 = st.columns(3)
    m["dropout"] = W.slider(
        c1, t("train.dropout"), "model.dropout", m, help=t("train.dropout_help")
    )
    m["l1"] = W.number_input(
        c2, t("train.l1"), "model.l1", m, format="%.5f", help=t("train.l1_help")
    )
    m["l2"] = W.number_input(
        c3, t("train.l2"), "model.l2", m, format="%.5f", help=t("train.l2_help")
    )
    m["batch_norm"] = W.checkbox(
        c1, t("train.batch_norm"), "model.batch_norm", m, help=t("train.batch_norm_help")
    )
    if time_series:
        m["noise_std"] = W.slider(
            c2, t("train.noise"), "model.noise_std", m, help=t("train.noise_help")
        )


def _optimisation(tr: dict) -> None:
    c1, c2, c3 = st.columns(3)
    tr["learning_rate"] = W.select_slider(
        c1,
        t("train.learning_rate"),
        "training.learning_rate",
        tr,
        format_func=lambda x: f"{x:g}",
        help=t("train.learning_rate_help"),
    )
    tr["batch_size"] = W.select_slider(
        c2, t("train.batch_size"), "training.batch_size", tr, help=t("train.batch_size_help")
    )
    tr["epochs"] = W.slider(
        c3, t("train.epochs"), "training.epochs", tr, help=t("train.epochs_help")
    )
    tr["patience"] = W.slider(
        c1, t("train.patience"), "training.patience", tr, help=t("train.patience_help")
    )
    tr["loss"] = W.choice(
        c2,
        t("train.loss"),
        "training.loss",
        tr,
        widget="selectbox",
        format_func=lambda x: t(f"loss.{x}"),
        help=t("train.loss_help"),
    )
    tr["class_weight"] = W.choice(
        c3,
        t("train.class_weight"),
        "training.class_weight",
        tr,
        horizontal=True,
        format_func=lambda x: t(f"cw.{x}"),
        help=t("train.class_weight_help"),
    )
    tr["oversample"] = W.checkbox(
        c3, t("train.oversample"), "training.oversample", tr, help=t("train.oversample_help")
    )
    tr["calibration"] = W.choice(
        c3,
        t("train.calibration"),
        "training.calibration",
        tr,
        horizontal=True,
        format_func=lambda x: t(f"train.calibration_{x}"),
        help=t("train.calibration_help"),
        key="calibration",
    )
    tr["seed"] = W.number_input(c1, t("train.seed"), "training.seed", tr, help=t("train.seed_help"))
    tr["lr_schedule"] = W.choice(
        c2,
        t("train.lr_schedule"),
        "training.lr_schedule",
        tr,
        widget="selectbox",
        format_func=lambda x: t(f"train.lr_schedule_{x}"),
        help=t("train.lr_schedule_help"),
    )
    tr["ensemble"] = W.slider(
        c1, t("train.ensemble"), "training.ensemble", tr, help=t("train.ensemble_help")
    )


def preflight(raw: dict) -> tuple[RunConfig | None, dict | None]:
    """Samples per split, parameter count and device, before anything is trained."""
    try:
        config = parse_config(raw)
        used = contributing_files(config.data)
        frames = {role: f.frame for role, f in used.items()}
        shas = tuple(sorted((r, f.source["sha256"]) for r, f in used.items()))
        summary = split_summary(shas, config.to_json(), frames)
    except RiskcoreError as exc:
        show_error(exc)
        return None, None
    shapes = {
        b: (summary["window"], n) if b == "sequence" else (n,)
        for b, n in summary["features"].items()
    }
    c = st.columns(6)
    c[0].metric(t("split.train"), f"{summary['train']['samples']:,}")
    c[1].metric(t("split.validation"), f"{summary['validation']['samples']:,}")
    c[2].metric(t("split.test"), f"{summary['test']['samples']:,}")
    c[3].metric(t("train.parameters"), f"{parameter_count(config, shapes):,}")
    c[5].metric(t("train.device"), device_name())
    if not _expected_duration(c[4], config, shas, frames):
        return None, None
    return config, summary


@st.cache_data(show_spinner=False, max_entries=32, ttl="1h")
def _data_size(shas: tuple, data_json: str, _config: RunConfig, _frames: dict) -> cost.DataSize:
    """Rows, entities and inputs of the files, once per (files, data roles)."""
    return cost.DataSize.of_frames(
        _config, _frames["primary"], _frames.get("macro"), _frames.get("sentiment")
    )


def _expected_duration(cell, config: RunConfig, shas: tuple, frames: dict) -> bool:
    """The estimate the server checks at submit (riskcore.cost, on the same files); a warning
    when it is over the cap, which also disables Train. False when it cannot be estimated."""
    try:
        size = _data_size(shas, config.data.model_dump_json(), config, frames)
        estimate = cost.training_estimate(config, size)
        cap = server_settings().limits.max_job_hours
    except RiskcoreError as exc:  # the server's settings file is broken
        show_error(exc)
        return False
    duration = jobs_panel.expected(estimate.seconds)
    cell.metric(t("train.duration"), duration, help=t("train.duration_help"))
    over = estimate.hours > cap
    st.session_state["train_over_cap"] = over
    if over:
        st.warning(
            t("train.over_cap", duration=duration, cap=cost.format_hours(cap)),
            icon=":material/timer_off:",
        )
    return True


def run_name() -> str | None:
    """The name the analyst gives the next run (blank: none); RunStoreError when too long."""
    raw = st.text_input(
        t("train.name"),
        key=NAME_KEY,
        max_chars=200,  # the core allows 80 and says so: the message names the length
        placeholder=t("train.name_placeholder"),
        help=t("train.name_help"),
    )
    return check_run_name(raw)


def start_button(config: RunConfig) -> None:
    try:
        name = run_name()
    except RiskcoreError as exc:
        show_error(exc)
        name, bad_name = None, True
    else:
        bad_name = False
    if st.button(
        t("train.start"),
        type="primary",
        disabled=jobs_panel.busy("train")
        or st.session_state.get("train_over_cap", False)
        or bad_name,
        icon=":material/play_arrow:",
    ):
        store = user_store()
        try:
            store.check_writable()  # say so now, not after the training
        except RiskcoreError as exc:
            show_error(exc)
            return
        used = contributing_files(config.data)  # an attached file that feeds nothing stays out
        payload = TRAIN_TASK.payload(
            home=str(store.root.parent),  # the worker may have started with another env
            config=config.to_json(),
            sources=[s for f in used.values() for s in f.sources],  # each macro file
            name=name,
            **{role: f.frame for role, f in used.items()},
        )
        if jobs_panel.submit("train", TRAIN_TASK, payload):
            st.session_state[TRAINED_KEY] = _form(config)
        st.rerun()


def _form(config: RunConfig | None) -> tuple[str, str] | None:
    """What a run is trained from on this page: the config and the name typed."""
    if config is None:
        return None
    return config.to_json(), " ".join(str(st.session_state.get(NAME_KEY) or "").split())


def job_panel(config: RunConfig | None = None) -> None:
    """The live job, or the run it saved. Once the form differs from what that run was
    trained from (a new run is being set up), the saved banner goes: it would otherwise sit
    on the page as if it described the new form. `config`: the form's, None when invalid."""
    s = jobs_panel.finished("train")
    trained = st.session_state.get(TRAINED_KEY)
    if s is not None and config is not None and trained is not None and _form(config) != trained:
        jobs_panel.dismiss("train")
    jobs_panel.panel("train", on_done=_trained, live=_live_training, keep_best=True)
    s = jobs_panel.finished("train")
    if s is not None:
        _saved_banner(s.result)


def _saved_banner(run_id: str) -> None:
    """ "Run <name · date> saved." and, for a run stopped early, where it stopped."""
    try:
        run = load_run(run_id)
        label, stopped = run_label(run), run.meta.get("stopped_early")
    except RiskcoreError:  # deleted meanwhile: the id is all there is to say
        label, stopped = run_id, None
    st.success(t("train.done", run_id=label), icon=":material/check_circle:")
    point = stop_point(stopped)
    if point:
        st.info(t("train.done_stopped", **point), icon=":material/stop_circle:")
    if st.button(t("train.see_results"), key="see_results", icon=":material/insights:"):
        set_active_run(run_id)  # the run just trained, whatever the picker showed
        st.switch_page("pages/results.py")


def _trained(status) -> None:
    set_active_run(status.result)


def _live_training(status) -> None:
    """Loss and metric per epoch, drawn as the events arrive, while the job runs (a finished
    run's curves are on the Results page, not above the next run's form)."""
    from riskcore.charts import training_curves

    if status.state != "running":
        return
    epochs = [e for e in status.events if e.get("type") == "epoch"]
    if epochs:  # a seed ensemble: the curves of the network training now
        epochs = [e for e in epochs if e.get("member") == epochs[-1].get("member")]
        history = pd.DataFrame([{"epoch": e["epoch"], **e["logs"]} for e in epochs])
        st.plotly_chart(
            training_curves(history, labels=chart_labels()), key=f"live_{status.job_id}"
        )
