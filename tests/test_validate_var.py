"""Validating a quantile (VaR / ES) run: the lights follow the backtests stored in metrics.json
(edited in memory to planted zones and p-values), the policy's var_* sections (old policy files
without them still load), the classification checks skipped with a reason, validation.json and
the report on such a run, new labelled data backtested with the run's model, the CLI's exit
codes and the Validate page."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from riskcore.cli import main
from riskcore.store import Run, RunStore
from riskcore.validation import (
    Check,
    Policy,
    PolicyError,
    Sample,
    load_validation,
    new_data_sample,
    parse_policy,
    save_validation,
    validate_run,
)
from riskcore.validation.quantile import CLASSIFICATION_CHECKS
from riskcore.validation.wording import reason
from tests.chinese import english_left, has_cjk
from tests.tabs import open_tab

ROOT = Path(__file__).resolve().parent.parent
VAR_CHECKS = {
    "var_traffic_light",
    "var_kupiec",
    "var_independence",
    "var_conditional_coverage",
    "es_backtest",
}
ZONE_LIGHT = {"green": "green", "yellow": "amber", "red": "red"}
CLASSIFICATION_OFF = {name: {"enabled": False} for name in CLASSIFICATION_CHECKS}


@pytest.fixture(scope="module")
def home(quantile_run, tmp_path_factory) -> Path:
    """A home of its own holding a copy of the session's quantile run (tests write to it)."""
    path = tmp_path_factory.mktemp("validate-var-home")
    shutil.copytree(quantile_run.path, path / "runs" / quantile_run.run_id)
    return path


def fresh(home: Path, quantile_run) -> Run:
    """The run loaded anew: its metrics may be edited in memory without touching the file."""
    return RunStore(home).load(quantile_run.run_id)


def only(*names: str, **changes: dict) -> Policy:
    """A policy running only the VaR checks named (no classification checks, none skipped)."""
    raw = {**CLASSIFICATION_OFF, **{n: {"enabled": n in names} for n in VAR_CHECKS}}
    raw["var_comparator"] = {"enabled": "var_comparator" in names}
    for name, values in changes.items():
        raw[name] = {**raw.get(name, {}), **values}
    return parse_policy(raw)


def pooled(run: Run, level: str = "0.01") -> dict:
    return run.metrics["test"]["model"]["backtest"][level]


def stored_z2(stored: dict, rel: float | None = None):
    """What the ES check reads for a stored Z2: no value when Z2 is undefined (no breach at
    the level, e.g. a tiny model with a conservative VaR), else the number."""
    z2 = stored["es_z2"]
    return None if z2 is None or math.isnan(z2) else pytest.approx(z2, rel=rel)


def by_name(result) -> dict[tuple[str, str | None], Check]:
    return {(c.name, c.level): c for c in result.checks}


def test_the_checks_read_the_stored_backtests_of_every_level(home, quantile_run) -> None:
    run = fresh(home, quantile_run)
    result = validate_run(run)
    levels = [f"{a:g}" for a in run.config.quantiles]
    checks = by_name(result)
    assert set(checks) == {(n, k) for n in VAR_CHECKS for k in levels} | {("var_comparator", None)}
    for key in levels:
        stored = pooled(run, key)
        assert checks["var_kupiec", key].value == pytest.approx(stored["kupiec_p"])
        assert checks["var_independence", key].value == pytest.approx(stored["christoffersen_p"])
        cc = checks["var_conditional_coverage", key]
        assert cc.value == pytest.approx(stored["conditional_coverage_p"])
        light = checks["var_traffic_light", key]
        assert light.value == stored["traffic_light"]["exceptions"]
        assert light.light == ZONE_LIGHT[stored["traffic_light"]["zone"]]
        es = checks["es_backtest", key]
        assert es.value == stored_z2(stored)
        assert es.light == ZONE_LIGHT.get(stored["es_zone"], "amber")
        assert (
            f"{stored['breaches']} breaches in {stored['n']} rows"
            in checks["var_kupiec", key].detail
        )
    assert checks["var_traffic_light", "0.01"].label == "Basel traffic light at 99%"
    # the classification checks are skipped, each with a reason; none of them ran
    assert [s["name"] for s in result.skipped] == list(CLASSIFICATION_CHECKS)
    assert all(s["reason"] for s in result.skipped)
    assert result.grades.empty and result.portfolio == {}
    assert result.exit_code == (3 if any(c.light == "red" for c in result.checks) else 0)
    assert result.data["kind"] == "test" and result.data["backtests"] == "stored"
    assert result.data["events"] == pooled(run)["breaches"]
    # the backtests table: pooled, then every entity, of each level
    table = result.backtests
    first = table[(table["level"] == "0.01") & table["pooled"]].iloc[0]
    assert first["kupiec_p"] == pytest.approx(pooled(run)["kupiec_p"])
    entities = run.metrics["by_entity"]["model"]["0.01"]
    assert set(table[(table["level"] == "0.01") & ~table["pooled"]]["scope"]) == set(entities)


