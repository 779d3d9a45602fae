"""Risk reports: CSV escaping and columns, PDF text and pages in both languages, artefacts.

One tiny run, trained once per session (tests/conftest.py `tiny_run`), is read as it is; a copy
of it gets hand-made explanations.json and scenarios.json (rows and importance only, and
scenario tables, as riskcore.explain and riskcore.scenarios read them), so the tests cover a run
with and without them.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import string
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pypdf
import pytest

from riskcore import report as R
from riskcore.config import parse_config
from riskcore.report.fonts import cjk_font
from riskcore.store import Run, RunStore
from tests.panels import config_dict, random_panel

TINY = {
    "model": {"units": [8], "dense_units": 4, "tower_units": 4},
    "training": {"epochs": 2, "batch_size": 64, "patience": 0},
}
# A Chinese name and a spreadsheet-formula name, as analysts' data really holds them.
ENTITY_NAMES = {"E0": "平安银行", "E1": "=cmd|' /C calc'!A0", "E2": "ACME"}
NOTES = "Reviewed by <b>risk</b> & finance.\n\nWatch 平安银行."
SCENARIO_NAMES = ("Rates +200bp", "情绪崩盘")
HAS_PDFTOPPM = shutil.which("pdftoppm") is not None
HAS_PDFFONTS = shutil.which("pdffonts") is not None


# ---- hand-made artefacts (the bench uses them too) ------------------------------------------
def fake_explanations(run: Run, n: int = 40, seed: int = 0) -> dict:
    """SHAP-shaped rows for the last n test predictions: signed contributions per feature."""
    rng = np.random.default_rng(seed)
    names = run.state["feature_names"]
    features = [(f, block) for block, cols in names.items() for f in cols]
    test = run.predictions[run.predictions["split"] == "test"].tail(n)
    values = rng.normal(0, 0.05, (len(test), len(features))) * np.linspace(2, 0.2, len(features))
    rows = pd.DataFrame(values, columns=[f for f, _ in features])
    rows.insert(0, "base_value", float(test["score"].mean()))
    rows.insert(0, "score", test["score"].to_numpy())
    rows.insert(0, "entity", test["entity"].to_numpy())
    rows.insert(0, "time", test["time"].dt.strftime("%Y-%m-%d").to_numpy())
    importance = [
        {"feature": f, "modality": block, "mean_abs_shap": float(np.abs(values[:, i]).mean())}
        for i, (f, block) in enumerate(features)
    ]
    return {"rows": rows.to_dict(orient="records"), "importance": importance}


def fake_scenarios(run: Run, names: tuple[str, ...] = SCENARIO_NAMES) -> dict:
    """Stressed scores for every test prediction, in riskcore.scenarios' stored shape."""
    test = run.predictions[run.predictions["split"] == "test"]
    out = []
    for k, name in enumerate(names, start=1):
        stressed = np.clip(test["score"].to_numpy() + 0.05 * k, 0, 1)
        table = {
            "time": test["time"].dt.strftime("%Y-%m-%dT00:00:00").tolist(),
            "entity": test["entity"].tolist(),
            "score_base": test["score"].round(6).tolist(),
            "score_scenario": np.round(stressed, 6).tolist(),
        }
        out.append({"name": name, "table": table})
    return {"version": 1, "scenarios": out}


