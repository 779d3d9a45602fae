"""Check details and skip reasons are phrases (a key and values): the English sentence the CLI
prints is unchanged, the Validate page and the report say them in Chinese, and both survive
validation.json (older files, which have only the English sentence, still load)."""

from __future__ import annotations

import json
import string

import numpy as np
import pandas as pd
import pytest

import riskcore.compare  # noqa: F401  (registers the comparison's phrases)
from riskcore.phrases import PHRASES, Phrase
from riskcore.store import RunStore
from riskcore.validation import checks as C
from riskcore.validation import load_validation, save_validation, validate_run
from riskcore.validation.policy import Policy, parse_policy
from riskcore.validation.segments import segment_table
from riskcore.validation.wording import reason, word
from riskcore.verdict import Verdict
from tests.chinese import english_left, has_cjk
from tests.test_validation import BOUNDS, _period_check, _portfolio, write_synthetic_run

ZH_MODELS = {"logistic": "逻辑回归", "gbm": "梯度提升"}  # as the page's labels name them


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(PHRASES))
def test_both_languages_fill_the_same_placeholders(key: str) -> None:
    en, zh = PHRASES[key]
    assert _fields(en) == _fields(zh), key
    assert has_cjk(zh) or zh == en or not has_cjk(en), key


def _said_in_chinese(text: str, english: str, names: tuple[str, ...] = ()) -> None:
    assert has_cjk(text), text
    assert text != english
    assert english_left(text, names) == [], text


def test_every_check_and_skip_of_a_validation_is_said_in_chinese(tmp_path) -> None:
    p, y = _portfolio(n=40_000)
    understated = np.clip(p - 0.1, 0.0005, None)  # red grades: the detail lists them
    store = RunStore(tmp_path)
    for scores in (p, understated):
        run_id = write_synthetic_run(tmp_path, scores, y)
        result = validate_run(store.load(run_id), parse_policy({"grades": {"bounds": BOUNDS}}))
        assert {s["name"] for s in result.skipped} == {"input_psi", "adverse_impact"}
        for check in result.checks:
            _said_in_chinese(check.detail_in("zh", ZH_MODELS.get), check.detail)
            assert check.detail_in("en") == check.detail
        for item in result.skipped:
            _said_in_chinese(reason(item, "zh"), item["reason"])
        save_validation(store, result)
        back = load_validation(store.load(run_id))
        assert [c.detail_in("zh") for c in back.checks] == [
            c.detail_in("zh") for c in result.checks
        ]
        assert [reason(s, "zh") for s in back.skipped] == [reason(s, "zh") for s in result.skipped]
    gini = next(c for c in result.checks if c.name == "test_gini")
    assert gini.detail == "Gini 0.500 (95% CI 0.450 to 0.550) on test"  # as the CLI printed it
    assert gini.detail_in("zh") == "测试集上的 Gini 0.500（95% 置信区间 0.450 至 0.550）"
    grades = next(c for c in result.checks if c.name == "grades")
    assert grades.detail.startswith("Jeffreys test, one-sided; grade 1 red (p ")
    assert grades.detail_in("zh").startswith("检验：Jeffreys，单侧；等级 1 红灯（p 值 ")


def test_the_sentences_quoting_the_data_keep_its_names() -> None:
    score = np.r_[[0.1] * 8 + [0.9] * 2, [0.1] * 5 + [0.9] * 5]
    y = np.r_[[0] * 8 + [1] * 2, [0] * 5 + [1] * 5].astype(float)
    labels = pd.Categorical(["north"] * 10 + ["south"] * 10, ordered=True)
    table = segment_table(labels, y, score, score, threshold=0.5, min_rows=5)
    info = {"column": "region", "threshold": 0.5}
    check = C.adverse_impact_check(table, Policy().adverse_impact, info)
    names = ("region", "north", "south")
    _said_in_chinese(check.detail_in("zh"), check.detail, names)
    assert check.detail_in("zh") == (
        "region：“south”批准率 50.0%，“north” 80.0%（比值 0.62），阈值 0.5；"
        "未通过五分之四规则：south"
    )
    periods_check, _ = _period_check()
    _said_in_chinese(periods_check.detail_in("zh"), periods_check.detail, ("2024-01",))
    assert periods_check.detail_in("zh").endswith("低于整个测试集的 0.750：2024-01")


def test_models_are_named_as_the_caller_names_them() -> None:
    verdict = Verdict("worse", "roc_auc", "logistic", 0.72, 0.80, -0.08, (-0.12, -0.04))
    check = C.comparator_check(verdict)
    assert "Logistic regression 0.800 (ROC-AUC)" in check.detail
    zh = check.detail_in("zh", {"logistic": "逻辑回归"}.get)
    assert zh.startswith("深度模型 0.720，逻辑回归 0.800（ROC-AUC）；优势 -0.080")
    assert zh.endswith("结论：更差")
    _said_in_chinese(zh, check.detail)
    # a caller that does not know the model: the charts' English name, never the raw key
    assert "Logistic regression" in check.detail_in("zh", {}.get)


def test_phrases_are_strict_json_and_an_older_file_still_reads() -> None:
    nan = Phrase("detail.independence", {"lr": float("nan")})
    check = C.Check("var_independence", None, None, "amber", phrase=nan)
    stored = json.loads(json.dumps(check.to_dict(), allow_nan=False))
    assert stored["phrase"] == {"key": "detail.independence", "values": {"lr": None}}
    back = C.Check.from_dict(stored)
    assert back.detail == check.detail and "LR nan (1 df)" in back.detail
    assert back.detail_in("zh") == nan.say("zh") and "自由度 1" in back.detail_in("zh")
    old = {k: v for k, v in stored.items() if k != "phrase"}  # written before phrases
    assert C.Check.from_dict(old).detail_in("zh") == check.detail
    assert reason({"name": "score_psi", "reason": "old text"}, "zh") == "old text"


def test_an_unknown_key_is_said_as_itself_not_an_error() -> None:
    assert word("light.purple").say("zh") == "light.purple"
    assert word("term.test.binomial").say("zh") == "二项"


def test_registering_phrases_does_not_import_the_charts() -> None:
    """Compare and the scenario specs only register phrases: importing them pulled in plotly
    and scikit-learn through riskcore.charts (0.4 -> 1.2 s for riskcore.scenarios.spec)."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys; import riskcore.phrases, riskcore.compare, riskcore.scenarios.spec; "
        "bad = [m for m in ('plotly', 'riskcore.charts') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
