"""Issue 17: every model of a run explained on one scale, the Explain page of a cross-sectional
run, presets skipped with their reason, a replay of the sequence inputs, the batched scenario
attribution, and Compare / Tune on their own pages."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from riskcore.config import parse_config
from riskcore.explain import (
    explain_run,
    importance_by_model,
    load_explanation,
    save_explanation,
    scenario_attribution,
)
from riskcore.scenarios import Replay, Scenario, apply_scenario, prepare_inputs, shocked_inputs
from riskcore.scenarios import parse_scenario as scenario
from riskcore.store import RunStore
from riskcore.train import train_run
from ui.i18n import TEXT

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def market(market_run, copy_run):
    """A copy of the session's market run with an explanation of 12 rows stored."""
    run = copy_run(market_run)
    store = RunStore(run.path.parent.parent)
    save_explanation(store, run, explain_run(run, "riskiest", 12, background=10))
    return store.load(run.run_id)


@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    """A tiny cross-sectional run (no time, no entity) on 600 rows of the wide credit sample,
    explained: no session fixture is cross-sectional."""
    raw = json.loads((ROOT / "sample_data" / "credit_wide_config.json").read_text())
    raw["model"] = {"dense_units": 4, "tower_units": 4}
    raw["training"] = {"epochs": 1, "batch_size": 256, "patience": 0}
    frame = pd.read_csv(ROOT / "sample_data" / "credit_wide.csv").head(600)
    store = RunStore(tmp_path_factory.mktemp("wide"))
    run = store.load(train_run(parse_config(raw), frame, store=store))
    save_explanation(store, run, explain_run(run, "riskiest", 10, background=10))
    return store.load(run.run_id)


def _open(run, page: str, monkeypatch, language: str = "en", tab: str | None = None) -> AppTest:
    """`page` of `run` in `language`, with the tab labelled TEXT[tab] open when given (set
    before the first run, like the language: AppTest drives a Chinese page's radios only once)."""
    monkeypatch.setenv("RISKCORE_HOME", str(run.path.parent.parent))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["lang_picker"] = language  # before the first run: labels never switch
    at.session_state["run_id"] = run.run_id
    if tab:
        at.session_state[f"{tab.split('.')[0]}_tab"] = TEXT[tab][language == "zh"]
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.log(p) - np.log1p(-p)


def test_every_model_is_explained_on_the_same_rows_in_log_odds(market) -> None:
    exp = load_explanation(market)
    assert exp.model_options() == ["model", "gbm", "logistic"]
    raw = market.predictions.set_index("row")["score_raw"]
    # the network explains the log-odds of its own raw score
    np.testing.assert_allclose(
        exp.rows["score"], _logit(raw[exp.rows["row"]].to_numpy()), atol=2e-3
    )
    for name in ("gbm", "logistic"):
        other = exp.of_model(name)
        assert other.units()["model"] == "log_odds" and other.model_name == name
        assert other.rows["row"].tolist() == exp.rows["row"].tolist()
        total = other.rows["base_value"] + other.rows[other.features].sum(axis=1)
        np.testing.assert_allclose(total, other.rows["score"], atol=1e-6)  # exact, both
        assert set(other.features) == set(exp.features)
    table = importance_by_model(exp)
    assert list(table.columns) == ["feature", "model", "gbm", "logistic"]
    assert table[["model", "gbm", "logistic"]].notna().all().all()


def test_the_explain_page_switches_models_in_both_languages(market, monkeypatch) -> None:
    zh = _open(market, "pages/explain.py", monkeypatch, "zh")
    options = zh.radio(key="explain_model").options
    assert options == [TEXT[f"model.{m}"][1] for m in ("model", "gbm", "logistic")]
    assert any(TEXT["explain.by_model"][1] in m.value for m in zh.markdown)
    # AppTest formats a radio's value with the app's t() outside the session, i.e. in
    # English: the switch itself is driven in English
    at = _open(market, "pages/explain.py", monkeypatch)
    at.radio(key="explain_model").set_value("logistic").run()
    assert not at.exception, at.exception
    methods = [c.value for c in at.caption if TEXT["explain.method_logistic"][0] in c.value]
    assert methods and TEXT["explain.unit_log_odds"][0] in methods[0]
    assert TEXT["explain.tab_lags"][0] not in [tab.label for tab in at.tabs]  # no days
    assert not any(TEXT["explain.reasons"][0] in m.value for m in at.markdown)