def handmade_run(
    home: Path,
    regression: bool = False,
    timed: bool = True,
    current: bool = False,
    warnings: list[dict] | None = None,
    dates: int = 150,
    entities: int = 2,
) -> Run:
    """A run folder written by hand (no training): for the regression and cross-sectional
    paths, with meta.json as sparse as an old run's. By default also metrics.json and
    predictions.csv are an old run's (no benchmark, paired differences, intervals, calibration,
    warnings or raw scores); `current` writes them as training does now, with `warnings`.
    `dates` x `entities` predictions (a timed run; the bench makes a million of them)."""
    from riskcore import bootstrap as B
    from riskcore.calibration import fit_calibrator

    rng = np.random.default_rng(3)
    if timed:
        days = pd.bdate_range("2021-01-04", periods=dates)
        labels = ["A", "B"] if entities == 2 else [f"E{k:04d}" for k in range(entities)]
        pred = pd.DataFrame(
            {"time": np.repeat(days, len(labels)), "entity": np.tile(labels, len(days))}
        )
        data = {"time": "date", "entity": "ent", "sequence_features": ["r"]}
    else:
        pred = pd.DataFrame({"time": [pd.NaT] * 300, "entity": ""})
        data = {"time": None, "static_features": ["income", "age"]}
    n = len(pred)
    position = np.arange(n) / n
    pred["split"] = np.select([position < 0.7, position < 0.85], ["train", "validation"], "test")
    if regression:
        y = rng.gamma(2.0, 0.01, n)
        data["target"] = {"kind": "forward_volatility", "column": "r"}
    else:
        y = (rng.random(n) < 0.3).astype(float)
        data["target"] = {"kind": "column", "column": "event"}
    pred["y_true"] = y
    for k, col in enumerate(("score", "score_logistic", "score_gbm")):
        noisy = y + rng.normal(0, 0.3 + 0.1 * k, n) * (y.std() if regression else 1)
        pred[col] = noisy if regression else 1 / (1 + np.exp(-3 * (noisy - 0.5)))
    pred["row"] = np.arange(n)
    task = "regression" if regression else "classification"
    names = {"model": "score", "logistic": "score_logistic", "gbm": "score_gbm"}
    if current:
        noisy = y + rng.normal(0, 0.6, n) * (y.std() if regression else 1)
        pred["score_benchmark"] = noisy if regression else 1 / (1 + np.exp(-2 * (noisy - 0.5)))
        names["benchmark"] = "score_benchmark"
        if not regression:  # raw scores pushed up (class weights); calibrated on validation
            valid = pred["split"] == "validation"
            for col in ("score", "score_logistic", "score_gbm"):
                pred[f"{col}_raw"] = np.sqrt(pred[col])
                calibrator = fit_calibrator(
                    pred.loc[valid, "y_true"], pred.loc[valid, col + "_raw"]
                )
                pred[col] = calibrator.apply(pred[f"{col}_raw"])
    test = pred[pred["split"] == "test"]
    metrics = {"task": task, "rows": pred.groupby("split").size().to_dict()}
    if current:
        if timed:
            resampling = B.Resampling.by_date(test["time"], 20, n_boot=50)
        else:
            resampling = B.Resampling(None, 1, 50)
        scores = {
            m: (test.get(f"{c}_raw", test[c]).to_numpy(), test[c].to_numpy())
            for m, c in names.items()
        }
        metrics["test"] = B.evaluate_models(test["y_true"], scores, task, resampling, "model")
        metrics["paired"] = metrics["test"].pop("paired")
        valid = pred[pred["split"] == "validation"]
        metrics["validation"] = {
            m: B.point_scores(
                valid["y_true"].to_numpy(),
                valid.get(f"{c}_raw", valid[c]).to_numpy(),
                valid[c].to_numpy(),
                task,
            )
            for m, c in names.items()
        }
        chosen = {"feature": "r_std", "input": "r", "stat": "std", "sign": 1}
        metrics["test"]["benchmark"].update(chosen)
        metrics["validation"]["benchmark"].update(chosen)
        metrics["intervals"] = resampling.describe()
        metrics["calibration"] = (
            None if regression else {"method": "platt", "fitted_on": "validation"}
        )
        metrics["warnings"] = warnings or []
    else:
        newer = ("ece", "brier_raw", "log_loss_raw", "calibration_")  # with their _ci
        metrics["test"] = {
            m: {
                k: v
                for k, v in B.evaluate(test["y_true"], test[c], task, n_boot=50).items()
                if not k.startswith(newer)
            }
            for m, c in names.items()
        }
    key = "rmse" if regression else "roc_auc"
    metrics["walk_forward"] = {
        "folds": [{}, {}, {}],
        "summary": {m: {key: {"mean": 0.5, "sd": 0.01}} for m in names},
    }
    store = RunStore(home)
    with store.writer() as w:
        w.write_json("config.json", parse_config({"data": data}).model_dump(mode="json"))
        w.write_json("meta.json", {"created": "2026-01-02T03:04:05+00:00"})
        w.write_json("metrics.json", metrics)
        w.write_csv("predictions.csv", pred)
        run_id = w.run_id
    return store.load(run_id)


