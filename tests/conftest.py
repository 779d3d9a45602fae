"""Fixtures shared by test modules."""

from __future__ import annotations

import pytest

from tests.browser_support import launch_browser


@pytest.fixture(scope="module")
def browser():
    """One headless chromium per browser-test module (each page gets its own context)."""
    with launch_browser() as b:
        yield b
