"""Explain page: which features, inputs and days drive the risk scores (SHAP)."""

from __future__ import annotations

import streamlit as st

from ui.explain_widgets import explanation_views, request_form
from ui.i18n import t
from ui.results_widgets import load_run
from ui.state import active_run

st.title(t("explain.title"))
st.caption(t("explain.caption"))
run_id = active_run()
if run_id is None:
    st.info(t("results.no_run"), icon=":material/info:")
    st.stop()
run = load_run(run_id)
request_form(run)
explanation_views(run)