# ---- fixtures -------------------------------------------------------------------------------
def train_tiny_run(home: Path) -> Run:
    """A tiny trained run (3 entities, one Chinese- and one formula-named) in `home`; the
    session's `tiny_run` (tests/conftest.py), which the Report page and CLI tests share."""
    from riskcore.train import describe_source, train_run

    frames = list(random_panel(5, 3, 220, 220))
    for frame in (frames[0], frames[2]):
        frame["ent"] = frame["ent"].map(ENTITY_NAMES)
    raw = config_dict(10, 5, target={"kind": "column", "column": "event"})
    raw.update(TINY)
    store = RunStore(home)
    sources = [describe_source("primary", "行情.csv", b"date,ent\n", rows=len(frames[0]))]
    run_id = train_run(parse_config(raw), *frames, store=store, sources=sources)
    return store.load(run_id)


@pytest.fixture(scope="module")
def bare(tiny_run) -> Run:
    """A tiny trained run without explanations or scenarios (read only)."""
    return tiny_run


@pytest.fixture(scope="module")
def enriched(bare, copy_run) -> Run:
    """A copy of the bare run with hand-made explanations.json and scenarios.json."""
    run = copy_run(bare)
    store = RunStore(run.path.parent.parent)
    store.add_files(
        run.run_id,
        {"explanations.json": fake_explanations(run), "scenarios.json": fake_scenarios(run)},
    )
    return store.load(run.run_id)


@pytest.fixture(scope="module")
def pdf_en(enriched) -> bytes:
    return R.report_pdf(enriched, title="Q4 <i>review</i> & more", notes=NOTES)


@pytest.fixture(scope="module")
def pdf_zh(enriched) -> bytes:
    return R.report_pdf(enriched, title="季度风险报告", language="zh", threshold=0.5)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def flat(value: str) -> str:
    """Text without whitespace: extraction may break lines anywhere, CJK text especially."""
    return re.sub(r"\s+", "", value)


def read_csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


# ---- escaping and bands ---------------------------------------------------------------------
@pytest.mark.parametrize("value", ["=SUM(A1:A3)", "+1", "-2+3", "@cmd", "\tx", "\rx", "=", "-"])
def test_formula_like_text_gets_an_apostrophe(value) -> None:
    assert R.escape_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value", [-1.5, 2, np.float64(-0.25), np.int64(-3), "−1.5", "ACME", "a=b", "", None, np.nan]
)
def test_numbers_and_harmless_text_are_left_alone(value) -> None:
    out = R.escape_cell(value)
    assert out is value or (isinstance(value, float) and np.isnan(out))


def test_risk_bands_start_at_their_cut_points() -> None:
    scores = np.array([0.0, 0.0999, 0.1, 0.2999, 0.3, 0.5999, 0.6, 1.0, np.nan])
    expected = ["low", "low", "medium", "medium", "high", "high", "very high", "very high", ""]
    assert R.risk_band(scores).tolist() == expected
    assert R.risk_band(np.array([0.05, 0.5]), cuts=(0.01, 0.02, 0.4)).tolist() == [
        "high",
        "very high",
    ]
    with pytest.raises(R.ReportError, match="three increasing"):
        R.risk_band(np.array([0.5]), cuts=(0.3, 0.1, 0.6))


def test_translation_table_is_complete_in_both_languages() -> None:
    fields = string.Formatter()
    for key, pair in R.TEXTS.items():
        assert len(pair) == len(R.LANGUAGES) and all(s.strip() for s in pair), key
        placeholders = [{f for _, f, _, _ in fields.parse(s) if f} for s in pair]
        assert placeholders[0] == placeholders[1], key
    for name in R.ALL_SECTIONS:
        assert re.search(r"[\u4e00-\u9fff]", R.text(f"section.{name}", "zh")), name
    # every literal key the report code asks for exists
    root = Path(R.__file__).parent
    source = "".join(f.read_text("utf-8") for f in sorted(root.glob("*.py")))
    used = set(re.findall(r"""\bt\(\s*"([a-z_]+\.[a-z_ .]+)\"""", source))
    assert used and used <= set(R.TEXTS), used - set(R.TEXTS)


