"""Widgets of the Validate page: the policy's checks with lights, each check's chart, the master
scale, portfolio tests, discrimination and stability over time, migration and segments; for a
quantile (VaR / ES) run the backtest checks of every VaR level and the backtests table.

A validation is computed by riskcore.validation.validate_run, cached per run id, policy bytes,
segment column and decision threshold, and stored with the run as validation.json (what the CLI
`validate` stores and the PDF report reads). Nothing here imports TensorFlow.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from riskcore.charts import validation as VC
from riskcore.errors import RiskcoreError
from riskcore.phrases import Phrase
from riskcore.quantiles import confidence
from riskcore.store import Run
from riskcore.validation import (
    Check,
    Policy,
    ValidationResult,
    load_validation,
    parse_policy,
    run_sample,
    save_validation,
    validate_run,
)
from riskcore.validation.checks import SCORE_PSI_CHART, ZONE_LIGHT
from riskcore.validation.policy import DEFAULT_POLICY_NAME
from riskcore.validation.segments import CATEGORY_LEVELS
from riskcore.validation.stability import WHOLE
from riskcore.validation.terms import scale_term
from riskcore.validation.wording import reading
from riskcore.validation.wording import reason as skip_reason
from ui.auth import user_store
from ui.i18n import chart_labels, language, t
from ui.page import load_run, show_error
from ui.state import run_threshold
from ui.text import md_escape

LIGHT_BADGE = {"green": "green", "amber": "orange", "red": "red", "none": "gray"}  # markdown
LIGHT_FILL = {"green": "#e3f1e8", "amber": "#fbf0dc", "red": "#f6dcd9", "none": "#eef2f7"}
LIGHT_INK = {"green": "#1e7145", "amber": "#a86a12", "red": "#a52a1f", "none": "#6b7280"}
POLICY_KEY = "validate_policy"  # {run_id: (file name, bytes)}: the policy uploaded for a run
SEGMENT_KEY = "validate_segment"
NO_SEGMENT = ""


def light_text(light: str) -> str:
    """A light as a reader sees it: its word in the session's language, never the raw key."""
    light = light if light in LIGHT_BADGE else "none"
    return t(f"validate.light.{light}")


def light_badge(light: str) -> str:
    """The light's word on its colour, for labels and messages (Streamlit markdown)."""
    light = light if light in LIGHT_BADGE else "none"
    return f":{LIGHT_BADGE[light]}-background[{light_text(light)}]"


def _paint(value: str) -> str:
    """The CSS of a cell holding a light's word."""
    key = {light_text(k): k for k in LIGHT_BADGE}.get(value, "none")
    return f"background-color: {LIGHT_FILL[key]}; color: {LIGHT_INK[key]}; font-weight: 600"


def _styled(frame: pd.DataFrame, column: str) -> object:
    """Colour the light column's cells (fonts without emoji would show empty boxes)."""
    return frame.style.map(_paint, subset=[column])


def check_label(name: str) -> str:
    key = f"validate.check.{name}"
    label = t(key)
    return name if label == key else label


def check_md(name: str) -> str:
    """check_label for Markdown: a check the policy names but we do not know is user text."""
    key = f"validate.check.{name}"
    label = t(key)
    return md_escape(name) if label == key else label


def _at_level(label: str, check: Check) -> str:
    """A quantile run has one check per VaR level: its label names the level (99%)."""
    if not check.level:
        return label
    return t("validate.var.at_level", check=label, confidence=confidence(check.level))


def check_title(check: Check) -> str:
    return _at_level(check_label(check.name), check)


def check_title_md(check: Check) -> str:
    return _at_level(check_md(check.name), check)


def chart_title(check: Check) -> str:
    """What the chart draws (the chart's own `title` key), not the question its check asks; an
    interval, and a validation.json written before charts had titles, take the check's title."""
    key = f"validate.chart.{(check.chart or {}).get('title')}"
    title = t(key)
    return check_title(check) if title == key else _at_level(title, check)


