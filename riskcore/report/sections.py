"""What a risk report says, section by section, built from the run and the prediction table.

Each section is a function (context, styles) -> flowables; the numbers behind the sentences
(latest level, trend, riskiest entities, verdict) are computed once on the ReportContext, so the
executive summary, the tables and the charts can never disagree. Layout pieces come from
riskcore.report.layout, charts from riskcore.report.figures, words from
riskcore.report.texts.TEXTS and bands from riskcore.report.bands.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

import numpy as np
import pandas as pd
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from riskcore import metrics as M
from riskcore.artefacts import DISPLAY_ORDER
from riskcore.explain import Explanation
from riskcore.findings import (
    DISPLAY_SCALE,
    benchmark_label,
    model_label,
    number,
    recommendation_sentence,
    verdict_sentence,
    warning_sentences,
)
from riskcore.macro import lag_summary
from riskcore.quantiles import FINE, QuantileGrid, confidence, es_column
from riskcore.report.backtesting import backtest_of, backtest_sentence, var_section, zone_word
from riskcore.report.bands import BANDS, risk_band, risk_sign
from riskcore.report.figures import ChartMaker, cjk_font
from riskcore.report.layout import (
    ACCENT,
    BAND_FILL,
    BAND_INK,
    FRAME_W,
    LIGHT_FILL,
    LIGHT_INK,
    ZEBRA,
    ZONE_LIGHT,
    PageInfo,
    Styles,
    alert_box,
    contents,
    data_table,
    figure,
    heading,
    kv_table,
    preformatted,
    render,
    side_by_side,
)
from riskcore.report.options import section_key
from riskcore.report.texts import TEXTS, text
from riskcore.scenarios.results import ScenarioResult
from riskcore.store import SCORE_COLUMNS, Run, raw_column
from riskcore.validation import ValidationResult, load_validation
from riskcore.validation.terms import scale_term
from riskcore.validation.wording import reason
from riskcore.verdict import decide

MODELS = DISPLAY_ORDER  # the table's columns
RISKIEST_ROWS = 15
TIMELINE_ENTITIES = 5
TIMELINE_STEPS = 250
MODALITIES = ("sequence", "macro", "sentiment", "static")
SPLITS = ("train", "validation", "test")


# ---- what the report is about ----------------------------------------------------------------
@dataclass
class ReportContext:
    """Everything a section needs: the run, the user's choices and the joined prediction table."""

    run: Run
    title: str
    notes: str
    language: str
    sections: tuple[str, ...]
    threshold: float | None
    cuts: tuple[float, float, float]
    table: pd.DataFrame
    explanations: Explanation | None
    scenarios: list[ScenarioResult]
    generated: datetime = field(default_factory=lambda: datetime.now(UTC))
    figures: int = 0  # figures numbered so far, across sections

    def t(self, key: str, **values: object) -> str:
        return text(key, self.language, **values)

    def figure_caption(self, caption: str) -> str:
        """ "Figure n. caption", numbering the report's figures in reading order."""
        self.figures += 1
        return self.t("caption.figure", n=self.figures, text=caption)

    @property
    def classification(self) -> bool:
        return self.run.metrics.classification

    @property
    def quantile(self) -> bool:
        """A VaR / ES run: its score is the VaR at the lowest level, a return (lower: riskier)."""
        return self.run.metrics.task == "quantile"

    @property
    def sign(self) -> float:
        return risk_sign(self.run)

    @cached_property
    def levels(self) -> tuple[float, ...]:
        """A quantile run's VaR levels, ascending (0.01 first); empty for other tasks."""
        return self.run.quantile_levels

    def confidence(self, level: float) -> str:
        """A VaR level as the desk names it: 0.01 -> "99%", 0.025 -> "97.5%"."""
        return confidence(level)

    @property
    def headline(self) -> str:
        """The test metric the run is judged by (ROC-AUC; RMSE; pinball loss for VaR)."""
        return M.HEADLINE.get(self.run.metrics.task, M.HEADLINE["regression"])

    @property
    def score_cuts(self) -> tuple[float, ...]:
        """The band cut points in the score's own units (a quantile run's are VaR returns)."""
        return tuple(self.sign * c for c in self.cuts)

    @property
    def horizon(self) -> int:
        return int(self.run.config.horizon or 0)

    @property
    def timed(self) -> bool:
        return bool(self.table["time"].notna().any())

    def score(self, value: float) -> str:
        """A score as the reader thinks of it: a probability or a VaR return in percent, else
        a number."""
        if value is None or not np.isfinite(value):
            return "–"
        if self.quantile:
            return f"{value:.2%}"
        return f"{value:.1%}" if self.classification else f"{value:.4g}"

    def cut(self, value: float) -> str:
        """A band cut point: "30%" for probabilities, a VaR return ("-2.41%"), else a number."""
        if self.quantile:
            return f"{self.sign * value:.2%}"
        return f"{100 * value:.4g}%" if self.classification else f"{value:.4g}"

    def change(self, value: float) -> str:
        if value is None or not np.isfinite(value):
            return "–"
        if self.classification:
            return self.t("value.points", v=f"{100 * value:+.1f}")
        if self.quantile:
            return self.t("value.points", v=f"{100 * value:+.2f}")
        return f"{value:+.4g}"

    def band(self, name: str) -> str:
        return self.t(f"band.{name}") if name else "–"

    @property
    def test(self) -> dict:
        """metrics.json's test entries (models only; `paired` lives beside it)."""
        return self.run.metrics.test

    @property
    def model_names(self) -> list[str]:
        """The models this run has test metrics for, in table order (old runs lack some)."""
        return [n for n in MODELS if isinstance(self.test.get(n), dict)]

    def label(self, name: str, wrap: bool = False) -> str:
        """A model's name; the benchmark's says which input it is, on a line of its own when
        `wrap` (a narrow column: Chinese wrapping would otherwise cut a feature name)."""
        label = model_label(name, self.test, self.t)
        if not (wrap and name == "benchmark"):
            return label
        return label.replace(": ", ":\n", 1).replace("：", "：\n", 1)

    @cached_property
    def validation(self) -> ValidationResult | None:
        """The validation stored with the run (validation.json), or None."""
        try:
            return load_validation(self.run)
        except (ValueError, KeyError, TypeError):  # a hand-edited file: no section
            return None

    @cached_property
    def warnings(self) -> list[dict]:
        return self.run.metrics.warnings

    def entity(self, name: str) -> str:
        return name or self.t("summary.series")

    def who(self, row: object) -> str:
        """What a prediction is about: its entity, or its row when the data has no entities."""
        entity = getattr(row, "entity", "")
        if not entity and not self.timed and hasattr(row, "row"):
            return self.t("summary.row", row=row.row)
        return self.entity(entity)

    @cached_property
    def latest(self) -> pd.DataFrame:
        """Each entity's latest prediction (test rows by score without a time), riskiest first,
        with its score one horizon earlier."""
        t = self.table.sort_values(["entity", "time"], kind="stable")
        riskiest_first = self.sign < 0  # a VaR: the lowest (deepest) first
        if not self.timed:
            test = t[t["split"] == "test"].assign(previous=np.nan)
            return test.sort_values("score", ascending=riskiest_first, kind="stable")
        t = t.assign(previous=t.groupby("entity")["score"].shift(max(self.horizon, 1)))
        last = t.groupby("entity", sort=False).tail(1)
        return last.sort_values("score", ascending=riskiest_first, kind="stable")

    @cached_property
    def explained(self) -> pd.DataFrame:
        """Each entity's latest explained prediction (time, driver_1 and its contribution),
        indexed by entity: the top driver of an entity whose listed prediction was not
        explained. Empty without explanations and for cross-sectional runs (a row is its own
        entity there)."""
        columns = ["time", "driver_1", "driver_1_contribution"]
        if "driver_1" not in self.table or not self.timed:
            return pd.DataFrame(columns=columns)
        have = self.table[self.table["driver_1"].fillna("").astype(str) != ""]
        last = have.sort_values("time", kind="stable").groupby("entity", sort=False).tail(1)
        return last.set_index("entity")[columns]

    def top_driver(self, row: object) -> str:
        """ "ret_1d (+0.052)" for the row; the entity's latest explained driver with its date
        when the row was not explained; else why there is none."""
        name = getattr(row, "driver_1", None)
        if isinstance(name, str) and name:
            return f"{name} ({row.driver_1_contribution:+.3f})"
        entity = getattr(row, "entity", None)
        if entity in self.explained.index:
            earlier = self.explained.loc[entity]
            driver = f"{earlier['driver_1']} ({float(earlier['driver_1_contribution']):+.3f})"
            return self.t("driver.earlier", driver=driver, date=_day(earlier["time"]))
        return self.t("driver.none")

    @cached_property
    def data_summary(self) -> dict:
        """meta.json's data summary, completed from the predictions where a run lacks parts."""
        info = dict(self.run.meta.summary)
        t = self.table
        info.setdefault("rows", len(t))
        info.setdefault("entities", int(t["entity"].nunique()))
        blocks = {b: getattr(self.run.config.data, f"{b}_features") for b in MODALITIES}
        info.setdefault("features", {b: len(cols) for b, cols in blocks.items() if cols})
        for split in SPLITS:
            part = t[t["split"] == split]
            derived: dict = {"samples": len(part)}
            if self.classification and len(part):
                derived["event_rate"] = float(part["actual"].mean())
            if self.timed and len(part):
                derived.update({"from": _day(part["time"].min()), "to": _day(part["time"].max())})
            info[split] = {**derived, **(info.get(split) or {})}
        return info

    @cached_property
    def level(self) -> dict:
        """Average score at the latest date and one horizon (in time steps) before it; without
        a time, the average over the test split (and no change)."""
        if not self.timed:
            test = self.table[self.table["split"] == "test"]
            high = int(test["risk_band"].isin(BANDS[2:]).sum())
            return {
                "score": float(test["score"].mean()),
                "high": high,
                "total": len(test),
                "change": np.nan,
            }
        times = np.sort(self.table["time"].dropna().unique())
        now = times[-1]
        prev = times[max(len(times) - 1 - max(self.horizon, 1), 0)]
        at_now = self.table[self.table["time"] == now]
        es = es_column(self.levels[0]) if self.levels else ""
        return {
            "date": _day(now),
            "score": float(at_now["score"].mean()),
            "es": float(at_now[es].mean()) if es in at_now else np.nan,
            "high": int(at_now["risk_band"].isin(BANDS[2:]).sum()),
            "total": int(at_now["entity"].nunique()),
            "prev_date": _day(prev),
            "change": float(
                at_now["score"].mean() - self.table.loc[self.table["time"] == prev, "score"].mean()
            ),
        }


