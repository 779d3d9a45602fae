"""riskcore.io.read_table: every reader case from the issue, and every failure a user can cause.

Files are built here in tmp_path (GBK bytes via .encode("gbk"), workbooks via openpyxl), so each
test shows exactly the input it covers. Errors are checked for naming the file and saying what to
do; values are checked, not only dtypes.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from datetime import datetime

import numpy as np
import openpyxl
import pandas as pd
import pytest

from riskcore.errors import DataFileError, RiskcoreError
from riskcore.io import DEFAULT_MAX_BYTES, ColumnInfo, LoadReport, read_table

WIND = (
    '日期,收盘价,涨跌幅,成交额\n2024-01-02,10.50,3.2%,"1,234,567"\n2024-01-03,10.70,-1.5%,"2,000"\n'
)


def write(tmp_path, name: str, content: str | bytes, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    return path


def read(tmp_path, name: str, content: str | bytes, encoding: str = "utf-8", **kw):
    return read_table(write(tmp_path, name, content, encoding), **kw)


def fails(tmp_path, name: str, content: str | bytes, *expected: str, **kw) -> str:
    """Read, expect a DataFileError naming the file and containing each expected phrase."""
    with pytest.raises(DataFileError) as info:
        read(tmp_path, name, content, **kw)
    message = str(info.value)
    assert name in message
    for phrase in expected:
        assert phrase in message, message
    return message


# ---- encodings -------------------------------------------------------------------------------
def test_utf8_with_chinese_headers_and_text(tmp_path) -> None:
    frame, report = read(tmp_path, "a.csv", "客户,城市,余额\n张三,北京,12.5\n李四,上海,7\n")
    assert list(frame.columns) == ["客户", "城市", "余额"]
    assert frame["城市"].tolist() == ["北京", "上海"] and frame["余额"].tolist() == [12.5, 7.0]
    assert (report.encoding, report.delimiter, report.rows) == ("utf-8", ",", 2)


def test_utf8_with_bom_keeps_the_first_header_clean(tmp_path) -> None:
    frame, report = read(tmp_path, "bom.csv", "\ufeff日期,值\n2024-01-02,1\n")
    assert list(frame.columns) == ["日期", "值"]
    assert report.encoding == "utf-8-sig" and report.time_column == "日期"


def test_gbk_short_file_is_read_as_gb18030(tmp_path) -> None:
    # charset-normalizer alone takes this short sample for Korean (cp949)
    frame, report = read(tmp_path, "gbk.csv", "名称,金额\n中国银行,1\n", encoding="gbk")
    assert report.encoding == "gb18030"
    assert list(frame.columns) == ["名称", "金额"] and frame["名称"].tolist() == ["中国银行"]


def test_gb18030_wind_export(tmp_path) -> None:
    body = "".join(
        f'2024-01-{d:02d},{10 + d / 10:.2f},{d / 10:.1f}%,"{d},000"\n' for d in range(4, 29)
    )
    frame, report = read(tmp_path, "wind.csv", WIND + body + "数据来源：Wind\n", encoding="gb18030")
    assert report.encoding == "gb18030" and report.rows == 27
    assert frame["收盘价"].iloc[0] == 10.5 and frame["成交额"].iloc[0] == 1234567.0
    assert frame["涨跌幅"].iloc[0] == pytest.approx(0.032)


def test_utf16_with_bom_tab_separated(tmp_path) -> None:
    # Excel's "Unicode Text" export: UTF-16 with a BOM, tab-separated
    frame, report = read(tmp_path, "u.txt", "名称\t值\n甲\t1\n乙\t2\n", encoding="utf-16")
    assert (report.encoding, report.delimiter) == ("utf-16", "\t")
    assert frame["值"].tolist() == [1, 2]


def test_big5_is_not_mistaken_for_gbk(tmp_path) -> None:
    text = "公司名稱,城市,營業收入\n台灣積體電路製造,新竹,1000\n鴻海精密工業,新北,2000\n"
    frame, report = read(tmp_path, "tw.csv", text, encoding="big5")
    assert report.encoding == "big5" and frame["城市"].tolist() == ["新竹", "新北"]


def test_utf8_top_but_gbk_further_down_falls_back_to_detection(tmp_path) -> None:
    rows = "".join(f"2024-01-02,E{i},{i}\n" for i in range(30_000))  # > the 256 KB head
    content = b"date,entity,value\n" + rows.encode() + "2024-01-03,中国,1\n".encode("gbk")
    frame, report = read(tmp_path, "late.csv", content)
    assert report.encoding == "gb18030"
    assert frame["entity"].iloc[-1] == "中国" and len(frame) == 30_001


# ---- delimiters, quoting, numbers -------------------------------------------------------------
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_sniffed(tmp_path, delimiter: str) -> None:
    text = "\n".join(
        delimiter.join(r) for r in [["a", "b", "c"], ["1", "x", "2.5"], ["3", "y", "4"]]
    )
    frame, report = read(tmp_path, "d.csv", text + "\n")
    assert report.delimiter == delimiter
    assert frame.to_dict("list") == {"a": [1, 3], "b": ["x", "y"], "c": [2.5, 4.0]}


def test_tsv_extension(tmp_path) -> None:
    frame, report = read(tmp_path, "d.tsv", "a\tb\n1\t2\n")
    assert report.delimiter == "\t" and frame["b"].tolist() == [2]


def test_quoted_thousands_separators_do_not_fool_the_sniffer(tmp_path) -> None:
    text = 'id,amount\n1,"1,234,567"\n2,"2,000.50"\n3,"-12,345"\n'
    frame, report = read(tmp_path, "t.csv", text)
    assert report.delimiter == ","
    assert frame["amount"].tolist() == [1234567.0, 2000.5, -12345.0]
    assert report.warnings == []


def test_percent_strings_become_fractions(tmp_path) -> None:
    frame, _ = read(tmp_path, "p.csv", "d,chg\n1,3.2%\n2,-1.5%\n3,0%\n4,12%\n")
    assert frame["chg"].tolist() == pytest.approx([0.032, -0.015, 0.0, 0.12])


def test_wind_missing_markers_are_missing_not_errors(tmp_path) -> None:
    frame, report = read(tmp_path, "m.csv", "d,x\n1,5\n2,--\n3,\n4,N/A\n")
    assert frame["x"].tolist()[0] == 5 and frame["x"].isna().sum() == 3
    assert report.warnings == [] and report.columns[1] == ColumnInfo("x", "number", 3)


def test_mostly_numeric_text_column_becomes_float_with_a_warning(tmp_path) -> None:
    text = "i;v\n" + "".join(f'{i};"{i * 1000:,}"\n' for i in range(40)) + "40;n.a.\n"
    frame, report = read(tmp_path, "n.csv", text)
    assert frame["v"].dtype == "float64" and frame["v"].iloc[39] == 39000.0
    assert np.isnan(frame["v"].iloc[40])
    (warning,) = report.warnings
    assert "'v'" in warning and "1 value" in warning and "'n.a.'" in warning


def test_mostly_text_column_stays_text(tmp_path) -> None:
    text = "code,x\n" + "".join(f"{v},1\n" for v in ["1", "2", "AB", "CD", "EF", "GH"])
    frame, report = read(tmp_path, "s.csv", text)
    assert frame["code"].tolist() == ["1", "2", "AB", "CD", "EF", "GH"]
    assert report.columns[0].kind == "text" and report.warnings == []


def test_decimal_commas_in_a_semicolon_file(tmp_path) -> None:
    frame, _ = read(tmp_path, "eu.csv", "datum;preis\n31.01.2024;1.234,5\n01.02.2024;2,25\n")
    assert frame["preis"].tolist() == [1234.5, 2.25]
    assert frame["datum"].tolist() == [pd.Timestamp("2024-01-31"), pd.Timestamp("2024-02-01")]


# ---- layout: headers, blank lines, line ends, notes ----------------------------------------------
def test_headers_are_stripped_and_duplicates_made_unique(tmp_path) -> None:
    frame, report = read(tmp_path, "h.csv", " 收盘价 ,收盘价,, x \n1,2,3,4\n")
    assert list(frame.columns) == ["收盘价", "收盘价_2", "column_3", "x"]
    assert any("'收盘价' -> '收盘价_2'" in w for w in report.warnings)


def test_blank_lines_are_skipped(tmp_path) -> None:
    frame, report = read(tmp_path, "b.csv", "\n\na,b\n1,2\n\n\n3,4\n\n")
    assert frame.to_dict("list") == {"a": [1, 3], "b": [2, 4]} and report.warnings == []


def test_crlf_line_ends(tmp_path) -> None:
    frame, _ = read(tmp_path, "crlf.csv", "日期,名称\r\n2024-01-02,甲\r\n2024-01-03,乙\r\n")
    assert frame["名称"].tolist() == ["甲", "乙"] and list(frame.columns) == ["日期", "名称"]
    assert frame["日期"].iloc[1] == pd.Timestamp("2024-01-03")


def test_trailing_source_note_is_dropped_with_a_warning(tmp_path) -> None:
    text = WIND + "\n数据来源：Wind\n注：单位为元\n"
    frame, report = read(tmp_path, "note.csv", text, encoding="gbk")
    assert len(frame) == 2 and frame["日期"].dtype.kind == "M"
    (warning,) = report.warnings
    assert "2 note line(s)" in warning and "数据来源：Wind" in warning


def test_old_mac_line_ends(tmp_path) -> None:
    frame, _ = read(tmp_path, "cr.csv", "a,b\r1,2\r3,4\r")
    assert frame.to_dict("list") == {"a": [1, 3], "b": [2, 4]}


def test_a_note_holding_the_delimiter_is_still_a_note(tmp_path) -> None:
    text = "date,x,y\n2024-01-01,1,2\n2024-01-02,3,4\nSource: Wind, 2024\n"
    frame, report = read(tmp_path, "n.csv", text)
    assert frame["x"].tolist() == [1, 3] and frame["date"].dtype.kind == "M"
    assert "Source: Wind" in report.warnings[0]


def test_a_header_shorter_than_every_row_gets_named_columns(tmp_path) -> None:
    frame, report = read(tmp_path, "s.csv", "a,b\n1,2,3\n4,5,6\n")
    assert frame.to_dict("list") == {"a": [1, 4], "b": [2, 5], "column_3": [3, 6]}
    assert "column_3" in report.warnings[0]


def test_trailing_delimiters_on_every_line_add_no_column(tmp_path) -> None:
    frame, _ = read(tmp_path, "t.csv", "a,b,\n1,2,\n3,4,\n")
    assert list(frame.columns) == ["a", "b"] and frame["b"].tolist() == [2, 4]


# ---- dates -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["2024-01-31", "2024-02-01"], ["2024-01-31", "2024-02-01"]),
        (["2024/1/31", "2024/2/1"], ["2024-01-31", "2024-02-01"]),
        (["20240131", "20240201"], ["2024-01-31", "2024-02-01"]),
        (["31.01.2024", "01.02.2024"], ["2024-01-31", "2024-02-01"]),
        (["2024年1月31日", "2024年2月1日"], ["2024-01-31", "2024-02-01"]),
        (["2024-01-31 09:30:00", "2024-02-01 15:00:00"], ["2024-01-31 09:30", "2024-02-01 15:00"]),
        (["2024-01-31T09:30", "2024-02-01T15:00"], ["2024-01-31 09:30", "2024-02-01 15:00"]),
        (
            ["2024-01-31T09:30:00+08:00", "2024-02-01T15:00:00Z"],
            ["2024-01-31 01:30", "2024-02-01 15:00"],
        ),
    ],
)
def test_each_date_format(tmp_path, cells: list[str], expected: list[str]) -> None:
    frame, report = read(tmp_path, "d.csv", "date,x\n" + "".join(f"{c},1\n" for c in cells))
    assert frame["date"].tolist() == [pd.Timestamp(e) for e in expected]
    assert report.time_column == "date" and report.date_range[0].startswith(expected[0])


def test_eight_digit_integers_need_a_date_name_or_date_values(tmp_path) -> None:
    frame, _ = read(
        tmp_path, "i.csv", "交易日,id,amount\n20240131,20240131,12345678\n20240201,20240231,1\n"
    )
    assert frame["交易日"].dtype.kind == "M"  # the name says date
    assert frame["id"].dtype.kind == "i"  # 20240231 is no date, and "id" is no date name
    assert frame["amount"].tolist() == [12345678, 1]


@pytest.mark.parametrize(
    ("cells", "first"),
    [
        (["13/01/2024", "01/02/2024"], "2024-01-13"),  # a first field > 12: day first
        (["01/13/2024", "02/01/2024"], "2024-01-13"),  # a second field > 12: month first
    ],
)
def test_day_first_is_detected_from_the_values(tmp_path, cells: list[str], first: str) -> None:
    frame, _ = read(tmp_path, "d.csv", "date,x\n" + "".join(f"{c},1\n" for c in cells))
    assert frame["date"].iloc[0] == pd.Timestamp(first)
    assert frame["date"].iloc[1] == pd.Timestamp("2024-02-01")


def test_ambiguous_dates_raise_until_a_format_is_given(tmp_path) -> None:
    text = "date,x\n01/02/2024,1\n03/04/2024,2\n"
    message = fails(tmp_path, "amb.csv", text, "'date'", "'%d/%m/%Y' (day first)")
    assert "01/02/2024" in message
    frame, _ = read(tmp_path, "amb.csv", text, date_format="%d/%m/%Y")
    assert frame["date"].tolist() == [pd.Timestamp("2024-02-01"), pd.Timestamp("2024-04-03")]


def test_mixed_day_and_month_order_stays_text_with_a_warning(tmp_path) -> None:
    frame, report = read(tmp_path, "mix.csv", "d,x\n13/01/2024,1\n01/13/2024,2\n")
    assert frame["d"].tolist() == ["13/01/2024", "01/13/2024"]
    assert "'d' mixes day-first and month-first" in report.warnings[0]


def test_an_invalid_date_format_is_a_clear_error(tmp_path) -> None:
    fails(tmp_path, "f.csv", "d,x\n01/02/2024,1\n", "date_format '%Q'", date_format="%Q")


def test_a_bad_date_becomes_missing_with_a_warning(tmp_path) -> None:
    cells = [f"2024-01-{d:02d}" for d in range(1, 30)] + ["2024-02-30"]
    frame, report = read(tmp_path, "d.csv", "date,x\n" + "".join(f"{c},1\n" for c in cells))
    assert frame["date"].isna().sum() == 1 and report.date_range == ("2024-01-01", "2024-01-29")
    assert "'date'" in report.warnings[0] and "'2024-02-30'" in report.warnings[0]


# ---- malformed lines ---------------------------------------------------------------------------
MALFORMED = "a,b,c\n1,2,3\n4,5,6,7\n8,9,10\n11,12,13,14\n"


@pytest.mark.parametrize("as_bytes", [False, True])
def test_malformed_lines_are_skipped_with_count_and_first_line(tmp_path, as_bytes: bool) -> None:
    # a path is parsed strictly first (pandas' parallel reader), then again to skip the lines
    if as_bytes:
        frame, report = read_table(MALFORMED.encode(), name="bad.csv")
    else:
        frame, report = read(tmp_path, "bad.csv", MALFORMED)
    assert frame["a"].tolist() == [1, 8]
    (warning,) = report.warnings
    assert "skipped 2 malformed line(s)" in warning and "first at line 3" in warning


def test_malformed_lines_can_be_rejected_with_the_line_number(tmp_path) -> None:
    fails(tmp_path, "bad.csv", MALFORMED, "line 3", "4 fields", on_bad_lines="error")


def test_a_malformed_first_data_line_is_caught_too(tmp_path) -> None:
    # pandas alone would silently drop the extra field of the first data line
    text = "a,b\n1,2,3\n4,5\n6,7\n"
    frame, report = read(tmp_path, "first.csv", text)
    assert frame["a"].tolist() == [4, 6] and "first at line 2" in report.warnings[0]
    fails(tmp_path, "first.csv", text, "line 2", on_bad_lines="error")


def test_an_unclosed_quote_is_a_clear_error_not_a_pandas_traceback(tmp_path) -> None:
    fails(tmp_path, "q.csv", 'a,b\n1,"2\n3,4\n', "could not be read as a table")


# ---- sources: path, bytes, size --------------------------------------------------------------
def test_bytes_and_path_give_the_same_result(tmp_path) -> None:
    content = (WIND + "数据来源：Wind\n").encode("gbk")
    from_path, path_report = read_table(write(tmp_path, "same.csv", content))
    from_bytes, bytes_report = read_table(content, name="same.csv")
    pd.testing.assert_frame_equal(from_path, from_bytes)
    assert bytes_report.file == "same.csv"
    assert path_report.to_dict() | {"file": "same.csv"} == bytes_report.to_dict()


def test_large_clean_file_read_from_its_path(tmp_path) -> None:
    rows = "".join(f"2024-01-{1 + i % 28:02d},T{i % 50},{i}.5\n" for i in range(20_000))
    frame, report = read(tmp_path, "big.csv", "date,ticker,v\n" + rows)
    assert report.rows == 20_000 and frame["v"].iloc[-1] == 19999.5
    assert report.time_column == "date" and frame["ticker"].nunique() == 50


def test_a_file_big_enough_for_pandas_parallel_reader_matches_the_bytes_path(tmp_path) -> None:
    # over 5 MB, pandas (>= 3.1) splits a local file into chunks parsed in parallel
    lines = [f'2024-01-{1 + i % 28:02d},T{i % 50},{i}.5,"{i:,}"' for i in range(200_000)]
    lines[150_000] += ",extra"
    content = ("date,ticker,v,amount\n" + "\n".join(lines) + "\n").encode()
    from_path, report = read(tmp_path, "big.csv", content)
    from_bytes, _ = read_table(content, name="big.csv")
    pd.testing.assert_frame_equal(from_path, from_bytes)
    assert len(from_path) == 199_999 and from_path["amount"].iloc[-1] == 199_999.0
    assert "first at line 150002" in report.warnings[0]


def test_size_limit_is_checked_before_parsing(tmp_path) -> None:
    # binary content over the limit: the size error comes first, so nothing was parsed
    message = fails(tmp_path, "huge.csv", b"\x00" * 2048, "2.0 KB", "1.0 KB limit", max_bytes=1024)
    assert "split" in message
    with pytest.raises(DataFileError, match=r"upload\.csv is 2\.0 KB"):
        read_table(b"a,b\n" * 512, name="upload.csv", max_bytes=1024)
    assert DEFAULT_MAX_BYTES == 200 * 1024 * 1024


# ---- failures --------------------------------------------------------------------------------
def test_missing_path(tmp_path) -> None:
    with pytest.raises(DataFileError, match=r"nope\.csv: no such file"):
        read_table(tmp_path / "nope.csv")


def test_a_directory(tmp_path) -> None:
    with pytest.raises(DataFileError, match="is a folder"):
        read_table(tmp_path)


@pytest.mark.parametrize("content", [b"", b"  \n\r\n\t", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path, content: bytes) -> None:
    fails(tmp_path, "empty.csv", content, "is empty")


def test_header_only(tmp_path) -> None:
    fails(tmp_path, "head.csv", "日期,收盘价\n\n", "no data rows")


def test_binary_content(tmp_path) -> None:
    fails(tmp_path, "bin.csv", bytes(range(256)) * 4, "binary data", "CSV")


def test_pdf_saved_as_csv(tmp_path) -> None:
    fails(tmp_path, "report.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF")


def test_zipped_csv(tmp_path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    fails(tmp_path, "data.csv", buffer.getvalue(), "zip", "unzip it first")


def test_gzipped_csv(tmp_path) -> None:
    fails(tmp_path, "data.csv", gzip.compress(b"a,b\n1,2\n"), "gzip", "unzip it first")


def test_html_page_saved_as_csv(tmp_path) -> None:
    page = "<!DOCTYPE html>\n<html><head><title>Login</title></head><body>x</body></html>\n"
    fails(tmp_path, "prices.csv", page, "web page (HTML)")


@pytest.mark.parametrize(
    ("name", "phrase"), [("old.xls", "save it as .xlsx"), ("data.json", "unsupported file type")]
)
def test_unsupported_extension(tmp_path, name: str, phrase: str) -> None:
    fails(tmp_path, name, "a,b\n1,2\n", phrase)


def test_ole_container_named_csv_is_old_excel(tmp_path) -> None:
    fails(tmp_path, "x.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, ".xlsx")


def test_errors_are_riskcore_errors_never_pandas_ones(tmp_path) -> None:
    assert issubclass(DataFileError, RiskcoreError)
    with pytest.raises(ValueError, match="on_bad_lines"):  # a programming error, not a user's
        read_table(b"a\n1\n", name="x.csv", on_bad_lines="ignore")


# ---- Excel -----------------------------------------------------------------------------------
def workbook_bytes(rows: list[list], extra_sheet: bool = False) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "行情"
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        book.create_sheet("说明").append(["notes"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX_ROWS = [
    ["日期", " 收盘价 ", "涨跌幅", "代码"],
    [datetime(2024, 1, 2), 10.5, "3.2%", "600000.SH"],
    [None, None, None, None],
    [datetime(2024, 1, 3), "--", "-1.5%", "600000.SH"],
    ["数据来源：Wind", None, None, None],
]


def test_xlsx_from_a_workbook(tmp_path) -> None:
    frame, report = read(tmp_path, "wind.xlsx", workbook_bytes(XLSX_ROWS, extra_sheet=True))
    assert list(frame.columns) == ["日期", "收盘价", "涨跌幅", "代码"]
    assert frame["日期"].tolist() == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-03")]
    assert frame["收盘价"].iloc[0] == 10.5 and np.isnan(frame["收盘价"].iloc[1])
    assert frame["涨跌幅"].tolist() == pytest.approx([0.032, -0.015])
    assert (report.encoding, report.delimiter, report.rows) == (None, None, 2)
    assert any("2 sheets" in w and "'行情'" in w for w in report.warnings)
    assert any("数据来源：Wind" in w for w in report.warnings)


def test_xlsx_bytes_upload_and_workbook_named_csv(tmp_path) -> None:
    content = workbook_bytes(XLSX_ROWS)
    frame, _ = read_table(content, name="upload.xlsx")
    renamed, report = read(tmp_path, "export.csv", content)
    pd.testing.assert_frame_equal(frame, renamed)
    assert any("Excel workbook" in w for w in report.warnings)


def test_corrupt_xlsx(tmp_path) -> None:
    truncated = workbook_bytes(XLSX_ROWS)[:600]  # starts like a zip, then breaks off
    fails(tmp_path, "broken.xlsx", truncated, "not a readable .xlsx", "save it again")
    fails(tmp_path, "renamed.xlsx", "a,b\n1,2\n", "not a valid .xlsx")


def test_xlsx_header_only(tmp_path) -> None:
    fails(tmp_path, "head.xlsx", workbook_bytes([["a", "b"]]), "no data rows")


# ---- the report ------------------------------------------------------------------------------
def test_report_to_dict_and_to_text(tmp_path) -> None:
    body = "".join(f"2024-01-{d:02d},{d},\n" for d in range(2, 6))
    _, report = read(tmp_path, "r.csv", "日期,收盘价,空\n" + body + "数据来源：Wind\n")
    assert isinstance(report, LoadReport)
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert data["date_range"] == ["2024-01-02", "2024-01-05"]
    assert data["columns"][2] == {"name": "空", "kind": "empty", "missing": 4}
    text = report.to_text()
    for phrase in ("r.csv", "utf-8", "comma", "rows: 4", "日期, 2024-01-02 to 2024-01-05"):
        assert phrase in text
    assert "收盘价  number  0 missing" in text and "数据来源" in text
