"""riskcore.validation: each statistical test against an independent reference on fixed inputs,
a planted miscalibration, PSI per period, the policy file, and the stored result."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from riskcore import drift as D
from riskcore.bootstrap import Resampling, resampled_metrics
from riskcore.store import RunStore
from riskcore.validation import (
    VALIDATION_FILE,
    Policy,
    PolicyError,
    ValidateError,
    load_policy,
    load_validation,
    parse_policy,
    save_validation,
    validate_run,
)
from riskcore.validation import checks as C
from riskcore.validation.calibration import (
    hosmer_lemeshow,
    hosmer_lemeshow_from_table,
    spiegelhalter,
)
from riskcore.validation.discrimination import (
    auto_freq,
    period_labels,
    period_table,
    resampled_auc,
)
from riskcore.validation.grades import (
    assign,
    binomial_p,
    binomial_p_over,
    equal_count_bounds,
    grade_table,
    jeffreys_p,
    jeffreys_p_over,
)
from riskcore.validation.policy import GradesPolicy, PsiCheck
from riskcore.validation.segments import adverse_impact_ratios, segment_labels, segment_table
from riskcore.validation.stability import WHOLE, migration_matrix, psi_table

ROOT = Path(__file__).resolve().parent.parent
BOUNDS = [0.005, 0.01, 0.02, 0.05, 0.10, 0.20]


# ---- per-grade tests against scipy and by hand ---------------------------------------------------
@pytest.mark.parametrize(("d", "n", "p"), [(7, 200, 0.02), (0, 50, 0.01), (30, 78, 0.29)])
def test_binomial_and_jeffreys_p_match_scipy(d: int, n: int, p: float) -> None:
    assert binomial_p(d, n, p) == pytest.approx(stats.binom.sf(d - 1, n, p), rel=1e-12)
    assert jeffreys_p(d, n, p) == pytest.approx(stats.beta.cdf(p, d + 0.5, n - d + 0.5), rel=1e-12)
    assert binomial_p_over(d, n, p) == pytest.approx(stats.binom.cdf(d, n, p), rel=1e-12)
    assert jeffreys_p_over(d, n, p) == pytest.approx(stats.beta.sf(p, d + 0.5, n - d + 0.5))
    # the binomial tail summed term by term, with no library in between
    tail = sum(math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(d, n + 1))
    assert binomial_p(d, n, p) == pytest.approx(tail, rel=1e-9)


def test_fixed_values_of_the_grade_tests() -> None:
    # 7 defaults among 200 at PD 2% (4 expected): P(X >= 7) and the Jeffreys posterior tail
    assert binomial_p(7, 200, 0.02) == pytest.approx(0.10856, abs=1e-5)
    assert jeffreys_p(7, 200, 0.02) == pytest.approx(0.07419, abs=1e-5)
    assert jeffreys_p(0, 50, 0.01) > 0.5  # no default where 0.5 were expected: nothing wrong
    assert math.isnan(binomial_p(0, 0, 0.1)) and math.isnan(jeffreys_p(0, 0, 0.1))


def test_grades_are_assigned_by_upper_bounds_and_empty_grades_have_no_light() -> None:
    assert assign([0.0, 0.004, 0.005, 0.3, 1.0], BOUNDS).tolist() == [1, 1, 2, 7, 7]
    table = grade_table([0, 1, 0], [0.001, 0.3, 0.25], BOUNDS, GradesPolicy())
    assert table["grade"].tolist() == list(range(1, 8))
    assert table["n"].tolist() == [1, 0, 0, 0, 0, 0, 2]
    assert table.loc[1, "light"] == "none"
    assert table.loc[6, "mean_pd"] == pytest.approx(0.275)
    assert table.loc[6, "observed_rate"] == pytest.approx(0.5)


def test_equal_count_bounds_split_rows_evenly() -> None:
    scores = np.random.default_rng(0).uniform(0, 0.3, 7000)
    bounds = equal_count_bounds(scores, 7)
    assert len(bounds) == 6
    assert np.bincount(assign(scores, bounds))[1:].tolist() == [1000] * 7


# ---- portfolio tests by hand ---------------------------------------------------------------------
def test_hosmer_lemeshow_against_a_hand_computation() -> None:
    # 4 groups of 5 rows, PD constant within a group: 0.1, 0.2, 0.4, 0.6; defaults 1, 0, 3, 4
    pd_ = np.repeat([0.1, 0.2, 0.4, 0.6], 5)
    y = np.array([1, 0, 0, 0, 0] + [0] * 5 + [1, 1, 1, 0, 0] + [1, 1, 1, 1, 0], dtype=float)
    # expected 0.5, 1, 2, 3; variances E(1 - E/n) 0.45, 0.8, 1.2, 1.2
    hand = 0.5**2 / 0.45 + 1**2 / 0.8 + 1**2 / 1.2 + 1**2 / 1.2
    hl = hosmer_lemeshow(y, pd_, groups=4)
    assert hl.statistic == pytest.approx(hand, rel=1e-12)
    assert hl.df == 2
    assert hl.p_value == pytest.approx(math.exp(-hand / 2), rel=1e-12)  # chi-square, 2 df
    assert hl.table["defaults"].tolist() == [1, 0, 3, 4]
    assert hl.table["expected"].tolist() == pytest.approx([0.5, 1.0, 2.0, 3.0])
    statistic, df, p = hosmer_lemeshow_from_table([5, 5, 5, 5], [1, 0, 3, 4], [0.5, 1, 2, 3])
    assert (statistic, df) == (pytest.approx(hand), 2) and p == pytest.approx(hl.p_value)


def test_hosmer_lemeshow_is_large_when_calibrated_and_tiny_when_not() -> None:
    rng = np.random.default_rng(3)
    p = rng.uniform(0.01, 0.3, 50_000)
    y = (rng.uniform(size=p.size) < p).astype(float)
    assert hosmer_lemeshow(y, p).p_value > 0.01
    assert hosmer_lemeshow(y, p * 0.7).p_value < 1e-10


def test_spiegelhalter_by_hand() -> None:
    p = np.array([0.1, 0.2, 0.7, 0.9])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    # sum (y - p)(1 - 2p) = -0.08 + 0.48 - 0.12 + 0.72 = 1.0
    # sum (1 - 2p)^2 p (1 - p) = 0.0576 + 0.0576 + 0.0336 + 0.0576 = 0.2064
    z, p_value = spiegelhalter(y, p)
    assert z == pytest.approx(1.0 / math.sqrt(0.2064), rel=1e-12)
    assert p_value == pytest.approx(math.erfc(z / math.sqrt(2)), rel=1e-12)


# ---- segments and adverse impact by hand ---------------------------------------------------------
def test_adverse_impact_ratio_by_hand() -> None:
    # A: 8 of 10 approved (score < 0.5), B: 5 of 10, C: 9 of 10 but only 3 rows count as small
    score = np.r_[[0.1] * 8 + [0.9] * 2, [0.1] * 5 + [0.9] * 5, [0.1] * 3]
    y = np.r_[[0] * 8 + [1] * 2, [0] * 5 + [1] * 5, [0, 0, 0]].astype(float)
    labels = pd.Categorical(["A"] * 10 + ["B"] * 10 + ["C"] * 3, ordered=True)
    table = segment_table(labels, y, score, score, threshold=0.5, min_rows=5).set_index("segment")
    assert table["approval_rate"].tolist() == pytest.approx([0.8, 0.5, 1.0])
    # the most favoured segment is A (C is too small to be compared with)
    assert table["adverse_impact_ratio"].tolist() == pytest.approx([1.0, 0.5 / 0.8, 1.0 / 0.8])
    assert table["four_fifths_flag"].tolist() == [False, True, False]
    assert adverse_impact_ratios([0.8, 0.5]).tolist() == pytest.approx([1.0, 0.625])
    check = C.adverse_impact_check(
        table.reset_index(), Policy().adverse_impact, {"column": "sex", "threshold": 0.5}
    )
    assert check.value == pytest.approx(1 - 0.625) and check.light == "red"
    assert "'B' approved 50.0% vs 'A' 80.0%" in check.detail


def test_numeric_segments_are_binned_and_text_is_categorical() -> None:
    ages = pd.Series(np.arange(20, 80, dtype=float))
    labels, kind = segment_labels(ages, "age", bins=4)
    assert kind == "binned" and len(labels.categories) == 4
    assert np.bincount(labels.codes).tolist() == [15, 15, 15, 15]
    labels, kind = segment_labels(pd.Series(["m", "f", None, "f"]), "sex")
    assert kind == "categorical" and list(labels.categories) == ["(missing)", "f", "m"]
    with pytest.raises(ValidateError, match="'id' has 50 distinct values"):
        segment_labels(pd.Series([f"x{i}" for i in range(50)]), "id")


# ---- planted miscalibration ----------------------------------------------------------------------
def _portfolio(seed: int = 5, n: int = 60_000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = np.exp(rng.uniform(np.log(0.001), np.log(0.4), n))  # PDs spread over every grade
    y = (rng.uniform(size=n) < p).astype(float)
    return p, y


def test_a_planted_miscalibration_turns_the_affected_grades_red() -> None:
    p, y_true = _portfolio()
    rng = np.random.default_rng(12)
    policy = GradesPolicy(bounds=BOUNDS)
    calibrated = grade_table(y_true, p, BOUNDS, policy)
    # a calibrated grade is amber by chance 5% of the time (red 1%): the seed is fixed
    assert set(calibrated["light"]) == {"green"}
    # the true PD of grades 4 and 5 is 0.1 above what the scores say: those grades understate
    affected = np.isin(assign(p, BOUNDS), [4, 5])
    y_shifted = np.where(affected, (rng.uniform(size=p.size) < p + 0.1).astype(float), y_true)
    shifted = grade_table(y_shifted, p, BOUNDS, policy).set_index("grade")["light"]
    assert shifted[[4, 5]].tolist() == ["red", "red"]
    assert set(shifted.drop([4, 5])) == {"green"}


def test_scores_shifted_up_by_a_tenth_are_red_when_both_tails_are_tested() -> None:
    p, y = _portfolio()
    both = GradesPolicy(bounds=BOUNDS, side="both")
    assert set(grade_table(y, p, BOUNDS, both)["light"]) == {"green"}
    shifted = grade_table(y, p + 0.1, BOUNDS, both)
    tested = shifted[shifted["n"] > 0]
    assert set(tested["grade"]) == {6, 7} and set(tested["light"]) == {"red"}
    # the ECB's tests are one-sided: PDs that overstate the risk pass them
    under = grade_table(y, p + 0.1, BOUNDS, GradesPolicy(bounds=BOUNDS))
    assert set(under.loc[under["n"] > 0, "light"]) == {"green"}


# ---- discrimination and stability over time ------------------------------------------------------
def test_periods_are_months_or_quarters_by_span() -> None:
    short = pd.date_range("2023-01-01", periods=24, freq="MS")
    assert auto_freq(short) == "month"
    assert auto_freq(pd.date_range("2020-01-01", periods=25, freq="MS")) == "quarter"
    assert period_labels(short[:4], "quarter").tolist() == ["2023Q1"] * 3 + ["2023Q2"]
    assert period_labels(short[:2], "month").tolist() == ["2023-01", "2023-02"]


@pytest.mark.parametrize("ties", [False, True])
def test_resampled_auc_equals_the_bootstrap_module_on_the_same_resamples(ties: bool) -> None:
    rng = np.random.default_rng(4)
    y = (rng.uniform(size=3000) < 0.1).astype(float)
    score = np.clip(0.1 + 0.2 * y + rng.normal(0, 0.2, y.size), 0, 1)
    score = np.round(score, 2) if ties else score
    times = np.repeat(pd.date_range("2020-01-01", periods=300, freq="D"), 10)
    for resampling in (Resampling(None, 1, 50, 3), Resampling.by_date(times, 5, 50, 3)):
        reference = resampled_metrics(y, {"m": score}, "classification", resampling)["m"]
        ours = resampled_auc(y, score, resampling)
        np.testing.assert_allclose(ours, reference["roc_auc"], rtol=1e-10, atol=1e-12)


def test_a_period_whose_ranking_collapses_is_flagged() -> None:
    rng = np.random.default_rng(5)
    times = np.repeat(pd.date_range("2023-01-01", periods=4, freq="MS"), 800)
    y = (rng.uniform(size=times.size) < 0.2).astype(float)
    score = np.clip(0.2 + 0.3 * (y - 0.2) + rng.normal(0, 0.15, y.size), 0, 1)
    last = times == times.max()
    score[last] = rng.uniform(size=last.sum())  # noise in the last month
    overall = float(stats.mannwhitneyu(score[y == 1], score[y == 0]).statistic) / (
        (y == 1).sum() * (y == 0).sum()
    )
    table = period_table(times, y, score, "month", overall, min_rows=100, n_boot=100)
    assert table["flagged"].tolist() == [False, False, False, True]
    assert table["roc_auc_hi"].iloc[-1] < overall < table["roc_auc_lo"].iloc[0]
    check = C.discrimination_check(table, overall, Policy().discrimination)
    assert check.value == 1 and check.light == "amber" and "2023-04" in check.detail


def test_psi_per_period_against_training() -> None:
    rng = np.random.default_rng(8)
    reference = pd.DataFrame({"x": rng.normal(size=5000), "score": rng.uniform(size=5000)})
    current = pd.DataFrame(
        {
            "x": np.r_[rng.normal(size=1000), rng.normal(size=1000)],
            "score": np.r_[rng.uniform(size=1000), rng.uniform(size=1000) ** 3],  # shifts down
        }
    )
    periods = np.array(["2024-01"] * 1000 + ["2024-02"] * 1000)
    table = psi_table(reference, current, periods).set_index(["period", "feature"])["psi"]
    feb = current["score"].to_numpy()[1000:]
    assert table[("2024-02", "score")] == pytest.approx(D.psi(reference["score"], feb))
    assert table[(WHOLE, "score")] == pytest.approx(D.psi(reference["score"], current["score"]))
    assert table[("2024-01", "score")] < 0.05 < 0.25 < table[("2024-02", "score")]
    assert max(table[("2024-01", "x")], table[("2024-02", "x")]) < 0.05
    stability = psi_table(reference, current, periods)
    by_period = C.score_psi_check(stability, PsiCheck(over="period"), min_rows=100)
    assert by_period.light == "red" and "period 2024-02" in by_period.detail
    whole = C.score_psi_check(stability, PsiCheck(), min_rows=100)
    assert whole.value == pytest.approx(table[(WHOLE, "score")])


def test_migration_matrix_by_hand() -> None:
    times = pd.to_datetime(["2024-01-01"] * 3 + ["2024-06-01"] * 2 + ["2024-03-01"])
    entities = ["a", "b", "c", "a", "b", "c"]
    grades = [1, 2, 3, 1, 4, 2]  # a stays, b falls two grades, c improves (its last row)
    matrix, summary = migration_matrix(times, entities, grades, size=4)
    assert matrix.loc[1, 1] == 1 and matrix.loc[2, 4] == 1 and matrix.loc[3, 2] == 1
    assert int(matrix.to_numpy().sum()) == 3
    assert summary["entities"] == 3 and summary["stable"] == pytest.approx(1 / 3)
    assert summary["downgraded"] == pytest.approx(1 / 3)
    assert summary["moved_two_or_more"] == pytest.approx(1 / 3)


# ---- the policy ----------------------------------------------------------------------------------
def test_the_sample_policy_is_the_default_key_for_key() -> None:
    shipped = json.loads((ROOT / "sample_data" / "validation_policy.json").read_text())
    assert shipped == Policy().to_dict()
    assert load_policy(ROOT / "sample_data" / "validation_policy.json") == Policy()


@pytest.mark.parametrize(
    ("policy", "named"),
    [
        ({"score_psi": {"red_abov": 0.3}}, "score_psi.red_abov: unknown key"),
        ({"test_gini": {"red_below": "high"}}, "test_gini.red_below"),
        ({"grades": {"bounds": [0.1, 0.05]}}, "grades.bounds: bounds must increase strictly"),
        ({"grades": {"bounds": [0.1, 1.5]}}, "grades.bounds"),
        ({"hosmer_lemeshow": {"red_below": 0.1, "amber_below": 0.05}}, "hosmer_lemeshow: amber"),
        ({"segments": {"threshold": 2}}, "segments.threshold"),
        ({"grades": {"test": "poisson"}}, "grades.test"),
    ],
)
def test_a_malformed_policy_names_the_key(policy: dict, named: str) -> None:
    with pytest.raises(PolicyError, match="invalid validation policy") as err:
        parse_policy(policy, "p.json")
    assert named in str(err.value)


def test_policy_files_json_and_yaml(tmp_path) -> None:
    bad = tmp_path / "p.json"
    bad.write_text('{"test_gini": {"red_below": 0.2,}}')
    with pytest.raises(PolicyError, match="not valid JSON at line 1"):
        load_policy(bad)
    with pytest.raises(PolicyError, match="not found"):
        load_policy(tmp_path / "missing.json")
    (tmp_path / "p.yaml").write_text("test_gini:\n  red_below: 0.3\ngrades:\n  side: both\n")
    policy = load_policy(tmp_path / "p.yaml")
    assert policy.test_gini.red_below == 0.3 and policy.grades.side == "both"
    (tmp_path / "list.json").write_text("[1, 2]")
    with pytest.raises(PolicyError, match="must be a JSON object"):
        load_policy(tmp_path / "list.json")


def test_lights_follow_the_thresholds() -> None:
    gini = Policy().test_gini
    assert [gini.light(v) for v in (0.1, 0.3, 0.5, math.nan)] == ["red", "amber", "green", "amber"]
    psi = Policy().input_psi  # amber only
    assert [psi.light(v) for v in (0.1, 0.3, 9.0)] == ["green", "amber", "amber"]


# ---- a whole (synthetic) run ---------------------------------------------------------------------
def write_synthetic_run(home: Path, p: np.ndarray, y: np.ndarray, months: int = 12) -> str:
    """A run folder written with RunStore's writer: config, metrics, predictions, reference."""
    rng = np.random.default_rng(1)
    n = p.size
    entities = np.array([f"E{i % 2000:04d}" for i in range(n)])
    times = pd.date_range("2023-01-01", periods=months, freq="MS")[np.arange(n) * months // n]
    config = {
        "data": {
            "time": "month",
            "entity": "id",
            "sequence_features": ["x"],
            "target": {"kind": "column", "column": "y"},
        },
        "window": 2,
        "horizon": 3,
    }
    auc = 0.75
    metrics = {
        "task": "classification",
        "test": {
            "model": {"roc_auc": auc, "gini": 2 * auc - 1, "gini_ci": [0.45, 0.55]},
            "logistic": {"roc_auc": 0.70},
        },
        "paired": {"logistic": {"roc_auc": 0.05, "roc_auc_ci": [0.02, 0.08]}},
    }
    predictions = pd.DataFrame(
        {
            "time": times,
            "entity": entities,
            "split": "test",
            "y_true": y,
            "score": p,
            "score_raw": p,
        }
    )
    validation = predictions.iloc[:2000].assign(split="validation")
    reference = pd.DataFrame({"score": rng.choice(p, 5000)})
    with RunStore(home).writer() as w:
        w.write_json("config.json", config)
        w.write_json("metrics.json", metrics)
        w.write_csv("predictions.csv", pd.concat([validation, predictions]))
        w.write_csv("reference.csv", reference)
        return w.run_id


def test_validate_run_on_a_synthetic_portfolio(tmp_path) -> None:
    p, y = _portfolio(n=40_000)
    run_id = write_synthetic_run(tmp_path, p, y)
    store = RunStore(tmp_path)
    result = validate_run(store.load(run_id), parse_policy({"grades": {"bounds": BOUNDS}}))
    lights = {c.name: c.light for c in result.checks}
    assert lights["grades"] == "green" and lights["comparator"] == "green"
    assert lights["score_psi"] == "green" and lights["test_gini"] == "green"
    assert {s["name"] for s in result.skipped} == {"input_psi", "adverse_impact"}
    assert result.exit_code == 0
    assert result.periods["period"].tolist() == [f"2023-{m:02d}" for m in range(1, 13)]
    assert result.migration_info["entities"] > 0
    save_validation(store, result)
    saved = json.loads((store.path(run_id) / VALIDATION_FILE).read_text())
    assert {"name", "value", "threshold", "light"} <= set(saved["checks"][0])
    assert set(saved["grades"][0]) >= {
        "grade", "n", "defaults", "mean_pd", "observed_rate", "binomial_p", "jeffreys_p", "light"
    }  # fmt: skip
    back = load_validation(store.load(run_id))
    assert [c.to_dict() for c in back.checks] == saved["checks"]
    assert back.grades["jeffreys_p"].tolist() == pytest.approx(result.grades["jeffreys_p"])
    # the bounds saved with the run are used again when a policy leaves them out
    again = validate_run(store.load(run_id))
    assert again.scale == {"method": "bounds", "bounds": BOUNDS, "source": "run", "grades": 7}


def test_validate_run_turns_red_on_planted_miscalibration(tmp_path) -> None:
    p, y = _portfolio(n=40_000)
    understated = np.clip(p - 0.1, 0.0005, None)  # the model says 0.1 less than the truth
    run_id = write_synthetic_run(tmp_path, understated, y)
    result = validate_run(RunStore(tmp_path).load(run_id))
    lights = {c.name: c.light for c in result.checks}
    assert lights["grades"] == lights["hosmer_lemeshow"] == lights["spiegelhalter"] == "red"
    assert result.exit_code == 3 and result.light == "red"


def test_validate_run_refuses_what_it_cannot_check(tmp_path) -> None:
    p, y = _portfolio(n=2000)
    run_id = write_synthetic_run(tmp_path, p, y)
    run = RunStore(tmp_path).load(run_id)
    with pytest.raises(ValidateError, match="cannot segment by 'sex'"):
        validate_run(run, segment="sex")
    with pytest.raises(ValidateError, match="between 0 and 1"):
        validate_run(run, threshold=1.5)
    run.metrics["task"] = "regression"
    with pytest.raises(ValidateError, match="needs a classification run"):
        validate_run(run)


def test_the_stability_heatmap_names_its_colour_scale_in_the_page_language() -> None:
    from riskcore.charts.validation import heatmap

    table = pd.DataFrame(
        {"period": ["2024Q1", "2024Q2"], "feature": ["ret_1d", "ret_1d"], "psi": [0.02, 0.31]}
    )
    zh = {"col.period": "期间", "col.psi": "群体稳定性 PSI"}
    spec = {"kind": "heatmap", "x": "period", "y": "feature", "z": "psi"}
    fig = heatmap(spec, table, "稳定性", lambda key: zh.get(key, key))
    assert fig.data[0].colorbar.title.text == "群体稳定性 PSI"
    assert np.asarray(fig.data[0].z).tolist() == [[0.02, 0.31]]


# ---- what the Validate page's charts and details say ---------------------------------------------
def _period_check() -> tuple[C.Check, pd.DataFrame]:
    periods = pd.DataFrame(
        {
            "period": ["2024-01", "2024-02"],
            "roc_auc": [0.6, 0.8],
            "roc_auc_lo": [0.5, 0.7],
            "roc_auc_hi": [0.7, 0.9],
            "flagged": [True, False],
            "eligible": [True, True],
        }
    )
    return C.discrimination_check(periods, 0.75, Policy().discrimination), periods


def test_every_check_chart_names_what_it_draws_not_the_check() -> None:
    check, _ = _period_check()
    assert check.chart["title"] == "roc_auc_by_period"
    assert C.CALIBRATION_CHART["title"] == "calibration"  # not "Hosmer-Lemeshow p-value"
    grades = pd.DataFrame({"grade": [1], "n": [10], "light": ["green"], "binomial_p": [0.5]})
    grades["jeffreys_p"] = 0.5
    assert C.grades_check(grades, Policy().grades).chart["title"] == "grades"
    segments = pd.DataFrame(
        {
            "segment": ["a", "b"],
            "eligible": [True, True],
            "adverse_impact_ratio": [1.0, 0.5],
            "approval_rate": [0.8, 0.4],
            "four_fifths_flag": [False, True],
        }
    )
    info = {"column": "region", "threshold": 0.5}
    ai = C.adverse_impact_check(segments, Policy().adverse_impact, info)
    assert ai.chart["title"] == "adverse_impact_ratio" and ai.chart["y"] == ["adverse_impact_ratio"]
    assert C._level_chart("0.01", "kupiec_p", 0.05)["title"] == "kupiec_p_by_scope"
    # an old validation.json (no title) still reads back, its chart untitled
    old = {k: v for k, v in check.chart.items() if k != "title"}
    assert "title" not in C.Check.from_dict({**check.to_dict(), "chart": old}).chart


def test_the_period_line_names_its_traces_by_what_they_plot() -> None:
    from riskcore.charts.validation import line

    check, periods = _period_check()
    words = {"col.roc_auc": "ROC-AUC", "interval": "95% interval", "whole_test": "whole test"}
    fig = line(check.chart, periods, "ROC-AUC per period", lambda k: words.get(k, k))
    names = [trace.name for trace in fig.data]
    assert names == ["95% interval", "ROC-AUC", "whole test 0.750"]
    assert list(fig.data[-1].y) == [0.75, 0.75] and fig.data[-1].line.dash == "dash"
    assert all("below" not in n for n in names)
    assert fig.layout.xaxis.type == "category"  # "2024-01" as written, not ticked "Jan 2024"


def test_bars_coloured_by_light_have_a_truthful_legend() -> None:
    from riskcore.charts.validation import LIGHT_COLOUR, MEAN_COLOUR, bars

    table = pd.DataFrame(
        {
            "grade": [1, 2, 3],
            "mean_pd": [0.1, 0.2, np.nan],
            "observed_rate": [0.1, 0.4, np.nan],
            "light": ["green", "red", "none"],  # an empty grade: no bar, so no grey swatch
        }
    )
    spec = {"x": "grade", "y": ["mean_pd", "observed_rate"], "light": "light"}
    fig = bars(spec, table, "t", lambda k: k)
    shown = [tr for tr in fig.data if tr.showlegend is not False]
    assert [tr.name for tr in shown] == [
        "col.mean_pd",
        "col.observed_rate · light.green",
        "col.observed_rate · light.red",
    ]
    assert shown[0].marker.color == MEAN_COLOUR
    assert [tr.marker.color for tr in shown[1:]] == [LIGHT_COLOUR["green"], LIGHT_COLOUR["red"]]
    observed = next(tr for tr in fig.data if tr.type == "bar" and tr.name == "col.observed_rate")
    assert observed.showlegend is False  # its bars have the lights' colours, not one swatch


def test_details_name_metrics_models_and_tests_as_people_read_them() -> None:
    from riskcore.verdict import Verdict

    verdict = Verdict("worse", "roc_auc", "logistic", 0.72, 0.80, -0.08, (-0.12, -0.04))
    detail = C.comparator_check(verdict).detail
    assert "(ROC-AUC)" in detail and "Logistic regression 0.800" in detail
    assert "(roc_auc)" not in detail and "vs logistic " not in detail
    grades = pd.DataFrame({"grade": [1], "n": [10], "light": ["green"], "binomial_p": [0.5]})
    grades["jeffreys_p"] = 0.5
    assert C.grades_check(grades, Policy().grades).detail.startswith("Jeffreys test")
    assert C.display_name("region") == "region"  # a data column stays as it is


def test_the_migration_summary_counts_beside_its_shares() -> None:
    times = pd.to_datetime(["2024-01-01"] * 3 + ["2024-06-01"] * 3)
    _, summary = migration_matrix(times, list("abcabc"), [1, 2, 3, 1, 3, 2], size=3)
    assert (summary["stable_count"], summary["downgraded_count"], summary["upgraded_count"]) == (
        1,
        1,
        1,
    )


def test_an_interval_chart_shows_its_reference_line_when_the_interval_ends_short_of_it() -> None:
    from riskcore.charts.validation import interval

    spec = {"value": -0.15, "lo": -0.267, "hi": -0.073, "reference": 0.0}
    fig = interval(spec, "advantage", "red", (), str)
    lo, hi = fig.layout.xaxis.range
    assert lo < -0.267 and hi > 0.0  # the 0 line was drawn on the plot's right edge
    gini = interval({"value": 0.36, "lo": 0.0, "hi": 0.55}, "gini", "amber", (0.2, 0.6), str)
    assert gini.layout.xaxis.range[1] > 0.6 and gini.layout.xaxis.range[0] < 0.0
