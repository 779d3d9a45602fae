"""Data page: upload or load sample files, map columns to roles, define the target, look at
the data (column summary, a column over time, the event rate), see the samples per split."""

from __future__ import annotations

import streamlit as st

from ui.data_widgets import config_io, file_section, mapping_form, sample_buttons
from ui.explore_widgets import explore, split_preview
from ui.i18n import t

st.title(t("data.title"))
st.caption(t("data.caption"))

sample_buttons()
# The config file's section stays at one place in the page's element tree while the files and
# the mapping above it grow: an uploader that moves while a run is drawing loses the file the
# analyst just chose in it.
body, config_slot = st.container(), st.container()
with body:
    file_section()
    raw = mapping_form()
    if raw is not None:
        explore(raw)
        split_preview(raw)
with config_slot:
    config_io(raw)
