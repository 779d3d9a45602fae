"""Helpers every page shares: a user's error in their language, the active run or a stop."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from riskcore.errors import RiskcoreError
from riskcore.store import Run, RunStore
from riskcore.summaries import RunSummary, summarise
from ui.auth import user_store
from ui.i18n import t
from ui.state import THRESHOLDS, active_run, bind_threshold, keep_threshold


def show_error(exc: RiskcoreError) -> None:
    """A user's mistake, in their language, with the core's message naming what to fix. The
    message quotes the user's values (file, column, entity names), so it is shown as text."""
    from ui.text import md_escape

    st.error(f"{t('error.prefix')} {md_escape(exc)}", icon=":material/error:")


def load_run(run_id: str) -> Run:
    """A run this user may read (the store says so on every call: the cache below is the
    server's, shared by all users), its files read once per server."""
    user_store().path(run_id)  # AccessError, worded like a missing run, for another's run
    return _cached_run(str(RunStore().root.parent), run_id)


@st.cache_resource(show_spinner=False, max_entries=8, ttl="30m")
def _cached_run(home: str, run_id: str) -> Run:
    """Runs never change after they are written (their manifest says if they did). The
    predictions are read by the first page that needs them (Results reads its summary
    instead, and does not keep a million rows in the server's memory)."""
    run = RunStore(home).load(run_id)
    _ = run.metrics, run.meta, run.history  # read now, not on every rerun
    return run


def run_summary(run: Run) -> RunSummary:
    """What the Results page draws of a run (riskcore.summaries), computed once per server
    and run: every rerun after the first draws from it in milliseconds."""
    return _cached_summary(str(RunStore().root.parent), run.run_id, run)


@st.cache_resource(show_spinner=False, max_entries=8, ttl="30m")
def _cached_summary(home: str, run_id: str, _run: Run) -> RunSummary:
    return summarise(_run)


def require_run(no_run_key: str = "results.no_run") -> Run:
    """The active run, or the page stops here saying what to do (train one, or why it failed)."""
    run_id = active_run()
    if run_id is None:
        st.info(t(no_run_key), icon=":material/info:")
        st.page_link("pages/train.py", label=t("nav.train"), icon=":material/model_training:")
        st.stop()
    try:
        return load_run(run_id)
    except RiskcoreError as exc:
        show_error(exc)
        st.stop()


def threshold_slider(
    where, run: Run, key: str, label: str, help: str, default: float | None = None
) -> float:
    """The run's one decision threshold (Results, Scenarios, Report and the CSV share it):
    moving the slider on one page moves it on the others. `where` is st or a column.
    `default`, the run's first threshold when already known (the Results summary has it),
    spares reading every prediction to find it."""
    if default is not None:
        st.session_state.setdefault(THRESHOLDS, {}).setdefault(run.run_id, default)
    bind_threshold(key, run)
    return where.slider(
        label,
        0.01,
        0.99,
        step=0.01,
        key=key,
        on_change=keep_threshold,
        args=(key, run.run_id),
        help=help,
    )


def lazy_tabs(sections: dict[str, Callable[[], None]], key: str) -> None:
    """Tabs of which only the open one runs and reaches the browser: a page of ten charts and
    five tables draws one tab's worth on first render, and a hidden tab costs nothing on a
    rerun. `sections` maps each (translated) label to what draws its content; switching tabs
    reruns the page, which draws from cached summaries. The open tab is remembered by position,
    so it stays open when the language (its label) changes or the user comes back from
    another page."""
    labels = list(sections)
    remembered = f"{key}_position"
    if st.session_state.get(key) not in labels:  # new labels, or back from another page
        st.session_state[key] = labels[min(st.session_state.get(remembered, 0), len(labels) - 1)]
    tabs = st.tabs(labels, key=key, on_change="rerun")
    for k, (tab, draw) in enumerate(zip(tabs, sections.values(), strict=True)):
        if tab.open:
            st.session_state[remembered] = k
            with tab:
                draw()


def relabelled(key: str, initial: list | None = None) -> str:
    """The key of a multiselect whose options are shown translated (format_func), its value
    set again on every run: the browser otherwise keeps showing, and sends back, the chosen
    options in the language they were picked in after the user switches language. `initial`
    is what it starts with (given here: a default= beside a value set here would warn)."""
    if key in st.session_state:
        st.session_state[key] = st.session_state[key]
    elif initial is not None:
        st.session_state[key] = initial
    return key


_NOTHING = object()  # no copy kept yet (None may be a pick)


def remembered(key: str, options: Sequence[Any]) -> dict[str, Any]:
    """A single-choice widget's key and callback, so that its pick survives the runs that do
    not draw it. Streamlit drops a widget's state when a run leaves it out (a closed lazy tab), so a
    picked entity or feature would reset to the first option on reopening; a copy kept under
    another key is put back while it is still among `options`. Pass as `**remembered(...)`."""
    kept = st.session_state.get(f"{key}_kept", _NOTHING)
    if key not in st.session_state and kept is not _NOTHING and kept in list(options):
        st.session_state[key] = kept
    return {"key": key, "on_change": _keep, "args": (key,)}


def _keep(key: str) -> None:
    st.session_state[f"{key}_kept"] = st.session_state[key]