def threshold_text(check: Check) -> str:
    if check.rule == "verdict":
        return t("validate.threshold.verdict")
    if check.rule == "zone":
        return t("validate.threshold.zone")
    sign = "<" if check.rule == "below" else ">"
    parts = []
    if check.threshold is not None:
        parts.append(t("validate.threshold.red", sign=sign, value=f"{check.threshold:g}"))
    if check.amber is not None:
        parts.append(t("validate.threshold.amber", sign=sign, value=f"{check.amber:g}"))
    return "; ".join(parts) if parts else "–"


def _finite(value) -> bool:
    return value is not None and bool(np.isfinite(float(value)))


def _value(value) -> str:
    return f"{float(value):.4g}" if _finite(value) else "–"


def _fixed(value, digits: int = 3) -> str:
    """A table column of one measure reads best with one number of decimals (0.885, 0.835)."""
    return f"{float(value):.{digits}f}" if _finite(value) else "–"


def _count(value) -> str:
    """Counts with thousands separators (2,772), the way the headline prints them."""
    return f"{round(float(value)):,}" if _finite(value) else "–"


# ---- computing -----------------------------------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=4, ttl="20m")
def _sample(run_id: str):
    """The run's test split with its inputs rebuilt (seconds): once per run."""
    return run_sample(load_run(run_id))


@st.cache_resource(show_spinner=False, max_entries=16, ttl="1h")
def _validation(
    run_id: str, policy: bytes | None, name: str, segment: str | None, threshold: float | None
) -> ValidationResult:
    rules = parse_policy(policy, name) if policy is not None else Policy()
    return validate_run(
        load_run(run_id), rules, _sample(run_id), segment=segment, threshold=threshold
    )


def _store(run: Run, result: ValidationResult) -> None:
    """validation.json as the CLI writes it, unless the stored one is this very result."""
    stored = run.json("validation.json") or {}
    if stored.get("created") != result.created or stored.get("run_id") != result.run_id:
        save_validation(user_store(), result)


def uploaded_policy(run: Run) -> tuple[str, bytes] | None:
    return st.session_state.get(POLICY_KEY, {}).get(run.run_id)


def policy_section(run: Run) -> None:
    """Load another policy file (JSON), or go back to the default one."""
    current = uploaded_policy(run)
    name = md_escape(current[0]) if current else t("validate.policy_default")
    st.caption(t("validate.policy_in_use", name=name))
    c1, c2 = st.columns([3, 1])
    file = c1.file_uploader(
        t("validate.policy_upload"),
        type=["json"],
        key=f"validate_policy_file_{run.run_id}",
        help=t("validate.policy_upload_help"),
    )
    if file is not None:
        data = file.getvalue()
        digest = hashlib.sha256(data).hexdigest()
        if st.session_state.get("validate_policy_seen") != digest:
            try:
                parse_policy(data, file.name)
            except RiskcoreError as exc:
                show_error(exc)
            else:
                st.session_state.setdefault(POLICY_KEY, {})[run.run_id] = (file.name, data)
                st.session_state["validate_policy_seen"] = digest
                st.rerun()
    if current and c2.button(t("validate.policy_reset"), icon=":material/restart_alt:"):
        st.session_state[POLICY_KEY].pop(run.run_id, None)
        st.session_state.pop("validate_policy_seen", None)
        st.rerun()


def segment_candidates(run: Run) -> list[str]:
    """Static categoricals, the entity (when it has few levels), then binned numerics."""
    data = run.config.data
    try:
        source = _sample(run.run_id).source
    except RiskcoreError:
        source = None
    columns = list(dict.fromkeys([*data.static_features, *([data.entity] if data.entity else [])]))
    if source is None:
        return columns
    present = [c for c in columns if c in source.columns]

    def categorical(c: str) -> bool:
        s = source[c]
        numeric = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
        return not numeric or s.nunique(dropna=True) <= CATEGORY_LEVELS

    cats = [c for c in present if categorical(c) and source[c].nunique(dropna=True) <= 20]
    binned = [c for c in present if not categorical(c)]
    return cats + binned


