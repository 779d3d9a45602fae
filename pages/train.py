"""Train page: hyperparameters, a pre-flight summary, and a live training job."""

from __future__ import annotations

import streamlit as st

from ui.i18n import t
from ui.train_widgets import hyperparameters, job_panel, preflight, start_button

st.title(t("train.title"))
st.caption(t("train.caption"))

raw = hyperparameters()
config = None
if raw is not None:
    config, summary = preflight(raw)
    if config is not None:
        start_button(config)
job_panel(config)
