"""Where a Results interaction spends its time in the browser: each trial's timeline and a
Chrome DevTools CPU profile by script, for the first render, the threshold slider or the
entity pick (bench_pages.py measures them; this says why they take what they take).

    .venv/bin/python bench/profile_results.py HOME {first,slider,pick} [--trials 5]

HOME is a RISKCORE_HOME holding the run (bench_pages.py --million --large-home DIR writes a
1M-prediction one). Per trial it prints, in ms from the input: when the script ran
("running"), when the app was idle again ("notRunning") and the browser's long tasks
("long@start+duration"); then the profile's self time per script and the slowest functions.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_pages as B  # noqa: E402


def timeline(page) -> str:
    """The last trial's events after its input, as "kind@ms" words."""
    events = page.evaluate("window.__ev")
    i = next(k for k, e in enumerate(events) if e[0] in ("input", "click"))
    t0, words = events[i][2], []
    for kind, value, at in events[i + 1 :]:
        if kind == "longtask":
            words.append(f"long@{at - t0:.0f}+{value:.0f}")
        elif kind == "state":
            words.append(f"{value}@{at - t0:.0f}")
    return " ".join(words)


def first_render(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name="Data").first.wait_for()
    B.wait_idle(page)
    page.evaluate(B.OBSERVER_JS)
    page.evaluate("window.__ev = [['click', null, performance.now()]]")
    start = time.perf_counter()
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Results").click()
    page.wait_for_function(B.RESULTS_READY_JS, arg=B.RESULTS_CHARTS, timeout=B.TIMEOUT_MS)
    page.wait_for_timeout(300)  # long tasks are reported once they end
    print(f"  {time.perf_counter() - start:.2f} s: {timeline(page)}", flush=True)


def interactions(page, url: str, what: str, trials: int, profile) -> None:
    """Open Results and the tab, then `trials` slider moves or entity picks, profiled."""
    first_render(page, url)
    tab = "Threshold and cost" if what == "slider" else "Risk timeline"
    page.get_by_role("tab", name=tab).click()
    panel = page.locator("[role='tabpanel']:visible")
    if what == "slider":
        control = panel.get_by_role("slider", name="Alert threshold")
    else:
        control = panel.get_by_role("combobox", name="Entity")
    control.wait_for()
    B.wait_idle(page)
    page.wait_for_timeout(800)
    with profile():
        for k in range(trials):
            if what == "slider":
                control.focus()
                B.trial(page, lambda: page.keyboard.press("ArrowRight"))
            else:
                control.click()
                options = page.get_by_role("option")
                options.first.wait_for()
                B.trial(page, options.nth((k + 1) % options.count()).click)
            print(f"  {what} {k}: {timeline(page)}", flush=True)


def summarise(profile: dict, top: int = 15) -> None:
    """Self time per script and per function, from a Profiler.stop result."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    self_us: collections.Counter = collections.Counter()
    for node, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        self_us[node] += delta
    scripts: collections.Counter = collections.Counter()
    functions: collections.Counter = collections.Counter()
    for node, us in self_us.items():
        frame = nodes[node]["callFrame"]
        script = frame["url"].rsplit("/", 1)[-1] or "(native)"
        scripts[script] += us
        functions[f"{frame['functionName'] or '(anonymous)'} [{script}]"] += us
    print("self time by script (ms):")
    for name, us in scripts.most_common(top):
        print(f"  {us / 1000:8.1f}  {name}")
    print("self time by function (ms):")
    for name, us in functions.most_common(top):
        print(f"  {us / 1000:8.1f}  {name}")


def sampler(context, page):
    """A DevTools session on `page` with the CPU profiler sampling every 0.2 ms."""
    cdp = context.new_cdp_session(page)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 200})
    return cdp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("home", type=Path, help="RISKCORE_HOME holding the run")
    parser.add_argument("what", choices=("first", "slider", "pick"))
    parser.add_argument("--trials", type=int, default=5)
    args = parser.parse_args()
    from contextlib import contextmanager

    from playwright.sync_api import sync_playwright

    log = Path(args.home).parent / "profile-server.log"
    with B.streamlit_server(args.home, log) as (url, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=B.CHROMIUM, args=B.CHROMIUM_ARGS)
        context, page = B.new_page(browser)
        cdp = sampler(context, page)
        result: dict = {}

        @contextmanager
        def profile():
            cdp.send("Profiler.start")
            try:
                yield
            finally:
                result.update(cdp.send("Profiler.stop")["profile"])

        try:
            if args.what == "first":
                for k in range(args.trials):  # a fresh tab each time: Plotly loads again
                    if k:
                        context.close()
                        context, page = B.new_page(browser)
                        cdp = sampler(context, page)
                    with profile():
                        first_render(page, url)
            else:
                interactions(page, url, args.what, args.trials, profile)
        finally:
            context.close()
            browser.close()
    summarise(result)


if __name__ == "__main__":
    main()