# ---- CSV ------------------------------------------------------------------------------------
@pytest.mark.slow
def test_csv_of_a_bare_run_has_bom_columns_and_escaped_entities(bare) -> None:
    data = R.report_csv(bare, scope="all")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = read_csv(data)
    assert list(rows[0]) == [
        *["time", "entity", "split", "actual", "score", "score_raw", "risk_band"]
    ]
    assert len(rows) == len(bare.predictions)
    stored = bare.predictions
    assert [float(r["score"]) for r in rows[:5]] == pytest.approx(stored["score"][:5].tolist())
    assert [float(r["score_raw"]) for r in rows[:5]] == pytest.approx(
        stored["score_raw"][:5].tolist()
    )
    entities = {r["entity"] for r in rows}
    assert entities == {"平安银行", "'=cmd|' /C calc'!A0", "ACME"}
    assert {r["risk_band"] for r in rows} <= set(R.BANDS)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", rows[0]["time"])


def test_csv_holds_the_test_period_unless_all_splits_are_asked_for(bare) -> None:
    test = read_csv(R.report_csv(bare))
    stored = bare.predictions[bare.predictions["split"] == "test"]
    assert {r["split"] for r in test} == {"test"} and len(test) == len(stored)
    assert [float(r["score"]) for r in test[:5]] == pytest.approx(stored["score"][:5].tolist())
    every = read_csv(R.report_csv(bare, scope="all"))
    assert [r for r in every if r["split"] == "test"] == test  # same rows, same bands
    with pytest.raises(R.ReportError, match="splits must be one of test, all, got 'train'"):
        R.report_csv(bare, scope="train")


@pytest.mark.slow
def test_csv_threshold_adds_a_flag(bare) -> None:
    rows = read_csv(R.report_csv(bare, threshold=0.5))
    assert all(r["flagged"] == str(int(float(r["score"]) >= 0.5)) for r in rows)
    with pytest.raises(R.ReportError, match="threshold"):
        R.report_csv(bare, threshold=1.5)


@pytest.mark.slow
def test_csv_has_drivers_and_scenarios_when_the_run_has_them(enriched) -> None:
    frame = pd.read_csv(io.BytesIO(R.report_csv(enriched, scope="all")), encoding="utf-8-sig")
    drivers = [f"driver_{k}{s}" for k in (1, 2, 3) for s in ("", "_contribution")]
    scenarios = [f"{p}_{n}" for n in SCENARIO_NAMES for p in ("score", "delta")]
    assert list(frame.columns) == [
        *["time", "entity", "split", "actual", "score", "score_raw", "risk_band"],
        *drivers,
        *[f"reason_{k}" for k in (1, 2, 3, 4)],  # riskcore.reasons: tests/test_reasons.py
        *scenarios,
    ]
    explained = frame[frame["driver_1"].notna()]
    assert len(explained) == 40
    assert explained["driver_1_contribution"].dtype == float  # numbers, never escaped
    assert (explained["driver_1_contribution"] < 0).any()
    rows = pd.DataFrame(fake_explanations(enriched)["rows"])
    first = rows.iloc[0]
    contributions = first.drop(["time", "entity", "score", "base_value"]).astype(float)
    top = contributions.abs().idxmax()
    match = explained[
        (explained["time"] == first["time"])
        & (explained["entity"] == R.escape_cell(first["entity"]))
    ]
    assert match["driver_1"].item() == top
    assert match["driver_1_contribution"].item() == pytest.approx(contributions[top])
    test = frame[frame["split"] == "test"]
    assert test["delta_Rates +200bp"].notna().all()
    assert frame.loc[frame["split"] == "train", "score_情绪崩盘"].isna().all()


# ---- PDF ------------------------------------------------------------------------------------
@pytest.mark.slow
def test_english_pdf_holds_sections_metrics_and_literal_notes(pdf_en, enriched) -> None:
    text = pdf_text(pdf_en)
    for name in R.ALL_SECTIONS:
        assert R.text(f"section.{name}") in text, name
    auc = enriched.metrics["test"]["model"]["roc_auc"]
    assert f"{auc:.3f}" in text
    assert "Reviewed by <b>risk</b> & finance." in text
    assert "Q4 <i>review</i> & more" in text
    assert "平安银行" in text and "=cmd|' /C calc'!A0" in text
    assert "Main drivers" in text and "Rates +200bp" in text
    assert re.search(r"Figure 5\.", text)  # ROC, distribution, timeline, SHAP, scenarios
    assert "Page 1 of" in text


