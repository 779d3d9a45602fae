"""Widgets of the Data page: files, column mapping, target builder, live split preview."""

from __future__ import annotations

import functools
import hashlib
import json
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from riskcore import profile
from riskcore.config import IMPLIED_TASK, check_columns, parse_config
from riskcore.errors import RiskcoreError
from riskcore.io import read_table
from riskcore.macro import file_frequency, merge_files, normal_lag, period_lag
from riskcore.roles import guess_inputs, guess_roles, is_price_level, log_return_name
from riskcore.train import describe_source
from riskcore.uploads import read_upload
from ui.config_widgets import window_horizon
from ui.i18n import TEXT, language, level_name, t
from ui.page import show_error
from ui.state import (
    ROLES,
    LoadedFile,
    config_dict,
    config_version,
    files,
    set_config_dict,
)
from ui.text import md_escape

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
SAMPLES = {
    "market": {
        "primary": "market_prices.csv",
        "macro": "market_macro.csv",
        "sentiment": "market_sentiment.csv",
        "config": "market_config.json",
    },
    "market_var": {  # the same files, the quantile (VaR / ES) task
        "primary": "market_prices.csv",
        "macro": "market_macro.csv",
        "sentiment": "market_sentiment.csv",
        "config": "market_var_config.json",
    },
    "credit": {
        "primary": "credit_payments.csv",
        "macro": "credit_macro.csv",
        "config": "credit_config.json",
    },
}
TARGET_KINDS = ("column", "drawdown", "tail_loss", "forward_volatility", "forward_return")
VAR_LEVELS = (0.005, 0.01, 0.025, 0.05, 0.1)  # tail probabilities offered for VaR / ES
NONE = "—"


# ---- files ----------------------------------------------------------------------------------
def _read(role: str, name: str, data: bytes, dataset: str = "upload") -> LoadedFile:
    """Read a file: an upload in a limited child process (a workbook bomb must not take the
    server down), a sample shipped with the app here."""
    date_format = st.session_state.get("date_format") or None
    if dataset == "upload":
        frame, report = read_upload(name, data, date_format=date_format)
    else:
        frame, report = read_table(data, name=name, date_format=date_format)
    source = describe_source(role, name, data, rows=report.rows)
    return LoadedFile(name, frame, report, source, dataset)


def _load(role: str, name: str, data: bytes, dataset: str = "upload") -> None:
    """Read a file into the session."""
    files()[role] = _read(role, name, data, dataset)


def _load_macro(uploads: list) -> None:
    """One or several macro files (a daily index, a monthly CPI...) into the session as one
    macro table merged on the date, the files kept as its parts."""
    parts = [_read("macro", u.name, u.getvalue()) for u in uploads]
    if len(parts) == 1:
        files()["macro"] = parts[0]
        return
    frame = merge_files([(p.name, p.frame) for p in parts])
    name = " + ".join(p.name for p in parts)
    digest = hashlib.sha256("".join(p.source["sha256"] for p in parts).encode()).hexdigest()
    # One record for the merged table, whose sha256 keys the page's caches; a run records each
    # file's own (LoadedFile.sources).
    source = {
        "role": "macro",
        "name": name,
        "bytes": sum(p.source["bytes"] for p in parts),
        "sha256": digest,
        "rows": len(frame),
    }
    files()["macro"] = LoadedFile(name, frame, None, source, "upload", parts=parts)


def _uploader_key(role: str) -> str:
    """The role's file uploader; a new key (after Remove, or a sample) starts it empty."""
    n = st.session_state.get("upload_versions", {}).get(role, 0)
    return f"upload_{role}" if n == 0 else f"upload_{role}_{n}"


def _clear_uploader(role: str) -> None:
    versions = st.session_state.setdefault("upload_versions", {})
    versions[role] = versions.get(role, 0) + 1
    st.session_state.setdefault("upload_ids", {}).pop(role, None)


