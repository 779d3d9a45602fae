"""Two users sign in through a real OpenID Connect provider (oidc-provider-mock on 127.0.0.1)
and see only their own runs; the signed-in identity owns what it trains, across a reload.

The provider is the test's: it issues signed ID tokens for predefined users, and Streamlit's
st.login does the whole code flow against it, as it would against a bank's provider.
"""

from __future__ import annotations

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
    sign_in,
    signed_in_as,
    start_training,
    upload,
    wait_saved,
)

pytestmark = pytest.mark.browser
ALICE, BOB = "alice@bank.test", "bob@bank.test"
GROUPS = {ALICE: ["credit"], BOB: ["markets"]}


def _picker_ids(page) -> list[str]:
    sidebar = page.locator("[data-testid='stSidebar']")
    listed, none = sidebar.get_by_text("Active run"), sidebar.get_by_text("No runs yet")
    listed.or_(none).first.wait_for()  # the sidebar has drawn its run list
    if listed.count() == 0:
        return []
    box = sidebar.locator("[data-testid='stSelectbox']").nth(1)
    return [o.split(" · ")[0] for o in select_options(page, box)]


def test_two_users_sign_in_and_neither_sees_the_others_runs(browser, tmp_path) -> None:
    home = tmp_path / "home"
    with serve_signed_in(home, [ALICE, BOB], GROUPS) as server:
        alice = sign_in(new_session(browser), server.url, ALICE)
        upload(alice, ROOT / "sample_data" / "market_prices.csv", TINY_CONFIG, tmp_path / "c.json")
        start_training(alice)
        run_id = wait_saved(alice)
        assert RunStore(home).owner(run_id) == ALICE  # the identity owns the run
        alice.reload()  # a new session: the sign-in cookie, not session state, finds it
        alice.locator("[data-testid='stSidebar']").get_by_text(signed_in_as(ALICE)).wait_for()
        assert _picker_ids(alice) == [run_id]
        alice.screenshot(path=ARTIFACTS / "browser_signin_alice.png", full_page=True)

        bob = sign_in(new_session(browser), server.url, BOB)
        assert _picker_ids(bob) == []  # not listed
        assert bob.get_by_role("switch", name="Show all runs in the store").count() == 0
        go(bob, "Results", "Results")
        bob.get_by_text("No run selected").first.wait_for()  # nothing to open or download
        assert bob.get_by_role("button", name="Download").count() == 0
        go(bob, "Explain", "Explain")
        assert run_id not in bob.content()
        no_exception(bob)
        bob.screenshot(path=ARTIFACTS / "browser_signin_bob.png", full_page=True)

        bob.locator("[data-testid='stSidebar']").get_by_role("button", name="Sign out").click()
        bob.get_by_role("button", name="End session").click()  # the provider's logout too
        bob.get_by_text("Sign in to use RiskLens").wait_for()
        assert bob.get_by_role("link", name="Results").count() == 0
