"""User text is text: names from the user's data (columns, entities, files, scenarios, policy
values, the messages that quote them) render literally wherever Streamlit renders Markdown.

md_escape is checked against a CommonMark renderer (markdown-it, what Streamlit's
react-markdown follows) and by the Streamlit-only syntax it must break; each page is opened
(AppTest) on a run whose column, entity and file names are hostile, and every Markdown body it
produced must hold the escaped text and never the raw one. test_hostile_names_in_the_browser
does the same in chromium: no outside image, no red text, the names visible as typed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from riskcore.store import RunStore
from riskcore.watch import ALERT_COLUMNS, ALERTS_FILE, LOG_FILE, monitor_folder
from tests.hostile_text import (
    COLUMN,
    ENTITIES,
    FILE,
    FORMULA_COLUMN,
    LEAK,
    MARKDOWN_ATTACKS,
    MARKDOWN_ENTITIES,
    HostileRun,
    explained,
    hostile_run,
)
from tests.tabs import open_tab
from ui.i18n import TEXT
from ui.text import md_escape

ROOT = Path(__file__).resolve().parent.parent
JOINER = "\u2060"
SPECIAL = set("\\`*_{}[]()#+-.!|~<>$:")
GFM = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def literal(s: str) -> str:
    """What the reader should see: the text on one line, invisible joiners aside."""
    return re.sub(r"\r\n|[\r\n\u2028\u2029]", " ", s)


def rendered_text(markdown: str) -> str:
    """CommonMark's HTML of `markdown`, which must be one paragraph of plain text."""
    html = GFM.render(markdown).strip()
    assert html.startswith("<p>") and html.endswith("</p>"), html
    body = html[3:-4]
    assert "<" not in body, html  # no element at all: no img, a, strong, h1, li, code...
    return (
        body.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    )


# ---- md_escape -------------------------------------------------------------------------------
@pytest.mark.parametrize("attack", MARKDOWN_ATTACKS)
def test_markdown_renders_as_the_literal_text(attack) -> None:
    out = md_escape(attack)
    assert "\n" not in out and "\r" not in out
    assert rendered_text(out).replace(JOINER, "") == literal(attack)


@pytest.mark.parametrize("attack", MARKDOWN_ATTACKS)
def test_no_special_character_is_left_bare(attack) -> None:
    """Every Markdown, directive or math character is backslash-escaped or an entity, but for
    `_ - .` inside a word (ret_1d, 2024-01-31, prices.csv), where they mean nothing."""
    out = re.sub(r"&(amp|lt|gt);", "&", md_escape(attack))
    word = re.compile(r"[^\W_]|" + JOINER)
    i = 0
    while i < len(out):
        if out[i] == "\\":
            i += 2
            continue
        if out[i] in SPECIAL:
            inside = 0 < i < len(out) - 1 and word.match(out[i - 1]) and word.match(out[i + 1])
            assert out[i] in "_.-" and inside, (out, i)
        i += 1


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("ret_1d", "ret_1d"),
        ("2024-01-31", "2024-01-31"),
        ("prices.csv", "prices.csv"),
        ("__init__", "\\_\\_init\\_\\_"),
        ("-2+3", "\\-2\\+3"),
        ("a - b", "a \\- b"),
        ("1. one", "1\\. one"),
        ("v1.", "v1\\."),
    ],
)
def test_word_inner_punctuation_stays(text, escaped) -> None:
    assert md_escape(text) == escaped
    assert rendered_text(escaped) == text


@pytest.mark.parametrize(
    ("attack", "broken"),
    [
        (":red[alert]", ":red["),
        (":material/warning:", ":material/"),
        (":smile:", ":smile:"),
        ("http://127.0.0.1:9/x", "http://"),
        ("www.example.com", "www."),
        ("a@b.org", "@b"),
    ],
)
def test_streamlit_syntax_that_a_backslash_does_not_stop_is_broken(attack, broken) -> None:
    """Streamlit rewrites `:material/` in the source and finds emoji shortcodes and GFM
    autolinks in the parsed text, where `\\:` is a plain colon again (seen in chromium): an
    invisible word joiner after each colon and `@` and inside `www.` breaks them."""
    unescaped = md_escape(attack).replace("\\", "")
    assert broken not in unescaped
    assert unescaped.replace(JOINER, "") == attack


