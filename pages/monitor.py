"""Monitor page: score a new file with the active run, then drift over time and threshold
alerts of everything scored for it (here or by `watch`)."""

from __future__ import annotations

import streamlit as st

from ui.i18n import t
from ui.monitor_widgets import (
    alerts,
    charts,
    files,
    headline,
    how_to_start,
    monitor_of,
    score_new_file,
)
from ui.page import require_run

st.title(t("monitor.title"))
run = require_run()
run_id = run.run_id
st.caption(t("monitor.caption", run_id=run_id))
score_new_file(run)
monitor = monitor_of(run_id)
if monitor is None:
    st.info(t("monitor.none"), icon=":material/info:")
    with st.expander(t("monitor.how_title")):
        how_to_start(run_id)
    st.stop()
st.divider()
headline(monitor)
charts(monitor)
alerts(monitor)
files(monitor)
with st.expander(t("monitor.how_title")):
    how_to_start(run_id)