@pytest.mark.slow
def test_chinese_pdf_is_chinese(pdf_zh, enriched) -> None:
    text = flat(pdf_text(pdf_zh))
    for name in R.ALL_SECTIONS:
        assert flat(R.text(f"section.{name}", "zh")) in text, name
    assert flat(R.text("model.model", "zh")) in text
    assert f"{enriched.metrics['test']['model']['roc_auc']:.3f}" in text
    assert "季度风险报告" in text and "情绪崩盘" in text
    assert "Executive summary" not in text


def pdf_fonts(pdf: bytes, folder: Path) -> list[dict[str, str]]:
    """pdffonts' table of a PDF: name, type, emb (yes / no) of every font."""
    path = folder / "fonts.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = done.stdout.splitlines()[2:]  # a header and a rule first
    return [{"name": r.split()[0], "emb": r.split()[-5]} for r in rows if r.strip()]


@pytest.mark.slow
@pytest.mark.skipif(not HAS_PDFFONTS, reason="pdffonts (poppler-utils) is not installed")
def test_chinese_pdf_embeds_its_cjk_font(pdf_zh, tmp_path) -> None:
    """The Chinese text is set in an installed TrueType CJK font, embedded as a subset (the
    CI installs fonts-wqy-microhei), not in a viewer-dependent STSong-Light."""
    font = cjk_font()
    assert font.embedded, "no embeddable CJK font found: install fonts-wqy-microhei"
    fonts = pdf_fonts(pdf_zh, tmp_path)
    cjk = [f for f in fonts if "+" in f["name"] and "Helvetica" not in f["name"]]
    assert cjk and all(f["emb"] == "yes" for f in cjk), fonts
    assert not any("STSong" in f["name"] for f in fonts), fonts
    assert flat("季度风险报告") in flat(pdf_text(pdf_zh))  # and still extractable as text


def test_without_a_cjk_font_the_report_warns_and_uses_stsong(bare, monkeypatch, tmp_path) -> None:
    from riskcore.report import fonts

    monkeypatch.setattr(fonts, "candidates", lambda: [])
    fonts.cjk_font.cache_clear()
    try:
        with pytest.warns(RuntimeWarning, match="apt-get install fonts-wqy-microhei"):
            font = fonts.cjk_font()
        assert font.name == "STSong-Light" and not font.embedded
        pdf = R.report_pdf(bare, language="zh", sections=("summary",))
        if HAS_PDFFONTS:
            names = {f["name"]: f["emb"] for f in pdf_fonts(pdf, tmp_path)}
            assert names.get("STSong-Light") == "no", names
    finally:
        monkeypatch.undo()
        fonts.cjk_font.cache_clear()
    assert fonts.cjk_font().embedded == bool(fonts.candidates())  # found again


def test_font_search_skips_files_reportlab_cannot_embed(monkeypatch, tmp_path) -> None:
    from riskcore.report import fonts

    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font")
    assert fonts._load(str(broken)) is None
    monkeypatch.setenv(fonts.ENV_VAR, str(broken))
    assert fonts.candidates()[0] == str(broken)  # tried first, then skipped


def test_top_driver_of_every_listed_entity_or_why_it_has_none(tmp_path) -> None:
    """Entity A's latest prediction was not explained, an earlier one was: its driver is shown
    with that date. Entity B has no explained prediction: the cell says so."""
    run = handmade_run(tmp_path)
    p = run.predictions
    early = p[(p["split"] == "test") & (p["entity"] == "A")].head(3)
    rows = [
        {"time": str(t.date()), "entity": "A", "score": 0.5, "base_value": 0.3, "r": v}
        for t, v in zip(early["time"], (0.11, -0.2, 0.05), strict=True)
    ]
    RunStore(tmp_path).add_files(run.run_id, {"explanations.json": {"rows": rows}})
    run = RunStore(tmp_path).load(run.run_id)
    for language in R.LANGUAGES:
        text = flat(pdf_text(R.report_pdf(run, language=language, sections=("riskiest",))))
        latest = str(early["time"].iloc[-1].date())
        earlier = R.text("driver.earlier", language, driver="r (+0.050)", date=latest)
        assert flat(earlier) in text
        assert flat(R.text("driver.none", language)) in text
        assert flat(R.text("riskiest.drivers", language, n="3")) in text


def test_scenario_labels_wrap_instead_of_being_cut() -> None:
    from riskcore.report.figures import _wrap

    for name in (
        "Rates +200bp and credit spreads +150bp over two quarters",
        "利率上行200个基点叠加信用利差扩大150个基点",
    ):
        label = _wrap(name)
        assert "…" not in label and flat(label) == flat(name)
        assert len(label.splitlines()) > 1


