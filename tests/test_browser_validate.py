"""The Validate page in a real browser: a tiny credit run trained by the CLI (the session's,
copied into the server's store), opened from the navigation; the lights are shown as coloured
words, in English and in 简体中文. Screenshots go to test-artifacts/validate_en.png and
validate_zh.png."""

from __future__ import annotations

import re

import pytest

from tests.browser_support import ARTIFACTS, go, no_exception, open_page, serve

pytestmark = pytest.mark.browser
LIGHT = re.compile(r"^(green|amber|red) · ")
LIGHT_ZH = re.compile(r"^(绿灯|黄灯|红灯) · ")


@pytest.fixture(scope="module")
def server(credit_run, copy_run):
    """A server whose store holds a copy of the session's tiny credit run."""
    run = copy_run(credit_run)
    with serve(run.path.parent.parent) as s:
        yield s.url, run.run_id


def test_the_validate_page_shows_the_lights(server, browser) -> None:
    url, run_id = server
    page = open_page(browser, url, all_runs=True)
    go(page, "Validate", "Model validation")
    page.get_by_text(re.compile(r"^Overall (green|amber|red): ")).wait_for(timeout=90_000)
    page.get_by_text(LIGHT).nth(5).wait_for()  # one expander per check, each with its light
    assert page.get_by_text(f"run {run_id}", exact=False).count() >= 1
    page.get_by_text(re.compile(r"Test Gini of the deep model$")).first.click()  # its chart
    page.locator("[data-testid='stPlotlyChart']").first.wait_for()
    no_exception(page)
    page.screenshot(path=ARTIFACTS / "validate_en.png", full_page=True)
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="简体中文").click()
    page.get_by_role("heading", name="模型验证").first.wait_for()
    page.get_by_text(LIGHT_ZH).first.wait_for(timeout=90_000)
    page.get_by_role("tab", name="主标尺").click()
    page.wait_for_timeout(800)
    no_exception(page)
    page.screenshot(path=ARTIFACTS / "validate_zh.png", full_page=True)
    page.close()
