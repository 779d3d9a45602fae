"""Hostile uploads: zip bombs, workbooks that declare or hold millions of cells, headers that made
renaming quadratic, and files that exhaust the parsing child's memory or time.

Every attack is generated here, in memory and small (highly compressible repeats); nothing big is
committed. The builders are shared with bench/bench_bombs.py, which sizes them like the real
attacks and measures the server's and the child's memory.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd
import pytest

from riskcore import io as rio
from riskcore.errors import DataFileError, LimitError
from riskcore.uploads import read_upload
from tests.hostile import FILES

ROOT = Path(__file__).resolve().parent.parent
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
PACKAGE_RELS = (
    f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
# Two text headers (shared strings 0 and 1) and two rows of numbers.
ROWS = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2.5</v></c></row>'
    '<row r="3"><c r="A3"><v>2</v></c><c r="B3"><v>3.5</v></c></row>'
)
HEADER_ROW = ROWS[: ROWS.index('<row r="2"')]
Chunks = Iterable[bytes]


def sheet_xml(dimension: str | None = "A1:B3", padding: int = 0, last_row: int = 0) -> Chunks:
    """The sheet, with `padding` bytes of whitespace (a compression-ratio bomb) before its data
    and an empty row numbered `last_row` after it (openpyxl yields every row up to it, each as
    wide as the dimension)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    yield f'<worksheet xmlns="{MAIN}">{dim}<sheetData>'.encode()
    yield from _spaces(padding)
    tail = f'<row r="{last_row}"/>' if last_row else ""
    yield f"{ROWS}{tail}</sheetData></worksheet>".encode()


def held_rows_sheet(rows: int) -> Chunks:
    """A sheet that really holds `rows` rows of two numbers, and declares no dimension."""
    yield f'<worksheet xmlns="{MAIN}"><sheetData>{HEADER_ROW}'.encode()
    for start in range(2, rows + 2, 10_000):
        yield "".join(
            f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>1.5</v></c></row>'
            for r in range(start, min(start + 10_000, rows + 2))
        ).encode()
    yield b"</sheetData></worksheet>"


def bare_rows_sheet(rows: int, cells: int = 0) -> Chunks:
    """No dimension and rows without numbers (openpyxl counts them): `rows` empty rows, then one
    row of `cells` cells without references."""
    yield f'<worksheet xmlns="{MAIN}"><sheetData>{ROWS}'.encode()
    yield b"<row/>" * rows
    yield b"<row>" + b"<c><v>1</v></c>" * cells + b"</row></sheetData></worksheet>"


