"""The sidebar every page shares: language, device badge, active run picker."""

from __future__ import annotations

import shutil
import subprocess

import streamlit as st

from riskcore.errors import RunStoreError
from riskcore.store import RunStore
from ui.i18n import LANGUAGE_KEY, LANGUAGES, t
from ui.state import active_run, owner_cookie_script, owner_id, set_active_run

ALL_RUNS_KEY = "show_all_runs"
PICKER_KEY = "run_picker"
STALE_SAVE_S = 3600.0  # a temporary run folder untouched this long is debris of a crashed save


@st.cache_data(ttl=3600, show_spinner=False)
def device_name() -> str:
    """The GPU's name when one is present, else "CPU"; asked without importing TensorFlow."""
    if shutil.which("nvidia-smi"):
        try:
            out = subprocess.run(
                ["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
                capture_output=True,
                text=True,
                timeout=5,
                check=True,
            )
            names = [line.strip() for line in out.stdout.splitlines() if line.strip()]
            if names:
                return f"GPU: {names[0]}"
        except (OSError, subprocess.SubprocessError):
            pass
    return "CPU"


@st.cache_resource(show_spinner=False)
def clean_store_once(home: str) -> int:
    """Once per server process and store: remove folders of saves that a crash (a killed
    server or worker) left behind. Recent ones are spared: on a shared store another process
    may be saving right now."""
    return RunStore(home).clean_temporary(older_than_s=STALE_SAVE_S)


@st.cache_data(max_entries=10_000, show_spinner=False)
def _brief(home: str, run_id: str) -> tuple[str | None, str]:
    """(owner, data file names) of a finished run; a run's meta.json never changes."""
    try:
        meta = RunStore(home).load(run_id).meta
    except RunStoreError:  # deleted between listing and reading
        return None, ""
    return (meta.owner if isinstance(meta.owner, str) else None), meta.file_names


def visible_run_ids(all_ids: list[str] | None = None) -> list[str]:
    """The runs this session lists: the ones this browser trained (the run's recorded owner
    is this browser's owner id, so a reload or a second tab lists them too) and those no one
    owns (CLI jobs, e.g. a GPU box feeding a shared store), not other users' runs; the whole
    store when "show all runs" is on. The active run stays listed, so turning the toggle off
    never drops what is on screen."""
    store = RunStore()
    ids = store.ids() if all_ids is None else all_ids
    if st.session_state.get(ALL_RUNS_KEY):
        return ids
    home, me, current = str(store.root.parent), owner_id(), active_run()
    return [i for i in ids if i == current or _brief(home, i)[0] in (me, None)]


def render_sidebar() -> None:
    clean_store_once(str(RunStore().root.parent))
    with st.sidebar:
        st.markdown("### RiskLens")
        st.selectbox(
            t("sidebar.language"), list(LANGUAGES), format_func=LANGUAGES.get, key=LANGUAGE_KEY
        )
        st.badge(t("sidebar.device", device=device_name()), icon=":material/memory:", color="blue")
        run_picker()
        remember_owner()


def remember_owner() -> None:
    """Give the browser its owner cookie once (a script run in the page; nothing to see)."""
    script = owner_cookie_script()
    if script is not None:
        st.html(script, unsafe_allow_javascript=True, width="content")


def _picked() -> None:
    """The picker's callback: the run picked becomes the active run."""
    set_active_run(st.session_state.get(PICKER_KEY))


def run_picker() -> None:
    """Pick the run the Results page shows; newest first, this session's own by default."""
    all_ids = RunStore().ids()
    if not all_ids:
        st.caption(t("sidebar.no_runs"))
        return
    st.toggle(t("sidebar.all_runs"), key=ALL_RUNS_KEY, help=t("sidebar.all_runs_help"))
    ids = visible_run_ids(all_ids)
    if not ids:
        st.caption(t("sidebar.no_own_runs"))
        return
    current = active_run()
    if current not in ids:  # nothing active yet, or a run deleted meanwhile: the newest
        current = ids[0]
        set_active_run(current)
    # The active run decides what the picker shows, not the picker's remembered state: a run
    # just trained (or opened from "See the results") is shown, whatever was picked before.
    st.session_state[PICKER_KEY] = current
    home = str(RunStore().root.parent)
    st.selectbox(
        t("sidebar.active_run"),
        ids,
        key=PICKER_KEY,
        on_change=_picked,
        format_func=lambda i: " · ".join(filter(None, (i, _brief(home, i)[1]))),
    )
