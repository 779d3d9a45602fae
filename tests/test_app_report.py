"""AppTest of the Report page with a tiny trained run: options, CSV and PDF downloads, the
first-page preview, errors as messages, the Chinese UI; and no TensorFlow in the server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from riskcore import report as R
from riskcore.store import Run, RunStore
from tests.test_report import pdf_text, read_csv
from ui.i18n import TEXT

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/report.py"


@pytest.fixture(scope="module")
def home(tiny_run, copy_run) -> Path:
    """A home of its own holding a copy of the session's tiny run."""
    return copy_run(tiny_run).path.parent.parent


@pytest.fixture
def media(monkeypatch) -> dict[str, bytes]:
    """Bytes of every file the app hands to the browser, by media file id; the download
    names under "name:<id>"."""
    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        files[file_id] = path_or_data
        files[f"name:{file_id}"] = filename
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return files


def _open(home: Path, monkeypatch, language: str = "en") -> AppTest:
    monkeypatch.setenv("RISKCORE_HOME", str(home))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.session_state["lang_picker"] = language  # the sidebar's language picker's state
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def at_run(home: Path) -> Run:
    return RunStore(home).load(next((home / "runs").iterdir()).name)


def _download(at: AppTest, media: dict[str, bytes], label_key: str) -> bytes:
    button = next(b for b in at.get("download_button") if b.label == TEXT[label_key][0])
    file_id = Path(button.proto.url).stem
    return media[file_id]


def _button(at: AppTest, key: str, lang: int = 0):
    return next(b for b in at.button if b.label == TEXT[key][lang])


@pytest.mark.slow
def test_build_the_pdf_and_download_both_files(home, monkeypatch, media) -> None:
    at = _open(home, monkeypatch)
    run_id = at.session_state["run_id"]
    assert at.title[0].value == TEXT["report.title"][0]
    assert run_id in at.caption[0].value
    assert not at.get("download_button")  # nothing is built before it is asked for
    assert at.radio(key="report_csv_scope").value == "test"
    _button(at, "report.csv_build").click().run()
    csv = _download(at, media, "report.download_csv")
    assert csv.startswith(b"\xef\xbb\xbf") and b"risk_band" in csv and b"flagged" in csv
    assert b"'=cmd|' /C calc'!A0" in csv
    assert {r["split"] for r in read_csv(csv)} == {"test"}
    at.radio(key="report_csv_scope").set_value("all").run()
    assert not at.get("download_button")  # other options: prepare again
    assert TEXT["report.csv_stale"][0] in [c.value for c in at.caption]
    _button(at, "report.csv_build").click().run()
    every = read_csv(_download(at, media, "report.download_csv"))
    assert {r["split"] for r in every} == {"train", "validation", "test"}
    assert len(every) == len(R.report_csv(at_run(home), scope="all").splitlines()) - 1

    at.text_input(key="report_title").set_value("Q4 <b>review</b>")
    at.text_area(key="report_notes").set_value("Checked by 风险部 & audit.")
    at.multiselect(key="report_sections").set_value(["summary", "metrics"])
    _button(at, "report.build").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    pdf = _download(at, media, "report.download_pdf")
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Q4 <b>review</b>" in text and "Checked by 风险部 & audit." in text
    assert R.text("section.metrics") in text and R.text("section.charts") not in text
    names = [media[f"name:{Path(b.proto.url).stem}"] for b in at.get("download_button")]
    assert names == [f"risklens-report-{run_id}-all-splits.csv", f"risklens-report-{run_id}.pdf"]
    images = at.get("image")
    assert images, "no first-page preview"
    preview = media[Path(images[0].value[0]).stem]
    assert preview.startswith(b"\x89PNG")

    # changing an option makes the built PDF stale until it is built again (not the CSV)
    at.text_input(key="report_title").set_value("Another title").run()
    assert [b.label for b in at.get("download_button")] == [TEXT["report.download_csv"][0]]
    assert TEXT["report.stale"][0] in [i.value for i in at.info]


@pytest.mark.slow
def test_an_impossible_option_is_a_message_not_a_traceback(home, monkeypatch, media) -> None:
    at = _open(home, monkeypatch)
    at.multiselect(key="report_sections").set_value([])
    at.slider(key="report_threshold").set_value(0.99).run()
    _button(at, "report.build").click().run()
    assert not at.exception and not at.error
    assert _download(at, media, "report.download_pdf").startswith(b"%PDF")  # cover only

    def broken(*_args, **_kwargs):
        raise R.ReportError("threshold must be between 0 and 1 (exclusive), got 7")

    monkeypatch.setattr(R, "report_pdf", broken)
    at.text_input(key="report_title").set_value("fresh options, no cache hit").run()
    _button(at, "report.build").click().run()
    assert not at.exception
    assert len(at.error) == 1 and "got 7" in at.error[0].value
    assert TEXT["error.prefix"][0] in at.error[0].value


@pytest.mark.slow
def test_the_chinese_ui_shows_chinese_labels_and_builds_a_chinese_report(
    home, monkeypatch, media
) -> None:
    at = _open(home, monkeypatch, language="zh")
    assert at.title[0].value == TEXT["report.title"][1]
    assert at.selectbox(key="report_language").value == "zh"  # follows the UI language
    assert at.text_area(key="report_notes").label == TEXT["report.notes"][1]
    assert R.text("section.summary", "zh") in at.multiselect(key="report_sections").options
    # AppTest renders no sidebar after switch_page, so the picker's state must be set again
    at.session_state["lang_picker"] = "zh"
    _button(at, "report.build", lang=1).click().run()
    at.session_state["lang_picker"] = "zh"
    _button(at, "report.csv_build", lang=1).click().run()
    assert not at.exception and not at.error
    assert TEXT["report.download_csv"][1] in [b.label for b in at.get("download_button")]
    button = next(b for b in at.get("download_button") if b.label == TEXT["report.download_pdf"][1])
    text = pdf_text(media[Path(button.proto.url).stem])
    assert R.text("cover.title", "zh") in text and "Executive summary" not in text


def test_without_a_run_the_page_says_what_to_do(tmp_path, monkeypatch) -> None:
    at = _open(tmp_path, monkeypatch)
    assert [i.value for i in at.info] == [TEXT["report.no_run"][0]]
    assert not at.get("download_button")


def test_building_a_report_imports_no_tensorflow(home) -> None:
    """The server builds PDFs in its own process: that must never pull in TensorFlow."""
    run_id = next((home / "runs").iterdir()).name
    code = (
        "import sys; import ui.report_widgets; from riskcore import report as R; "
        "from riskcore.store import RunStore; "
        f"run = RunStore({str(home)!r}).load({run_id!r}); "
        "assert R.report_pdf(run).startswith(b'%PDF') and R.report_csv(run); "
        "bad = [m for m in ('tensorflow', 'keras') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_options_survive_a_language_switch_and_a_visit_to_another_page(home, monkeypatch) -> None:
    at = _open(home, monkeypatch)
    at.text_area(key="report_notes").set_value("Keep me.")
    at.multiselect(key="report_sections").set_value(["summary", "appendix"]).run()
    at.session_state["lang_picker"] = "zh"
    at.run()
    assert at.multiselect(key="report_sections").value == ["summary", "appendix"]
    assert at.selectbox(key="report_language").value == "zh"  # not picked: follows the UI
    at.switch_page("pages/results.py").run()
    at.session_state["lang_picker"] = "zh"
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.text_area(key="report_notes").value == "Keep me."
    assert at.multiselect(key="report_sections").value == ["summary", "appendix"]
