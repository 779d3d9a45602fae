"""Per-session state: uploaded tables, the config being edited, the active run and job.

Everything lives in st.session_state, which Streamlit keeps per browser session, so one
user's upload never appears in another's session.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

ROLES = ("primary", "macro", "sentiment")


@dataclass
class LoadedFile:
    name: str
    frame: pd.DataFrame
    report: Any  # riskcore.io.LoadReport
    source: dict  # riskcore.train.describe_source record (sha256...)


def session_id() -> str:
    if "session_id" not in st.session_state:
        st.session_state.session_id = uuid.uuid4().hex
    return st.session_state.session_id


def files() -> dict[str, LoadedFile]:
    return st.session_state.setdefault("files", {})


def frame(role: str) -> pd.DataFrame | None:
    loaded = files().get(role)
    return loaded.frame if loaded else None


def config_dict() -> dict:
    """The RunConfig being edited, as a plain dict (validated when used)."""
    return st.session_state.setdefault("config", {})


def set_config_dict(raw: dict) -> None:
    st.session_state.config = raw
    st.session_state.config_version = st.session_state.get("config_version", 0) + 1


def config_version() -> int:
    """Bumped when a whole config is loaded, so widgets re-read their defaults."""
    return st.session_state.get("config_version", 0)


def active_run() -> str | None:
    return st.session_state.get("run_id")


def set_active_run(run_id: str | None) -> None:
    st.session_state.run_id = run_id
