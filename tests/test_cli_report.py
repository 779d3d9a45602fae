"""`python -m riskcore report`: PDF and CSV of a tiny trained run; every user mistake is one
`error:` line and exit 2, and nothing half-written is left behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from riskcore import report as R
from riskcore.cli import main
from riskcore.store import RunStore
from tests.test_report import flat, pdf_text, read_csv

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def home(tiny_run, copy_run) -> Path:
    """A home of its own holding a copy of the session's tiny run."""
    return copy_run(tiny_run).path.parent.parent


@pytest.fixture
def run_id(home, monkeypatch) -> str:
    monkeypatch.setenv("RISKCORE_HOME", str(home))
    return next((home / "runs").iterdir()).name


def _run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
def test_pdf_in_english_with_title_and_notes(run_id, tmp_path, capsys) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Reviewed by <b>risk</b>.\n\n平安银行 on watch.", encoding="utf-8")
    out = tmp_path / "report.pdf"
    args = ["report", run_id, "--format", "pdf", "--out", str(out)]
    code, _, err = _run([*args, "--title", "Q4 & more", "--notes-file", str(notes)], capsys)
    assert code == 0, err
    assert out.read_bytes().startswith(b"%PDF")
    text = pdf_text(out.read_bytes())
    for name in R.ALL_SECTIONS:
        assert R.text(f"section.{name}") in text, name
    assert "Q4 & more" in text and "Reviewed by <b>risk</b>." in text and "平安银行" in text
    assert run_id in text and "Page 1 of" in text


@pytest.mark.slow
def test_pdf_in_chinese_has_a_chinese_default_title(run_id, tmp_path, capsys) -> None:
    out = tmp_path / "报告.pdf"
    args = ["report", run_id, "--format", "PDF", "--language", "zh", "--threshold", "0.4"]
    code, _, err = _run([*args, "--out", str(out)], capsys)
    assert code == 0, err
    text = flat(pdf_text(out.read_bytes()))
    for name in R.ALL_SECTIONS:
        assert flat(R.text(f"section.{name}", "zh")) in text, name
    assert R.text("cover.title", "zh") in text and "Executive summary" not in text


@pytest.mark.slow
def test_csv_has_bom_escaped_entities_and_a_flag(run_id, home, tmp_path, capsys) -> None:
    out = tmp_path / "report.csv"
    args = ["report", run_id, "--format", "csv", "--threshold", "0.5", "--out", str(out)]
    code, _, err = _run(args, capsys)
    assert code == 0, err
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = read_csv(data)
    assert {r["entity"] for r in rows} == {"平安银行", "'=cmd|' /C calc'!A0", "ACME"}
    assert {r["flagged"] for r in rows} <= {"0", "1"}
    assert list(rows[0])[4:6] == ["score", "score_raw"]  # calibrated probability, raw score
    assert all(r["flagged"] == str(int(float(r["score"]) >= 0.5)) for r in rows)
    predictions = RunStore(home).load(run_id).predictions
    assert {r["split"] for r in rows} == {"test"}  # the test period by default
    assert len(rows) == int((predictions["split"] == "test").sum())
    code, _, err = _run([*args, "--all-splits"], capsys)
    assert code == 0, err
    every = read_csv(out.read_bytes())
    assert len(every) == len(predictions)
    assert {r["split"] for r in every} == {"train", "validation", "test"}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "docx"], "--format must be pdf or csv, got 'docx'"),
        (["--format", "pdf", "--language", "fr"], "language must be one of en, zh"),
        (["--format", "csv", "--threshold", "1.5"], "threshold must be between 0 and 1"),
        (["--format", "pdf", "--notes-file", "missing.txt"], "notes file 'missing.txt'"),
    ],
)
def test_bad_options_exit_2(run_id, tmp_path, capsys, args, message) -> None:
    out = tmp_path / "r.out"
    code, _, err = _run(["report", run_id, *args, "--out", str(out)], capsys)
    assert code == 2
    assert err.startswith("error: ") and message in err
    assert not out.exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("run", "message"),
    [
        ("20990101-000000-abcdef", "run '20990101-000000-abcdef' not found"),
        ("../x", "'../x' is not a run id"),
        ("/etc", "'/etc' is not a run id"),
    ],
)
def test_unknown_or_escaping_run_ids_exit_2(run_id, tmp_path, capsys, run, message) -> None:
    code, _, err = _run(["report", run, "--format", "csv", "--out", str(tmp_path / "r")], capsys)
    assert code == 2 and message in err


@pytest.mark.slow
def test_unwritable_path_exits_2_and_leaves_nothing(run_id, tmp_path, capsys) -> None:
    target = tmp_path / "no" / "such" / "dir" / "r.csv"
    code, _, err = _run(["report", run_id, "--format", "csv", "--out", str(target)], capsys)
    assert code == 2 and str(target) in err and "--out" in err
    folder = tmp_path / "a-folder"
    folder.mkdir()
    code, _, err = _run(["report", run_id, "--format", "csv", "--out", str(folder)], capsys)
    assert code == 2 and "cannot write" in err
    assert list(folder.iterdir()) == [] and [p.name for p in tmp_path.iterdir()] == ["a-folder"]


@pytest.mark.slow
def test_the_real_command_prints_one_line_and_no_traceback(run_id, home, tmp_path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "riskcore", "report", run_id, "--format", "pdf"]
        + ["--language", "xx", "--out", str(tmp_path / "r.pdf")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"RISKCORE_HOME": str(home), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == ["error: language must be one of en, zh, got 'xx'"]