@pytest.mark.parametrize(
    ("zone", "light"), [("green", "green"), ("yellow", "amber"), ("red", "red")]
)
def test_the_traffic_light_check_follows_the_stored_zone(home, quantile_run, zone, light) -> None:
    run = fresh(home, quantile_run)
    for key in pooled(run)["traffic_light"], pooled(run, "0.025")["traffic_light"]:
        key["zone"] = zone
    result = validate_run(run, only("var_traffic_light"))
    assert [c.light for c in result.checks] == [light, light]
    assert result.skipped == []
    assert result.exit_code == (3 if zone == "red" else 0)


def test_the_worst_entity_option_reads_the_entities_zones(home, quantile_run) -> None:
    run = fresh(home, quantile_run)
    pooled(run)["traffic_light"]["zone"] = "green"
    entities = run.metrics["by_entity"]["model"]["0.01"]
    for entry in entities.values():
        entry["traffic_light"]["zone"] = "green"
    bad = sorted(entities)[-1]
    entities[bad]["traffic_light"]["zone"] = "red"
    policy = only("var_traffic_light")
    assert by_name(validate_run(run, policy))["var_traffic_light", "0.01"].light == "green"
    strict = only("var_traffic_light", var_traffic_light={"over": "worst_entity"})
    check = by_name(validate_run(run, strict))["var_traffic_light", "0.01"]
    assert check.light == "red" and f"worst entity {bad}" in check.detail


@pytest.mark.parametrize(
    ("name", "key", "value", "light"),
    [
        ("var_kupiec", "kupiec_p", 0.005, "red"),
        ("var_kupiec", "kupiec_p", 0.03, "amber"),
        ("var_kupiec", "kupiec_p", 0.2, "green"),
        ("var_independence", "christoffersen_p", 0.001, "red"),
        ("var_independence", "christoffersen_p", 0.5, "green"),
        ("var_conditional_coverage", "conditional_coverage_p", 0.04, "amber"),
        ("var_conditional_coverage", "conditional_coverage_p", math.nan, "amber"),
        ("es_backtest", "es_z2", -2.5, "red"),
        ("es_backtest", "es_z2", -1.0, "amber"),
        ("es_backtest", "es_z2", 0.3, "green"),
        ("es_backtest", "es_z2", None, "amber"),  # Z2 undefined: neither pass nor fail
    ],
)
def test_the_p_value_and_es_lights_follow_the_stored_numbers(
    home, quantile_run, name, key, value, light
) -> None:
    run = fresh(home, quantile_run)
    pooled(run)[key] = value
    check = by_name(validate_run(run, only(name)))[name, "0.01"]
    assert check.light == light
    stored = check.value
    assert (stored is None) if value is None or value != value else stored == value