def _day(value: object) -> str:
    return "" if pd.isna(value) else str(pd.Timestamp(value).date())


# ---- words used in several sections ---------------------------------------------------------
def _stamp(value: object) -> str:
    """An ISO timestamp as "2026-01-31 14:05 UTC"."""
    if not value:
        return "–"
    stamp = pd.Timestamp(str(value))
    stamp = stamp.tz_convert("UTC") if stamp.tzinfo else stamp
    return stamp.strftime("%Y-%m-%d %H:%M UTC")


def target_text(ctx: ReportContext) -> str:
    target = ctx.run.config.data.target
    return ctx.t(
        f"target.{target.kind}",
        column=target.column,
        horizon=ctx.horizon,
        threshold=f"{getattr(target, 'threshold', 0):.0%}",
        quantile=f"{getattr(target, 'quantile', 0):.0%}",
        levels=ctx.t("list.sep").join(ctx.confidence(a) for a in ctx.levels),
    )


def task_text(ctx: ReportContext) -> str:
    task = ctx.run.metrics.task
    return f"{ctx.t(f'task.{task}')} · {target_text(ctx)}"


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and bool(np.isfinite(value))


def verdict(ctx: ReportContext) -> str:
    """The one verdict of riskcore.verdict, in the report's words, and the model to use."""
    metrics = ctx.run.metrics
    test = metrics.get("test", {})
    sentence = verdict_sentence(decide(metrics), test, ctx.t)
    recommended = recommendation_sentence(metrics.get("recommended"), test, ctx.t)
    return f"{sentence} {recommended}".strip().replace("。 ", "。")


def warning_lines(ctx: ReportContext, kinds: tuple[str, ...] | None = None) -> list[str]:
    """The run's warnings as sentences (riskcore.findings), of `kinds` only when given. A model
    too good to be true without a leaking input found is followed by the strongest input."""
    chosen = [w for w in ctx.warnings if kinds is None or w.get("kind") in kinds]
    lines = warning_sentences(chosen, ctx.test, ctx.t)
    found = {w.get("kind") for w in chosen}
    strongest = ctx.run.metrics.scores("benchmark", "validation")
    if "too_good_model" in found and "leak_input" not in found and strongest.get("input"):
        auc = strongest.get("roc_auc", strongest.get("validation_score"))
        label = benchmark_label(strongest, ctx.t)
        lines.append(ctx.t("warning.strongest_input", input=label, auc=number(auc)))
    return lines


def interval_text(ctx: ReportContext) -> str:
    """How the test intervals were resampled, as metrics.json's `intervals` records it."""
    info = ctx.run.metrics.get("intervals") or {}
    n_boot = info.get("n_boot", "–")
    if info.get("method") == "block":
        return ctx.t("interval.block", block=info.get("block_dates", "–"), n_boot=n_boot)
    if info.get("method") == "row":
        return ctx.t("interval.row", n_boot=n_boot)
    return ctx.t("interval.unknown")


def calibration_method(ctx: ReportContext) -> str | None:
    """The calibration method in words ("Platt scaling"); None for a run without one."""
    info = ctx.run.metrics.calibration or {}
    method = info.get("method")
    if not method:
        return None
    return ctx.t(f"calibration.{method}") if f"calibration.{method}" in TEXTS else str(method)


def metric_value(value: object, key: str = "") -> str:
    """Three decimals; errors of a regression (in the target's units) to four digits; a
    pinball loss in basis points (findings.DISPLAY_SCALE) to two decimals."""
    if not _finite(value):
        return "–"
    if key in DISPLAY_SCALE:
        return f"{float(value) * DISPLAY_SCALE[key]:.2f}"
    return f"{float(value):.4g}" if key in M.ERROR_METRICS else f"{float(value):.3f}"


