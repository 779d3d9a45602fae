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

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, wait_idle  # noqa: E402

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
    if (e.target.closest('[role="tab"]')) window.__ev.push(['input', 'tab', now()]);
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

# True once the input of this trial was seen and the script state went back to "notRunning";
# or, for a fragment rerun so short that the state attribute never flipped, once the metrics
# it changed have stood for 300 ms with the app not running.
DONE_JS = """
() => {
  const ev = window.__ev;
  const i = ev.findIndex((e) => e[0] === 'input');
  if (i < 0) return false;
  const after = ev.slice(i + 1);
  if (after.some((e) => e[0] === 'state' && e[1] === 'notRunning')) return true;
  const changed = after.find((e) => e[0] === 'metrics');
  const app = document.querySelector('[data-testid="stApp"]');
  return Boolean(changed) && app.getAttribute('data-test-script-state') === 'notRunning'
    && performance.now() - changed[2] > 300;
}
"""


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(home: Path, log: Path, pid: list[int] | None = None):
    """`streamlit run app.py` on a free port; yields (url, seconds from start to port open).
    `pid`, when given, receives the server's process id (its memory is measured)."""
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
        if pid is not None:
            pid.append(proc.pid)
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

    idle = first("state", "notRunning") or first("metrics")  # see DONE_JS
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
            wait_idle(page)
            page.evaluate(OBSERVER_JS)
            out.update(slide_and_pick(page, slider, n_slider, n_select))
        finally:
            context.close()
    return out


def slide_and_pick(page, slider, n_slider: int, n_select: int) -> dict:
    """On Results with the threshold tab open: move the slider, then pick entities on the
    timeline, timing each rerun (`trial`)."""
    out: dict = {}
    wait_idle(page)
    start_value = slider.input_value()

    def move() -> None:  # focus each time: a slider drawn again after a focus loses it
        slider.focus()
        page.keyboard.press("ArrowRight")

    out["slider"] = [trial(page, move) for _ in range(n_slider)]
    out["slider_values"] = (start_value, slider.input_value())
    out["errors"] = exceptions(page)

    # tabs run only when open (ui.page.lazy_tabs): opening one is a rerun of its own
    timeline = page.get_by_role("tab", name="Risk timeline")
    out["tab"] = [trial(page, timeline.click)]
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


# ---- 4. a million predictions: Results of the sample run against a 1M-row run ---------------
LARGE_ENTITIES = 400
RESULTS_CHARTS = 6  # the metric comparison above the tabs and the five charts of "Curves"
MEMORY_RATIO_BUDGET = 1.5

# True once the app is on /results, the script is idle and every visible Plotly chart has drawn
# (at least `n` of them; the Data page before has none): Results as the analyst first sees it.
RESULTS_READY_JS = """
(n) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (!location.pathname.endsWith('/results')) return false;
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .filter((c) => c.offsetParent !== null);
  return charts.length >= n && charts.every((c) => c.querySelector('.main-svg'));
}
"""


