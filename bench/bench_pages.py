"""Dashboard responsiveness in a real browser: first render, and fragment reruns on Results.

    .venv/bin/python bench/bench_pages.py [--first 5] [--slider 10] [--select 5] [--home DIR]

1. First render: `streamlit run app.py` on a free port with an empty RISKCORE_HOME; time from
   process start to the port accepting connections ("server up"), then Playwright (Debian's
   chromium) opens the app in fresh browser contexts and times goto -> "Data" heading visible and
   goto -> "Load sample: market risk" button visible. The first context is the cold one (the
   server imports the app's modules on the first session); the others are reported as a median.
   Budget: first render within 3 s of the server being up.
2. Reruns on Results: a tiny run is trained without the UI (or found in --home), a second server
   is started on that home, and the browser moves the "Alert threshold" slider with ArrowRight
   (threshold fragment) and picks another entity on "Risk timeline" (timeline fragment). An
   in-page observer stamps the key press / option click, the first change of the visible
   st.metric values, and the app's script state (stApp's data-test-script-state) going back to
   "notRunning"; the latter is "rerun finished". Budget: under 300 ms per rerun. The browser's
   long tasks (main thread busy > 50 ms at a stretch) up to that point are summed as well: they
   tell frontend rendering (Plotly, data grid) apart from server time.
   Before that, a direct (deep) link to /results is opened as the server's first session, which
   shows whether the app's own navigation and sidebar come up on a cold deep link.
3. Server side only: streamlit.testing AppTest times a full-script rerun of the Results page per
   threshold value (AppTest runs the whole script, so this bounds the fragment rerun from above).

Medians throughout: the development machine has 2 cores and is shared, so expect noise.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, VIEWPORT  # noqa: E402

SAMPLE_BUTTON = "Load sample: market risk (12 tickers)"
FIRST_RENDER_BUDGET_S = 3.0
RERUN_BUDGET_MS = 300.0
TIMEOUT_MS = 60_000

# Installed once per page: stamps key presses, option clicks, script-state changes and changes of
# the st.metric values shown in the visible tab panel (performance.now(), milliseconds).
OBSERVER_JS = """
() => {
  if (window.__bench) return;
  window.__bench = true;
  window.__ev = [];
  const now = () => performance.now();
  const app = document.querySelector('[data-testid="stApp"]');
  new MutationObserver(() => {
    window.__ev.push(['state', app.getAttribute('data-test-script-state'), now()]);
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__ev.push(['longtask', e.duration, e.startTime]);
  }).observe({type: 'longtask'});
  document.addEventListener('keydown', (e) => window.__ev.push(['input', e.key, now()]), true);
  document.addEventListener('pointerdown', (e) => {
    if (e.target.closest('[role="option"]')) window.__ev.push(['input', 'option', now()]);
  }, true);
  const metrics = () => JSON.stringify(
    [...document.querySelectorAll('[role="tabpanel"]')]
      .filter((p) => p.offsetParent !== null)
      .flatMap((p) => [...p.querySelectorAll('[data-testid="stMetricValue"]')])
      .map((e) => e.innerText));
  window.__metrics = metrics();
  new MutationObserver(() => {
    const m = metrics();
    if (m !== window.__metrics) {
      window.__metrics = m;
      window.__ev.push(['metrics', m, now()]);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}
"""

# True once the input of this trial was seen and the script state went back to "notRunning".
DONE_JS = """
() => {
  const ev = window.__ev;
  const i = ev.findIndex((e) => e[0] === 'input');
  return i >= 0 && ev.slice(i + 1).some((e) => e[0] === 'state' && e[1] === 'notRunning');
}
"""


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(home: Path, log: Path):
    """`streamlit run app.py` on a free port; yields (url, seconds from start to port open)."""
    port = free_port()
    env = {**os.environ, "RISKCORE_HOME": str(home)}
    cmd = [
        *(sys.executable, "-m", "streamlit", "run", "app.py"),
        *("--server.port", str(port), "--server.address", "127.0.0.1"),
        *("--server.headless", "true"),
    ]
    with log.open("w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = start + 120
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"streamlit exited ({proc.returncode}); see {log}")
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    if time.perf_counter() > deadline:
                        raise RuntimeError(f"streamlit did not open port {port}") from None
                    time.sleep(0.02)
            yield f"http://127.0.0.1:{port}", time.perf_counter() - start
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def new_page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return context, page


def exceptions(page) -> int:
    return page.locator("[data-testid='stException']").count()


# ---- 1. first render -------------------------------------------------------------------------
def first_render(browser, repeats: int, tmp: Path) -> dict:
    home = tmp / "empty-home"
    home.mkdir()
    heading, button, errors = [], [], 0
    with streamlit_server(home, tmp / "server-first.log") as (url, up_s):
        for _ in range(repeats):
            context, page = new_page(browser)
            try:
                start = time.perf_counter()
                page.goto(url)
                page.get_by_role("heading", name="Data").first.wait_for()
                heading.append(time.perf_counter() - start)
                page.get_by_role("button", name=SAMPLE_BUTTON).wait_for()
                button.append(time.perf_counter() - start)
                errors += exceptions(page)
            finally:
                context.close()
    return {"up_s": up_s, "heading": heading, "button": button, "errors": errors}


# ---- 2. reruns after training ----------------------------------------------------------------
def tiny_run(home: Path) -> tuple[str, float | None]:
    """The newest run in `home`, or a tiny market-event run trained now (id, seconds)."""
    from riskcore.store import RunStore

    store = RunStore(home)
    if store.ids():
        return store.ids()[0], None
    from riskcore.config import parse_config
    from riskcore.io import read_table
    from riskcore.train import train_run

    raw = json.loads((ROOT / "sample_data" / "market_event_config.json").read_text("utf-8"))
    raw["window"] = 10
    raw["model"].update(units=[8], dense_units=4, tower_units=4)
    raw["training"]["epochs"] = 1
    config = parse_config(raw)
    frames = [
        read_table(ROOT / "sample_data" / name)[0]
        for name in ("market_prices.csv", "market_macro.csv", "market_sentiment.csv")
    ]
    start = time.perf_counter()
    run_id = train_run(config, *frames, store=store)
    return run_id, time.perf_counter() - start


def deep_link(browser, url: str) -> str:
    """Open /results as the server's first session: what comes up?"""
    context, page = new_page(browser)
    try:
        page.goto(f"{url}/results")
        page.get_by_role("heading", name="Results").first.wait_for()
        tab = page.get_by_role("tab", name="Threshold and cost")
        no_run = page.get_by_text("No run selected")
        tab.or_(no_run).first.wait_for()
        sidebar = page.locator("[data-testid='stSidebar']").get_by_text("Active run").count()
        if tab.count() and sidebar:
            return "ok"
        nav = page.locator("[data-testid='stSidebarNavLink']").all_inner_texts()
        shown = "Results tabs" if tab.count() else "'No run selected'"
        side = "app sidebar" if sidebar else "no app sidebar (no run picker)"
        return f"BROKEN: {shown}, {side}, sidebar nav {nav}"
    finally:
        context.close()


def trial(page, act) -> dict:
    """Run `act`, wait for the rerun to finish; ms from the input to each observed stage."""
    page.evaluate("window.__ev = []")
    act()
    page.wait_for_function(DONE_JS, timeout=TIMEOUT_MS)
    page.wait_for_timeout(200)  # long-task entries are reported after the task ends
    events = page.evaluate("window.__ev")
    i = next(k for k, e in enumerate(events) if e[0] == "input")
    t0, after = events[i][2], events[i + 1 :]

    def first(kind: str, value=None) -> float | None:
        for e in after:
            if e[0] == kind and (value is None or e[1] == value):
                return e[2] - t0
        return None

    idle = first("state", "notRunning")
    end = t0 + (idle or 0)
    busy = sum(
        min(e[2] + e[1], end) - max(e[2], t0)
        for e in events
        if e[0] == "longtask" and e[2] < end and e[2] + e[1] > t0
    )
    return {
        "start": first("state", "running"),
        "metrics": first("metrics"),
        "idle": idle,
        "busy": busy,
    }


def reruns(browser, home: Path, tmp: Path, n_slider: int, n_select: int) -> dict:
    out: dict = {}
    with streamlit_server(home, tmp / "server-results.log") as (url, _):
        out["deep_link"] = deep_link(browser, url)
        context, page = new_page(browser)
        try:
            page.goto(url)
            page.get_by_role("heading", name="Data").first.wait_for()
            page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Results").click()
            page.get_by_role("heading", name="Results").first.wait_for()
            page.get_by_role("tab", name="Threshold and cost").click()
            panel = page.locator("[role='tabpanel']:visible")
            slider = panel.get_by_role("slider", name="Alert threshold")
            slider.wait_for()
            page.wait_for_function(
                "() => document.querySelector('[data-testid=\"stApp\"]')"
                ".getAttribute('data-test-script-state') === 'notRunning'"
            )
            page.evaluate(OBSERVER_JS)
            slider.focus()
            start_value = slider.input_value()
            out["slider"] = [
                trial(page, lambda: page.keyboard.press("ArrowRight")) for _ in range(n_slider)
            ]
            out["slider_values"] = (start_value, slider.input_value())
            out["errors"] = exceptions(page)

            page.get_by_role("tab", name="Risk timeline").click()
            combo = page.locator("[role='tabpanel']:visible").get_by_role("combobox", name="Entity")
            combo.wait_for()
            out["select"] = []
            for k in range(n_select):
                combo.click()
                options = page.get_by_role("option")
                options.first.wait_for()
                option = options.nth((k + 1) % options.count())
                out["select"].append(trial(page, option.click))
            out["entity"] = combo.input_value()
            out["errors"] += exceptions(page)
        finally:
            context.close()
    return out


# ---- 3. AppTest (server side, full-script rerun) ---------------------------------------------
def apptest(home: Path, run_id: str, repeats: int) -> dict:
    os.environ["RISKCORE_HOME"] = str(home)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    start = time.perf_counter()
    at.run()
    first_s = time.perf_counter() - start
    at.switch_page("pages/results.py")
    start = time.perf_counter()
    at.run()
    results_s = time.perf_counter() - start
    picked = at.session_state.get("run_id")
    values = [round(0.30 + 0.03 * k, 2) for k in range(repeats)]
    times = []
    for value in values:
        start = time.perf_counter()
        at.slider(key="threshold").set_value(value).run()
        times.append(time.perf_counter() - start)
    return {
        "first_s": first_s,
        "results_s": results_s,
        "times": times,
        "run_ok": picked == run_id,
        "errors": len(at.exception),
    }


# ---- report -----------------------------------------------------------------------------------
def _ms(value: float | None) -> str:
    return "–" if value is None or value != value else f"{value:,.0f} ms"


def _stage(trials: list[dict], key: str) -> float:
    return median([t[key] for t in trials if t[key] is not None])


def report(first: dict, rr: dict, at: dict, train_s: float | None) -> None:
    heading, button = first["heading"], first["button"]
    warm_h, warm_b = heading[1:], button[1:]
    rows: list[tuple[str, str, str]] = [
        ("Server process start -> port open", _ms(first["up_s"] * 1000), "–"),
        ("First render, cold (1st session): Data heading", _ms(heading[0] * 1000), "< 3,000 ms"),
        ("First render, cold: sample button visible", _ms(button[0] * 1000), "< 3,000 ms"),
        (
            f"First render, warm (median of {len(warm_h)}): Data heading",
            _ms(median(warm_h) * 1000),
            "< 3,000 ms",
        ),
        (
            f"First render, warm (median of {len(warm_b)}): sample button",
            _ms(median(warm_b) * 1000),
            "< 3,000 ms",
        ),
    ]
    for key, label in (("slider", "Slider ArrowRight"), ("select", "Timeline entity pick")):
        trials = rr[key]
        start = _ms(_stage(trials, "start"))
        rows.append((f"{label} -> rerun starts (median of {len(trials)})", start, "–"))
        if key == "slider":
            rows.append((f"{label} -> Precision etc. change", _ms(_stage(trials, "metrics")), "–"))
        rows += [
            (f"{label} -> app idle again", _ms(_stage(trials, "idle")), "< 300 ms"),
            (f"{label}: browser long tasks until idle", _ms(_stage(trials, "busy")), "–"),
        ]
    rows += [
        ("AppTest: first run of app.py (Data page)", _ms(at["first_s"] * 1000), "–"),
        ("AppTest: switch to Results (full run)", _ms(at["results_s"] * 1000), "–"),
        (
            f"AppTest: threshold set_value().run() (median of {len(at['times'])})",
            _ms(median(at["times"]) * 1000),
            "< 300 ms (upper bound)",
        ),
    ]
    if train_s is not None:
        rows.append(("Training the tiny run (setup, not a budget)", f"{train_s:,.1f} s", "–"))
    width = max(len(r[0]) for r in rows)
    print(f"\n{'What':<{width}}  {'Measured':>10}  Budget")
    print(f"{'-' * width}  {'-' * 10}  {'-' * 22}")
    for what, value, budget in rows:
        print(f"{what:<{width}}  {value:>10}  {budget}")

    print("\nChecks")
    first_ok = heading[0] <= FIRST_RENDER_BUDGET_S and median(warm_h) <= FIRST_RENDER_BUDGET_S
    print(f"  first render within {FIRST_RENDER_BUDGET_S:.0f} s of server up: {_yes(first_ok)}")
    for key in ("slider", "select"):
        ok = _stage(rr[key], "idle") < RERUN_BUDGET_MS
        print(f"  {key} rerun under {RERUN_BUDGET_MS:.0f} ms: {_yes(ok)}")
    print(f"  slider moved {rr['slider_values'][0]} -> {rr['slider_values'][1]}")
    print(f"  last entity picked: {rr['entity']}")
    print(f"  cold deep link to /results: {rr['deep_link']}")
    print(f"  AppTest picked the trained run: {_yes(at['run_ok'])}")
    errors = first["errors"] + rr["errors"] + at["errors"]
    print(f"  exceptions shown by the app: {errors}")
    print("\nPer trial (ms from input: rerun start / metrics change / idle / long tasks)")
    for key in ("slider", "select"):
        cells = [
            "/".join(
                "–" if t[s] is None else f"{t[s]:.0f}" for s in ("start", "metrics", "idle", "busy")
            )
            for t in rr[key]
        ]
        print(f"  {key}: {'  '.join(cells)}")
    print(f"  first render (s, heading): {'  '.join(f'{v:.2f}' for v in heading)}")
    print(f"  AppTest threshold (ms): {'  '.join(f'{v * 1000:.0f}' for v in at['times'])}")


def _yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def in_child(step: str, *args: str) -> dict:
    """Run one step in a fresh interpreter; it prints its result as JSON on the last line.

    Training imports TensorFlow, and once `keras` is in sys.modules Streamlit's script runner
    calls keras.backend.clear_session() (a full gc.collect()) after every script run, which
    would double the AppTest numbers; so neither step runs in this process.
    """
    cmd = [sys.executable, str(Path(__file__).resolve()), "--step", step, *args]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise RuntimeError(f"step {step!r} failed ({done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--first", type=int, default=5, help="first-render repeats")
    parser.add_argument("--slider", type=int, default=10, help="threshold slider reruns")
    parser.add_argument("--select", type=int, default=5, help="timeline entity reruns")
    parser.add_argument("--home", type=Path, help="RISKCORE_HOME holding a run (else train one)")
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)  # internal: child steps
    args = parser.parse_args()
    if args.step:
        step, *rest = args.step
        if step == "train":
            run_id, seconds = tiny_run(Path(rest[0]))
            print(json.dumps({"run_id": run_id, "train_s": seconds}))
        else:
            print(json.dumps(apptest(Path(rest[0]), rest[1], int(rest[2]))))
        return
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp_name:
        tmp = Path(tmp_name)
        home = args.home or tmp / "home"
        print("training a tiny run (or reusing --home) ...", flush=True)
        trained = in_child("train", str(home))
        run_id, train_s = trained["run_id"], trained["train_s"]
        print(f"run {run_id}", flush=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                print("first render ...", flush=True)
                first = first_render(browser, args.first, tmp)
                print("reruns on Results ...", flush=True)
                rr = reruns(browser, home, tmp, args.slider, args.select)
            finally:
                browser.close()
        print("AppTest ...", flush=True)
        at = in_child("apptest", str(home), run_id, str(args.slider))
        report(first, rr, at, train_s)


if __name__ == "__main__":
    main()
