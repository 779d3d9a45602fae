"""Read CSV, TSV and Excel files robustly into a DataFrame plus a load report.

Analysts upload what their terminals export (Wind, Excel): GBK text, Chinese headers, quoted
thousands separators, percent strings, dates in several national styles, a source note in the
last rows. A clean UTF-8 file costs one C-engine `pandas.read_csv` call plus cheap column checks;
the heavier conversions run only on text columns whose values look like numbers or dates, and
date parsing works on the distinct values with an explicit format. Every problem a user can fix
is a DataFileError that names the file and says what to do; no pandas traceback escapes.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import threading
import unicodedata
import warnings
import zipfile
import zlib
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from riskcore.errors import DataFileError, LimitError

DEFAULT_MAX_BYTES = 200 * 1024 * 1024

TEXT_EXTENSIONS = {".csv", ".tsv", ".txt", ""}
EXCEL_EXTENSIONS = {".xlsx", ".xlsm"}
ARCHIVE_EXTENSIONS = {".zip", ".gz", ".gzip", ".7z", ".rar", ".bz2", ".xz", ".tar"}
DELIMITERS = (",", ";", "\t", "|")
SNIFF_BYTES = 64 * 1024
DETECT_BYTES = 256 * 1024
SAMPLE_VALUES = 500
MIN_PARSED = 0.95
FOOTER_ROWS = 10
RENAMES_SHOWN = 20  # a warning lists this many renamed duplicate columns, then counts the rest
# Wind and Excel write these for "no value"; pandas' defaults (NA, N/A, NULL, #N/A...) also apply.
MISSING_MARKERS = ["--", "-", "—", "——", "－－"]
GB_FAMILY = {"gb2312", "gbk", "hz", "gb18030"}
MAGIC_BINARY = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"SQLite format 3\x00": "an SQLite database",
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Zip bombs: Excel's own sheet size, and what a workbook's zip may declare (see check_workbook).
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
MAX_ZIP_MEMBERS = 10_000
MAX_ZIP_RATIO = 100  # real sheets compress 5-30x; deflate can reach ~1,000x
RATIO_FLOOR_BYTES = 16 * 1024 * 1024  # smaller parts may compress at any ratio
XML_HEAD_BYTES = 64 * 1024
SHEET_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
SHARED_STRINGS = re.compile(rb"<(?:\w+:)?sst\b[^>]*>")
SST_COUNT = re.compile(rb"\b(?:count|uniqueCount)\s*=\s*[\"'](\d{1,30})[\"']")
CELL_REF = re.compile(rb"\$?([A-Za-z]{1,7})\$?(\d{1,30})")
WORKSHEET = re.compile(rb"<(?:\w+:)?worksheet\b")
ROW_NUMBER = re.compile(rb"<row\b[^>]*?\sr\s*=\s*[\"'](\d{1,30})[\"']")
SCAN_CHUNK = 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
BAD_LINE = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")
C_ERROR_LINE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
DATE_NAME = re.compile(r"date|time|day|period|month|(^|_)dt($|_)|日期|时间|交易日|报告期", re.I)
_PLAIN_NUMBER = (
    r"[-+]?[$¥€£]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?(?:[eE][-+]?\d+)?%?"
    r"|[-+]?\.\d+(?:[eE][-+]?\d+)?%?"
)
NUMBER = rf"(?:{_PLAIN_NUMBER})|\((?:{_PLAIN_NUMBER})\)"  # (1,234) is an accounting negative
EU_NUMBER = r"[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?%?"
# Date shapes: (regex, strftime format); "DMY" formats are resolved to day- or month-first.
DATE_PARTS = [
    (r"\d{4}-\d{1,2}-\d{1,2}", "%Y-%m-%d"),
    (r"\d{4}/\d{1,2}/\d{1,2}", "%Y/%m/%d"),
    (r"\d{4}\.\d{1,2}\.\d{1,2}", "%Y.%m.%d"),
    (r"\d{4}年\d{1,2}月\d{1,2}日", "%Y年%m月%d日"),
    (r"\d{8}", "%Y%m%d"),
    (r"\d{1,2}/\d{1,2}/\d{4}", "DMY/"),
    (r"\d{1,2}-\d{1,2}-\d{4}", "DMY-"),
    (r"\d{1,2}\.\d{1,2}\.\d{4}", "DMY."),
]
TIME_PARTS = [("", "")] + [
    (sep + regex, sep + fmt)
    for sep in (" ", "T")
    for regex, fmt in [
        (r"\d{1,2}:\d{2}", "%H:%M"),
        (r"\d{1,2}:\d{2}:\d{2}", "%H:%M:%S"),
        (r"\d{1,2}:\d{2}:\d{2}\.\d{1,9}", "%H:%M:%S.%f"),
    ]
]
# ISO 8601 with a UTC offset (2024-01-31T09:30:00+08:00): read as UTC, stored without a zone.
ISO_OFFSET = (
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})",
    "ISO8601",
    "",
)
DATE_SHAPES = [(d + t, fd, ft) for d, fd in DATE_PARTS for t, ft in TIME_PARTS] + [ISO_OFFSET]
ANY_DATE = "|".join(f"(?:{regex})" for regex, _, _ in DATE_SHAPES)
_WARNINGS_LOCK = threading.Lock()  # warnings.catch_warnings is process-wide, not per thread


class Note(str):
    """A reading note: the English sentence the CLI prints, plus a key and the values in it,
    so the app can say it in the reader's language (ui.i18n "io.<key>")."""

    key: str
    values: dict

    def __new__(cls, key: str, template: str, **values: object) -> Note:
        values = {k: _plain(v) for k, v in values.items()}  # JSON-ready: uploads travel as JSON
        return cls.restored(template.format(**values), key, values)

    @classmethod
    def restored(cls, text: str, key: str, values: dict) -> Note:
        """A note read back from LoadReport.to_dict (an upload read in a child process)."""
        note = str.__new__(cls, text)
        note.key, note.values = key, dict(values)
        return note

    def __getnewargs__(self) -> tuple:  # pickled: rebuilt from the text, the state restored
        return (self.key, str(self).replace("{", "{{").replace("}", "}}"))


def _plain(value: object) -> object:
    """A note's value as JSON keeps it: numbers and text as they are, anything else as text."""
    if hasattr(value, "item") and not isinstance(value, str):  # a NumPy scalar
        value = value.item()
    return value if isinstance(value, int | float | str) else str(value)


@dataclass
class ColumnInfo:
    """One column as read: its kind ("number", "date", "text" or "empty") and missing count."""

    name: str
    kind: str
    missing: int


