"""Risk bands: whether a score is low, medium, high or very high, and where the cuts lie.

The CSV's risk_band column, the PDF's tables and shading and its static charts all read the
bands here, so a prediction sits in the same band everywhere. Probabilities have fixed cuts;
a regression run's cuts are quantiles of its own training predictions. A quantile run's score is
its VaR, a return where lower means more risk, so its bands read the loss (-VaR) against
quantiles of its own training losses: `risk_sign` turns every score the right way up.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from riskcore.report.options import ReportError
from riskcore.store import Run

# Event probabilities at which a score moves up a band: below 10% is low, from 10% medium, from
# 30% high, from 60% very high. Round numbers a committee can remember; override per portfolio.
RISK_CUTS = (0.1, 0.3, 0.6)
# Regression scores (e.g. forward volatility) have no natural scale: their bands start at these
# quantiles of the run's own training predictions instead.
REGRESSION_BAND_QUANTILES = (0.5, 0.8, 0.95)
BANDS = ("low", "medium", "high", "very high")


def risk_band(score: np.ndarray, cuts: Sequence[float] = RISK_CUTS) -> np.ndarray:
    """Band name of each score: "low" below cuts[0], "medium" from cuts[0], "high" from
    cuts[1], "very high" from cuts[2] (default 10%, 30%, 60%). Missing scores get ""."""
    edges = np.asarray(cuts, dtype=float)
    if edges.shape != (3,) or not np.all(np.diff(edges) > 0):
        raise ReportError(f"risk band cuts must be three increasing numbers, got {tuple(cuts)}")
    values = np.asarray(score, dtype=float)
    bands = np.asarray(BANDS, dtype=object)[np.searchsorted(edges, values, side="right")]
    bands[np.isnan(values)] = ""
    return bands


def risk_sign(run: Run) -> float:
    """+1 where a higher score is more risk; -1 for a quantile run (a lower VaR is a larger
    loss). Bands, flags and "riskiest first" all read score * risk_sign."""
    return -1.0 if run.metrics.task == "quantile" else 1.0


def band_cuts(run: Run) -> tuple[float, float, float]:
    """RISK_CUTS for probabilities; training-prediction quantiles for a regression run, and of
    the training losses (-VaR) for a quantile run, in the units score * risk_sign."""
    if run.metrics.task not in ("regression", "quantile"):
        return RISK_CUTS
    scores = run.predictions["score"] * risk_sign(run)
    train = scores[run.predictions["split"] == "train"].dropna()
    if train.empty:
        train = scores.dropna()
    q = np.quantile(train, REGRESSION_BAND_QUANTILES)
    return tuple(float(v) for v in np.maximum.accumulate(q + np.arange(3) * 1e-12))