def scenario_facts(sc: ScenarioResult) -> dict | None:
    rows = sc.table.dropna(subset=["score_base", "score_scenario", "delta"])
    if rows.empty:
        return None
    worst = rows.loc[rows["delta"].abs().idxmax()]
    return {
        "name": sc.name,
        "base": float(rows["score_base"].mean()),
        "stressed": float(rows["score_scenario"].mean()),
        "delta": float(rows["delta"].mean()),
        "entity": str(worst["entity"]),
        "entity_delta": float(worst["delta"]),
        "deltas": rows["delta"].to_numpy(float),
    }


def scores_on_test(
    ctx: ReportContext,
) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Actual outcomes, every model's stored scores (calibrated probabilities in a calibrated
    run) and, where the run keeps them, its raw scores, on the test split."""
    p = ctx.run.predictions
    test = p[p["split"] == "test"]
    scores = {m: test[c].to_numpy(float) for m, c in SCORE_COLUMNS.items() if c in test}
    raw = {m: test[raw_column(m)].to_numpy(float) for m in scores if raw_column(m) in test}
    return test["y_true"].to_numpy(float), scores, raw


# ---- sections -------------------------------------------------------------------------------
def cover(ctx: ReportContext, st: Styles) -> list[Flowable]:
    meta, t = ctx.run.meta, ctx.t
    test = ctx.data_summary["test"]
    facts = [
        *([(t("cover.run_name"), meta.get("name"))] if meta.get("name") else []),
        (t("cover.run_id"), ctx.run.run_id),
        (t("cover.created"), _stamp(meta.get("created"))),
        (t("cover.generated"), _stamp(ctx.generated.isoformat())),
        (t("cover.task"), task_text(ctx)),
        (t("cover.data"), ", ".join(f["name"] for f in meta.get("files", [])) or "–"),
        (t("cover.test_period"), f"{test['from']} – {test['to']}" if "from" in test else "–"),
    ]
    story = [
        Spacer(1, 6 * mm),
        st.p(t("cover.kind").upper(), "kicker"),
        st.p(ctx.title, "title"),
        st.p(task_text(ctx), "subtitle"),
        kv_table(st, facts, FRAME_W, label_share=0.3),
    ]
    if ctx.notes.strip():
        story += [Spacer(1, 8 * mm), notes_box(ctx, st)]
    if ctx.sections:
        story += [Spacer(1, 8 * mm), *contents(st, t("cover.contents"))]
    return [*story, Spacer(1, 8 * mm), st.p(t("cover.disclaimer"), "small")]


def notes_box(ctx: ReportContext, st: Styles) -> Table:
    """The analyst's notes, printed literally, on a panel with an accent rule."""
    paragraphs = [p for p in ctx.notes.strip().split("\n\n") if p.strip()]
    content = [st.p(ctx.t("cover.notes"), "h2"), *(st.p(p.strip()) for p in paragraphs)]
    box = Table([[content]], colWidths=[FRAME_W], hAlign="LEFT")
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), ZEBRA),
                ("LINEBEFORE", (0, 0), (0, -1), 2.5, ACCENT),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return box


def kpi_strip(ctx: ReportContext, st: Styles) -> Table:
    """Four headline figures in large type: level, trend, entities at risk, test metric."""
    level, t = ctx.level, ctx.t
    key = ctx.headline
    model = ctx.run.metrics.scores("model")
    lo, hi = model.get(f"{key}_ci", [np.nan, np.nan])
    values: list[tuple[str | Paragraph, str]] = [
        (ctx.score(level["score"]), t("kpi.level" if ctx.timed else "kpi.level_test")),
        (ctx.change(level["change"]), t("kpi.trend")),
        (f"{level['high']} / {level['total']}", t("kpi.high" if ctx.timed else "kpi.high_test")),
        (
            metric_value(model.get(key), key),
            t("kpi.metric", metric=t(f"metric.{key}"))
            + f" {metric_value(lo, key)}–{metric_value(hi, key)}",
        ),
    ]
    if ctx.quantile and ctx.levels:
        confidence = ctx.confidence(ctx.levels[0])
        label = t("kpi.var_level" if ctx.timed else "kpi.var_level_test", confidence=confidence)
        values[0] = (values[0][0], label)
        values[2] = _zone_kpi(ctx, st, confidence)
    cells = [
        [v if isinstance(v, Paragraph) else st.p(v, "kpi"), st.p(label, "kpi_label")]
        for v, label in values
    ]
    width = FRAME_W / len(cells)
    table = Table([cells], colWidths=[width] * len(cells), hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), ZEBRA),
                ("LINEBEFORE", (1, 0), (-1, -1), 3, colors.white),
                ("LINEABOVE", (0, 0), (-1, 0), 2, ACCENT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 7),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def _zone_kpi(ctx: ReportContext, st: Styles, confidence: str) -> tuple[Paragraph, str]:
    """The deep model's pooled Basel zone at the lowest level, in its colour, in large type."""
    bt = backtest_of(ctx, "model", ctx.levels[0])
    zone = (bt.get("traffic_light") or {}).get("zone")
    ink = LIGHT_INK.get(ZONE_LIGHT.get(zone, "none"), LIGHT_INK["none"])
    word = st.rich(f'<font color="{ink}">{st.esc(zone_word(ctx, zone))}</font>', "kpi")
    label = ctx.t(
        "kpi.zone",
        confidence=confidence,
        breaches=f"{bt.get('breaches', 0):,}",
        n=f"{bt.get('n', 0):,}",
    )
    return word, label


def _level_sentence(ctx: ReportContext) -> str:
    """The latest average score (a quantile run: VaR and ES) and how many entities are high."""
    level, t = ctx.level, ctx.t
    band = ctx.band(_band(ctx, level["score"]))
    if ctx.quantile and ctx.levels:
        low = ctx.levels[0]
        return t(
            "summary.var_level",
            date=level["date"],
            confidence=ctx.confidence(low),
            value=ctx.score(level["score"]),
            es=ctx.score(level["es"]),
            horizon=ctx.horizon,
            level=f"{100 * low:.4g}%",
            high=level["high"],
            total=level["total"],
        )
    return t(
        "summary.level",
        date=level["date"],
        value=ctx.score(level["score"]),
        band=band,
        high=level["high"],
        total=level["total"],
    )


def _trend_key(ctx: ReportContext, way: str) -> str:
    """A VaR that falls is a risk that rises: a quantile run says deeper / shallower."""
    if ctx.quantile and way != "flat":
        return "summary.var_deeper" if way == "down" else "summary.var_shallower"
    return f"summary.{way}"