@pytest.mark.slow
@pytest.mark.skipif(not HAS_PDFTOPPM, reason="pdftoppm (poppler-utils) is not installed")
@pytest.mark.parametrize("which", ["pdf_en", "pdf_zh"])
def test_every_page_renders(which, request, tmp_path) -> None:
    pdf = request.getfixturevalue(which)
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / "page")],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and not done.stderr, done.stderr
    assert len(list(tmp_path.glob("page-*.png"))) == pages >= 5


@pytest.mark.slow
def test_run_without_artefacts_still_reports(bare) -> None:
    text = pdf_text(R.report_pdf(bare, sections=("summary", "charts", "appendix")))
    assert R.text("summary.no_scenarios") in text
    assert "No SHAP explanations" in text
    assert R.text("section.data") not in text
    assert "1 Executive summary" in text.replace("  ", " ")


@pytest.mark.slow
def test_cover_only_report_is_one_page(bare) -> None:
    pdf = R.report_pdf(bare, sections=())
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1


@pytest.mark.slow
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"language": "fr"}, "language"),
        ({"sections": ("summary", "gossip")}, "gossip"),
        ({"threshold": 0.0}, "threshold"),
    ],
)
def test_impossible_options_are_user_errors(bare, options, message) -> None:
    with pytest.raises(R.ReportError, match=message):
        R.report_pdf(bare, **options)


@pytest.mark.slow
@pytest.mark.skipif(not HAS_PDFTOPPM, reason="pdftoppm (poppler-utils) is not installed")
def test_first_page_preview(pdf_en, monkeypatch) -> None:
    png = R.render_first_page_png(pdf_en, dpi=30)
    assert png is not None and png.startswith(b"\x89PNG")
    monkeypatch.setattr(R.document.shutil, "which", lambda _: None)
    assert R.render_first_page_png(pdf_en) is None


@pytest.mark.slow
def test_regression_run_reports_errors_not_probabilities(tmp_path) -> None:
    run = handmade_run(tmp_path, regression=True)
    text = pdf_text(R.report_pdf(run))
    assert "RMSE" in text and f"{run.metrics['test']['model']['rmse']:.4g}" in text
    assert R.text("caption.pred_actual") in text and R.text("caption.roc") not in text
    assert "Walk-forward validation, RMSE over 3 folds" in text and "0.500 ± 0.010" in text
    rows = read_csv(R.report_csv(run, scope="all"))
    assert {r["risk_band"] for r in rows} == set(R.BANDS)  # quantiles of the training scores


@pytest.mark.slow
def test_cross_sectional_run_joins_drivers_by_row(tmp_path) -> None:
    run = handmade_run(tmp_path, timed=False)
    test = run.predictions[run.predictions["split"] == "test"].head(5)
    rows = [
        {"row": int(r), "score": 0.5, "base_value": 0.3, "income": -0.2, "age": 0.1}
        for r in test["row"]
    ]
    RunStore(tmp_path).add_files(run.run_id, {"explanations.json": {"rows": rows}})
    frame = pd.read_csv(io.BytesIO(R.report_csv(run)), encoding="utf-8-sig")
    assert list(frame.columns[:2]) == ["row", "time"]
    explained = frame[frame["driver_1"].notna()]
    assert sorted(explained["row"]) == sorted(test["row"])
    assert (explained["driver_1"] == "income").all()
    assert (explained["driver_2"] == "age").all() and explained["driver_3"].isna().all()
    text = pdf_text(R.report_pdf(run, language="zh"))
    assert flat(R.text("section.riskiest", "zh")) in flat(text)


# ---- the trust checks: benchmark, intervals, calibration, warnings (issue 11) -----------------
LEAK = {"kind": "leak_input", "feature": "r_last", "input": "r", "stat": "last", "auc": 0.9973}
SHIFT = {"kind": "event_rate_shift", "train": 0.11, "test": 0.258}


def _position(text: str, sentence: str) -> int:
    return flat(text).find(flat(sentence))


def body_text(pdf: bytes) -> str:
    """The text after the cover (whose table of contents repeats the section titles)."""
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages[1:])


