"""Widgets of the Report page: report options, the CSV and PDF downloads, a first-page preview.

Opening the page builds nothing: the CSV (seconds and tens of MB on a million-prediction run),
the PDF (a second or more of layout) and the model documentation are each built only when
asked (a button, then the download button), and cached by run, artefact versions and options,
so downloading, or moving to another page and back, costs nothing. Nothing here imports
TensorFlow: a report reads only the run's stored files.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

import streamlit as st

from riskcore import report as R
from riskcore.errors import RiskcoreError
from riskcore.store import Run
from ui.i18n import LANGUAGES, language, t
from ui.page import load_run, show_error, threshold_slider

ARTEFACTS = ("explanations.json", "scenarios.json")
BUILT_KEY = "report_built"  # the options of the PDF this session last asked for
CSV_BUILT_KEY = "report_csv_built"  # the same for the CSV
SCOPE_KEY = "report_csv_scope"
LANGUAGE_KEY, LANGUAGE_CHOSEN = "report_language", "report_language_chosen"
SECTIONS_KEY, THRESHOLD_KEY = "report_sections", "report_threshold"
WIDGETS = ("report_title", "report_notes", LANGUAGE_KEY, SECTIONS_KEY)  # threshold: per run
KEPT = "report_kept"  # the WIDGETS' values of the last run of this page


@dataclass(frozen=True)
class ReportOptions:
    """What the analyst chose; hashable, so it keys the PDF cache."""

    title: str
    notes: str
    language: str
    sections: tuple[str, ...]
    threshold: float | None


@dataclass(frozen=True)
class BuiltReport:
    pdf: bytes
    preview: bytes | None  # PNG of the first page; None when it cannot be rendered


def file_name(run: Run, suffix: str) -> str:
    """Download names come from the generated run id, never from text the user typed;
    a suffix with a dot ("all-splits.csv") is joined by a hyphen."""
    sep = "-" if "." in suffix else "."
    return f"risklens-report-{run.run_id}{sep}{suffix}"


def artefact_version(run: Run) -> tuple[int, ...]:
    """Modification times of the artefacts a report reads: a new explanation or scenario of
    the run gives a new cache key."""
    return tuple(
        (run.path / name).stat().st_mtime_ns if (run.path / name).exists() else 0
        for name in ARTEFACTS
    )


def _threshold(run: Run) -> float | None:
    """For classification the run's one decision threshold (the Results page's: moving it here
    moves it there); an optional number for regression, whose scores have no fixed scale, and
    for a VaR run a return (negative) at or below which a VaR is flagged."""
    if run.metrics.classification:
        return threshold_slider(
            st, run, THRESHOLD_KEY, t("report.threshold"), t("report.threshold_help")
        )
    if run.metrics.task == "quantile":
        return st.number_input(
            t("report.threshold_var"),
            min_value=-0.99,
            max_value=-0.0001,
            value=None,
            step=0.005,
            format="%.4f",
            key="report_threshold_var",
            help=t("report.threshold_var_help"),
        )
    return st.number_input(
        t("report.threshold_regression"),
        value=None,
        key="report_threshold_regression",
        help=t("report.threshold_help"),
    )


def report_options(run: Run) -> ReportOptions:
    """Title, notes, language (the UI's by default), sections and threshold."""
    _restore()
    st.subheader(t("report.options"))
    c1, c2 = st.columns([2, 1])
    title = c1.text_input(
        t("report.doc_title"),
        placeholder=R.text("cover.title", language()),
        max_chars=200,
        key="report_title",
        help=t("report.doc_title_help"),
    )
    chosen_language = c2.selectbox(
        t("report.language"),
        R.LANGUAGES,
        format_func=LANGUAGES.get,
        key=LANGUAGE_KEY,
        help=t("report.language_help"),
        on_change=lambda: st.session_state.update({LANGUAGE_CHOSEN: True}),
    )
    notes = st.text_area(
        t("report.notes"), max_chars=5000, key="report_notes", help=t("report.notes_help")
    )
    sections = st.multiselect(
        t("report.sections"),
        R.ALL_SECTIONS,
        format_func=lambda name: R.text(R.section_key(name, run.metrics.task), language()),
        key=SECTIONS_KEY,
        help=t("report.sections_help"),
        placeholder=t("data.choose"),
    )
    threshold = _threshold(run)
    _keep()
    return ReportOptions(
        title.strip() or R.text("cover.title", chosen_language),
        notes,
        chosen_language,
        tuple(sections),
        threshold,
    )


def _restore() -> None:
    """Put back the options of the last visit. Streamlit drops a widget's value once a run
    of another page does not draw it, and the browser returns a multiselect's choice as
    labels, which no longer match after a language switch; both would lose the analyst's
    notes or sections. The report language follows the UI's until the analyst picks one."""
    kept = st.session_state.get(KEPT, {})
    for key, value in kept.items():
        if key in WIDGETS and key not in st.session_state:
            st.session_state[key] = value
    if kept.get("ui_language", language()) != language() and SECTIONS_KEY in kept:
        st.session_state[SECTIONS_KEY] = kept[SECTIONS_KEY]
    if not st.session_state.get(LANGUAGE_CHOSEN):
        st.session_state[LANGUAGE_KEY] = language()
    st.session_state.setdefault(SECTIONS_KEY, list(R.ALL_SECTIONS))


def _keep() -> None:
    kept = {k: st.session_state[k] for k in WIDGETS if k in st.session_state}
    st.session_state[KEPT] = {**kept, "ui_language": language()}


@st.cache_data(show_spinner=False, max_entries=8, ttl="15m", max_size="256MB")
def _csv(
    run_id: str, version: tuple[int, ...], threshold: float | None, scope: str, language: str
) -> bytes:
    return R.report_csv(load_run(run_id), threshold, language=language, scope=scope)


@st.cache_data(show_spinner=False, max_entries=8, ttl="15m", max_size="128MB")
def _pdf(run_id: str, version: tuple[int, ...], options: ReportOptions) -> BuiltReport:
    pdf = R.report_pdf(
        load_run(run_id),
        title=options.title,
        notes=options.notes,
        language=options.language,
        sections=options.sections,
        threshold=options.threshold,
    )
    return BuiltReport(pdf, _preview(pdf))


def _preview(pdf: bytes) -> bytes | None:
    """The first page as PNG, or None: a missing or failing pdftoppm costs the preview only."""
    try:
        return R.render_first_page_png(pdf, dpi=70)
    except (RuntimeError, OSError, subprocess.SubprocessError):
        return None


def csv_download(run: Run, options: ReportOptions) -> None:
    """The CSV's splits (the test period by default, or all), then Prepare and Download."""
    st.subheader(t("report.csv_header"))
    quantile = run.metrics.task == "quantile"
    st.caption(t("report.csv_caption_var" if quantile else "report.csv_caption"))
    names = {s: t(f"report.csv_scope_{s}") for s in R.CSV_SCOPES}  # words of this rerun's language
    scope = st.radio(
        t("report.csv_scope"),
        R.CSV_SCOPES,
        format_func=names.get,
        horizontal=True,
        key=SCOPE_KEY,
        help=t("report.csv_scope_help"),
    )
    key = (run.run_id, artefact_version(run), options.threshold, scope, options.language)
    if st.button(t("report.csv_build"), icon=":material/table_view:", key="build_csv"):
        st.session_state[CSV_BUILT_KEY] = key
    built = st.session_state.get(CSV_BUILT_KEY)
    if built == key:
        try:
            with st.spinner(t("report.csv_building")):
                data = _csv(*key)
        except RiskcoreError as exc:
            st.session_state.pop(CSV_BUILT_KEY, None)
            show_error(exc)
        else:
            st.download_button(
                t("report.download_csv"),
                data,
                file_name=file_name(run, "csv" if scope == "test" else "all-splits.csv"),
                mime="text/csv",
                icon=":material/download:",
                key="download_csv",
                on_click="ignore",
                help=t("report.csv_size", size=f"{len(data) / 1024:,.0f}"),
            )
    elif built is not None and built[0] == run.run_id:
        st.caption(t("report.csv_stale"))
    docx_section(run, options)


@st.cache_data(show_spinner=False, max_entries=8, ttl="15m", max_size="64MB")
def _docx(run_id: str, version: tuple[int, ...], language: str) -> bytes:
    return R.model_document(load_run(run_id), language=language)


def docx_section(run: Run, options: ReportOptions) -> None:
    """Editable model documentation (.docx) in the report language, built when asked."""
    st.subheader(t("report.docx_header"))
    st.caption(t("report.docx_caption"))
    stored = run.path / "validation.json"
    version = (*artefact_version(run), stored.stat().st_mtime_ns if stored.exists() else 0)
    key = (run.run_id, version, options.language)
    if st.button(t("report.docx_build"), icon=":material/article:", key="build_docx"):
        st.session_state["docx_built"] = key
    if st.session_state.get("docx_built") != key:
        return
    try:
        with st.spinner(t("report.docx_building")):
            data = _docx(*key)
    except RiskcoreError as exc:
        st.session_state.pop("docx_built", None)
        show_error(exc)
        return
    st.download_button(
        t("report.docx_download"),
        data,
        file_name=file_name(run, "docx").replace("report", "model-documentation"),
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        icon=":material/download:",
        key="download_docx",
        on_click="ignore",
    )


def pdf_section(run: Run, options: ReportOptions) -> None:
    """Build on demand, then the download button and the first page as an image."""
    st.subheader(t("report.pdf_header"))
    key = (run.run_id, artefact_version(run), options)
    if st.button(t("report.build"), type="primary", icon=":material/picture_as_pdf:"):
        st.session_state[BUILT_KEY] = key
    built_key = st.session_state.get(BUILT_KEY)
    if built_key is None or built_key[0] != run.run_id:
        return
    if built_key != key:
        st.info(t("report.stale"), icon=":material/refresh:")
        return
    try:
        with st.spinner(t("report.building")):
            built = _pdf(*key)
    except RiskcoreError as exc:
        st.session_state.pop(BUILT_KEY, None)
        show_error(exc)
        return
    st.success(t("report.built", size=f"{len(built.pdf) / 1024:,.0f}"))
    st.download_button(
        t("report.download_pdf"),
        built.pdf,
        file_name=file_name(run, "pdf"),
        mime="application/pdf",
        icon=":material/download:",
        key="download_pdf",
        on_click="ignore",
    )
    st.markdown(f"**{t('report.preview')}**")
    if built.preview is None:
        st.caption(t("report.no_preview"))
    else:
        with st.container(border=True, width=440):  # a frame: the page is white on white
            st.image(built.preview, output_format="PNG")  # JPEG would blur the small text