def _remove(role: str) -> None:
    """The Remove button's callback: the file leaves the session before anything is drawn."""
    loaded = files().pop(role, None)
    _clear_uploader(role)
    if loaded is not None:
        st.toast(t("data.removed", name=md_escape(loaded.name)), icon=":material/delete:")


@functools.cache
def sample_size(key: str) -> int:
    """Entities (tickers, borrowers) in a sample's primary file, counted from the file, so the
    button says what the sample holds."""
    spec = SAMPLES[key]
    config = json.loads((SAMPLE_DIR / spec["config"]).read_text(encoding="utf-8"))
    entity = config["data"].get("entity")
    frame = pd.read_csv(SAMPLE_DIR / spec["primary"], usecols=[entity] if entity else None)
    return int(frame[entity].nunique()) if entity else len(frame)


def sample_buttons() -> None:
    st.subheader(t("data.samples"))
    row = st.container(horizontal=True)  # each button as wide as its label, wrapping
    for key, spec in SAMPLES.items():
        label = t(f"data.sample_{key}", n=sample_size(key))
        if row.button(label, key=f"sample_{key}", icon=":material/dataset:"):
            files().clear()
            for role in ROLES:
                _clear_uploader(role)  # an upload still shown there is no longer loaded
                if role in spec:
                    path = SAMPLE_DIR / spec[role]
                    _load(role, path.name, path.read_bytes(), dataset=key)
            _clear_uploader("config")  # the sample brings its own config
            cfg = json.loads((SAMPLE_DIR / spec["config"]).read_text(encoding="utf-8"))
            set_config_dict(cfg)
            st.toast(t("data.sample_loaded"))


def _drop_other_data_set(primary: str) -> None:
    """A primary file of one's own replaces the sample: the sample's macro and sentiment files
    would otherwise be mapped as inputs and recorded with the run."""
    dropped = [
        files().pop(role).name
        for role in ("macro", "sentiment")
        if role in files() and files()[role].dataset != "upload"
    ]
    if dropped:
        st.toast(
            t("data.cleared_other", names=md_escape(", ".join(dropped)), name=md_escape(primary)),
            icon=":material/delete_sweep:",
        )


def file_section() -> None:
    st.subheader(t("data.files"))
    with st.expander(t("data.reading_options")):
        st.text_input(
            t("data.date_format"),
            key="date_format",
            placeholder="%d/%m/%Y",
            help=t("data.date_format_help"),
        )
    seen = st.session_state.setdefault("upload_ids", {})
    cols = st.columns(3)
    for col, role in zip(cols, ROLES, strict=True):
        with col:
            many = role == "macro"  # macro files of several frequencies, merged on the date
            upload = st.file_uploader(
                t(f"data.upload_{role}"),
                type=["csv", "tsv", "txt", "xlsx"],
                key=_uploader_key(role),
                help=t(f"data.upload_{role}_help"),
                accept_multiple_files=many,
            )
            uploads = list(upload or []) if many else [upload] if upload is not None else []
            ids = tuple(u.file_id for u in uploads)
            if uploads and seen.get(role) != ids:
                try:
                    if many:
                        _load_macro(uploads)
                    else:
                        _load(role, upload.name, upload.getvalue())
                    if role == "primary":
                        _drop_other_data_set(upload.name)
                        _mapping_for(files()["primary"])
                    else:
                        _guess_new_inputs(role)
                except RiskcoreError as exc:
                    files().pop(role, None)
                    show_error(exc)
                # Marked as seen only once read: a run stopped halfway (another widget moved:
                # Streamlit starts the next run at once) leaves the file for the next run to read.
                seen[role] = ids
            loaded = files().get(role)
            if loaded:
                for part in loaded.each:
                    _report(part)
                st.button(
                    t("data.remove"),
                    key=f"remove_{role}",
                    icon=":material/delete:",
                    on_click=_remove,
                    args=(role,),
                    help=t("data.remove_help"),
                )
    _previews()


