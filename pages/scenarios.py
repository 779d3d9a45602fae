"""Scenarios page: what-if stress tests on the active run, runs side by side, and tuning."""

from __future__ import annotations

import streamlit as st

from ui.compare_widgets import compare_section
from ui.i18n import t
from ui.page import require_run
from ui.scenario_widgets import attribution_section, results_view, run_controls, scenario_builder
from ui.tune_widgets import tune_section

st.title(t("scen.title"))
st.caption(t("scen.caption"))
run = require_run()
what_if, compare, tune = st.tabs(
    [t("scen.tab_scenarios"), t("scen.tab_compare"), t("scen.tab_tune")]
)
with what_if:
    run_controls(run, scenario_builder(run))
    attribution_section(run, results_view(run))
with compare:
    compare_section(run.run_id)
with tune:
    tune_section(run)
