"""The sidebar every page shares: language, device badge, active run picker (runs by name
and date, riskcore.store.run_label), and the active run's rename, share and delete."""

from __future__ import annotations

import os
import shutil
import subprocess

import streamlit as st

from riskcore.errors import RiskcoreError, RunStoreError
from riskcore.store import RunStore, run_label
from ui.auth import current_principal, identity_badge, user_store
from ui.i18n import LANGUAGE_KEY, LANGUAGES, t, uploader_text
from ui.page import show_error
from ui.state import active_run, set_active_run

ALL_RUNS_KEY = "show_all_runs"
PICKER_KEY = "run_picker"
STALE_SAVE_S = 3600.0  # a temporary run folder untouched this long is debris of a crashed save


@st.cache_data(ttl=3600, max_entries=1, show_spinner=False)
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


@st.cache_resource(show_spinner=False, max_entries=4)
def clean_store_once(home: str) -> int:
    """Once per server process and store: remove folders of saves that a crash (a killed
    server or worker) left behind. Recent ones are spared: on a shared store another process
    may be saving right now."""
    return RunStore(home).clean_temporary(older_than_s=STALE_SAVE_S)


def _brief(home: str, run_id: str) -> tuple[str | None, str, str, bool]:
    """(owner, data file names, label, stopped early) of a finished run. Only called for
    runs the store already listed for this user. A rename rewrites meta.json, so the cache is
    keyed by its modification time as well."""
    try:
        stamp = os.stat(RunStore(home).root / run_id / "meta.json").st_mtime_ns
    except OSError:
        stamp = 0
    return _brief_at(home, run_id, stamp)


@st.cache_data(max_entries=10_000, ttl="24h", show_spinner=False)
def _brief_at(home: str, run_id: str, stamp: int) -> tuple[str | None, str, str, bool]:
    try:
        meta = RunStore(home).load(run_id).meta
    except RunStoreError:  # deleted between listing and reading, or damaged
        return None, "", run_id, False
    owner = meta.owner if isinstance(meta.owner, str) else None
    return owner, meta.file_names, run_label(meta, run_id), bool(meta.get("stopped_early"))


def run_choice(home: str, run_id: str) -> str:
    """How the picker shows a run: its label (name and date, or the id), whether it was
    stopped early (before the files: a narrow sidebar cuts the end), its files."""
    _owner, files, label, stopped = _brief(home, run_id)
    return " · ".join(filter(None, (label, t("sidebar.stopped_early") if stopped else "", files)))


def visible_run_ids(all_ids: list[str] | None = None) -> list[str]:
    """The runs this session lists: what the store lets this user read (their own and those
    shared with their teams; everything in single-user mode). An admin lists their own
    until they switch on "show all runs". The active run stays listed, so turning the toggle
    off never drops what is on screen."""
    ids = user_store().ids() if all_ids is None else all_ids
    who = current_principal()
    if not who.admin or st.session_state.get(ALL_RUNS_KEY):
        return ids
    home, current = str(RunStore().root.parent), active_run()
    return [i for i in ids if i == current or _brief(home, i)[0] == who.user]


def render_sidebar() -> None:
    clean_store_once(str(RunStore().root.parent))
    with st.sidebar:
        st.markdown("### RiskLens")
        st.selectbox(
            t("sidebar.language"), list(LANGUAGES), format_func=LANGUAGES.get, key=LANGUAGE_KEY
        )
        st.badge(t("sidebar.device", device=device_name()), icon=":material/memory:", color="blue")
        identity_badge()
        run_picker()
        run_actions()
    uploader_text()


def _picked() -> None:
    """The picker's callback: the run picked becomes the active run."""
    set_active_run(st.session_state.get(PICKER_KEY))


def run_picker() -> None:
    """Pick the run the Results page shows; newest first, this user's own by default."""
    all_ids = user_store().ids()
    if not all_ids:
        st.caption(t("sidebar.no_runs"))
        return
    if current_principal().admin:
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
        format_func=lambda i: run_choice(home, i),
    )


def run_actions() -> None:
    """Share the active run with a team, or delete it: offered only where the store would
    allow it (the core checks again)."""
    run_id, who = active_run(), current_principal()
    if run_id is None:
        return
    store = user_store()
    try:
        owner = store.owner(run_id)
        if not who.can_write(owner):
            return
        _rename_control(store, run_id)
        if who.teams and not who.local:
            _share_control(store, run_id, sorted(who.teams))
        _delete_control(store, run_id)
    except RiskcoreError as exc:
        show_error(exc)


def _rename_control(store: RunStore, run_id: str) -> None:
    """Name or rename the active run (RunStore.rename: its owner or an admin)."""
    current = store.load(run_id).meta.get("name") or ""
    popover = st.popover(t("sidebar.rename"), icon=":material/edit:")
    with popover, st.form(f"rename_{run_id}", border=False):
        name = st.text_input(
            t("sidebar.rename_label"), value=current, max_chars=200, help=t("sidebar.rename_help")
        )
        if st.form_submit_button(t("sidebar.rename_save"), type="primary"):
            try:
                saved = store.rename(run_id, name)
            except RiskcoreError as exc:
                show_error(exc)
                return
            forget_run_caches()
            done = t("sidebar.renamed", name=saved) if saved else None
            st.toast(done or t("sidebar.unnamed", run_id=run_id))
            st.rerun()


def forget_run_caches() -> None:
    """After a rename: the server's cached Run objects (ui.page) hold the old meta.json."""
    from ui.page import _cached_run

    _cached_run.clear()


def _share_control(store: RunStore, run_id: str, teams: list[str]) -> None:
    shared = [team for team in store.shared_with(run_id) if team in teams]
    chosen = st.multiselect(
        t("sidebar.shared_with"),
        teams,
        default=shared,
        help=t("sidebar.shared_help"),
        key=f"share_{run_id}",
        placeholder=t("data.choose"),
    )
    if sorted(chosen) != sorted(shared):
        store.share(run_id, chosen)


def _delete_control(store: RunStore, run_id: str) -> None:
    with st.popover(t("sidebar.delete"), icon=":material/delete:"):
        st.warning(t("sidebar.delete_confirm", run_id=run_id))
        if st.button(t("sidebar.delete"), type="primary", key=f"delete_{run_id}"):
            store.delete(run_id)
            set_active_run(None)
            st.toast(t("sidebar.deleted", run_id=run_id))
            st.rerun()
