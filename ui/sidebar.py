"""The sidebar every page shares: language, device badge, active run picker."""

from __future__ import annotations

import shutil
import subprocess

import streamlit as st

from riskcore.store import RunStore
from ui.i18n import LANGUAGE_KEY, LANGUAGES, t
from ui.state import active_run, set_active_run


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


def render_sidebar() -> None:
    with st.sidebar:
        st.markdown("### RiskLens")
        st.selectbox(
            t("sidebar.language"), list(LANGUAGES), format_func=LANGUAGES.get, key=LANGUAGE_KEY
        )
        st.badge(t("sidebar.device", device=device_name()), icon=":material/memory:", color="blue")
        run_picker()


def run_picker() -> None:
    """Pick the run the Results page shows; newest first."""
    ids = RunStore().ids()
    if not ids:
        st.caption(t("sidebar.no_runs"))
        return
    current = active_run()
    index = ids.index(current) if current in ids else 0
    picked = st.selectbox(t("sidebar.active_run"), ids, index=index, key="run_picker")
    if picked != current:
        set_active_run(picked)