def _mapped_columns(data: dict) -> list[str]:
    """The primary columns a (possibly half-edited) config `data` section maps."""
    derived = [x.get("column") for x in data.get("derived") or [] if isinstance(x, dict)]
    cols = [
        data.get("time"),
        data.get("entity"),
        *(data.get("sequence_features") or []),
        *(data.get("static_features") or []),
        *derived,
        (data.get("target") or {}).get("column"),
    ]
    return [c for c in dict.fromkeys(cols) if c]


def _mapping_for(primary: LoadedFile) -> None:
    """A new primary file keeps the mapping when it still has every mapped column (a corrected
    upload of the same table); otherwise the page guesses a new one."""
    raw = config_dict()
    data = raw.get("data") or {}
    missing = [c for c in _mapped_columns(data) if c not in primary.frame.columns]
    name = md_escape(primary.name)
    if data and not missing:
        set_config_dict(raw)  # the widgets re-read the mapping, offered the new file's columns
        st.toast(t("data.mapping_kept", name=name), icon=":material/link:")
        return
    set_config_dict({})
    if data:
        more = f" (+{len(missing) - 4})" if len(missing) > 4 else ""
        cols = md_escape(", ".join(map(str, missing[:4])) + more)
        st.toast(t("data.mapping_new", name=name, columns=cols), icon=":material/refresh:")


def _guess_new_inputs(role: str) -> None:
    """A macro or sentiment file added after the mapping: its columns are guessed as features,
    as they are when every file arrives together."""
    raw = config_dict()
    data = raw.get("data")
    loaded = files().get(role)
    if not data or loaded is None or data.get(f"{role}_features"):
        return
    entity = data.get("entity") if role == "sentiment" else None
    data[f"{role}_features"] = guess_inputs(loaded.frame, entity)
    set_config_dict(raw)


def _previews() -> None:
    """The first rows of each loaded file, the page's full width, one tab per file."""
    shown = [part for role in ROLES if (f := files().get(role)) for part in f.each]
    if not shown:
        return
    with st.expander(t("data.preview")):
        tabs = st.tabs([md_escape(part.name) for part in shown])
        for tab, part in zip(tabs, shown, strict=True):
            head = part.frame.head(50)
            tab.dataframe(
                head,
                hide_index=True,
                height=280,
                width="stretch",
                column_config=_formats(head),
                placeholder="—",
            )


def _formats(frame: pd.DataFrame) -> dict:
    """Dates as dates (no " 00:00:00"), numbers with thousands separators and the decimals
    the column needs, right-aligned."""
    out = {}
    for col in frame.columns:
        s = frame[col]
        if pd.api.types.is_bool_dtype(s):
            continue
        if pd.api.types.is_datetime64_any_dtype(s):
            if profile.only_dates(s):
                out[col] = st.column_config.DateColumn(format="YYYY-MM-DD")
            else:
                out[col] = st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")
        elif pd.api.types.is_numeric_dtype(s):
            d = profile.decimals(s)
            out[col] = st.column_config.NumberColumn(
                format=f"%,.{d}f" if d else "%,d", alignment="right"
            )
    return out


def _report(loaded: LoadedFile) -> None:
    r = loaded.report
    span = f" · {r.date_range[0]} → {r.date_range[1]}" if r.date_range else ""
    st.success(
        t("data.loaded", name=md_escape(loaded.name), rows=r.rows, cols=len(r.columns))
        + md_escape(span),
        icon=":material/check_circle:",
    )
    # The encoding and delimiter come from riskcore.io's own lists, not from the file.
    st.caption(t("data.read_as", encoding=r.encoding or "xlsx", delimiter=repr(r.delimiter)))
    for warning in r.warnings:  # they quote column names and values from the file
        st.warning(md_escape(note_text(warning)), icon=":material/warning:")