@pytest.mark.slow
def test_pdf_names_the_benchmark_and_explains_intervals_and_calibration(pdf_en, enriched) -> None:
    from riskcore.findings import model_label

    metrics = enriched.metrics
    assert "benchmark" in metrics["test"] and metrics["intervals"]["method"] == "block"
    text = pdf_text(pdf_en)
    label = model_label("benchmark", metrics["test"], R.text)
    assert label.startswith("Best single input: ") and flat(label) in flat(text)
    info = metrics["intervals"]
    method = R.text(
        "method.intervals_block",
        level="95%",
        n_boot=info["n_boot"],
        dates=f"{info['dates']:,}",
        block=info["block_dates"],
        horizon=enriched.config.horizon,
    )
    assert f"circular blocks of {info['block_dates']} consecutive dates" in method
    assert _position(text, method) > 0
    for key in ("method.verdict", "metric.ece", "metric.calibration_slope"):
        assert flat(R.text(key)) in flat(text), key
    assert flat(R.text("method.calibration", method="Platt scaling")) in flat(text)
    model = metrics["test"]["model"]
    note = R.text(
        "metrics.calibrated",
        method="Platt scaling",
        raw=f"{model['ece_raw']:.3f}",
        calibrated=f"{model['ece']:.3f}",
    )
    assert _position(text, note) > 0
    assert f"blocks of {info['block_dates']} dates" in text  # the table note


@pytest.mark.slow
def test_planted_warnings_lead_the_summary_and_the_shift_is_in_the_data_section(tmp_path) -> None:
    run = handmade_run(tmp_path, current=True, warnings=[LEAK, SHIFT])
    text = body_text(R.report_pdf(run))
    leak = R.text("warning.leak_input", input="r (latest value)", auc="0.997")
    shift = R.text("warning.event_rate_shift", train="11.0%", test="25.8%")
    summary, data = _position(text, "1 Executive summary"), _position(text, "2 Data")
    first_bullet = _position(text, "At the latest date")
    assert 0 < summary < _position(text, R.text("summary.warnings")) < first_bullet < data
    assert summary < _position(text, leak) < first_bullet  # in the box after the KPIs
    assert flat(text).count(flat(shift)) == 2  # the box, and next to the split table
    assert flat(text).rfind(flat(shift)) > _position(text, R.text("data.splits")) > data
    zh = flat(pdf_text(R.report_pdf(run, language="zh", sections=("summary",))))
    assert flat(R.text("warning.leak_input", "zh", input="r（最新值）", auc="0.997")) in zh
    assert flat(R.text("summary.warnings", "zh")) in zh


@pytest.mark.slow
def test_too_good_model_names_the_strongest_input(tmp_path) -> None:
    warning = {"kind": "too_good_model", "model": "gbm", "roc_auc": 0.995}
    run = handmade_run(tmp_path, current=True, warnings=[warning])
    text = pdf_text(R.report_pdf(run, sections=("summary",)))
    auc = run.metrics["validation"]["benchmark"]["roc_auc"]
    strongest = R.text(
        "warning.strongest_input", input="trailing volatility of r", auc=f"{auc:.3f}"
    )
    assert (
        _position(text, R.text("warning.too_good_model", model="Gradient boosting", auc="0.995"))
        > 0
    )
    assert _position(text, strongest) > 0


def test_calibration_chart_shows_raw_and_calibrated_scores() -> None:
    from riskcore import metrics as M
    from riskcore.report.figures import ChartMaker, calibration_lines

    rng = np.random.default_rng(1)
    y = (rng.random(600) < 0.25).astype(float)
    calibrated = np.clip(0.25 + 0.3 * (y - 0.25) + rng.normal(0, 0.1, 600), 0.01, 0.99)
    raw = np.sqrt(calibrated)  # pushed upwards, as class weights do
    scores = {"model": calibrated, "logistic": calibrated[::-1].copy()}
    lines = calibration_lines(y, scores, {"model": raw}, R.text)
    assert [line["key"] for line in lines] == ["perfect", "model_raw", "model"]
    perfect, before, after = lines
    assert perfect["mean_score"].tolist() == perfect["event_rate"].tolist() == [0.0, 1.0]
    assert before["label"] == "Deep model, raw score" and before["ls"] == "--"
    assert after["label"] == "Deep model, calibrated" and after["ls"] == "-"
    for line, score in ((before, raw), (after, calibrated)):
        table = M.calibration_table(y, score, bins=10)
        assert line["mean_score"] == pytest.approx(table["mean_score"].to_numpy())
        assert line["event_rate"] == pytest.approx(table["event_rate"].to_numpy())
    assert before["mean_score"].mean() > after["mean_score"].mean() + 0.1
    old = calibration_lines(y, scores, {}, R.text)  # a run without raw scores: every model
    assert [line["key"] for line in old] == ["perfect", "model", "logistic"]
    zh = calibration_lines(y, scores, {"model": raw}, lambda k: R.text(k, "zh"))
    assert zh[1]["label"] == "深度模型（原始分数）" and zh[2]["label"] == "深度模型（校准后）"
    png = ChartMaker(R.text).roc_and_calibration(y, scores, {"model": raw})
    assert png.startswith(b"\x89PNG")