def test_policy_thresholds_move_the_lights(home, quantile_run) -> None:
    run = fresh(home, quantile_run)
    pooled(run)["kupiec_p"] = 0.03
    loose = only("var_kupiec", var_kupiec={"red_below": 0.001, "amber_below": 0.01})
    assert by_name(validate_run(run, loose))["var_kupiec", "0.01"].light == "green"
    off = only("var_kupiec", var_kupiec={"red_below": None, "amber_below": None})
    assert by_name(validate_run(run, off))["var_kupiec", "0.01"].light == "green"
    pooled(run)["es_z2"] = -1.0
    lenient_es = only("es_backtest", es_backtest={"amber_below": -1.5, "red_below": -3.0})
    assert by_name(validate_run(run, lenient_es))["es_backtest", "0.01"].light == "green"


def _set_comparators(run: Run, paired_ci: tuple[float, float]) -> None:
    """Every comparator behind the model by 1 bp except garch, whose paired interval (model
    minus garch pinball; < 0 = model better) is `paired_ci`."""
    test, paired = run.metrics["test"], run.metrics["paired"]
    model = test["model"]["pinball"]
    for name in paired:
        test[name]["pinball"] = model + 1e-4
        paired[name].update(pinball=-1e-4, pinball_ci=[-2e-4, -0.5e-4])
    diff = float(np.mean(paired_ci))
    test["garch"]["pinball"] = model - diff
    paired["garch"].update(pinball=diff, pinball_ci=list(paired_ci))


@pytest.mark.parametrize(
    ("paired_ci", "light"),
    [
        ((-3e-4, -2e-4), "green"),  # the model is better than every comparator
        ((0.5e-4, 2e-4), "red"),  # garch is better beyond the paired interval
        ((-0.5e-4, 2e-4), "amber"),  # garch is ahead, within the interval
    ],
)
def test_the_comparator_check_is_the_paired_pinball_verdict(
    home, quantile_run, paired_ci, light
) -> None:
    run = fresh(home, quantile_run)
    _set_comparators(run, paired_ci)
    check = by_name(validate_run(run, only("var_comparator")))["var_comparator", None]
    assert check.light == light and check.rule == "verdict"
    assert "(pinball)" in check.detail and " bp" in check.detail


def test_old_policy_files_load_and_bad_var_keys_are_named(tmp_path) -> None:
    shipped = json.loads((ROOT / "sample_data" / "validation_policy.json").read_text())
    old = {k: v for k, v in shipped.items() if not k.startswith(("var_", "es_"))}
    assert set(shipped) - set(old) == VAR_CHECKS | {"var_comparator"}
    assert parse_policy(old) == Policy()  # a policy written before the VaR checks existed
    assert parse_policy({"name": "legacy", "test_gini": {"red_below": 0.1}}).var_kupiec.enabled
    with pytest.raises(PolicyError, match=r"var_traffic_light\.over"):
        parse_policy({"var_traffic_light": {"over": "max"}})
    with pytest.raises(PolicyError, match="es_backtest"):
        parse_policy({"es_backtest": {"red_below": -0.5, "amber_below": -1.0}})


def test_disabled_sections_leave_their_checks_out(home, quantile_run) -> None:
    run = fresh(home, quantile_run)
    policy = parse_policy({"var_kupiec": {"enabled": False}, "grades": {"enabled": False}})
    result = validate_run(run, policy)
    names = {c.name for c in result.checks}
    assert "var_kupiec" not in names and {"var_traffic_light", "var_comparator"} <= names
    assert "grades" not in {s["name"] for s in result.skipped}