def shared_strings(
    extra: int = 0, count: int | None = None, text: str = "A" * 40, distinct: bool = False
) -> Chunks:
    """The string table: the two headers, then `extra` more strings (repeats compress ~1,000x).

    `count` is what the <sst> element declares (None: the true number; -1: no attribute).
    """
    n = extra + 2
    declared = "" if count == -1 else f' count="{n if count is None else count}"'
    yield f'<sst xmlns="{MAIN}"{declared}><si><t>date_x</t></si><si><t>y</t></si>'.encode()
    block = f"<si><t>{text}</t></si>".encode() * 10_000
    for start in range(0, extra, 10_000):
        size = min(10_000, extra - start)
        if distinct:
            yield "".join(f"<si><t>{text}{i}</t></si>" for i in range(start, start + size)).encode()
        else:
            yield block if size == 10_000 else block[: size * len(block) // 10_000]
    yield b"</sst>"


def workbook(sheet: Chunks | None = None, strings: Chunks | None = None, members: int = 0) -> bytes:
    """An .xlsx built by hand with zipfile: each part streamed, so a bomb never sits in memory
    uncompressed; `members` adds that many empty parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, chunks in (
            ("xl/worksheets/sheet1.xml", sheet or sheet_xml()),
            ("xl/sharedStrings.xml", strings or shared_strings()),
        ):
            with archive.open(name, "w", force_zip64=True) as part:
                for chunk in chunks:
                    part.write(chunk)
        for i in range(members):
            archive.writestr(f"xl/media/empty{i}.bin", b"")
    return buffer.getvalue()


def _spaces(n: int) -> Chunks:
    block = b" " * (1 << 20)
    for start in range(0, n, len(block)):
        yield block[: min(len(block), n - start)]


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Callable[..., None]:
    """Server limits for this test: written to a RISKLENS_SETTINGS file (read per call)."""

    def write(**limits: float) -> None:
        path = tmp_path / "risklens.toml"
        path.write_text("[limits]\n" + "".join(f"{k} = {v}\n" for k, v in limits.items()))
        monkeypatch.setenv("RISKLENS_SETTINGS", str(path))

    return write


# ---- the workbook's zip is checked before openpyxl expands it ------------------------------
MB = 1024 * 1024
# name: (builder, settings, fragments of the LimitError's message)
BOMBS: dict[str, tuple[Callable[[], bytes], dict, list[str]]] = {
    "shared strings declared": (
        lambda: workbook(strings=shared_strings(count=2_000_000_000)),
        {},
        ["declares 2,000,000,000 shared strings in xl/sharedStrings.xml", "50,000,000"],
    ),
    "shared strings expand 1,000x": (
        lambda: workbook(strings=shared_strings(extra=700_000)),  # 32 MB from ~35 KB
        {},
        ["(xl/sharedStrings.xml) that expands", "over this server's limit of 100 times"],
    ),
    "shared strings over the unzipped size": (
        lambda: workbook(strings=shared_strings(extra=200_000, count=-1)),  # 10.7 MB, no count
        {"max_unzipped_mb": 5},
        ["unzips to 10.7 MB", "over this server's limit of 5.0 MB"],
    ),
    "rows bomb A1:B5000000": (
        lambda: workbook(sheet=sheet_xml("A1:B5000000")),
        {},
        ["declares 5,000,000 rows x 2 columns (10,000,000 cells) in xl/worksheets/sheet1.xml"],
    ),
    "cells bomb A1:XFD1000000": (
        lambda: workbook(sheet=sheet_xml("A1:XFD1000000")),
        {},
        ["declares 1,000,000 rows x 16,384 columns (16,384,000,000 cells)", "50,000,000 cells"],
    ),
    "rows within Excel, cells over max_cells": (
        lambda: workbook(sheet=sheet_xml("$A$1:$J$200000")),
        {"max_cells": 1_000_000},
        ["declares 200,000 rows x 10 columns (2,000,000 cells)", "1,000,000 cells"],
    ),
    "rows bomb holding 1,100,000 rows, no dimension": (
        lambda: workbook(sheet=bare_rows_sheet(1_100_000)),
        {},
        ["holds at least 1,", "rows and 6 cells in xl/worksheets/sheet1.xml", "1,048,576 rows"],
    ),
    "cells held over max_cells, no dimension": (
        lambda: workbook(sheet=bare_rows_sheet(0, cells=2000)),
        {"max_cells": 1000},
        ["holds at least 4 rows and 2,006 cells", "over this server's limit of 1,000 cells"],
    ),
    "compression ratio of a sheet": (
        lambda: workbook(sheet=sheet_xml(padding=40 * MB)),
        {},
        ["(xl/worksheets/sheet1.xml) that expands", "40.0 MB"],
    ),
    "ten thousand and one parts": (
        lambda: workbook(members=10_001),
        {},
        ["holds 10,007 files, over this server's limit of 10,000 files"],
    ),
}


@pytest.mark.parametrize("case", list(BOMBS))
def test_a_workbook_bomb_is_refused_before_openpyxl(case, settings, monkeypatch) -> None:
    build, limits, fragments = BOMBS[case]
    settings(**limits)
    import openpyxl

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("expanded"))
    data = build()
    assert len(data) < 1.5 * MB  # the attack is small; what it declares is not
    with pytest.raises(LimitError) as err:
        rio.read_table(data, name="bomb.xlsx")
    message = str(err.value)
    assert message.startswith("bomb.xlsx ") and "save the sheet as CSV, or split it" in message
    for fragment in fragments:
        assert fragment in message


def test_the_hand_built_workbook_reads_when_it_is_no_bomb(settings) -> None:
    """The bombs above differ from this workbook only in what they declare or hold."""
    settings(max_cells=1000)  # the smallest allowed: A1:B3 and 2 strings are far below
    frame, report = rio.read_table(workbook(), name="ok.xlsx")
    assert frame.to_dict("list") == {"date_x": [1, 2], "y": [2.5, 3.5]}
    assert report.encoding is None and report.rows == 2


@pytest.mark.parametrize("ref", ["", "A1", "B2:A1", "not a ref", "A1:B1048576"])
def test_odd_or_large_but_legal_dimensions_are_left_to_openpyxl(ref) -> None:
    data = workbook(sheet=sheet_xml(ref))
    assert rio.check_workbook(data, "odd.xlsx") is None
    if ref in ("", "A1:B1048576"):  # openpyxl reads these; it calls the others corrupt
        assert rio.read_table(data, name="odd.xlsx")[0].shape == (2, 2)


# ---- headers: 20,000 identical names ---------------------------------------------------------
def test_twenty_thousand_identical_header_names_are_renamed_in_linear_time() -> None:
    n = 20_000
    data = (",".join(["close"] * n) + "\n" + ",".join(["1"] * n) + "\n").encode()
    frame, report = rio.read_table(data, name="wide.csv")
    assert list(frame.columns[:3]) == ["close", "close_2", "close_3"]
    assert frame.columns[-1] == f"close_{n}" and frame.columns.is_unique
    (note,) = [w for w in report.warnings if w.startswith("duplicate column names")]
    assert "'close' -> 'close_2'" in note and note.endswith(f"and {n - 1 - 20:,} more")


def test_renaming_skips_names_the_file_already_has() -> None:
    data = b"a,a_2,a,a,b,a_2\n1,2,3,4,5,6\n"
    frame, report = rio.read_table(data, name="dups.csv")
    assert list(frame.columns) == ["a", "a_2", "a_3", "a_4", "b", "a_2_2"]
    assert report.warnings == [
        "duplicate column names made unique: 'a' -> 'a_3', 'a' -> 'a_4', 'a_2' -> 'a_2_2'"
    ]


# ---- the parsing child: same results, same errors, its own limits ----------------------------
def _mixed_workbook() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["日期", "code", "close", "flag", "note"])
    sheet.append([dt.datetime(2024, 1, 2), 600519, 1.5, True, "ok"])
    sheet.append([dt.datetime(2024, 1, 3), "000001", 2.5, False, dt.time(9, 30)])
    sheet.append([dt.datetime(2024, 1, 4), 300750, None, None, 3])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


NORMAL = {
    "market csv": lambda: ("prices.csv", (ROOT / "sample_data/market_prices.csv").read_bytes()),
    "gbk csv": lambda: (
        "wind.csv",
        (ROOT / "sample_data/market_prices_wind_gbk.csv").read_bytes(),
    ),
    "workbook with mixed columns": lambda: ("mixed.xlsx", _mixed_workbook()),
    "hand-built workbook": lambda: ("ok.xlsx", workbook()),
}


@pytest.mark.parametrize("case", list(NORMAL))
def test_a_normal_upload_reads_as_riskcore_io_reads_it(case) -> None:
    name, data = NORMAL[case]()
    expected, expected_report = rio.read_table(data, name=name)
    frame, report = read_upload(name, data)
    pd.testing.assert_frame_equal(frame, expected)
    assert [type(v) for v in frame.iloc[:, -1]] == [type(v) for v in expected.iloc[:, -1]]
    assert report == expected_report


def test_reading_options_reach_the_child() -> None:
    data = b"day,x\n01/02/2024,1\n03/02/2024,2\n"
    frame, _ = read_upload("dmy.csv", data, date_format="%d/%m/%Y")
    assert frame["day"].tolist() == [pd.Timestamp("2024-02-01"), pd.Timestamp("2024-02-03")]
    with pytest.raises(TypeError, match="unknown options"):
        read_upload("dmy.csv", data, engine="python")


@pytest.mark.parametrize("case", ["random binary", "zip renamed csv", "header only", "empty"])
def test_an_error_in_the_child_comes_back_as_the_same_class_and_message(case) -> None:
    name, data, _ = FILES[case]
    with pytest.raises(DataFileError) as expected:
        rio.read_table(data, name=name)
    with pytest.raises(DataFileError) as err:
        read_upload(name, data)
    assert type(err.value) is type(expected.value) and str(err.value) == str(expected.value)


def test_a_workbook_bomb_is_refused_through_the_child_as_a_limit_error() -> None:
    data = workbook(sheet=sheet_xml("A1:B5000000"))
    with pytest.raises(LimitError, match=r"^bomb\.xlsx declares 5,000,000 rows"):
        read_upload("bomb.xlsx", data)


def test_a_csv_over_the_childs_memory_is_a_limit_error(settings) -> None:
    """Thirty million numbers: pandas' tokenizer and the int64 columns need well over what the
    child may use beyond its imports (~350 MB of address space)."""
    settings(upload_memory_mb=600)
    data = b"a,b,c,d,e,f,g,h,i,j\n" + b"1,2,3,4,5,6,7,8,9,10\n" * 3_000_000
    with pytest.raises(LimitError) as err:
        read_upload("numbers.csv", data)
    message = str(err.value)
    assert message.startswith("numbers.csv could not be read within the 600 MB memory limit")
    assert "too big or malformed to read safely; save it as CSV or split it" in message


def test_a_workbook_under_the_declared_limits_meets_the_childs_memory_limit(settings) -> None:
    """49 million cells, just under max_cells: openpyxl pads 3,000 rows to 16,384 values each
    (~400 MB of lists) from a 2 KB file; only the child's cap stops it."""
    settings(upload_memory_mb=500)
    data = workbook(sheet=sheet_xml("A1:XFD3000", last_row=3000))
    assert rio.check_workbook(data, "wide.xlsx") is None  # passes the declared-size checks
    with pytest.raises(LimitError, match=r"^wide\.xlsx could not be read within the 500 MB"):
        read_upload("wide.xlsx", data)


def test_a_child_past_its_time_is_killed_and_a_limit_error(settings) -> None:
    """0.05 s: less than the child needs to import pandas, so it is always killed."""
    settings(upload_seconds=0.05)
    with pytest.raises(LimitError) as err:
        read_upload("slow.csv", b"a,b\n1,2\n")
    assert str(err.value).startswith("slow.csv could not be read within the 0.05 s time limit")


def test_an_over_size_upload_is_refused_before_a_child_starts(monkeypatch) -> None:
    import subprocess

    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: pytest.fail("spawned"))
    with pytest.raises(DataFileError, match=r"big\.csv is 1\.0 MB, over the 1000\.0 KB limit"):
        read_upload("big.csv", b"a,b\n" + b"1,2\n" * 262_143, max_bytes=1_024_000)


# ---- the Data page ---------------------------------------------------------------------------
def test_a_bomb_uploaded_on_the_data_page_is_one_escaped_message(tmp_path, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    name = "![x](http://evil) :red[b].xlsx"
    data = workbook(sheet=sheet_xml("A1:B5000000"))
    at.file_uploader(key="upload_primary").upload(name, data, "application/octet-stream").run()
    assert not at.exception and len(at.error) == 1
    shown = at.error[0].value
    assert "5,000,000 rows" in shown and "![x](" not in shown and ":red[" not in shown


def test_column_names_in_the_page_warnings_are_escaped(tmp_path, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    evil = "![x](http://evil/x.png)"
    data = f"date,{evil},{evil}\n2024-01-02,1,2\n2024-01-03,3,4\n".encode()
    at.file_uploader(key="upload_primary").upload(":red[p].csv", data, "text/csv").run()
    assert not at.exception
    texts = [w.value for w in at.warning] + [s.value for s in at.success]
    assert any("duplicate column names" in w for w in texts)
    assert not any("![x](" in w or ":red[" in w for w in texts)