@pytest.mark.slow
def test_metrics_table_has_four_models_paired_differences_and_calibration(tmp_path) -> None:
    run = handmade_run(tmp_path, current=True)
    text = pdf_text(R.report_pdf(run, sections=("metrics", "methodology"), threshold=0.4))
    test, paired = run.metrics["test"], run.metrics["paired"]
    assert flat("Best single input: trailing volatility of r") in flat(text)
    assert flat(R.text("metrics.paired", metric="ROC-AUC")) in flat(text)
    lo, hi = paired["benchmark"]["roc_auc_ci"]
    assert f"{paired['benchmark']['roc_auc']:+.3f}" in text and f"[{lo:+.3f}, {hi:+.3f}]" in text
    assert f"{test['benchmark']['calibration_slope']:.3f}" in text
    assert flat(R.text("method.benchmark", name="trailing volatility of r")) in flat(text)
    assert "Walk-forward validation" in text


@pytest.mark.slow
def test_old_format_run_still_reports(tmp_path) -> None:
    run = handmade_run(tmp_path)  # no benchmark, paired, intervals, calibration, warnings, raw
    assert "paired" not in run.metrics and "score_raw" not in run.predictions
    for language in R.LANGUAGES:
        text = pdf_text(R.report_pdf(run, language=language, threshold=0.4))
        for key in ("metrics.uncalibrated", "method.intervals", "method.uncalibrated"):
            assert flat(R.text(key, language)) in flat(text), key
        for key in ("summary.warnings", "model.benchmark", "method.verdict", "metric.ece"):
            assert flat(R.text(key, language)) not in flat(text), key
        assert flat(R.text("caption.roc", language)) in flat(text)
    frame = pd.read_csv(io.BytesIO(R.report_csv(run)), encoding="utf-8-sig")
    assert list(frame.columns) == ["time", "entity", "split", "actual", "score", "risk_band"]


@pytest.mark.slow
def test_csv_keeps_calibrated_and_raw_scores_and_bands_the_calibrated_one(tmp_path) -> None:
    run = handmade_run(tmp_path, current=True, timed=False)
    frame = pd.read_csv(io.BytesIO(R.report_csv(run, scope="all")), encoding="utf-8-sig")
    assert list(frame.columns[:7]) == [
        *["row", "time", "entity", "split", "actual", "score", "score_raw"]
    ]
    assert frame["score"].to_numpy() == pytest.approx(run.predictions["score"].to_numpy())
    assert frame["score_raw"].to_numpy() == pytest.approx(run.predictions["score_raw"].to_numpy())
    assert (frame["score_raw"] != frame["score"]).any()
    assert frame["risk_band"].fillna("").tolist() == R.risk_band(frame["score"].to_numpy()).tolist()
    text = pdf_text(R.report_pdf(run, sections=("methodology",)))
    assert flat(R.text("method.intervals_row", level="95%", n_boot=50)) in flat(text)


@pytest.mark.slow
def test_a_named_run_is_called_by_its_name_on_the_cover(bare, copy_run) -> None:
    run = copy_run(bare)
    store = RunStore(run.path.parent.parent)
    store.rename(run.run_id, "Desk A · drawdown model")
    named = store.load(run.run_id)
    text = pypdf.PdfReader(io.BytesIO(R.report_pdf(named, sections=()))).pages[0].extract_text()
    assert "Run name" in text and "Desk A · drawdown model" in text and run.run_id in text
    plain = pypdf.PdfReader(io.BytesIO(R.report_pdf(bare, sections=()))).pages[0].extract_text()
    assert "Run name" not in plain  # an unnamed run is called by its id alone