@dataclass
class LoadReport:
    """How a file was read, so the user can check it before mapping columns."""

    file: str
    encoding: str | None
    delimiter: str | None
    rows: int
    columns: list[ColumnInfo]
    time_column: str | None
    date_range: tuple[str, str] | None
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready: columns as dicts, the date range as a list, and beside the warnings'
        text each one's key and values ("notes"; None for a plain text), for from_dict."""
        out = asdict(self)
        out["date_range"] = list(self.date_range) if self.date_range else None
        out["warnings"] = [str(w) for w in self.warnings]
        out["notes"] = [
            {"key": w.key, "values": w.values} if isinstance(w, Note) else None
            for w in self.warnings
        ]
        return out

    @classmethod
    def from_dict(cls, raw: dict) -> LoadReport:
        """The report to_dict wrote, its notes rebuilt."""
        raw = dict(raw)
        notes = raw.pop("notes", None) or [None] * len(raw.get("warnings") or [])
        raw["warnings"] = [
            Note.restored(text, n["key"], n["values"]) if n else text
            for text, n in zip(raw.get("warnings") or [], notes, strict=True)
        ]
        raw["columns"] = [ColumnInfo(**c) for c in raw["columns"]]
        raw["date_range"] = tuple(raw["date_range"]) if raw["date_range"] else None
        return cls(**raw)

    def to_text(self) -> str:
        """A readable summary for `python -m riskcore inspect`."""
        if self.encoding is None:
            how = "Excel workbook"
        else:
            how = f"text, encoding {self.encoding}, delimiter {_delimiter_name(self.delimiter)}"
        lines = [
            f"file: {self.file}",
            f"read as: {how}",
            f"rows: {self.rows:,}   columns: {len(self.columns)}",
        ]
        if self.time_column:
            span = f", {self.date_range[0]} to {self.date_range[1]}" if self.date_range else ""
            lines.append(f"time column: {self.time_column}{span}")
        width = max((_display_width(c.name) for c in self.columns), default=0)
        lines.append("columns:")
        for col in self.columns:
            pad = " " * (width - _display_width(col.name))
            lines.append(f"  {col.name}{pad}  {col.kind:<6}  {col.missing:,} missing")
        if self.warnings:
            lines.append("warnings:")
            lines.extend(f"  - {w}" for w in self.warnings)
        return "\n".join(lines)


def _delimiter_name(delimiter: str | None) -> str:
    return {"\t": "tab", ",": "comma ','", ";": "semicolon ';'", "|": "pipe '|'"}.get(
        delimiter or "", repr(delimiter)
    )