def summary_sentences(ctx: ReportContext) -> list[str]:
    t, sep, level = ctx.t, ctx.t("list.sep"), ctx.level
    out = []
    if ctx.timed:
        out.append(_level_sentence(ctx))
        step = 0.005 if ctx.classification else 0.01 * abs(level["score"])
        way = "up" if level["change"] > step else "down" if level["change"] < -step else "flat"
        change = ctx.change(abs(level["change"]) if way != "flat" else level["change"])
        out.append(
            t(
                _trend_key(ctx, way),
                change=change.lstrip("+"),
                date=level["prev_date"],
                horizon=ctx.horizon,
            )
        )
    top = ctx.latest.head(3)
    items = [t("summary.item", name=ctx.who(r), value=ctx.score(r.score)) for r in top.itertuples()]
    if items:
        key = "summary.riskiest" if ctx.timed else "summary.riskiest_static"
        out.append(t(key, items=sep.join(items)))
    out.append(driver_sentence(ctx))
    facts = [f for f in map(scenario_facts, ctx.scenarios[:4]) if f]
    out += [
        t(
            "summary.scenario",
            name=f["name"],
            delta=ctx.change(f["delta"]),
            base=ctx.score(f["base"]),
            stressed=ctx.score(f["stressed"]),
            entity=ctx.entity(f["entity"]),
            entity_delta=ctx.change(f["entity_delta"]),
        )
        for f in facts
    ] or [t("summary.no_scenarios")]
    backtest = backtest_sentence(ctx) if ctx.quantile else None
    if backtest:
        out.append(backtest)
    out.append(verdict(ctx))
    return out


def _band(ctx: ReportContext, score: float) -> str:
    return str(risk_band(np.array([ctx.sign * score]), ctx.cuts)[0])


def driver_sentence(ctx: ReportContext) -> str:
    if ctx.explanations is None or not ctx.explanations.features:
        return ctx.t("summary.no_drivers")
    imp = ctx.explanations.importance.sort_values("mean_abs_shap", ascending=False)
    total = float(imp["mean_abs_shap"].sum()) or 1.0
    items = [
        ctx.t(
            "summary.driver",
            feature=r.feature,
            share=f"{r.mean_abs_shap / total:.0%}",
            modality=ctx.t(f"modality.{r.modality}") if f"modality.{r.modality}" in TEXTS else "–",
        )
        for r in imp.head(3).itertuples()
    ]
    return ctx.t(
        "summary.drivers", n=len(ctx.explanations.rows), items=ctx.t("list.sep").join(items)
    )


def summary(ctx: ReportContext, st: Styles) -> list[Flowable]:
    """The KPIs, then the warnings (a reader must see them before any number), then the story."""
    story: list[Flowable] = [kpi_strip(ctx, st), Spacer(1, 5 * mm)]
    warnings = warning_lines(ctx)
    if warnings:
        story += [alert_box(st, warnings, ctx.t("summary.warnings")), Spacer(1, 4 * mm)]
    return story + st.bullets(summary_sentences(ctx))


def data(ctx: ReportContext, st: Styles) -> list[Flowable]:
    meta, t, sep = ctx.run.meta, ctx.t, ctx.t("list.sep")
    info = ctx.data_summary
    features = sep.join(
        t("data.feature_count", n=n, block=t(f"modality.{b}"))
        for b, n in info.get("features", {}).items()
    )
    story = [
        st.p(
            t(
                "data.panel" if ctx.timed else "data.panel_static",
                entities=f"{info.get('entities', 0):,}",
                rows=f"{info.get('rows', 0):,}",
                window=ctx.run.config.window,
                horizon=ctx.horizon,
                target=target_text(ctx),
                features=features or "–",
            )
        ),
        st.p(t("data.files"), "h2"),
        files_table(ctx, st),
        st.p(t("data.splits" if ctx.timed else "data.splits_static"), "h2"),
        splits_table(ctx, st),
    ]
    cuts = info.get("cuts") or {}
    if ctx.timed and {"validation", "test"} <= set(cuts):
        story.append(
            st.p(
                t(
                    "data.cuts",
                    validation=str(cuts["validation"])[:10],
                    test=str(cuts["test"])[:10],
                    horizon=ctx.horizon,
                ),
                "small",
            )
        )
    shift = warning_lines(ctx, ("event_rate_shift",))
    if shift:
        story += [Spacer(1, 2 * mm), alert_box(st, shift)]
    warnings = [
        *meta.get("warnings", []),
        *(f"{f['name']}: {w}" for f in meta.get("files", []) for w in f.get("warnings", [])),
    ]
    story.append(st.p(t("data.warnings"), "h2"))
    return story + (st.bullets(warnings) if warnings else [st.p(t("data.no_warnings"))])


def _size(n: object) -> str:
    if not _finite(n):
        return "–"
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return "–"


def files_table(ctx: ReportContext, st: Styles) -> Flowable:
    files = ctx.run.meta.files
    if not files:
        return st.p(ctx.t("data.no_files"))
    t = ctx.t
    rows = [
        [
            t(f"role.{f['role']}") if f"role.{f.get('role')}" in TEXTS else f.get("role", ""),
            f.get("name", ""),
            f"{f['rows']:,}" if _finite(f.get("rows")) else "–",
            _size(f.get("bytes")),
            st.rich(f"{f.get('sha256', '')[:32]}<br/>{f.get('sha256', '')[32:]}", "mono"),
        ]
        for f in files
    ]
    header = [t("col.role"), t("col.file"), t("col.rows"), t("col.size"), t("col.sha256")]
    return data_table(st, header, rows, [22 * mm, 57 * mm, 20 * mm, 22 * mm, 53 * mm], right=(2, 3))


def splits_table(ctx: ReportContext, st: Styles) -> Table:
    """Samples, period and event rate of each split (no period without a time column)."""
    info = ctx.data_summary
    columns = split_columns(ctx)

    def cell(part: dict, col: str) -> str:
        return split_cell(part, col)

    rows = [[ctx.t(f"split.{s}"), *(cell(info[s], c) for c in columns)] for s in SPLITS]
    widths = [44 * mm, *([(FRAME_W - 44 * mm) / len(columns)] * len(columns))]
    header = [ctx.t("col.split"), *(ctx.t(f"col.{c}") for c in columns)]
    return data_table(st, header, rows, widths, right=(1, len(columns)))


def split_columns(ctx: ReportContext) -> list[str]:
    """The columns of the splits table: a quantile run shows the returns' spread, not an
    event rate."""
    last = "return_sd" if ctx.quantile else "event_rate"
    return ["samples", *(["from", "to"] if ctx.timed else []), last]


def split_cell(part: dict, col: str) -> str:
    value = part.get(col)
    if col == "samples":
        return f"{value or 0:,}"
    if col == "event_rate":
        return f"{value:.1%}" if _finite(value) else "–"
    if col == "return_sd":
        return f"{value:.2%}" if _finite(value) else "–"
    return value or "–"


