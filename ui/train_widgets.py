"""Widgets of the Train page: hyperparameters, pre-flight summary, the live training job."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from riskcore.config import RunConfig, parse_config
from riskcore.errors import RiskcoreError
from riskcore.model import parameter_count
from riskcore.store import RunStore
from ui import jobs_panel
from ui.data_widgets import _summary, show_error
from ui.i18n import chart_labels, t
from ui.sidebar import device_name
from ui.state import config_dict, contributing_files, files, set_active_run

UNITS = [4, 8, 16, 32, 64, 128, 256]
RATES = [1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2]
BATCHES = [16, 32, 64, 128, 256, 512, 1024]
TRAIN_TASK = "riskcore.train:training_task"


def hyperparameters() -> dict | None:
    raw = config_dict()
    if "primary" not in files() or not raw.get("data"):
        st.info(t("train.need_data"), icon=":material/info:")
        st.page_link("pages/data.py", label=t("nav.data"), icon=":material/upload_file:")
        return None
    m = {**raw.get("model", {})}
    tr = {**raw.get("training", {})}
    out = dict(raw)
    time_series = raw["data"].get("time") is not None
    with st.expander(t("train.architecture"), expanded=True):
        c1, c2, c3 = st.columns(3)
        if time_series:
            out["window"] = c1.slider(
                t("train.window"), 2, 250, int(raw.get("window", 30)), help=t("train.window_help")
            )
            out["horizon"] = c2.slider(
                t("train.horizon"),
                1,
                120,
                int(raw.get("horizon", 20)),
                help=t("train.horizon_help"),
            )
            m["cell"] = c3.radio(
                t("train.cell"),
                ["lstm", "gru"],
                horizontal=True,
                index=["lstm", "gru"].index(m.get("cell", "lstm")),
                format_func=str.upper,
                help=t("train.cell_help"),
            )
            units = list(m.get("units", [64, 32]))
            layers = c1.slider(t("train.layers"), 1, 3, len(units), help=t("train.layers_help"))
            units = (units + [max(4, units[-1] // 2)] * 3)[:layers]
            m["units"] = [
                c2.select_slider(
                    t("train.units", n=i + 1),
                    UNITS,
                    value=_near(UNITS, u),
                    key=f"units_{i}",
                    help=t("train.units_help"),
                )
                for i, u in enumerate(units)
            ]
            m["dense_units"] = c3.select_slider(
                t("train.dense_units"), UNITS, value=_near(UNITS, m.get("dense_units", 16))
            )
            m["attention"] = c3.checkbox(
                t("train.attention"), m.get("attention", False), help=t("train.attention_help")
            )
        m["tower_units"] = c1.select_slider(
            t("train.tower_units"),
            UNITS,
            value=_near(UNITS, m.get("tower_units", 32)),
            help=t("train.tower_units_help"),
        )
    with st.expander(t("train.regularisation"), expanded=False):
        c1, c2, c3 = st.columns(3)
        m["dropout"] = c1.slider(
            t("train.dropout"),
            0.0,
            0.7,
            float(m.get("dropout", 0.2)),
            0.05,
            help=t("train.dropout_help"),
        )
        m["l1"] = c2.number_input(
            t("train.l1"),
            0.0,
            0.1,
            float(m.get("l1", 0.0)),
            1e-5,
            format="%.5f",
            help=t("train.l1_help"),
        )
        m["l2"] = c3.number_input(
            t("train.l2"),
            0.0,
            0.1,
            float(m.get("l2", 1e-4)),
            1e-5,
            format="%.5f",
            help=t("train.l2_help"),
        )
        m["batch_norm"] = c1.checkbox(
            t("train.batch_norm"), m.get("batch_norm", False), help=t("train.batch_norm_help")
        )
        if time_series:
            m["noise_std"] = c2.slider(
                t("train.noise"),
                0.0,
                0.5,
                float(m.get("noise_std", 0.0)),
                0.05,
                help=t("train.noise_help"),
            )
    with st.expander(t("train.optimisation"), expanded=True):
        c1, c2, c3 = st.columns(3)
        tr["learning_rate"] = c1.select_slider(
            t("train.learning_rate"),
            RATES,
            value=_near(RATES, tr.get("learning_rate", 1e-3)),
            format_func=lambda x: f"{x:g}",
            help=t("train.learning_rate_help"),
        )
        tr["batch_size"] = c2.select_slider(
            t("train.batch_size"),
            BATCHES,
            value=_near(BATCHES, tr.get("batch_size", 64)),
            help=t("train.batch_size_help"),
        )
        tr["epochs"] = c3.slider(
            t("train.epochs"), 1, 300, int(tr.get("epochs", 50)), help=t("train.epochs_help")
        )
        tr["patience"] = c1.slider(
            t("train.patience"), 0, 50, int(tr.get("patience", 5)), help=t("train.patience_help")
        )
        losses = ["auto", "binary_crossentropy", "focal", "mse", "huber"]
        tr["loss"] = c2.selectbox(
            t("train.loss"),
            losses,
            index=losses.index(tr.get("loss", "auto")),
            format_func=lambda x: t(f"loss.{x}"),
            help=t("train.loss_help"),
        )
        tr["class_weight"] = c3.radio(
            t("train.class_weight"),
            ["balanced", "none"],
            index=["balanced", "none"].index(tr.get("class_weight", "balanced")),
            horizontal=True,
            format_func=lambda x: t(f"cw.{x}"),
            help=t("train.class_weight_help"),
        )
        tr["oversample"] = c3.checkbox(
            t("train.oversample"), tr.get("oversample", False), help=t("train.oversample_help")
        )
        methods = ["platt", "isotonic"]
        tr["calibration"] = c3.radio(
            t("train.calibration"),
            methods,
            index=methods.index(tr.get("calibration", "platt")),
            horizontal=True,
            format_func=lambda x: t(f"train.calibration_{x}"),
            help=t("train.calibration_help"),
            key="calibration",
        )
        tr["seed"] = c1.number_input(
            t("train.seed"), 0, 2**31 - 1, int(tr.get("seed", 7)), help=t("train.seed_help")
        )
    out["model"], out["training"] = m, tr
    st.session_state.config = out
    return out


def _near(options: list, value) -> object:
    """The option closest to a value from a config file (sliders only take listed values)."""
    return min(options, key=lambda o: abs(o - float(value)))


def preflight(raw: dict) -> tuple[RunConfig | None, dict | None]:
    """Samples per split, parameter count and device, before anything is trained."""
    try:
        config = parse_config(raw)
        used = contributing_files(config.data)
        frames = {role: f.frame for role, f in used.items()}
        shas = tuple(sorted((r, f.source["sha256"]) for r, f in used.items()))
        summary = _summary(shas, config.to_json(), frames)
    except RiskcoreError as exc:
        show_error(exc)
        return None, None
    shapes = {
        b: (summary["window"], n) if b == "sequence" else (n,)
        for b, n in summary["features"].items()
    }
    c = st.columns(5)
    c[0].metric(t("split.train"), f"{summary['train']['samples']:,}")
    c[1].metric(t("split.validation"), f"{summary['validation']['samples']:,}")
    c[2].metric(t("split.test"), f"{summary['test']['samples']:,}")
    c[3].metric(t("train.parameters"), f"{parameter_count(config, shapes):,}")
    c[4].metric(t("train.device"), device_name())
    return config, summary


def start_button(config: RunConfig) -> None:
    if st.button(
        t("train.start"),
        type="primary",
        disabled=jobs_panel.busy("train"),
        icon=":material/play_arrow:",
    ):
        store = RunStore()
        try:
            store.check_writable()  # say so now, not after the training
        except RiskcoreError as exc:
            show_error(exc)
            return
        used = contributing_files(config.data)  # an attached file that feeds nothing stays out
        payload = {
            "home": str(store.root.parent),  # the worker may have started with another env
            "config": config.to_json(),
            "sources": [f.source for f in used.values()],
            **{role: f.frame for role, f in used.items()},
        }
        jobs_panel.submit("train", TRAIN_TASK, payload)
        st.rerun()


def job_panel() -> None:
    jobs_panel.panel("train", on_done=_trained, live=_live_training)
    s = jobs_panel.status("train")
    if s is not None and s.state == "done":
        st.success(t("train.done", run_id=s.result), icon=":material/check_circle:")
        if st.button(t("train.see_results"), key="see_results", icon=":material/insights:"):
            set_active_run(s.result)  # the run just trained, whatever the picker showed
            st.switch_page("pages/results.py")


def _trained(status) -> None:
    set_active_run(status.result)


def _live_training(status) -> None:
    """Loss and metric per epoch, drawn as the events arrive."""
    from riskcore.charts import training_curves

    epochs = [e for e in status.events if e.get("type") == "epoch"]
    if epochs:
        history = pd.DataFrame([{"epoch": e["epoch"], **e["logs"]} for e in epochs])
        st.plotly_chart(
            training_curves(history, labels=chart_labels()), key=f"live_{status.job_id}"
        )
