"""Scenarios page: what-if stress tests on the active run (Compare and Tune have their own)."""

from __future__ import annotations

import streamlit as st

from ui.i18n import t
from ui.page import require_run
from ui.scenario_widgets import attribution_section, results_view, run_controls, scenario_builder

st.title(t("scen.title"))
st.caption(t("scen.caption"))
run = require_run()
run_controls(run, scenario_builder(run))
attribution_section(run, results_view(run))
