"""RiskLens dashboard entry: navigation in journey order and the shared sidebar."""

from __future__ import annotations

import streamlit as st

from ui.auth import gate, may_enter
from ui.i18n import t
from ui.sidebar import render_sidebar

# A local icon: ":material/..." would have every browser fetch it from fonts.gstatic.com
st.set_page_config(page_title="RiskLens", page_icon="ui/icon.png", layout="wide")

PAGES = [
    st.Page("pages/data.py", title=t("nav.data"), icon=":material/upload_file:", default=True),
    st.Page("pages/train.py", title=t("nav.train"), icon=":material/model_training:"),
    st.Page("pages/results.py", title=t("nav.results"), icon=":material/insights:"),
    st.Page("pages/validate.py", title=t("nav.validate"), icon=":material/verified:"),
    st.Page("pages/explain.py", title=t("nav.explain"), icon=":material/psychology:"),
    st.Page("pages/scenarios.py", title=t("nav.scenarios"), icon=":material/tune:"),
    st.Page("pages/compare.py", title=t("nav.compare"), icon=":material/compare_arrows:"),
    st.Page("pages/tune.py", title=t("nav.tune"), icon=":material/auto_awesome:"),
    st.Page("pages/report.py", title=t("nav.report"), icon=":material/description:"),
    st.Page("pages/monitor.py", title=t("nav.monitor"), icon=":material/monitor_heart:"),
]

navigation = st.navigation(PAGES, position="sidebar" if may_enter() else "hidden")
gate()  # sign-in, or single-user mode on 127.0.0.1 only: nothing below runs otherwise
render_sidebar()
navigation.run()