def model(ctx: ReportContext, st: Styles) -> list[Flowable]:
    cfg, meta, t = ctx.run.config, ctx.run.meta, ctx.t
    m, tr = cfg.model, cfg.training
    yes = {True: t("value.yes"), False: t("value.no")}
    training = [
        (t("kv.epochs"), f"{meta.get('epochs_run', '–')} / {tr.epochs}"),
        (t("kv.patience"), tr.patience),
        (t("kv.batch_size"), tr.batch_size),
        (t("kv.learning_rate"), f"{tr.learning_rate:g}"),
        (t("kv.loss"), tr.loss),
        (t("kv.class_weight"), tr.class_weight),
        (t("kv.dropout"), f"{m.dropout:g}"),
        (t("kv.regularisation"), f"{m.l1:g} / {m.l2:g}"),
        (t("kv.batch_norm"), yes[m.batch_norm]),
        (t("kv.attention"), yes[m.attention]),
        (t("kv.seed"), tr.seed),
    ]
    timings = meta.get("timings", {})
    run = [
        (t("kv.parameters"), f"{meta['parameters']:,}" if _finite(meta.get("parameters")) else "–"),
        (t("kv.device"), meta.get("device", "–")),
        (t("kv.mixed_precision"), yes[bool(meta.get("mixed_precision"))]),
        *(
            (t(f"kv.{k}"), t("value.seconds", s=f"{timings[k]:,.1f}"))
            for k in ("prepare_s", "fit_s", "total_s")
            if _finite(timings.get(k))
        ),
    ]
    half = (FRAME_W - 6 * mm) / 2
    return [
        st.p(t("model.architecture"), "h2"),
        *st.bullets(architecture(ctx)),
        side_by_side(
            [st.p(t("model.training"), "h2"), kv_table(st, training, half)],
            [st.p(t("model.run"), "h2"), kv_table(st, run, half)],
        ),
    ]


def architecture(ctx: ReportContext) -> list[str]:
    cfg, t = ctx.run.config, ctx.t
    m = cfg.model
    blocks = list(ctx.data_summary["features"])
    lines = []
    if "sequence" in blocks:
        layers = " → ".join(f"{m.cell.upper()}({u})" for u in m.units)
        lines.append(t("model.sequence_tower", layers=layers, dense=m.dense_units))
    others = [t(f"modality.{b}") for b in blocks if b != "sequence"]
    if others:
        lines.append(t("model.towers", blocks=t("list.sep").join(others), units=m.tower_units))
    if ctx.quantile:
        grid = QuantileGrid.of(ctx.levels)
        levels = t("list.sep").join(f"{a:g}" for a in grid.levels)
        lines.append(t("model.head_quantile", n=len(grid.points), levels=levels, fine=grid.fine))
    else:
        lines.append(t("model.head", activation="sigmoid" if ctx.classification else "linear"))
    return lines


def metrics(ctx: ReportContext, st: Styles) -> list[Flowable]:
    """The models side by side and the verdict; for a quantile run its VaR backtesting."""
    if ctx.quantile:
        return var_section(ctx, st, chart_maker(ctx), interval_text(ctx), verdict(ctx))
    t, run_metrics, test = ctx.t, ctx.run.metrics, ctx.test
    names = ctx.model_names
    rows = []
    for key in M.REPORTED_METRICS["classification" if ctx.classification else "regression"]:
        if key in M.CALIBRATION_METRICS and not any(key in test[n] for n in names):
            continue  # a run from before calibration
        best = _best(key, {n: test[n].get(key) for n in names})
        rows.append(
            [t(f"metric.{key}"), *(_metric_cell(st, test[n], key, n == best) for n in names)]
        )
    validation = run_metrics.get("validation", {})
    if ctx.classification and validation:
        rows.append(
            [
                t("metric.validation_auc"),
                *(metric_value((validation.get(n) or {}).get("roc_auc")) for n in names),
            ]
        )
    headline = ctx.headline
    paired = run_metrics.get("paired") or {}
    if any(n in paired for n in names):
        rows.append(
            [
                t("metrics.paired", metric=t(f"metric.{headline}")),
                *(_paired_cell(st, paired.get(n) or {}, headline) for n in names),
            ]
        )
    label_w = 44 * mm
    width = (FRAME_W - label_w) / (len(names) + 0.4 * ("benchmark" in names) or 1)
    widths = [label_w, *(width * (1.4 if n == "benchmark" else 1) for n in names)]
    header = [t("col.metric"), *(ctx.label(n, wrap=True) for n in names)]
    story = [
        st.p(
            t(
                "metrics.note",
                n=f"{run_metrics.get('rows', {}).get('test', 0):,}",
                intervals=interval_text(ctx),
            ),
            "small",
        ),
        data_table(st, header, rows, widths, right=range(1, len(names) + 1)),
    ]
    if ctx.classification:
        story.append(st.p(calibration_note(ctx), "small"))
    story += [Spacer(1, 4 * mm), st.lead(verdict(ctx))]
    story = [KeepTogether(story)]  # the table with its notes and the verdict, and the heading
    if ctx.threshold is not None and ctx.classification:
        story += threshold_block(ctx, st)
    return story + walk_forward_block(ctx, st)


def calibration_note(ctx: ReportContext) -> str:
    """Which metrics read calibrated probabilities, and the deep model's ECE before and after."""
    method = calibration_method(ctx)
    if method is None:
        return ctx.t("metrics.uncalibrated")
    model = ctx.test.get("model") or {}
    return ctx.t(
        "metrics.calibrated",
        method=method,
        raw=number(model.get("ece_raw")),
        calibrated=number(model.get("ece")),
    )


def _best(key: str, values: dict[str, object]) -> str | None:
    usable = {n: float(v) for n, v in values.items() if _finite(v)}
    if not usable:
        return None
    if key in M.IDEAL:
        return min(usable, key=lambda n: abs(usable[n] - M.IDEAL[key]))
    sign = -1 if key in M.LOWER_BETTER else 1
    return max(usable, key=lambda n: sign * usable[n])


def _metric_cell(st: Styles, scores: dict, key: str, best: bool) -> Paragraph:
    value = metric_value(scores.get(key), key)
    main = f'<font name="{st.bold}">{value}</font>' if best else value
    if f"{key}_ci" not in scores:  # ECE and the calibration fit carry no interval
        return st.rich(main, "cell_r")
    lo, hi = scores[f"{key}_ci"]
    interval = f"{metric_value(lo, key)}–{metric_value(hi, key)}"
    return st.rich(f'{main}<br/><font size="6.5" color="#6b7280">{interval}</font>', "cell_r")


def _signed(value: object, key: str) -> str:
    if not _finite(value):
        return "–"
    return f"{float(value):+.4g}" if key in M.ERROR_METRICS else f"{float(value):+.3f}"


def _paired_cell(st: Styles, diffs: dict, key: str) -> Paragraph | str:
    """The deep model minus one comparator, with the paired interval below it."""
    if key not in diffs:
        return "–"
    lo, hi = diffs.get(f"{key}_ci", [None, None])
    interval = f"[{_signed(lo, key)}, {_signed(hi, key)}]"
    return st.rich(
        f'{_signed(diffs[key], key)}<br/><font size="6.5" color="#6b7280">{interval}</font>',
        "cell_r",
    )


