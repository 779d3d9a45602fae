"""The validation policy: which checks run, and where each turns amber or red.

A policy is a JSON file (YAML too when PyYAML is installed); `sample_data/validation_policy.json`
is the default, key for key (`Policy()`), documented in `sample_data/README.md`. Every key has a
default, so a policy file names only what it changes. Validated once, up front, with messages
that name the key, like the RunConfig.

Thresholds say their direction in their name: `red_below` / `amber_below` for values that are
bad when low (a Gini, a p-value), `red_above` / `amber_above` for values that are bad when high
(a PSI, an adverse-impact shortfall, a count of flagged periods). `null` switches one light off.

The var_* and es_backtest sections gate a quantile (VaR / ES) run instead of the
classification checks; a policy file written before they existed loads with their defaults.
"""

from __future__ import annotations

import itertools
import json
import math
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from riskcore.backtests import Z2_RED, Z2_YELLOW
from riskcore.parsing import Hints, Strict, parse_model
from riskcore.validation.errors import PolicyError

LIGHTS = ("green", "amber", "red")  # worst last
POLICY_SAMPLE = "sample_data/validation_policy.json"
DEFAULT_BOUNDS = (0.005, 0.01, 0.02, 0.05, 0.10, 0.20)  # upper PD bounds of grades 1-6 of 7


def worst(lights) -> str:
    """The worst of some lights (green when there are none)."""
    ranks = [LIGHTS.index(light) for light in lights if light in LIGHTS]
    return LIGHTS[max(ranks)] if ranks else "green"


DEFAULT_POLICY_NAME = "default"  # the built-in policy's name; the page says it in words


class LowIsBad(Strict):
    """A check whose value is bad when low: red below `red_below`, amber below `amber_below`."""

    enabled: bool = True
    red_below: float | None = None
    amber_below: float | None = None

    @model_validator(mode="after")
    def _ordered(self):
        red, amber = self.red_below, self.amber_below
        if red is not None and amber is not None and amber < red:
            raise ValueError(
                f"amber_below ({amber}) must be at least red_below ({red}): amber warns before red"
            )
        return self

    def light(self, value: float | None) -> str:
        """A value that could not be computed is amber: it neither passes nor fails the gate."""
        if value is None or not math.isfinite(value):
            return "amber"
        if self.red_below is not None and value < self.red_below:
            return "red"
        if self.amber_below is not None and value < self.amber_below:
            return "amber"
        return "green"

    def describe(self) -> dict:
        return {"rule": "below", "threshold": self.red_below, "amber": self.amber_below}


class HighIsBad(Strict):
    """A check whose value is bad when high: red above `red_above`, amber above `amber_above`."""

    enabled: bool = True
    red_above: float | None = None
    amber_above: float | None = None

    @model_validator(mode="after")
    def _ordered(self):
        red, amber = self.red_above, self.amber_above
        if red is not None and amber is not None and amber > red:
            raise ValueError(
                f"amber_above ({amber}) must be at most red_above ({red}): amber warns before red"
            )
        return self

    def light(self, value: float | None) -> str:
        if value is None or not math.isfinite(value):
            return "amber"
        if self.red_above is not None and value > self.red_above:
            return "red"
        if self.amber_above is not None and value > self.amber_above:
            return "amber"
        return "green"

    def describe(self) -> dict:
        return {"rule": "above", "threshold": self.red_above, "amber": self.amber_above}


class GiniCheck(LowIsBad):
    """The deep model's test Gini (2 AUC - 1)."""

    red_below: float | None = Field(default=0.20, ge=-1, le=1)
    amber_below: float | None = Field(default=0.40, ge=-1, le=1)


class PValueCheck(LowIsBad):
    red_below: float | None = Field(default=0.01, ge=0, le=1)
    amber_below: float | None = Field(default=0.05, ge=0, le=1)