def test_validation_json_round_trips_and_the_report_builds(home, quantile_run) -> None:
    from riskcore import report as R
    from riskcore.report.texts import text as report_text

    store = RunStore(home)
    run = fresh(home, quantile_run)
    result = validate_run(run)
    save_validation(store, result)
    saved = store.load(run.run_id).json("validation.json")
    assert saved["data"]["task"] == "quantile" and saved["backtests"]
    assert {c["level"] for c in saved["checks"] if c["name"] != "var_comparator"} == {
        "0.01",
        "0.025",
    }
    back = load_validation(store.load(run.run_id))
    assert [c.to_dict() for c in back.checks] == saved["checks"]
    assert back.quantile and back.light == result.light
    assert back.backtests["kupiec_p"].tolist() == pytest.approx(result.backtests["kupiec_p"])
    # a classification check's JSON has no level key: its validation.json is as before
    assert "level" not in Check("test_gini", 0.5, 0.2, "green").to_dict()
    # the report and the model documentation read the stored validation without failing
    pdf = R.report_pdf(store.load(run.run_id), sections=["validation"])
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    assert "Basel traffic light at 99%" in text and "Kupiec p-value at 97.5%" in text
    assert "red zone: red; yellow zone: amber" in text
    assert R.model_document(store.load(run.run_id)).startswith(b"PK")
    # in Chinese: every detail and skip reason, on the page and in the report
    entities = tuple(run.predictions["entity"].astype(str).unique())  # quoted, not translated
    for check in back.checks:
        zh = check.detail_in("zh", lambda key: report_text(f"model.{key}", "zh"))
        assert has_cjk(zh) and english_left(zh, entities) == [], zh
    for item in back.skipped:
        assert has_cjk(reason(item, "zh")) and english_left(reason(item, "zh")) == []
    pdf = R.report_pdf(store.load(run.run_id), language="zh", sections=["validation"])
    zh = _pdf_text(pdf).replace(" ", "")  # a line break in Chinese text reads as a space
    kupiec = next(c for c in back.checks if c.name == "var_kupiec" and c.level == "0.01")
    assert kupiec.detail_in("zh").replace(" ", "")[:24] in zh
    assert "未执行：" in zh and "VaR/ES运行给出的是收益分位数" in zh


def test_new_labelled_data_is_backtested_with_the_runs_model(home, quantile_run) -> None:
    run = fresh(home, quantile_run)
    frames = run.inputs()
    sample = new_data_sample(run, frames["primary"], frames.get("macro"), frames.get("sentiment"))
    assert {"var_0.01", "es_0.01", "var_0.025", "es_0.025"} <= set(sample.rows.columns)
    everything = validate_run(run, None, sample)
    assert everything.data["kind"] == "new_data" and everything.data["backtests"] == "computed"
    assert everything.data["with_outcome"] > run.metrics["rows"]["test"]
    assert "test period" in by_name(everything)["var_comparator", None].detail
    # on the test rows alone, the backtests are those stored at training time
    test = run.predictions[run.predictions["split"] == "test"]
    keys = pd.MultiIndex.from_frame(test[["time", "entity"]].astype(str))
    rows = sample.rows
    mine = pd.MultiIndex.from_arrays(
        [rows["time"].dt.strftime("%Y-%m-%d"), rows["entity"].astype(str)]
    )
    same = Sample(rows[mine.isin(keys)].reset_index(drop=True), None, None, "new_data")
    again = by_name(validate_run(run, None, same))
    stored = pooled(run)
    assert stored["n"] == len(same.rows) and run.metrics["test"]["model"]["excluded"] == 0
    assert again["var_kupiec", "0.01"].value == pytest.approx(stored["kupiec_p"], rel=1e-4)
    assert again["var_traffic_light", "0.01"].value == stored["traffic_light"]["exceptions"]
    assert again["es_backtest", "0.01"].value == stored_z2(stored, rel=1e-3)


