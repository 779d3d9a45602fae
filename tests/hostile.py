"""A corpus of hostile and malformed inputs, generated (nothing big is committed).

FILES: bytes that riskcore.io.read_table must refuse, with a fragment of the message expected.
CONFIGS: RunConfig JSON texts that riskcore.config must refuse. DATA: readable tables whose
content riskcore.dataset must refuse against a small config. Each case is a few bytes or a
generator, so the suite stays fast; the one big file (150 MB) is written once per session by
write_big_csv.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

GOOD_CSV = b"date,ent,x,y\n2024-01-02,A,1.5,0\n2024-01-03,A,2.5,1\n"


def _zip(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def _random(n: int, seed: int = 0) -> bytes:
    return np.random.default_rng(seed).integers(0, 256, n, dtype=np.uint8).tobytes()


# name: (file name, bytes, fragment of the error message)
FILES: dict[str, tuple[str, bytes, str]] = {
    "random binary": ("prices.csv", _random(4096), "binary data"),
    "NUL bytes in text": ("prices.csv", GOOD_CSV + b"2024-01-04,A,\x00\x00,1\n", "binary data"),
    "PNG renamed": ("prices.csv", b"\x89PNG\r\n\x1a\n" + _random(200), "a PNG image"),
    "JPEG renamed": ("prices.csv", b"\xff\xd8\xff\xe0" + _random(200), "a JPEG image"),
    "PDF renamed": ("prices.csv", b"%PDF-1.7\n" + _random(200), "a PDF document"),
    "SQLite renamed": ("prices.csv", b"SQLite format 3\x00" + _random(200), "an SQLite database"),
    "HTML login page": (
        "export.csv",
        b"<!DOCTYPE html><html><head><title>Login</title></head><body>expired</body></html>",
        "web page (HTML)",
    ),
    "HTML table": ("export.csv", b"  <table><tr><td>1</td></tr></table>", "web page (HTML)"),
    "XML": ("export.csv", b'<?xml version="1.0"?><rows><row a="1"/></rows>', "XML file"),
    "zip renamed csv": ("prices.csv", _zip("prices.csv", GOOD_CSV), "zip archive"),
    "zip archive": ("prices.zip", _zip("prices.csv", GOOD_CSV), "compressed archive"),
    "gzip renamed csv": ("prices.csv", gzip.compress(GOOD_CSV), "gzip-compressed"),
    "old Excel": ("book.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + _random(500), "(.xls)"),
    "OLE renamed csv": ("book.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + _random(500), ".xls"),
    "text named xlsx": ("book.xlsx", GOOD_CSV, "not a valid .xlsx"),
    "corrupt xlsx": ("book.xlsx", b"PK\x03\x04" + _random(300), ".xlsx"),
    "unsupported type": ("model.pkl", b"\x80\x04\x95" + _random(100), "unsupported file type"),
    "empty": ("prices.csv", b"", "is empty"),
    "only whitespace and BOM": ("prices.csv", b"\xef\xbb\xbf \n\r\n\t\n", "is empty"),
    "header only": ("prices.csv", b"date,ent,x,y\n", "no data rows"),
}

# name: (config JSON text, fragment of the error message)
BASE_CONFIG = {
    "data": {
        "time": "date",
        "entity": "ent",
        "sequence_features": ["x"],
        "target": {"kind": "column", "column": "y"},
    },
    "window": 5,
    "horizon": 3,
}


def config_with(**changes: object) -> str:
    """BASE_CONFIG with keys replaced, nested ones spelt model__dropout; None deletes one."""
    raw = json.loads(json.dumps(BASE_CONFIG))
    for dotted, value in changes.items():
        *path, last = dotted.split("__")
        node = raw
        for part in path:
            node = node.setdefault(part, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return json.dumps(raw)


CONFIGS: dict[str, tuple[str | bytes, str]] = {
    "not JSON": ("window: 5\nhorizon: 3", "is not valid JSON at line 1"),
    "truncated JSON": (config_with()[:-10], "is not valid JSON"),
    "JSON array": ("[1, 2, 3]", "must be a JSON object"),
    "empty": ("", "is not valid JSON"),
    "GBK bytes": ('{"data": {"time": "日期"}}'.encode("gbk"), "is not valid JSON"),
    "nested 100,000 deep": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "unknown top key": (config_with(windows=5), "windows: unknown key"),
    "unknown data key": (config_with(data__sequence_feature=["x"]), "data.sequence_feature"),
    "missing data": (config_with(data=None), "data: required but missing"),
    "negative window": (config_with(window=-5), "window"),
    "zero horizon": (config_with(horizon=0), "horizon"),
    "window as text": (config_with(window="ten"), "window"),
    "window NaN": (config_with().replace('"window": 5', '"window": NaN'), "finite number"),
    "dropout above 1": (config_with(model__dropout=1.5), "model.dropout"),
    "negative learning rate": (config_with(training__learning_rate=-0.1), "learning_rate"),
    "features not a list": (config_with(data__sequence_features="x"), "sequence_features"),
    "unknown target kind": (
        config_with(data__target={"kind": "crash", "column": "y"}),
        "unknown target kind 'crash'",
    ),
    "unknown split scheme": (config_with(split={"scheme": "random-ish"}), "split.scheme"),
}


def _panel(n_entities: int = 3, n: int = 60, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2021-01-04", periods=n)
    return pd.DataFrame(
        {
            "date": np.tile(dates, n_entities),
            "ent": np.repeat([f"E{i}" for i in range(n_entities)], n),
            "x": rng.normal(size=n * n_entities),
            "y": (rng.random(n * n_entities) < 0.3).astype(float),
        }
    )


def _with(**columns: Callable[[pd.DataFrame], object]) -> Callable[[], pd.DataFrame]:
    def make() -> pd.DataFrame:
        frame = _panel()
        for name, fn in columns.items():
            frame[name] = fn(frame)
        return frame

    return make


# name: (make the primary frame, fragment of the error message) for BASE_CONFIG
DATA: dict[str, tuple[Callable[[], pd.DataFrame], str]] = {
    "all-NaN feature": (_with(x=lambda f: np.nan), "column 'x' has no values"),
    "all-infinite feature": (_with(x=lambda f: np.inf), "column 'x' has no values"),
    "infinite target": (
        _with(y=lambda f: f["y"].where(f.index != 7, np.inf)),
        "target column 'y' holds an infinite value",
    ),
    "one-row entities": (lambda: _panel(n_entities=40, n=1), "window 5 needs at least 5 rows"),
    "text in a feature": (
        _with(x=lambda f: f["x"].astype(object).where(f.index != 4, "#DIV/0!")),
        "'#DIV/0!' at data row",
    ),
    "duplicate (time, entity) rows": (lambda: pd.concat([_panel(), _panel().head(2)]), "two rows"),
    "unreadable date": (
        _with(date=lambda f: f["date"].where(f.index != 3, pd.NaT)),
        "column 'date' has an empty or unreadable date",
    ),
    "missing column": (lambda: _panel().drop(columns=["x"]), "lacks column(s) ['x']"),
    "one-class target": (_with(y=lambda f: 0.0), "only the value 0"),
    "target of 2s": (_with(y=lambda f: 2.0), "must be 0 or 1"),
}


def write_big_csv(path: Path, megabytes: int = 150) -> Path:
    """A plain CSV of about `megabytes` MB, written in 1 MB blocks (about a second)."""
    row = b"2024-01-02,ACME,12345.678901,0.123456789,1\n"
    block = row * (1024 * 1024 // len(row) + 1)
    with path.open("wb") as handle:
        handle.write(b"date,ent,price,ret,event\n")
        while handle.tell() < megabytes * 1024 * 1024:
            handle.write(block)
    return path
