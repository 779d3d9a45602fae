"""Results page: the model against honest baselines, curves, thresholds, risk timelines."""

from __future__ import annotations

import streamlit as st

from ui.i18n import t
from ui.page import lazy_tabs, require_run
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
    sections = {
        t("results.tab_var_series"): lambda: series_section(run),
        t("results.tab_backtests"): lambda: backtest_section(run),
    }
elif run.metrics.classification:
    sections = {
        t("results.tab_curves"): lambda: curves(run),
        t("results.tab_threshold"): lambda: threshold_section(run),
        t("results.tab_timeline"): lambda: timeline_section(run),
    }
else:
    sections = {
        t("results.tab_curves"): lambda: regression_views(run),
        t("results.tab_timeline"): lambda: timeline_section(run),
    }
lazy_tabs({**sections, t("results.tab_run"): lambda: run_details(run)}, key="results_tab")