def test_exact_escapes() -> None:
    assert md_escape(":red[alert]") == "\\:" + JOINER + "red\\[alert\\]"
    assert md_escape("<img src=x>") == "&lt;img src=x&gt;"
    assert md_escape("a & b") == "a &amp; b"
    assert md_escape("name\n- item") == "name \\- item"
    assert md_escape("平安银行") == "平安银行"
    assert md_escape("a: b") == "a\\: b"  # nothing follows the colon: no joiner needed


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, ""), (1.5, "1.5"), (-2, "\\-2"), (ValueError("bad 'x_y'"), "bad 'x_y'")],
)
def test_anything_is_text(value, expected) -> None:
    assert md_escape(value) == expected


# ---- every page, on a run with hostile names ---------------------------------------------------
HOSTILE = [COLUMN, LEAK, FILE, FORMULA_COLUMN, *MARKDOWN_ENTITIES]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> HostileRun:
    return explained(hostile_run(tmp_path_factory.mktemp("hostile")))


def _page(hostile: HostileRun, monkeypatch, page: str, **state) -> AppTest:
    monkeypatch.setenv("RISKCORE_HOME", str(hostile.home))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.session_state["run_id"] = hostile.run_id
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def bodies(at: AppTest) -> list[str]:
    """Every text of the page that Streamlit renders as Markdown."""
    out = []
    for kind in ("markdown", "caption", "error", "warning", "info", "success", "toast"):
        out += [e.value for e in getattr(at, kind)]
    for kind in ("title", "header", "subheader"):
        out += [e.value for e in getattr(at, kind)]
    out += [text for m in at.metric for text in (m.proto.label, m.proto.body, m.proto.delta)]
    out += [e.label for e in at.expander]
    out += [tab.label for tab in at.tabs]
    for kind in ("button", "checkbox", "toggle", "radio", "selectbox", "multiselect", "slider"):
        out += [w.label for w in getattr(at, kind)]
    out += [o for r in at.radio for o in r.options]  # radio options are Markdown too
    return out


def assert_literal(at: AppTest, expected: list[str], also: tuple[str, ...] = ()) -> list[str]:
    """No body holds a hostile name raw; each `expected` name appears escaped in some body."""
    texts = bodies(at)
    for name in [*HOSTILE, *also]:
        raw = [t for t in texts if name in t]
        assert not raw, (name, raw)
    for name in expected:
        assert any(md_escape(name) in t for t in texts), (name, texts)
    return texts


@pytest.mark.slow
def test_results_page(hostile, monkeypatch) -> None:
    at = _page(hostile, monkeypatch, "pages/results.py")
    assert_literal(at, [LEAK])
    assert any(md_escape(LEAK) in e.value for e in at.error)  # the leak warning
    assert any(md_escape(LEAK) in c.value for c in at.caption)  # under the benchmark's card


@pytest.mark.slow
def test_explain_page(hostile, monkeypatch) -> None:
    at = open_tab(
        _page(hostile, monkeypatch, "pages/explain.py"), "explain_tab", "explain.tab_prediction"
    )
    headers = [m.value for m in at.markdown if " · " in m.value]
    assert headers and any(f"**{md_escape(e)} · " in h for h in headers for e in ENTITIES.values())
    texts = assert_literal(at, [])
    sentence = next(i.value for i in at.info if i.value.startswith("Risk "))
    assert "\\(" in sentence  # the whole sentence is text: its drivers name the columns
    assert texts


@pytest.mark.slow
def test_scenarios_page_error_quotes_the_names_as_text(hostile, monkeypatch) -> None:
    """A custom scenario on an unknown feature: the core's message quotes the scenario's name
    and the feature typed."""
    rows = pd.DataFrame(
        {
            "feature": [":red[nobody]"],
            "op": ["add"],
            "value": [1.0],
            "unit": ["raw"],
            "last_steps": [np.nan],
            "entities": [None],
            "from": pd.to_datetime([None]),
            "to": pd.to_datetime([None]),
        }
    )
    name = "![s](http://127.0.0.1:9/scenario.png)"
    at = _page(hostile, monkeypatch, "pages/scenarios.py", scen_rows=rows, scen_name=name)
    errors = [e.value for e in at.error]
    assert any(md_escape(name) in e and md_escape(":red[nobody]") in e for e in errors), errors
    assert_literal(at, [name, ":red[nobody]"], also=(name, ":red[nobody]"))


@pytest.mark.slow
def test_validate_page(hostile, monkeypatch) -> None:
    at = _page(hostile, monkeypatch, "pages/validate.py")
    assert_literal(at, [LEAK])  # the segment column (the first categorical static feature)


