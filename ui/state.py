"""Per-session state: uploaded tables, the config being edited, the active run and job, the
decision threshold of each run.

Everything lives in st.session_state, which Streamlit keeps per browser session, so one
user's upload never appears in another's session. What outlives a session (a reload, a second
tab) is found through the signed-in identity (ui/auth.py): the runs it owns, its jobs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

from riskcore import metrics as M

ROLES = ("primary", "macro", "sentiment")
THRESHOLDS = "thresholds"  # {run_id: threshold}: one decision threshold per run


@dataclass
class LoadedFile:
    name: str
    frame: pd.DataFrame
    report: Any  # riskcore.io.LoadReport (None for merged macro files: see parts)
    source: dict  # riskcore.train.describe_source record (sha256...)
    dataset: str = "upload"  # "upload", or the sample ("market", "credit") it came with
    # several macro files merged on the date into `frame` (riskcore.macro.merge_files): each
    # file as read, for its report, its detected frequency and its own source record
    parts: list[LoadedFile] = field(default_factory=list)

    @property
    def each(self) -> list[LoadedFile]:
        """The files this one stands for: its parts, or itself."""
        return self.parts or [self]

    @property
    def sources(self) -> list[dict]:
        """meta.json "files" records of each file (one per macro file when merged)."""
        return [f.source for f in self.each]


# ---- files and config ------------------------------------------------------------------------
def files() -> dict[str, LoadedFile]:
    return st.session_state.setdefault("files", {})


def frame(role: str) -> pd.DataFrame | None:
    loaded = files().get(role)
    return loaded.frame if loaded else None


def contributing_files(data: Any) -> dict[str, LoadedFile]:
    """The files a run's inputs come from: the primary, and the macro or sentiment file only
    when the config (its `data` section) names features of it; an attached file that feeds
    nothing is neither sent to training nor recorded with the run."""
    used = {
        "primary": True,
        "macro": bool(data.macro_features),
        "sentiment": bool(data.sentiment_features),
    }
    return {role: f for role, f in files().items() if used.get(role)}


def config_dict() -> dict:
    """The RunConfig being edited, as a plain dict (validated when used)."""
    return st.session_state.setdefault("config", {})


def set_config_dict(raw: dict) -> None:
    st.session_state.config = raw
    st.session_state.config_version = st.session_state.get("config_version", 0) + 1


def config_version() -> int:
    """Bumped when a whole config is loaded, so widgets re-read their defaults."""
    return st.session_state.get("config_version", 0)


# ---- the active run and its threshold --------------------------------------------------------
def active_run() -> str | None:
    return st.session_state.get("run_id")


def set_active_run(run_id: str | None) -> None:
    st.session_state.run_id = run_id


def run_threshold(run: Any) -> float:
    """The run's decision threshold: the one Results, Scenarios, Report and the CSV all use.
    Until the analyst picks one it flags about as many validation rows as there are events
    (validation, so the choice never looks at test)."""
    chosen = st.session_state.setdefault(THRESHOLDS, {})
    if run.run_id not in chosen:
        p = run.predictions
        rows = p[p["split"] == "validation"]
        rows = rows if len(rows) else p[p["split"] == "train"]
        chosen[run.run_id] = M.rate_matched_threshold(rows["y_true"], rows["score"])
    return chosen[run.run_id]


def set_run_threshold(run_id: str, value: float) -> None:
    st.session_state.setdefault(THRESHOLDS, {})[run_id] = float(value)


def bind_threshold(key: str, run: Any) -> None:
    """Before a threshold slider under `key` is drawn: give it the run's shared value (the
    slider's own state is dropped whenever another page runs, and must not carry one run's
    threshold to another). Draw the slider with on_change=keep_threshold, args=(key, run_id)."""
    st.session_state[key] = run_threshold(run)


def keep_threshold(key: str, run_id: str) -> None:
    """A slider callback: the value just picked becomes the run's threshold everywhere."""
    set_run_threshold(run_id, st.session_state[key])
