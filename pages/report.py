"""Report page: a spreadsheet-safe CSV and a risk-committee PDF of the active run."""

from __future__ import annotations

import streamlit as st

from ui.i18n import t
from ui.page import require_run
from ui.report_widgets import csv_download, pdf_section, report_options

st.title(t("report.title"))
run = require_run("report.no_run")
st.caption(t("report.caption", run_id=run.run_id))
options = report_options(run)
left, right = st.columns(2, gap="large")
with left:
    csv_download(run, options)
with right:
    pdf_section(run, options)
