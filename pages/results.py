"""Results page: the model against honest baselines, curves, thresholds, risk timelines."""

from __future__ import annotations

import streamlit as st

from ui.i18n import t
from ui.page import require_run
from ui.results_widgets import (
    curves,
    metric_cards,
    regression_views,
    run_details,
    threshold_section,
    timeline_section,
)
from ui.var_widgets import backtest_section, series_section, traffic_light

st.title(t("results.title"))
run = require_run()
st.caption(
    t(
        "results.caption",
        run_id=run.run_id,
        created=run.meta.created,
        device=run.meta.device,
    )
)
metric_cards(run)
if run.metrics.task == "quantile":
    traffic_light(run)
    tabs = st.tabs([t("results.tab_var_series"), t("results.tab_backtests"), t("results.tab_run")])
    with tabs[0]:
        series_section(run)
    with tabs[1]:
        backtest_section(run)
    with tabs[2]:
        run_details(run)
elif run.metrics.classification:
    tabs = st.tabs(
        [
            t("results.tab_curves"),
            t("results.tab_threshold"),
            t("results.tab_timeline"),
            t("results.tab_run"),
        ]
    )
    with tabs[0]:
        curves(run)
    with tabs[1]:
        threshold_section(run)
    with tabs[2]:
        timeline_section(run)
    with tabs[3]:
        run_details(run)
else:
    tabs = st.tabs([t("results.tab_curves"), t("results.tab_timeline"), t("results.tab_run")])
    with tabs[0]:
        regression_views(run)
    with tabs[1]:
        timeline_section(run)
    with tabs[2]:
        run_details(run)
