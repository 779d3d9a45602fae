"""Load and isolation in a real browser: three signed-in users (separate Playwright browser
contexts) upload different files and train at the same time on one server with one worker.

All three finish (two of them after waiting in the queue, which the page says); each user lists
only their own run and sees only their own file and entities; a fourth user's page renders
while the others train (its time is printed; the budget is in bench/); that fourth user is an
admin, whose "Show all runs in the store" lists all three.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from riskcore.store import RunStore
from tests.browser_support import (
    ARTIFACTS,
    ROOT,
    TINY_CONFIG,
    go,
    new_session,
    no_exception,
    select_options,
    serve_signed_in,
    show_all_runs,
    sign_in,
    signed_in_as,
    small_market,
    start_training,
    upload,
    wait_saved,
)

pytestmark = pytest.mark.browser
USERS = ["market@bank.test", "bank@bank.test", "fund@bank.test"]
ADMIN = "admin@bank.test"


@dataclass
class Session:
    name: str
    data: Path
    config: dict
    entities: set[str]


def _variant(source: pd.DataFrame, path: Path, prefix: str, tickers: list[str], rename: dict):
    """A smaller file with other entity names and other column names than the sample."""
    frame = source[source["ticker"].isin(tickers)].copy()
    frame["ticker"] = prefix + frame["ticker"]
    frame.rename(columns=rename).to_csv(path, index=False)
    return {prefix + t for t in tickers}


def _config(**roles) -> dict:
    data = {**TINY_CONFIG["data"], **roles}
    return {**TINY_CONFIG, "data": data}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("load") / "home"
    with serve_signed_in(home, [*USERS, ADMIN], settings=f'[sharing]\nadmins = ["{ADMIN}"]\n') as s:
        yield s


@pytest.fixture
def sessions(tmp_path) -> list[Session]:
    source = pd.read_csv(ROOT / "sample_data" / "market_prices.csv")
    (tmp_path / "market").mkdir()
    sample = small_market(tmp_path / "market")  # the sample's own name, four of its tickers
    bank = tmp_path / "bank_prices.csv"
    bank_entities = _variant(
        source, bank, "BANK-", ["ACME", "BOLT", "CRUX"], {"ticker": "symbol", "volume": "vol"}
    )
    fund = tmp_path / "fund_prices.csv"
    fund_entities = _variant(
        source, fund, "FUND-", ["GRID", "HALO"], {"ret_1d": "r1", "event": "breach"}
    )
    return [
        Session("market", sample, TINY_CONFIG, set(pd.read_csv(sample)["ticker"])),
        Session(
            "bank",
            bank,
            _config(entity="symbol", sequence_features=["ret_1d", "vol"]),
            bank_entities,
        ),
        Session(
            "fund",
            fund,
            _config(
                sequence_features=["r1", "volume"], target={"kind": "column", "column": "breach"}
            ),
            fund_entities,
        ),
    ]


def test_three_sessions_train_at_once_and_each_sees_only_its_own(
    server, browser, sessions, tmp_path
) -> None:
    started = time.perf_counter()
    # The fourth user has opened the app before: their browser has its static files cached, so
    # the render time below is the server's answer, not chromium compiling 5 MB of JavaScript
    # on the same two cores. Each visit is still a new Streamlit session.
    fourth = new_session(browser)
    sign_in(fourth, server.url, ADMIN).close()
    contexts = [new_session(browser) for _ in sessions]
    pages = [sign_in(c, server.url, who) for c, who in zip(contexts, USERS, strict=True)]
    for page, s in zip(pages, sessions, strict=True):
        upload(page, s.data, s.config, tmp_path / f"{s.name}.json")
        no_exception(page)
    for page in pages:  # all three start within a second or two
        start_training(page)
    for page in pages[1:]:
        page.get_by_text("Waiting for a worker: place").wait_for(timeout=20_000)
    pages[2].screenshot(path=ARTIFACTS / "load_queued.png", full_page=True)

    # a fourth session while the worker trains and two jobs wait
    t0 = time.perf_counter()
    page4 = fourth.new_page()  # signed in already (the cookie): straight to the Data page
    page4.goto(server.url)
    page4.get_by_role("heading", name="Data").first.wait_for()
    render_s = time.perf_counter() - t0
    page4.get_by_role("button", name="Load sample: market risk (12 tickers)").wait_for()
    widgets_s = time.perf_counter() - t0
    assert pages[2].get_by_text("Waiting for a worker: place").count() == 1  # still under load
    # The < 3 s render budget is measured in bench/ (bench/README.md), not asserted here: a
    # timing assertion fails on a loaded CI machine (3.02 s and 3.08 s have been seen).
    print(f"fourth session under load: heading {render_s:.2f} s, widgets {widgets_s:.2f} s")

    run_ids = [wait_saved(page) for page in pages]
    train_s = time.perf_counter() - started
    store = RunStore(server.home)
    assert sorted(store.ids()) == sorted(run_ids) and len(set(run_ids)) == 3
    assert [store.owner(r) for r in run_ids] == USERS  # each signed-in user owns their run

    for page, s, run_id in zip(pages, sessions, run_ids, strict=True):
        no_exception(page)
        picker = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").nth(1)
        assert select_options(page, picker) == [f"{run_id} · {s.data.name}"]
        go(page, "Results", "Results")
        page.get_by_text(f"Run {run_id}").first.wait_for()
        page.get_by_role("tab", name="Risk timeline").click()
        entity_box = page.get_by_role("tabpanel").locator("[data-testid='stSelectbox']").first
        assert set(select_options(page, entity_box)) == s.entities
        no_exception(page)
        page.screenshot(path=ARTIFACTS / f"load_results_{s.name}.png", full_page=True)
        go(page, "Data", "Data")
        page.get_by_text(f"{s.data.name}:").first.wait_for()  # the heading comes before it
        text = page.locator("[data-testid='stMain']").inner_text()
        others = [o.data.name for o in sessions if o is not s]
        assert f"{s.data.name}:" in text and not any(o in text for o in others)

    page4.reload()  # drawn before any run existed
    page4.get_by_role("heading", name="Data").first.wait_for()
    sidebar4 = page4.locator("[data-testid='stSidebar']")
    sidebar4.get_by_text("No runs of yours yet").wait_for()
    sidebar4.get_by_text("Show all runs in the store", exact=True).wait_for()
    show_all_runs(page4)  # the admin's switch
    picker = page4.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").nth(1)
    assert len(select_options(page4, picker)) == 3
    # a reload is a new Streamlit session: the sign-in cookie, not session state, finds the run
    first = pages[0]
    first.reload()
    first.locator("[data-testid='stSidebar']").get_by_text(signed_in_as(USERS[0])).wait_for()
    first.locator("[data-testid='stSidebar']").get_by_text("Active run").wait_for()
    picker = first.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").nth(1)
    assert [o.split(" · ")[0] for o in select_options(first, picker)] == [run_ids[0]]
    # signing out ends the session here and at the provider; no page is reachable after it
    first.locator("[data-testid='stSidebar']").get_by_role("button", name="Sign out").click()
    first.get_by_role("button", name="End session").click()
    first.get_by_text("Sign in to use RiskLens").wait_for()
    assert first.get_by_role("link", name="Results").count() == 0
    print(
        f"\nfourth session: Data page in {render_s:.2f} s, its widgets in {widgets_s:.2f} s; "
        f"three trainings took {train_s:.0f} s"
    )
    for c in [*contexts, fourth]:
        c.close()
