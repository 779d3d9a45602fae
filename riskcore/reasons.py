"""Reason codes for each explained decision: the top inputs that raised the risk, in words.

For every explained row, the inputs whose SHAP values raised the risk the most (positive
contributions only, at most TOP = 4, largest first), each summed over the window's lags and over
a column's one-hot levels (`col=level`) and missing-value flag (`col_missing`), so a reason
names the column the analyst configured. Each column has a code and a short text in English and
Chinese in a reason catalogue, stored with the run as reasons.json and editable:

    {"version": 1, "reasons": [{"feature": "ret_1d", "code": "R01",
      "en": "Recent returns (ret_1d) over the last 14 days", "zh": "近14天的收益率（ret_1d）"}]}

The default catalogue is generated from the run's columns (derived features named by what they
are computed from), worded per input block, with the lag span taken from the stored "which
days" information of the explanation (the median, over explained rows, of the fewest latest
steps that hold 80% of a feature's |SHAP|), or the whole window when there is none.

Only explained rows have reasons: compute more with `explain RUN --rows N` (or the Explain
page), or `score RUN ... --reasons` for newly scored rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from riskcore.errors import ConfigError
from riskcore.store import Run, RunStore

REASONS_FILE = "reasons.json"
TOP = 4
LANGUAGES = ("en", "zh")
REASON_COLUMNS = [f"reason_{k}" for k in range(1, TOP + 1)]


# ---- the catalogue ---------------------------------------------------------------------------
class Reason(BaseModel):
    model_config = ConfigDict(extra="forbid")

    feature: str = Field(min_length=1, max_length=200)
    code: str = Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_.\-]+$")
    en: str = Field(min_length=1, max_length=200)
    zh: str = Field(min_length=1, max_length=200)


class Catalogue(BaseModel):
    """feature -> code and text in both languages; one entry per source column."""

    model_config = ConfigDict(extra="forbid")

    version: int = 1
    reasons: list[Reason] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> Catalogue:
        for key in ("feature", "code"):
            values = [getattr(r, key) for r in self.reasons]
            twice = sorted({v for v in values if values.count(v) > 1})
            if twice:
                raise ValueError(f"each reason needs its own {key}; repeated: {', '.join(twice)}")
        return self

    def get(self, feature: str) -> Reason | None:
        return next((r for r in self.reasons if r.feature == feature), None)

    def text(self, feature: str, language: str = "en") -> str:
        """'R03: Recent returns (ret_1d) over the last 14 days'; the bare name if unlisted."""
        reason = self.get(feature)
        if reason is None:
            return feature
        return f"{reason.code}: {getattr(reason, _language(language))}"

    def completed(self, defaults: Catalogue) -> Catalogue:
        """This catalogue, with the defaults' entries for features it does not list (fresh
        codes where a default's code is taken)."""
        reasons = list(self.reasons)
        codes = {r.code for r in reasons}
        for d in defaults.reasons:
            if self.get(d.feature) is None:
                code = d.code if d.code not in codes else _next_code(codes)
                codes.add(code)
                reasons.append(d.model_copy(update={"code": code}))
        return Catalogue(version=self.version, reasons=reasons)

    def to_frame(self) -> pd.DataFrame:
        """feature, code, en, zh: what the Explain page's editor shows."""
        return pd.DataFrame(
            [r.model_dump() for r in self.reasons], columns=["feature", "code", "en", "zh"]
        )

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Catalogue:
        """From an edited table; blank rows are dropped; errors as ConfigError."""
        records = []
        for raw in frame.to_dict(orient="records"):
            item = {
                k: ("" if _blank(raw.get(k)) else str(raw.get(k)).strip())
                for k in Reason.model_fields
            }
            if any(item.values()):
                records.append(item)
        return parse_catalogue({"version": 1, "reasons": records})


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _language(language: str) -> str:
    if language not in LANGUAGES:
        raise ConfigError(f"language must be en or zh, not {language!r}")
    return language


def _next_code(codes: set[str]) -> str:
    k = 1
    while f"R{k:02d}" in codes:
        k += 1
    return f"R{k:02d}"


def parse_catalogue(raw: Any) -> Catalogue:
    """A catalogue from parsed JSON; a user error names what is wrong."""
    try:
        return Catalogue.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "catalogue"
        raise ConfigError(f"reason catalogue: {where}: {first['msg']}") from None