def _cli(home: Path, args: list[str], monkeypatch, capsys) -> tuple[int, str, str]:
    monkeypatch.setenv("RISKCORE_HOME", str(home))
    code = main(["validate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_gate_exits_as_for_classification(
    home, quantile_run, monkeypatch, capsys, tmp_path
) -> None:
    run_id = quantile_run.run_id
    code, out, err = _cli(home, [run_id], monkeypatch, capsys)
    stored = json.loads((home / "runs" / run_id / "validation.json").read_text())
    assert code == (3 if stored["light"] == "red" else 0), err
    assert "var_kupiec 0.01" in out and "VaR / ES backtests" in out and "skipped" in out
    lenient = {
        "var_traffic_light": {"enabled": False},
        "var_comparator": {"enabled": False},
        **{n: {"red_below": None} for n in VAR_CHECKS - {"var_traffic_light"}},
    }
    path = tmp_path / "lenient.json"
    path.write_text(json.dumps(lenient))
    code, _, err = _cli(home, [run_id, "--policy", str(path)], monkeypatch, capsys)
    assert code == 0, err
    assert pooled(quantile_run)["kupiec_p"] < 1.0
    path.write_text(json.dumps({"var_kupiec": {"red_below": 1.0, "amber_below": 1.0}}))
    code, _, err = _cli(home, [run_id, "--policy", str(path)], monkeypatch, capsys)
    assert code == 3 and "RED" in err
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"var_kupiec": {"red_below": "low"}}))
    code, _, err = _cli(home, [run_id, "--policy", str(bad)], monkeypatch, capsys)
    assert code == 2 and "var_kupiec.red_below" in err


def test_the_cli_validates_new_data(home, quantile_run, monkeypatch, capsys, tmp_path) -> None:
    run_id = quantile_run.run_id
    frames = quantile_run.inputs()
    files = []
    for role in ("primary", "macro", "sentiment"):
        path = tmp_path / f"{role}.csv"
        frames[role].to_csv(path, index=False)
        files.append(path)
    before = (home / "runs" / run_id / "validation.json").read_bytes()
    out_file = tmp_path / "oot.json"
    args = [run_id, "--data", str(files[0]), "--macro", str(files[1])]
    args += ["--sentiment", str(files[2]), "--out", str(out_file)]
    code, _, err = _cli(home, args, monkeypatch, capsys)
    written = json.loads(out_file.read_text())
    assert code == (3 if written["light"] == "red" else 0), err
    assert written["data"]["kind"] == "new_data" and written["data"]["backtests"] == "computed"
    assert (home / "runs" / run_id / "validation.json").read_bytes() == before


def test_the_validate_page_shows_the_var_checks_with_lights(
    home, quantile_run, monkeypatch
) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("RISKCORE_HOME", str(home))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.session_state["run_id"] = quantile_run.run_id
    at.switch_page("pages/validate.py").run()
    assert not at.exception, at.exception
    checks = at.dataframe[0].value
    assert "Basel traffic light at 99%" in set(checks["Check"])
    assert "ES backtest (Acerbi-Szekely Z2) at 97.5%" in set(checks["Check"])
    assert set(checks["Light"]) <= {"green", "amber", "red"}
    stored = RunStore(home).load(quantile_run.run_id).json("validation.json")
    lights = {(c["name"], c.get("level")): c["light"] for c in stored["checks"]}
    row = checks.set_index("Check").loc["Kupiec breach-rate p-value at 99%"]
    assert row["Light"] == lights["var_kupiec", "0.01"]
    assert [tab.label for tab in at.tabs] == ["Checks", "VaR / ES backtests", "Policy"]
    assert any(c.value.startswith("Not run: ") for c in at.caption)  # on the checks tab
    open_tab(at, "validate_tab", "validate.tab_backtests")
    tables = [d.value for d in at.dataframe if "Entity" in d.value.columns]
    assert len(tables) == 2 and tables[0]["Entity"].iloc[0] == "all entities"
    keys = {w.key for w in at.selectbox}
    assert f"validate_segment_{quantile_run.run_id}" not in keys  # no segments for a VaR run
    at.session_state["lang_picker"] = "zh"
    open_tab(at, "validate_tab", "validate.tab_checks", 1)
    assert "巴塞尔交通灯（99%）" in set(at.dataframe[0].value["检验"])
    skipped = [c.value for c in at.caption if c.value.startswith("未执行：")]
    assert len(skipped) == len(CLASSIFICATION_CHECKS)
    assert [english_left(c) for c in skipped if not has_cjk(c[4:]) or english_left(c)] == []


def _pdf_text(pdf: bytes) -> str:
    import subprocess

    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())
