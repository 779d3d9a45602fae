"""A deep link on a fresh server (a bookmark, a reload) shows the page inside the app.

Streamlit keeps a legacy pages/ mode until st.navigation first runs; a first session that
opened /explain used to get the bare page file with Streamlit's own file list (see ui/__init__).
"""

from __future__ import annotations

import pytest

from tests.browser_support import ARTIFACTS, launch_browser, no_exception, serve

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["explain", "monitor"])
def test_the_first_request_is_a_deep_link(tmp_path, path) -> None:
    with serve(tmp_path / "home") as server, launch_browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(30_000)
        page.goto(f"{server.url}/{path}")  # nothing else has run on this server yet
        page.get_by_role("heading", name=path.capitalize()).first.wait_for()
        sidebar = page.locator("[data-testid='stSidebar']")
        sidebar.get_by_text("Language").wait_for()  # app.py's sidebar, not the bare page
        links = sidebar.get_by_role("link")
        names = [links.nth(i).inner_text().split("\n")[-1] for i in range(links.count())]
        assert names == [
            "Data",
            "Train",
            "Results",
            "Validate",
            "Explain",
            "Scenarios",
            "Compare",
            "Tune",
            "Report",
            "Monitor",
        ]
        no_exception(page)
        page.screenshot(path=ARTIFACTS / f"browser_deep_link_{path}.png")
