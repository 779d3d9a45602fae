"""The cost-optimal and rate-matched thresholds (riskcore.metrics), by hand and against a
brute-force search over expected_cost."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcore import metrics as M


def test_cost_optimal_threshold_by_hand() -> None:
    y = np.array([0, 0, 1, 0, 1, 1])
    s = np.array([0.1, 0.2, 0.3, 0.4, 0.8, 0.9])
    # a miss costs 10, a false alarm 1: flag from 0.3 (one false alarm at 0.4, no miss)
    assert M.cost_optimal_threshold(y, s, 10, 1) == 0.3
    # a false alarm costs 10, a miss 1: flag only the top two (one miss, no alarm)
    assert M.cost_optimal_threshold(y, s, 1, 10) == 0.8
    # on the slider's grid the cheapest block is 0.21 .. 0.30; its middle is returned
    assert M.cost_optimal_threshold(y, s, 10, 1, candidates=M.THRESHOLD_GRID) == 0.26
    # nothing is worth flagging when alarms are dear enough: a threshold above every score
    y, s = np.array([1, 0]), np.array([0.3, 0.6])
    top = M.cost_optimal_threshold(y, s, 1, 1000)
    assert top > 0.6 and M.threshold_scores(y, s, top)["flagged_share"] == 0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 1), st.integers(0, 20)), min_size=1, max_size=40),
    st.floats(0, 100),
    st.floats(0, 100),
)
def test_cost_optimal_threshold_is_the_cheapest(rows, miss, alarm) -> None:
    y = np.array([r[0] for r in rows])
    s = np.array([r[1] / 20 for r in rows])
    for candidates in (None, M.THRESHOLD_GRID):
        best = M.cost_optimal_threshold(y, s, miss, alarm, candidates=candidates)
        grid = np.append(np.unique(s), 2.0) if candidates is None else candidates
        flagged = s[None, :] >= np.asarray(grid)[:, None]  # one row per threshold
        costs = ((~flagged & (y == 1)).sum(1) * miss + (flagged & (y == 0)).sum(1) * alarm) / y.size
        assert M.expected_cost(y, s, best, miss, alarm) == pytest.approx(costs.min(), abs=1e-12)
        if candidates is not None:
            assert best in M.THRESHOLD_GRID


def test_cost_optimal_threshold_rejects_negative_costs() -> None:
    with pytest.raises(ValueError, match="costs"):
        M.cost_optimal_threshold([0, 1], [0.2, 0.7], -1, 1)


def test_rate_matched_threshold_flags_about_the_events_on_the_grid() -> None:
    rng = np.random.default_rng(0)
    y = (rng.random(2000) < 0.2).astype(int)
    s = np.clip(0.2 + 0.3 * y + rng.normal(0, 0.15, y.size), 0, 1)
    threshold = M.rate_matched_threshold(y, s)
    assert threshold in M.THRESHOLD_GRID
    assert M.threshold_scores(y, s, threshold)["flagged_share"] == pytest.approx(y.mean(), abs=0.02)
