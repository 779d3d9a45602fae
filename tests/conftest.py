"""Fixtures shared by test modules."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

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


# ---- trained runs shared by the whole session ------------------------------------------------
# Training is the slow part of most run-level tests; these runs are trained once per session and
# every module gets its own copy of the home (copy_home), so what one module writes into its
# store (validation.json, a copied run, a job journal) is never seen by another.
def copy_home(template: Path, home: Path) -> Path:
    """`home` (created) holding a copy of everything in the `template` home."""
    shutil.copytree(template, home, dirs_exist_ok=True)
    return home


@pytest.fixture(scope="session")
def tiny_run_template(tmp_path_factory) -> Path:
    """A home with one tiny trained run (tests.test_report.train_tiny_run: 3 entities, one
    Chinese- and one formula-named). Never write to it: use tiny_run_home."""
    from tests.test_report import train_tiny_run

    home = tmp_path_factory.mktemp("tiny-run-template")
    train_tiny_run(home)
    return home


@pytest.fixture(scope="module")
def tiny_run_home(tiny_run_template, tmp_path_factory) -> Path:
    """This module's own home holding a copy of the tiny run."""
    return copy_home(tiny_run_template, tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="session")
def tiny_credit_template(tmp_path_factory) -> tuple[Path, str]:
    """A home with one tiny credit run trained by the CLI (tests.test_app_validate.
    tiny_credit_run) and its id. Never write to it: use tiny_credit_home."""
    from tests.test_app_validate import tiny_credit_run

    home = tmp_path_factory.mktemp("tiny-credit-template")
    return home, tiny_credit_run(home)


@pytest.fixture(scope="module")
def tiny_credit_home(tiny_credit_template, tmp_path_factory) -> tuple[Path, str]:
    """This module's own home holding a copy of the tiny credit run, and the run's id."""
    template, run_id = tiny_credit_template
    return copy_home(template, tmp_path_factory.mktemp("home")), run_id
