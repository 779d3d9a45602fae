"""The Validation section of the PDF report and the editable model documentation (.docx) of a
tiny trained credit run: headings, tables, an image, placeholders, the policy's lights, Chinese
headings in zh, and `python -m riskcore document` through riskcore.cli.main."""

from __future__ import annotations

import io
import re

import docx
import pytest
from pypdf import PdfReader

from riskcore import report as R
from riskcore.cli import main
from riskcore.store import RunStore
from riskcore.validation import save_validation, validate_run


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def credit(credit_run, copy_run):
    """The run (a copy of the session's tiny credit run), the PDF it gave before any
    validation was stored, then with validation.json."""
    copy = copy_run(credit_run)
    home, run_id = copy.path.parent.parent, copy.run_id
    store = RunStore(home)
    run = store.load(run_id)
    before = {
        "pdf": R.report_pdf(run, sections=("summary", "validation")),
        "docx": R.model_document(run),
    }
    save_validation(store, validate_run(store.load(run_id), segment="region"))
    return home, store.load(run_id), before


def test_the_pdf_validation_section_holds_the_stored_validation(credit) -> None:
    _, run, before = credit
    empty = _pdf_text(before["pdf"])
    assert "Checks of the policy" not in empty and "No validation is stored" in empty
    text = _pdf_text(R.report_pdf(run, sections=("summary", "validation")))
    assert re.search(r"2\s*Validation", text) and "Checks of the policy" in text
    assert "Master scale and per-grade tests" in text and "Jeffreys p" in text
    assert "Overall light" in text and "policy “default”" in text
    assert "Test Gini of the deep model" in text
    assert any(word in text for word in ("green", "amber", "red"))
    zh = _pdf_text(R.report_pdf(run, language="zh", sections=("validation",)))
    assert "模型验证" in zh and "政策检验" in zh


def test_the_report_offers_the_validation_section() -> None:
    assert "validation" in R.ALL_SECTIONS
    assert R.ALL_SECTIONS.index("validation") == R.ALL_SECTIONS.index("metrics") + 1


def _document(run, language: str = "en") -> docx.document.Document:
    return docx.Document(io.BytesIO(R.model_document(run, language=language)))


def _headings(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


def test_the_docx_has_the_validators_structure(credit) -> None:
    _, run, _ = credit
    d = _document(run)
    headings = _headings(d)
    for expected in (
        "1 Purpose and use",
        "2 Data and its lineage",
        "3 Methodology",
        "4 The model and its settings",
        "5 Performance against the comparators",
        "6 Validation results",
        "7 Explanations",
        "8 Stress scenarios",
        "9 Limitations",
        "10 Monitoring plan",
        "11 Approval",
    ):
        assert expected in headings, headings
    assert len(d.tables) >= 6 and len(d.inline_shapes) >= 1
    text = "\n".join(p.text for p in d.paragraphs)
    cells = {c.text for table in d.tables for row in table.rows for c in row.cells}
    assert "[to be completed: intended use" in text
    assert any(c.startswith("[to be completed: model owner") for c in cells)
    assert any(c.startswith("[to be completed: approver") for c in cells)
    hashes = {f["sha256"] for f in run.meta["files"]}
    assert hashes and hashes <= cells  # the lineage: every input file's full hash
    assert "paired 95% interval" in text  # the verdict sentence
    validation = run.json("validation.json")
    checks = next(t for t in d.tables if t.rows[0].cells[0].text == "Light")
    assert len(checks.rows) == len(validation["checks"]) + 1
    assert {r.cells[0].text for r in checks.rows[1:]} <= {"green", "amber", "red"}
    fill = checks.rows[1].cells[0]._tc.tcPr.xml
    assert "w:shd" in fill  # the light is a coloured cell


def test_the_docx_in_chinese(credit) -> None:
    _, run, _ = credit
    d = _document(run, "zh")
    headings = _headings(d)
    assert "1 目的与用途" in headings and "6 验证结果" in headings and "11 审批" in headings
    assert "[待填写：" in "\n".join(p.text for p in d.paragraphs)


def test_document_through_the_cli(credit, tmp_path, monkeypatch, capsys) -> None:
    home, run, _ = credit
    monkeypatch.setenv("RISKCORE_HOME", str(home))
    out = tmp_path / "model.docx"
    assert main(["document", run.run_id, "--out", str(out), "--language", "zh"]) == 0
    assert "6 验证结果" in _headings(docx.Document(str(out)))
    assert main(["document", "20990101-000000-abcdef", "--out", str(tmp_path / "x.docx")]) == 2
    assert "error:" in capsys.readouterr().err
    assert main(["document", run.run_id, "--out", str(out), "--language", "fr"]) == 2
    assert not (tmp_path / "x.docx").exists()


def test_the_docx_without_validation_says_so(credit) -> None:
    _, _, before = credit
    d = docx.Document(io.BytesIO(before["docx"]))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "No validation is stored with this run." in text
    assert "[to be completed: validation results" in text