def read_catalogue(path: str | Path) -> Catalogue:
    """An edited catalogue JSON file (the `--catalogue FILE` of the CLI)."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(f"reason catalogue {path} not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"reason catalogue {path} is not UTF-8 JSON: {exc}") from None
    return parse_catalogue(raw)


# ---- default texts ---------------------------------------------------------------------------
# a few words that column names are made of -> (English, Chinese) labels
WORDS: dict[str, tuple[str, str]] = {
    "ret": ("returns", "收益率"),
    "return": ("returns", "收益率"),
    "returns": ("returns", "收益率"),
    "logret": ("log returns", "对数收益率"),
    "vol": ("volatility", "波动率"),
    "volatility": ("volatility", "波动率"),
    "volume": ("trading volume", "成交量"),
    "close": ("closing price", "收盘价"),
    "price": ("price", "价格"),
    "spread": ("spread", "利差"),
    "vix": ("volatility index", "波动率指数"),
    "rate": ("rate", "利率"),
    "sentiment": ("news sentiment", "新闻情绪"),
    "balance": ("balance", "余额"),
    "utilization": ("utilisation", "使用率"),
    "utilisation": ("utilisation", "使用率"),
    "income": ("income", "收入"),
    "age": ("age", "年龄"),
    "payment": ("payments", "还款"),
    "payments": ("payments", "还款"),
    "delinquency": ("delinquency", "逾期"),
    "dpd": ("days past due", "逾期天数"),
    "debt": ("debt", "负债"),
    "amount": ("amount", "金额"),
    "credit": ("credit", "信用"),
    "unemployment": ("unemployment", "失业率"),
    "cpi": ("inflation", "通胀"),
    "policy": ("policy", "政策"),
    "yoy": ("year on year", "同比"),
    "gdp": ("GDP", "GDP"),
    "loan": ("loan", "贷款"),
    "limit": ("limit", "额度"),
}
DERIVED_WORDS = {
    "log_return": ("Log returns of {col}", "{col}的对数收益率"),
    "pct_change": ("Percentage change of {col}", "{col}的百分比变化"),
    "diff": ("Change in {col}", "{col}的变化"),
    "rolling_vol": ("Volatility of {col}", "{col}的波动率"),
    "vol_scaled": ("{col} in units of its volatility", "以波动率计的{col}"),
}


def label_of(column: str) -> tuple[str, str]:
    """A readable (English, Chinese) label from a column name: known words translated, the
    rest kept, periods like "1d" dropped (the name itself is shown beside the label); Chinese
    falls back to the column name unless every word is known."""
    parts = [p for p in re.split(r"[_\W]+", column.lower()) if p]
    words = [p for p in parts if not re.fullmatch(r"\d+[a-z]?", p)] or parts
    if not words:
        return column, column
    en = " ".join(WORDS[w][0] if w in WORDS else w for w in words)
    zh = "".join(WORDS[w][1] for w in words) if all(w in WORDS for w in words) else column
    return en, zh


def _span_words(steps: int | None, window: int, unit: str) -> tuple[str, str]:
    zh_unit = {"days": "天", "weeks": "周", "months": "个月", "steps": "个时间步"}.get(unit, "步")
    one = {"days": "day", "weeks": "week", "months": "month"}.get(unit, "step")
    if not window:
        return "", ""
    steps = window if steps is None else int(min(max(steps, 1), window))
    if steps == 1 < window:
        return f" on the latest {one}", f"最新一{zh_unit.lstrip('个')}的"
    return f" over the last {steps} {unit}", f"近{steps}{zh_unit}的"


def default_reason(
    column: str,
    block: str,
    code: str,
    derived: Mapping[str, Any] | None = None,
    steps: int | None = None,
    window: int = 0,
    unit: str = "days",
) -> Reason:
    """One catalogue entry worded for the column's input block, with its lag span."""
    en_label, zh_label = label_of(column)
    spec = (derived or {}).get(column)
    if spec is not None:
        en_t, zh_t = DERIVED_WORDS.get(spec["kind"], ("{col}", "{col}"))
        src_en, src_zh = label_of(spec["column"])
        en_label = en_t.format(col=src_en)
        zh_label = zh_t.format(col=src_zh)
        en_label = en_label[0].lower() + en_label[1:]
    # the column's name in brackets, unless the label is the name already
    en_name = en_label if en_label == column else f"{en_label} ({column})"
    zh_name = zh_label if zh_label == column else f"{zh_label}（{column}）"
    if block == "sequence":
        span_en, span_zh = _span_words(steps, window, unit)
        en = f"Recent {en_name}{span_en}"
        zh = f"{span_zh or '近期'}{zh_name}"
    elif block == "macro":
        en, zh = f"Macro conditions: {en_name}", f"宏观环境：{zh_name}"
    elif block == "sentiment":
        if column == "no_news":
            en, zh = "No recent news (no_news)", "近期无新闻（no_news）"
        elif en_label == "news sentiment":
            en, zh = f"News sentiment ({column})", f"新闻情绪（{column}）"
        else:
            en, zh = f"News sentiment: {en_name}", f"新闻情绪：{zh_name}"
    else:
        en, zh = f"Profile: {en_name}", f"客户属性：{zh_name}"
    return Reason(feature=column, code=code, en=en[0].upper() + en[1:], zh=zh)