def note_text(note: str) -> str:
    """A reading note (riskcore.io.Note) in the session's language; as written otherwise."""
    key = f"io.{getattr(note, 'key', '')}"
    return t(key, **note.values) if key in TEXT else note


# ---- mapping --------------------------------------------------------------------------------
def _pick(label: str, options: list, value, key: str, **kw):
    options = [NONE, *options]
    index = options.index(value) if value in options else 0
    picked = st.selectbox(label, options, index=index, key=key, **kw)
    return None if picked == NONE else picked


def _features(where, d: dict, field: str, options: list, key: str) -> list:
    """A multiselect of the columns for `field` ("data.<name>" label and help), keeping the
    config's choices that are still among `options`."""
    name = field.removesuffix("_features")
    default = [c for c in d.get(field, []) if c in options]
    return where.multiselect(
        t(f"data.{name}"),
        options,
        default=default,
        key=key,
        help=t(f"data.{name}_help"),
        placeholder=t("data.choose"),
    )


def widget_version() -> str:
    """Part of every mapping widget's key: a new config (a file, a sample, a restore) makes new
    widgets that read its values, and so does the language, whose option labels a widget
    drawn earlier would keep."""
    return f"{config_version()}{language()}"


def mapping_form() -> dict | None:
    """Column roles and the target; returns the raw config dict (validated later)."""
    primary = files().get("primary")
    if primary is None:
        st.info(t("data.need_primary"), icon=":material/info:")
        return None
    raw = config_dict()
    macro, sentiment = files().get("macro"), files().get("sentiment")
    if not raw.get("data"):
        guessed = guess_roles(
            primary.frame,
            macro.frame if macro else None,
            sentiment.frame if sentiment else None,
        )
        raw = {"data": guessed}
        set_config_dict(raw)
    v = widget_version()
    d = dict(raw["data"])
    cols = list(primary.frame.columns)
    st.subheader(t("data.mapping"))
    c1, c2 = st.columns(2)
    with c1:
        d["time"] = _pick(
            t("data.time"), cols, d.get("time"), f"time_{v}", help=t("data.time_help")
        )
    with c2:
        d["entity"] = _pick(
            t("data.entity"), cols, d.get("entity"), f"entity_{v}", help=t("data.entity_help")
        )
    _date_range(c1, c2, d, primary.frame, v)
    # The target section is drawn below the features but decided first: a column target is
    # the answer itself and is never offered as an input (the config would refuse it).
    d["target"] = _target_builder(d.get("target") or {}, cols, v, d.get("time") is not None)
    answer = d["target"]["column"] if d["target"]["kind"] == "column" else None
    inputs = [c for c in cols if c != answer]
    d["sequence_features"] = _features(c1, d, "sequence_features", inputs, f"seq_{v}")
    _derived_fields(c1, d, primary.frame, answer, v)
    d["static_features"] = _features(c2, d, "static_features", inputs, f"static_{v}")
    _macro_fields(c1, d, macro, v)
    _sentiment_fields(c2, d, sentiment, v)
    out = {**raw, "data": d, **_task_fields(raw, d["target"]["kind"], v)}
    if d.get("time"):
        out.update(window_horizon(raw, key=str(v)))
    else:
        out.pop("window", None)
        out.pop("horizon", None)
    st.session_state.config = out
    return out


def as_date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:  # the config refuses it, with its own message
        return None


