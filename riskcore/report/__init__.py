"""Risk reports of a run: a spreadsheet-safe CSV of the predictions and a risk-committee PDF.

Both read only the run store: the predictions, and the optional artefacts explanations.json
(top drivers of each prediction) and scenarios.json (stressed scores). This face is what
callers use (`from riskcore import report as R; R.report_pdf(run)`); behind it each module
builds only on those before it ("a -> b": b imports a):

    texts     every sentence of the report, in English and Chinese (TEXTS, text)
    options   ReportError, the sections a PDF can hold, the checks of an analyst's options
    bands     risk bands and their cut points
    table     the prediction table with drivers and scenario scores; the CSV
    layout    fonts, paragraph styles, tables and pages of the PDF
    figures   static matplotlib charts for the PDF
    backtesting  a quantile run's VaR backtesting section (pinball, coverage tests, zones)
    sections  what each PDF section says, from the run and the table
    document  report_pdf and the first-page preview
    word      model_document: the editable model documentation (.docx, python-docx)

    texts -> options -> bands -> table -> sections -> document; bands -> layout -> sections;
    figures -> sections; layout -> backtesting -> sections -> word

Every sentence of the PDF comes from texts.TEXTS, so the English and Chinese reports say the
same things.
"""

from riskcore.report.bands import BANDS, REGRESSION_BAND_QUANTILES, RISK_CUTS, band_cuts, risk_band
from riskcore.report.document import render_first_page_png, report_pdf
from riskcore.report.options import (
    ALL_SECTIONS,
    CSV_SCOPES,
    ReportError,
    check_options,
    check_threshold,
    section_key,
)
from riskcore.report.table import (
    DRIVERS,
    FORMULA_PREFIXES,
    escape_cell,
    load_explanations,
    load_scenarios,
    prediction_table,
    report_csv,
)
from riskcore.report.texts import LANGUAGES, TEXTS, text
from riskcore.report.word import model_document

__all__ = [
    "ALL_SECTIONS",
    "BANDS",
    "CSV_SCOPES",
    "DRIVERS",
    "FORMULA_PREFIXES",
    "LANGUAGES",
    "REGRESSION_BAND_QUANTILES",
    "RISK_CUTS",
    "TEXTS",
    "ReportError",
    "band_cuts",
    "check_options",
    "check_threshold",
    "escape_cell",
    "load_explanations",
    "load_scenarios",
    "model_document",
    "prediction_table",
    "render_first_page_png",
    "report_csv",
    "report_pdf",
    "risk_band",
    "section_key",
    "text",
]