def default_catalogue(
    columns: Mapping[str, Sequence[str]],
    spans: Mapping[str, int] | None = None,
    window: int = 0,
    unit: str = "days",
    derived: Mapping[str, Any] | None = None,
) -> Catalogue:
    """Codes R01.. in the order of the blocks and columns (sequence, macro, sentiment, static)."""
    reasons: list[Reason] = []
    for block in ("sequence", "macro", "sentiment", "static"):
        for column in columns.get(block, []):
            if any(r.feature == column for r in reasons):
                continue
            code = f"R{len(reasons) + 1:02d}"
            steps = (spans or {}).get(column)
            reasons.append(default_reason(column, block, code, derived, steps, window, unit))
    return Catalogue(reasons=reasons)


def lag_spans(recent: pd.DataFrame | None) -> dict[str, int]:
    """Per sequence feature, the median over explained rows of its latest steps holding 80%
    of its |SHAP| (the explanation's stored "which days")."""
    if recent is None or recent.empty:
        return {}
    out = {}
    for column in recent.columns:
        values = pd.to_numeric(recent[column], errors="coerce").dropna()
        if len(values):
            out[str(column)] = max(1, round(float(values.median())))
    return out


def time_unit(run: Run) -> str:
    """days, weeks or months from the typical spacing of an entity's dates; else steps."""
    p = run.predictions
    if "time" not in p or p["time"].isna().all():
        return "steps"
    t = pd.to_datetime(p["time"])
    gaps = t.groupby(p.get("entity", pd.Series("", index=p.index))).diff().dropna()
    if gaps.empty:
        return "days"
    days = gaps.dt.total_seconds().median() / 86400
    if days <= 4:
        return "days"
    if days <= 10:
        return "weeks"
    if days <= 45:
        return "months"
    return "steps"


def run_columns(run: Run) -> dict[str, list[str]]:
    """The run's source columns per input block (derived features and no_news included)."""
    stored = (run.state or {}).get("preprocessor", {}).get("columns")
    if stored:
        return {b: list(c) for b, c in stored.items()}
    d = run.config.data
    return {
        "sequence": d.sequence_features + [x.name for x in d.derived],
        "macro": list(d.macro_features),
        "sentiment": d.sentiment_features + (["no_news"] if d.sentiment_features else []),
        "static": list(d.static_features),
    }


def run_default_catalogue(run: Run, explanation: Any = None) -> Catalogue:
    """The generated catalogue of a run, with the lag spans of its explanation if any."""
    info = getattr(explanation, "info", None) or {}
    window = int(info.get("window") or run.config.window or 0)
    derived = {x.name: x.model_dump() for x in run.config.data.derived}
    spans = lag_spans(getattr(explanation, "recent", None))
    return default_catalogue(run_columns(run), spans, window, time_unit(run), derived)


def load_catalogue(run: Run, explanation: Any = None) -> Catalogue:
    """The run's saved catalogue (completed with defaults for new columns), else the default."""
    defaults = run_default_catalogue(run, explanation)
    raw = run.json(REASONS_FILE)
    return defaults if raw is None else parse_catalogue(raw).completed(defaults)


def save_catalogue(store: RunStore, run: Run, catalogue: Catalogue) -> None:
    """Stored with the run as reasons.json (atomically)."""
    store.add_files(run.run_id, {REASONS_FILE: catalogue.model_dump()})


# ---- contributions per source column, and the top reasons -----------------------------------
def source_of(name: str, columns: Sequence[str] | None = None) -> str:
    """The configured column a model input or stored feature comes from: `col=level` and
    `col_missing` count for `col`; the longest matching column wins."""
    if columns:
        matches = [c for c in columns if name in (c, f"{c}_missing") or name.startswith(f"{c}=")]
        if matches:
            return max(matches, key=len)
        if name in columns:
            return name
    if "=" in name:
        return name.split("=", 1)[0]
    if name.endswith("_missing") and len(name) > len("_missing"):
        return name[: -len("_missing")]
    return name


