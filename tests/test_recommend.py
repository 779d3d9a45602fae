"""The recommended model (issue 16): best on validation unless a simpler one is within noise."""

from __future__ import annotations

import numpy as np
import pytest

from riskcore.bootstrap import Resampling
from riskcore.recommend import headline_resamples, recommend

RNG = np.random.default_rng(0)


def _samples(centre: dict[str, float], noise: float, shared: float = 0.0) -> dict:
    """Resampled values around each centre; `shared` noise moves every model together."""
    common = RNG.normal(scale=shared, size=200)
    return {m: c + common + RNG.normal(scale=noise, size=200) for m, c in centre.items()}


def test_a_simpler_model_within_noise_of_the_best_is_recommended() -> None:
    values = {"model": 0.72, "gbm": 0.715, "logistic": 0.71, "benchmark": 0.60}
    rec = recommend("roc_auc", values, _samples(values, noise=0.02))
    assert rec["model"] == "logistic" and rec["reason"] == "simpler_within_noise"
    assert rec["other"] == "model" and rec["advantage"] == pytest.approx(0.01)
    lo, hi = rec["advantage_ci"]
    assert lo <= 0 <= hi


def test_a_clearly_better_deep_model_is_recommended_against_its_best_rival() -> None:
    values = {"model": 0.80, "gbm": 0.74, "logistic": 0.70, "benchmark": 0.65}
    rec = recommend("roc_auc", values, _samples(values, noise=0.002, shared=0.03))
    assert rec["model"] == "model" and rec["reason"] == "best_clearly"
    assert rec["other"] == "gbm" and rec["advantage"] == pytest.approx(0.06)
    assert rec["advantage_ci"][0] > 0


def test_lower_is_better_for_a_loss_and_the_simplest_best_needs_no_rival() -> None:
    values = {"historical": 5.0, "garch": 5.5, "model": 6.0}
    rec = recommend("pinball", values, _samples(values, noise=0.01))
    assert rec["model"] == "historical" and rec["reason"] == "simplest_is_best"
    values = {"historical": 5.2, "garch": 5.0, "model": 5.01}
    rec = recommend("pinball", values, _samples(values, noise=0.3))
    assert rec["model"] == "historical"  # within noise of garch, and simpler still


def test_models_without_a_validation_score_are_left_out() -> None:
    values = {"model": float("nan"), "logistic": 0.7}
    rec = recommend("roc_auc", values, _samples({"logistic": 0.7}, 0.01))
    assert rec["model"] == "logistic"
    assert recommend("roc_auc", {"model": float("nan")}, {}) is None


def test_resampled_headlines_match_the_point_metric_on_the_full_sample() -> None:
    from sklearn.metrics import roc_auc_score

    y = (RNG.random(400) < 0.3).astype(float)
    score = y + RNG.normal(size=400)
    resampling = Resampling(None, 1, 300, 1)
    auc = headline_resamples("classification", y, {"m": score}, resampling)["m"]
    assert np.nanmedian(auc) == pytest.approx(roc_auc_score(y, score), abs=0.02)
    rmse = headline_resamples("regression", y, {"m": score}, resampling)["m"]
    assert np.median(rmse) == pytest.approx(np.sqrt(np.mean((score - y) ** 2)), abs=0.03)


def test_a_trained_run_records_its_recommendation_from_validation(quantile_run) -> None:
    rec = quantile_run.metrics["recommended"]
    assert rec["split"] == "validation" and rec["metric"] == "pinball"
    validation = quantile_run.metrics["validation"]
    assert rec["validation"] == pytest.approx(
        {m: validation[m]["pinball"] for m in rec["validation"]}
    )
    best = min(rec["validation"], key=rec["validation"].get)
    assert rec["model"] == best or rec["reason"] == "simpler_within_noise"


def test_results_page_and_report_name_the_recommended_model(quantile_run) -> None:
    """The Results page shows the sentence; the PDF summary and verdict carry it too."""
    import re
    import subprocess
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from riskcore import report as R
    from riskcore.findings import model_label, recommendation_sentence
    from ui.i18n import TEXT

    root = Path(__file__).resolve().parent.parent
    rec = quantile_run.metrics["recommended"]
    name = model_label(
        rec["model"], quantile_run.metrics.test, lambda k, **v: TEXT[k][0].format(**v)
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RISKCORE_HOME", str(quantile_run.path.parent.parent))
        mp.chdir(root)
        at = AppTest.from_file(str(root / "app.py"), default_timeout=120)
        at.run()
        at.session_state["run_id"] = quantile_run.run_id
        at.switch_page("pages/results.py").run()
    assert not at.exception, at.exception
    shown = [i.value for i in at.info if i.value.startswith("Recommended:")]
    assert len(shown) == 1 and f"Recommended: {name}" in shown[0]
    assert "validation split" in shown[0]
    pdf = R.report_pdf(quantile_run)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    flat = re.sub(r"\s+", " ", text)
    assert flat.count(f"Recommended: {name}") >= 2  # the summary and the metrics section
    sentence = recommendation_sentence(rec, quantile_run.metrics.test, R.text)
    assert sentence[:60] in flat
