"""A quantile (VaR / ES) run explained, scored and stressed: SHAP of the VaR head adds up to the
model's VaR, scoring reports the run's own VaR and ES, a VIX shock moves the VaR by exactly
stressed minus baseline, the CLI `score` and `scenario` commands, and the Explain and Scenarios
pages of such a run.

The session's tiny quantile run (tests/conftest.py `quantile_run`: sample_data/
market_var_config.json on four tickers of the sample market data, a tiny network), copied into
a home of the module's own; `files` holds the same four tickers as the CLI reads them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from riskcore.cli import main
from riskcore.explain import (
    describe,
    explain_run,
    load_explanation,
    save_explanation,
    select_rows,
)
from riskcore.io import read_table
from riskcore.quantiles import QuantileGrid, es_column, level_key, var_column
from riskcore.scenarios import (
    apply_scenario,
    build_preset,
    load_scenarios,
    parse_scenario,
    prepare_inputs,
    save_scenarios,
    worst_period,
)
from riskcore.scenarios import jobs as scenario_jobs
from riskcore.scenarios.jobs import attribution_task
from riskcore.scoring import score
from riskcore.store import RunStore
from tests.browser_support import small_market_files
from tests.tabs import open_tab
from ui.i18n import TEXT

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
LEVELS = [0.01, 0.025]
VIX_UP = {
    "name": "vix +2 sd",
    "shocks": [{"feature": "vix", "op": "add", "value": 2, "unit": "std"}],
}


TICKERS = 4


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """The sample market files cut to the first TICKERS tickers (what the CLI reads)."""
    return small_market_files(tmp_path_factory.mktemp("data"), TICKERS)


@pytest.fixture(scope="module")
def frames(files) -> dict[str, pd.DataFrame]:
    return {role: read_table(path)[0] for role, path in files.items()}


@pytest.fixture(scope="module")
def run(quantile_run, copy_run):
    """A copy of the session's quantile run in a home of its own (explanations and scenarios
    are stored with it)."""
    assert quantile_run.config.task == "quantile"
    assert quantile_run.quantile_levels == tuple(LEVELS)
    return copy_run(quantile_run)


@pytest.fixture(scope="module")
def store(run) -> RunStore:
    return RunStore(run.path.parent.parent)


@pytest.fixture(scope="module")
def explained(run, store):
    """Random test predictions explained at every level, stored with the run."""
    explanation = explain_run(run, "random", 24, background=30)
    save_explanation(store, run, explanation)
    return explanation


@pytest.fixture(scope="module")
def inputs(run, frames):
    return prepare_inputs(run, frames["primary"], frames["macro"], frames["sentiment"])


@pytest.fixture(scope="module")
def stressed(run, store, inputs):
    """A VIX +2 sd shock and the worst-months replay, stored with the run."""
    results = [
        apply_scenario(run, parse_scenario(VIX_UP), base=inputs),
        apply_scenario(run, build_preset("replay_worst_3_months", None, run), base=inputs),
    ]
    save_scenarios(store, run.run_id, results)
    return results


def _predicted(run, rows: pd.Series, column: str) -> np.ndarray:
    return run.predictions.set_index("row").loc[rows.to_numpy(), column].to_numpy(dtype=float)


# ---- Explain ---------------------------------------------------------------------------------
def test_var_shap_adds_up_to_the_models_var_at_every_level(run, explained) -> None:
    """The explained number is the network's VaR at the level (predictions.csv's var_<level>),
    and expected gradients are complete: base + sum of SHAP = VaR, up to Monte-Carlo error."""
    assert explained.level == LEVELS[0] and explained.level_options() == LEVELS
    for level in LEVELS:
        exp = explained.at(level)
        rows = exp.rows
        assert exp.level == level and exp.info["explains"] == "var"
        np.testing.assert_allclose(
            rows["score"], _predicted(run, rows["row"], var_column(level)), atol=1e-6
        )
        total = rows["base_value"] + rows[exp.features].sum(axis=1)
        spread = float((rows["score"] - rows["base_value"]).abs().mean())
        assert spread > 0
        assert exp.additivity_gap < 0.2 * spread, (level, exp.additivity_gap, spread)
        assert np.corrcoef(total, rows["score"])[0, 1] > 0.95
        np.testing.assert_allclose(exp.gaps(), rows["score"] - total, atol=1e-9)
        assert exp.units("quantile") == {"model": "return", "baseline": "return"}
        # the baseline beside it: quantile-loss boosting at the same level, per config column
        assert set(exp.baseline_importance["feature"]) <= set(exp.features)


def test_the_riskiest_predictions_have_the_lowest_var(run) -> None:
    p = run.predictions
    picked = select_rows(p, "riskiest", 7, lower_is_riskier=True)
    assert sorted(picked["score"]) == sorted(p.query("split == 'test'")["score"].nsmallest(7))


def test_the_var_explanation_is_stored_with_every_level_and_read_in_words(run, explained) -> None:
    again = load_explanation(run)
    assert again.level_options() == LEVELS
    other = again.at(LEVELS[1])
    np.testing.assert_allclose(
        other.rows[other.features].to_numpy(),
        explained.at(LEVELS[1]).rows[other.features].to_numpy(),
    )
    i = int(again.rows["score"].to_numpy().argmin())
    sentence = describe(again, i)
    assert sentence.startswith(f"99% VaR {again.rows['score'].iloc[i]:.2%} against an average of")
    assert " bp)" in sentence and "more negative = more risk" in sentence


# ---- scoring ---------------------------------------------------------------------------------
def test_scoring_reports_the_runs_var_and_es_per_level(run, frames) -> None:
    scored = score(run, frames["primary"], frames["macro"], frames["sentiment"])
    out = scored.predictions
    wanted = [c for a in LEVELS for c in (var_column(a), es_column(a))]
    assert set(wanted) <= set(out.columns)
    keys = ["time", "entity"]
    p = run.predictions
    merged = p.merge(out, on=keys, suffixes=("", "_scored"))
    assert len(merged) == len(p)  # every prediction of the run is scored again
    for column in wanted:
        np.testing.assert_allclose(merged[f"{column}_scored"], merged[column], atol=1e-6)
    np.testing.assert_allclose(merged["score_scored"], merged[var_column(LEVELS[0])], atol=1e-6)
    for a in LEVELS:
        assert (out[es_column(a)] <= out[var_column(a)] + 1e-12).all()  # ES below VaR
    assert "score" in set(scored.drift["feature"])


# ---- scenarios -------------------------------------------------------------------------------
def test_a_vix_shock_moves_var_by_stressed_minus_baseline(run, inputs, stressed) -> None:
    t = stressed[0].table
    test = run.predictions.query("split == 'test'")
    # every test prediction, plus each entity's last date (no forward return to predict yet)
    base = test.merge(t, on=["time", "entity"])
    assert len(base) == len(test) and len(t) - len(test) == t["entity"].nunique()
    for a in LEVELS:
        v, e = var_column(a), es_column(a)
        np.testing.assert_allclose(base[f"{v}_base"], base[v], atol=1e-6)  # the model's own VaR
        np.testing.assert_allclose(base[f"{e}_base"], base[e], atol=1e-6)
        np.testing.assert_allclose(t[f"{v}_delta"], t[f"{v}_scenario"] - t[f"{v}_base"])
        np.testing.assert_allclose(t[f"{e}_delta"], t[f"{e}_scenario"] - t[f"{e}_base"])
        assert (t[f"{v}_delta"] != 0).all()  # the vix enters every prediction
        pooled = stressed[0].var_summary(a)
        assert pooled["affected"] == pooled["predictions"] == len(t)
        change = (pooled["var_scenario"] - pooled["var_base"]) * 1e4
        assert pooled["var_change_bp"] == pytest.approx(change)
        assert pooled["es_change_bp"] == pytest.approx(
            (pooled["es_scenario"] - pooled["es_base"]) * 1e4
        )
        entities = stressed[0].var_by_entity(a)
        assert set(entities["entity"]) == set(t["entity"])
        assert (entities["var_change_bp"].diff().dropna() >= 0).all()  # most risk added first
        by_hand = t.groupby("entity")[f"{v}_delta"].mean() * 1e4
        got = entities.set_index("entity")["var_change_bp"]
        np.testing.assert_allclose(got.loc[by_hand.index], by_hand)
    np.testing.assert_allclose(t["score_base"], t[f"{var_column(LEVELS[0])}_base"])
    summary = stressed[0].summary()
    assert set(summary["var"]) == {level_key(a) for a in LEVELS}


def test_the_replay_takes_the_lowest_return_months_and_results_round_trip(run, stressed) -> None:
    p = run.predictions
    monthly = p.groupby(p["time"].dt.to_period("M"))["y_true"].mean()
    start, end = worst_period(run, 3)
    inside = monthly[
        (monthly.index >= pd.Period(start, "M")) & (monthly.index <= pd.Period(end, "M"))
    ]
    assert inside.mean() == pytest.approx(monthly.rolling(3).mean().min())
    replay = stressed[1]
    assert 0 < replay.var_summary(LEVELS[0])["affected"] < len(replay.table)
    loaded = {r.name: r for r in load_scenarios(run)}
    for result in stressed:
        back = loaded[result.name]
        assert back.levels == LEVELS
        for a in LEVELS:
            assert back.var_summary(a)["var_change_bp"] == pytest.approx(
                result.var_summary(a)["var_change_bp"], abs=1e-3
            )


def test_a_var_change_is_attributed_to_the_shocked_input(run, store, stressed, monkeypatch) -> None:
    """Integrated gradients from the unshocked input: per level, the contributions add up to
    the entity's VaR change and fall on the vix alone. Each sample's attributions add up on
    their own, so 8 of the entity's recent predictions show it as well as the job's 32 (SHAP
    costs the same per sample)."""
    monkeypatch.setattr(scenario_jobs, "ATTRIBUTION_SAMPLES", 8)
    entity = str(stressed[0].table["entity"].iloc[-1])
    payload = {"home": str(store.root.parent), "run_id": run.run_id, "scenario": VIX_UP}
    out = attribution_task({**payload, "entity": entity, "which": "test"}, lambda _: None)
    assert set(out["levels"]) == {level_key(a) for a in LEVELS}
    t = stressed[0].table
    assert 0 < out["predictions"] <= 8
    recent = t[t["entity"] == entity].tail(out["predictions"])
    for a in LEVELS:
        parts = pd.Series(out["levels"][level_key(a)])
        change = float(recent[f"{var_column(a)}_delta"].mean())
        assert parts.sum() == pytest.approx(change, rel=0.1, abs=2e-4)
        assert parts.drop("vix").abs().max() < 1e-6
    assert out["contributions"] == out["levels"][level_key(LEVELS[0])]


# ---- the CLI ---------------------------------------------------------------------------------
def test_cli_score_and_scenario_on_a_quantile_run(run, store, files, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("RISKCORE_HOME", str(store.root.parent))
    data = ["--data", str(files["primary"]), "--macro", str(files["macro"])]
    data += ["--sentiment", str(files["sentiment"])]
    scored = tmp_path / "scored.csv"
    assert main(["score", run.run_id, *data, "--out", str(scored)]) == 0
    columns = pd.read_csv(scored, encoding="utf-8-sig").columns
    assert {var_column(a) for a in LEVELS} | {es_column(a) for a in LEVELS} <= set(columns)
    spec = tmp_path / "spread.json"
    spec.write_text(
        json.dumps(
            {
                "name": "spread +200 bp",
                "shocks": [{"feature": "credit_spread", "op": "add", "value": 2.0}],
            }
        )
    )
    out = tmp_path / "scenario.csv"
    assert main(["scenario", run.run_id, "--scenario", str(spec), "--out", str(out)]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    for a in LEVELS:
        v = var_column(a)
        np.testing.assert_allclose(
            table[f"{v}_delta"], table[f"{v}_scenario"] - table[f"{v}_base"], atol=1e-12
        )
    assert "spread +200 bp" in [r.name for r in load_scenarios(store.load(run.run_id))]


# ---- the pages -------------------------------------------------------------------------------
def _open(store: RunStore, run_id: str, page: str, monkeypatch) -> AppTest:
    monkeypatch.setenv("RISKCORE_HOME", str(store.root.parent))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.session_state["lang_picker"] = "en"
    at.session_state["run_id"] = run_id
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _axes(at: AppTest) -> list[str]:
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return [
        str(s["layout"].get(axis, {}).get("title", {}).get("text"))
        for s in specs
        for axis in ("xaxis", "yaxis")
    ]


def test_the_explain_page_shows_the_var_at_each_level(run, store, explained, monkeypatch) -> None:
    at = _open(store, run.run_id, "pages/explain.py", monkeypatch)
    assert at.radio(key="explain_level").options == ["0.01 (99% VaR)", "0.025 (97.5% VaR)"]
    assert any("99% VaR, in return units" in c.value for c in at.caption)
    axes = _axes(at)
    assert TEXT["chart.mean_abs_shap_return"][0] in axes
    open_tab(at, "explain_tab", "explain.tab_prediction")
    assert "99% VaR (return; more negative = more risk)" in _axes(at)  # the waterfall
    assert any(i.value.startswith("99% VaR ") for i in at.info)
    at.radio(key="explain_level").set_value(LEVELS[1]).run()
    assert not at.exception, at.exception
    assert any("97.5% VaR, in return units" in c.value for c in at.caption)
    assert any(i.value.startswith("97.5% VaR ") for i in at.info)


def test_the_scenarios_page_shows_baseline_vs_stressed_var(
    run, store, stressed, monkeypatch
) -> None:
    at = _open(store, run.run_id, "pages/scenarios.py", monkeypatch)
    summary = next(d.value for d in at.dataframe if "var_change_bp" in d.value.columns)
    assert set(summary["scenario"]) >= {r.name for r in stressed}
    assert set(summary["level"]) == set(LEVELS)
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert any(t.startswith("Baseline vs stressed 99% VaR") for t in titles), titles
    assert "Mean change in VaR (bp; negative = more risk)" in _axes(at)
    entities = next(d.value for d in at.dataframe if "entity" in d.value.columns)
    assert entities["entity"].iloc[0] == TEXT["chart.pooled"][0]
    assert not [s for s in at.slider if s.label == TEXT["results.threshold"][0]]  # no threshold
    at.radio(key="scen_level").set_value(LEVELS[1]).run()
    assert not at.exception, at.exception
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert any(t.startswith("Baseline vs stressed 97.5% VaR") for t in titles), titles
    assert QuantileGrid.of(LEVELS).levels == tuple(LEVELS)