def _date_range(c1, c2, d: dict, frame: pd.DataFrame, v: str) -> None:
    """data.start / data.end: the dates whose rows are used, picked over the time column's
    span, with the rows they keep. The config's own dates stay until the range is moved; a
    range moved back to the data's first (last) day sets no limit on that side."""
    time = d.get("time")
    if not time:
        d.pop("start", None)  # no dates to restrict
        d.pop("end", None)
        return
    times = pd.to_datetime(frame[time], errors="coerce") if time in frame else pd.Series()
    if times.notna().sum() == 0:
        return
    lo, hi = times.min().date(), times.max().date()
    start, end = as_date(d.get("start")), as_date(d.get("end"))
    shown = (min(max(start or lo, lo), hi), max(min(end or hi, hi), lo))
    picked = c1.date_input(
        t("data.range"),
        value=shown if shown[0] <= shown[1] else (lo, hi),
        min_value=lo,
        max_value=hi,
        format="YYYY-MM-DD",
        key=f"range_{v}",
        help=t("data.range_help"),
    )
    if isinstance(picked, tuple | list) and len(picked) == 2:  # one date: a range half-picked
        if picked[0] != shown[0]:
            d["start"] = None if picked[0] == lo else picked[0].isoformat()
        if picked[1] != shown[1]:
            d["end"] = None if picked[1] == hi else picked[1].isoformat()
    for side in ("start", "end"):
        if d.get(side) is None:
            d.pop(side, None)
    used = profile.rows_between(times, as_date(d.get("start")), as_date(d.get("end")))
    c2.caption(
        t(
            "data.range_rows",
            used=used,
            total=len(frame),
            start=(as_date(d.get("start")) or lo).isoformat(),
            end=(as_date(d.get("end")) or hi).isoformat(),
        )
    )


def _derived_label(spec: dict) -> str:
    """A derived feature in words: "log return of close", "close的对数收益率" (an option's
    text, plain: options do not render Markdown)."""
    column = spec.get("column")
    return t(f"data.derived_{spec.get('kind')}", column=column, window=spec.get("window", 20))


def _derived_fields(col, d: dict, frame: pd.DataFrame, answer, v: str) -> None:
    """Derived sequence features: the config's own, and the log return of each price level
    (close) offered in the level's place: a level mostly tells the model which stock and which
    year it is."""
    given = [x for x in d.get("derived") or [] if isinstance(x, dict) and x.get("name")]
    if not d.get("time"):
        if given:
            d["derived"] = []  # derived features need a time column (the config says so)
        return
    offers = {x["name"]: x for x in given}
    taken = [str(c) for c in frame.columns] + list(offers)
    had = {(x.get("kind"), x.get("column")) for x in given}
    for c in frame.columns:
        if c != answer and ("log_return", c) not in had and is_price_level(frame[c], c):
            name = log_return_name(str(c), taken)
            taken.append(name)
            offers[name] = {"name": name, "kind": "log_return", "column": c}
    if not offers:
        return
    chosen = col.multiselect(
        t("data.derived"),
        list(offers),
        default=[x["name"] for x in given],
        format_func=lambda name: _derived_label(offers[name]),
        key=f"derived_{v}_{language()}",  # new labels: a new widget, from the config's choice
        help=t("data.derived_help"),
        placeholder=t("data.choose"),
    )
    if chosen or "derived" in d:
        d["derived"] = [offers[name] for name in chosen]
    levels = [
        str(x["column"])
        for x in d.get("derived") or []
        if x.get("kind") == "log_return"
        and x.get("column") in frame
        and x.get("column") not in d.get("sequence_features", [])
        and is_price_level(frame[x["column"]], x["column"])
    ]
    if levels:
        col.caption(t("data.price_level_note", columns=md_escape(", ".join(levels))))


def _macro_fields(col, d: dict, macro: LoadedFile | None, v: str) -> None:
    """The macro files' features, date column and publication lags, written into `d`."""
    if not macro:
        d["macro_features"] = []
        return
    mcols = list(macro.frame.columns)
    d["macro_features"] = _features(col, d, "macro_features", mcols, f"macro_{v}")
    if d.get("time") and d["time"] not in mcols:
        d["macro_time"] = _pick(t("data.macro_time"), mcols, d.get("macro_time"), f"mt_{v}")
    _macro_lags(col, d, macro, v)


