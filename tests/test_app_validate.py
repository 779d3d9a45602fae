"""AppTest of the Validate page on a tiny trained credit run: the checks with lights (words,
never raw keys), the master scale with per-grade lights, a segment picked from the selectbox
with its adverse-impact ratios, a stricter policy file uploaded turning a check red, the
validation stored with the run, and the page in Chinese."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from riskcore.cli import main
from riskcore.store import RunStore
from tests.chinese import english_left
from tests.tabs import open_tab

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
BORROWERS = 500
LIGHT_WORDS = {"green", "amber", "red"}


def tiny_credit_run(home: Path) -> str:
    """A 1-epoch credit run on the first BORROWERS borrowers of the sample, trained by the CLI
    (so meta.json records the input files and their hashes); the session's `credit_run`."""
    primary = pd.read_csv(SAMPLE / "credit_payments.csv")
    keep = sorted(primary["borrower_id"].unique())[:BORROWERS]
    data = home / "credit_small.csv"
    primary[primary["borrower_id"].isin(keep)].to_csv(data, index=False)
    config = json.loads((SAMPLE / "credit_config.json").read_text())
    config["model"] = {"units": [4], "dense_units": 4, "tower_units": 4}
    config["training"] = {"epochs": 1, "batch_size": 512, "patience": 0}
    path = home / "tiny_credit.json"
    path.write_text(json.dumps(config))
    mp = pytest.MonkeyPatch()
    mp.setenv("RISKCORE_HOME", str(home))
    try:
        args = [
            "train",
            str(path),
            "--data",
            str(data),
            "--macro",
            str(SAMPLE / "credit_macro.csv"),
        ]
        assert main(args) == 0
    finally:
        mp.undo()
    return RunStore(home).ids()[0]


@pytest.fixture(scope="module")
def credit(credit_run, copy_run) -> tuple[Path, str]:
    """A copy of the session's tiny credit run (conftest `credit_run`) in a home of its own:
    the page stores validation.json with the run."""
    run = copy_run(credit_run)
    return run.path.parent.parent, run.run_id


def _validate_page(home: Path, run_id: str, monkeypatch, language: str = "en") -> AppTest:
    monkeypatch.setenv("RISKCORE_HOME", str(home))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.session_state["lang_picker"] = language
    at.session_state["run_id"] = run_id
    at.switch_page("pages/validate.py").run()
    assert not at.exception, at.exception
    return at


