"""What the browser tests and the browser benchmarks share: a `streamlit run` server on a free
port with its own RISKCORE_HOME, Debian's chromium under Playwright, and the few page steps every
journey repeats (open, upload, train). Plain functions and context managers, so bench/ scripts
can use them without pytest.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1800}
TINY_CONFIG = {
    "data": {
        "time": "date",
        "entity": "ticker",
        "sequence_features": ["ret_1d", "volume"],
        "target": {"kind": "column", "column": "event"},
    },
    "window": 10,
    "horizon": 20,
    "model": {"units": [8], "dense_units": 4, "tower_units": 4},
    "training": {"epochs": 2, "batch_size": 512, "patience": 0},
}
SAVED = re.compile(r"Run (\d{8}-\d{6}-[0-9a-f]{6}) saved\.")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    home: Path
    log: Path


@contextmanager
def serve(
    home: Path,
    start_timeout_s: float = 60.0,
    port: int | None = None,
    secrets: Path | None = None,
    address: str = "127.0.0.1",
) -> Iterator[Server]:
    """`streamlit run app.py` on a free port with RISKCORE_HOME=home, ended on exit; with
    `secrets`, that secrets.toml (sign-in through its [auth] provider).

    Output goes to a log file next to the home (an unread pipe would fill up with the workers'
    TensorFlow logs and block the server).
    """
    assert Path(CHROMIUM).exists(), "install chromium: apt-get install -y chromium"
    port = port or free_port()
    log = home.parent / f"{home.name}-streamlit.log"
    cmd = [
        *(sys.executable, "-m", "streamlit", "run", "app.py"),
        *("--server.port", str(port), "--server.address", address),
        *("--server.headless", "true"),
        *(("--secrets.files", str(secrets)) if secrets else ()),
    ]
    env = {**os.environ, "RISKCORE_HOME": str(home)}
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + start_timeout_s
        while True:
            assert proc.poll() is None, f"streamlit exited ({proc.returncode}); see {log}"
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert time.time() < deadline, f"streamlit did not start; see {log}"
                time.sleep(0.3)
        yield Server(f"http://127.0.0.1:{port}", proc, home, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextmanager
def launch_browser():
    """Debian's chromium, headless, under Playwright."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser_or_context, url: str, all_runs: bool = False):
    """A new page (from a Browser: in its own context, so its own Streamlit session) on the
    Data page; all_runs=True also switches the sidebar to every run in the store."""
    if hasattr(browser_or_context, "new_context"):  # a Browser: new_page makes a context
        page = browser_or_context.new_page(viewport=VIEWPORT)
    else:
        page = browser_or_context.new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    page.wait_for_selector("[data-testid='stApp']")
    page.get_by_role("heading", name="Data").first.wait_for()
    if all_runs:
        show_all_runs(page)
    return page


def new_session(browser):
    """A separate browser context: its own cookies and websocket, so its own Streamlit
    session, as a second user on another machine would have."""
    return browser.new_context(viewport=VIEWPORT)


def show_all_runs(page) -> None:
    """Flip "Show all runs in the store" when the store holds runs (else there is no toggle)."""
    toggle = page.locator("[data-testid='stSidebar'] [data-testid='stCheckbox']").get_by_text(
        "Show all runs in the store", exact=True
    )
    if toggle.count():
        toggle.click()
        page.locator("[data-testid='stSidebar']").get_by_text("Active run").wait_for()


def no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0


PUSHED_MARGINS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')]
  .filter((g) => g.offsetParent !== null && g._fullLayout)
  .map((g) => {
    const m = g._fullLayout.margin, s = g._fullLayout._size;
    const pushed = ['l', 'r', 't', 'b'].filter((k) => Math.round(s[k]) > m[k] + 0.5);
    return [(g.querySelector('.gtitle') || {}).textContent || '?', pushed.join('')];
  })"""


def pushed_margins(page) -> dict[str, str]:
    """The visible charts whose labels pushed a margin out (Plotly's automargin then draws the
    chart a second time), by title, with the sides pushed ("lb")."""
    return {title: sides for title, sides in page.evaluate(PUSHED_MARGINS_JS) if sides}


def go(page, link: str, heading: str) -> None:
    page.get_by_role("link", name=link, exact=True).click()
    page.get_by_role("heading", name=heading).first.wait_for()


MARKET_FILES = {
    "primary": "market_prices.csv",
    "macro": "market_macro.csv",
    "sentiment": "market_sentiment.csv",
}


def small_market(folder: Path, tickers: int = 4) -> Path:
    """The sample's market_prices.csv cut to its first `tickers` tickers, in `folder`: the
    browser tests train on what an analyst uploads, in a fraction of the sample's time."""
    return small_market_files(folder, tickers, roles=("primary",))["primary"]


