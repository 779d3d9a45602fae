"""One saved-run transform: score, explain, scenarios, validate and watch feed the model the same
inputs for the same rows, because all of them go through dataset.apply_saved; and one parse
helper: a config, a scenario, a search space and a policy name their mistakes the same way."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from riskcore import scoring
from riskcore.config import parse_config
from riskcore.dataset import SavedInputs, apply_saved, order_rows, transform_new
from riskcore.errors import ConfigError, DataValidationError, TuningError
from riskcore.explain import RunInputs
from riskcore.parsing import Strict, parse_model
from riskcore.scenarios import parse_scenario, prepare_inputs
from riskcore.store import RunStore
from riskcore.train import feature_frame, train_run
from riskcore.tuning import parse_space
from riskcore.validation import parse_policy
from riskcore.validation.errors import PolicyError
from riskcore.validation.run import run_sample
from riskcore.watch import Watcher
from tests.panels import config_dict, planted_panel

TINY = {"units": [4], "dense_units": 4, "tower_units": 4, "dropout": 0.0}


@pytest.fixture(scope="module")
def data():
    return planted_panel(entities=3, days=120)


@pytest.fixture(scope="module")
def run(data, tmp_path_factory):
    event = {"kind": "column", "column": "event"}
    raw = config_dict(5, 1, event, macro_features=["m1", "m2"], static_features=["size", "sector"])
    raw |= {"model": TINY, "training": {"epochs": 1, "batch_size": 64, "patience": 0}}
    config = parse_config(raw)
    store = RunStore(tmp_path_factory.mktemp("home"))
    return store.load(train_run(config, *data, store=store))


@pytest.mark.slow
def test_every_caller_feeds_the_model_the_same_inputs(run, data, tmp_path, monkeypatch) -> None:
    calls: list[SavedInputs] = []
    real = scoring.apply_saved

    def spy(*args, **kwargs) -> SavedInputs:
        calls.append(real(*args, **kwargs))
        return calls[-1]

    monkeypatch.setattr(scoring, "apply_saved", spy)
    primary, macro, sentiment = data
    scored = scoring.score(run, primary, macro, sentiment)
    explained = RunInputs.of(run)
    scenario = prepare_inputs(run, primary, macro, sentiment, which="all")
    validated = run_sample(run)
    folder = tmp_path / "in"
    folder.mkdir()
    primary.to_csv(folder / "today.csv", index=False)
    watcher = Watcher(run, folder, tmp_path / "out", macro, sentiment)
    [outcome] = watcher.scan(now=time.time() + 3600)
    assert not outcome.error, outcome.error
    assert len(calls) == 5  # score, explain, scenarios, validate, watch: one transform each

    rows = scored.ends
    want = scored.panel.inputs(rows)
    np.testing.assert_array_equal(scenario.ends, rows)
    for panel in (explained.panel, scenario.panel, calls[-1].panel):
        got = panel.inputs(rows)
        assert list(got) == list(want)
        for block in want:
            np.testing.assert_array_equal(got[block], want[block], err_msg=block)
    listed = explained.x(rows)
    for block, array in zip(scored.panel.input_names, listed, strict=True):
        np.testing.assert_array_equal(array, want[block])
    test = run.predictions.query("split == 'test'")["row"].to_numpy(np.int64)
    pd.testing.assert_frame_equal(validated.features, feature_frame(scored.panel, test))
    watched = pd.read_csv(tmp_path / "out" / "today.scores.csv")
    np.testing.assert_allclose(watched["score"], scored.predictions["score"], rtol=1e-6)


@pytest.mark.slow
def test_the_transform_names_mismatched_types_and_keeps_the_row_order(run, data) -> None:
    primary, macro, sentiment = data
    texted = primary.assign(f1="high")
    with pytest.raises(DataValidationError, match=f"numeric when run {run.run_id} was trained"):
        scoring.saved_inputs(run, texted, macro, sentiment)
    numbered = primary.assign(sector=1.0)
    with pytest.raises(DataValidationError, match="'sector' was text"):
        scoring.saved_inputs(run, numbered, macro, sentiment)
    shuffled = primary.sample(frac=1.0, random_state=0)
    saved = apply_saved(run.config, run.state, shuffled, macro, sentiment)
    ordered = order_rows(shuffled, run.config)
    assert (saved.frame["_entity"].to_numpy() == ordered["_entity"].to_numpy()).all()
    panel, ends = transform_new(run.config, run.state, shuffled, macro, sentiment)
    np.testing.assert_array_equal(ends, saved.ends)
    np.testing.assert_array_equal(panel.blocks["sequence"], saved.panel.blocks["sequence"])


# ---- one parse helper ------------------------------------------------------------------------
PARSERS = {
    "config": (parse_config, ConfigError),
    "scenario": (parse_scenario, ConfigError),
    "search space": (parse_space, TuningError),
    "validation policy": (parse_policy, PolicyError),
}


@pytest.mark.parametrize("what", PARSERS)
def test_every_file_names_its_mistakes_the_same_way(what: str) -> None:
    parse, error = PARSERS[what]
    with pytest.raises(error, match=rf"^{what} 'f\.json' is not valid JSON at line 1 column"):
        parse('{"x": ', "f.json")
    with pytest.raises(error, match=rf"^{what} \(JSON\) must be a JSON object"):
        parse("[1, 2]")
    with pytest.raises(error, match=rf"^{what} 'f\.json' is nested too deeply"):
        parse("[" * 100_000 + "]" * 100_000, "f.json")
    with pytest.raises(error, match=rf"^invalid {what} 'f\.json': .*colour: unknown key \("):
        parse({"colour": "red"}, "f.json")


class _Pair(Strict):
    low: int
    high: int = 0


def test_parse_model_lists_five_mistakes_and_counts_the_rest() -> None:
    with pytest.raises(ConfigError) as err:
        parse_model(_Pair, {f"k{i}": i for i in range(7)}, "pair", ConfigError, "p.json")
    text = str(err.value)
    assert text.startswith("invalid pair 'p.json': low: required but missing; k0: unknown key")
    assert text.endswith("(and 3 more)")
    with pytest.raises(ConfigError, match=r"high: .*\(got 'x'\)"):
        parse_model(_Pair, '{"low": 1, "high": "x"}', "pair", ConfigError)
    assert parse_model(_Pair, b'{"low": 2}', "pair", ConfigError) == _Pair(low=2)
