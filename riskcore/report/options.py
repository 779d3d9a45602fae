"""What an analyst may ask of a report, and the one error when the request is impossible.

ReportError, the sections a PDF can hold (in reading order) and the checks of the language,
the sections and the decision threshold live here, below the bands, the table and the PDF, so
that every entry point refuses the same things with the same message.
"""

from __future__ import annotations

from collections.abc import Sequence

from riskcore.errors import RiskcoreError
from riskcore.report.texts import LANGUAGES
from riskcore.store import Run

ALL_SECTIONS = (
    "summary",
    "data",
    "model",
    "metrics",
    "validation",
    "charts",
    "riskiest",
    "methodology",
    "appendix",
)
# Which predictions the CSV holds: the test period (what the metrics are judged on; default)
# or every split (train and validation too, e.g. for a back-book review).
CSV_SCOPES = ("test", "all")


class ReportError(RiskcoreError):
    """A report option the user chose is impossible (language, section, threshold)."""


def section_key(name: str, task: str) -> str:
    """The TEXTS key of a section's title: a quantile run's "metrics" section is its VaR
    backtesting (the comparators and the paired verdict are in it), titled so."""
    return "section.var" if name == "metrics" and task == "quantile" else f"section.{name}"


def check_threshold(run: Run, threshold: float | None) -> float | None:
    if threshold is None:
        return None
    if run.metrics.classification and not 0.0 < float(threshold) < 1.0:
        raise ReportError(f"threshold must be between 0 and 1 (exclusive), got {threshold}")
    if run.metrics.task == "quantile" and not -1.0 < float(threshold) < 0.0:
        raise ReportError(
            f"the threshold of a VaR run is a return at or below which a VaR is flagged, "
            f"between -1 and 0 (e.g. -0.03 for a 3% loss), got {threshold}"
        )
    return float(threshold)


def check_options(language: str, sections: Sequence[str]) -> tuple[str, ...]:
    if language not in LANGUAGES:
        raise ReportError(f"language must be one of {', '.join(LANGUAGES)}, got '{language}'")
    unknown = [s for s in sections if s not in ALL_SECTIONS]
    if unknown:
        raise ReportError(
            f"unknown report section(s) {', '.join(map(str, unknown))}; "
            f"choose from {', '.join(ALL_SECTIONS)}"
        )
    return tuple(s for s in ALL_SECTIONS if s in sections)  # always in reading order


def check_scope(scope: str) -> str:
    if scope not in CSV_SCOPES:
        raise ReportError(f"the CSV's splits must be one of {', '.join(CSV_SCOPES)}, got '{scope}'")
    return scope