def aggregate(contributions: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Signed contributions summed per source column (levels and missing flags folded in)."""
    sources = [source_of(str(c), columns) for c in contributions.columns]
    values = contributions.astype(float).T.groupby(sources, sort=False).sum().T
    values.columns = [str(c) for c in values.columns]
    return values


def sum_lags(
    values: Sequence[np.ndarray],
    blocks: Sequence[str],
    names: Mapping[str, Sequence[str]],
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Raw attributions, one array per input block ((n, window, inputs) or (n, inputs)),
    summed over the window's lags and then per source column."""
    frames = []
    for block, v in zip(blocks, values, strict=True):
        summed = np.asarray(v, dtype=float)
        summed = summed.sum(axis=1) if summed.ndim == 3 else summed
        frames.append(pd.DataFrame(summed, columns=list(names[block])))
    return aggregate(pd.concat(frames, axis=1), columns)


def top_reasons(contributions: pd.Series, k: int = TOP) -> pd.Series:
    """The k largest positive (risk-raising) contributions, largest first (ties: column
    order); fewer when fewer raised the risk."""
    values = pd.to_numeric(contributions, errors="coerce").astype(float)
    positive = values[values > 0]
    return positive.sort_values(ascending=False, kind="stable").head(k)


def reason_table(
    contributions: pd.DataFrame, catalogue: Catalogue, language: str = "en", k: int = TOP
) -> pd.DataFrame:
    """reason_1..reason_k text ("R03: ...") per row, aligned with `contributions`; "" where a
    row has fewer risk-raising inputs."""
    language = _language(language)
    out = pd.DataFrame(index=contributions.index, columns=REASON_COLUMNS[:k], data="")
    for index, row in contributions.iterrows():
        for j, feature in enumerate(top_reasons(row, k).index):
            out.at[index, REASON_COLUMNS[j]] = catalogue.text(str(feature), language)
    return out.astype(str)


def explanation_contributions(
    explanation: Any, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """The stored per-row SHAP values of an explanation, per source column."""
    return aggregate(explanation.rows[list(explanation.features)], columns)


def explanation_reasons(
    explanation: Any,
    catalogue: Catalogue,
    language: str = "en",
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The explanation's rows (keys only) with their reason columns."""
    keys = [c for c in ("time", "entity", "row") if c in explanation.rows]
    reasons = reason_table(explanation_contributions(explanation, columns), catalogue, language)
    return pd.concat(
        [explanation.rows[keys].reset_index(drop=True), reasons.reset_index(drop=True)], axis=1
    )


NOTE = {
    "en": (
        "{n} of {m} predictions have reasons (the explained ones); explain more rows to compute "
        "more: python -m riskcore explain RUN --rows N, or score RUN ... --reasons."
    ),
    "zh": (
        "{m} 个预测中有 {n} 个有原因代码（已解释的预测）；解释更多预测可得到更多："
        "python -m riskcore explain RUN --rows N，或 score RUN ... --reasons。"
    ),
}


def coverage_note(n: int, m: int, language: str = "en") -> str:
    return NOTE[_language(language)].format(n=n, m=m)


# ---- newly scored rows -----------------------------------------------------------------------
def scored_reasons(
    run: Run,
    scored: Any,
    n: int = 500,
    catalogue: Catalogue | None = None,
    language: str = "en",
    background: int = 100,
    model: Any = None,
) -> tuple[pd.DataFrame, int]:
    """Reasons for the latest `n` rows of riskcore.scoring.score's result: SHAP (expected
    gradients against the run's training background) computed for those rows here.

    Returns the reason columns aligned with scored.predictions ("" on rows left out) and how
    many rows have them."""
    from riskcore.explain import (
        background_inputs,
        expected_gradients,
        per_column,
        recent_steps,
        sequence_grids,
    )

    if n < 1:
        raise ConfigError(f"--rows must be at least 1, not {n}")
    total = len(scored.predictions)
    out = pd.DataFrame("", index=scored.predictions.index, columns=REASON_COLUMNS)
    if total == 0:
        return out, 0
    p = scored.predictions
    if "time" in p and p["time"].notna().any():  # the latest dates, across entities
        order = np.argsort(pd.to_datetime(p["time"]).to_numpy(), kind="stable")
        picked = np.sort(order[-n:])
    else:
        picked = np.arange(total)[-n:]
    model = model if model is not None else run.load_model()
    panel, pre = scored.panel, scored.preprocessor
    inputs = panel.inputs(np.asarray(scored.ends, dtype=np.int64)[picked])
    x = [np.asarray(inputs[b]) for b in panel.input_names]
    raw = expected_gradients(
        model, x, background_inputs(run, background), seed=run.config.training.seed
    )
    contributions = per_column(raw, panel.input_names, panel.names, pre)
    if catalogue is None:
        recent = recent_steps(sequence_grids(raw, panel, pre))
        window = int(getattr(panel, "window", 0) or run.config.window)
        derived = {d.name: d.model_dump() for d in run.config.data.derived}
        defaults = default_catalogue(
            run_columns(run), lag_spans(recent), window, time_unit(run), derived
        )
        stored = run.json(REASONS_FILE)
        catalogue = defaults if stored is None else parse_catalogue(stored).completed(defaults)
    table = reason_table(contributions, catalogue, language)
    out.iloc[picked] = table.to_numpy()
    return out, len(picked)
