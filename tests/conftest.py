"""Fixtures shared by test modules.

Training dominates the suite's time, so the tiny runs that many modules read are trained once
per session here; a module that writes to a run (validation, scenarios, explanations) or needs
a store of its own works on a copy in its own home (`copy_run`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator

import pytest

from riskcore.jobs import JobManager
from riskcore.store import Run, RunStore, new_run_id
from tests.browser_support import launch_browser

# scikit-learn's OpenMP threads (the gradient-boosting baseline of every run) spin while they
# wait for each other: on the suite's two cores, beside TensorFlow, streamlit servers and worker
# processes, two of them fit the same model several times slower than one. libgomp reads this
# when scikit-learn first loads it, after this file (nothing imported above loads it); servers,
# job workers and CLI subprocesses inherit it.
os.environ.setdefault("OMP_NUM_THREADS", "1")

# `make test` runs the suite on two pytest-xdist workers, a module to a worker (--dist
# loadfile). The slowest modules (a few long browser journeys and trainings, measured with
# --durations=0) start first, so the last minutes are not one long module on one worker while
# the other idles; xdist's own reordering is turned off (it sorts by test count, which puts
# these last). The rest keep their collection order.
SLOWEST_FIRST = (
    "test_browser_load",
    "test_browser",
    "test_distribute",
    "test_jobs",
    "test_app",
    "test_cli_scenarios",
    "test_app_threshold",
    "test_app_scenarios",
    "test_explain",
    "test_text_hostile",
    "test_app_explain",
    "test_app_report",
    "test_tuning_parallel",
    "test_cli_quiet",
    "test_app_models_explained",
    "test_app_data_roles",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.stem, len(rank)))


@pytest.fixture(scope="module")
def browser():
    """One headless chromium per browser-test module (each page gets its own context)."""
    with launch_browser() as b:
        yield b


@pytest.fixture
def make_manager() -> Iterator[Callable[..., JobManager]]:
    """Job managers without the TensorFlow preload (fast), always shut down."""
    made: list[JobManager] = []

    def make(**kwargs) -> JobManager:
        made.append(JobManager(preload=(), **kwargs))
        return made[-1]

    yield make
    for manager in made:
        manager.shutdown()


@pytest.fixture(scope="module")
def copy_run(tmp_path_factory) -> Callable[[Run], Run]:
    """`copy_run(run)`: a copy of the run alone in a new RISKCORE_HOME (`copy.path.parent.parent`)
    under a new run id, as if trained again for the module: the session's run stays as trained,
    and nothing keyed by run id (the dashboard's in-process caches) carries over from another
    module. No file of a run holds its id, so the manifest still holds."""

    def copy(run: Run) -> Run:
        store = RunStore(tmp_path_factory.mktemp("home"))
        run_id = new_run_id()
        shutil.copytree(run.path, store.root / run_id)
        return store.load(run_id)

    return copy


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory) -> Run:
    """A tiny classification run on a random panel (3 entities, one Chinese- and one
    formula-named; tests.test_report.train_tiny_run): the Report page, report, CLI report and
    threshold tests read it."""
    from tests.test_report import train_tiny_run

    return train_tiny_run(tmp_path_factory.mktemp("tiny_home"))


@pytest.fixture(scope="session")
def credit_run(tmp_path_factory) -> Run:
    """A 1-epoch credit run on a slice of the sample borrowers, trained by the CLI
    (tests.test_app_validate.tiny_credit_run): the validation, document and CLI validate tests
    read it."""
    from tests.test_app_validate import tiny_credit_run

    home = tmp_path_factory.mktemp("credit_home")
    return RunStore(home).load(tiny_credit_run(home))


MARKET_CONFIG = {
    "data": {
        "time": "date",
        "entity": "ticker",
        "sequence_features": ["ret_1d", "volume"],
        "macro_features": ["credit_spread", "policy_rate"],
        "sentiment_features": ["sentiment"],
        "macro_lag": 1,
        "target": {"kind": "column", "column": "event"},
    },
    "window": 10,
    "horizon": 20,
    "model": {"units": [8], "dense_units": 4, "tower_units": 4},
    "training": {"epochs": 1, "batch_size": 512, "patience": 0},
}


@pytest.fixture(scope="session")
def market_run(tmp_path_factory) -> Run:
    """A tiny event-classification run on four tickers of the market sample (prices, two macro
    columns, sentiment), its input files recorded as an upload records them: the Scenarios page
    and CLI scenario tests read it."""
    from riskcore.config import parse_config
    from riskcore.io import read_table
    from riskcore.train import describe_source, train_run
    from tests.browser_support import small_market_files

    folder = tmp_path_factory.mktemp("market")
    frames, sources = {}, []
    for role, path in small_market_files(folder).items():
        frames[role], report = read_table(path)
        sources.append(describe_source(role, path.name, path, rows=report.rows))
    store = RunStore(folder / "home")
    config = parse_config(MARKET_CONFIG)
    return store.load(train_run(config, **frames, store=store, sources=sources))


@pytest.fixture(scope="session")
def quantile_run(tmp_path_factory):
    """One tiny quantile (VaR / ES) run on four tickers of the market sample, trained once per
    session: the Results, Explain, Scenarios, Report and CLI tests of the quantile task read it.
    A test that writes to the run copies `run.path` into its own home first."""
    import json

    import pandas as pd

    from riskcore.config import parse_config
    from riskcore.train import train_run
    from tests.browser_support import ROOT

    sample = ROOT / "sample_data"
    raw = json.loads((sample / "market_var_config.json").read_text(encoding="utf-8"))
    raw["model"].update({"units": [8], "dense_units": 4, "tower_units": 4})
    raw["training"].update({"epochs": 2, "batch_size": 256, "patience": 0})
    primary = pd.read_csv(sample / "market_prices.csv")
    primary = primary[primary["ticker"].isin(sorted(primary["ticker"].unique())[:4])]
    macro = pd.read_csv(sample / "market_macro.csv")
    sentiment = pd.read_csv(sample / "market_sentiment.csv")
    sentiment = sentiment[sentiment["ticker"].isin(primary["ticker"].unique())]
    store = RunStore(tmp_path_factory.mktemp("quantile_home"))
    run_id = train_run(parse_config(raw), primary, macro, sentiment, store=store)
    return store.load(run_id)