def segment_picker(run: Run, policy_column: str | None) -> str | None:
    options = [NO_SEGMENT, *segment_candidates(run)]
    if policy_column and policy_column not in options:
        options.append(policy_column)
    key = f"{SEGMENT_KEY}_{run.run_id}"
    if key not in st.session_state:
        st.session_state[key] = policy_column or (options[1] if len(options) > 1 else NO_SEGMENT)
    choice = st.selectbox(
        t("validate.segment"),
        options,
        format_func=lambda c: t("validate.segment_none") if c == NO_SEGMENT else c,
        key=key,
        help=t("validate.segment_help"),
    )
    return choice or None


def compute(run: Run) -> ValidationResult | None:
    """The policy section, the segment picker, then the validation (cached) stored with the run."""
    policy_section(run)
    current = uploaded_policy(run)
    try:
        rules = parse_policy(current[1], current[0]) if current else Policy()
    except RiskcoreError as exc:
        show_error(exc)
        return None
    quantile = run.metrics.task == "quantile"  # no segments, no decision threshold
    segment = None if quantile else segment_picker(run, rules.segments.column)
    threshold = None if quantile else run_threshold(run)
    try:
        with st.spinner(t("validate.running")):
            result = _validation(
                run.run_id,
                current[1] if current else None,
                current[0] if current else "",
                segment,
                threshold,
            )
        _store(run, result)
    except RiskcoreError as exc:
        show_error(exc)
        stored = load_validation(run)
        if stored is not None:
            st.caption(t("validate.showing_stored"))
        return stored
    return result


# ---- showing -------------------------------------------------------------------------------
def headline(result: ValidationResult) -> None:
    counts = result.counts()
    words = t(
        "validate.headline",
        light=light_badge(result.light),
        red=counts["red"],
        amber=counts["amber"],
        green=counts["green"],
        policy=policy_name(result.policy.name),
    )
    show = {"green": st.success, "amber": st.warning, "red": st.error}[result.light]
    show(words)
    data = result.data
    period = f"{data['from']} – {data['to']}" if data.get("from") else "–"
    if result.quantile:
        levels = data.get("levels") or ["0.01"]
        kind = data.get("kind", "test")
        st.caption(
            t(
                "validate.var.data",
                rows=f"{data.get('rows', 0):,}",
                kind=t(f"validate.var.kind.{'test' if kind == 'test' else 'new_data'}"),
                breaches=f"{data.get('events', 0):,}",
                confidence=confidence(levels[0]),
                period=period,
                source=t(
                    "validate.var.source.stored"
                    if data.get("backtests") == "stored"
                    else "validate.var.source.computed"
                ),
            )
        )
        return
    st.caption(
        t(
            "validate.data",
            rows=f"{data.get('rows', 0):,}",
            events=f"{data.get('events', 0):,}",
            period=period,
        )
    )


def policy_name(name: str) -> str:
    """A policy file's own name, or the built-in policy's in the page's language."""
    return t("validate.policy_default") if name == DEFAULT_POLICY_NAME else md_escape(name)


def checks_frame(result: ValidationResult) -> pd.DataFrame:
    """Light, check, value and thresholds: short cells that fit the page; each check's detail
    (a sentence, quoting the data's columns and segments) is read whole in its expander."""
    return pd.DataFrame(
        {
            t("validate.col.light"): [light_text(c.light) for c in result.checks],
            t("validate.col.check"): [check_title(c) for c in result.checks],
            t("validate.col.value"): [_value(c.value) for c in result.checks],
            t("validate.col.threshold"): [threshold_text(c) for c in result.checks],
        }
    )


def checks_columns() -> dict:
    """Widths that show every cell whole at 1400 px, in both languages."""
    return {
        t("validate.col.light"): st.column_config.TextColumn(width=64),
        t("validate.col.check"): st.column_config.TextColumn(width=380),
        t("validate.col.value"): st.column_config.TextColumn(width=86),
        t("validate.col.threshold"): st.column_config.TextColumn(width=330),
    }


def checks_section(result: ValidationResult) -> None:
    styled = _styled(checks_frame(result), t("validate.col.light"))
    st.dataframe(styled, hide_index=True, width="stretch", column_config=checks_columns())
    for item in result.skipped:
        reason = md_escape(skip_reason(item, language()))
        st.caption(t("validate.skipped", check=check_md(item["name"]), reason=reason))
    for k, check in enumerate(result.checks):
        with st.expander(f"{light_badge(check.light)} · {check_title_md(check)}"):
            detail = md_escape(check.detail_in(language(), chart_labels().get))  # quotes names
            st.markdown(t("validate.detail_line", detail=detail))
            st.plotly_chart(check_figure(result, check), key=f"check_chart_{k}")


