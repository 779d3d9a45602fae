"""Hostile text for the "user text is text" tests: Markdown, Streamlit directives, HTML and
spreadsheet formulas in column, entity, file and scenario names, and one tiny run trained on a
panel full of them (trained once per test session, shared by test_text_hostile and
test_csv_hostile).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from riskcore.config import parse_config
from riskcore.store import RunStore
from riskcore.train import train_run
from tests.panels import planted_panel

# Markdown / Streamlit attacks: each must render as the literal text.
MARKDOWN_ATTACKS = [
    "![x](http://127.0.0.1:9/x.png)",
    ":red[alert]",
    "[link](javascript:alert(1))",
    "**bold**",
    "# heading",
    "<img src=x onerror=alert(1)>",
    ":material/warning:",
    "$x^2$",
    "name\n- item",
    ":smile: :+1:",
    "`code` ~~strike~~ _em_",
    "http://127.0.0.1:9/auto www.example.com a@b.org",
    ":red-background[bg] :color[c]{foreground=red} :small[s]",
    "![x][r]\n\n[r]: http://127.0.0.1:9/ref.png",
    "1. first | table | row",
]
# Spreadsheet formulas: each text cell must start with an apostrophe in a CSV.
FORMULA_ATTACKS = ["=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "=", "-"]

# the hostile run: a sequence feature, a leaking static feature and the entities
COLUMN = "![c](http://127.0.0.1:9/col.png)"
FORMULA_COLUMN = '=HYPERLINK("http://127.0.0.1:9/","x")'
LEAK = ":red[leak]"
FILE = "![f](http://127.0.0.1:9/file.png).csv"
ENTITIES = {
    "E0": "![e](http://127.0.0.1:9/ent.png)",
    "E1": ":red[alert]",
    "E2": "=cmd|' /C calc'!A0",
    "E3": "平安银行",
    "E4": "-2+3 <img src=x onerror=alert(1)>",
    "E5": "@SUM(A1) :material/warning:",
}
MARKDOWN_ENTITIES = [ENTITIES[k] for k in ("E0", "E1", "E4", "E5")]
FORMULA_ENTITIES = [ENTITIES[k] for k in ("E2", "E4", "E5")]


@dataclass(frozen=True)
class HostileRun:
    home: Path
    run_id: str
    primary: pd.DataFrame
    macro: pd.DataFrame
    news: pd.DataFrame


_TRAINED: dict[str, HostileRun] = {}


def hostile_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The planted panel (120 days) with hostile column and entity names."""
    primary, macro, news = planted_panel(days=120)
    primary = primary.rename(columns={"f2": COLUMN})
    primary[FORMULA_COLUMN] = primary["size"] * 0.1 - 0.2  # negative numbers stay numbers
    primary[LEAK] = primary["event"] * 2.0 - 1.0  # the trust check names it
    primary["ent"] = primary["ent"].map(ENTITIES)
    news["ent"] = news["ent"].map(ENTITIES)
    return primary, macro, news


def hostile_run(root: Path) -> HostileRun:
    """One tiny classification run trained on hostile_frames() into root/home, once per
    session (the first caller's root is used)."""
    if "run" in _TRAINED:
        return _TRAINED["run"]
    primary, macro, news = hostile_frames()
    raw = {
        "data": {
            "time": "date",
            "entity": "ent",
            "sequence_features": ["f1", COLUMN, FORMULA_COLUMN],
            "static_features": [LEAK, "sector"],
            "macro_features": ["m1"],
            "sentiment_features": ["s"],
            "target": {"kind": "column", "column": "event"},
        },
        "window": 5,
        "horizon": 1,
        "model": {"units": [8], "dense_units": 4, "tower_units": 4},
        "training": {"epochs": 2, "batch_size": 64, "patience": 0},
    }
    home = root / "home"
    sources = [{"name": FILE, "role": "primary", "sha256": "0" * 64}]
    run_id = train_run(
        parse_config(raw), primary, macro, news, store=RunStore(home), sources=sources
    )
    _TRAINED["run"] = HostileRun(home, run_id, primary, macro, news)
    return _TRAINED["run"]


def explained(hostile: HostileRun) -> HostileRun:
    """The run with a stored SHAP explanation of each entity's latest prediction (once)."""
    if "explained" not in _TRAINED:
        from riskcore.explain import explain_run, save_explanation

        store = RunStore(hostile.home)
        run = store.load(hostile.run_id)
        save_explanation(store, run, explain_run(run, "latest", background=20))
        _TRAINED["explained"] = hostile
    return hostile
