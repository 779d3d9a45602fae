"""Compare page: two to four runs side by side, labelled by name and date."""

from __future__ import annotations

import streamlit as st

from ui.compare_widgets import compare_section
from ui.i18n import t
from ui.page import require_run

st.title(t("compare.title"))
st.caption(t("compare.caption"))
run = require_run()
compare_section(run.run_id)