def _display_width(text: str) -> int:
    """Terminal columns: Chinese characters take two, so the column list stays aligned."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def read_table(
    source: str | os.PathLike | bytes,
    *,
    name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_bad_lines: str = "skip",
    date_format: str | None = None,
) -> tuple[pd.DataFrame, LoadReport]:
    """Read a CSV/TSV/.xlsx file (a path, or the bytes of an upload named `name`).

    Returns the frame (dates as datetime64, numbers as floats/ints) and a LoadReport. Malformed
    lines are skipped with a warning (on_bad_lines="skip") or rejected ("error"). `date_format`
    (e.g. "%d/%m/%Y") settles date columns whose day and month order cannot be told apart.
    Raises DataFileError for anything the user has to fix.
    """
    if on_bad_lines not in ("skip", "error"):
        raise ValueError(f"on_bad_lines must be 'skip' or 'error', not {on_bad_lines!r}")
    src = _open_source(source, name, max_bytes)
    notes: list[str] = []
    if _sniff_kind(src, notes) == "excel":
        frame = _read_workbook(src.data(), src.label, notes)
        encoding = delimiter = None
    else:
        frame, encoding, delimiter = _read_text(src, on_bad_lines, notes)
    frame = _drop_footer(frame, notes)
    frame = _drop_empty(frame, notes).infer_objects()  # e.g. Excel dates freed of a note
    if frame.empty:
        raise DataFileError(
            f"{src.label} has a header row but no data rows; check that you exported the data, "
            "not only the column names"
        )
    frame = _convert_columns(frame, src.label, date_format, notes)
    return frame, _build_report(frame, src.label, encoding, delimiter, notes)


# ---- getting the bytes -----------------------------------------------------------------------
@dataclass
class _Source:
    """The input: a label for messages, its first bytes for sniffing, the rest on demand.

    A large clean file on disk is then parsed by pandas straight from its path (faster than
    from memory) and read only once.
    """

    label: str
    head: bytes
    path: Path | None = None
    loaded: bytes | None = None

    @property
    def ext(self) -> str:
        return Path(self.label).suffix.lower()

    @property
    def complete(self) -> bool:
        return self.loaded is not None

    def data(self) -> bytes:
        if self.loaded is None:
            self.loaded = _read_path(self.path, self.label, max_bytes=None)
        return self.loaded


def _open_source(source: str | os.PathLike | bytes, name: str | None, max_bytes: int) -> _Source:
    """Check the path and the size (before reading anything) and read the first bytes."""
    if isinstance(source, bytes | bytearray | memoryview):
        label = name or "upload"
        check_size(len(source), label, max_bytes)
        data = bytes(source)
        return _Source(label, data[:DETECT_BYTES], loaded=data)
    if not isinstance(source, str | os.PathLike):
        raise TypeError(f"source must be a path or bytes, not {type(source).__name__}")
    path = Path(source)
    label = name or str(source)
    if not path.exists():
        raise DataFileError(f"{label}: no such file; check the path (relative to {Path.cwd()})")
    if path.is_dir():
        raise DataFileError(f"{label} is a folder, not a file; give the path of a .csv or .xlsx")
    head = _read_path(path, label, max_bytes)
    if len(head) <= DETECT_BYTES:
        return _Source(label, head, path, loaded=head)
    return _Source(label, head[:DETECT_BYTES], path)


def _read_path(path: Path | None, label: str, max_bytes: int | None) -> bytes:
    """The whole file, or (with max_bytes) its size checked first and then its head."""
    assert path is not None
    try:
        with path.open("rb") as handle:
            if max_bytes is None:
                return handle.read()
            check_size(os.fstat(handle.fileno()).st_size, label, max_bytes)
            return handle.read(DETECT_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or exc
        raise DataFileError(f"{label} could not be read ({reason}); check its permissions") from exc


def check_size(size: int, label: str, max_bytes: int) -> None:
    """Refuse a file over `max_bytes` before anything reads it."""
    if size > max_bytes:
        raise DataFileError(
            f"{label} is {_human_size(size)}, over the {_human_size(max_bytes)} limit; "
            "split it into smaller files, drop unused columns, or raise the limit (max_bytes)"
        )


def _human_size(size: float) -> str:
    if size < 1024:
        return f"{int(size):,} bytes"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            break
    return f"{size:.1f} {unit}"


# ---- what kind of content --------------------------------------------------------------------
def _sniff_kind(src: _Source, notes: list[str]) -> str:
    """Whether to read it as "excel" or "text"; archives, binaries, HTML, .xls, empty: errors."""
    label, ext, head = src.label, src.ext, src.head[:8192]
    if ext == ".xls" or head.startswith(OLE_MAGIC):
        raise DataFileError(
            f"{label} is an old-format Excel file (.xls) or a password-protected workbook, which "
            "cannot be read; open it in Excel and save it as .xlsx (no password) or as CSV"
        )
    if ext in EXCEL_EXTENSIONS:
        if not head.startswith(ZIP_MAGIC):
            raise DataFileError(
                f"{label} is not a valid .xlsx workbook (corrupt, or another format renamed); "
                "open it in Excel and save it again as .xlsx, or export it as CSV"
            )
        return "excel"
    if ext in ARCHIVE_EXTENSIONS:
        raise DataFileError(f"{label} is a compressed archive; unzip it first and upload the CSV")
    if ext not in TEXT_EXTENSIONS:
        raise DataFileError(
            f"{label}: unsupported file type '{ext}'; use a .csv, .tsv, .txt or .xlsx file "
            "(from Excel: File > Save As > CSV UTF-8 or Excel Workbook)"
        )
    if _is_blank(src.head) and (src.complete or _is_blank(src.data())):
        raise DataFileError(f"{label} is empty; export the data again and check the file size")
    if head.startswith(ZIP_MAGIC):
        if _is_workbook_zip(src.data()):
            template = "this is an Excel workbook named '{ext}'; read it as .xlsx"
            notes.append(Note("excel_named", template, ext=ext))
            return "excel"
        raise DataFileError(f"{label} is a zip archive, not a CSV; unzip it first")
    if head.startswith(GZIP_MAGIC):
        raise DataFileError(f"{label} is gzip-compressed, not a plain CSV; unzip it first")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "text"
    _reject_non_text(head, label)
    return "text"


def _is_blank(data: bytes) -> bool:
    body = data.removeprefix(codecs.BOM_UTF8)
    return not body or body.isspace() or body in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _reject_non_text(head: bytes, label: str) -> None:
    """Binary files, web pages and XML saved under a .csv name."""
    for magic, what in MAGIC_BINARY.items():
        if head.startswith(magic):
            raise DataFileError(f"{label} is {what}, not a table; upload a CSV or .xlsx file")
    if b"\x00" in head:
        raise DataFileError(
            f"{label} contains binary data, not text; export the table as CSV (UTF-8) or .xlsx"
        )
    start = head.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html")) or (
        start.startswith(b"<") and (b"<html" in start or b"<table" in start or b"<body" in start)
    ):
        raise DataFileError(
            f"{label} is a web page (HTML), not CSV; it was probably saved from a browser or an "
            "expired download link: download the data file itself, or export it as CSV"
        )
    if start.startswith(b"<?xml"):
        raise DataFileError(f"{label} is an XML file, not CSV; save it from Excel as .xlsx or CSV")


def _is_workbook_zip(raw: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


# ---- text files ------------------------------------------------------------------------------
def _read_text(src: _Source, on_bad_lines: str, notes: list[str]) -> tuple[pd.DataFrame, str, str]:
    """Parse a text file with one read_csv call; returns (frame, encoding, delimiter).

    UTF-8 goes straight to the C parser (from the path when there is one, so pandas can read it
    in parallel); other encodings are detected, decoded, then parsed.
    """
    encoding = _utf8_head(src)
    if encoding is not None:
        target = src.path if src.path is not None and not src.complete else src.data()
        sample = src.head.decode(encoding, errors="ignore")
        attempt: list[str] = []
        try:
            sample = _head_lines(sample, src.complete)
            frame, delimiter = _parse_text(src, target, sample, encoding, on_bad_lines, attempt)
        except UnicodeDecodeError:
            pass  # valid UTF-8 at the top only: detect the encoding from the whole file
        else:
            notes.extend(attempt)
            return frame, encoding, delimiter
    encoding, text = _detect_encoding(src.data(), src.label, notes)
    sample = _head_lines(text, complete=True)
    frame, delimiter = _parse_text(src, text, sample, encoding, on_bad_lines, notes)
    return frame, encoding, delimiter


def _utf8_head(src: _Source) -> str | None:
    """Which UTF-8 (with or without BOM) the first bytes are in, if any.

    A multi-byte character cut at the end of the head is fine; the parser checks the rest.
    """
    head = src.head
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        cut = (
            not src.complete
            and exc.start >= len(head) - 3
            and exc.reason == "unexpected end of data"
        )
        if not cut:
            return None
    return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"


def _head_lines(text: str, complete: bool) -> str:
    """The first SNIFF_BYTES of text, cut after the last whole line (or, for a header line longer
    than that, e.g. 20,000 columns, after the first line)."""
    if len(text) > SNIFF_BYTES:
        if "\n" not in text[:SNIFF_BYTES] and (end := text.find("\n", SNIFF_BYTES)) >= 0:
            return text[: end + 1]
        text, complete = text[:SNIFF_BYTES], False
    if not complete and "\n" in text:
        text = text[: text.rfind("\n") + 1]
    return text


def _parse_text(
    src: _Source,
    target: Path | bytes | str,
    sample: str,
    encoding: str,
    on_bad_lines: str,
    notes: list[str],
) -> tuple[pd.DataFrame, str]:
    """Sniff delimiter and header on the sample, then parse the whole target (path/bytes/str)."""
    delimiter = _sniff_delimiter(sample, src.ext)
    header, header_line, leading_bad = _sniff_header(sample, delimiter)
    names = _clean_headers(header, notes)
    if leading_bad and on_bad_lines == "error":
        line, saw = leading_bad[0]
        raise _bad_line_error(src.label, line, len(names), saw)
    stream: Path | io.IOBase = target if isinstance(target, Path) else _stream(target)
    codec = None if isinstance(target, str) else encoding  # decoded text needs none
    frame, skipped = _parse_csv(
        stream, src.label, delimiter, names, codec, on_bad_lines, (header_line, leading_bad)
    )
    if skipped:
        notes.append(
            Note(
                "lines_skipped",
                "skipped {n:,} malformed line(s) with more fields than the header ({columns} "
                "columns), first at line {line}; check the delimiter or quoting there",
                n=len(skipped),
                columns=len(names),
                line=min(skipped),
            )
        )
    return frame, delimiter


def _stream(data: bytes | str) -> io.IOBase:
    return io.BytesIO(data) if isinstance(data, bytes) else io.StringIO(data)


def _detect_encoding(raw: bytes, label: str, notes: list[str]) -> tuple[str, str]:
    """The encoding and the decoded text of a file that is not UTF-8: BOM, then detection."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", _decode(raw, "utf-16", label, notes)
    encoding = _guess_encoding(raw)
    if encoding is None:
        raise DataFileError(
            f"{label} is not readable text in any known encoding (binary or damaged); export "
            "it again as CSV (UTF-8) or .xlsx"
        )
    return encoding, _decode(raw, encoding, label, notes)