STATE_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return {state: app.getAttribute('data-test-script-state'), events: window.__ev.length,
          running: window.__ev.some((e) => e[0] === 'state' && e[1] === 'running'),
          charts: charts.length, visible: charts.filter((c) => c.offsetParent !== null).length,
          drawn: charts.filter((c) => c.querySelector('.main-svg')).length,
          url: location.href};
}
"""


def large_run(home: Path, sample_home: Path, rows: int) -> tuple[str, float | None]:
    """The newest run in `home`, or a synthetic run of `rows` predictions written now with the
    store's writer (no training: tests.test_report.handmade_run's predictions and metrics,
    LARGE_ENTITIES entities over rows / LARGE_ENTITIES business days, four models with raw
    and calibrated scores, block-bootstrap intervals), with the sample run's meta.json and
    history.csv so that the page looks like a trained run's."""
    import shutil

    from riskcore.store import RunStore
    from tests.test_report import handmade_run

    store = RunStore(home)
    if store.ids():
        return store.ids()[0], None
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-large-") as scratch:
        dates = max(rows // LARGE_ENTITIES, 10)
        made = handmade_run(Path(scratch), current=True, dates=dates, entities=LARGE_ENTITIES)
        samples = RunStore(sample_home)
        sample = samples.path(samples.ids()[0])
        with store.writer() as w:
            for name in ("config.json", "metrics.json", "predictions.csv"):
                shutil.copyfile(made.path / name, w.path / name)
            for name in ("meta.json", "history.csv"):
                shutil.copyfile(sample / name, w.path / name)
            run_id = w.run_id
    return run_id, time.perf_counter() - start


def server_rss_mb(pid: int) -> float:
    import psutil

    return psutil.Process(pid).memory_info().rss / 2**20


def open_results(page, url: str, received: list[int]) -> dict:
    """From the Data page, click Results in the navigation: seconds until the page is idle
    with every chart drawn, and the websocket bytes that came with it."""
    page.goto(url)
    page.get_by_role("heading", name="Data").first.wait_for()
    wait_idle(page)
    page.evaluate(OBSERVER_JS)
    page.evaluate("window.__ev = []")
    received.clear()
    start = time.perf_counter()
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Results").click()
    try:
        page.wait_for_function(RESULTS_READY_JS, arg=RESULTS_CHARTS, timeout=TIMEOUT_MS, polling=20)
    except Exception:
        print("not ready:", page.evaluate(STATE_JS), flush=True)
        raise
    seconds = time.perf_counter() - start
    return {"s": seconds, "bytes": sum(received), "errors": exceptions(page)}


REPORT_READY_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return location.pathname.endsWith('/report')
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && [...document.querySelectorAll('h1')].some((h) => h.innerText.trim() === 'Risk report');
}
"""


def open_report(page, repeats: int) -> list[float]:
    """Seconds from a click on Report in the navigation (from the Data page) until the page is
    idle: its PDF and CSV are built when asked, so opening it must not read the predictions."""
    nav = page.locator("[data-testid='stSidebarNav']")
    seconds = []
    for _ in range(repeats):
        nav.get_by_role("link", name="Data").click()
        page.get_by_role("heading", name="Data").first.wait_for()
        wait_idle(page)
        start = time.perf_counter()
        nav.get_by_role("link", name="Report").click()
        page.wait_for_function(REPORT_READY_JS, timeout=TIMEOUT_MS, polling=20)
        seconds.append(time.perf_counter() - start)
    return seconds


def results_at_scale(browser, home: Path, tmp: Path, name: str, args) -> dict:
    """One server on `home`: Results opened in 1 + --first-results fresh sessions (the first
    is cold: it reads the run), then slider and entity picks in the last, then the server's
    memory; with --shots, Results in English and Chinese as PNGs."""
    pid: list[int] = []
    out: dict = {"render": []}
    with streamlit_server(home, tmp / f"server-{name}.log", pid) as (url, _):
        page = None
        for k in range(1 + args.first_results):
            if page is not None:
                page.context.close()
            _, page = new_page(browser)
            received: list[int] = []
            page.on(
                "websocket",
                lambda ws, received=received: ws.on(
                    "framereceived", lambda data: received.append(len(data))
                ),
            )
            shown = open_results(page, url, received)
            (out.setdefault("cold", shown) if k == 0 else out["render"].append(shown))
        try:
            page.get_by_role("tab", name="Threshold and cost").click()
            slider = page.locator("[role='tabpanel']:visible").get_by_role(
                "slider", name="Alert threshold"
            )
            slider.wait_for()
            out.update(slide_and_pick(page, slider, args.slider_results, args.select_results))
            out["report"] = open_report(page, args.first_results)
            out["errors"] += exceptions(page)
            out["rss_mb"] = server_rss_mb(pid[0])
            if args.shots:
                page.locator("[data-testid='stSidebarNav']").get_by_role(
                    "link", name="Results"
                ).click()
                page.get_by_role("heading", name="Results").first.wait_for()
                screenshots(page, args.shots, name)
        finally:
            page.context.close()
    return out


def screenshots(page, folder: Path, name: str) -> None:
    """Every tab of Results in English, then in Chinese (the sidebar's language picker)."""
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": VIEWPORT["width"], "height": 4200})  # the whole page
    tabs = {
        "en": ("Curves", "Threshold and cost", "Risk timeline", "Run details"),
        "zh": ("曲线", "阈值与成本", "风险时间线", "运行详情"),
    }
    for language, names in tabs.items():
        if language == "zh":
            page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
            page.get_by_role("option", name="简体中文").click()
            page.get_by_role("heading", name="结果").first.wait_for()
        for k, tab in enumerate(names):
            page.get_by_role("tab", name=tab).click()
            page.wait_for_timeout(1500)
            page.screenshot(path=folder / f"results_{name}_{language}_{k}.png", full_page=True)


def million(args, tmp: Path) -> None:
    """The sample run and a 1M-row run side by side (issue 18's table)."""
    sample_home = args.home or tmp / "home"
    large_home = args.large_home or tmp / "large-home"
    print("training the sample run (or reusing --home) ...", flush=True)
    trained = in_child("train", str(sample_home))
    print(f"writing a {args.rows:,}-prediction run (or reusing --large-home) ...", flush=True)
    made = in_child("large", str(large_home), str(sample_home), str(args.rows))
    from playwright.sync_api import sync_playwright

    found = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, home in (("sample", sample_home), ("large", large_home)):
                print(f"Results of the {name} run ...", flush=True)
                found[name] = results_at_scale(browser, home, tmp, name, args)
        finally:
            browser.close()
    million_report(found, trained, made, args.rows)


def million_report(found: dict, trained: dict, made: dict, rows: int) -> None:
    def cell(name: str, key: str) -> str:
        r = found[name]
        if key == "cold":
            return f"{r['cold']['s']:.2f} s"
        if key == "render":
            return f"{median([x['s'] for x in r['render']]):.2f} s"
        if key == "bytes":
            return f"{median([x['bytes'] for x in r['render']]) / 1e6:.2f} MB"
        if key == "report":
            return f"{median(r['report']):.2f} s"
        if key == "rss":
            return f"{r['rss_mb']:,.0f} MB"
        stage = "busy" if key.endswith("_busy") else "idle"
        return f"{_stage(r[key.split('_')[0]], stage) / 1000:.2f} s"

    steps = [
        ("Results, first render, cold (server's 1st session)", "cold", "–"),
        (f"Results, first render (median of {len(found['sample']['render'])})", "render", "< 3 s"),
        ("  websocket bytes received for it (median)", "bytes", "–"),
        (
            f"threshold slider, until idle (median of {len(found['sample']['slider'])})",
            "slider",
            "< 0.3 s",
        ),
        ("  browser long tasks until idle", "slider_busy", "–"),
        (
            f"entity pick on the risk timeline, until idle (median of "
            f"{len(found['sample']['select'])})",
            "select",
            "< 0.3 s",
        ),
        ("  browser long tasks until idle", "select_busy", "–"),
        ("open the risk-timeline tab, until idle", "tab", "–"),
        (
            f"open the Report page, until idle (median of {len(found['sample']['report'])})",
            "report",
            "< 1 s",
        ),
        ("server memory (RSS) after the steps", "rss", "< 1.5x the sample's"),
    ]
    width = max(len(s[0]) for s in steps)
    print(f"\n| {'step':<{width}} | sample run | {rows:,}-row run | budget |")
    print(f"|{'-' * (width + 2)}|---|---|---|")
    for what, key, budget in steps:
        print(f"| {what:<{width}} | {cell('sample', key)} | {cell('large', key)} | {budget} |")
    s, big = found["sample"], found["large"]
    print("\nChecks")
    render = median([x["s"] for x in big["render"]])
    print(f"  1M-row first render < {FIRST_RENDER_BUDGET_S:.0f} s: {_yes(render < 3)}")
    for key in ("slider", "select"):
        print(
            f"  1M-row {key} < {RERUN_BUDGET_MS:.0f} ms: "
            f"{_yes(_stage(big[key], 'idle') < RERUN_BUDGET_MS)}"
        )
    print(f"  1M-row Report page < 1 s: {_yes(median(big['report']) < 1)}")
    ratio = big["rss_mb"] / s["rss_mb"]
    print(
        f"  memory ratio {ratio:.2f} < {MEMORY_RATIO_BUDGET}: {_yes(ratio < MEMORY_RATIO_BUDGET)}"
    )
    errors = sum(
        r["errors"] + r["cold"]["errors"] + sum(x["errors"] for x in r["render"])
        for r in found.values()
    )
    print(f"  exceptions shown by the app: {errors}")
    print(
        f"  sample run {trained['run_id']}, large run {made['run_id']}"
        + (f" (written in {made['train_s']:.0f} s)" if made["train_s"] else " (reused)")
    )
    for name, r in found.items():
        render = " ".join(f"{x['s']:.2f}" for x in r["render"])
        slider = " ".join(f"{x['idle']:.0f}" for x in r["slider"])
        pick = " ".join(f"{x['idle']:.0f}" for x in r["select"])
        report = " ".join(f"{x:.2f}" for x in r["report"])
        print(f"  {name}: render s {render}; slider ms {slider}; pick ms {pick}; report s {report}")


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
    parser.add_argument(
        "--million",
        action="store_true",
        help="Results of the sample run against a --rows-prediction run (issue 18) instead",
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="predictions of the large run")
    parser.add_argument("--large-home", type=Path, help="RISKCORE_HOME holding the large run")
    parser.add_argument("--first-results", type=int, default=5, help="Results first renders")
    parser.add_argument("--slider-results", type=int, default=5, help="slider moves (--million)")
    parser.add_argument("--select-results", type=int, default=5, help="entity picks (--million)")
    parser.add_argument("--shots", type=Path, help="with --million: save Results screenshots here")
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)  # internal: child steps
    args = parser.parse_args()
    if args.step:
        step, *rest = args.step
        if step == "train":
            run_id, seconds = tiny_run(Path(rest[0]))
            print(json.dumps({"run_id": run_id, "train_s": seconds}))
        elif step == "large":
            run_id, seconds = large_run(Path(rest[0]), Path(rest[1]), int(rest[2]))
            print(json.dumps({"run_id": run_id, "train_s": seconds}))
        else:
            print(json.dumps(apptest(Path(rest[0]), rest[1], int(rest[2]))))
        return
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp_name:
        tmp = Path(tmp_name)
        if args.million:
            million(args, tmp)
            return
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