def threshold_block(ctx: ReportContext, st: Styles) -> list[Flowable]:
    t = ctx.t
    y, scores, _ = scores_on_test(ctx)  # decisions read the calibrated probabilities
    rows = []
    for name, s in scores.items():
        r = M.threshold_scores(y, s, ctx.threshold)
        rows.append(
            [
                ctx.label(name, wrap=True),
                f"{r['precision']:.3f}",
                f"{r['recall']:.3f}",
                f"{r['f1']:.3f}",
                f"{r['flagged_share']:.1%}",
                *(f"{r[k]:,}" for k in ("tp", "fp", "fn", "tn")),
            ]
        )
    keys = ("precision", "recall", "f1", "flagged", "tp", "fp", "fn", "tn")
    header = [t("col.model"), *(t(f"col.{k}") for k in keys)]
    widths = [38 * mm] + [(FRAME_W - 38 * mm) / 8] * 8
    title = st.p(t("metrics.threshold", threshold=f"{ctx.threshold:g}"), "h2")
    return [KeepTogether([title, data_table(st, header, rows, widths, right=range(1, 9))])]


def walk_forward_block(ctx: ReportContext, st: Styles) -> list[Flowable]:
    wf = ctx.run.metrics.walk_forward or {}
    key = ctx.headline
    summary_ = wf.get("summary", {})
    rows = [
        [ctx.label(n), f"{cell['mean']:.3f} ± {cell['sd']:.3f}"]
        for n in MODELS
        if isinstance(cell := (summary_.get(n) or {}).get(key), dict)
        and _finite(cell.get("mean"))
        and _finite(cell.get("sd"))
    ]
    if not rows:
        return []
    title = ctx.t(
        "metrics.walk_forward", metric=ctx.t(f"metric.{key}"), folds=len(wf.get("folds", []))
    )
    header = [ctx.t("col.model"), ctx.t(f"metric.{key}")]
    table = data_table(st, header, rows, [90 * mm, 40 * mm], right=(1,))
    return [KeepTogether([st.p(title, "h2"), table])]


def chart_maker(ctx: ReportContext) -> ChartMaker:
    """Charts in Chinese when a CJK font is installed, otherwise in English."""
    language = ctx.language if ctx.language == "en" or cjk_font() else "en"
    return ChartMaker(lambda key: text(key, language), cjk_first=language == "zh")


def charts(ctx: ReportContext, st: Styles) -> list[Flowable]:
    """The task's charts (the VaR backtest charts are in the VaR section), the timeline, SHAP
    importance and the scenarios."""
    maker, figures, t = chart_maker(ctx), [], ctx.t
    y, scores, raw = scores_on_test(ctx)
    if ctx.classification:
        if 0 < y.sum() < y.size:
            caption = "caption.roc_calibrated" if "model" in raw else "caption.roc"
            figures.append((maker.roc_and_calibration(y, scores, raw), t(caption)))
        figures.append(
            (maker.score_distribution(y, scores["model"], ctx.cuts), t("caption.distribution"))
        )
    elif y.size and not ctx.quantile:
        figures.append(
            (maker.predicted_vs_actual(y, scores["model"], ctx.cuts), t("caption.pred_actual"))
        )
    if ctx.timed:
        info = ctx.data_summary
        periods = {
            s: (pd.Timestamp(info[s]["from"]), pd.Timestamp(info[s]["to"]))
            for s in ("validation", "test")
            if "from" in info.get(s, {})
        }
        entities = list(ctx.latest["entity"].head(TIMELINE_ENTITIES))
        frame = recent(ctx.table, periods)
        if ctx.quantile and ctx.levels:
            label = t("chart.var")
            caption = t("caption.timeline_var", confidence=ctx.confidence(ctx.levels[0]))
        else:
            label, caption = None, t("caption.timeline")
        png = maker.risk_timeline(frame, entities, periods, ctx.score_cuts, label, ctx.quantile)
        figures.append((png, caption))
    if ctx.explanations is not None and ctx.explanations.features:
        importance = maker.shap_importance(ctx.explanations.importance)
        figures.append((importance, t("caption.importance")))
    facts = [f for f in map(scenario_facts, ctx.scenarios) if f]
    if facts:
        png = maker.scenario_comparison(
            [f["name"] for f in facts],
            [f["base"] for f in facts],
            [f["stressed"] for f in facts],
            [f["deltas"] for f in facts],
        )
        figures.append((png, t("caption.scenarios")))
    return [figure(png, ctx.figure_caption(caption), st) for png, caption in figures]


def recent(table: pd.DataFrame, periods: dict) -> pd.DataFrame:
    """The rows a timeline shows: the test period and as long a stretch before it (a daily
    history of years is unreadable at page width), or the last TIMELINE_STEPS time steps."""
    if "test" in periods:
        start, end = periods["test"]
        return table[table["time"] >= start - (end - start)]
    times = np.sort(table["time"].dropna().unique())
    return table[table["time"] >= times[max(len(times) - TIMELINE_STEPS, 0)]]


def riskiest(ctx: ReportContext, st: Styles) -> list[Flowable]:
    latest = ctx.latest.head(RISKIEST_ROWS)
    low = ctx.levels[0] if ctx.levels else None
    es = es_column(low) if low is not None else ""
    if es in latest:  # "es_0.01" is no attribute name for itertuples
        latest = latest.assign(es_low=latest[es])
    top = list(latest.itertuples())
    has_drivers = "driver_1" in ctx.latest

    def band(r) -> Paragraph:
        colour = BAND_INK[r.risk_band or "low"]
        return st.rich(f'<font color="{colour}">{st.esc(ctx.band(r.risk_band))}</font>', "cell")

    t = ctx.t
    confidence = ctx.confidence(low) if low is not None else ""
    # a quantile run: the VaR, its ES (when there is room) and the realised return
    score_head = t("col.var", confidence=confidence) if ctx.quantile else t("col.score")
    with_es = ctx.quantile and es in latest and not has_drivers
    columns = [  # header, width (0: what is left), right-aligned, cell
        (t("col.rank"), 10 * mm, True, lambda r: str(top.index(r) + 1)),
        (t("col.entity"), 0, False, ctx.who),
        *([(t("col.date"), 22 * mm, False, lambda r: _day(r.time))] if ctx.timed else []),
        (score_head, 18 * mm, True, lambda r: ctx.score(r.score)),
        *(
            [
                (
                    t("col.es", confidence=confidence),
                    18 * mm,
                    True,
                    lambda r: ctx.score(r.es_low),
                )
            ]
            if with_es
            else []
        ),
        (t("col.band"), 20 * mm, False, band),
        *(
            [(t("col.change"), 24 * mm, True, lambda r: ctx.change(r.score - r.previous))]
            if ctx.timed
            else []
        ),
        (
            t("col.return" if ctx.quantile else "col.outcome"),
            26 * mm if ctx.quantile else 20 * mm,
            ctx.quantile,
            lambda r: _outcome(ctx, r),
        ),
        *([(t("col.driver"), 40 * mm, False, ctx.top_driver)] if has_drivers else []),
    ]
    widths = [c[1] for c in columns]
    widths[1] = FRAME_W - sum(widths)
    at = [c[0] for c in columns].index(t("col.band"))
    shading = [
        ("BACKGROUND", (at, i), (at, i), colors.HexColor(BAND_FILL[r.risk_band or "low"]))
        for i, r in enumerate(top, start=1)
    ]
    table = data_table(
        st,
        [c[0] for c in columns],
        [[c[3](r) for c in columns] for r in top],
        widths,
        right=[k for k, c in enumerate(columns) if c[2]],
        extra=shading,
    )
    key = "riskiest.note" if ctx.timed else "riskiest.note_static"
    note = t(
        "riskiest.note_var" if ctx.quantile else key, horizon=ctx.horizon, confidence=confidence
    )
    story: list[Flowable] = [st.p(note, "small"), table]
    if has_drivers:
        explained = int((ctx.table["driver_1"].fillna("").astype(str) != "").sum())
        story.append(st.p(t("riskiest.drivers", n=f"{explained:,}"), "small"))
    return [KeepTogether(story)]


