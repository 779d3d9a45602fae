"""Sign-in in the app (AppTest with st.user seeded): a page is only reached signed in, and a
signed-in user reaches another user's run by no route: not the picker, not a session that names
its id, not the Compare list. Without sign-in the app refuses to serve beyond 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from riskcore.access import Principal
from riskcore.store import RunStore
from tests.test_store_hostile import fake_run

ROOT = Path(__file__).resolve().parent.parent
ALICE, BOB, ROOT_ADMIN = "alice@bank.test", "bob@bank.test", "root@bank.test"
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "risklens",
    "client_secret": "s",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    settings = tmp_path / "risklens.toml"
    settings.write_text(f'[sharing]\nadmins = ["{ROOT_ADMIN}"]\n', encoding="utf-8")
    monkeypatch.chdir(ROOT)
    return tmp_path


def _app(user: str | None, run_id: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"email": user, "is_logged_in": True} if user else {"is_logged_in": False}
    if run_id:
        at.session_state["run_id"] = run_id
    return at.run()


def _picker(at: AppTest) -> list[str]:
    boxes = [b for b in at.sidebar.selectbox if b.key == "run_picker"]
    return [o.split(" · ")[0] for o in boxes[0].options] if boxes else []


def test_signed_out_sees_only_the_sign_in_screen(home) -> None:
    fake_run(RunStore(home, principal=Principal(user=ALICE)), owner=ALICE)
    at = _app(None)
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.sidebar.selectbox  # no language, no runs: nothing before sign-in
    assert "Sign in to use RiskLens" in at.info[0].value


def test_bob_reaches_alices_run_by_no_route(home) -> None:
    theirs = fake_run(RunStore(home, principal=Principal(user=ALICE)), owner=ALICE)
    mine = fake_run(RunStore(home, principal=Principal(user=BOB)), owner=BOB)
    at = _app(BOB)
    assert not at.exception
    assert _picker(at) == [mine]
    assert not at.sidebar.toggle  # "show all runs" is for admins
    # a session that names Alice's id (a forged widget value, an old session) gets not-found
    at = _app(BOB, run_id=theirs)
    assert theirs not in _picker(at)
    for page in ("pages/results.py", "pages/explain.py", "pages/report.py"):
        at.session_state["run_id"] = theirs
        at.switch_page(page).run()
        assert not at.exception, page
        errors = " ".join(e.value for e in at.error)
        assert "not found" in errors, page
        assert not at.get("download_button"), page
    at.switch_page("pages/results.py").run()
    assert all(theirs not in str(d.value) for d in at.dataframe)


def test_an_admin_lists_own_runs_and_every_run_with_the_switch(home) -> None:
    theirs = fake_run(RunStore(home, principal=Principal(user=ALICE)), owner=ALICE)
    at = _app(ROOT_ADMIN)
    assert not at.exception
    assert at.sidebar.toggle[0].label == "Show all runs in the store"
    assert _picker(at) == []
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"email": ROOT_ADMIN, "is_logged_in": True}
    at.session_state["show_all_runs"] = True  # the switch flipped (AppTest reruns pages only)
    at.run()
    assert _picker(at) == [theirs]


def test_single_user_mode_refuses_to_serve_other_hosts(home) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert "Single-user mode" in " ".join(c.value for c in at.sidebar.caption)
    previous = st_config.get_option("server.address")
    st_config.set_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    finally:
        st_config.set_option("server.address", previous)
    assert not at.exception
    assert "without sign-in" in at.error[0].value
    assert not at.sidebar.selectbox and not at.button
