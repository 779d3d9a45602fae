"""Fixtures shared by test modules."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from riskcore.jobs import JobManager
from tests.browser_support import launch_browser


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


@pytest.fixture(scope="session")
def quantile_run(tmp_path_factory):
    """One tiny quantile (VaR / ES) run on four tickers of the market sample, trained once per
    session: the Results, Explain, Scenarios, Report and CLI tests of the quantile task read it.
    A test that writes to the run copies `run.path` into its own home first."""
    import json

    import pandas as pd

    from riskcore.config import parse_config
    from riskcore.store import RunStore
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