def _outcome(ctx: ReportContext, row: object) -> str:
    """What happened: event or not; the value of a regression; a quantile run's realised
    return and whether it breached the VaR (the row's score)."""
    actual = getattr(row, "actual", None)
    if not _finite(actual):
        return "–"
    if ctx.quantile:
        value = ctx.score(actual)
        return ctx.t("outcome.breach", value=value) if actual < row.score else value
    if not ctx.classification:
        return f"{actual:.4g}"
    return ctx.t("outcome.event") if actual >= 0.5 else ctx.t("outcome.none")


def method_lines(ctx: ReportContext, bands: bool = True) -> list[str]:
    """How the run was split, guarded against look-ahead, compared, judged, calibrated and
    explained (and, with `bands`, how its risk bands are cut): the PDF's and the Word
    document's methodology."""
    cfg, t = ctx.run.config, ctx.t
    fractions = {"validation": f"{cfg.split.validation:.0%}", "test": f"{cfg.split.test:.0%}"}
    lines = [
        t("method.split" if ctx.timed else "method.stratified", horizon=ctx.horizon, **fractions)
    ]
    if ctx.timed:
        lines.append(t("method.lookahead", window=cfg.window, macro_lag=lag_summary(cfg.data)))
    if ctx.quantile:
        lines += [t("method.var", fine=FINE), t("method.baselines_var"), t("method.backtests")]
        lines.append(interval_method(ctx))
    else:
        lines += [t("method.baselines"), *benchmark_method(ctx), interval_method(ctx)]
    if ctx.run.metrics.paired:
        lines.append(t("method.verdict_var" if ctx.quantile else "method.verdict"))
    if ctx.classification:
        method = calibration_method(ctx)
        lines.append(t("method.calibration", method=method) if method else t("method.uncalibrated"))
    lines.append(t("method.explain"))
    if bands:
        c1, c2, c3 = (ctx.cut(c) for c in ctx.cuts)
        if ctx.quantile:
            lines.append(t("method.bands_var", c1=c1, c2=c2, c3=c3))
        else:
            line = t("method.bands", c1=c1, c2=c2, c3=c3)
            lines.append(line if ctx.classification else f"{line} {t('method.bands_quantiles')}")
    return lines


def methodology(ctx: ReportContext, st: Styles) -> list[Flowable]:
    t = ctx.t
    lines = method_lines(ctx)
    train = ctx.data_summary["train"]
    limits = [
        t("limit.novel", start=train.get("from", "–"), end=train.get("to", "–")),
        t("limit.regime"),
        t("limit.data"),
        t("limit.causal"),
    ]
    return [*(st.lead(line) for line in lines), st.p(t("method.limits"), "h2"), *st.bullets(limits)]


def interval_method(ctx: ReportContext) -> str:
    """How the intervals were computed: blocks of dates, rows, or (old runs) not recorded."""
    info = ctx.run.metrics.get("intervals") or {}
    level = info.get("level", 0.95)
    values = {"level": f"{level:.0%}" if _finite(level) else "95%", "n_boot": info.get("n_boot")}
    if info.get("method") == "block":
        return ctx.t(
            "method.intervals_block",
            dates=f"{info.get('dates', 0):,}",
            block=info.get("block_dates", "–"),
            horizon=ctx.horizon,
            **values,
        )
    if info.get("method") == "row":
        return ctx.t("method.intervals_row", **values)
    return ctx.t("method.intervals")


def benchmark_method(ctx: ReportContext) -> list[str]:
    """What the one-number benchmark is and how it was chosen (none in old runs)."""
    entry = ctx.test.get("benchmark")
    if not isinstance(entry, dict):
        return []
    key = "method.benchmark" if ctx.classification else "method.benchmark_regression"
    return [ctx.t(key, name=benchmark_label(entry, ctx.t))]


def appendix(ctx: ReportContext, st: Styles) -> list[Flowable]:
    t, none = ctx.t, ctx.t("value.none")
    exp = ctx.explanations
    params = [
        (t("appendix.threshold"), f"{ctx.threshold:g}" if ctx.threshold is not None else none),
        (t("appendix.bands"), " / ".join(ctx.cut(c) for c in ctx.cuts)),
        (t("appendix.explanations"), t("appendix.count", n=f"{len(exp.rows):,}") if exp else none),
        (t("appendix.scenarios"), t("list.sep").join(s.name for s in ctx.scenarios) or none),
    ]
    versions = [(k, v or "–") for k, v in ctx.run.meta.versions.items()]
    half = (FRAME_W - 6 * mm) / 2
    return [
        side_by_side(
            [st.p(t("appendix.report"), "h2"), kv_table(st, params, half)],
            [st.p(t("appendix.versions"), "h2"), kv_table(st, versions, half)],
        ),
        st.p(t("appendix.config"), "h2"),
        preformatted(st, config_json(ctx.run)),
    ]


def config_json(run: Run) -> str:
    return compact_json(run.config.model_dump(mode="json"))


