"""Validate page: the policy's checks with lights, grades, portfolio tests, stability, segments;
for a quantile (VaR / ES) run its backtest checks and the backtests table instead."""

from __future__ import annotations

from functools import partial

import streamlit as st

from ui import validate_widgets as V
from ui.i18n import t
from ui.page import lazy_tabs, require_run

st.title(t("validate.title"))
run = require_run("validate.no_run")
st.caption(t("validate.caption", run_id=run.run_id))
result = V.compute(run)
if result is not None:
    V.headline(result)
    names = (
        ("checks", "backtests", "policy")
        if result.quantile
        else ("checks", "grades", "portfolio", "over_time", "migration", "segments", "policy")
    )
    views = {n: getattr(V, "policy_view" if n == "policy" else f"{n}_section") for n in names}
    lazy_tabs(
        {t(f"validate.tab_{n}"): partial(view, result) for n, view in views.items()},
        key="validate_tab",
    )
