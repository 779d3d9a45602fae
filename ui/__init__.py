"""Small shared Streamlit helpers: session state, translations, shared widgets.

Importing this package also ends Streamlit's legacy multipage mode. Streamlit sets a
process-wide flag when the app folder holds a `pages/` directory and clears it only when
`st.navigation` runs; until then a session that opens a deep link (`/explain`, a bookmark, a
browser reload on a fresh server) runs the page file alone, without app.py's navigation and
sidebar. Every page imports `ui`, so the first such run clears the flag and reruns: the rerun
goes through app.py and lands on the same page, with the app around it.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

if PagesManager.uses_pages_directory:
    PagesManager.uses_pages_directory = False
    st.rerun()
