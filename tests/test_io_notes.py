"""Reading notes (riskcore.io.Note) reach the app in the reader's language: every kind of note
the reader writes has an English and a Chinese text with the same placeholders."""

from __future__ import annotations

import json
import pickle
import re
import string
from pathlib import Path

from riskcore.io import Note, read_table
from ui.i18n import TEXT

SOURCE = (Path(__file__).resolve().parent.parent / "riskcore" / "io.py").read_text("utf-8")


def _keys() -> set[str]:
    """Every Note key riskcore.io writes ("not_{what}" stands for not_dates and not_numbers)."""
    keys = set(re.findall(r'Note\(\s*f?"([a-z_{}]+)"', SOURCE))
    if "not_{what}" in keys:
        keys = (keys - {"not_{what}"}) | {"not_dates", "not_numbers"}
    return keys


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_note_has_both_languages_with_the_same_placeholders() -> None:
    keys = _keys()
    assert len(keys) >= 12  # the regex still finds the reader's notes
    for key in keys:
        english, chinese = TEXT[f"io.{key}"]
        assert _fields(english) == _fields(chinese), key


def test_a_wind_footer_is_noted_in_chinese_with_its_values(tmp_path) -> None:
    path = tmp_path / "wind.csv"
    text = "日期;代码;收盘价\n2024-01-02;600000;10.1\n2024-01-03;600000;10.3\n数据来源：Wind\n"
    path.write_bytes(text.encode("gbk"))
    _, report = read_table(path)
    [note] = [w for w in report.warnings if getattr(w, "key", "") == "footer_dropped"]
    assert note == "dropped 1 note line(s) at the end of the file, e.g. '数据来源：Wind'"
    assert TEXT["io.footer_dropped"][1].format(**note.values) == (
        "已去掉文件末尾的 1 行说明文字，例如“数据来源：Wind”"
    )
    again = pickle.loads(pickle.dumps(note))  # an upload is read in a child process
    assert again == note and again.key == note.key and again.values == note.values


def test_a_note_keeps_braces_from_the_file_literal() -> None:
    note = Note("unnamed", "column(s) without a header were named {names}", names="a{b}")
    assert str(pickle.loads(pickle.dumps(note))) == "column(s) without a header were named a{b}"


def test_notes_survive_the_json_an_upload_comes_back_in(tmp_path) -> None:
    from riskcore.io import LoadReport

    path = tmp_path / "wind.csv"
    path.write_bytes("date,x\n2024-01-02,1\n2024-01-03,oops\n2024-01-04,3\n来源\n".encode())
    _, report = read_table(path)
    again = LoadReport.from_dict(json.loads(json.dumps(report.to_dict())))
    assert again == report
    assert [getattr(w, "key", None) for w in again.warnings] == [
        getattr(w, "key", None) for w in report.warnings
    ]
    assert all(isinstance(w, Note) for w in again.warnings)
