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