def compact_json(value: object, depth: int = 0) -> str:
    """Indented JSON with each list of plain values on one line: a config fits on one page."""
    if isinstance(value, dict) and value:
        pad = "  " * (depth + 1)
        items = [
            f"{pad}{json.dumps(k, ensure_ascii=False)}: {compact_json(v, depth + 1)}"
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        pad = "  " * (depth + 1)
        items = [pad + compact_json(v, depth + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + "  " * depth + "]"
    return json.dumps(value, ensure_ascii=False)


# ---- validation -----------------------------------------------------------------------------


def light_word(ctx: ReportContext, light: str) -> str:
    return ctx.t(f"validation.light.{light if light in LIGHT_FILL else 'none'}")


def check_name(ctx: ReportContext, name: str, level: str | None = None) -> str:
    """A check's name in the report's language; a VaR check says its level ("at 99%")."""
    key = f"validation.check.{name}"
    shown = ctx.t(key) if key in TEXTS else name
    if level is None:
        return shown
    return ctx.t("validation.check.at_level", name=shown, confidence=confidence(level))


def check_detail(ctx: ReportContext, check) -> str:
    """A check's detail in the report's language, its models named as the report names them."""
    return check.detail_in(ctx.language, ctx.label)


def check_thresholds(ctx: ReportContext, check) -> str:
    if check.rule == "verdict":
        return ctx.t("validation.threshold.verdict")
    if check.rule == "zone":
        return ctx.t("validation.threshold.zone")
    sign = "<" if check.rule == "below" else ">"
    parts = [
        ctx.t(f"validation.threshold.{level}", sign=sign, value=f"{value:g}")
        for level, value in (("red", check.threshold), ("amber", check.amber))
        if value is not None
    ]
    return "; ".join(parts) or "–"


def _light_cells(st: Styles, ctx: ReportContext, lights, column: int) -> tuple[list, list]:
    """The light column's cells (a coloured word) and the table commands that shade them."""
    cells = [
        st.rich(
            f'<font color="{LIGHT_INK.get(light, LIGHT_INK["none"])}">'
            f"{st.esc(light_word(ctx, light))}</font>",
            "cell",
        )
        for light in lights
    ]
    shading = [
        ("BACKGROUND", (column, i), (column, i), colors.HexColor(LIGHT_FILL.get(light, "#eef2f7")))
        for i, light in enumerate(lights, start=1)
    ]
    return cells, shading


def _p_value(value: object) -> str:
    return f"{float(value):.3g}" if _finite(value) else "–"


def _pct(value: object) -> str:
    return f"{float(value):.2%}" if _finite(value) else "–"


def validation(ctx: ReportContext, st: Styles) -> list[Flowable]:
    """The overall light and the policy, the checks table with lights, the master scale."""
    result, t = ctx.validation, ctx.t
    if result is None:
        return [st.p(t("validation.none", run=ctx.run.run_id))]
    counts, data = result.counts(), result.data
    period = f"{data['from']} – {data['to']}" if data.get("from") else "–"
    kind = data.get("kind", "test")
    var = {"confidence": confidence(min(ctx.levels))} if ctx.quantile else {}
    overall = t(
        "validation.overall_var" if ctx.quantile else "validation.overall",
        **var,
        light=light_word(ctx, result.light),
        red=counts["red"],
        amber=counts["amber"],
        green=counts["green"],
        policy=result.policy.name,
        rows=f"{data.get('rows', 0):,}",
        kind=t(f"validation.kind.{kind}") if f"validation.kind.{kind}" in TEXTS else kind,
        events=f"{data.get('events', 0):,}",
        period=period,
        created=_stamp(result.created),
    )
    lights, shading = _light_cells(st, ctx, [c.light for c in result.checks], 0)
    rows = [
        [
            light,
            check_name(ctx, c.name, getattr(c, "level", None)),
            _p_value(c.value),
            check_thresholds(ctx, c),
            st.p(check_detail(ctx, c), "small"),
        ]
        for light, c in zip(lights, result.checks, strict=True)
    ]
    header = [t(f"validation.col.{k}") for k in ("light", "check", "value", "threshold", "detail")]
    widths = [18 * mm, 40 * mm, 18 * mm, 32 * mm, FRAME_W - 108 * mm]
    story: list[Flowable] = [
        st.lead(overall),
        st.p(t("validation.checks"), "h2"),
        data_table(st, header, rows, widths, right=(2,), extra=shading),
    ]
    story += [
        st.p(
            t(
                "validation.skipped",
                name=check_name(ctx, s["name"]),
                reason=reason(s, ctx.language),
            ),
            "small",
        )
        for s in result.skipped
    ]
    story += validation_grades(ctx, st, result)
    p = result.portfolio
    if p:
        line = t(
            "validation.portfolio_line",
            hl=f"{p.get('hosmer_lemeshow', float('nan')):.2f}",
            df=p.get("hosmer_lemeshow_df", "–"),
            hl_p=_p_value(p.get("hosmer_lemeshow_p")),
            z=f"{p.get('spiegelhalter_z', float('nan')):+.2f}",
            z_p=_p_value(p.get("spiegelhalter_p")),
            slope=metric_value(p.get("calibration_slope")),
            intercept=metric_value(p.get("calibration_intercept")),
            mean_pd=_pct(p.get("mean_pd")),
            observed=_pct(p.get("observed_rate")),
        )
        story += [st.p(t("validation.portfolio"), "h2"), st.p(line)]
    return story


def validation_grades(ctx: ReportContext, st: Styles, result: ValidationResult) -> list[Flowable]:
    g, t = result.grades, ctx.t
    if g.empty:
        return []
    rule = result.policy.grades
    scale = t(
        "validation.scale",
        grades=result.scale.get("grades", len(g)),
        method=scale_term("method", result.scale.get("method", "–"), ctx.language),
        source=scale_term("source", result.scale.get("source", "–"), ctx.language),
        test=scale_term("test", rule.test, ctx.language),
        red=f"{rule.red_below:g}" if rule.red_below is not None else "–",
        amber=f"{rule.amber_below:g}" if rule.amber_below is not None else "–",
    )
    lights, shading = _light_cells(st, ctx, list(g["light"]), 0)
    has_range = {"pd_from", "pd_to"} <= set(g.columns)
    rows = [
        [
            light,
            str(r.grade),
            f"{_pct(r.pd_from)} – {_pct(r.pd_to)}" if has_range else "–",
            f"{int(r.n):,}",
            f"{int(r.defaults):,}",
            _pct(r.mean_pd),
            _pct(r.observed_rate),
            _p_value(r.binomial_p),
            _p_value(r.jeffreys_p),
        ]
        for light, r in zip(lights, g.itertuples(), strict=True)
    ]
    keys = (
        "light",
        "grade",
        "pd_range",
        "n",
        "defaults",
        "mean_pd",
        "observed",
        "binomial_p",
        "jeffreys_p",
    )
    widths = [18 * mm, 12 * mm, 32 * mm, *([(FRAME_W - 62 * mm) / 6] * 6)]
    table = data_table(
        st, [t(f"validation.col.{k}") for k in keys], rows, widths, right=range(3, 9), extra=shading
    )
    return [KeepTogether([st.p(t("validation.grades"), "h2"), st.p(scale, "small"), table])]


# ---- building -------------------------------------------------------------------------------
SECTIONS = {
    "summary": summary,
    "data": data,
    "model": model,
    "metrics": metrics,
    "validation": validation,
    "charts": charts,
    "riskiest": riskiest,
    "methodology": methodology,
    "appendix": appendix,
}
NEW_PAGE = ("summary", "charts", "appendix")  # long sections start on a fresh page


def build_pdf(ctx: ReportContext) -> bytes:
    """The cover, then the chosen sections numbered in reading order."""
    st = Styles(ctx.language)
    story: list[Flowable] = [NextPageTemplate("body"), *cover(ctx, st)]
    for index, name in enumerate(ctx.sections, start=1):
        story.append(PageBreak() if index == 1 or name in NEW_PAGE else CondPageBreak(70 * mm))
        body = SECTIONS[name](ctx, st)
        title = heading(st, f"{index}  {ctx.t(section_key(name, ctx.run.metrics.task))}")
        story += [KeepTogether([*title, *body[:1]]), *body[1:]]  # never a heading alone
    page = PageInfo(
        title=ctx.title,
        subject=f"{ctx.t('cover.kind')} {ctx.run.run_id}",
        header=f"RiskLens · {ctx.title} · {ctx.run.run_id}",
        footer=ctx.t("footer.generated", date=ctx.generated.strftime("%Y-%m-%d %H:%M UTC")),
        page_label=ctx.t("footer.page"),
    )
    return render(story, page, st)