class GradesPolicy(PValueCheck):
    """The master scale and the per-grade tests; the light of a grade is its `test` p-value."""

    method: Literal["bounds", "equal_count"] = "bounds"
    bounds: list[float] | None = Field(
        default=None,
        min_length=1,
        max_length=19,
        description="Upper PD bounds of every grade but the last, increasing; null: the bounds "
        "saved with the run (validation.json), else DEFAULT_BOUNDS.",
    )
    count: int = Field(default=7, ge=2, le=20, description="Grades, for equal_count.")
    test: Literal["jeffreys", "binomial"] = "jeffreys"
    side: Literal["under", "both"] = Field(
        default="under",
        description="under: only PDs that understate the defaults are flagged (the ECB's "
        "one-sided tests); both: overstated PDs too.",
    )

    @field_validator("bounds")
    @classmethod
    def _increasing(cls, bounds: list[float] | None) -> list[float] | None:
        if bounds is None:
            return None
        if any(not 0.0 < b < 1.0 for b in bounds):
            raise ValueError("every bound must be a PD strictly between 0 and 1")
        if any(b >= c for b, c in itertools.pairwise(bounds)):
            raise ValueError(f"bounds must increase strictly, got {bounds}")
        return bounds


class HosmerLemeshowCheck(PValueCheck):
    groups: int = Field(default=10, ge=3, le=100, description="Equal-count groups (deciles).")


class DiscriminationCheck(HighIsBad):
    """How many test periods have a ROC-AUC interval wholly below the whole-test ROC-AUC."""

    red_above: int | None = Field(default=2, ge=0)
    amber_above: int | None = Field(default=0, ge=0)


class PsiCheck(HighIsBad):
    over: Literal["split", "period"] = Field(
        default="split",
        description="split: the PSI of the whole test split (or new data) against training; "
        "period: the largest PSI of any period with at least periods.min_rows rows.",
    )
    red_above: float | None = Field(default=0.25, ge=0)
    amber_above: float | None = Field(default=0.10, ge=0)


class InputPsiCheck(PsiCheck):
    """The largest PSI of any input; amber only by default (macro inputs move by design)."""

    red_above: float | None = Field(default=None, ge=0)
    amber_above: float | None = Field(default=0.25, ge=0)


class AdverseImpactCheck(HighIsBad):
    """The largest shortfall 1 - adverse-impact ratio; red above 0.2 is the four-fifths rule."""

    red_above: float | None = Field(default=0.20, ge=0, le=1)
    amber_above: float | None = Field(default=0.10, ge=0, le=1)


class ComparatorCheck(Strict):
    """The deep model against its best comparator (riskcore.verdict.decide): red when the
    comparator is better beyond the paired interval, amber when it is ahead within it."""

    enabled: bool = True


class VarTrafficLightCheck(Strict):
    """The Basel traffic light of each VaR level: red zone red, yellow zone amber.

    `over` pooled: the zone of all test rows pooled over entities (the binomial rule on all
    rows; riskcore.backtests says why it is a guide); worst_entity: the worst zone of any
    entity over its last 250 test rows (the Basel window), the stricter reading."""

    enabled: bool = True
    over: Literal["pooled", "worst_entity"] = "pooled"


class EsBacktestCheck(LowIsBad):
    """Acerbi & Szekely's Z2 of the ES at each level; the defaults are the authors' zones
    (riskcore.backtests Z2_RED / Z2_YELLOW), so the light is the stored es_zone."""

    red_below: float | None = Field(default=Z2_RED, le=0)
    amber_below: float | None = Field(default=Z2_YELLOW, le=0)


class PeriodsPolicy(Strict):
    freq: Literal["auto", "month", "quarter"] = Field(
        default="auto", description="auto: months when the test span is at most 24 months."
    )
    min_rows: int = Field(default=100, ge=1, description="Fewer rows: shown, never flagged.")
    n_boot: int = Field(default=200, ge=20, le=2000)
    seed: int = Field(default=0, ge=0)


