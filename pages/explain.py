"""Explain page: which features, inputs and days drive the risk scores (SHAP)."""

from __future__ import annotations

import streamlit as st

from ui.explain_widgets import explanation_views, request_form
from ui.i18n import t
from ui.page import require_run

st.title(t("explain.title"))
st.caption(t("explain.caption"))
run = require_run()
request_form(run)
explanation_views(run)