def _table(result: ValidationResult, name: str) -> pd.DataFrame:
    return {
        "grades": result.grades,
        "hosmer_lemeshow": result.hosmer_lemeshow,
        "periods": result.periods,
        "stability": result.stability,
        "segments": result.segments,
        "backtests": result.backtests,
    }.get(name, pd.DataFrame())


def check_figure(result: ValidationResult, check: Check) -> go.Figure:
    """The chart a check names (validation.json's `chart`), drawn from the result's tables."""
    spec = check.chart or {}
    name = spec.get("table", "")
    table = _table(result, name)
    for column, value in (spec.get("filter") or {}).items():
        if table is not None and column in table:
            table = table[table[column] == value]
    if name == "backtests" and "scope" in table:  # the pooled row, in the reader's language
        table = table.assign(scope=_scopes(table))
    if name == "stability" and table is not None and "period" in table:
        table = stability_names(table)
    return VC.check_chart(
        spec, table, chart_title(check), check.light, (check.threshold, check.amber), _label
    )


def _label(key: str) -> str:
    return t(f"validate.{key}")


def grades_section(result: ValidationResult) -> None:
    scale = result.scale
    st.caption(
        t(
            "validate.scale",
            method=md_escape(scale_term("method", scale.get("method", "–"), language())),
            grades=scale.get("grades", len(result.grades)),
            source=md_escape(scale_term("source", scale.get("source", "–"), language())),
        )
    )
    g = result.grades
    if g.empty:
        st.info(t("validate.no_rows"))
        return
    frame = pd.DataFrame(
        {
            t("validate.col.light"): [light_text(v) for v in g["light"]],
            t("validate.col.grade"): g["grade"],
            t("validate.col.pd_range"): [
                f"{a:.2%} – {b:.2%}" for a, b in zip(g["pd_from"], g["pd_to"], strict=True)
            ]
            if {"pd_from", "pd_to"} <= set(g.columns)
            else "–",
            t("validate.col.n"): g["n"].map(_count),
            t("validate.col.defaults"): g["defaults"].map(_count),
            t("validate.col.mean_pd"): g["mean_pd"].map(_pct),
            t("validate.col.observed_rate"): g["observed_rate"].map(_pct),
            t("validate.col.binomial_p"): g["binomial_p"].map(_value),
            t("validate.col.jeffreys_p"): g["jeffreys_p"].map(_value),
        }
    )
    styled = _styled(frame, t("validate.col.light"))
    st.dataframe(styled, hide_index=True, width="stretch")
    grades_check = next((c for c in result.checks if c.name == "grades"), None)
    if grades_check is not None:
        st.plotly_chart(check_figure(result, grades_check), key="grades_chart")


def _pct(value) -> str:
    if value is None or not np.isfinite(float(value)):
        return "–"
    return f"{float(value):.2%}"


PORTFOLIO_KEYS = (
    "n",
    "defaults",
    "mean_pd",
    "observed_rate",
    "hosmer_lemeshow",
    "hosmer_lemeshow_df",
    "hosmer_lemeshow_p",
    "spiegelhalter_z",
    "spiegelhalter_p",
    "calibration_slope",
    "calibration_intercept",
)


COUNT_KEYS = {"n", "defaults", "hosmer_lemeshow_df"}


def portfolio_section(result: ValidationResult) -> None:
    p = result.portfolio
    rows = [
        (t(f"validate.portfolio.{k}"), (_count if k in COUNT_KEYS else _value)(p.get(k)))
        for k in PORTFOLIO_KEYS
        if k in p
    ]
    st.dataframe(
        pd.DataFrame(rows, columns=[t("validate.col.test"), t("validate.col.value")]),
        hide_index=True,
    )
    hl = next((c for c in result.checks if c.name == "hosmer_lemeshow"), None)
    if hl is not None:
        st.plotly_chart(check_figure(result, hl), key="hl_chart")