def small_market_files(
    folder: Path, tickers: int = 4, roles: tuple[str, ...] = tuple(MARKET_FILES)
) -> dict[str, Path]:
    """The sample's market files by role, under their own names in `folder`, the per-ticker
    ones (prices, sentiment) cut to the first `tickers` tickers of the prices."""
    import pandas as pd

    sample = ROOT / "sample_data"
    prices = pd.read_csv(sample / MARKET_FILES["primary"])
    keep = sorted(prices["ticker"].unique())[:tickers]
    out = {}
    for role in roles:
        frame = prices if role == "primary" else pd.read_csv(sample / MARKET_FILES[role])
        if "ticker" in frame:
            frame = frame[frame["ticker"].isin(keep)]
        out[role] = folder / MARKET_FILES[role]
        frame.to_csv(out[role], index=False)
    return out


def file_input(page, label: str):
    """The file input of the uploader whose label starts with `label` (by label, not position:
    the macro uploader takes several files and its input is not where the eye expects it)."""
    uploader = page.get_by_test_id("stFileUploader").filter(has_text=label)
    return uploader.locator("input[type='file']")


def wait_idle(page) -> None:
    """Until the app's script run has finished (bench_pages times interactions to this)."""
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')"
        "?.getAttribute('data-test-script-state') === 'notRunning'"
    )


def restore_config(page, config_path: Path) -> None:
    """The Data page's "Restore a config", once the page is idle (the journeys restore at a
    settled page; test_browser restores mid-run on purpose); returns when it is applied."""
    wait_idle(page)
    file_input(page, "Restore a config").set_input_files(str(config_path))
    page.get_by_text(f"Config restored from {config_path.name}").wait_for()


def upload(page, data: Path, config: dict, config_path: Path) -> None:
    """The primary file through the real file input, then a config JSON restored from disk."""
    file_input(page, "Primary time series").set_input_files(str(data))
    page.get_by_text(f"{data.name}:").first.wait_for()
    config_path.write_text(json.dumps(config), encoding="utf-8")
    restore_config(page, config_path)
    page.get_by_text("Samples per split").wait_for()


def start_training(page) -> None:
    """From the Data page: open Train and press Train (the job is queued at once)."""
    go(page, "Train", "Train")
    page.get_by_role("button", name="Train", exact=True).click()


def wait_saved(page, timeout_ms: float = 240_000) -> str:
    """Wait for "Run <id> saved." and return the id."""
    done = page.get_by_text(SAVED)
    done.wait_for(timeout=timeout_ms)
    return SAVED.search(done.inner_text()).group(1)


def select_options(page, selectbox) -> list[str]:
    """The option texts of a Streamlit selectbox (opens it, reads, closes it)."""
    selectbox.click()
    options = page.get_by_role("option")
    options.first.wait_for()
    texts = options.all_inner_texts()
    page.keyboard.press("Escape")
    return texts


# ---- sign-in through a local OpenID provider -------------------------------------------------
@contextmanager
def oidc_provider(users: list[str], groups: dict[str, list[str]] | None = None) -> Iterator[str]:
    """oidc-provider-mock on 127.0.0.1 with predefined users (their e-mail is their subject);
    yields its issuer URL. Streamlit's st.login runs the real code flow against it."""
    import werkzeug.serving
    from oidc_provider_mock import User
    from oidc_provider_mock import app as oidc_app

    claims = [User(sub=u, claims={"email": u, "groups": (groups or {}).get(u, [])}) for u in users]
    server = werkzeug.serving.make_server(
        "127.0.0.1", 0, oidc_app(user_claims=claims), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@contextmanager
def serve_signed_in(
    home: Path, users: list[str], groups: dict[str, list[str]] | None = None, settings: str = ""
) -> Iterator[Server]:
    """A server whose every page asks for sign-in through a local provider; `settings` is the
    text of the server's risklens.toml (admins, limits)."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "risklens.toml").write_text(settings, encoding="utf-8")
    port = free_port()
    with oidc_provider(users, groups) as issuer:
        secrets = home.parent / f"{home.name}-secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            'cookie_secret = "a-test-secret-that-is-long-enough-0123456789"\n'
            'client_id = "risklens"\n'
            'client_secret = "risklens-secret"\n'
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n',
            encoding="utf-8",
        )
        with serve(home, port=port, secrets=secrets) as server:
            yield server


def signed_in_as(who: str) -> re.Pattern:
    """The sidebar's line (md_escape puts an invisible word joiner after the "@")."""
    return re.compile("Signed in as " + re.escape(who).replace("@", "@\u2060?"))


def sign_in(context, url: str, who: str):
    """A new page of `context` signed in as `who` through the provider's form, on Data."""
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    page.get_by_text("Sign in to use RiskLens").wait_for()
    assert page.get_by_role("link", name="Data").count() == 0  # no page before sign-in
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=who, exact=True).click()  # the provider's consent form
    page.get_by_role("heading", name="Data").first.wait_for()
    page.locator("[data-testid='stSidebar']").get_by_text(signed_in_as(who)).wait_for()
    return page
