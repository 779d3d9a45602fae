"""The pages' tabs run only when open (ui.page.lazy_tabs): an AppTest opens one as a click
would, by setting the tabs' state to its label and rerunning."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ui.i18n import TEXT


def open_tab(at: AppTest, key: str, label_key: str, language: int = 0) -> AppTest:
    """Open the tab labelled TEXT[label_key] (in `language`: 0 English, 1 Chinese) of the
    tabs with `key` ("results_tab", "validate_tab", "explain_tab") and rerun the page."""
    at.session_state[key] = TEXT[label_key][language]
    at.run()
    assert not at.exception, at.exception
    return at
