"""The report's entry points that make files: the risk-committee PDF and its first-page preview.

report_pdf checks the options, loads the optional artefacts and builds the prediction table
once, then hands a ReportContext to riskcore.report.sections, which says what each section
holds; render_first_page_png turns page one into a PNG for the Report page's preview.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence

from riskcore.report.bands import band_cuts
from riskcore.report.options import ALL_SECTIONS, check_options, check_threshold
from riskcore.report.sections import ReportContext, build_pdf
from riskcore.report.table import load_explanations, load_scenarios, prediction_table
from riskcore.report.texts import text
from riskcore.store import Run


def report_pdf(
    run: Run,
    title: str | None = None,
    notes: str = "",
    language: str = "en",
    sections: Sequence[str] = ALL_SECTIONS,
    threshold: float | None = None,
) -> bytes:
    """The risk-committee PDF: a cover with the analyst's title (default "Risk report" in the
    report's language) and notes, then `sections`."""
    chosen = check_options(language, sections)
    title = text("cover.title", language) if title is None else title
    threshold = check_threshold(run, threshold)
    explanations = load_explanations(run)
    scenarios = load_scenarios(run)
    cuts = band_cuts(run)
    table = prediction_table(run, threshold, explanations, scenarios, cuts)
    context = ReportContext(
        run, title, notes, language, chosen, threshold, cuts, table, explanations, scenarios
    )
    return build_pdf(context)


def render_first_page_png(pdf: bytes, dpi: int = 80) -> bytes | None:
    """The first page as PNG for an on-screen preview; None when pdftoppm is not installed."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        return None
    cmd = [
        exe,
        "-f",
        "1",
        "-l",
        "1",
        "-r",
        str(int(dpi)),
        "-png",
        "-singlefile",
        "-",
    ]  # stdin to stdout
    done = subprocess.run(cmd, input=pdf, capture_output=True, timeout=60, check=False)
    if done.returncode != 0 or not done.stdout.startswith(b"\x89PNG"):
        raise RuntimeError(f"pdftoppm failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout
