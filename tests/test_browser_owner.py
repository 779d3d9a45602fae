"""One user's runs and jobs across a reload and a second tab, in a real browser; never another
user's. The owner is a random token in a SameSite=Strict cookie; runs record a hash of it."""

from __future__ import annotations

import hashlib
import re

import pandas as pd
import pytest
from playwright.sync_api import expect

from riskcore.store import RunStore
from tests.browser_support import (
    ARTIFACTS,
    ROOT,
    TINY_CONFIG,
    new_session,
    no_exception,
    open_page,
    select_options,
    serve,
    start_training,
    upload,
    wait_saved,
)

pytestmark = pytest.mark.browser
LONGER = {**TINY_CONFIG, "training": {**TINY_CONFIG["training"], "epochs": 40}}  # outlives a reload


def _cli_run(home) -> str:
    """A run no one owns (as a CLI job writes it): every session lists it."""
    with RunStore(home).writer() as w:
        w.write_json("meta.json", {"created": "now", "files": [{"name": "cli.csv"}]})
        w.write_json("metrics.json", {"task": "classification", "test": {"model": {}}})
        w.write_csv("predictions.csv", pd.DataFrame({"time": ["2024-01-01"], "entity": ["A"]}))
        return w.run_id


def _ids(options: list[str]) -> list[str]:
    return [o.split(" · ")[0] for o in options]


def _picker(page):
    return page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").nth(1)


def _job_shown(page) -> None:
    """The training job is on the page: waiting for a worker, or running with a Stop button."""
    running = page.get_by_role("button", name="Stop", exact=True)
    running.or_(page.get_by_text("Waiting for a worker")).first.wait_for(timeout=60_000)


def test_a_reload_and_a_second_tab_keep_the_runs_and_the_job_another_user_sees_neither(
    browser, tmp_path
) -> None:
    home = tmp_path / "home"
    older = _cli_run(home)
    with serve(home) as server:
        alice = new_session(browser)
        page = open_page(alice, server.url)
        upload(page, ROOT / "sample_data" / "market_prices.csv", LONGER, tmp_path / "c.json")
        start_training(page)
        _job_shown(page)
        page.reload()  # the session's state is gone; the cookie is not
        page.get_by_role("heading", name="Train").first.wait_for()
        _job_shown(page)  # the job still running is found again
        run_id = wait_saved(page)
        shown = _picker(page).get_by_role("combobox")
        expect(shown).to_have_value(re.compile(run_id))  # the run just trained, not `older`
        no_exception(page)

        page.reload()
        page.get_by_role("heading", name="Train").first.wait_for()
        assert run_id in _ids(select_options(page, _picker(page)))
        tab = open_page(alice, server.url)  # a second tab of the same browser
        assert _ids(select_options(tab, _picker(tab))) == [run_id, older]
        tab.screenshot(path=ARTIFACTS / "browser_owner_second_tab.png", full_page=True)

        bob = open_page(new_session(browser), server.url)  # another user
        assert _ids(select_options(bob, _picker(bob))) == [older]
        no_exception(bob)

        token = next(c for c in alice.cookies() if c["name"] == "risklens_owner")
        assert len(token["value"]) == 32 and token["sameSite"] == "Strict"
        assert token["expires"] > 0  # kept across browser restarts, not a session cookie
        owner = RunStore(home).owner(run_id)
        assert owner is not None and owner != token["value"]  # meta.json holds only a hash
        salted = hashlib.sha256(f"risklens-owner:{token['value']}".encode()).hexdigest()[:32]
        assert owner == salted