class SegmentsPolicy(Strict):
    column: str | None = Field(default=None, description="A primary column; --segment wins.")
    bins: int = Field(default=4, ge=2, le=20, description="Quantile bins of a numeric column.")
    max_levels: int = Field(default=20, ge=2, le=200)
    min_rows: int = Field(default=30, ge=1, description="Smaller segments are not compared.")
    threshold: float | None = Field(
        default=None,
        gt=0,
        lt=1,
        description="Approve when score < threshold; null: the run's default threshold.",
    )


class MigrationPolicy(Strict):
    start: date | None = Field(default=None, description="Default: the first test date.")
    end: date | None = Field(default=None, description="Default: the last test date.")

    @model_validator(mode="after")
    def _ordered(self):
        if self.start and self.end and self.end <= self.start:
            raise ValueError(f"end ({self.end}) must come after start ({self.start})")
        return self


class Policy(Strict):
    version: Literal[1] = 1
    name: str = Field(default=DEFAULT_POLICY_NAME, max_length=200)
    test_gini: GiniCheck = Field(default_factory=GiniCheck)
    comparator: ComparatorCheck = Field(default_factory=ComparatorCheck)
    grades: GradesPolicy = Field(default_factory=GradesPolicy)
    hosmer_lemeshow: HosmerLemeshowCheck = Field(default_factory=HosmerLemeshowCheck)
    spiegelhalter: PValueCheck = Field(default_factory=PValueCheck)
    discrimination: DiscriminationCheck = Field(default_factory=DiscriminationCheck)
    score_psi: PsiCheck = Field(default_factory=PsiCheck)
    input_psi: InputPsiCheck = Field(default_factory=InputPsiCheck)
    adverse_impact: AdverseImpactCheck = Field(default_factory=AdverseImpactCheck)
    # quantile (VaR / ES) runs only; a classification run never reads them
    var_traffic_light: VarTrafficLightCheck = Field(default_factory=VarTrafficLightCheck)
    var_kupiec: PValueCheck = Field(default_factory=PValueCheck)
    var_independence: PValueCheck = Field(default_factory=PValueCheck)
    var_conditional_coverage: PValueCheck = Field(default_factory=PValueCheck)
    es_backtest: EsBacktestCheck = Field(default_factory=EsBacktestCheck)
    var_comparator: ComparatorCheck = Field(default_factory=ComparatorCheck)
    periods: PeriodsPolicy = Field(default_factory=PeriodsPolicy)
    segments: SegmentsPolicy = Field(default_factory=SegmentsPolicy)
    migration: MigrationPolicy = Field(default_factory=MigrationPolicy)

    def to_dict(self) -> dict:
        return self.model_dump(mode="json")

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


# ---- reading ------------------------------------------------------------------------------------
POLICY_HINTS = Hints(
    shape=f"a JSON object of checks, like {POLICY_SAMPLE}",
    fix=f"fix the file or start from {POLICY_SAMPLE}",
    unknown_key=f"check the spelling; see {POLICY_SAMPLE}",
)


def parse_policy(data: dict | str | bytes, source: str = "") -> Policy:
    """A Policy from a dict or JSON text, or a PolicyError naming the key."""
    return parse_model(Policy, data, "validation policy", PolicyError, source, POLICY_HINTS)


def load_policy(path: str | Path) -> Policy:
    """Read a policy file: JSON, or YAML (.yaml / .yml) when PyYAML is installed."""
    p = Path(path)
    if not p.is_file():
        raise PolicyError(
            f"policy file '{path}' not found; pass the path of a policy such as {POLICY_SAMPLE}"
        )
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise PolicyError(f"cannot read the policy file '{path}' ({exc.strerror})") from None
    if p.suffix.lower() not in (".yaml", ".yml"):
        return parse_policy(raw, str(path))
    try:
        import yaml
    except ImportError:
        raise PolicyError(
            f"'{path}' is YAML, which needs PyYAML (pip install pyyaml); or save it as JSON"
        ) from None
    try:
        data = yaml.safe_load(raw.decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        reason = " ".join(str(exc).split())
        raise PolicyError(f"validation policy '{path}' is not valid YAML: {reason}") from None
    return parse_policy(data if data is not None else {}, str(path))