def _guess_encoding(raw: bytes) -> str | None:
    """charset-normalizer on a sample around the first non-UTF-8 byte, cut at line ends.

    GB2312/GBK are decoded as GB18030 (a superset that also reads rare characters).
    """
    from charset_normalizer import from_bytes

    try:
        raw.decode("utf-8")
        start = 0
    except UnicodeDecodeError as exc:
        start = max(0, exc.start - DETECT_BYTES // 4)
    sample = raw[start : start + DETECT_BYTES]
    if start:
        sample = sample[sample.find(b"\n") + 1 :]
    if start + DETECT_BYTES < len(raw) and b"\n" in sample:
        sample = sample[: sample.rfind(b"\n") + 1]
    matches = from_bytes(sample)
    best = matches.best()
    if best is None:
        return None
    encoding = _codec_name(best.encoding)
    if encoding in GB_FAMILY or _simplified_chinese(sample):
        return "gb18030"
    return encoding


def _simplified_chinese(sample: bytes) -> bool:
    """Whether the bytes read as GB18030 give (almost only) common simplified characters.

    charset-normalizer takes short GBK samples for Korean, Big5 or a code page now and then;
    the users here are Chinese-speaking. Real Big5, Shift-JIS or Latin text read as GB18030
    gives many characters outside GB2312, so those keep their detected encoding.
    """
    try:
        text = sample.decode("gb18030")
    except UnicodeDecodeError:
        return False
    wide = [ch for ch in text if ord(ch) > 127]
    if not wide:
        return False
    common = sum(1 for ch in wide if _in_gb2312(ch))
    return common >= 0.9 * len(wide)


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _codec_name(encoding: str) -> str:
    return codecs.lookup(encoding).name


def _decode(raw: bytes, encoding: str, label: str, notes: list[str]) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        text = raw.decode(encoding, errors="replace")
        bad = text.count("\ufffd")
        notes.append(
            Note(
                "bytes_replaced",
                "{n:,} byte sequence(s) are not valid {encoding} (first at byte {at:,}) and were "
                "replaced by '\ufffd'; re-export the file as UTF-8 if text looks wrong",
                n=bad,
                encoding=encoding,
                at=exc.start,
            )
        )
        return text
    except LookupError as exc:  # pragma: no cover - detector named a codec Python lacks
        raise DataFileError(f"{label}: unknown text encoding {encoding}; save it as UTF-8") from exc


def _sniff_delimiter(sample: str, ext: str) -> str:
    """The candidate giving the most consistent field count (>= 2) over the first lines.

    csv.reader honours quotes, so "1,234,567" in a comma file does not fool it.
    """
    preferred = "\t" if ext == ".tsv" else ","
    best, best_score = preferred, (0.0, 0, False)
    for delimiter in DELIMITERS:
        rows = [row for _, row in _csv_records(sample, delimiter)]
        if not rows or len(rows[0]) < 2:
            continue
        consistent = sum(len(r) == len(rows[0]) for r in rows) / len(rows)
        score = (round(consistent, 2), len(rows[0]), delimiter == preferred)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_records(sample: str, delimiter: str, limit: int = 50) -> list[tuple[int, list[str]]]:
    """The first `limit` non-blank records with their 1-based line numbers.

    Quote-aware, so a quoted delimiter or newline stays inside its field; universal newlines,
    so old Mac files (CR only) split into lines too.
    """
    reader = csv.reader(io.StringIO(sample, newline=None), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if any(v.strip() for v in row):
                records.append((reader.line_num, row))
                if len(records) == limit:
                    break
    except csv.Error:
        pass
    return records


def _sniff_header(sample: str, delimiter: str) -> tuple[list[str], int, list[tuple[int, int]]]:
    """Header fields, the line the header ends on, and the first data lines with extra fields.

    pandas (index_col=False) would silently drop the extra fields of the first data line instead
    of treating it as malformed, so those lines are found here: (1-based line number, fields).
    When most rows have more fields than the header, the header is short instead: it is padded
    with blank names (named column_N later).
    """
    records = _csv_records(sample, delimiter, limit=200)
    if not records:
        return [""], 1, []
    header_line, header = records[0]
    header_line -= sum(v.count("\n") for v in header)  # pandas counts a quoted newline as none
    widths = Counter(len(row) for _, row in records[1:])
    if widths:
        width, count = widths.most_common(1)[0]
        if width > len(header) and count > len(records[1:]) / 2:
            header = header + [""] * (width - len(header))
    bad = []
    for line, row in records[1:]:
        if len(row) <= len(header) or not any(v.strip() for v in row[len(header) :]):
            break
        bad.append((line, len(row)))
    return header, header_line, bad


def _clean_headers(fields: list, notes: list[str]) -> list[str]:
    """Headers stripped of whitespace (Chinese kept), blanks named, duplicates made unique."""
    names = []
    for i, value in enumerate(fields, start=1):
        text = _header_text(value)
        names.append(text or f"column_{i}")
    seen: set[str] = set()
    next_suffix: dict[str, int] = {}  # base -> first suffix not yet known to be taken
    renamed = []
    for i, base in enumerate(names):
        # Resuming at the last suffix tried for this base gives the names the naive search from
        # _2 gives (`seen` only grows), in linear time: 20,000 equal names were quadratic.
        candidate, k = base, next_suffix.get(base, 2)
        while candidate in seen:
            candidate, k = f"{base}_{k}", k + 1
        if candidate != base:
            next_suffix[base] = k
            renamed.append(f"'{base}' -> '{candidate}'")
        names[i] = candidate
        seen.add(candidate)
    if renamed:
        shown = ", ".join(renamed[:RENAMES_SHOWN])
        more = len(renamed) - RENAMES_SHOWN
        if more > 0:
            template = "duplicate column names made unique: {shown} and {more:,} more"
            notes.append(Note("duplicate_names_more", template, shown=shown, more=more))
        else:
            template = "duplicate column names made unique: {shown}"
            notes.append(Note("duplicate_names", template, shown=shown))
    return names


def _header_text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10] if getattr(value, "hour", 0) == 0 else value.isoformat()
    text = "".join(c for c in str(value) if unicodedata.category(c) != "Cf")  # zero-width, BOM
    return " ".join(text.split())


def _parse_csv(
    target: Path | io.IOBase,
    label: str,
    delimiter: str,
    names: list[str],
    encoding: str | None,
    on_bad_lines: str,
    skip: tuple[int, list[tuple[int, int]]],
) -> tuple[pd.DataFrame, list[int]]:
    """One C-engine read_csv; malformed lines come back from pandas' own warnings.

    pandas (>= 3.1) parses a large local file in parallel chunks, but not in on_bad_lines="warn"
    mode. So a file on disk is parsed with "error" first; only a file that has a malformed line
    is parsed again, serially, with "warn" to skip those lines and collect their numbers.
    `skip` is (the header's 1-based line as pandas counts, the leading malformed lines). The
    header lines are skipped rather than read as a header (header=0): pandas de-duplicates a
    header it reads in quadratic time, and the names are ours anyway.
    """
    header_line, leading_bad = skip
    options = {
        "sep": delimiter,
        "names": names,
        "header": None,
        "index_col": False,
        "encoding": encoding,
        "na_values": MISSING_MARKERS,
        "skiprows": list(range(header_line)) + [line - 1 for line, _ in leading_bad],
        "engine": "c",
    }
    skipped = [line for line, _ in leading_bad]
    if on_bad_lines == "error" or isinstance(target, Path):
        strict = options | {"on_bad_lines": "error"}
        try:
            frame, _ = _read_csv(target, label, len(names), strict)
        except _MalformedLine as exc:
            if on_bad_lines == "error":
                raise exc.error from None
        else:
            return frame, skipped
    frame, caught = _read_csv(target, label, len(names), options | {"on_bad_lines": "warn"})
    for message in caught:
        skipped.extend(int(m.group(1)) for m in BAD_LINE.finditer(message))
    return frame, skipped


class _MalformedLine(Exception):
    """A line with too many fields met in on_bad_lines="error" mode; carries the user's error."""

    def __init__(self, error: DataFileError) -> None:
        super().__init__(str(error))
        self.error = error


def _read_csv(
    target: Path | io.IOBase, label: str, expected: int, options: dict
) -> tuple[pd.DataFrame, list[str]]:
    """pandas.read_csv with its warnings collected and its exceptions turned into messages."""
    if hasattr(target, "seek"):
        target.seek(0)
    with _WARNINGS_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            frame = pd.read_csv(target, **options)
        except (UnicodeDecodeError, MemoryError):
            raise  # the caller falls back from UTF-8 to detecting the encoding; memory: no file
        except Exception as exc:  # any parser failure is about the file: say which and where
            error = _parse_error(label, str(exc), expected)
            if C_ERROR_LINE.search(str(exc)):
                raise _MalformedLine(error) from exc
            raise error from exc
    return frame, [str(item.message) for item in caught]


def _parse_error(label: str, message: str, expected: int) -> DataFileError:
    found = C_ERROR_LINE.search(message)
    if found:
        return _bad_line_error(label, int(found.group(2)), expected, int(found.group(3)))
    first = message.strip().splitlines()[0] if message.strip() else "unknown parser error"
    return DataFileError(
        f"{label} could not be read as a table ({first}); check for an unclosed quote or a "
        "wrong delimiter near that place, or export the file again"
    )


def _bad_line_error(label: str, line: int, expected: int, saw: int) -> DataFileError:
    return DataFileError(
        f"{label}: line {line} has {saw} fields but the header has {expected}; fix or remove "
        "that line (a stray delimiter or a missing quote), or skip such lines "
        "(on_bad_lines='skip')"
    )


# ---- Excel workbooks -------------------------------------------------------------------------
def check_workbook(raw: bytes, label: str) -> None:
    """Refuse a zip bomb from what the zip declares, before openpyxl expands anything.

    openpyxl holds every shared string in memory and pads a sheet to its declared dimension, so
    a 1 MB file can cost gigabytes. Checked: the number of members, the sum of their declared
    uncompressed sizes (Python's zipfile never yields more than a member declares: a lie is a
    CRC error), each big member's compression ratio, the rows x columns of each sheet's
    <dimension> and the string count of <sst> (from the first 64 KB of each XML part), and the
    rows and cells each sheet really holds (one streamed pass). What slips through (strings that
    lie about their count, namespace-prefixed cells) still meets the parsing child's memory and
    time limits.
    """
    from riskcore.settings import server_settings  # here: a CSV need not import pydantic

    limits = server_settings().limits
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # openpyxl's failure is reported as a corrupt workbook
    with archive:
        infos = archive.infolist()
        _check_members(infos, label, limits.max_unzipped_mb)
        for info in infos:
            if info.filename.lower().endswith(".xml") and not info.is_dir():
                _check_declared_cells(archive, info, label, limits.max_cells)


def _too_big(label: str, declared: str, limit: str) -> LimitError:
    return LimitError(
        f"{label} {declared}, over this server's limit of {limit}; save the sheet as CSV, or "
        "split it into smaller workbooks"
    )


def _check_members(infos: list[zipfile.ZipInfo], label: str, max_unzipped_mb: float) -> None:
    if len(infos) > MAX_ZIP_MEMBERS:
        raise _too_big(label, f"holds {len(infos):,} files", f"{MAX_ZIP_MEMBERS:,} files")
    total = sum(info.file_size for info in infos)
    if total > max_unzipped_mb * 1024 * 1024:
        raise _too_big(
            label,
            f"unzips to {_human_size(total)}",
            f"{_human_size(max_unzipped_mb * 1024 * 1024)}",
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_ZIP_RATIO:
            raise _too_big(
                label,
                f"has a part ({info.filename}) that expands {ratio:,.0f} times, from "
                f"{_human_size(info.compress_size)} to {_human_size(info.file_size)}",
                f"{MAX_ZIP_RATIO} times for parts over {_human_size(RATIO_FLOOR_BYTES)}",
            )


def _check_declared_cells(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, max_cells: int
) -> None:
    """A sheet's declared extent (openpyxl fills every cell up to it) and a string table's size."""
    try:
        with archive.open(info) as member:
            head = member.read(XML_HEAD_BYTES)
    except (
        zipfile.BadZipFile,
        OSError,
        ValueError,
        EOFError,
        RuntimeError,
        NotImplementedError,
        zlib.error,
    ):
        return  # encrypted, damaged or an unknown method: openpyxl reports it as corrupt
    part = info.filename
    if WORKSHEET.search(head):
        _check_held_cells(archive, info, label, max_cells)
    if found := SHEET_DIMENSION.search(head):
        corners = [_cell_position(ref) for ref in found.group(1).split(b":")]
        if None in corners:
            return  # not a reference openpyxl can use either
        rows = max(row for row, _ in corners)  # openpyxl reads from A1 to the far corner
        columns = max(column for _, column in corners)
        cells = rows * columns
        if rows > EXCEL_MAX_ROWS or columns > EXCEL_MAX_COLUMNS or cells > max_cells:
            raise _too_big(
                label,
                f"declares {rows:,} rows x {columns:,} columns ({cells:,} cells) in {part}",
                f"{max_cells:,} cells and Excel's {EXCEL_MAX_ROWS:,} rows",
            )
    if found := SHARED_STRINGS.search(head):
        counts = [int(n) for n in SST_COUNT.findall(found.group(0))]
        if counts and max(counts) > max_cells:
            raise _too_big(
                label, f"declares {max(counts):,} shared strings in {part}", f"{max_cells:,}"
            )


def _check_held_cells(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, max_cells: int
) -> None:
    """The rows and cells a sheet really holds, counted in one streamed pass over its XML.

    A sheet need not declare its size, and openpyxl yields every row up to the highest row
    number. A pass of regex and bytes.count is far cheaper than openpyxl's parse, so a sheet
    holding millions of rows is refused in seconds instead of meeting the child's time limit.
    """
    rows = cells = highest = 0
    carry, stopped = b"", False
    try:
        with archive.open(info) as member:
            while chunk := member.read(SCAN_CHUNK):
                buffer = carry + chunk
                cut = buffer.rfind(b">") + 1  # whole tags only; the rest joins the next chunk
                whole, carry = buffer[:cut], buffer[cut:][-SCAN_CHUNK:]
                rows += whole.count(b"<row ") + whole.count(b"<row>") + whole.count(b"<row/")
                cells += whole.count(b"<c ") + whole.count(b"<c>") + whole.count(b"<c/")
                numbers = ROW_NUMBER.findall(whole)
                highest = max(highest, max(map(int, numbers), default=0))
                if max(rows, highest) > EXCEL_MAX_ROWS or cells > max_cells:
                    stopped = True  # enough seen: the rest need not be read
                    break
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, zlib.error):
        return  # openpyxl reports a damaged part as a corrupt workbook
    rows = max(rows, highest)
    if rows > EXCEL_MAX_ROWS or cells > max_cells:
        more = "at least " if stopped else ""
        raise _too_big(
            label,
            f"holds {more}{rows:,} rows and {cells:,} cells in {info.filename}",
            f"{max_cells:,} cells and Excel's {EXCEL_MAX_ROWS:,} rows",
        )


def _cell_position(ref: bytes) -> tuple[int, int] | None:
    """(row, column) of an A1-style reference such as b"XFD1048576" or b"$B$2"."""
    found = CELL_REF.fullmatch(ref.strip())
    if not found:
        return None
    column = 0
    for letter in found.group(1).upper():
        column = column * 26 + letter - ord("A") + 1
    return int(found.group(2)), column


def _read_workbook(raw: bytes, label: str, notes: list[str]) -> pd.DataFrame:
    """The first worksheet via openpyxl (values, not formulas); blank rows skipped."""
    import openpyxl

    check_workbook(raw, label)
    corrupt = (
        f"{label} is not a readable .xlsx workbook (corrupt, truncated or not Excel); open it "
        "in Excel and save it again as .xlsx, or export it as CSV"
    )
    with _WARNINGS_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl: "no default style", unknown extensions
        try:
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except MemoryError:
            raise  # not a corrupt file: a big one (riskcore.uploads reports the limit)
        except Exception as exc:
            raise DataFileError(corrupt) from exc
        try:
            sheets = book.worksheets
            if not sheets:
                raise DataFileError(f"{label} has no worksheets; save a sheet with the data")
            if len(sheets) > 1:
                first = sheets[0].title
                notes.append(
                    Note(
                        "sheets",
                        "the workbook has {n} sheets; read the first, '{first}'",
                        n=len(sheets),
                        first=first,
                    )
                )
            rows = [list(r) for r in sheets[0].iter_rows(values_only=True)]
        except (DataFileError, MemoryError):
            raise
        except Exception as exc:
            raise DataFileError(corrupt) from exc
        finally:
            book.close()
    return _rows_to_frame(rows, label, notes)


def _rows_to_frame(rows: list[list], label: str, notes: list[str]) -> pd.DataFrame:
    markers = set(MISSING_MARKERS) | {""}
    cleaned = []
    for row in rows:
        cells = [None if isinstance(v, str) and v.strip() in markers else v for v in row]
        if any(v is not None for v in cells):
            cleaned.append(cells)
    if not cleaned:
        raise DataFileError(f"{label} is empty (the first sheet has no cells with values)")
    width = max(max(i for i, v in enumerate(r) if v is not None) + 1 for r in cleaned)
    padded = [(r + [None] * width)[:width] for r in cleaned]
    names = _clean_headers(padded[0], notes)
    return pd.DataFrame(padded[1:], columns=names).infer_objects()


# ---- clean-up --------------------------------------------------------------------------------
def _drop_footer(frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Drop trailing note rows ("数据来源：Wind"): text in the first field, fields missing.

    A note holding the delimiter ("Source: Wind, 2024") fills a second field, so a row counts
    as a note when its first field is note-like text and any other field is empty.
    """
    if frame.shape[1] < 2 or frame.empty:
        return frame
    tail = frame.iloc[-FOOTER_ROWS:]
    gaps = tail.iloc[:, 1:].isna()
    all_empty, some_empty = gaps.all(axis=1).to_numpy(), gaps.any(axis=1).to_numpy()
    firsts = tail.iloc[:, 0].tolist()
    body_numeric = _mostly_starts_with_digit(frame.iloc[: max(len(frame) - FOOTER_ROWS, 1), 0])
    dropped: list[str] = []
    for value, blank, gap in zip(
        reversed(firsts), reversed(all_empty), reversed(some_empty), strict=True
    ):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            if not blank:
                break
            dropped.append("")
        elif gap and isinstance(value, str) and _is_note(value, body_numeric):
            dropped.append(value.strip())
        else:
            break
    texts = [d for d in dropped if d]
    if not texts:
        return frame
    notes.append(
        Note(
            "footer_dropped",
            "dropped {n} note line(s) at the end of the file, e.g. '{example}'",
            n=len(texts),
            example=texts[-1][:60],
        )
    )
    return frame.iloc[: len(frame) - len(dropped)]


def _mostly_starts_with_digit(column: pd.Series) -> bool:
    values = column.dropna().head(100)
    if values.empty:
        return False
    return float(values.astype("str").str.match(r"\s*[-+]?\d").mean()) >= 0.5


def _is_note(value: str, body_numeric: bool) -> bool:
    text = value.strip()
    if not text or re.match(r"[-+]?\d", text):
        return False
    if body_numeric:
        return True
    return bool(re.search(r"[:：*]|来源|注|说明|source|note", text, re.I))


def _drop_empty(frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Drop rows with no values at all, and unnamed columns with no values (trailing commas)."""
    if all(frame[c].hasnans for c in frame.columns):  # stops at the first full column
        frame = frame[frame.notna().any(axis=1)]
    unnamed = [c for c in frame.columns if re.fullmatch(r"column_\d+", str(c))]
    empty = [c for c in unnamed if frame[c].isna().all()]
    if empty:
        frame = frame.drop(columns=empty)
    if kept := [c for c in unnamed if c not in empty]:
        notes.append(
            Note("unnamed", "column(s) without a header were named {names}", names=", ".join(kept))
        )
    return frame.reset_index(drop=True)


# ---- typing columns --------------------------------------------------------------------------
def _convert_columns(
    frame: pd.DataFrame, label: str, date_format: str | None, notes: list[str]
) -> pd.DataFrame:
    """Dates to datetime64 and number-like text to float; clean columns are left untouched."""
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_bool_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
            continue
        try:
            if pd.api.types.is_numeric_dtype(column):
                converted = _integer_dates(name, column, notes)
            else:
                converted = _convert_text(name, column, label, date_format, notes)
        except (ValueError, TypeError, ArithmeticError) as exc:  # never a traceback for a user
            notes.append(
                Note(
                    "unconverted",
                    "column '{name}' kept as read: it could not be converted ({error})",
                    name=name,
                    error=exc,
                )
            )
            converted = None
        if converted is not None:
            frame[name] = converted
    return frame


def _integer_dates(name: str, column: pd.Series, notes: list[str]) -> pd.Series | None:
    """20240131-style integers become dates when the name or every value says so."""
    head = column.iloc[:SAMPLE_VALUES].to_numpy(dtype="float64", na_value=np.nan)
    head = head[~np.isnan(head)]
    if len(head) and not ((head >= 19000101) & (head <= 21001231)).all():
        return None  # cheap exit for ordinary number columns (numpy: 20,000 columns add up)
    low, high = column.min(), column.max()
    if pd.isna(low) or low < 19000101 or high > 21001231:
        return None
    values = column.dropna()
    if not (values % 1 == 0).all():
        return None
    as_int = values.astype("int64")
    month, day = as_int // 100 % 100, as_int % 100
    plausible = float(((month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)).mean())
    named = bool(DATE_NAME.search(str(name)))
    if plausible < (MIN_PARSED if named else 1.0):
        return None
    return _parse_dates(
        name, column.astype("Int64"), notes, fixed_format="%Y%m%d", min_parsed=0 if named else 1
    )


def _convert_text(
    name: str, column: pd.Series, label: str, date_format: str | None, notes: list[str]
) -> pd.Series | None:
    """Dates first, then numbers; a column that is neither stays text."""
    text = column if isinstance(column.dtype, pd.StringDtype) else column.astype("str")
    sample = _sample(text)
    if sample.empty:
        return None
    converted = None
    if date_format and _fraction(_try_format(sample, date_format, label)) >= MIN_PARSED:
        converted = _parse_dates(name, text, notes, fixed_format=date_format)
    if converted is None and _fraction(sample.str.fullmatch(ANY_DATE)) >= MIN_PARSED:
        eight_digits = bool(sample.str.fullmatch(r"\d{8}").all())
        strict = eight_digits and not DATE_NAME.search(str(name))
        converted = _parse_dates(name, text, notes, label=label, min_parsed=1 if strict else 0)
    if converted is not None:
        return converted
    numeric = max(_fraction(sample.str.fullmatch(p)) for p in (NUMBER, EU_NUMBER))
    if numeric >= 0.5:
        return _parse_numbers(name, text, notes)
    return None


def _sample(text: pd.Series) -> pd.Series:
    """Up to SAMPLE_VALUES non-empty stripped values from the top (cheap on a million rows)."""
    head = text.iloc[: SAMPLE_VALUES * 4]
    head = head[head.notna()]
    if head.empty:
        head = text[text.notna()]
    head = head.str.strip()
    return head[head != ""].iloc[:SAMPLE_VALUES]


def _fraction(mask: pd.Series) -> float:
    return float(mask.fillna(False).astype(bool).mean()) if len(mask) else 0.0


def _try_format(sample: pd.Series, date_format: str, label: str) -> pd.Series:
    try:
        return pd.to_datetime(sample, format=date_format, errors="coerce").notna()
    except ValueError as exc:
        raise DataFileError(
            f"date_format {date_format!r} given for {label} is not a valid format ({exc}); "
            "use strftime codes such as '%d/%m/%Y'"
        ) from exc


def _distinct(column: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Row codes (-1 for missing) and the distinct values as stripped text.

    Conversions then run once per distinct value: a date column of a panel has few.
    """
    codes, uniques = pd.factorize(column)
    return codes, pd.Series(uniques).astype("str").str.strip()


def _parse_dates(
    name: str,
    column: pd.Series,
    notes: list[str],
    *,
    fixed_format: str | None = None,
    label: str = "",
    min_parsed: float = 0,
) -> pd.Series | None:
    """Parse the distinct values with explicit formats, then spread back to all rows."""
    codes, distinct = _distinct(column)
    if fixed_format:
        parsed = pd.to_datetime(distinct, format=fixed_format, errors="coerce")
    else:
        formats = _date_formats(name, distinct, label, notes)
        if formats is None:
            return None
        parsed = pd.Series(pd.NaT, index=distinct.index, dtype="datetime64[us]")
        for fmt, mask in formats:
            parsed[mask] = _to_datetime(distinct[mask], fmt)
    return _spread(name, column, codes, distinct, parsed, notes, "dates", min_parsed)


def _to_datetime(values: pd.Series, fmt: str) -> pd.Series:
    if fmt != "ISO8601":
        return pd.to_datetime(values, format=fmt, errors="coerce")
    return pd.to_datetime(values, format=fmt, errors="coerce", utc=True).dt.tz_localize(None)


def _date_formats(name: str, distinct: pd.Series, label: str, notes: list[str]) -> list | None:
    """(format, mask over distinct values) per date shape present; day/month order resolved."""
    groups = []
    timed = bool(distinct.str.contains(":", regex=False).any())
    for regex, date_fmt, time_fmt in DATE_SHAPES:
        if time_fmt and not timed:
            continue
        mask = distinct.str.fullmatch(regex).fillna(False).astype(bool).to_numpy()
        if mask.any():
            groups.append((date_fmt, time_fmt, mask))
    orders = {}
    for sep in {d[-1] for d, _, _ in groups if d.startswith("DMY")}:
        in_family = np.logical_or.reduce([m for d, _, m in groups if d == f"DMY{sep}"])
        orders[sep] = _day_first(name, distinct[in_family], sep, label)
        if orders[sep] is None:
            notes.append(
                Note(
                    "day_month_mixed",
                    "column '{name}' mixes day-first and month-first dates (e.g. 13{sep}01 and "
                    "01{sep}13), so it stays text; pass date_format to read it as dates",
                    name=name,
                    sep=sep,
                )
            )
            return None
    out = []
    for date_fmt, time_fmt, mask in groups:
        if date_fmt.startswith("DMY"):
            sep = date_fmt[-1]
            date_fmt = sep.join(("%d", "%m", "%Y") if orders[sep] else ("%m", "%d", "%Y"))
        out.append((date_fmt + time_fmt, mask))
    return out


def _day_first(name: str, values: pd.Series, sep: str, label: str) -> bool | None:
    """Day-first if any first field > 12, month-first if any second field > 12.

    Dotted dates (31.01.2024) are day-first by convention when the values cannot tell; for
    slashes and dashes an undecidable column is an error asking for date_format. A column with
    both (a mix of orders) is not trusted as dates and stays text.
    """
    parts = values.str.extract(r"^(\d{1,2})\D(\d{1,2})\D").astype("int64")
    first_big, second_big = bool((parts[0] > 12).any()), bool((parts[1] > 12).any())
    if first_big and second_big:
        return None
    if first_big or second_big:
        return first_big
    if sep == ".":
        return True
    raise DataFileError(
        f"{label}: column '{name}' has dates like {values.iloc[0]} where day and month cannot "
        f"be told apart (no value above 12); give the date format '%d{sep}%m{sep}%Y' (day first) "
        f"or '%m{sep}%d{sep}%Y' (month first): on the Data page under Reading options, or with "
        "--date-format on the command line"
    )


def _parse_numbers(name: str, text: pd.Series, notes: list[str]) -> pd.Series | None:
    """Thousands separators, percents (3.2% -> 0.032), currency signs, (1,234) negatives.

    Decimal commas (1.234,5) are tried only when the column does not read as 1,234.5 style.
    """
    codes, distinct = _distinct(text)
    for regex, to_float in ((NUMBER, _us_number), (EU_NUMBER, _eu_number)):
        valid = distinct.str.fullmatch(regex).fillna(False).astype(bool)
        parsed = to_float(distinct).where(valid)
        result = _spread(name, text, codes, distinct, parsed, notes, "numbers", MIN_PARSED)
        if result is not None:
            return result
    return None


def _us_number(distinct: pd.Series) -> pd.Series:
    negative = distinct.str.startswith("(").fillna(False).astype(bool)
    percent = distinct.str.rstrip(")").str.endswith("%").fillna(False).astype(bool)
    plain = distinct.str.replace(r"[,$¥€£%()]", "", regex=True)
    values = pd.to_numeric(plain, errors="coerce").astype("float64")
    return values.where(~percent, values / 100).where(~negative, -values.abs())


def _eu_number(distinct: pd.Series) -> pd.Series:
    percent = distinct.str.endswith("%").fillna(False).astype(bool)
    plain = distinct.str.replace(r"[.%]", "", regex=True).str.replace(",", ".", regex=False)
    values = pd.to_numeric(plain, errors="coerce").astype("float64")
    return values.where(~percent, values / 100)


def _spread(
    name: str,
    column: pd.Series,
    codes: np.ndarray,
    distinct: pd.Series,
    parsed: pd.Series,
    notes: list[str],
    what: str,
    min_parsed: float,
) -> pd.Series | None:
    """Map parsed distinct values back to rows when enough of the non-empty rows parse.

    At least max(min_parsed, MIN_PARSED) of them must; the rest become missing, with a warning
    naming the column, the count and the first such value.
    """
    has_missing = bool((codes < 0).any())
    counts = np.bincount(codes[codes >= 0] if has_missing else codes, minlength=len(distinct))
    blank = (distinct == "").to_numpy()
    failed = parsed.isna().to_numpy() & ~blank
    filled, bad = int(counts[~blank].sum()), int(counts[failed].sum())
    if filled == 0 or filled - bad < max(min_parsed, MIN_PARSED) * filled:
        return None
    values = parsed.to_numpy()
    if has_missing:  # codes of -1 are missing cells: point them at an appended missing value
        values = np.append(values, values.dtype.type("NaT") if values.dtype.kind == "M" else np.nan)
        codes = np.where(codes < 0, len(values) - 1, codes)
        failed = np.append(failed, False)
    out = values[codes]
    if bad:
        first_row = int(np.flatnonzero(failed[codes])[0])
        notes.append(
            Note(
                f"not_{what}",
                "column '{name}': {n:,} value(s) that are not " + what + " were set to missing, "
                "first {first!r} (data row {row:,})",
                name=name,
                n=bad,
                first=column.iloc[first_row],
                row=first_row + 1,
            )
        )
    return pd.Series(out, index=column.index, name=column.name)


# ---- the report ------------------------------------------------------------------------------
def _build_report(
    frame: pd.DataFrame, label: str, encoding: str | None, delimiter: str | None, notes: list[str]
) -> LoadReport:
    columns = []
    missing_counts = frame.isna().sum().to_numpy()  # one pass: per-column calls cost ms each
    for (name, dtype), missing in zip(frame.dtypes.items(), missing_counts, strict=True):
        kind = _kind(dtype, int(missing), len(frame))
        columns.append(ColumnInfo(str(name), kind, int(missing)))
    time_column = next((c.name for c in columns if c.kind == "date"), None)
    date_range = None
    if time_column is not None:
        dates = frame[time_column]
        date_range = (_iso(dates.min()), _iso(dates.max()))
    for info in columns:
        if info.kind == "date" and _after_today(frame[info.name]):
            notes.append(
                Note(
                    "future_dates",
                    "column '{name}' has dates after today (latest {latest}); check for typos "
                    "such as 2204 for 2024, or forecasts mixed with history",
                    name=info.name,
                    latest=_iso(frame[info.name].max()),
                )
            )
    return LoadReport(
        file=label,
        encoding=encoding,
        delimiter=delimiter,
        rows=len(frame),
        columns=columns,
        time_column=time_column,
        date_range=date_range,
        warnings=notes,
    )


def _after_today(dates: pd.Series) -> bool:
    latest = dates.max()
    now = pd.Timestamp.now(tz=latest.tz) if latest.tz is not None else pd.Timestamp.now()
    return latest > now + pd.Timedelta(days=1)


def _kind(dtype: object, missing: int, rows: int) -> str:
    if missing == rows:
        return "empty"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date"
    if pd.api.types.is_numeric_dtype(dtype):  # bool included: 0/1 targets
        return "number"
    return "text"


def _iso(stamp: pd.Timestamp) -> str:
    if stamp == stamp.normalize():
        return stamp.date().isoformat()
    return stamp.isoformat(sep=" ")
