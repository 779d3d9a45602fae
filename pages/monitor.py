"""Monitor page: new data scored by `watch` as it arrives, drift over time, threshold alerts."""

from __future__ import annotations

import streamlit as st

from ui.i18n import t
from ui.monitor_widgets import alerts, charts, files, headline, how_to_start, monitor_of
from ui.page import require_run

st.title(t("monitor.title"))
run_id = require_run().run_id
st.caption(t("monitor.caption", run_id=run_id))
monitor = monitor_of(run_id)
if monitor is None:
    st.info(t("monitor.none"), icon=":material/info:")
    how_to_start(run_id)
    st.stop()
headline(monitor)
charts(monitor)
alerts(monitor)
files(monitor)
with st.expander(t("monitor.how")):
    how_to_start(run_id)
