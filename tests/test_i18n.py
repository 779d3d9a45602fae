"""Every label has both languages, and every key the app uses exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

from riskcore.charts import DEFAULT_LABELS
from riskcore.charts.explain import EXPLAIN_LABELS
from riskcore.charts.monitor import MONITOR_LABELS
from ui.i18n import TEXT

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    ROOT / "app.py",
    *sorted((ROOT / "pages").glob("*.py")),
    *sorted((ROOT / "ui").glob("*.py")),
]
LITERAL = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.-]+)["']""")
DYNAMIC_FAMILIES = {
    "target.": ["column", "drawdown", "tail_loss", "forward_volatility"],
    "stage.": ["preparing", "training", "baselines", "evaluating", "walk-forward", "saving"],
    "split.": ["train", "validation", "test"],
    "model.": ["model", "logistic", "gbm"],
    "loss.": ["auto", "binary_crossentropy", "focal", "mse", "huber"],
    "cw.": ["balanced", "none"],
    "data.sample_": ["market", "credit"],
    "data.upload_": ["primary", "macro", "sentiment"],
}


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_key_has_both_languages_with_the_same_placeholders() -> None:
    for key, (en, zh) in TEXT.items():
        assert en.strip() and zh.strip(), key
        assert _fields(en) == _fields(zh), key


def test_every_literal_key_used_in_the_app_exists() -> None:
    used = set()
    for path in SOURCES:
        used |= set(LITERAL.findall(path.read_text(encoding="utf-8")))
    assert used, "the scan found no keys: the pattern is broken"
    missing = sorted(k for k in used if k not in TEXT)
    assert not missing, missing


def test_dynamic_key_families_are_complete() -> None:
    for prefix, names in DYNAMIC_FAMILIES.items():
        for name in names:
            assert f"{prefix}{name}" in TEXT, f"{prefix}{name}"
    for role in DYNAMIC_FAMILIES["data.upload_"]:
        assert f"data.upload_{role}_help" in TEXT


def test_every_chart_label_is_translated() -> None:
    for key, english in {**DEFAULT_LABELS, **EXPLAIN_LABELS, **MONITOR_LABELS}.items():
        assert f"chart.{key}" in TEXT, key
        assert _fields(TEXT[f"chart.{key}"][1]) == _fields(english), key
