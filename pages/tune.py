"""Tune page: an Optuna search around the active run's settings, on the data it was trained on."""

from __future__ import annotations

import streamlit as st

from ui.i18n import t
from ui.page import require_run
from ui.tune_widgets import tune_section

st.title(t("tune.title"))
run = require_run()
tune_section(run)