def over_time_section(result: ValidationResult) -> None:
    st.markdown(f"**{t('validate.auc_per_period')}**")
    periods = result.periods
    if periods.empty or "roc_auc" not in periods:
        st.info(t("validate.no_periods"))
    else:
        spec = {
            "kind": "line",
            "title": "roc_auc_by_period",
            "table": "periods",
            "x": "period",
            "y": "roc_auc",
            "band": ["roc_auc_lo", "roc_auc_hi"],
            "reference": result.period_info.get("overall_roc_auc"),
        }
        check = Check("discrimination", None, None, "none", chart=spec)
        st.plotly_chart(check_figure(result, check), key="auc_period_chart")
        st.dataframe(periods_frame(periods), hide_index=True)
    st.markdown(f"**{t('validate.psi_per_period')}**")
    s = result.stability
    score = s[s["feature"] == "score"] if not s.empty else s
    if score.empty:
        st.info(t("validate.no_psi"))
        return
    check = Check("score_psi", None, None, "none", chart=dict(SCORE_PSI_CHART))
    st.plotly_chart(check_figure(result, check), key="psi_period_chart")
    st.dataframe(psi_frame(score), hide_index=True)


PERIOD_FORMAT = {
    "period": str,
    "n": _count,
    "events": _count,
    "roc_auc": _fixed,
    "roc_auc_lo": _fixed,
    "roc_auc_hi": _fixed,
    "flagged": lambda v: _yes_no(v),
}


def periods_frame(periods: pd.DataFrame) -> pd.DataFrame:
    """ROC-AUC per period as a reader sees it: translated headers, three decimals, yes / no."""
    shown = [c for c in PERIOD_FORMAT if c in periods]
    return pd.DataFrame(
        {t(f"validate.col.period_{c}"): periods[c].map(PERIOD_FORMAT[c]) for c in shown}
    )


def reading_text(value) -> str:
    """riskcore.drift's reading of a PSI ("moderate shift") in the session's language."""
    said = reading(value)
    return said.say(language()) if isinstance(said, Phrase) else said


def period_text(period) -> str:
    return t("validate.whole") if period == WHOLE else str(period)


def stability_names(table: pd.DataFrame) -> pd.DataFrame:
    """The whole split and the score named in the page's language (stored as "all" and
    "score"); the inputs keep their column names."""
    feature = table["feature"].map(lambda f: t("validate.feature_score") if f == "score" else f)
    return table.assign(period=table["period"].map(period_text), feature=feature)


def psi_frame(score: pd.DataFrame) -> pd.DataFrame:
    """The score's PSI per period: the whole split first, readings translated."""
    return pd.DataFrame(
        {
            t("validate.col.period"): score["period"].map(period_text),
            t("validate.col.psi"): score["psi"].map(_fixed),
            t("validate.col.reading"): score["reading"].map(reading_text),
            t("validate.col.n"): score["n"].map(_count),
        }
    )


def _yes_no(value) -> str:
    return t("validate.yes") if bool(value) else t("validate.no")


def migration_section(result: ValidationResult) -> None:
    info = result.migration_info
    if not info.get("entities"):
        st.info(t("validate.no_migration", reason=md_escape(skip_reason(info, language()))))
        return
    st.caption(
        t(
            "validate.migration_caption",
            start=info.get("start", "–"),
            end=info.get("end", "–"),
            entities=info.get("entities", 0),
            stable=share_text(info, "stable"),
            down=share_text(info, "downgraded"),
            up=share_text(info, "upgraded"),
        )
    )
    fig = VC.migration(
        result.migration,
        t("validate.tab_migration"),
        t("validate.to_grade"),
        t("validate.from_grade"),
    )
    st.plotly_chart(fig, key="migration_chart")


def share_text(info: dict, key: str) -> str:
    """A migration share as a percentage with its count ("75% (9)"); a validation.json written
    before the counts were stored has the count from the share and the entities."""
    share = info.get(key)
    if not _finite(share):
        return "–"
    count = info.get(f"{key}_count", float(share) * info.get("entities", 0))
    return t("validate.share_count", share=f"{float(share):.0%}", count=_count(count))


