"""The verdict: does the deep model beat its best comparator on test, beyond noise?

One rule, used by the Results page, the report and the CLI. It rests on the paired interval of
the difference (the same bootstrap resamples for both models, blocks of dates for time splits),
not on whether two separate intervals overlap. The comparator is the best of logistic
regression, gradient boosting and the one-number benchmark on the same test metric, so a win
over the weakest comparator is never sold as a win.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from riskcore.artefacts import DISPLAY_ORDER, RunMetrics
from riskcore.metrics import HEADLINE, LOWER_BETTER

COMPARATORS = DISPLAY_ORDER[1:]
OUTCOMES = ("better", "within", "worse", "undefined")


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


@dataclass(frozen=True)
class Verdict:
    """`outcome` is better (the paired interval clears zero in the model's favour), within (the
    model is ahead but the interval includes zero), worse (the comparator is at least as good)
    or undefined (no finite metric, e.g. a one-class test split)."""

    outcome: str
    metric: str
    comparator: str | None = None
    model_value: float = math.nan
    comparator_value: float = math.nan
    advantage: float = math.nan  # in the model's favour: positive is better for the model
    advantage_ci: tuple[float, float] = (math.nan, math.nan)

    @property
    def colour(self) -> str:
        """The one colour a card's delta may show: it never contradicts the sentence."""
        return {"better": "green", "within": "gray", "worse": "red"}.get(self.outcome, "gray")


def decide(metrics: dict) -> Verdict:
    """The verdict from a run's metrics.json: its `test` entries and `paired` differences."""
    metrics = RunMetrics.of(metrics)  # a stored run's metrics, or the dict a fit just built
    metric = HEADLINE[metrics.task]
    sign = -1.0 if metric in LOWER_BETTER else 1.0
    model = metrics.scores("model")
    values = {
        name: metrics.scores(name).value(metric)
        for name in COMPARATORS
        if metrics.scores(name).has(metric)
    }
    if not model.has(metric) or not values:
        return Verdict("undefined", metric)
    best = max(values, key=lambda name: sign * values[name])
    paired = metrics.scores(best, "paired")
    diff = paired.get(metric, model[metric] - values[best])
    lo, hi = paired.ci(metric)
    advantage = sign * diff
    ci = sorted((sign * lo, sign * hi)) if _finite(lo) and _finite(hi) else [math.nan, math.nan]
    if advantage <= 0:
        outcome = "worse"
    elif _finite(ci[0]) and ci[0] > 0:
        outcome = "better"
    else:
        outcome = "within"
    return Verdict(outcome, metric, best, model[metric], values[best], advantage, tuple(ci))
