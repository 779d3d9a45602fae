"""Every label has both languages, and every key the app uses exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from riskcore.charts import DEFAULT_LABELS
from riskcore.charts.compare import COMPARE_LABELS
from riskcore.charts.explain import EXPLAIN_LABELS
from riskcore.charts.monitor import MONITOR_LABELS
from riskcore.charts.scenarios import SCENARIO_LABELS
from riskcore.explain import ENGLISH as EXPLAIN_WORDS
from riskcore.findings import FINDINGS_TEXT
from riskcore.report.texts import TEXTS
from ui.i18n import TEXT

# One table of texts per layer: the app's (ui.i18n.TEXT) and the reports' (riskcore.report.texts
# TEXTS); both take in the core's finding sentences. The charts' English defaults are fallbacks
# for callers that pass no labels; the app always passes chart_labels(), read from TEXT.
TABLES = {"ui.i18n.TEXT": TEXT, "riskcore.report.texts.TEXTS": TEXTS}
CHART_LABELS = {
    **DEFAULT_LABELS,
    **EXPLAIN_LABELS,
    **MONITOR_LABELS,
    **SCENARIO_LABELS,
    **COMPARE_LABELS,
}

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
    "data.": [
        f"{name}{end}"
        for name in ("sequence", "static", "macro", "sentiment")
        for end in ("", "_help")
    ],
}


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_key_has_both_languages_with_the_same_placeholders() -> None:
    for table, texts in TABLES.items():
        assert texts, table
        for key, pair in texts.items():
            assert isinstance(pair, tuple) and len(pair) == 2, (table, key)
            en, zh = pair
            assert en.strip() and zh.strip(), (table, key)
            assert _fields(en) == _fields(zh), (table, key)


def test_the_core_finding_sentences_are_shared_by_both_layers() -> None:
    for texts in TABLES.values():
        assert all(texts[key] == pair for key, pair in FINDINGS_TEXT.items())


def test_no_other_translation_table_is_left_in_the_app() -> None:
    """The app's texts live in ui/i18n.py alone: no other ui module holds (English, 中文) pairs."""
    pair = re.compile(r"""^\s*["'][a-z_]+\.[a-z0-9_.-]+["']\s*:\s*\(""", re.M)
    others = [
        p.name
        for p in sorted((ROOT / "ui").glob("*.py"))
        if p.name != "i18n.py"
        if pair.search(p.read_text(encoding="utf-8"))
    ]
    assert not others, others


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
    """Every chart default has its "chart.<key>" in TEXT, with the same English."""
    for key, english in CHART_LABELS.items():
        assert f"chart.{key}" in TEXT, key
        assert TEXT[f"chart.{key}"][0] == english, key
        assert _fields(TEXT[f"chart.{key}"][1]) == _fields(english), key


def test_the_explanation_sentence_defaults_are_the_apps_english() -> None:
    """riskcore.explain.describe's English words are the fallback of "explain.<key>"."""
    for key, english in EXPLAIN_WORDS.items():
        assert TEXT[f"explain.{key}"][0] == english, key


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_uploaders_own_english_is_replaced_in_chinese(lang, monkeypatch, tmp_path) -> None:
    from streamlit.testing.v1 import AppTest

    from ui.i18n import LANGUAGE_KEY

    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[LANGUAGE_KEY] = lang
    at.run()
    assert not at.exception
    styles = [h.proto.body for h in at.get("html") if "stFileUploaderDropzone" in h.proto.body]
    if lang == "en":
        assert styles == []  # Streamlit's own words are English already
    else:
        assert len(styles) == 1
        assert 'content: "上传"' in styles[0] and "每个文件不超过 200 MB" in styles[0]


def test_the_beeswarm_colour_scale_speaks_the_session_language() -> None:
    import pandas as pd

    from riskcore.charts.explain import beeswarm

    rows = pd.DataFrame({"score": [0.2, 0.7], "base_value": [0.4, 0.4], "r": [0.1, -0.2]})
    values = pd.DataFrame({"r": [1.0, 3.0]})
    zh = {"value_low": TEXT["chart.value_low"][1], "value_high": TEXT["chart.value_high"][1]}
    bar = beeswarm(rows, values, ["r"], zh).data[0].marker.colorbar
    assert list(bar.ticktext) == ["低", "高"]


def test_every_multiselect_has_a_placeholder_in_the_pages_language() -> None:
    """Streamlit's own placeholder, "Choose options", is English on the Chinese page."""
    import ast

    missing = []
    for path in sorted((ROOT / "ui").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "multiselect"
                and not any(k.arg == "placeholder" for k in node.keywords)
            ):
                missing.append(f"{path.name}:{node.lineno}")
    assert missing == []


def test_durations_are_said_in_the_pages_language() -> None:
    from riskcore.cost import format_duration

    said = [format_duration(s, lang) for lang in ("en", "zh") for s in (40, 720, 12_600, 5e5)]
    assert said == [
        "40 s", "12 min", "3.5 h", "5.8 days", "40 秒", "12 分钟", "3.5 小时", "5.8 天",
    ]  # fmt: skip


def test_a_chinese_name_in_a_template_keeps_no_spaces_around_it() -> None:
    from riskcore.chinese import cjk_spacing
    from riskcore.report.texts import text

    assert cjk_spacing("深度模型的 分位数损失（pinball，基点） 为 12.1") == (
        "深度模型的分位数损失（pinball，基点）为 12.1"
    )
    assert cjk_spacing("测试集上的 ROC-AUC 为 0.680") == "测试集上的 ROC-AUC 为 0.680"
    values = {"model": "1", "base_value": "2", "base": "历史模拟法", "diff": "-1", "lo": "-2"}
    said = text("verdict.facts", "zh", metric="分位数损失", hi="0", **values)
    assert said.startswith("测试期内深度模型的分位数损失为 1，")


def test_a_metric_one_compared_run_lacks_reads_as_a_dash_not_none() -> None:
    import pandas as pd

    from ui.compare_widgets import _metric_table, config_diff_frame

    metrics = pd.DataFrame(
        {
            "run": ["credit", "var"],
            "model": ["model", "model"],
            "metric": ["roc_auc", "pinball"],
            "value": [0.7, 0.0011],
            "lo": [0.6, 0.001],
            "hi": [0.8, 0.0012],
        }
    )
    table = _metric_table(metrics, with_baselines=False)
    assert (table == "–").to_numpy().sum() == 2 and "None" not in table.to_string()
    diff = pd.DataFrame(
        {"field": ["task", "data.entity"], "credit": ["classification", "borrower_id"],
         "var": ["quantile", "null"]}
    )  # fmt: skip
    shown = config_diff_frame(diff, {"credit": "credit", "var": "var"})
    assert shown.iloc[:, 0].tolist() == ["Task", "Entity column"]
    assert shown["credit"].tolist() == ["Classification", "borrower_id"]
    assert shown["var"].tolist() == ["VaR / ES (quantiles)", "–"]