@pytest.mark.slow
def test_report_page(hostile, monkeypatch) -> None:
    at = _page(hostile, monkeypatch, "pages/report.py")
    assert_literal(at, [])


@pytest.mark.slow
def test_monitor_page(hostile, monkeypatch) -> None:
    folder = monitor_folder(RunStore(hostile.home), hostile.run_id)
    folder.mkdir(parents=True, exist_ok=True)
    line = {
        "file": FILE,
        "sha256": "1",
        "at": "2026-11-02T08:00:00+00:00",
        "rows": 6,
        "data_to": "2026-10-30",
        "scores": "",
        "mean_score": 0.2,
        "score_psi": 0.02,
        "psi": {COLUMN: 0.03, "score": 0.02},
        "drifted": {},
        "crossed": [ENTITIES["E0"]],
        "error": "",
    }
    (folder / LOG_FILE).write_text(json.dumps(line), encoding="utf-8")
    alert = [line["at"], FILE, "2026-10-30", ENTITIES["E0"], 0.7, 0.4, 0.5]
    pd.DataFrame([alert], columns=ALERT_COLUMNS).to_csv(folder / ALERTS_FILE, index=False)
    at = _page(hostile, monkeypatch, "pages/monitor.py")
    assert_literal(at, [FILE])
    assert any(m.proto.body == md_escape(FILE) for m in at.metric)  # "last file" card


# ---- the real app in chromium ------------------------------------------------------------------
BROWSER_FILE = "![f](http:127.0.0.1:9) :red[prices].csv"  # no "/" in a file name
OUTSIDE = "127.0.0.1:9"
DIRECTIVE_WORDS = {"alert", "leak", "prices"}  # what :red[...] would colour


def _seen(page) -> dict:
    """Outside images, text coloured by a directive, and the text as a reader sees it."""
    return page.evaluate(
        """() => ({
            images: [...document.images].map(i => i.src)
                .filter(s => !s.startsWith(location.origin) && !s.startsWith('data:')),
            coloured: [...document.querySelectorAll('.stMarkdownColoredText')]
                .map(e => e.textContent.trim()),
            text: document.body.innerText.replaceAll('\\u2060', ''),
        })"""
    )


def _check(page, literals: list[str]) -> None:
    seen = _seen(page)
    assert seen["images"] == [], seen["images"]
    assert not DIRECTIVE_WORDS & set(seen["coloured"]), seen["coloured"]
    for text in literals:
        assert text in seen["text"], text


def _wait_text(page, text: str, timeout_ms: float = 60_000) -> None:
    page.wait_for_function(
        "t => document.body.innerText.replaceAll('\\u2060', '').includes(t)",
        arg=text,
        timeout=timeout_ms,
    )


@pytest.mark.browser
@pytest.mark.slow
def test_hostile_names_in_the_browser(hostile, browser, tmp_path) -> None:
    """Upload a file whose name, column and entities are hostile; open Results and Explain of
    the hostile run: nothing fetched from outside, nothing coloured, the names as typed."""
    from tests.browser_support import ARTIFACTS, file_input, go, no_exception, open_page, serve

    data = tmp_path / BROWSER_FILE
    hostile.primary.to_csv(data, index=False)
    with serve(hostile.home) as server:
        context = browser.new_context(viewport={"width": 1400, "height": 1800})
        requests: list[str] = []
        context.on("request", lambda r: requests.append(r.url))
        page = open_page(context, server.url)
        file_input(page, "Primary time series").set_input_files(str(data))
        _wait_text(page, BROWSER_FILE)
        page.wait_for_timeout(1500)  # the rest of the page after the upload
        no_exception(page)
        _check(page, [BROWSER_FILE])
        page.screenshot(path=ARTIFACTS / "browser_hostile_text_data.png", full_page=True)
        go(page, "Results", "Results")
        _wait_text(page, "Too good to be true")
        _check(page, [LEAK, f"Too good to be true: {LEAK}"])
        page.screenshot(path=ARTIFACTS / "browser_hostile_text_results.png", full_page=True)
        go(page, "Explain", "Explain")
        page.get_by_role("tab", name=TEXT["explain.tab_prediction"][0]).click()
        _wait_text(page, "mainly from")
        _check(page, [])
        assert any(f"{e} · " in _seen(page)["text"] for e in ENTITIES.values())
        no_exception(page)
        page.screenshot(path=ARTIFACTS / "browser_hostile_text_explain.png", full_page=True)
        context.close()
    assert not [u for u in requests if OUTSIDE in u], requests
