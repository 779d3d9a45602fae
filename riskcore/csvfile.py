"""Every CSV that RiskLens writes for a user, written one way: safe to open in a spreadsheet.

A text cell (or column name) starting with = + - @, a tab or a carriage return is run by Excel,
LibreOffice and Sheets as a formula (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`), so it gets a
leading apostrophe; numbers, negative ones included, are left as numbers. The file starts with a
UTF-8 BOM so that Excel reads Chinese text as UTF-8. Entity, file and column names come from
users' data, so report, scenario, explanation, score and alert files all go through here.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ENCODING = "utf-8-sig"  # UTF-8 with a BOM on writing; a BOM is dropped on reading
# Excel's (and RFC 4180's) line end; it also makes the writer quote a cell holding a bare
# carriage return, which would otherwise end the row there in Excel and in Python's csv reader.
LINE_END = "\r\n"


def escape_cell(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe.

    Only text is touched: numbers, including negative ones, stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unescape_cell(value: object) -> object:
    """escape_cell undone, for a file RiskLens reads back (the watch's alerts)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def escaped(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text cell and every column name escaped; the index is
    dropped (no RiskLens CSV has one)."""
    out = frame.reset_index(drop=True)
    columns = [escape_cell(str(c)) for c in out.columns]
    out = out.set_axis(range(len(columns)), axis=1)  # positions: names may repeat once escaped
    for i in range(len(columns)):
        if not pd.api.types.is_numeric_dtype(out[i]):
            out[i] = out[i].map(escape_cell)
    return out.set_axis(columns, axis=1)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """`frame` as spreadsheet-safe CSV bytes (a download button's data)."""
    return escaped(frame).to_csv(index=False, lineterminator=LINE_END).encode(ENCODING)


def write_csv(
    frame: pd.DataFrame, target: str | Path | IO[bytes] | IO[str], append: bool = False
) -> None:
    """`frame` as a spreadsheet-safe CSV file at a path or into an open file.

    append=True adds rows to the file at `target` (a path): the BOM and the header row are
    written only when the file is new or empty, so the file stays one table.
    """
    if isinstance(target, str | Path):
        path = Path(target)
        fresh = not append or not path.exists() or path.stat().st_size == 0
        text = escaped(frame).to_csv(index=False, header=fresh, lineterminator=LINE_END)
        with path.open("ab" if append else "wb") as out:
            out.write(text.encode(ENCODING if fresh else "utf-8"))
        return
    data = csv_bytes(frame)
    if isinstance(target, io.TextIOBase):
        target.write(data.decode("utf-8"))  # the BOM as a character: the stream encodes it
    else:
        target.write(data)


def read_csv(path: str | Path, **options: object) -> pd.DataFrame:
    """A CSV that write_csv wrote, as it was before escaping (BOM dropped, apostrophes off)."""
    frame = pd.read_csv(path, encoding=ENCODING, **options)
    columns = [unescape_cell(str(c)) for c in frame.columns]
    frame = frame.set_axis(range(len(columns)), axis=1)
    for i in range(len(columns)):
        if not pd.api.types.is_numeric_dtype(frame[i]):
            frame[i] = frame[i].map(unescape_cell)
    return frame.set_axis(columns, axis=1)
