"""Reason codes: contributions summed over lags, levels and missing flags; the top four
risk-raising inputs; default and edited catalogue texts in both languages; the CSV report's
reason_1..reason_4; the Explain page; `explain --reasons` and `score --reasons`.

The fast tests use hand-made explanations (riskcore.reasons reads only rows, recent and info);
the slow ones one tiny trained run on the planted panel.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from riskcore import report as R
from riskcore.errors import ConfigError
from riskcore.explain import Explanation, load_explanation
from riskcore.reasons import (
    REASONS_FILE,
    Catalogue,
    aggregate,
    default_catalogue,
    explanation_reasons,
    lag_spans,
    load_catalogue,
    read_catalogue,
    reason_table,
    save_catalogue,
    source_of,
    sum_lags,
    top_reasons,
)
from riskcore.store import RunStore
from tests.tabs import open_tab
from tests.test_report import handmade_run

ROOT = Path(__file__).resolve().parent.parent
MARKET = {
    "sequence": ["ret_1d", "volume"],
    "macro": ["vix"],
    "sentiment": ["sentiment", "no_news"],
    "static": ["sector"],
}


def stored(rows: list[dict], recent: list[dict] | None = None, window: int = 30) -> Explanation:
    """An explanation as explanations.json stores it, read back by riskcore.explain."""
    raw = {"rows": rows, "info": {"window": window}}
    if recent is not None:
        raw["recent"] = recent
    return Explanation.from_json(raw)


# ---- aggregation ----------------------------------------------------------------------------
def test_lags_levels_and_missing_flags_sum_to_their_column_by_hand() -> None:
    # two rows; a window of 3 steps over ret_1d and its missing flag; a one-hot static
    seq = np.array(
        [
            [[0.1, 0.01], [0.2, 0.02], [-0.05, 0.0]],
            [[-0.3, 0.0], [0.1, 0.05], [0.4, 0.1]],
        ]
    )
    static = np.array([[0.2, -0.05, 0.01], [0.0, 0.0, 0.3]])
    names = {
        "sequence": ["ret_1d", "ret_1d_missing"],
        "static": ["sector=bank", "sector=retail", "size"],
    }
    out = sum_lags([seq, static], ["sequence", "static"], names, ["ret_1d", "sector", "size"])
    assert list(out.columns) == ["ret_1d", "sector", "size"]
    # row 0: ret_1d 0.1 + 0.2 - 0.05 plus its flag 0.01 + 0.02 + 0; sector 0.2 - 0.05
    assert out.loc[0, "ret_1d"] == pytest.approx(0.25 + 0.03)
    assert out.loc[1, "ret_1d"] == pytest.approx(0.2 + 0.15)
    assert out.loc[0, "sector"] == pytest.approx(0.15)
    assert out.loc[1, "size"] == pytest.approx(0.3)


def test_a_stored_explanation_with_levels_and_flags_folds_them_back() -> None:
    exp = stored(
        [
            {
                "time": "2024-01-02",
                "entity": "A",
                "score": 0.9,
                "base_value": 0.4,
                "f1": 0.1,
                "f1_missing": 0.05,
                "sector=bank": 0.2,
                "sector=retail": -0.01,
                "vix": 0.3,
            },
        ]
    )
    summed = aggregate(exp.rows[exp.features], ["f1", "sector", "vix"]).iloc[0]
    assert summed.to_dict() == pytest.approx({"f1": 0.15, "sector": 0.19, "vix": 0.3})
    # without the run's columns the names alone say where a level or flag belongs
    assert source_of("sector=bank") == "sector" and source_of("f1_missing") == "f1"
    # the longest column wins: a column named like another's flag stays itself
    assert source_of("x_missing", ["x", "x_missing"]) == "x_missing"


def test_only_risk_raising_inputs_at_most_four_largest_first() -> None:
    row = pd.Series({"a": 0.05, "b": -0.4, "c": 0.2, "d": 0.0, "e": 0.1, "f": 0.01, "g": 0.3})
    top = top_reasons(row)
    assert list(top.index) == ["g", "c", "e", "a"]
    assert (top > 0).all()
    assert list(top_reasons(pd.Series({"a": -0.1, "b": 0.0}))) == []
    assert list(top_reasons(pd.Series({"a": -0.1, "b": 0.02})).index) == ["b"]


# ---- the catalogue --------------------------------------------------------------------------
def test_default_texts_name_the_column_in_both_languages_with_the_lag_span() -> None:
    recent = [{"ret_1d": 14, "volume": 1}, {"ret_1d": 14, "volume": 1}, {"ret_1d": 20, "volume": 2}]
    spans = lag_spans(stored([{"score": 0.5}] * 3, recent).recent)
    assert spans == {"ret_1d": 14, "volume": 1}
    derived = {"vol_20": {"kind": "rolling_vol", "column": "ret_1d", "window": 20}}
    columns = {**MARKET, "sequence": [*MARKET["sequence"], "vol_20"]}
    cat = default_catalogue(columns, spans, window=30, unit="days", derived=derived)
    codes = [r.code for r in cat.reasons]
    assert codes == [f"R{k:02d}" for k in range(1, len(codes) + 1)]
    ret = cat.get("ret_1d")
    assert ret.en == "Recent returns (ret_1d) over the last 14 days"
    assert ret.zh == "近14天的收益率（ret_1d）"
    assert cat.get("volume").en == "Recent trading volume (volume) on the latest day"
    assert cat.get("volume").zh == "最新一天的成交量（volume）"
    # no "which days" information: the whole window
    assert cat.get("vol_20").en == "Recent volatility of returns (vol_20) over the last 30 days"
    assert cat.get("vix").en.startswith("Macro conditions") and "vix" in cat.get("vix").en
    assert cat.get("vix").zh.startswith("宏观环境")
    assert cat.get("no_news").zh == "近期无新闻（no_news）"
    assert cat.get("sector").en == "Profile: sector" and cat.get("sector").zh.startswith("客户属性")
    assert cat.text("ret_1d", "zh") == "R01: 近14天的收益率（ret_1d）"


def test_an_edited_catalogue_changes_the_texts_and_is_checked(tmp_path) -> None:
    cat = default_catalogue(MARKET, {"ret_1d": 14}, 30)
    frame = cat.to_frame()
    frame.loc[frame["feature"] == "ret_1d", ["code", "en", "zh"]] = [
        "MKT1",
        "Falling prices",
        "价格下跌",
    ]
    edited = Catalogue.from_frame(frame)
    contributions = pd.DataFrame({"ret_1d": [0.3, -0.1], "vix": [0.1, 0.2], "sector": [-0.2, 0.05]})
    en = reason_table(contributions, edited)
    assert en.loc[0, "reason_1"] == "MKT1: Falling prices"
    assert en.loc[0, "reason_2"] == "R03: " + cat.get("vix").en
    assert en.loc[0, "reason_3"] == "" and en.loc[1, "reason_2"] == "R06: Profile: sector"
    assert reason_table(contributions, edited, "zh").loc[0, "reason_1"] == "MKT1: 价格下跌"
    # a file, as --catalogue reads it; and the checks a hand edit can fail
    path = tmp_path / "reasons.json"
    path.write_text(json.dumps(edited.model_dump(), ensure_ascii=False), "utf-8")
    assert read_catalogue(path) == edited
    frame.loc[frame["feature"] == "vix", "code"] = "MKT1"
    with pytest.raises(ConfigError, match="repeated: MKT1"):
        Catalogue.from_frame(frame)
    with pytest.raises(ConfigError, match="not found"):
        read_catalogue(tmp_path / "missing.json")
    # a saved catalogue missing a new column gets its default entry, with a free code
    partial = Catalogue(reasons=[edited.get("ret_1d").model_copy(update={"code": "R02"})])
    full = partial.completed(cat)
    assert full.get("ret_1d").en == "Falling prices"
    assert len({r.code for r in full.reasons}) == len(full.reasons) == len(cat.reasons)


# ---- the CSV report -------------------------------------------------------------------------
def test_csv_report_has_reasons_on_explained_rows_only_escaped(tmp_path) -> None:
    run = handmade_run(tmp_path)
    test = run.predictions[run.predictions["split"] == "test"].tail(6)
    rows = [
        {
            "time": t.strftime("%Y-%m-%d"),
            "entity": e,
            "score": 0.7,
            "base_value": 0.3,
            "r": 0.2 if k % 2 else -0.1,
            "r_missing": 0.05,
        }
        for k, (t, e) in enumerate(zip(test["time"], test["entity"], strict=True))
    ]
    store = RunStore(tmp_path)
    store.add_files(run.run_id, {"explanations.json": {"rows": rows}})
    frame = pd.read_csv(
        io.BytesIO(R.report_csv(run, scope="all")), encoding="utf-8-sig", keep_default_na=False
    )
    reasons = [f"reason_{k}" for k in range(1, 5)]
    assert reasons == [c for c in frame.columns if c.startswith("reason_")]
    explained = frame[frame["driver_1"] != ""]
    assert len(explained) == 6
    # r and its missing flag are one column: 0.25 on odd rows, -0.05 (no reason) on even ones
    default = load_catalogue(run).get("r")
    assert default.code == "R01" and default.en.startswith("Recent r over the last")
    assert explained["reason_1"].tolist() == ["", f"R01: {default.en}"] * 3
    assert (explained[reasons[1:]] == "").all().all()
    assert (frame.loc[frame["split"] != "test", reasons] == "").all().all()
    # an edited catalogue whose code a spreadsheet would run is escaped like every text cell
    save_catalogue(
        store,
        run,
        Catalogue.model_validate(
            {"reasons": [{"feature": "r", "code": "-R1", "en": "Returns", "zh": "收益率"}]}
        ),
    )
    assert (run.path / REASONS_FILE).exists()
    zh = pd.read_csv(io.BytesIO(R.report_csv(run, language="zh")), encoding="utf-8-sig")
    assert set(zh["reason_1"].dropna()) == {"'-R1: 收益率"}
    table = R.prediction_table(run, explanations=R.table.load_explanations(run))
    note = R.table.reasons_note(table)
    assert note.startswith(f"3 of {len(frame)} predictions have reasons")
    assert "explain RUN --rows N" in note


def test_a_row_with_fewer_risers_has_empty_reasons() -> None:
    exp = stored([{"entity": "A", "score": 0.2, "base_value": 0.4, "f1": -0.1, "f2": -0.1}])
    cat = default_catalogue({"sequence": ["f1", "f2"]}, None, 5)
    out = explanation_reasons(exp, cat)
    assert out.loc[0, ["reason_1", "reason_2", "reason_3", "reason_4"]].tolist() == [""] * 4


# ---- a trained run: the CLI and the Explain page --------------------------------------------
@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    from riskcore.config import parse_config
    from riskcore.train import train_run
    from tests.panels import planted_panel

    home = tmp_path_factory.mktemp("home")
    primary, macro, news = planted_panel(entities=3, days=160)
    config = parse_config(
        {
            "data": {
                "time": "date",
                "entity": "ent",
                "sequence_features": ["f1", "f2"],
                "macro_features": ["m1"],
                "sentiment_features": ["s"],
                "static_features": ["sector"],
                "target": {"kind": "column", "column": "event"},
            },
            "window": 5,
            "horizon": 1,
            "model": {"units": [4], "dense_units": 4, "tower_units": 4, "dropout": 0.0},
            "training": {"epochs": 2, "batch_size": 64, "patience": 0, "learning_rate": 0.01},
        }
    )
    store = RunStore(home)
    run_id = train_run(config, primary, macro, news, store=store)
    files = {}
    for name, frame in (("primary", primary), ("macro", macro), ("news", news)):
        files[name] = home / f"{name}.csv"
        frame.to_csv(files[name], index=False)
    return home, run_id, files


@pytest.mark.slow
def test_cli_explain_and_score_with_reasons(trained, tmp_path, monkeypatch, capsys) -> None:
    from riskcore.cli import main

    home, run_id, files = trained
    monkeypatch.setenv("RISKCORE_HOME", str(home))
    out = tmp_path / "shap.csv"
    args = ["explain", run_id, "--rows", "12", "--background", "10", "--out", str(out)]
    assert main([*args, "--reasons"]) == 0
    assert "reasons for all 12 explained predictions" in capsys.readouterr().out
    shap = pd.read_csv(out, keep_default_na=False)
    assert [c for c in shap.columns if c.startswith("reason_")] == [
        f"reason_{k}" for k in range(1, 5)
    ]
    features = ["f1", "f2", "m1", "s", "no_news", "sector"]
    run = RunStore(home).load(run_id)
    cat = load_catalogue(run, load_explanation(run))  # spans from the stored "which days"
    for _, row in shap.iterrows():  # each row's reasons: its positive SHAP values, largest first
        risers = [f for f in sorted(features, key=lambda f: -row[f]) if row[f] > 0][:4]
        want = [cat.text(f) for f in risers] + [""] * (4 - len(risers))
        assert [row[f"reason_{k}"] for k in range(1, 5)] == want
    # an edited catalogue, in Chinese
    cat_file = tmp_path / "cat.json"
    cat_file.write_text(
        json.dumps({"reasons": [{"feature": "f1", "code": "=F1", "en": "F one", "zh": "因子一"}]}),
        "utf-8",
    )
    assert (
        main(
            [
                "explain",
                run_id,
                "--rows",
                "5",
                "--background",
                "10",
                "--out",
                str(out),
                "--reasons",
                "--catalogue",
                str(cat_file),
                "--language",
                "zh",
            ]
        )
        == 2
    )
    assert "reason catalogue" in capsys.readouterr().err  # "=F1" is not a code
    cat_file.write_text(
        json.dumps({"reasons": [{"feature": "f1", "code": "-F1", "en": "F one", "zh": "因子一"}]}),
        "utf-8",
    )
    assert (
        main(
            [
                "explain",
                run_id,
                "--rows",
                "12",
                "--background",
                "10",
                "--out",
                str(out),
                "--reasons",
                "--catalogue",
                str(cat_file),
                "--language",
                "zh",
            ]
        )
        == 0
    )
    edited = pd.read_csv(out, keep_default_na=False)
    cells = edited[[f"reason_{k}" for k in range(1, 5)]].to_numpy().ravel()
    assert "'-F1: 因子一" in cells and not any(c.startswith("-F1") for c in cells)
    # score --reasons: SHAP for the latest --rows scored rows
    scored = tmp_path / "scored.csv"
    code = main(
        [
            "score",
            run_id,
            "--data",
            str(files["primary"]),
            "--macro",
            str(files["macro"]),
            "--sentiment",
            str(files["news"]),
            "--out",
            str(scored),
            "--reasons",
            "--rows",
            "6",
            "--background",
            "10",
        ]
    )
    assert code == 0
    err = capsys.readouterr().err
    frame = pd.read_csv(scored, keep_default_na=False)
    assert f"reasons for the latest 6 of {len(frame)} scored rows" in " ".join(err.split())
    have = frame["reason_1"] != ""
    assert 1 <= have.sum() <= 6
    # the latest dates have them
    assert (
        pd.to_datetime(frame["time"])[have].min() >= pd.to_datetime(frame["time"]).nlargest(6).min()
    )
    assert frame["reason_1"][have].str.match(r"^R\d\d: ").all()


@pytest.mark.slow
def test_the_explain_page_shows_the_reasons_of_one_prediction(trained, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    from riskcore.explain import explain_run, save_explanation
    from ui.i18n import TEXT

    home, run_id, _ = trained
    store = RunStore(home)
    run = store.load(run_id)
    if not (run.path / "explanations.json").exists():
        save_explanation(store, run, explain_run(run, "riskiest", 8, background=10))
    monkeypatch.setenv("RISKCORE_HOME", str(home))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.session_state["run_id"] = run_id
    at.switch_page("pages/explain.py").run()
    assert not at.exception, at.exception
    open_tab(at, "explain_tab", "explain.tab_prediction")
    exp = store.load(run_id)
    explanation = load_explanation(exp)
    n = len(explanation.rows)
    m = len(exp.predictions)
    assert any(c.value == TEXT["explain.reasons_count"][0].format(n=n, m=m) for c in at.caption)
    assert any(TEXT["explain.reasons"][0] in md.value for md in at.markdown)
    codes = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    # the default pick is the riskiest explained row: its positive contributions, largest first
    index = int(explanation.rows["score"].to_numpy().argmax())
    row = aggregate(explanation.rows.iloc[[index]][explanation.features]).iloc[0]
    top = top_reasons(row)
    assert 1 <= len(top) <= 4
    cat = load_catalogue(exp, explanation)
    assert codes["code"].tolist() == [cat.get(f).code for f in top.index]
    assert codes["reason"].tolist() == [cat.get(f).en for f in top.index]
    # the catalogue as an editable table, saved with the run
    editor = next(d.value for d in at.dataframe if "en" in d.value.columns)
    assert editor["feature"].tolist() == [r.feature for r in cat.reasons]
    save = next(b for b in at.button if b.label == TEXT["explain.catalogue_save"][0])
    save.click().run()
    assert not at.exception, at.exception
    saved = json.loads((exp.path / REASONS_FILE).read_text("utf-8"))
    assert [r["en"] for r in saved["reasons"]] == [r.en for r in cat.reasons]
    # an edited catalogue (here on disk) changes what the page says
    first = top.index[0]
    for r in saved["reasons"]:
        if r["feature"] == first:
            r.update(code="X9", en="Edited reason", zh="已编辑的原因")
    store.add_files(run_id, {REASONS_FILE: saved})
    at.run()
    codes = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert codes.iloc[0].tolist()[:2] == ["X9", "Edited reason"]
    # Chinese
    at.session_state["lang_picker"] = "zh"
    at.run()
    assert not at.exception, at.exception
    assert any(c.value == TEXT["explain.reasons_count"][1].format(n=n, m=m) for c in at.caption)
    codes = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert codes["reason"].iloc[0] == "已编辑的原因"
    assert codes["reason"].tolist()[1:] == [cat.get(f).zh for f in top.index[1:]]