def _macro_lags(col, d: dict, macro: LoadedFile, v: str) -> None:
    """Per macro file: its detected frequency and an editable calendar lag, written as an
    explicit data.macro_lags entry for each chosen column of the file (macro_lag null), so the
    saved config states every column's lag and gives the same join whatever a later file's
    dates look like."""
    chosen = d.get("macro_features") or []
    given = d.get("macro_lags") or {}
    lags: dict[str, str] = {}
    for i, part in enumerate(macro.each):
        try:
            info = file_frequency(part.name, part.frame, d.get("macro_time") or d.get("time"))
        except RiskcoreError as exc:
            show_error(exc)
            continue
        used = [c for c in info.columns if c in chosen]
        start, own = _start_lag(d, given, used, info)
        name = md_escape(part.name)
        text = col.text_input(
            t("data.macro_file_lag", name=name),
            start,
            key=f"mlag_{v}_{i}_{part.name}",
            help=t("data.macro_file_lag_help"),
        )
        group = "irregular" if info.irregular else "late" if info.default_lag != "0D" else "prompt"
        col.caption(
            t(
                "data.macro_file_freq",
                frequency=t(f"data.freq_{info.frequency.replace(' ', '_')}"),
                lag=info.default_lag,
            )
            + " "
            + t(f"data.macro_reason_{group}", gap=f"{info.gap_days or 0:g}")
        )
        if own and text == start:  # the config's per-column lags, until this lag is edited
            col.caption(t("data.macro_lags_own", lags=md_escape(", ".join(own))))
            lags.update({c: given.get(c, start) for c in used})
            continue
        try:
            text = normal_lag(text)
        except RiskcoreError as exc:
            col.error(f"{name}: {md_escape(exc)}", icon=":material/error:")
        lags.update(dict.fromkeys(used, text))  # a bad lag reaches the config, which refuses it
    d["macro_lag"] = None
    d["macro_lags"] = lags


def _start_lag(d: dict, given: dict, used: list[str], info) -> tuple[str, list[str]]:
    """A file's lag as the config has it (the one lag of its columns, a calendar macro_lag, or
    an integer one as that many periods of the file's frequency), else the file's default;
    plus "column lag" for each column when the config gives its columns different lags."""
    explicit = [c for c in used if c in given]
    values = {given[c] for c in explicit}
    if len(values) > 1 or 0 < len(explicit) < len(used):
        return info.default_lag, [f"{c} {given.get(c, info.default_lag)}" for c in used]
    if values:
        return values.pop(), []
    lag = d.get("macro_lag")
    if isinstance(lag, str):
        return lag, []
    if isinstance(lag, int) and not isinstance(lag, bool) and lag >= 0:
        return period_lag(lag, info.frequency), []  # a legacy row count, in periods
    return info.default_lag, []


def _sentiment_fields(col, d: dict, sentiment: LoadedFile | None, v: str) -> None:
    """The sentiment file's features and date column, written into `d`."""
    if not sentiment:
        d["sentiment_features"] = []
        return
    scols = list(sentiment.frame.columns)
    d["sentiment_features"] = _features(col, d, "sentiment_features", scols, f"sent_{v}")
    if d.get("time") and d["time"] not in scols:
        d["sentiment_time"] = _pick(
            t("data.sentiment_time"), scols, d.get("sentiment_time"), f"st_{v}"
        )


def _task_fields(raw: dict, kind: str, v: str) -> dict:
    """The task the target kind implies (a quantile target needs its VaR levels)."""
    task = IMPLIED_TASK.get(kind)
    if task is None:  # a column target keeps the uploaded config's task
        previous = raw.get("task")
        return {
            "task": previous if previous in ("classification", "regression") else "classification"
        }
    if task != "quantile":
        return {"task": task}
    chosen = [a for a in raw.get("quantiles") or [0.01, 0.025] if a in VAR_LEVELS]
    levels = st.multiselect(
        t("data.quantiles"),
        VAR_LEVELS,
        default=chosen or [0.01, 0.025],
        format_func=level_name,
        key=f"levels_{v}_{language()}",  # new labels: a new widget, from the config's choice
        help=t("data.quantiles_help"),
        placeholder=t("data.choose"),
    )
    return {"task": task, "quantiles": sorted(levels) or [0.01]}