def test_a_cross_sectional_run_reads_without_dates(wide, monkeypatch) -> None:
    for language, lang in (("en", 0), ("zh", 1)):
        at = _open(wide, "pages/explain.py", monkeypatch, language, "explain.tab_prediction")
        assert at.radio(key="explain_how").options == [
            TEXT[f"explain.how_{h}"][lang] for h in ("riskiest", "random")
        ]
        assert not at.error, [e.value for e in at.error]
        assert TEXT["explain.tab_lags"][lang] not in [tab.label for tab in at.tabs]
        headers = [m.value for m in at.markdown if m.value.startswith("**")]
        assert not any("** · **" in h or h.endswith(" · **") for h in headers), headers
        number = TEXT["explain.row_number"][lang].split("{")[0]
        assert any(number in h for h in headers), headers
        rows = next(d.value for d in at.dataframe if "additivity_gap" in d.value)
        assert "time" not in rows and "entity" not in rows
        assert not rows.astype(str).isin(["None", "NaT", "nan"]).any().any()


def test_presets_that_do_not_fit_are_listed_as_skipped(wide, market, monkeypatch) -> None:
    at = _open(wide, "pages/scenarios.py", monkeypatch)
    offered = at.multiselect(key="scen_presets").options
    assert TEXT["preset.replay_worst_3_months"][0] not in offered
    skipped = next(c.value for c in at.caption if TEXT["scen.skipped"][0] in c.value)
    assert TEXT["preset.replay_worst_3_months"][0] in skipped
    assert TEXT["scen.skip_no_time"][0] in skipped
    assert TEXT["preset.sentiment_crash_2sd"][0] in skipped  # no sentiment, macro or sequence
    zh = _open(wide, "pages/scenarios.py", monkeypatch, "zh")
    assert any(TEXT["scen.skip_no_time"][1] in c.value for c in zh.caption)
    at = _open(market, "pages/scenarios.py", monkeypatch)  # AppTest drives widgets in English
    assert not any(TEXT["scen.skipped"][0] in c.value for c in at.caption)  # all apply
    at.multiselect(key="scen_presets").select("replay_worst_3_months").run()
    assert at.checkbox(key="scen_replay_sequence").value is False  # macro alone by default


def test_a_replay_of_the_scored_period_itself_changes_nothing(market) -> None:
    """Laying the scored period over itself gives every sample its own inputs back: macro,
    sentiment and (with sequence) each entity's own windows. Another period moves them."""
    frames = market.inputs()
    inputs = prepare_inputs(
        market, frames["primary"], frames["macro"], frames["sentiment"], which="test"
    )
    times = pd.to_datetime(inputs.times)
    own = {"from": str(times.min().date()), "to": str(times.max().date())}
    start = pd.to_datetime(frames["primary"]["date"]).min() + pd.Timedelta(days=60)
    other = {"from": str(start.date()), "to": str((start + pd.Timedelta(days=90)).date())}
    results = {
        (name, seq): apply_scenario(
            market,
            Scenario(name=name, replay=Replay.model_validate({**period, "sequence": seq})),
            base=inputs,
        )
        for name, period in (("own", own), ("other", other))
        for seq in (False, True)
    }
    for seq in (False, True):  # every sample got its own inputs back: nothing moved
        assert len(results["own", seq].table) > 0
        assert float(results["own", seq].table["delta"].abs().max()) < 1e-5
        assert results["other", seq].summary()["affected"] > 0
    moved = (results["other", True].table["delta"] - results["other", False].table["delta"]).abs()
    assert float(moved.mean()) > 1e-4  # the sequence inputs of that period changed scores


def test_the_scenario_attribution_adds_up_to_the_change(market) -> None:
    frames = market.inputs()
    inputs = prepare_inputs(
        market, frames["primary"], frames["macro"], frames["sentiment"], which="test"
    )
    shock = scenario(
        {
            "name": "s",
            "shocks": [
                {"feature": "ret_1d", "op": "multiply", "value": 2.0, "last_steps": 5},
                {"feature": "credit_spread", "op": "add", "value": 2, "unit": "std"},
            ],
        }
    )
    samples, shocked = shocked_inputs(inputs, shock, np.arange(20))
    base = inputs.panel.inputs(inputs.ends[samples])
    events: list[dict] = []
    parts = scenario_attribution(market, inputs.model, shocked, base, emit=events.append)
    change = np.asarray(inputs.model(shocked)).ravel() - np.asarray(inputs.model(base)).ravel()
    total = parts.sum(axis=1).to_numpy()
    assert np.abs(total - change).mean() < 0.05 * np.abs(change).mean() + 1e-6
    untouched = [c for c in parts if c not in ("ret_1d", "credit_spread")]
    assert (parts[untouched] == 0).all().all()
    assert events[-1]["done"] == events[-1]["total"] == 20


def test_compare_and_tune_have_their_own_pages(market, monkeypatch) -> None:
    for page, title in (("pages/compare.py", "compare.title"), ("pages/tune.py", "tune.title")):
        for language, lang in (("en", 0), ("zh", 1)):
            at = _open(market, page, monkeypatch, language)
            assert at.title[0].value == TEXT[title][lang]
    at = _open(market, "pages/scenarios.py", monkeypatch)
    assert not at.tabs  # Scenarios keeps what-if only
