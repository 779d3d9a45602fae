"""Report page: a spreadsheet-safe CSV and a risk-committee PDF of the active run."""

from __future__ import annotations

import streamlit as st

from riskcore.errors import RiskcoreError
from ui.data_widgets import show_error
from ui.i18n import t
from ui.report_widgets import csv_download, pdf_section, report_options
from ui.results_widgets import load_run
from ui.state import active_run

st.title(t("report.title"))
run_id = active_run()
if run_id is None:
    st.info(t("report.no_run"), icon=":material/info:")
    st.page_link("pages/train.py", label=t("nav.train"), icon=":material/model_training:")
    st.stop()
try:
    run = load_run(run_id)
except RiskcoreError as exc:
    show_error(exc)
    st.stop()
st.caption(t("report.caption", run_id=run_id))
options = report_options(run)
left, right = st.columns(2, gap="large")
with left:
    csv_download(run, options)
with right:
    pdf_section(run, options)