def _target_builder(target: dict, cols: list, v: str, has_time: bool) -> dict:
    st.subheader(t("data.target"))
    kinds = TARGET_KINDS if has_time else ("column",)
    c1, c2, _c3 = st.columns(3)
    kind = c1.selectbox(
        t("data.target_kind"),
        kinds,
        index=kinds.index(target.get("kind", "column"))
        if target.get("kind", "column") in kinds
        else 0,
        format_func=lambda k: t(f"target.{k}"),
        key=f"tkind_{v}",
        help=t("data.target_kind_help"),
    )
    column = _pick(t(f"data.target_column_{kind}"), cols, target.get("column"), f"tcol_{v}_{kind}")
    out: dict = {"kind": kind, "column": column}
    if kind == "drawdown":
        out["threshold"] = c2.slider(
            t("data.threshold"),
            0.01,
            0.5,
            float(target.get("threshold", 0.10)),
            0.01,
            key=f"thr_{v}",
            help=t("data.threshold_help"),
        )
    elif kind == "tail_loss":
        out["quantile"] = c2.slider(
            t("data.quantile"),
            0.01,
            0.3,
            float(target.get("quantile", 0.05)),
            0.01,
            key=f"q_{v}",
            help=t("data.quantile_help"),
        )
    elif kind == "column":
        frame = files()["primary"].frame
        if column and not pd.api.types.is_numeric_dtype(frame[column]):
            counts = frame[column].dropna().astype(str).value_counts()
            labels = list(counts.index[:50])
            rarest = min(labels, key=lambda label: (counts[label], label)) if labels else None
            chosen = target.get("positive")
            out["positive"] = c2.selectbox(
                t("data.positive"),
                labels,
                index=labels.index(chosen if chosen in labels else rarest) if labels else None,
                key=f"pos_{v}_{column}",
                help=t("data.positive_help"),
            )
            if out["positive"] is not None:
                share = f"{counts[out['positive']] / counts.sum():.1%}"
                names = {"column": md_escape(column), "label": md_escape(out["positive"])}
                st.caption(t("data.event_label", **names, share=md_escape(share)))
    return out


# ---- config files ----------------------------------------------------------------------------
def config_io(raw: dict | None) -> None:
    st.subheader(t("data.config_file"))
    c1, c2 = st.columns(2)
    if raw is not None and not ((raw.get("data") or {}).get("target") or {}).get("column"):
        c1.caption(t("data.config_need_target"))  # the next step, not a validation error
    elif raw is not None:
        try:
            text = parse_config(raw).to_json()
            c1.download_button(
                t("data.download_config"),
                text,
                "risklens_config.json",
                "application/json",
                icon=":material/download:",
            )
        except RiskcoreError as exc:
            c1.caption(f"{t('data.config_invalid')} {md_escape(exc)}")
    upload = c2.file_uploader(t("data.upload_config"), type=["json"], key=_uploader_key("config"))
    if upload is not None and st.session_state.get("config_upload_id") != upload.file_id:
        try:
            cfg = parse_config(upload.getvalue(), upload.name)
            if "primary" in files():  # the CLI's check: a column the files lack is named
                check_columns(cfg, {role: f.frame for role, f in files().items()})
        except RiskcoreError as exc:
            show_error(exc)  # shown until the files or the config are fixed, then applied
            return
        st.session_state.config_upload_id = upload.file_id
        set_config_dict(json.loads(cfg.to_json()))
        st.session_state.config_restored = (upload.name, config_version())
        st.rerun()
    name, version = st.session_state.get("config_restored", ("", -1))
    if version == config_version():  # applied, and no other config loaded since
        c2.caption(t("data.config_restored", name=md_escape(name)))