def segments_section(result: ValidationResult) -> None:
    seg, info = result.segments, result.segment_info
    if seg is None or seg.empty:
        st.info(t("validate.no_segment"))
        return
    st.caption(
        t(
            "validate.segment_caption",
            column=md_escape(info.get("column", "–")),
            kind=t(f"validate.kind.{info.get('kind', 'categorical')}"),
            threshold=f"{info.get('threshold', float('nan')):.3g}",
        )
    )
    frame = pd.DataFrame(
        {
            t("validate.col.segment"): seg["segment"],
            t("validate.col.n"): seg["n"].map(_count),
            t("validate.col.event_rate"): seg["event_rate"].map(_pct),
            t("validate.col.mean_pd"): seg["mean_pd"].map(_pct),
            t("validate.col.roc_auc"): [
                f"{_fixed(a)} [{_fixed(lo)}, {_fixed(hi)}]"
                for a, lo, hi in zip(
                    seg["roc_auc"], seg["roc_auc_lo"], seg["roc_auc_hi"], strict=True
                )
            ],
            t("validate.col.approval_rate"): seg["approval_rate"].map(_pct),
            t("validate.col.adverse_impact_ratio"): seg["adverse_impact_ratio"].map(_fixed),
            t("validate.col.four_fifths_flag"): [
                f"⚠️ {t('validate.yes')}" if f else t("validate.no") for f in seg["four_fifths_flag"]
            ],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")
    ai = next((c for c in result.checks if c.name == "adverse_impact"), None)
    if ai is not None:
        st.plotly_chart(check_figure(result, ai), key="segment_chart")


def _scopes(table: pd.DataFrame) -> list[str]:
    return [
        t("validate.var.pooled") if p else str(s)
        for s, p in zip(table["scope"], table["pooled"], strict=True)
    ]


def _zone(zone) -> str:
    return light_text(ZONE_LIGHT.get(zone, "none"))


def _window(window) -> str:
    return t("validate.var.window.last" if window == "last 250" else "validate.var.window.all")


def backtests_section(result: ValidationResult) -> None:
    """A quantile run's backtests of every VaR level: pooled, then each entity, zones as lights."""
    b = result.backtests
    if b is None or b.empty:
        st.info(t("validate.no_rows"))
        return
    st.caption(t("validate.var.backtests_caption"))
    for level, rows in b.groupby("level", sort=False):
        st.markdown(f"**{t('validate.var.level', confidence=confidence(level))}**")
        frame = pd.DataFrame(
            {
                t("validate.col.scope"): _scopes(rows),
                t("validate.col.n"): rows["n"].map(_count),
                t("validate.col.breaches"): rows["breaches"].map(_count),
                t("validate.col.breach_rate"): rows["breach_rate"].map(_pct),
                t("validate.col.kupiec_p"): rows["kupiec_p"].map(_value),
                t("validate.col.christoffersen_p"): rows["christoffersen_p"].map(_value),
                t("validate.col.conditional_coverage_p"): rows["conditional_coverage_p"].map(
                    _value
                ),
                t("validate.col.zone"): rows["zone"].map(_zone),
                t("validate.col.exceptions"): [
                    f"{e} ({_window(w)})"
                    for e, w in zip(rows["exceptions"], rows["window"], strict=True)
                ],
                t("validate.col.es_z2"): rows["es_z2"].map(_value),
                t("validate.col.es_zone"): rows["es_zone"].map(_zone),
                t("validate.col.es_mcneil_frey_p"): rows["es_mcneil_frey_p"].map(_value),
            }
        )
        styled = _styled(frame, t("validate.col.zone")).map(
            _paint, subset=[t("validate.col.es_zone")]
        )
        st.dataframe(styled, hide_index=True, width="stretch", key=f"backtests_{level}")


def policy_view(result: ValidationResult) -> None:
    text = json.dumps(result.policy.to_dict(), indent=2, ensure_ascii=False)
    st.download_button(
        t("validate.policy_download"),
        text.encode("utf-8"),
        file_name=f"validation-policy-{result.run_id}.json",
        mime="application/json",
        icon=":material/download:",
        on_click="ignore",
    )
    st.code(text, language="json")