def _checks(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value


def _charts(at: AppTest) -> list[dict]:
    """The page's Plotly figures as JSON (title, traces), in page order."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _titles(at: AppTest) -> list[str]:
    return [c["layout"].get("title", {}).get("text", "") for c in _charts(at)]


def test_lights_grades_and_the_stored_validation(credit, monkeypatch) -> None:
    home, run_id = credit
    at = _validate_page(home, run_id, monkeypatch)
    assert at.title[0].value == "Model validation"
    checks = _checks(at)
    assert set(checks["Light"]) <= LIGHT_WORDS and len(checks) >= 6
    assert "Test Gini of the deep model" in set(checks["Check"])
    assert not any("validate.light" in str(v) for v in checks.to_numpy().ravel())  # no raw key
    headline = [*at.success, *at.warning, *at.error]
    assert any(m.value.startswith("Overall ") for m in headline)
    stored = RunStore(home).load(run_id).json("validation.json")
    assert stored["run_id"] == run_id and len(stored["checks"]) == len(checks)
    assert len(at.get("plotly_chart")) >= len(checks)
    open_tab(at, "validate_tab", "validate.tab_grades")
    grades = next(d.value for d in at.dataframe if "Grade" in d.value.columns)
    assert list(grades.columns[:2]) == ["Light", "Grade"]
    assert set(grades["Light"]) <= LIGHT_WORDS | {"no data"}


def test_segment_selection_shows_adverse_impact(credit, monkeypatch) -> None:
    home, run_id = credit
    at = _validate_page(home, run_id, monkeypatch)
    picker = at.selectbox(key=f"validate_segment_{run_id}")
    assert {"region", "product", "age"} <= set(picker.options)
    picker.set_value("product").run()
    assert not at.exception
    checks = _checks(at)
    details = [m.value for m in at.markdown if m.value.startswith("**Detail:** product")]
    assert len(details) == 1, details  # the adverse-impact check's, in its expander
    open_tab(at, "validate_tab", "validate.tab_segments")
    segments = next(d.value for d in at.dataframe if "Adverse-impact ratio" in d.value.columns)
    assert set(segments["Segment"]) == {"auto", "card", "mortgage"} or len(segments) >= 2
    assert set(segments["Below four fifths"]) <= {"no", "⚠️ yes"}
    ratios = pd.to_numeric(segments["Adverse-impact ratio"], errors="coerce")
    assert ratios.max() == pytest.approx(1.0)
    assert "Adverse-impact shortfall (1 - ratio)" in set(checks["Check"])
    chart = next(c for c in _charts(at) if c["layout"]["title"]["text"].startswith("Adverse"))
    assert (
        chart["layout"]["title"]["text"] == "Adverse-impact ratio per segment (dashed: four fifths)"
    )
    assert chart["data"][0]["name"] == "Adverse-impact ratio"


def test_a_stricter_policy_file_turns_a_check_red(credit, monkeypatch) -> None:
    home, run_id = credit
    at = _validate_page(home, run_id, monkeypatch)
    lenient = json.dumps({"name": "lenient", "test_gini": {"red_below": None, "amber_below": None}})
    at.file_uploader[0].set_value(("lenient.json", lenient.encode(), "application/json")).run()
    before = _checks(at).set_index("Check")["Light"]
    assert before["Test Gini of the deep model"] == "green"
    strict = json.dumps({"name": "strict", "test_gini": {"red_below": 0.99, "amber_below": 0.995}})
    at.file_uploader[0].set_value(("strict.json", strict.encode(), "application/json")).run()
    assert not at.exception, at.exception
    after = _checks(at).set_index("Check")["Light"]
    assert after["Test Gini of the deep model"] == "red"
    assert any("policy “strict”" in e.value for e in at.error)
    assert RunStore(home).load(run_id).json("validation.json")["policy"]["name"] == "strict"


def test_a_malformed_policy_file_is_an_error_not_a_traceback(credit, monkeypatch) -> None:
    home, run_id = credit
    at = _validate_page(home, run_id, monkeypatch)
    bad = b'{"test_gini": {"red_below": "high"}}'
    at.file_uploader[0].set_value(("bad.json", bad, "application/json")).run()
    assert not at.exception
    assert any("test_gini" in e.value for e in at.error)


def test_the_page_in_chinese(credit, monkeypatch) -> None:
    home, run_id = credit
    at = _validate_page(home, run_id, monkeypatch, language="zh")
    assert at.title[0].value == "模型验证"
    checks = at.dataframe[0].value
    assert "信号灯" in checks.columns
    assert set(checks["信号灯"]) <= {"绿灯", "黄灯", "红灯"}
    assert "深度模型测试集 Gini" in set(checks["检验"])
    details = [m.value for m in at.markdown if m.value.startswith("**说明**：")]
    assert len(details) == len(checks)  # one per check, in its expander
    stored = RunStore(home).load(run_id).json("validation.json")
    segments = stored["segments"]  # the data's names are quoted, not translated
    inputs = {row["feature"] for row in stored["stability"]} | {segments.get("column") or ""}
    inputs = tuple(inputs | {str(row["segment"]) for row in segments.get("rows", [])})
    for detail in details:  # said in Chinese, the models named as the page names them
        assert english_left(detail.removeprefix("**说明**："), inputs) == [], detail
    assert any(d.startswith("**说明**：测试集上的 Gini ") for d in details)
    assert any("逻辑回归" in d or "梯度提升" in d for d in details)
    headline = [m.value for m in [*at.success, *at.warning, *at.error]]
    assert any("默认政策" in h for h in headline) and not any("default" in h for h in headline)
    psi = [c for c in _charts(at) if c["layout"]["title"]["text"].startswith("各期评分")]
    heat = [c for c in _charts(at) if c["data"] and c["data"][0]["type"] == "heatmap"]
    for chart in psi + heat:  # the whole split and the score in words; periods as written
        assert chart["layout"]["xaxis"]["type"] == "category"
        ticks = [x for trace in chart["data"] for x in trace.get("x", [])]
        assert "整个测试集" in ticks and "all" not in ticks, ticks
    assert psi and heat and "风险评分" in heat[0]["data"][0]["y"]
    skipped = [c.value for c in at.caption if c.value.startswith("未执行：")]
    assert all(english_left(c) == [] for c in skipped), skipped  # the VaR page has some


def test_the_report_page_builds_the_model_documentation(credit, monkeypatch) -> None:
    home, run_id = credit
    monkeypatch.setenv("RISKCORE_HOME", str(home))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.session_state["run_id"] = run_id
    at.switch_page("pages/report.py").run()
    assert not at.exception, at.exception
    at.button(key="build_docx").click().run()
    assert not at.exception, at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download model documentation (.docx)" in labels, labels


COUNT = re.compile(r"^\d{1,3}(,\d{3})*$")
THREE = re.compile(r"^(\d\.\d{3}|–)$")


def test_checks_fit_the_page_and_charts_name_what_they_draw(credit, monkeypatch) -> None:
    home, run_id = credit
    at = _validate_page(home, run_id, monkeypatch)
    checks = _checks(at)
    assert list(checks.columns) == ["Light", "Check", "Value", "Thresholds"]  # detail: expanders
    details = [m.value for m in at.markdown if m.value.startswith("**Detail:** ")]
    assert len(details) == len(checks)
    assert not any("(roc_auc)" in d or "jeffreys test" in d for d in details), details
    titles = _titles(at)
    assert "ROC-AUC per period, with its 95% interval" in titles
    assert "Calibration: observed rate against mean PD (Hosmer-Lemeshow groups)" in titles
    assert "Hosmer-Lemeshow p-value" not in titles  # the check's question, not the chart
    assert "Periods with ROC-AUC below the whole-test value" not in titles
    line = next(c for c in _charts(at) if c["layout"]["title"]["text"].startswith("ROC-AUC per"))
    names = [trace["name"] for trace in line["data"]]
    assert names[:2] == ["95% interval", "ROC-AUC [95% CI]"] and names[2].startswith("whole test")


def test_over_time_migration_and_counts_in_english(credit, monkeypatch) -> None:
    home, run_id = credit
    at = _validate_page(home, run_id, monkeypatch)
    open_tab(at, "validate_tab", "validate.tab_over_time")
    periods = next(d.value for d in at.dataframe if "95% CI lower" in d.value.columns)
    assert not {"lower", "upper"} & set(periods.columns)
    assert all(THREE.match(v) for v in periods["ROC-AUC"]), list(periods["ROC-AUC"])
    assert set(periods["Below the whole test"]) <= {"yes", "no"}
    psi = next(d.value for d in at.dataframe if "Reading" in d.value.columns)
    assert set(psi["Reading"]) <= {"stable", "moderate shift", "major shift"}
    assert all(COUNT.match(v) for v in psi["Rows"])
    open_tab(at, "validate_tab", "validate.tab_grades")
    grades = next(d.value for d in at.dataframe if "Grade" in d.value.columns)
    assert all(COUNT.match(v) for v in grades["Rows"])
    legend = [t["name"] for t in _charts(at)[-1]["data"] if t.get("showlegend") is not False]
    assert legend[0] == "Mean PD" and all(n.startswith("Observed rate · ") for n in legend[1:])
    open_tab(at, "validate_tab", "validate.tab_portfolio")
    portfolio = next(d.value for d in at.dataframe if "Test" in d.value.columns)
    assert COUNT.match(portfolio.set_index("Test").loc["Rows", "Value"])
    open_tab(at, "validate_tab", "validate.tab_migration")
    caption = next(c.value for c in at.caption if c.value.startswith("Grades of "))
    assert re.search(r"\d+% \(\d+\) stable", caption), caption
    assert not re.search(r"\d\.\d{4}", caption), caption


def test_over_time_and_migration_in_chinese(credit, monkeypatch) -> None:
    home, run_id = credit
    at = _validate_page(home, run_id, monkeypatch, language="zh")
    assert "各期 ROC-AUC 及其 95% 区间" in _titles(at)
    assert any(m.value.startswith("**说明**：") for m in at.markdown)
    at.session_state["lang_picker"] = "zh"  # as the sidebar picker keeps it across reruns
    open_tab(at, "validate_tab", "validate.tab_over_time", 1)
    periods = next(d.value for d in at.dataframe if "95% 区间下限" in d.value.columns)
    assert set(periods["低于整体测试值"]) <= {"是", "否"}
    psi = next(d.value for d in at.dataframe if "解读" in d.value.columns)
    assert set(psi["解读"]) <= {"稳定", "中度偏移", "显著偏移"}
    at.session_state["lang_picker"] = "zh"
    open_tab(at, "validate_tab", "validate.tab_migration", 1)
    caption = next(c.value for c in at.caption if "等级变化" in c.value)
    assert re.search(r"不变 \d+%（\d+ 个）", caption), caption
